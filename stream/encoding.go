package stream

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Binary forms. All numbers are little-endian; floats are IEEE-754 bit
// patterns, so a round trip is exact and merging decoded accumulators gives
// the same bits as merging the originals.
//
//	QR:   "LSQR" version(1) flags(1: bit 0 = intercept, bit 1 = double-double)
//	      d(uint32) rows(int64) n(int64) Σw(float64) then the upper triangle
//	      of R, row by row (p(p+1)/2 floats; with bit 1 set, p(p+1)/2 pairs
//	      hi, lo)
//	Grad: "LSQG" version(1) d(uint32) rows(int64) n(int64) Σw Σwr Σwr²
//	      intercept then Σwrz, coef, center, scale (d floats each)
//
// rows counts every row folded, n those of positive weight (QR.Rows, QR.N).
// Version 1 had n only, so it cannot give Rows and is refused
// (versionError).
const (
	qrMagic       = "LSQR"
	gradMagic     = "LSQG"
	formatVersion = 2
	maxFeatures   = 1 << 20 // refuse absurd sizes from corrupt input before allocating
)

// versionError is the error for the binary form of an accumulator (what:
// "QR" or "gradient") in format version v, not formatVersion.
func versionError(what string, v byte) error {
	switch {
	case v == 1:
		return fmt.Errorf("stream: %s accumulator in format version 1, written by an older lsq that did not count the rows of weight zero; fold its rows again with this version (format %d)", what, formatVersion)
	case v > formatVersion:
		return fmt.Errorf("stream: %s accumulator in format version %d, written by a newer lsq (this one reads version %d); decode it with that version", what, v, formatVersion)
	}
	return fmt.Errorf("stream: %s accumulator in format version %d, which no lsq writes", what, v)
}

// readCounts reads the row counts rows and n (n ≤ rows, both ≥ 0) of the
// binary form of an accumulator (what: "QR" or "gradient").
func readCounts(what string, b []byte) (rows, n int64, rest []byte, err error) {
	rows = int64(binary.LittleEndian.Uint64(b))
	n = int64(binary.LittleEndian.Uint64(b[8:]))
	if n < 0 || rows < n {
		return 0, 0, nil, fmt.Errorf("stream: %s accumulator has %d rows, %d of positive weight", what, rows, n)
	}
	return rows, n, b[16:], nil
}

var errShort = errors.New("stream: binary form is truncated or has trailing bytes")

// MarshalBinary implements encoding.BinaryMarshaler. Buffered rows are folded
// first.
func (q *QR) MarshalBinary() ([]byte, error) {
	q.flush()
	tri := q.p * (q.p + 1) / 2
	if q.precise {
		tri *= 2
	}
	b := make([]byte, 0, 4+1+1+4+8+8+8+8*tri)
	b = append(b, qrMagic...)
	b = append(b, formatVersion)
	var flags byte
	if q.intercept {
		flags |= 1
	}
	if q.precise {
		flags |= 2
	}
	b = append(b, flags)
	b = binary.LittleEndian.AppendUint32(b, uint32(q.d))
	b = binary.LittleEndian.AppendUint64(b, uint64(q.rows))
	b = binary.LittleEndian.AppendUint64(b, uint64(q.n))
	b = appendFloat(b, q.sumW)
	for i := 0; i < q.p; i++ {
		for j := i; j < q.p; j++ {
			if q.precise {
				b = appendFloat(b, q.rd[i*q.p+j].Hi)
				b = appendFloat(b, q.rd[i*q.p+j].Lo)
			} else {
				b = appendFloat(b, q.r[i*q.p+j])
			}
		}
	}
	return b, nil
}

// UnmarshalBinary implements encoding.BinaryUnmarshaler. It replaces the
// receiver's contents, which may be the zero value.
func (q *QR) UnmarshalBinary(data []byte) error {
	if len(data) < 10 || string(data[:4]) != qrMagic {
		return errors.New("stream: not a QR accumulator")
	}
	if data[4] != formatVersion {
		return versionError("QR", data[4])
	}
	if data[5]&^3 != 0 {
		return fmt.Errorf("stream: QR accumulator has unknown flags %#x", data[5])
	}
	intercept := data[5]&1 == 1
	precise := data[5]&2 == 2
	d := binary.LittleEndian.Uint32(data[6:10])
	if d > maxFeatures {
		return fmt.Errorf("stream: QR accumulator claims %d features", d)
	}
	p := int(d) + 1
	if intercept {
		p++
	}
	rest := data[10:]
	// Check the length before allocating, so corrupt input cannot ask for
	// more memory than it occupies.
	tri := p * (p + 1) / 2
	if precise {
		tri *= 2
	}
	if len(rest) != 8+8+8+8*tri {
		return errShort
	}
	nq := newQR(int(d), intercept, precise)
	var err error
	if nq.rows, nq.n, rest, err = readCounts("QR", rest); err != nil {
		return err
	}
	nq.sumW, rest = readFloat(rest)
	for i := 0; i < nq.p; i++ {
		for j := i; j < nq.p; j++ {
			if precise {
				var v dd
				v.Hi, rest = readFloat(rest)
				v.Lo, rest = readFloat(rest)
				nq.rd[i*nq.p+j] = v
			} else {
				nq.r[i*nq.p+j], rest = readFloat(rest)
			}
		}
	}
	*q = *nq
	return nil
}

// MarshalBinary implements encoding.BinaryMarshaler. The parameters are
// included, so a decoded accumulator merges only with one made at the same
// parameters.
func (g *Grad) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 4+1+4+8+8+8*4+8*4*g.d)
	b = append(b, gradMagic...)
	b = append(b, formatVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(g.d))
	b = binary.LittleEndian.AppendUint64(b, uint64(g.rows))
	b = binary.LittleEndian.AppendUint64(b, uint64(g.n))
	for _, v := range [...]float64{g.sumW, g.sumR, g.sumR2, g.intercept} {
		b = appendFloat(b, v)
	}
	for _, s := range [...][]float64{g.g, g.coef, g.center, g.scale} {
		for _, v := range s {
			b = appendFloat(b, v)
		}
	}
	return b, nil
}

// UnmarshalBinary implements encoding.BinaryUnmarshaler. It replaces the
// receiver's contents, which may be the zero value.
func (g *Grad) UnmarshalBinary(data []byte) error {
	if len(data) < 9 || string(data[:4]) != gradMagic {
		return errors.New("stream: not a gradient accumulator")
	}
	if data[4] != formatVersion {
		return versionError("gradient", data[4])
	}
	d := binary.LittleEndian.Uint32(data[5:9])
	if d > maxFeatures {
		return fmt.Errorf("stream: gradient accumulator claims %d features", d)
	}
	rest := data[9:]
	if len(rest) != 8+8+8*4+8*4*int(d) {
		return errShort
	}
	rows, n, rest, err := readCounts("gradient", rest)
	if err != nil {
		return err
	}
	var head [4]float64
	for i := range head {
		head[i], rest = readFloat(rest)
	}
	vecs := make([][]float64, 4)
	for k := range vecs {
		vecs[k] = make([]float64, d)
		for j := range vecs[k] {
			vecs[k][j], rest = readFloat(rest)
		}
	}
	for j, s := range vecs[3] {
		if s == 0 {
			return fmt.Errorf("stream: gradient accumulator has zero scale for feature %d", j)
		}
	}
	*g = Grad{
		d: int(d), coef: vecs[1], intercept: head[3], center: vecs[2], scale: vecs[3],
		g: vecs[0], sumR: head[1], sumR2: head[2], sumW: head[0], rows: rows, n: n,
		gb: make([]float64, d),
	}
	return nil
}

func appendFloat(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

func readFloat(b []byte) (float64, []byte) {
	return math.Float64frombits(binary.LittleEndian.Uint64(b)), b[8:]
}
