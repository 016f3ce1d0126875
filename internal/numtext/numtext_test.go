package numtext

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestDecimal(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+1", "1.", ".5", "-.5", "1.5e3", "1E+3", "1e-300", "00012.3400", "9e999",
	} {
		if !Decimal(s) || !Decimal([]byte(s)) {
			t.Errorf("Decimal(%q) = false", s)
		}
	}
	for _, s := range []string{
		"", "+", "-", ".", "e5", ".e5", "1e", "1e+", "1.5.", "1..5", "--1", "1-", " 1", "1 ",
		"0x1p-2", "0x10", "1_000", "inf", "nan", "Infinity", "1p3", "1d5", "١",
	} {
		if Decimal(s) {
			t.Errorf("Decimal(%q) = true", s)
		}
	}
}

func TestNonFiniteAndHex(t *testing.T) {
	for _, s := range []string{"inf", "Inf", "-INF", "+infinity", "Infinity", "nan", "NaN", "-nan", "+NAN"} {
		if !NonFinite(s) {
			t.Errorf("NonFinite(%q) = false", s)
		}
	}
	for _, s := range []string{"", "in", "infinit", "infinityy", "nana", "--inf", "1", "0x1p1"} {
		if NonFinite(s) {
			t.Errorf("NonFinite(%q) = true", s)
		}
	}
	for _, s := range []string{"0x1p-2", "-0X1.8P1", "+0x10"} {
		if !Hex(s) {
			t.Errorf("Hex(%q) = false", s)
		}
	}
	for _, s := range []string{"0", "x10", "00x1", "-", "10x"} {
		if Hex(s) {
			t.Errorf("Hex(%q) = true", s)
		}
	}
}

// TestDecimalIsStrconvMinusExtras: on random strings over the alphabet of
// numbers, Decimal accepts exactly what strconv.ParseFloat reads (in range
// or not) minus the forms this package refuses: anything with an
// underscore, a hexadecimal prefix, or a word for infinity or NaN.
func TestDecimalIsStrconvMinusExtras(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 5))
	const alphabet = "0123456789.eE+-_xXpPinfatyINFATY"
	var b strings.Builder
	for range 200000 {
		b.Reset()
		for range 1 + rng.IntN(8) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		_, err := strconv.ParseFloat(s, 64)
		reads := err == nil || err.(*strconv.NumError).Err == strconv.ErrRange
		extra := strings.Contains(s, "_") || Hex(s) || NonFinite(s)
		if want := reads && !extra; Decimal(s) != want {
			t.Fatalf("Decimal(%q) = %v, want %v (strconv reads it: %v)", s, !want, want, reads)
		}
	}
}
