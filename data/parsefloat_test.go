package data

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/internal/numtext"
)

// checkParse checks parseField against the rule of internal/numtext and
// strconv.ParseFloat: a decimal number is read bit for bit as strconv reads
// it (or refused as too large); anything else is refused, as non-finite
// when it spells an infinity or a NaN.
func checkParse(t *testing.T, s string) {
	t.Helper()
	got, prob := parseField([]byte(s))
	if !numtext.Decimal(s) {
		want := []fieldProblem{fieldNaN, fieldHex, fieldSeparator}
		switch {
		case s == "":
			want = []fieldProblem{fieldEmpty}
		case numtext.NonFinite(s):
			want = []fieldProblem{fieldNonFinite}
		}
		if !slices.Contains(want, prob) {
			t.Errorf("parseField(%q) = %v, problem %d; want one of %v", s, got, prob, want)
		}
		return
	}
	want, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil:
		if prob != fieldOverflow {
			t.Errorf("parseField(%q) = %v (problem %d), strconv: %v", s, got, prob, err)
		}
	default:
		if prob != fieldOK || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("parseField(%q) = %v (%#x, problem %d), strconv = %v (%#x)",
				s, got, math.Float64bits(got), prob, want, math.Float64bits(want))
		}
	}
}

// TestParseFieldStrconvOnly: every form strconv.ParseFloat reads besides
// plain decimals is refused, each with the problem that names it.
func TestParseFieldStrconvOnly(t *testing.T) {
	for _, c := range []struct {
		in   string
		prob fieldProblem
	}{
		{"0x1p-2", fieldHex}, {"0x1.8p1", fieldHex}, {"-0X1P-2", fieldHex}, {"0x10", fieldHex},
		{"0x_1p0", fieldHex}, {"+0x.8p0", fieldHex},
		{"1_000", fieldSeparator}, {"1_0.5", fieldSeparator}, {"-1_000e1_0", fieldSeparator},
		{"Inf", fieldNonFinite}, {"+Inf", fieldNonFinite}, {"-inf", fieldNonFinite},
		{"INF", fieldNonFinite}, {"infinity", fieldNonFinite}, {"+Infinity", fieldNonFinite},
		{"-INFINITY", fieldNonFinite}, {"iNfInItY", fieldNonFinite},
		{"nan", fieldNonFinite}, {"NaN", fieldNonFinite}, {"NAN", fieldNonFinite},
		{"-nan", fieldNonFinite}, {"+NaN", fieldNonFinite},
		{"1p3", fieldNaN}, {"infinit", fieldNaN}, {"nanx", fieldNaN}, {"_1", fieldNaN}, {"1__", fieldNaN},
	} {
		if _, err := strconv.ParseFloat(c.in, 64); err != nil && c.prob == fieldSeparator {
			t.Errorf("%q: strconv does not read it (%v): not a strconv-only form", c.in, err)
		}
		got, prob := parseField([]byte(c.in))
		if prob != c.prob {
			t.Errorf("parseField(%q) = %v, problem %d; want %d", c.in, got, prob, c.prob)
		}
	}
}

func TestParseFieldEdges(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+0", "0.0", "-0.0", "00", "1", "-1", "+1", ".5", "5.", "-.5",
		"1e0", "1E5", "1e+5", "1e-5", "1e22", "1e23", "9007199254740992", "9007199254740993",
		"9007199254740991e22", "9007199254740991e-22", "123456789012345678", "1234567890123456789",
		"12345678901234567890", "0.1", "0.3", "2.2250738585072014e-308", "2.2250738585072011e-308",
		"4.9e-324", "5e-324", "2e-324", "1e-400", "1.7976931348623157e308", "1.7976931348623159e308",
		"1e308", "1e309", "1e400", "-1e400", "inf", "-Inf", "NaN", "nan", "Infinity",
		"1.5e", "1e+", "e5", ".", "-", "+", "1.2.3", "1,5", "0x1p-2", "0x10", "--1",
		"1e0000000000000000000005", "1e-99999999999999", "0.000000000000000000000000000001",
		"100000000000000000000000", "3.14159265358979323846264338327950288",
		"1e37", "123e25", "9007199254740991e15", "9007199254740991e16",
	} {
		checkParse(t, s)
	}
}

func TestParseFieldSpacesAndEmpty(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		prob fieldProblem
	}{
		{" 1.5", 1.5, fieldOK},
		{"2\t", 2, fieldOK},
		{"  ", 0, fieldEmpty},
		{"", 0, fieldEmpty},
		{"1 2", 0, fieldNaN},
		{"1e400", 0, fieldOverflow},
		{"NaN", 0, fieldNonFinite},
		{"1_0", 0, fieldSeparator}, // strconv accepts digit separators; data files must not
	} {
		got, prob := parseField([]byte(c.in))
		if prob != c.prob || (prob == fieldOK && got != c.want) {
			t.Errorf("parseField(%q) = %v, %d; want %v, %d", c.in, got, prob, c.want, c.prob)
		}
	}
}

// TestParseFieldRandom draws numbers in the forms data files use and checks
// bit-identity with strconv.ParseFloat.
func TestParseFieldRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	digits := []byte("0123456789")
	for i := 0; i < n; i++ {
		var s string
		switch i % 5 {
		case 0: // shortest round-trip of a random bit pattern
			f := math.Float64frombits(rng.Uint64())
			s = strconv.FormatFloat(f, 'g', -1, 64)
		case 1: // fixed decimals of a normal value
			s = strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(10)-3)), 'f', rng.IntN(12), 64)
		case 2: // exponent form with few digits
			s = strconv.FormatFloat(rng.NormFloat64(), 'e', rng.IntN(16), 64)
			s = s[:len(s)-3] + "e" + strconv.Itoa(rng.IntN(80)-40)
		default: // random digit strings with a dot and an exponent
			b := make([]byte, 1+rng.IntN(25))
			for k := range b {
				b[k] = digits[rng.IntN(10)]
			}
			if p := rng.IntN(len(b) + 1); p < len(b) {
				b[p] = '.'
			}
			s = string(b)
			if rng.IntN(2) == 0 {
				s += "e" + strconv.Itoa(rng.IntN(700)-350)
			}
			if rng.IntN(3) == 0 {
				s = "-" + s
			}
		}
		checkParse(t, s)
	}
}

// TestEiselLemire checks the fast conversion of w·10^q directly against
// strconv on random mantissas of 1 to 19 digits over the whole exponent
// range, including the cases it declines.
func TestEiselLemire(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	n := 300000
	if testing.Short() {
		n = 30000
	}
	declined := 0
	for i := 0; i < n; i++ {
		w := rng.Uint64() >> rng.UintN(64)
		if w == 0 || w >= 1e19 {
			continue
		}
		q := rng.IntN(pow5MaxQ-pow5MinQ+40) + pow5MinQ - 20
		s := strconv.FormatUint(w, 10) + "e" + strconv.Itoa(q)
		want, err := strconv.ParseFloat(s, 64)
		got, ok := eiselLemire(w, q)
		if !ok {
			declined++
			continue
		}
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%s: eiselLemire %v (%#x), strconv %v (%#x) %v", s, got, math.Float64bits(got), want, math.Float64bits(want), err)
		}
	}
	// Declines are subnormal, zero, infinite or ambiguous results. About
	// 12% of this exponent range lies outside the normal floats: a much
	// larger share would mean the fast path is broken.
	if declined > n/4 {
		t.Errorf("declined %d of %d", declined, n)
	}
}

// FuzzParseFloat: parseField reads a decimal bit for bit as strconv.ParseFloat
// does and refuses everything else (internal/numtext).
func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"1", "-0.5", "1e22", "9007199254740993", "2.2250738585072011e-308", "0x1p-2", "1_0", "4.9e-324", "-nan", "+Infinity", "0x1.8p1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, " \t") {
			return // parseField trims spaces and tabs
		}
		checkParse(t, s)
	})
}

func TestParseEight(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for i := 0; i < 10000; i++ {
		s := strconv.FormatUint(rng.Uint64N(1e8)+1e8, 10)[1:] // 8 digits, leading zeros kept
		v := uint64(0)
		for k := 7; k >= 0; k-- {
			v = v<<8 | uint64(s[k])
		}
		want, _ := strconv.ParseUint(s, 10, 64)
		if !eightDigits(v) || parseEight(v) != want {
			t.Fatalf("%s: %v %d", s, eightDigits(v), parseEight(v))
		}
	}
	for _, s := range []string{"1234567/", "1234567:", "a2345678", "1234 678", "12345.78"} {
		v := uint64(0)
		for k := 7; k >= 0; k-- {
			v = v<<8 | uint64(s[k])
		}
		if eightDigits(v) {
			t.Errorf("%q taken for digits", s)
		}
	}
}
