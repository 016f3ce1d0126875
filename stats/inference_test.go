package stats

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// The reference values of this file come from R (testdata/stats/
// lm_inference.json, made by bench/peers/lm_inference.R: predict.lm,
// influence.measures, anova.lm, lmtest) and statsmodels
// (testdata/stats/residual_tests.json, made by
// bench/peers/residual_tests.py).

type band struct {
	Fit []float64 `json:"fit"`
	Lwr []float64 `json:"lwr"`
	Upr []float64 `json:"upr"`
}

type inferenceDoc struct {
	Predict struct {
		X           [][]float64      `json:"x"`
		Y           []float64        `json:"y"`
		Weights     []float64        `json:"weights"`
		NewX        [][]float64      `json:"new_x"`
		PredWeights []float64        `json:"pred_weights"`
		OLS         map[string]*band `json:"ols"`
		WLS         map[string]*band `json:"wls"`
	} `json:"predict"`
	Influence struct {
		X     [][]float64 `json:"x"`
		Y     []float64   `json:"y"`
		Cases []struct {
			Name        string     `json:"name"`
			Weights     []float64  `json:"weights"`
			Fitted      []float64  `json:"fitted"`
			Residual    []float64  `json:"residual"`
			Hat         []rFloat   `json:"hat"`
			RStandard   []rFloat   `json:"rstandard"`
			RStudent    []rFloat   `json:"rstudent"`
			Cooks       []rFloat   `json:"cooks"`
			DFFITS      []rFloat   `json:"dffits"`
			CovRatio    []rFloat   `json:"covratio"`
			DFBETAS     [][]rFloat `json:"dfbetas"`
			Influential []int      `json:"influential"`
			Tests       *struct {
				DW   float64 `json:"dw"`
				BP   float64 `json:"bp"`
				BPP  float64 `json:"bp_p"`
				BPDF int     `json:"bp_df"`
			} `json:"tests"`
		} `json:"cases"`
	} `json:"influence"`
	Anova struct {
		X       [][]float64 `json:"x"`
		Y       []float64   `json:"y"`
		Weights []float64   `json:"weights"`
		Models  [][]string  `json:"models"`
		Nested  struct {
			ResDF []int     `json:"res_df"`
			RSS   []float64 `json:"rss"`
			DF    []rFloat  `json:"df"`
			SS    []rFloat  `json:"ss"`
			F     []rFloat  `json:"f"`
			P     []rFloat  `json:"p"`
		} `json:"nested"`
		Sequential         seqTable `json:"sequential"`
		SequentialWeighted seqTable `json:"sequential_weighted"`
	} `json:"anova"`
	AnovaTerms []termsCase `json:"anova_terms"`
}

type seqTable struct {
	Terms []string  `json:"terms"`
	DF    []int     `json:"df"`
	SS    []float64 `json:"ss"`
	MS    []float64 `json:"ms"`
	F     []rFloat  `json:"f"`
	P     []rFloat  `json:"p"`
}

func readInference(t *testing.T) *inferenceDoc {
	t.Helper()
	b, err := os.ReadFile("../testdata/stats/lm_inference.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc inferenceDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

func dense(rows [][]float64) *mat.Dense {
	x := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		x.SetRow(i, r)
	}
	return x
}

// columns returns the named columns (by index) of x.
func columns(x [][]float64, idx []int) *mat.Dense {
	m := mat.NewDense(len(x), len(idx), nil)
	for i, r := range x {
		for k, j := range idx {
			m.Set(i, k, r[j])
		}
	}
	return m
}

// close reports whether got agrees with want to rel relative (absolute
// below 1), NaN matching NaN (R's NA).
func close(got, want, rel float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) <= rel*math.Max(1, math.Abs(want))
}

// TestPredictIntervalsR compares Predictive.Interval with R's predict.lm
// (interval = "confidence" and "prediction", levels 0.95 and 0.9) for
// mtcars' mpg ~ wt + hp, unweighted and weighted (weights 100/disp; the
// new rows' own weights for prediction intervals, pred.var = res.var/w).
//
// Tolerance 1e-11 relative, two orders above the agreement measured
// (better than 1e-13): the design's condition number after standardising
// is below 10, so R's float64 QR and lsq's agree to about 14 digits in
// the fit and σ̂, and qt (nmath) and gonum's Student's t quantile agree to
// about 1e-14 at these levels.
func TestPredictIntervalsR(t *testing.T) {
	doc := readInference(t)
	p := doc.Predict
	x := dense(p.X)
	for _, c := range []struct {
		name string
		w    []float64
		ref  map[string]*band
	}{{"ols", nil, p.OLS}, {"wls", p.Weights, p.WLS}} {
		res, err := linear.Solve(x, p.Y, &linear.Settings{Weights: c.w})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := NewPredictive(res)
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []IntervalKind{Confidence, Prediction} {
			for _, lvl := range []struct {
				key   string
				level float64
			}{{"95", 0.95}, {"90", 0.9}} {
				want := c.ref[kind.String()+"_"+lvl.key]
				for i, row := range p.NewX {
					fit := res.Intercept + res.Coef[0]*row[0] + res.Coef[1]*row[1]
					w := 1.0
					if c.w != nil {
						w = p.PredWeights[i]
					}
					lo, hi := pr.Interval(kind, fit, []float64{1, row[0], row[1]}, lvl.level, w)
					if !close(fit, want.Fit[i], 1e-11) || !close(lo, want.Lwr[i], 1e-11) || !close(hi, want.Upr[i], 1e-11) {
						t.Errorf("%s %s %s row %d: (%.15g, %.15g, %.15g), R (%.15g, %.15g, %.15g)", c.name, kind, lvl.key, i, fit, lo, hi, want.Fit[i], want.Lwr[i], want.Upr[i])
					}
				}
			}
		}
	}
}

// TestInfluenceR compares NewInfluence with R's influence.measures,
// rstandard, rstudent, cooks.distance, dffits and covratio on stackloss,
// unweighted and with weights that include zeros (R drops those rows: NA
// here, NaN in lsq), and Flags with is.inf of influence.measures.
//
// Tolerance 1e-11 relative, two orders above the agreement measured
// (better than 1e-13): stackloss' standardised design has condition
// number about 4, so the leverages from (X̃ᵀWX̃)⁻¹ (double-double QR) and
// R's from the float64 QR agree to about 1e-14; COVRATIO raises a ratio
// of σ̂'s to the power 2p = 8, and Cook's D divides by (1 − h)², which
// costs up to a digit on the rows of high leverage.
func TestInfluenceR(t *testing.T) {
	doc := readInference(t)
	inf := doc.Influence
	x := dense(inf.X)
	for _, c := range inf.Cases {
		res, err := linear.Solve(x, inf.Y, &linear.Settings{Weights: c.Weights})
		if err != nil {
			t.Fatal(err)
		}
		got, err := NewInfluence(res, x, c.Weights)
		if err != nil {
			t.Fatal(err)
		}
		const tol = 1e-11
		for i := range inf.Y {
			check := func(what string, g float64, w rFloat) {
				if !close(g, float64(w), tol) {
					t.Errorf("%s row %d %s: %.15g, R %.15g", c.Name, i+1, what, g, float64(w))
				}
			}
			check("fitted", got.Fitted[i], rFloat(c.Fitted[i]))
			check("residual", got.Residual[i], rFloat(c.Residual[i]))
			check("hat", got.Hat[i], c.Hat[i])
			check("rstandard", got.Standardized[i], c.RStandard[i])
			check("rstudent", got.Studentized[i], c.RStudent[i])
			check("cooks", got.Cook[i], c.Cooks[i])
			check("dffits", got.DFFITS[i], c.DFFITS[i])
			check("covratio", got.CovRatio[i], c.CovRatio[i])
			for j, v := range c.DFBETAS[i] {
				check("dfbetas", got.DFBETAS.At(i, j), v)
			}
		}
		var flagged []int
		for i, f := range got.Flags() {
			if f != 0 {
				flagged = append(flagged, i+1)
			}
		}
		if len(flagged) != len(c.Influential) {
			t.Errorf("%s: influential rows %v, R %v", c.Name, flagged, c.Influential)
			continue
		}
		for k := range flagged {
			if flagged[k] != c.Influential[k] {
				t.Errorf("%s: influential rows %v, R %v", c.Name, flagged, c.Influential)
				break
			}
		}
		if c.Tests != nil {
			rt := TestResiduals(res, x, c.Weights)
			// Sums of squares of residuals that agree to 1e-13: 1e-10.
			if !close(rt.DurbinWatson, c.Tests.DW, 1e-10) || !close(rt.BreuschPagan, c.Tests.BP, 1e-10) || !close(rt.BreuschPaganP, c.Tests.BPP, 1e-10) || rt.BreuschPaganDF != c.Tests.BPDF {
				t.Errorf("%s: DW %.15g BP %.15g p %.15g df %d; lmtest DW %.15g BP %.15g p %.15g df %d", c.Name, rt.DurbinWatson, rt.BreuschPagan, rt.BreuschPaganP, rt.BreuschPaganDF, c.Tests.DW, c.Tests.BP, c.Tests.BPP, c.Tests.BPDF)
			}
		}
	}
}

// TestResidualTestsStatsmodels compares TestResiduals with the footer of
// statsmodels' OLS/WLS summary (omni_normtest, jarque_bera, durbin_watson
// on wresid) and het_breuschpagan, on stackloss (unweighted, and weighted
// with zero-weight rows, which statsmodels was given deleted) and on
// mtcars' weighted mpg ~ wt + hp.
//
// Tolerance 1e-11 relative, ten times the agreement measured (1e-12 at
// worst, on the weighted mtcars fit): the moments are of residuals that
// agree to about 1e-13, raised to the fourth power; the omnibus score goes
// through logs and cube roots of them (scipy's formulas, transcribed), and
// scipy's chi2.sf and gonum's incomplete gamma agree to about 1e-13.
func TestResidualTestsStatsmodels(t *testing.T) {
	doc := readInference(t)
	b, err := os.ReadFile("../testdata/stats/residual_tests.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Cases []map[string]any `json:"cases"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Cases) != 3 {
		t.Fatalf("%d cases, want 3", len(raw.Cases))
	}
	for _, c := range raw.Cases {
		var x *mat.Dense
		var y, w []float64
		switch c["data"] {
		case "influence":
			x, y = dense(doc.Influence.X), doc.Influence.Y
		case "predict":
			x, y = dense(doc.Predict.X), doc.Predict.Y
		}
		if ws, ok := c["weights"].([]any); ok {
			for _, v := range ws {
				w = append(w, v.(float64))
			}
		}
		res, err := linear.Solve(x, y, &linear.Settings{Weights: w})
		if err != nil {
			t.Fatal(err)
		}
		rt := TestResiduals(res, x, w)
		for _, q := range []struct {
			key string
			got float64
		}{
			{"omnibus", rt.Omnibus}, {"omnibus_p", rt.OmnibusP}, {"skew", rt.Skew}, {"kurtosis", rt.Kurtosis},
			{"jb", rt.JarqueBera}, {"jb_p", rt.JarqueBeraP}, {"dw", rt.DurbinWatson},
			{"bp", rt.BreuschPagan}, {"bp_p", rt.BreuschPaganP}, {"bp_df", float64(rt.BreuschPaganDF)},
		} {
			want := c[q.key].(float64)
			if !close(q.got, want, 1e-11) {
				t.Errorf("%s %s: %.15g, statsmodels %.15g", c["name"], q.key, q.got, want)
			}
		}
	}
}

// TestAnovaR compares Nested and Sequential with R's anova.lm on mtcars:
// anova(m1, m2, m3) for mpg ~ wt, + hp, + qsec, and anova(m3), unweighted
// and weighted (weights 100/disp).
//
// Tolerance 1e-11 relative, two orders above the agreement measured
// (better than 1e-13): differences of residual sums of squares that are
// each good to about 1e-14, none of which cancels by more than two digits
// here; pf (nmath) and gonum's incomplete beta agree to about 1e-14.
func TestAnovaR(t *testing.T) {
	doc := readInference(t)
	a := doc.Anova
	var fits []*linear.Result
	for k := range a.Models {
		idx := make([]int, k+1)
		for j := range idx {
			idx[j] = j
		}
		f, err := linear.Solve(columns(a.X, idx), a.Y, nil)
		if err != nil {
			t.Fatal(err)
		}
		fits = append(fits, f)
	}
	rows, err := Nested(fits)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-11
	for k, r := range rows {
		n := a.Nested
		if r.ResDF != n.ResDF[k] || !close(r.RSS, n.RSS[k], tol) || !close(r.DF, float64(n.DF[k]), tol) || !close(r.SS, float64(n.SS[k]), tol) || !close(r.F, float64(n.F[k]), tol) || !close(r.P, float64(n.P[k]), tol) {
			t.Errorf("nested row %d: %+v, R %d %v %v %v %v %v", k+1, r, n.ResDF[k], n.RSS[k], n.DF[k], n.SS[k], n.F[k], n.P[k])
		}
	}
	// Models fitted to different observations: refused, as R does.
	short, _ := linear.Solve(columns(a.X[:20], []int{0}), a.Y[:20], nil)
	if _, err := Nested([]*linear.Result{short, fits[2]}); err == nil {
		t.Error("Nested accepted models fitted to 20 and 32 observations")
	}
	for _, c := range []struct {
		name string
		w    []float64
		ref  seqTable
	}{{"ols", nil, a.Sequential}, {"wls", a.Weights, a.SequentialWeighted}} {
		seq, err := Sequential(dense(a.X), a.Y, &linear.Settings{Weights: c.w})
		if err != nil {
			t.Fatal(err)
		}
		if len(seq) != len(c.ref.DF) {
			t.Fatalf("%s: %d rows, R %d", c.name, len(seq), len(c.ref.DF))
		}
		for k, r := range seq {
			if r.DF != c.ref.DF[k] || !close(r.SS, c.ref.SS[k], tol) || !close(r.MeanSq, c.ref.MS[k], tol) || !close(r.F, float64(c.ref.F[k]), tol) || !close(r.P, float64(c.ref.P[k]), tol) {
				t.Errorf("%s sequential %s: %+v, R %d %v %v %v %v", c.name, c.ref.Terms[k], r, c.ref.DF[k], c.ref.SS[k], c.ref.MS[k], c.ref.F[k], c.ref.P[k])
			}
		}
	}
}

// TestSequentialInvariants: the sequential sums of squares and the
// residual sum add up to the total sum of squares (about the weighted mean;
// about zero without intercept), an aliased column (c = a + b) is left out
// as R leaves it out, and the table of the rank-deficient fit is that of
// the fit without the aliased column. Tolerance 1e-12 relative: sums of
// a few squared effects of a well-conditioned orthogonalisation.
func TestSequentialInvariants(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5, 6, 7}
	b := []float64{2, 1, 4, 3, 6, 5, 8}
	y := []float64{1.1, 2.3, 2.9, 4.2, 5.1, 5.8, 7.2}
	w := []float64{1, 2, 0.5, 1, 0, 3, 1}
	x3 := mat.NewDense(7, 3, nil)
	x2 := mat.NewDense(7, 2, nil)
	for i := range a {
		x3.SetRow(i, []float64{a[i], b[i], a[i] + b[i]})
		x2.SetRow(i, []float64{a[i], b[i]})
	}
	for _, s := range []*linear.Settings{nil, {Weights: w}, {NoIntercept: true}, {Weights: w, NoIntercept: true}} {
		rows, err := Sequential(x3, y, s)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := Sequential(x2, y, s)
		full, _ := linear.Solve(x2, y, s)
		if len(rows) != 3 || rows[0].Term != 0 || rows[1].Term != 1 || rows[2].Term != -1 {
			t.Fatalf("%+v: rows %+v, want a, b, residuals", s, rows)
		}
		var sum float64
		for k, r := range rows {
			sum += r.SS
			if !close(r.SS, ref[k].SS, 1e-12) || !close(r.F, ref[k].F, 1e-12) {
				t.Errorf("%+v row %d: %+v, without the aliased column %+v", s, k, r, ref[k])
			}
		}
		if !close(sum, full.TSS, 1e-12) {
			t.Errorf("%+v: sums of squares add to %.15g, TSS %.15g", s, sum, full.TSS)
		}
	}
}
