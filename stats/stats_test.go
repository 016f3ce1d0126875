package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/lsqgo/lsq/internal/testproblems"
	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

type smResult struct {
	CovType     string    `json:"cov_type"`
	UseT        bool      `json:"use_t"`
	Params      []float64 `json:"params"`
	BSE         []float64 `json:"bse"`
	TValues     []float64 `json:"tvalues"`
	PValues     []float64 `json:"pvalues"`
	Lower       []float64 `json:"conf_int_lower"`
	Upper       []float64 `json:"conf_int_upper"`
	RSquared    float64   `json:"rsquared"`
	RSquaredAdj float64   `json:"rsquared_adj"`
	FValue      float64   `json:"fvalue"`
	FPValue     float64   `json:"f_pvalue"`
	LLF         float64   `json:"llf"`
	AIC         float64   `json:"aic"`
	BIC         float64   `json:"bic"`
	SSR         float64   `json:"ssr"`
	DFResid     float64   `json:"df_resid"`
	DFModel     float64   `json:"df_model"`
}

type smCase struct {
	Name      string      `json:"name"`
	Intercept bool        `json:"intercept"`
	X         [][]float64 `json:"x"`
	Y         []float64   `json:"y"`
	Weights   []float64   `json:"weights"`
	Results   []smResult  `json:"results"`
}

var covByName = map[string]CovType{"nonrobust": NonRobust, "HC0": HC0, "HC1": HC1, "HC2": HC2, "HC3": HC3}

// TestStatsmodels compares every number of statsmodels' OLS/WLS results
// (testdata/stats/statsmodels.json, made by
// bench/peers/statsmodels_summary.py) with Summarize.
//
// Tolerance: 1e-9 relative. The designs have condition numbers below 100,
// so both programs' float64 results carry about 13 correct digits; p-values
// come from different incomplete-beta implementations (Cephes via scipy,
// gonum's mathext), which agree to about 1e-12 relative in this range. 1e-9
// leaves margin while still catching any formula difference (n vs n − p,
// t vs z, a missing weight), each of which changes a number by more than
// 1e-3. For the rank-deficient case statsmodels' pinv solution goes through
// a float64 SVD, so the tolerance there is 1e-8.
func TestStatsmodels(t *testing.T) {
	b, err := os.ReadFile("../testdata/stats/statsmodels.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []smCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) != 5 {
		t.Fatalf("%d cases", len(doc.Cases))
	}
	for _, c := range doc.Cases {
		n, d := len(c.X), len(c.X[0])
		x := mat.NewDense(n, d, nil)
		for i, r := range c.X {
			x.SetRow(i, r)
		}
		res, err := linear.Solve(x, c.Y, &linear.Settings{NoIntercept: !c.Intercept, Weights: c.Weights})
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-9
		if c.Name == "ols_rankdef" {
			tol = 1e-8
		}
		for _, want := range c.Results {
			name := c.Name + "/" + want.CovType
			got, err := Summarize(res, x, c.Weights, &Settings{Cov: covByName[want.CovType]})
			if err != nil {
				t.Fatal(err)
			}
			if (got.Dist == StudentT) != want.UseT {
				t.Errorf("%s: distribution %v, statsmodels use_t %v", name, got.Dist, want.UseT)
			}
			cmp := func(what string, g, w float64) {
				if math.Abs(g-w) > tol*math.Abs(w) || math.IsNaN(g) != math.IsNaN(w) {
					t.Errorf("%s %s: got %.15g, statsmodels %.15g (rel %.1e)", name, what, g, w, math.Abs(g-w)/math.Abs(w))
				}
			}
			// Interval ends are compared on the scale |coef| + half-width:
			// an end near zero is a difference of two larger numbers.
			cmpCI := func(what string, g, w, scale float64) {
				if math.Abs(g-w) > tol*scale {
					t.Errorf("%s %s: got %.15g, statsmodels %.15g", name, what, g, w)
				}
			}
			for j, term := range got.Terms {
				cmp(fmt.Sprint("coef ", j), term.Coef, want.Params[j])
				if isAliased(res, j) {
					// statsmodels gives the pseudo-inverse's value; lsq,
					// as R, none (TestLm compares with R).
					if !math.IsNaN(term.StdErr) || !math.IsNaN(term.T) || !math.IsNaN(term.P) || !math.IsNaN(term.Lower) || !math.IsNaN(term.Upper) {
						t.Errorf("%s: aliased term %d: %+v, want NaN for all but Coef", name, j, term)
					}
					continue
				}
				cmp(fmt.Sprint("se ", j), term.StdErr, want.BSE[j])
				cmp(fmt.Sprint("t ", j), term.T, want.TValues[j])
				cmp(fmt.Sprint("p ", j), term.P, want.PValues[j])
				scale := math.Abs(want.Params[j]) + (want.Upper[j]-want.Lower[j])/2
				cmpCI(fmt.Sprint("lower ", j), term.Lower, want.Lower[j], scale)
				cmpCI(fmt.Sprint("upper ", j), term.Upper, want.Upper[j], scale)
			}
			cmp("R2", got.R2, want.RSquared)
			cmp("adjR2", got.AdjR2, want.RSquaredAdj)
			cmp("F", got.F, want.FValue)
			cmp("F p", got.FPValue, want.FPValue)
			cmp("llf", got.LogLik, want.LLF)
			cmp("aic", got.AIC, want.AIC)
			cmp("bic", got.BIC, want.BIC)
			cmp("ssr", got.RSS, want.SSR)
			if float64(got.DF) != want.DFResid || float64(got.DFModel) != want.DFModel {
				t.Errorf("%s: df %d/%d, statsmodels %v/%v", name, got.DF, got.DFModel, want.DFResid, want.DFModel)
			}
		}
	}
}

// isAliased reports whether term j of a Summary of res (intercept first)
// is an aliased coefficient.
func isAliased(res *linear.Result, j int) bool {
	if res.HasIntercept {
		j--
	}
	for _, a := range res.Aliased {
		if a == j {
			return true
		}
	}
	return false
}

// TestNISTSummary: the certified standard errors, residual SD and R² of
// all 11 NIST StRD linear problems through Summarize (LRE ≥ 12; NIST
// certifies 15 digits), including the uncentred R² of NoInt1/NoInt2.
func TestNISTSummary(t *testing.T) {
	for _, p := range testproblems.LinearProblems() {
		res, err := linear.SolveText(p.DesignText(), p.YText, &linear.Settings{NoIntercept: !p.Intercept})
		if err != nil {
			t.Fatal(err)
		}
		s, err := Summarize(res, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		minLRE := 15.0
		check := func(what string, got, cert float64) {
			l := testproblems.LRE(got, cert, 15)
			minLRE = math.Min(minLRE, l)
			if l < 12 {
				t.Errorf("%s %s: %.15g vs certified %.15g, LRE %.1f", p.Name, what, got, cert, l)
			}
		}
		for j, term := range s.Terms {
			check(fmt.Sprint("B", j), term.Coef, p.Coef[j])
			check(fmt.Sprint("se B", j), term.StdErr, p.StdErr[j])
		}
		check("residual SD", s.ResidualSD, p.ResidualSD)
		check("R²", s.R2, p.R2)
		t.Logf("%-9s min LRE %.1f", p.Name, minLRE)
	}
}

// TestHandComputed: x = 1..5, y = 2,4,5,4,5 by hand. Sxx = 10, Sxy = 6,
// β = 0.6, b = 2.2, RSS = 2.4, σ̂² = 0.8, se(β) = √(0.8/10), R² = 3.6/6.
func TestHandComputed(t *testing.T) {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, err := linear.Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Summarize(res, x, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-14 // double-double fit, formulas in float64
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"slope", s.Terms[1].Coef, 0.6},
		{"intercept", s.Terms[0].Coef, 2.2},
		{"se slope", s.Terms[1].StdErr, math.Sqrt(0.08)},
		{"se intercept", s.Terms[0].StdErr, math.Sqrt(0.8 * (1.0/5 + 9.0/10))},
		{"R2", s.R2, 0.6},
		{"adjR2", s.AdjR2, 1 - 4.0/3*0.4},
		{"F", s.F, 3.6 / 0.8},
		{"logLik", s.LogLik, -2.5 * (math.Log(2*math.Pi*2.4/5) + 1)},
	} {
		if math.Abs(c.got-c.want) > tol*math.Abs(c.want) {
			t.Errorf("%s = %.17g, want %.17g", c.what, c.got, c.want)
		}
	}
	h, err := Summarize(res, x, nil, &Settings{Cov: HC0})
	if err != nil {
		t.Fatal(err)
	}
	// HC0 for the slope: Σ(xᵢ − x̄)²rᵢ²/Sxx², residuals −0.8, 0.6, 1, −0.6, −0.2.
	hc0 := (4*0.64 + 1*0.36 + 0 + 1*0.36 + 4*0.04) / 100
	if math.Abs(h.Terms[1].StdErr-math.Sqrt(hc0)) > 1e-14 {
		t.Errorf("HC0 se slope %v, want %v", h.Terms[1].StdErr, math.Sqrt(hc0))
	}
}

func TestErrors(t *testing.T) {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, _ := linear.Solve(x, y, &linear.Settings{Ridge: 0.1})
	if _, err := Summarize(res, x, nil, nil); err != ErrPenalized {
		t.Errorf("ridge: err = %v", err)
	}
	x2 := mat.NewDense(2, 1, []float64{1, 2})
	res2, _ := linear.Solve(x2, []float64{1, 3}, nil)
	if _, err := Summarize(res2, x2, nil, nil); err == nil {
		t.Error("no error for DF = 0")
	}
}
