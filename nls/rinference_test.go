package nls

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// rCase is one case of testdata/r_inference.json, made by
// bench/peers/nls_inference.R.
type rCase struct {
	Name   string     `json:"name"`
	Kind   string     `json:"kind"`
	Model  string     `json:"model"`
	X      string     `json:"x"`
	Xs     []float64  `json:"xs"`
	Y      []float64  `json:"y"`
	Lower  []*float64 `json:"lower"`
	Upper  []*float64 `json:"upper"`
	Start  []float64  `json:"start"`
	Names  []string   `json:"names"`
	Coef   []float64  `json:"coef"`
	SE     []float64  `json:"se"`
	T      []float64  `json:"t"`
	P      []float64  `json:"p"`
	Sigma  float64    `json:"sigma"`
	DF     int        `json:"df"`
	PortSE []float64  `json:"port_se"`

	ConfintLow  []float64 `json:"confint_low"`
	ConfintHigh []float64 `json:"confint_high"`
	ExactLow    []float64 `json:"exact_low"`
	ExactHigh   []float64 `json:"exact_high"`

	Initial      []float64 `json:"initial"`
	InitialTight []float64 `json:"initial_tight"`
}

func readRCases(t *testing.T, kind string) []rCase {
	t.Helper()
	b, err := os.ReadFile("testdata/r_inference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []rCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	var out []rCase
	for _, c := range ref.Cases {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s cases", kind)
	}
	return out
}

func bounds(v []*float64, inf float64) []float64 {
	out := make([]float64, len(v))
	for i, p := range v {
		out[i] = inf
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(want)
}

// TestBoundsAsRPort: a parameter that ends on its bound gets the standard
// error, t and p of the unconstrained linearisation, with the degrees of
// freedom counting every parameter, as R's summary of nls(algorithm =
// "port") reports them (Puromycin with K ≤ 0.05, and a decay with
// a ≤ 4.5). The reference evaluates summary.nls's formulas at the point
// converged to the rounding level (the bound parameter on its bound, the
// others fitted by nls with an analytic gradient and polished by
// Gauss–Newton steps): 1e-10 relative for every number, the target
// (both sides are float64 evaluations of well-conditioned two-parameter
// problems, agreeing to about 13 digits). R's own port fit, stopped by its
// default relative tolerance 1e-10 and finite-difference gradient, agrees
// to 1e-7 (port_se).
func TestBoundsAsRPort(t *testing.T) {
	for _, c := range readRCases(t, "bounded") {
		start := map[string]float64{}
		lower, upper := bounds(c.Lower, math.Inf(-1)), bounds(c.Upper, math.Inf(1))
		order, _ := ParamNames(c.Model, []string{c.X})
		set := &Settings{Lower: make([]float64, len(order)), Upper: make([]float64, len(order))}
		for i, n := range c.Names {
			start[n] = c.Start[i]
			j := index(order, n)
			set.Lower[j], set.Upper[j] = lower[i], upper[i]
		}
		res, err := Curve(context.Background(), c.Model, c.Y, map[string][]float64{c.X: c.Xs}, start, set)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Status.Converged() || res.DF != c.DF {
			t.Errorf("%s: %v, DF %d want %d", c.Name, res.Status, res.DF, c.DF)
		}
		bound := false
		for i := range c.Coef {
			j := index(res.Names, c.Names[i])
			bound = bound || res.AtBound[j]
			for _, v := range []struct {
				what      string
				got, want float64
				tol       float64
			}{
				{"coef", res.X[j], c.Coef[i], 1e-10},
				{"se", res.StdErr[j], c.SE[i], 1e-10},
				{"t", res.T[j], c.T[i], 1e-10},
				{"p", res.P[j], c.P[i], 1e-10},
				{"port se", res.StdErr[j], c.PortSE[i], 1e-7},
			} {
				if !relClose(v.got, v.want, v.tol) {
					t.Errorf("%s %s[%s] = %.15g, R %.15g", c.Name, v.what, c.Names[i], v.got, v.want)
				}
			}
		}
		if !bound {
			t.Errorf("%s: no parameter at its bound", c.Name)
		}
		if !relClose(res.ResidualSD, c.Sigma, 1e-10) {
			t.Errorf("%s: sigma %.15g, R %.15g", c.Name, res.ResidualSD, c.Sigma)
		}
	}
}

// TestProfileR compares Profile with R's profile intervals on Puromycin
// (treated): with the roots of τ(θ) = qt(0.025/0.975, df) that R's own
// profile sum of squares gives when solved tightly (exact_*: uniroot with
// tol 1e-13), to 1e-10 relative; and with confint(fm) itself (MASS's
// confint.profile.nls), which interpolates τ by a spline through the
// profile points R computes and so carries four to six digits (K's lower
// end is off by 1.0e-4 relative): 2e-4.
func TestProfileR(t *testing.T) {
	for _, c := range readRCases(t, "profile") {
		start := map[string]float64{}
		for i, n := range c.Names {
			start[n] = c.Start[i]
		}
		res, err := Curve(context.Background(), c.Model, c.Y, map[string][]float64{c.X: c.Xs}, start, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.Coef {
			j := index(res.Names, c.Names[i])
			lo, hi, err := res.Profile(context.Background(), j, 0.95)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []struct {
				what      string
				got, want float64
				tol       float64
			}{
				{"exact low", lo, c.ExactLow[i], 1e-10},
				{"exact high", hi, c.ExactHigh[i], 1e-10},
				{"confint low", lo, c.ConfintLow[i], 2e-4},
				{"confint high", hi, c.ConfintHigh[i], 2e-4},
			} {
				if !relClose(v.got, v.want, v.tol) {
					t.Errorf("%s %s[%s] = %.15g, R %.15g (rel %.1e)", c.Name, v.what, c.Names[i], v.got, v.want, math.Abs(v.got-v.want)/math.Abs(v.want))
				}
			}
		}
	}
}

func index(names []string, name string) int {
	for j, n := range names {
		if n == name {
			return j
		}
	}
	panic("no parameter " + name)
}

// TestProfileLinearIsWald: for a model linear in its parameters S is
// exactly quadratic, so the profile interval is the Wald interval
// X ± t·SE (Bates & Watts 1988, §6.1.2), weighted or not. Tolerance 1e-11
// relative to SE: each end is the root of a difference of sums of squares
// of size t²s², computed from residuals accurate to ε·‖y‖.
func TestProfileLinearIsWald(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	y := []float64{2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8, 16.1}
	for _, c := range []struct {
		model string
		start map[string]float64
		w     []float64
	}{
		{"a + b*x", map[string]float64{"a": 0, "b": 1}, nil},
		{"a + b*x", map[string]float64{"a": 0, "b": 1}, []float64{1, 2, 1, 3, 1, 2, 0, 1}},
		{"b*x", map[string]float64{"b": 1}, nil}, // one parameter: S itself
	} {
		w := c.w
		res, err := Curve(context.Background(), c.model, y, map[string][]float64{"x": x}, c.start, &Settings{Weights: w})
		if err != nil {
			t.Fatal(err)
		}
		for j := range res.X {
			lo, hi, err := res.Profile(context.Background(), j, 0.95)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(lo-res.Lower95[j]) > 1e-11*res.StdErr[j] || math.Abs(hi-res.Upper95[j]) > 1e-11*res.StdErr[j] {
				t.Errorf("w=%v %s: profile [%.15g, %.15g], Wald [%.15g, %.15g]", w, res.Names[j], lo, hi, res.Lower95[j], res.Upper95[j])
			}
		}
	}
	// A bound inside the interval: the profile does not reach the cut-off
	// on that side, and the end is NaN (R's NA).
	res, err := Curve(context.Background(), "a + b*x", y, map[string][]float64{"x": x},
		map[string]float64{"a": 0, "b": 1}, &Settings{Lower: []float64{-0.2, math.Inf(-1)}, Upper: []float64{math.Inf(1), math.Inf(1)}})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, err := res.Profile(context.Background(), 0, 0.95)
	if err != nil || !math.IsNaN(lo) || !(hi > res.X[0]) {
		t.Errorf("bounded: [%v, %v], %v; want [NaN, a finite end]", lo, hi, err)
	}
	// A robust fit has no sum of squares to profile.
	rob, err := Curve(context.Background(), "a + b*x", y, map[string][]float64{"x": x},
		map[string]float64{"a": 0, "b": 1}, &Settings{Loss: Huber})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := rob.Profile(context.Background(), 0, 0.95); err != ErrNoProfile {
		t.Errorf("robust: err = %v, want ErrNoProfile", err)
	}
}

// TestSelfStartR compares the self-starting models with R on the data of
// R's own examples (DNase run 1, Puromycin, Loblolly seed 329, chick 1 of
// ChickWeight): Initial with R's initial values, and the fit from them with
// R's converged fit.
//
// Tolerances. initial_tight is R's procedure with its last fit (on the
// averaged data) converged to the rounding level; Initial reaches the same
// least-squares point: they agree to 1e-14 relative (measured), and 1e-12
// allows for the conditioning of these three- and four-parameter fits (up
// to about 10³) times rounding on other platforms. getInitial itself stops its plinear fit at R's default
// tolerance (relative offset 1e-5), whose parameters are off by up to about
// 1e-5 relative (SSfpl's A: 2.4e-7; SSgompertz's Asym: 7.4e-7): 1e-5. The
// fit from Initial matches R's fit converged to the rounding level
// (analytic gradient, polished) to 1e-14 in the estimates and standard
// errors (measured); 1e-12 for the same reason.
func TestSelfStartR(t *testing.T) {
	for _, c := range readRCases(t, "selfstart") {
		m, ok, err := ParseSelfStart(c.Model)
		if !ok || err != nil {
			t.Fatalf("%s: ParseSelfStart(%q): %v %v", c.Name, c.Model, ok, err)
		}
		cols := map[string][]float64{c.X: c.Xs}
		in, err := m.InputValues(cols)
		if err != nil {
			t.Fatal(err)
		}
		start, err := m.Initial(context.Background(), in, c.Y)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for i, p := range m.Params {
			if !relClose(start[p], c.InitialTight[i], 1e-12) || !relClose(start[p], c.Initial[i], 1e-5) {
				t.Errorf("%s: start %s = %.15g; R %.15g (getInitial %.15g)", c.Name, p, start[p], c.InitialTight[i], c.Initial[i])
			}
		}
		res, err := Curve(context.Background(), m.Expr(), c.Y, cols, start, nil)
		if err != nil || !res.Status.Converged() {
			t.Fatalf("%s: %v %v", c.Name, err, res.Message)
		}
		for i, p := range m.Params {
			j := index(res.Names, p)
			if !relClose(res.X[j], c.Coef[i], 1e-12) || !relClose(res.StdErr[j], c.SE[i], 1e-12) {
				t.Errorf("%s: %s = %.15g ± %.15g; R %.15g ± %.15g", c.Name, p, res.X[j], res.StdErr[j], c.Coef[i], c.SE[i])
			}
		}
	}
}
