package nls

import (
	"context"
	"math"
	"strings"
	"testing"
)

func TestParseSelfStart(t *testing.T) {
	for _, c := range []struct {
		in     string
		ok     bool
		err    string
		expr   string
		params string
	}{
		{"SSlogis(log(conc))", true, "", "Asym/(1+exp((xmid-(log(conc)))/scal))", "Asym,xmid,scal"},
		{" SSmicmen( conc , V, k ) ", true, "", "V*(conc)/(k+(conc))", "V,k"},
		{"SSfpl(t, lo, hi, mid, s)", true, "", "lo+(hi-lo)/(1+exp((mid-(t))/s))", "lo,hi,mid,s"},
		{"SSasymp(age, Asym, R0, lrc)", true, "", "Asym+(R0-Asym)*exp(-exp(lrc)*(age))", "Asym,R0,lrc"},
		{"SSgompertz(x)", true, "", "Asym*exp(-b2*b3^(x))", "Asym,b2,b3"},
		{"a*exp(-b*x)", false, "", "", ""},
		{"SSlogis(x) + SSlogis(y)", false, "", "", ""},
		{"SSweibull(x)", false, "", "", ""},
		{"SSlogis(x, a, b)", true, "takes the input and 3 parameter names", "", ""},
		{"SSlogis(x, a, b, 2*c)", true, "is not a name", "", ""},
		{"SSlogis()", true, "the first argument is the input", "", ""},
		{"SSlogis(log(x)", true, "unbalanced parentheses", "", ""},
	} {
		m, ok, err := ParseSelfStart(c.in)
		if ok != c.ok || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q: ok %v err %v; want ok %v err %q", c.in, ok, err, c.ok, c.err)
			continue
		}
		if m != nil && (m.Expr() != c.expr || strings.Join(m.Params, ",") != c.params) {
			t.Errorf("%q: expr %q params %v; want %q %s", c.in, m.Expr(), m.Params, c.expr, c.params)
		}
	}
}

// TestSelfStartErrors: the initial functions refuse data they cannot use,
// with R's reason.
func TestSelfStartErrors(t *testing.T) {
	ctx := context.Background()
	m, _, _ := ParseSelfStart("SSfpl(x)")
	// Four distinct inputs (duplicates averaged) for a model that needs five.
	if _, err := m.Initial(ctx, []float64{1, 2, 3, 4, 4}, []float64{1, 2, 3, 4, 5}); err == nil || !strings.Contains(err.Error(), "4 distinct input values; its starting values need at least 5") {
		t.Errorf("fpl: %v", err)
	}
	l, _, _ := ParseSelfStart("SSlogis(x)")
	if _, err := l.Initial(ctx, []float64{1, 2, 3, 4}, []float64{2, 2, 2, 2}); err == nil || !strings.Contains(err.Error(), "all equal") {
		t.Errorf("logis flat: %v", err)
	}
	// SSasymp on three distinct inputs: R's closed form through the
	// averages, R 4.2's getInitial(y ~ SSasymp(x, Asym, R0, lrc)) on
	// x = 1,2,3,1,2,3, y = 2.1,3.5,4.2,2.3,3.3,4.4 gives Asym 7.00000000000001599,
	// R0 0.60000000000000231, lrc -1.24589932370724243 (exact: 7, 0.6,
	// log(log(4/3))); the curve passes through the three points, so the fit
	// to them keeps these to rounding: 1e-12.
	a, _, _ := ParseSelfStart("SSasymp(x)")
	st, err := a.Initial(ctx, []float64{1, 2, 3, 1, 2, 3}, []float64{2.1, 3.5, 4.2, 2.3, 3.3, 4.4})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]float64{"Asym": 7, "R0": 0.6, "lrc": math.Log(math.Log(4.0 / 3))} {
		if math.Abs(st[p]-want) > 1e-12*math.Abs(want) {
			t.Errorf("asymp3 %s = %.17g, want %.17g", p, st[p], want)
		}
	}
	if _, err := a.Initial(ctx, []float64{1, 2, 4}, []float64{2, 3, 4}); err == nil || !strings.Contains(err.Error(), "not equally spaced") {
		t.Errorf("asymp3 unequal: %v", err)
	}
	in, _, _ := ParseSelfStart("SSlogis(log(c))")
	if _, err := in.InputValues(map[string][]float64{"c": {1, 0}}); err == nil || !strings.Contains(err.Error(), "-Inf at data row 2") {
		t.Errorf("log 0: %v", err)
	}
	if _, err := in.InputValues(map[string][]float64{"d": {1}}); err == nil || !strings.Contains(err.Error(), `"c", which is not a data column`) {
		t.Errorf("missing column: %v", err)
	}
}
