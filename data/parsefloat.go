package data

import (
	"bytes"
	"math"
	"math/bits"
	"strconv"
	"unsafe"
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
// subnormals, hexadecimal, "NaN", errors) falls back to strconv.ParseFloat,
// which is correctly rounded (Eisel–Lemire with a big-decimal fallback), so
// the result is bit-identical to strconv.ParseFloat in every case.

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
func scanFloat(b []byte, i int) (f float64, end int, ok bool) {
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var w uint64
	nd, e := 0, 0
	digits, dot := false, false
	for ; i < len(b); i++ {
		c := b[i]
		if c-'0' <= 9 {
			digits = true
			if c == '0' && nd == 0 {
				if dot {
					e--
				}
				continue
			}
			if nd == 19 {
				return 0, i, false
			}
			w = w*10 + uint64(c-'0')
			nd++
			if dot {
				e--
			}
			continue
		}
		if c == '.' && !dot {
			dot = true
			continue
		}
		break
	}
	if !digits {
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
	if w>>53 != 0 {
		return 0, i, false
	}
	f = float64(w)
	switch {
	case e == 0:
	case e > 0 && e <= 22:
		f *= exactPow10[e]
	case e < 0 && e >= -22:
		f /= exactPow10[-e]
	case e > 22 && e <= 22+15:
		hi, lo := bits.Mul64(w, intPow10[e-22])
		if hi != 0 || lo>>53 != 0 {
			return 0, i, false
		}
		f = float64(lo) * 1e22
	default:
		return 0, i, false
	}
	if neg {
		f = -f
	}
	return f, i, true
}

// fieldProblem says why a field is not a usable number.
type fieldProblem int

const (
	fieldOK        fieldProblem = iota
	fieldEmpty                  // nothing but spaces
	fieldNaN                    // not a number at all
	fieldNonFinite              // NaN or ±Inf written out
	fieldOverflow               // finite syntax, too large for float64
)

// parseField converts one whole field (without quotes) to a finite float64
// with the semantics of strconv.ParseFloat, after trimming spaces and tabs.
// Digit separators ('_') are rejected.
func parseField(b []byte) (float64, fieldProblem) {
	b = bytes.Trim(b, " \t")
	if len(b) == 0 {
		return 0, fieldEmpty
	}
	if f, end, ok := scanFloat(b, 0); ok && end == len(b) {
		return f, fieldOK
	}
	if bytes.IndexByte(b, '_') >= 0 {
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
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fieldNonFinite
	}
	return f, fieldOK
}
