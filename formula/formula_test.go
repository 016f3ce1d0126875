package formula

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParseCanonical(t *testing.T) {
	for _, c := range []struct {
		in, want  string
		intercept bool
		cols      []string
	}{
		{"y ~ x1 + x2 + I(x1^2) + x1:x2 - 1", "y ~ x1 + x2 + I(x1^2) + x1:x2 - 1", false, []string{"y", "x1", "x2"}},
		{"y~x", "y ~ x", true, []string{"y", "x"}},
		{"y ~ x + 0", "y ~ x - 1", false, []string{"y", "x"}},
		{"y ~ 0 + x", "y ~ x - 1", false, []string{"y", "x"}},
		{"y ~ -1 + x", "y ~ x - 1", false, []string{"y", "x"}},
		{"y ~ x - 1 + 1", "y ~ x", true, []string{"y", "x"}},
		{"y ~ a*b", "y ~ a + b + a:b", true, []string{"y", "a", "b"}},
		{"y ~ (a + b):c", "y ~ a:c + b:c", true, []string{"y", "a", "c", "b"}},
		{"y ~ a + b - a", "y ~ b", true, []string{"y", "b"}},
		{"y ~ a:b + b:a + a:a", "y ~ a + a:b", true, []string{"y", "a", "b"}}, // R: main effects first
		{"y ~ I( x ^ 2 ) + log(x + 1) + exp(-x/10)", "y ~ I(x^2) + log(x+1) + exp(-x/10)", true, []string{"y", "x"}},
		{"log(y) ~ poly(x, 3)", "log(y) ~ poly(x,3)", true, []string{"y", "x"}},
		{"y ~ poly(x, 2, raw = TRUE)", "y ~ poly(x,2,raw=TRUE)", true, []string{"y", "x"}},
		{"~ x1 + x2", "~ x1 + x2", true, []string{"x1", "x2"}},
		{"y ~ .", "y ~ .", true, []string{"y"}},
		{"y ~ `my col` + x.2", "y ~ `my col` + x.2", true, []string{"y", "my col", "x.2"}},
		{"y ~ 1", "y ~ 1", true, []string{"y"}},
	} {
		f, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := f.String(); got != c.want {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
		}
		if f.Intercept() != c.intercept || !reflect.DeepEqual(f.Columns(), c.cols) {
			t.Errorf("Parse(%q): intercept %v columns %q", c.in, f.Intercept(), f.Columns())
		}
		// The canonical form parses to itself.
		g, err := Parse(f.String())
		if err != nil || g.String() != f.String() {
			t.Errorf("round trip of %q: %v %v", f, g, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "formula:1:1: empty formula; write it as: y ~ x1 + x2"},
		{"y x", `formula:1:3: unexpected "x"; expected "~" between the response and the terms`},
		{"y ~", "formula:1:4: unexpected end of formula; expected terms after \"~\""},
		{"y ~ x1 + x2 +", "formula:1:14: unexpected end of formula; expected a term: a column name, I(...), log(...), exp(...), poly(...), 0, 1 or \"(\""},
		{"y ~ x1 + I(x1^2", `formula:1:16: unexpected end of formula; expected ")"`},
		{"y ~ x1 + foo(x1)", `formula:1:10: unknown function "foo"; terms may use I, log, exp, sqrt, abs, poly, factor, C, relevel and offset`},
		{"y ~ x1 + I(sin(x1))", `formula:1:12: unknown function "sin" inside an expression; use log, exp, sqrt or abs`},
		{"y ~ x + 2", "formula:1:9: a bare number (2) is not a term; only 0 and 1 (the intercept) are, use I(2) for a constant"},
		{"y ~ poly(x, 0)", "formula:1:13: poly degree must be a whole number from 1 to 20"},
		{"y ~ poly(x, 2, raw=no)", `formula:1:20: unexpected "no"; expected TRUE or FALSE`},
		{"y ~ C(x, Sum)", "formula:1:10: only treatment contrasts are offered: write C(x, Treatment('level'))"},
		{"y ~ relevel(x, ref = b)", "formula:1:22: unexpected \"b\"; expected a level in quotes, such as 'b'"},
		{"y ~ x $ z", `formula:1:7: unexpected character '$'`},
		{"y ~ x^2", `formula:1:6: "^" outside I(...): write I(x^2) for arithmetic, or poly(x, 2) for powers`},
		{"y ~ x z", `formula:1:7: unexpected "z"; expected "+", "-", "*" or ":"`},
		{"y ~ `x", "formula:1:5: unterminated `quoted name`"},
		{"y ~ x:0", `formula:1:5: 0 cannot be part of an interaction`},
		{"y ~ . - .", `formula:1:9: "." cannot be subtracted`},
		{"é ~ x + (", `formula:1:10: unexpected end of formula; expected a term: a column name, I(...), log(...), exp(...), poly(...), 0, 1 or "("`},
	} {
		_, err := Parse(c.in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want *Error", c.in, err)
			continue
		}
		if e.Error() != c.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", c.in, e, c.want)
		}
	}
	_, err := Parse("y ~ x1 + )")
	want := "y ~ x1 + )\n         ^"
	if e := err.(*Error); e.Caret() != want {
		t.Errorf("caret:\n%s\nwant\n%s", e.Caret(), want)
	}
}

func TestDesign(t *testing.T) {
	cols := map[string][]float64{
		"y":  {1, 2, 3},
		"x1": {1, 2, 4},
		"x2": {0.5, -1, 2},
		"z":  {9, 9, 9},
	}
	f, err := Parse("y ~ x1 + x2 + I(x1^2) + x1:x2 + log(x1) + poly(x2, 2, raw = TRUE):x1 - 1")
	if err != nil {
		t.Fatal(err)
	}
	names, x, y, err := f.Design(cols, 3)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"x1", "x2", "I(x1^2)", "log(x1)", "x1:x2", "poly(x2,2,raw=TRUE)1:x1", "poly(x2,2,raw=TRUE)2:x1"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("names %q", names)
	}
	// Row 2 (x1 = 4, x2 = 2) worked by hand.
	want := []float64{4, 2, 16, math.Log(4), 8, 8, 16}
	if got := x.RawRowView(2); !reflect.DeepEqual(got, want) {
		t.Errorf("row 2 = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(y, []float64{1, 2, 3}) || f.Intercept() {
		t.Errorf("y %v intercept %v", y, f.Intercept())
	}

	// "." is every column but the response, sorted; explicit terms keep
	// their place and are not repeated.
	f, _ = Parse("log(y) ~ x2 + . + x1:x2")
	names, x, y, err = f.Design(cols, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"x2", "x1", "z", "x1:x2"}) || y[1] != math.Log(2) {
		t.Errorf("dot: names %q y %v", names, y)
	}
	if r, c := x.Dims(); r != 3 || c != 4 {
		t.Errorf("dims %d×%d", r, c)
	}

	for _, c := range []struct{ f, want string }{
		{"y ~ w", `formula: no column named "w"; the columns are "x1", "x2", "y", "z"`},
		{"y ~ log(x2)", `formula: row 2, column "log(x2)": term log(x2) is NaN; transform or filter the data`},
		{"y ~ I(1/(x1-1))", `formula: row 1, column "I(1/(x1-1))": term I(1/(x1-1)) is +Inf; transform or filter the data`},
		{"log(x2) ~ x1", `formula: row 2, column "log(x2)": the response log(x2) is NaN; transform or filter the data`},
		{"y ~ 1", `formula: "y ~ 1" has no terms besides the intercept`},
		{"y ~ .:x1", `formula: "." can only be added as a term, not used in an interaction`},
	} {
		f, err := Parse(c.f)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := f.Design(cols, 3); err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v\nwant %s", c.f, err, c.want)
		}
	}
}

func TestPowers(t *testing.T) {
	names, m := Powers("x", []float64{2, -3}, 3)
	if !reflect.DeepEqual(names, []string{"x", "x^2", "x^3"}) ||
		!reflect.DeepEqual(m.RawMatrix().Data, []float64{2, 4, 8, -3, 9, -27}) {
		t.Errorf("%v %v", names, m.RawMatrix().Data)
	}
	// The formula's poly gives the same columns.
	f, _ := Parse("~ poly(x, 3, raw = TRUE)")
	_, x, _, err := f.Design(map[string][]float64{"x": {2, -3}}, 2)
	if err != nil || !reflect.DeepEqual(x.RawMatrix().Data, m.RawMatrix().Data) {
		t.Errorf("poly differs from Powers: %v", err)
	}
}

// FuzzParse: any input gives a formula or an *Error with a column inside
// the text, never a panic; a formula's canonical form parses to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"y ~ x1 + x2 + I(x1^2) + x1:x2 - 1", "log(y) ~ poly(x, 3, raw=TRUE)", "~ .", "y ~ (a+b)*c - 1",
		"y ~ `a b`:exp(-x/2)", "y ~ I(2^-x^2)", "é ~ 0 + x", "y ~ ((((x))))",
		"y ~ C(g, Treatment('b'))*x", "y ~ relevel(g, ref = \"a\") + factor(k) + poly(x, 2, raw = FALSE)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fm, err := Parse(src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not *Error: %v", err)
			}
			if n := len([]rune(src)); e.Col < 1 || e.Col > n+1 {
				t.Fatalf("column %d outside 1..%d", e.Col, n+1)
			}
			return
		}
		s := fm.String()
		g, err := Parse(s)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", s, src, err)
		}
		if g.String() != s {
			t.Fatalf("canonical form not stable: %q -> %q", s, g.String())
		}
		if strings.Contains(src, "~") == false {
			t.Fatalf("%q parsed without ~", src)
		}
	})
}
