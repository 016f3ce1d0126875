package expr

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestParseString(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"1", "1"},
		{".5", "0.5"},
		{"2.", "2"},
		{"1e-3", "0.001"},
		{"2.5E+4", "25000"},
		{"a+b*c", "(a + (b * c))"},
		{"a-b-c", "((a - b) - c)"},
		{"a/b/c", "((a / b) / c)"},
		{"-x^2", "(-(x ^ 2))"},
		{"-x**2", "(-(x ^ 2))"},
		{"a^b^c", "(a ^ (b ^ c))"},
		{"2^-x", "(2 ^ (-x))"},
		{"--x", "(-(-x))"},
		{"+x", "x"},
		{"(a+b)*c", "((a + b) * c)"},
		{"exp[-b2*x]", "exp(((-b2) * x))"},
		{"ln(x) + arctan(y)", "(log(x) + atan(y))"},
		{"pow(x, 3)", "(x ^ 3)"},
		{"2*pi", "(2 * 3.141592653589793)"},
		{"a*-b", "(a * (-b))"},
		{" b1 *\n(1-exp(-b2*x)) ", "(b1 * (1 - exp(((-b2) * x))))"},
		{"`conc (mg/L)` * `pi` + `b1`", "((`conc (mg/L)` * `pi`) + b1)"},
	} {
		e, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		if got := e.String(); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.src, got, tc.want)
		}
		// The canonical form parses back to itself.
		e2, err := Parse(e.String())
		if err != nil || e2.String() != e.String() {
			t.Errorf("round trip of %q: %v, %v", tc.src, e2, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"b1*x + foo(x)", `1:8: unknown function "foo"`},
		{"", "1:1: unexpected end of expression"},
		{"a +", "1:4: unexpected end of expression"},
		{"(a + b", `1:1: unclosed "("`},
		{"a + b)", `1:6: unexpected ")"`},
		{"a $ b", `1:3: unexpected character '$'`},
		{"1e+", `1:1: malformed number "1e+": exponent has no digits`},
		{"2x", `1:2: unexpected 'x' after number 2 (write * for multiplication)`},
		{"pow(x)", "1:1: pow takes 2 arguments, got 1"},
		{"exp(x, y)", "1:1: exp takes 1 argument, got 2"},
		{"exp + 1", "1:1: function exp needs an argument list: exp(...)"},
		{"a\n + * b", `2:4: unexpected "*"`},
		{"1e999", "1:1: number 1e999 is out of the float64 range"},
		{".", `1:1: malformed number "."`},
		{"exp[x)", `1:6: expected "]" or "," in call of exp, found ")"`},
		{"a + `b", "1:5: unclosed quoted name: a name in backquotes needs a closing `"},
		{"a + ``", "1:5: empty quoted name"},
		{strings.Repeat("-", 1001) + "x", "1:1002: expression nested deeper than 1000 levels"},
		// Each parenthesis costs the parser three calls, so its recursion
		// limit (4000) stops this one at the 1334th.
		{strings.Repeat("(", 5000) + "x", "1:1334: expression nested deeper than 1000 levels"},
	} {
		_, err := Parse(tc.src)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %s", tc.src, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%q) error = %s, want %s", tc.src, err, tc.want)
		}
	}
}

func TestCaret(t *testing.T) {
	_, err := Parse("b1 + foo(x)")
	e := err.(*Error)
	want := "b1 + foo(x)\n     ^"
	if got := e.Caret(); got != want {
		t.Errorf("Caret:\n%s\nwant\n%s", got, want)
	}
}

func TestNamesAndCompileErrors(t *testing.T) {
	e := MustParse("b1*(1-exp(-b2*x)) + b1*0")
	if got := strings.Join(e.Names(), ","); got != "b1,b2,x" {
		t.Errorf("Names = %s", got)
	}
	if got := strings.Join(MustParse("k*`conc (mg/L)` + `exp`").Names(), "|"); got != "conc (mg/L)|exp|k" {
		t.Errorf("quoted Names = %s", got)
	}
	_, err := e.Compile([]string{"b1"}, []string{"x"})
	if err == nil || err.Error() != `1:12: unknown name "b2": neither a parameter nor a data column` {
		t.Errorf("Compile error = %v", err)
	}
}

// TestEvalClosedForm checks values against the same formula written in Go.
func TestEvalClosedForm(t *testing.T) {
	x := []float64{0.5, 1, 2, 3.5, 10, 0.1}
	n := len(x)
	for _, tc := range []struct {
		src string
		f   func(b []float64, x float64) float64
	}{
		{"b1*(1-exp(-b2*x))", func(b []float64, x float64) float64 { return b[0] * (1 - math.Exp(-b[1]*x)) }},
		{"b1*x^b2", func(b []float64, x float64) float64 { return b[0] * math.Pow(x, b[1]) }},
		{"b1 * (b2+x)**(-1/b3)", func(b []float64, x float64) float64 { return b[0] * math.Pow(b[1]+x, -1/b[2]) }},
		{"b1 + b2*cos(2*pi*x/12) + sin(x/b2)", func(b []float64, x float64) float64 {
			return b[0] + b[1]*math.Cos(2*math.Pi*x/12) + math.Sin(x/b[1])
		}},
		{"sqrt(b1*x) - ln(b2+x) + tan(x/b1) - atan(b2*x) + abs(b1-x)", func(b []float64, x float64) float64 {
			return math.Sqrt(b[0]*x) - math.Log(b[1]+x) + math.Tan(x/b[0]) - math.Atan(b[1]*x) + math.Abs(b[0]-x)
		}},
		{"pow(x, b1) / b2", func(b []float64, x float64) float64 { return math.Pow(x, b[0]) / b[1] }},
		{"b1", func(b []float64, x float64) float64 { return b[0] }},
		{"x", func(b []float64, x float64) float64 { return x }},
		{"3", func(b []float64, x float64) float64 { return 3 }},
	} {
		p, err := MustParse(tc.src).Compile([]string{"b1", "b2", "b3"}, []string{"x"})
		if err != nil {
			t.Fatal(err)
		}
		b := []float64{1.7, 0.3, 0.9}
		got := make([]float64, n)
		p.Eval(got, b, [][]float64{x})
		for i := range x {
			want := tc.f(b, x[i])
			// Same operations in the same order, except constant folding
			// (2*pi) and a^2 evaluated as a*a: a few ulps.
			if math.Abs(got[i]-want) > 4e-16*math.Max(1, math.Abs(want)) {
				t.Errorf("%s at x=%v: got %v, want %v", tc.src, x[i], got[i], want)
			}
		}
	}
}

// models used in derivative tests: the NIST StRD nonlinear models plus every
// function and operator. Parameters are drawn from [0.5, 1.5] and x from
// [0.2, 2], where all of them are smooth and finite.
var models = []string{
	"b1*(1-exp(-b2*x))",
	"exp(-b1*x)/(b2+b3*x)",
	"b1*x**b2",
	"b1 + b2*cos(2*pi*x/12) + b3*sin(2*pi*x/12) + b4*cos(2*pi*x/b5) + b5*sin(2*pi*x/b4)",
	"(b1/b2) * exp(-0.5*((x-b3)/b2)**2)",
	"b1*exp(-b2*x) + b3*exp(-(x-b4)**2 / b5**2)",
	"(b1+b2*x+b3*x**2+b4*x**3) / (1+b5*x+b3*x**2+b2*x**3)",
	"b1*(x**2+x*b2) / (x**2+x*b3+b4)",
	"b1 * exp(b2/(x+b3))",
	"b1 * (1-(1+b2*x/2)**(-2))",
	"b1 * (b2+x)**(-1/b3)",
	"b1 / ((1+exp(b2-b3*x))**(1/b4))",
	"b1 - b2*x*exp(-b3*x)",
	"sqrt(b1*x) - ln(b2+x) + tan(x/b1/3) - atan(b2*x) + abs(b1-3*x)",
	"pow(b1, b2) * b3^x + b4 ** b5 - (-b1)^2 + b2^0.5 + b3^-1",
	"log(b1*b2) * sin(b3) / cos(b4*x/3) - b5*b5*b1",
}

func TestJacobianMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	params := []string{"b1", "b2", "b3", "b4", "b5"}
	const n = 150 // more than two blocks, with a partial last block
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.2 + 1.8*rng.Float64()
	}
	cols := [][]float64{x}
	for _, src := range models {
		p, err := MustParse(src).Compile(params, []string{"x"})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		for trial := 0; trial < 5; trial++ {
			b := make([]float64, len(params))
			for i := range b {
				b[i] = 0.5 + rng.Float64()
			}
			val := make([]float64, n)
			jac := make([]float64, n*len(params))
			p.EvalJacobian(val, jac, b, cols)
			jac2 := make([]float64, n*len(params))
			p.Jacobian(jac2, b, cols)
			val2 := make([]float64, n)
			p.Eval(val2, b, cols)
			fp, fm := make([]float64, n), make([]float64, n)
			for k := range b {
				// Central differences with h = 1e-5·|b|: truncation error
				// O(h²·f''') ≈ 1e-10 and rounding error O(ε·|f|/h) ≈ 1e-11 for
				// these O(1) functions, so agreement to 1e-7 relative is a
				// comfortable bound that still catches any wrong rule.
				h := 1e-5 * math.Abs(b[k])
				bk := b[k]
				b[k] = bk + h
				p.Eval(fp, b, cols)
				b[k] = bk - h
				p.Eval(fm, b, cols)
				b[k] = bk
				for i := range x {
					fd := (fp[i] - fm[i]) / (2 * h)
					ad := jac[i*len(params)+k]
					if math.Abs(fd-ad) > 1e-7*math.Max(1, math.Abs(ad)) {
						t.Errorf("%s: d/d%s at row %d: AD %v, FD %v", src, params[k], i, ad, fd)
					}
					if jac2[i*len(params)+k] != ad {
						t.Errorf("%s: Jacobian and EvalJacobian differ", src)
					}
				}
			}
			for i := range val {
				if val[i] != val2[i] {
					t.Errorf("%s: Eval and EvalJacobian differ at row %d", src, i)
				}
			}
		}
	}
}

func TestExactDerivatives(t *testing.T) {
	// d/db (b^3) = 3b², d/db exp(b·x) = x·exp(b·x): closed forms, to rounding.
	p, _ := MustParse("b^3 + exp(b*x)").Compile([]string{"b"}, []string{"x"})
	x := []float64{0, 1, 2}
	jac := make([]float64, 3)
	b := 1.3
	p.Jacobian(jac, []float64{b}, [][]float64{x})
	for i, xi := range x {
		want := 3*b*b + xi*math.Exp(b*xi)
		if math.Abs(jac[i]-want) > 2e-16*want*4 {
			t.Errorf("row %d: %v, want %v", i, jac[i], want)
		}
	}
}

func TestNonFiniteRow(t *testing.T) {
	p, _ := MustParse("b/x + log(x)").Compile([]string{"b"}, []string{"x"})
	x := []float64{1, 2, 0, -1}
	v := make([]float64, 4)
	p.Eval(v, []float64{1}, [][]float64{x})
	if got := FirstNonFinite(v); got != 2 {
		t.Errorf("FirstNonFinite = %d, want 2 (x=0 gives 1/0)", got)
	}
	if !math.IsNaN(v[3]) {
		t.Errorf("log(-1) gave %v, want NaN", v[3])
	}
}

func TestNoAllocations(t *testing.T) {
	p, _ := MustParse(models[4]).Compile([]string{"b1", "b2", "b3"}, []string{"x"})
	n := 1000
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i) / 100
	}
	b := []float64{1, 2, 3}
	val, jac := make([]float64, n), make([]float64, 3*n)
	cols := [][]float64{x}
	allocs := testing.AllocsPerRun(10, func() { p.EvalJacobian(val, jac, b, cols) })
	if allocs != 0 {
		t.Errorf("EvalJacobian allocates %v times per call, want 0", allocs)
	}
}

func TestUnusedParameterHasZeroDerivative(t *testing.T) {
	p, _ := MustParse("a*x").Compile([]string{"a", "unused"}, []string{"x"})
	jac := []float64{9, 9, 9, 9}
	p.Jacobian(jac, []float64{2, 5}, [][]float64{{3, 4}})
	want := []float64{3, 0, 4, 0}
	for i := range want {
		if jac[i] != want[i] {
			t.Fatalf("jac = %v, want %v", jac, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, m := range models {
		f.Add(m)
	}
	f.Add("exp[-b2*x]")
	f.Add("((((x")
	f.Add("1e-400 * 2.5E+4 ** -.5")
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			_ = err.Error()
			_ = err.(*Error).Caret()
			return
		}
		// A parsed expression prints, re-parses to the same form, compiles
		// and evaluates without panicking.
		s := e.String()
		e2, err := Parse(s)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", s, src, err)
		}
		if e2.String() != s {
			t.Fatalf("round trip changed %q to %q", s, e2.String())
		}
		names := e.Names()
		p, err := e.Compile(names, nil)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]float64, len(names))
		for i := range b {
			b[i] = 0.5
		}
		val, jac := make([]float64, 3), make([]float64, 3*len(names))
		p.EvalJacobian(val, jac, b, nil)
	})
}

func BenchmarkEvalJacobian(b *testing.B) {
	p, _ := MustParse("b1*exp(-b2*x) + b3*exp(-(x-b4)**2 / b5**2) + b6*exp(-(x-b7)**2 / b8**2)").
		Compile([]string{"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"}, []string{"x"})
	for _, n := range []int{250, 10000} {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(i) / float64(n) * 250
		}
		par := []float64{98, 0.01, 100, 67, 23, 71, 178, 18}
		val, jac := make([]float64, n), make([]float64, 8*n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.EvalJacobian(val, jac, par, [][]float64{x})
			}
		})
	}
}
