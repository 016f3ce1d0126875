package data

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unsafe"

	"github.com/lsqgo/lsq/internal/numtext"
)

// Number parsing.
//
// scanFloat is a fast path for the decimal numbers found in data files. It
// reads a sign, up to 19 significant digits with an optional decimal point
// and an optional exponent, and converts w·10^e exactly when Clinger's
// condition holds: w < 2^53 and |e| ≤ 22, so that both w and 10^|e| are exact
// float64 values and one IEEE multiplication or division rounds correctly
// (W. D. Clinger, "How to read floating point numbers accurately", PLDI
// 1990). When w·10^(e-22) is still an exact integer below 2^53 the exponent
// range extends to 22+15. Everything else (17-digit round-trip output,
// subnormals, errors) falls back to strconv.ParseFloat, which is correctly
// rounded (Eisel–Lemire with a big-decimal fallback), so the result is
// bit-identical to strconv.ParseFloat for every decimal number. Only
// decimals are numbers here (internal/numtext): the other forms strconv
// reads (hexadecimal, digit separators, inf, nan) are refused.

// exactPow10 holds the powers of ten that are exact in float64.
var exactPow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// intPow10 holds 10^0 … 10^15 as integers.
var intPow10 = [...]uint64{
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000,
	10000000000000, 100000000000000, 1000000000000000,
}

// scanFloat parses the longest prefix of b[i:] that looks like a decimal
// number. ok is false when the prefix is not a number or cannot be converted
// exactly by the fast path; the caller then finds the field's end itself and
// calls parseField. When ok is true, end is the index just after the number;
// the caller must still check that a field terminator follows.
//
//go:generate go run gen_pow5.go
func scanFloat(b []byte, i int) (f float64, end int, ok bool) {
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	n := len(b)
	var w uint64
	e := 0
	start := i
	for i < n && b[i] == '0' { // leading zeros carry no digits
		i++
	}
	intStart := i
	for i < n && b[i]-'0' <= 9 {
		w = w*10 + uint64(b[i]-'0')
		i++
	}
	nd := i - intStart // significant digits so far
	digits := i > start
	if i < n && b[i] == '.' {
		i++
		fracStart := i
		if nd == 0 {
			for i < n && b[i] == '0' {
				i++
			}
		}
		sigStart := i
		// Eight digits at a time while they last (and w cannot overflow).
		for i+8 <= n && nd+(i-sigStart)+8 <= 19 {
			v := binary.LittleEndian.Uint64(b[i:])
			if !eightDigits(v) {
				break
			}
			w = w*100000000 + parseEight(v)
			i += 8
		}
		for i < n && b[i]-'0' <= 9 {
			w = w*10 + uint64(b[i]-'0')
			i++
		}
		nd += i - sigStart
		e = -(i - fracStart)
		digits = digits || i > fracStart
	}
	if !digits || nd > 19 {
		return 0, i, false
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		start, x := i, 0
		for ; i < len(b) && b[i]-'0' <= 9; i++ {
			if x < 100000 {
				x = x*10 + int(b[i]-'0')
			}
		}
		if i == start {
			return 0, i, false
		}
		if eneg {
			x = -x
		}
		e += x
	}
	if w == 0 {
		if neg {
			return math.Copysign(0, -1), i, true
		}
		return 0, i, true
	}
	if w>>53 == 0 {
		f = float64(w)
		switch {
		case e == 0:
			return sign(f, neg), i, true
		case e > 0 && e <= 22:
			return sign(f*exactPow10[e], neg), i, true
		case e < 0 && e >= -22:
			return sign(f/exactPow10[-e], neg), i, true
		case e > 22 && e <= 22+15:
			if hi, lo := bits.Mul64(w, intPow10[e-22]); hi == 0 && lo>>53 == 0 {
				return sign(float64(lo)*1e22, neg), i, true
			}
		}
	}
	f, ok = eiselLemire(w, e)
	return sign(f, neg), i, ok
}

// eightDigits reports whether the 8 bytes packed little-endian in v are
// all ASCII digits.
func eightDigits(v uint64) bool {
	return (v&0xF0F0F0F0F0F0F0F0)|(((v+0x0606060606060606)&0xF0F0F0F0F0F0F0F0)>>4) == 0x3333333333333333
}

// parseEight converts eight ASCII digits packed little-endian (first digit
// in the low byte) to their value, combining pairs, then quads, then the
// two halves with three multiplications (SWAR: SIMD within a register).
func parseEight(v uint64) uint64 {
	v -= 0x3030303030303030
	v = v*10 + v>>8 // pairs: byte 2k holds the value of digits 2k, 2k+1
	v = ((v&0x000000FF000000FF)*(100+1000000<<32) + (v>>16&0x000000FF000000FF)*(1+10000<<32)) >> 32
	return v & 0xFFFFFFFF
}

func sign(f float64, neg bool) float64 {
	if neg {
		return -f
	}
	return f
}

// eiselLemire converts w·10^q, 0 < w < 2^64, to the nearest float64, or
// reports ok = false in the rare cases it cannot decide (then the caller
// falls back to strconv) and for results that are subnormal, zero or
// infinite. The method: multiply the normalised w by a 128-bit
// approximation of 5^q (the power of two in 10^q = 5^q·2^q goes to the
// exponent), keep the top 54 bits, and round to 53 bits, checking that the
// truncation of 5^q cannot change the rounding. D. Lemire, "Number parsing
// at a gigabyte per second", Software: Practice and Experience 51(8), 2021;
// N. Tao's note on the Eisel–Lemire algorithm (2020).
func eiselLemire(w uint64, q int) (float64, bool) {
	if q < pow5MinQ || q > pow5MaxQ {
		return 0, false
	}
	p := pow5[q-pow5MinQ]
	lz := bits.LeadingZeros64(w)
	w <<= uint(lz)
	hi, lo := bits.Mul64(w, p[0])
	// The low 9 bits of hi are dropped below; if they are all ones the
	// truncated part of 5^q could carry into the kept bits: use the second
	// word of the power.
	if hi&0x1FF == 0x1FF && lo+w < lo {
		hi2, lo2 := bits.Mul64(w, p[1])
		mlo := lo + hi2
		mhi := hi
		if mlo < lo {
			mhi++
		}
		if mhi&0x1FF == 0x1FF && mlo+1 == 0 && lo2+w < lo2 {
			return 0, false
		}
		hi, lo = mhi, mlo
	}
	top := hi >> 63
	m := hi >> (top + 9) // 54 significant bits
	// floor(q·log2 10) via the fixed-point 217706/2^16 ≈ log2 10, exact for
	// |q| ≤ 1650.
	e2 := int((217706*q)>>16) + 63 + int(top) - lz + 1023
	// Exactly half-way between two floats: strconv decides the tie.
	if lo == 0 && hi&0x1FF == 0 && m&3 == 1 {
		return 0, false
	}
	m += m & 1
	m >>= 1
	if m>>53 != 0 {
		m >>= 1
		e2++
	}
	if e2 <= 0 || e2 >= 0x7FF {
		return 0, false
	}
	return math.Float64frombits(uint64(e2)<<52 | m&(1<<52-1)), true
}

// fieldProblem says why a field is not a usable number.
type fieldProblem int

const (
	fieldOK        fieldProblem = iota
	fieldEmpty                  // nothing but spaces
	fieldNaN                    // not a number at all
	fieldNonFinite              // NaN or ±Inf written out
	fieldOverflow               // finite syntax, too large for float64
	fieldHex                    // a hexadecimal number (0x…), which data files may not hold
	fieldSeparator              // a decimal with digit separators (1_000)
)

// parseField converts one whole field (without quotes) to a finite float64,
// after trimming spaces and tabs. A field is a number only in the decimal
// syntax of internal/numtext (no hexadecimal, no digit separators, no
// words), and then its value is bit for bit strconv.ParseFloat's; the words
// for infinities and NaN in any spelling are fieldNonFinite.
func parseField(b []byte) (float64, fieldProblem) {
	b = bytes.Trim(b, " \t")
	if len(b) == 0 {
		return 0, fieldEmpty
	}
	if f, end, ok := scanFloat(b, 0); ok && end == len(b) {
		return f, fieldOK
	}
	if !numtext.Decimal(b) {
		switch {
		case numtext.NonFinite(b):
			return 0, fieldNonFinite
		case numtext.Hex(b):
			return 0, fieldHex
		case bytes.IndexByte(b, '_') >= 0 && strconvReads(b):
			return 0, fieldSeparator
		}
		return 0, fieldNaN
	}
	// strconv copies its input into any error it returns, so the string
	// header may alias b.
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fieldOverflow
		}
		return 0, fieldNaN
	}
	return f, fieldOK
}

// strconvReads reports whether strconv.ParseFloat reads b as a number
// (possibly out of range).
func strconvReads(b []byte) bool {
	_, err := strconv.ParseFloat(string(b), 64)
	return err == nil || err.(*strconv.NumError).Err == strconv.ErrRange
}
