package stats

import (
	"math"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
)

// ResidualTests are the tests on the residuals that the footer of
// statsmodels' OLS/WLS summary prints, and the Breusch–Pagan test. They
// use the weighted residuals eᵢ = √wᵢ·rᵢ of the n rows of positive weight
// (statsmodels' wresid), in row order; m₂, m₃, m₄ are their central
// moments with divisor n.
type ResidualTests struct {
	// Skew = m₃/m₂^{3/2} and Kurtosis = m₄/m₂² (Pearson's, 3 for a normal
	// sample), the biased sample moments statsmodels prints.
	Skew, Kurtosis float64
	// JarqueBera = n/6·(Skew² + (Kurtosis − 3)²/4) with JarqueBeraP its
	// upper tail in χ²(2) (Jarque & Bera 1987).
	JarqueBera, JarqueBeraP float64
	// Omnibus is D'Agostino and Pearson's K² = Z(√b₁)² + Z(b₂)², the sum of
	// the squared normal scores of D'Agostino's skewness test and Anscombe
	// and Glynn's kurtosis test (scipy.stats.normaltest, D'Agostino,
	// Belanger & D'Agostino 1990); OmnibusP is its upper tail in χ²(2).
	// NaN when n < 8, where the skewness test is not defined.
	Omnibus, OmnibusP float64
	// DurbinWatson = Σₜ(eₜ − eₜ₋₁)²/Σₜeₜ²: about 2 without serial
	// correlation, towards 0 with positive correlation (Durbin & Watson
	// 1950); it assumes the rows are in time order.
	DurbinWatson float64
	// BreuschPagan is Koenker's studentised form of the Breusch–Pagan LM
	// test of heteroskedasticity, n·R² of the regression of eᵢ² on an
	// intercept and the columns of X (lmtest::bptest's default, statsmodels'
	// het_breuschpagan with robust=True; Koenker 1981), on BreuschPaganDF
	// (the rank of X) degrees of freedom; BreuschPaganP is its upper tail
	// in χ².
	BreuschPagan, BreuschPaganP float64
	BreuschPaganDF              int
}

// TestResiduals computes the residual tests of res, the fit of x with the
// given weights (nil for unweighted), as for Summarize. It panics if x or
// weights do not match res.
func TestResiduals(res *linear.Result, x *mat.Dense, weights []float64) *ResidualTests {
	rows, d := x.Dims()
	if rows != len(res.Residuals) || d != len(res.Coef) {
		panic("stats: X does not match the fit")
	}
	if weights != nil && len(weights) != rows {
		panic("stats: weights do not match the fit")
	}
	// Every statistic is invariant under scaling the residuals: divided
	// by c = max √wᵢ|rᵢ|, their squares and fourth powers cannot overflow.
	c := residualScale(res.Residuals, weights)
	var e []float64
	var keep []int
	for i, r := range res.Residuals {
		if w := weight(weights, i); w > 0 {
			e = append(e, math.Sqrt(w)*(r/c))
			keep = append(keep, i)
		}
	}
	t := &ResidualTests{}
	n := float64(len(e))
	var mean float64
	for _, v := range e {
		mean += v
	}
	mean /= n
	var m2, m3, m4 float64
	for _, v := range e {
		dv := v - mean
		m2 += dv * dv
		m3 += dv * dv * dv
		m4 += dv * dv * dv * dv
	}
	m2, m3, m4 = m2/n, m3/n, m4/n
	t.Skew = m3 / math.Pow(m2, 1.5)
	t.Kurtosis = m4 / (m2 * m2)
	t.JarqueBera = n / 6 * (t.Skew*t.Skew + (t.Kurtosis-3)*(t.Kurtosis-3)/4)
	t.JarqueBeraP = chi2Survival(t.JarqueBera, 2)
	t.Omnibus, t.OmnibusP = math.NaN(), math.NaN()
	if len(e) >= 8 {
		zs, zk := skewZ(t.Skew, n), kurtosisZ(t.Kurtosis, n)
		t.Omnibus = zs*zs + zk*zk
		t.OmnibusP = chi2Survival(t.Omnibus, 2)
	}
	var num, den float64
	for k, v := range e {
		den += v * v
		if k > 0 {
			dv := v - e[k-1]
			num += dv * dv
		}
	}
	t.DurbinWatson = num / den
	t.BreuschPagan, t.BreuschPaganDF = breuschPagan(e, keep, x)
	t.BreuschPaganP = chi2Survival(t.BreuschPagan, float64(t.BreuschPaganDF))
	return t
}

// breuschPagan regresses e² on an intercept and the rows keep of x and
// returns n·R² and the rank of x there.
func breuschPagan(e []float64, keep []int, x *mat.Dense) (float64, int) {
	_, d := x.Dims()
	z := mat.NewDense(len(keep), d, nil)
	e2 := make([]float64, len(e))
	for k, i := range keep {
		copy(z.RawRowView(k), x.RawRowView(i))
		e2[k] = e[k] * e[k]
	}
	// Float64 QR: an R² needs no more than the design's condition number
	// allows, and double-double would cost more than the fit itself.
	aux, err := linear.Solve(z, e2, &linear.Settings{Method: linear.QR, Precision: linear.Double})
	if err != nil || aux.TSS == 0 {
		return math.NaN(), d
	}
	return float64(len(e)) * (1 - aux.RSS/aux.TSS), aux.Rank
}

// chi2Survival is P(χ²(k) > x), the regularised upper incomplete gamma
// function Q(k/2, x/2).
func chi2Survival(x, k float64) float64 {
	if math.IsNaN(x) || k <= 0 {
		return math.NaN()
	}
	if x <= 0 {
		return 1
	}
	return mathext.GammaIncRegComp(k/2, x/2)
}

// skewZ is D'Agostino's normal score of the sample skewness √b₁ of n
// values (D'Agostino, Belanger & D'Agostino 1990, eq. 4–8; scipy's
// skewtest).
func skewZ(b1, n float64) float64 {
	y := b1 * math.Sqrt((n+1)*(n+3)/(6*(n-2)))
	beta2 := 3 * (n*n + 27*n - 70) * (n + 1) * (n + 3) / ((n - 2) * (n + 5) * (n + 7) * (n + 9))
	w2 := -1 + math.Sqrt(2*(beta2-1))
	delta := 1 / math.Sqrt(0.5*math.Log(w2))
	alpha := math.Sqrt(2 / (w2 - 1))
	if y == 0 {
		y = 1
	}
	ya := y / alpha
	return delta * math.Log(ya+math.Sqrt(ya*ya+1))
}

// kurtosisZ is Anscombe and Glynn's normal score of the sample kurtosis
// b₂ (Pearson's) of n values (Anscombe & Glynn 1983; D'Agostino, Belanger
// & D'Agostino 1990, eq. 12–16; scipy's kurtosistest).
func kurtosisZ(b2, n float64) float64 {
	mean := 3 * (n - 1) / (n + 1)
	varb2 := 24 * n * (n - 2) * (n - 3) / ((n + 1) * (n + 1) * (n + 3) * (n + 5))
	x := (b2 - mean) / math.Sqrt(varb2)
	sqrtBeta1 := 6 * (n*n - 5*n + 2) / ((n + 7) * (n + 9)) * math.Sqrt(6*(n+3)*(n+5)/(n*(n-2)*(n-3)))
	a := 6 + 8/sqrtBeta1*(2/sqrtBeta1+math.Sqrt(1+4/(sqrtBeta1*sqrtBeta1)))
	term1 := 1 - 2/(9*a)
	denom := 1 + x*math.Sqrt(2/(a-4))
	if denom == 0 {
		return math.NaN()
	}
	term2 := math.Copysign(math.Cbrt((1-2/a)/math.Abs(denom)), denom)
	return (term1 - term2) / math.Sqrt(2/(9*a))
}
