// Package numtext is the one rule for what text counts as a number in a data
// file, shared by the CSV reader (package data) and the double-double reader
// (internal/dd), so that every path reads the same cells the same way.
//
// A number in a data file is a decimal: an optional sign, digits with an
// optional decimal point (at least one digit on either side), and an
// optional exponent e or E with an optional sign and at least one digit:
//
//	[+-]? ( D+ ( "." D* )? | "." D+ ) ( [eE] [+-]? D+ )?
//
// This is Go's decimal floating-point syntax without digit separators.
// strconv.ParseFloat also reads hexadecimal floats ("0x1p-2", "0x1.8p1"),
// digit separators ("1_000") and the words inf, infinity and nan; a data
// file holds none of those: hexadecimal and separators are never written
// by the programs that write data files and more likely a sign of a wrong
// column, and infinities and NaN cannot be fitted. So a cell that is not
// Decimal is refused: as "not a finite number" when NonFinite says it
// spells an infinity or a NaN, as "not a number" otherwise, and never read
// as a value.
package numtext

// Decimal reports whether s, with no surrounding spaces, is a decimal
// number in the syntax above.
func Decimal[T string | []byte](s T) bool {
	i, n := 0, len(s)
	if i < n && (s[i] == '+' || s[i] == '-') {
		i++
	}
	d := 0
	for i < n && isDigit(s[i]) {
		i++
		d++
	}
	if i < n && s[i] == '.' {
		i++
		for i < n && isDigit(s[i]) {
			i++
			d++
		}
	}
	if d == 0 {
		return false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		e := i
		for i < n && isDigit(s[i]) {
			i++
		}
		if i == e {
			return false
		}
	}
	return i == n
}

// NonFinite reports whether s spells an infinity or a NaN in any case, with
// or without a sign: inf, infinity and nan as strconv.ParseFloat reads
// them, and also a signed nan ("-nan" is what C's printf writes for a NaN
// with its sign bit set).
func NonFinite[T string | []byte](s T) bool {
	i := 0
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		i = 1
	}
	w := s[i:]
	return foldEq(w, "inf") || foldEq(w, "infinity") || foldEq(w, "nan")
}

// Hex reports whether s (after an optional sign) starts with 0x or 0X, the
// prefix of a hexadecimal number.
func Hex[T string | []byte](s T) bool {
	i := 0
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		i = 1
	}
	return len(s) >= i+2 && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X')
}

func isDigit(c byte) bool { return c-'0' <= 9 }

// foldEq reports whether s equals the lower-case ASCII word w, ignoring case.
func foldEq[T string | []byte](s T, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if s[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}
