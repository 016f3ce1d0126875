package optim

import (
	"encoding/binary"
	"fmt"
	"math"
)

// stateVersion is the first byte of every optimiser state written by
// MarshalBinary.
const stateVersion = 1

// encodeState writes the version, the integers and then each vector with its
// length, all little-endian; floats keep their exact bits (NaN and ±Inf too).
func encodeState(ints []int, vecs ...[]float64) []byte {
	size := 1 + 8 + 8*len(ints)
	for _, v := range vecs {
		size += 8 + 8*len(v)
	}
	b := make([]byte, 0, size)
	b = append(b, stateVersion)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(ints)))
	for _, i := range ints {
		b = binary.LittleEndian.AppendUint64(b, uint64(i))
	}
	for _, v := range vecs {
		b = binary.LittleEndian.AppendUint64(b, uint64(len(v)))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
	}
	return b
}

// decodeState reads what encodeState wrote into ints and vecs, which must
// already have the lengths that were written.
func decodeState(name string, b []byte, ints []*int, vecs ...[]float64) error {
	bad := func(what string) error {
		return fmt.Errorf("optim: %s state: %s (%d bytes)", name, what, len(b))
	}
	if len(b) < 9 || b[0] != stateVersion {
		return bad("unknown format")
	}
	b0 := b
	b = b[1:]
	u := func() uint64 {
		v := binary.LittleEndian.Uint64(b)
		b = b[8:]
		return v
	}
	if n := u(); n != uint64(len(ints)) || len(b) < 8*len(ints) {
		_ = b0
		return bad(fmt.Sprintf("has %d counters, want %d", n, len(ints)))
	}
	for _, p := range ints {
		*p = int(u())
	}
	for _, v := range vecs {
		if len(b) < 8 {
			return bad("truncated")
		}
		if n := u(); n != uint64(len(v)) || len(b) < 8*len(v) {
			return bad(fmt.Sprintf("vector of length %d, want %d (was Init called with the same dimension?)", n, len(v)))
		}
		for j := range v {
			v[j] = math.Float64frombits(u())
		}
	}
	if len(b) != 0 {
		return bad("trailing bytes")
	}
	return nil
}
