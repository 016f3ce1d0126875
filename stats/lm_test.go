package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// rFloat is a number from R's JSON: null (R's NA) reads as NaN.
type rFloat float64

func (f *rFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = rFloat(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}

type lmSummary struct {
	Coef      []rFloat `json:"coef"`
	SE        []rFloat `json:"se"`
	T         []rFloat `json:"t"`
	P         []rFloat `json:"p"`
	Lower     []rFloat `json:"ci_low"`
	Upper     []rFloat `json:"ci_high"`
	Aliased   []bool   `json:"aliased"`
	Dependent []bool   `json:"dependent"`
	Sigma     float64  `json:"sigma"`
	DFResid   int      `json:"df_resid"`
	DFModel   int      `json:"df_model"`
	R2        float64  `json:"r2"`
	AdjR2     float64  `json:"adj_r2"`
	F         float64  `json:"f"`
	FP        float64  `json:"f_p"`
	LogLik    float64  `json:"loglik"`
	AIC       float64  `json:"aic"`
	BIC       float64  `json:"bic"`
	NObs      int      `json:"nobs"`
	Fitted    []float64
}

type lmRobust struct {
	Type  string   `json:"type"`
	SE    []rFloat `json:"se"`
	T     []rFloat `json:"t"`
	P     []rFloat `json:"p"`
	Lower []rFloat `json:"ci_low"`
	Upper []rFloat `json:"ci_high"`
	F     float64  `json:"f"`
	FP    float64  `json:"f_p"`
}

type lmCase struct {
	Name     string      `json:"name"`
	X        [][]float64 `json:"x"`
	Y        []float64   `json:"y"`
	Weights  []float64   `json:"weights"`
	Summary  lmSummary   `json:"summary"`
	Robust   []lmRobust  `json:"robust"`
	FullFits []bool      `json:"robust_full_fit_agrees"`
}

func readLm(t *testing.T) []lmCase {
	t.Helper()
	b, err := os.ReadFile("../testdata/stats/lm.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []lmCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) != 2 {
		t.Fatalf("%d cases in lm.json, want 2", len(doc.Cases))
	}
	return doc.Cases
}

func (c *lmCase) design() *mat.Dense {
	x := mat.NewDense(len(c.X), len(c.X[0]), nil)
	for i, r := range c.X {
		x.SetRow(i, r)
	}
	return x
}

// TestLm compares Summarize with R's lm (testdata/stats/lm.json, made by
// bench/peers/lm_summary.R) on a weighted fit with zero-weight rows and on
// a rank-deficient fit: summary.lm, confint, logLik, AIC, BIC, nobs and,
// for HC0–HC3, sandwich::vcovHC with lmtest's coeftest and coefci (Student's
// t on the residual degrees of freedom, hence Dist StudentT here) and the
// Wald F test of all slopes.
//
// R's AIC and BIC count σ² among the parameters, lsq's (statsmodels') do
// not: R's are 2 and log n larger. Aliased coefficients are NA in R and NaN
// here, as many of them, each in the linear dependence (R's alias()); which
// of its columns is aliased depends on the pivoting, and R's limited
// pivoting (dqrdc2) and lsq's QR with column pivoting may choose
// differently. The coefficients in the dependence are not compared with R:
// R sets the aliased one to zero, lsq reports the minimum-norm solution; the
// fitted values, compared instead, are the same. Everything else is.
//
// Tolerance: 1e-9 relative, as TestStatsmodels: both designs have condition
// numbers below 100 after standardising, so R's float64 QR (LINPACK dqrdc2)
// and lsq agree to about 13 digits, and R's pt/pf (nmath) and gonum's
// incomplete beta agree to about 1e-12 in this range. The rank-deficient
// fit goes through lsq's float64 SVD: 1e-8, as for statsmodels' pinv.
func TestLm(t *testing.T) {
	for _, c := range readLm(t) {
		x := c.design()
		methods := []linear.Method{linear.QR, linear.SVD, linear.Cholesky}
		tol := 1e-9
		if c.Name == "ols_rank_deficient" {
			methods = methods[:2] // Cholesky refuses a singular design
			tol = 1e-8
		}
		for _, m := range methods {
			res, err := linear.Solve(x, c.Y, &linear.Settings{Method: m, Weights: c.Weights})
			if err != nil {
				t.Fatal(err)
			}
			name := c.Name + "/" + m.String()
			cmp := func(what string, g, w float64) {
				t.Helper()
				if math.IsNaN(g) != math.IsNaN(w) || math.Abs(g-w) > tol*math.Abs(w) {
					t.Errorf("%s %s: got %.15g, R %.15g", name, what, g, w)
				}
			}
			want := c.Summary
			for i, f := range want.Fitted {
				cmp(fmt.Sprint("fitted ", i), c.Y[i]-res.Residuals[i], f)
			}
			got, err := Summarize(res, x, c.Weights, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.N != want.NObs || got.DF != want.DFResid || got.DFModel != want.DFModel {
				t.Errorf("%s: n %d, df %d/%d; R %d, %d/%d", name, got.N, got.DF, got.DFModel, want.NObs, want.DFResid, want.DFModel)
			}
			nAliased := 0
			for j, a := range want.Aliased {
				if a {
					nAliased++
				}
				if isAliased(res, j) && !want.Dependent[j] {
					t.Errorf("%s: term %d aliased, but R finds it outside the linear dependence", name, j)
				}
			}
			if len(res.Aliased) != nAliased {
				t.Errorf("%s: aliased %v, R has %d aliased", name, res.Aliased, nAliased)
			}
			terms := func(what string, s *Summary, se, tv, p, lo, hi []rFloat) {
				for j, term := range s.Terms {
					if want.Dependent[j] {
						// Which column of the dependence is aliased is
						// a choice (pivoting): lsq's need not be R's.
						nan := math.IsNaN(term.StdErr) && math.IsNaN(term.T) && math.IsNaN(term.P) && math.IsNaN(term.Lower) && math.IsNaN(term.Upper)
						if nan != isAliased(res, j) || math.IsNaN(term.Coef) {
							t.Errorf("%s %s: term %d (aliased %v) is %+v", name, what, j, isAliased(res, j), term)
						}
						continue
					}
					cmp(fmt.Sprint("coef ", j), term.Coef, float64(want.Coef[j]))
					cmp(fmt.Sprint(what, " se ", j), term.StdErr, float64(se[j]))
					cmp(fmt.Sprint(what, " t ", j), term.T, float64(tv[j]))
					cmp(fmt.Sprint(what, " p ", j), term.P, float64(p[j]))
					cmp(fmt.Sprint(what, " lower ", j), term.Lower, float64(lo[j]))
					cmp(fmt.Sprint(what, " upper ", j), term.Upper, float64(hi[j]))
				}
			}
			terms("nonrobust", got, want.SE, want.T, want.P, want.Lower, want.Upper)
			cmp("sigma", got.ResidualSD, want.Sigma)
			cmp("R2", got.R2, want.R2)
			cmp("adjR2", got.AdjR2, want.AdjR2)
			cmp("F", got.F, want.F)
			cmp("F p", got.FPValue, want.FP)
			cmp("loglik", got.LogLik, want.LogLik)
			cmp("AIC+2", got.AIC+2, want.AIC)
			cmp("BIC+log n", got.BIC+math.Log(float64(want.NObs)), want.BIC)
			for _, r := range c.Robust {
				h, err := Summarize(res, x, c.Weights, &Settings{Cov: covByName[r.Type], Dist: StudentT})
				if err != nil {
					t.Fatal(err)
				}
				terms(r.Type, h, r.SE, r.T, r.P, r.Lower, r.Upper)
				cmp(r.Type+" F", h.F, r.F)
				cmp(r.Type+" F p", h.FPValue, r.FP)
			}
		}
	}
}

// TestZeroWeightsAsDeleted: a Summary of a fit with zero-weight rows equals
// that of the fit with those rows deleted, for every number, covariance
// type and method (R's lm drops such rows; so does lsq).
func TestZeroWeightsAsDeleted(t *testing.T) {
	c := readLm(t)[0] // every fourth row weight 0, its y 100 off the line
	x := c.design()
	n, d := x.Dims()
	var keep []int
	for i, w := range c.Weights {
		if w > 0 {
			keep = append(keep, i)
		}
	}
	if len(keep) == n {
		t.Fatal("no zero weights in the data")
	}
	xs := mat.NewDense(len(keep), d, nil)
	ys := make([]float64, len(keep))
	ws := make([]float64, len(keep))
	for k, i := range keep {
		xs.SetRow(k, x.RawRowView(i))
		ys[k], ws[k] = c.Y[i], c.Weights[i]
	}
	for _, m := range []linear.Method{linear.QR, linear.SVD, linear.Cholesky} {
		full, err := linear.Solve(x, c.Y, &linear.Settings{Method: m, Weights: c.Weights})
		if err != nil {
			t.Fatal(err)
		}
		del, err := linear.Solve(xs, ys, &linear.Settings{Method: m, Weights: ws})
		if err != nil {
			t.Fatal(err)
		}
		for _, cov := range []CovType{NonRobust, HC0, HC1, HC2, HC3} {
			name := m.String() + "/" + cov.String()
			a, err := Summarize(full, x, c.Weights, &Settings{Cov: cov})
			if err != nil {
				t.Fatal(err)
			}
			b, err := Summarize(del, xs, ws, &Settings{Cov: cov})
			if err != nil {
				t.Fatal(err)
			}
			if a.N != b.N || a.DF != b.DF || a.DFModel != b.DFModel || a.Dist != b.Dist {
				t.Errorf("%s: n %d df %d/%d %v; deleted rows: n %d df %d/%d %v", name, a.N, a.DF, a.DFModel, a.Dist, b.N, b.DF, b.DFModel, b.Dist)
			}
			// The fits differ only in exact zeros added to sums (the
			// double-double QR, the float64 SVD and Cholesky alike), so
			// the numbers agree to a few ulps; 1e-12 relative allows the
			// reordering a blocked sum may do, while counting a
			// zero-weight row changes n, DF and log-likelihood by more
			// than 1e-2.
			const tol = 1e-12
			cmp := func(what string, g, w float64) {
				if math.IsNaN(g) != math.IsNaN(w) || math.Abs(g-w) > tol*math.Abs(w) {
					t.Errorf("%s %s: with zero-weight rows %.17g, deleted %.17g", name, what, g, w)
				}
			}
			for j := range a.Terms {
				ta, tb := a.Terms[j], b.Terms[j]
				cmp(fmt.Sprint("coef ", j), ta.Coef, tb.Coef)
				cmp(fmt.Sprint("se ", j), ta.StdErr, tb.StdErr)
				cmp(fmt.Sprint("t ", j), ta.T, tb.T)
				cmp(fmt.Sprint("p ", j), ta.P, tb.P)
				cmp(fmt.Sprint("lower ", j), ta.Lower, tb.Lower)
				cmp(fmt.Sprint("upper ", j), ta.Upper, tb.Upper)
			}
			for _, v := range []struct {
				what string
				a, b float64
			}{
				{"residual SD", a.ResidualSD, b.ResidualSD}, {"RSS", a.RSS, b.RSS}, {"TSS", a.TSS, b.TSS},
				{"R2", a.R2, b.R2}, {"adjR2", a.AdjR2, b.AdjR2}, {"F", a.F, b.F}, {"F p", a.FPValue, b.FPValue},
				{"loglik", a.LogLik, b.LogLik}, {"AIC", a.AIC, b.AIC}, {"BIC", a.BIC, b.BIC},
			} {
				cmp(v.what, v.a, v.b)
			}
		}
	}
}
