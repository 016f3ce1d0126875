// Package stats computes the inference that R's summary.lm and statsmodels'
// OLS/WLS summaries print for a linear least-squares fit from package
// linear: standard errors, t statistics and p-values, confidence intervals,
// residual standard deviation, R² and adjusted R², the overall F test,
// log-likelihood, AIC and BIC, and sandwich standard errors:
// heteroskedasticity-consistent (HC0–HC3), cluster-robust (CR1) and
// heteroskedasticity- and autocorrelation-consistent (Newey–West), computed
// from the QR factor of the centred design (see sandwich).
//
// Conventions follow statsmodels (and agree with R where both print the
// quantity). With weights w the model is yᵢ = b + xᵢβ + εᵢ/√wᵢ; RSS is
// Σ wᵢrᵢ², σ̂² = RSS/(n − p), p the rank of the design including the
// intercept. Without an intercept, R² is the uncentred 1 − RSS/Σwᵢyᵢ², as
// in R and in NIST's certified values for NoInt1 and NoInt2.
//
// Two conventions are R's (lm, summary.lm), where statsmodels differs: a
// row of weight 0 is no observation (n counts the rows with positive
// weight, so every number equals that of the fit with such rows deleted),
// and an aliased coefficient has no standard error (NaN; see Term).
//
// References: Greene, Econometric Analysis, 7th ed., ch. 4 and 9; White
// (1980), Econometrica 48(4); MacKinnon & White (1985), J. Econometrics
// 29(3); Long & Ervin (2000), The American Statistician 54(3); Liang &
// Zeger (1986), Biometrika 73(1); Newey & West (1987), Econometrica 55(3);
// Andrews & Monahan (1992), Econometrica 60(4); Newey & West (1994),
// Review of Economic Studies 61(4); Zeileis (2004, 2006), J. Statistical Software 11(10), 16(9) (R's sandwich).
package stats // import "github.com/lsqgo/lsq/stats"

import (
	"errors"
	"fmt"
	"math"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// CovType selects the covariance estimator of the coefficients.
type CovType int

const (
	// NonRobust is σ̂²(X̃ᵀWX̃)⁻¹, valid under homoskedastic errors.
	NonRobust CovType = iota
	// HC0 is White's sandwich (X̃ᵀWX̃)⁻¹ X̃ᵀW·diag(wᵢrᵢ²)·WX̃ (X̃ᵀWX̃)⁻¹.
	HC0
	// HC1 is HC0 times n/(n − p).
	HC1
	// HC2 divides each squared residual by 1 − hᵢᵢ, hᵢᵢ the leverage.
	HC2
	// HC3 divides each squared residual by (1 − hᵢᵢ)².
	HC3
	// Cluster is the cluster-robust sandwich of Liang & Zeger (1986) with
	// the small-sample factor G/(G − 1)·(n − 1)/(n − k), G clusters (given
	// by Settings.Clusters), k coefficients: CR1, as Stata's
	// vce(cluster) and sandwich::vcovCL with its defaults (type "HC1",
	// cadjust = TRUE) compute it.
	Cluster
	// HAC is the heteroskedasticity- and autocorrelation-consistent
	// sandwich of Newey & West (1987): Bartlett kernel weights
	// 1 − l/(L + 1) for lags l ≤ L (Settings.Lags, the rows in their
	// order as the time order), no small-sample factor, and optionally
	// (Settings.Prewhite) the VAR(1) prewhitening of Andrews & Monahan
	// (1992). The lag is given, DefaultLags(n) (Lags zero), or chosen from
	// the data by the bandwidth of Newey & West (1994) (Lags AutoLags).
	// With Lags L and Prewhite p this is sandwich::NeweyWest(fit, lag = L,
	// prewhite = p) (adjust = FALSE is its default); NeweyWest(fit) with
	// its defaults lag = NULL and prewhite = TRUE is Lags AutoLags,
	// Prewhite true. statsmodels' cov_type="HAC" with
	// use_correction=False is the estimator with a given lag and no
	// prewhitening. The zero Settings (Lags 0, no prewhitening) keep
	// DefaultLags' rule of thumb.
	HAC
)

var covNames = [...]string{NonRobust: "nonrobust", HC0: "HC0", HC1: "HC1", HC2: "HC2", HC3: "HC3", Cluster: "cluster", HAC: "HAC"}

// String returns "nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster" or
// "HAC" (statsmodels' names).
func (c CovType) String() string {
	if c >= 0 && int(c) < len(covNames) {
		return covNames[c]
	}
	return fmt.Sprintf("covtype(%d)", int(c))
}

// Dist selects the reference distribution of the coefficient tests.
type Dist int

const (
	// DefaultDist is Student's t with n − p degrees of freedom for
	// NonRobust and the standard normal for the robust estimators, as
	// statsmodels does by default (use_t).
	DefaultDist Dist = iota
	// StudentT uses Student's t with n − p degrees of freedom (R's
	// coeftest with a sandwich covariance).
	StudentT
	// Normal uses the standard normal (z statistics).
	Normal
)

// Settings configures Summarize. The zero value (and nil) gives the
// classical summary at the 95% level.
type Settings struct {
	// Level is the confidence level of the intervals, in (0, 1); zero
	// means 0.95.
	Level float64
	Cov   CovType
	Dist  Dist

	// Clusters labels the cluster of each row of X, for Cov Cluster (and
	// must be nil otherwise). Rows of weight 0 are left out, as elsewhere.
	Clusters []int
	// Lags is the Newey–West truncation lag L ≥ 0 for Cov HAC (zero
	// otherwise). Zero means DefaultLags(n), AutoLags the lag chosen from
	// the data (as sandwich::NeweyWest's lag = NULL). The rows of
	// positive weight, in their order, are the time series (a row of
	// weight 0 is deleted, not a gap).
	Lags int
	// Prewhite prewhitens the influence rows by a VAR(1) before the
	// Newey–West sum and recolours the result (Andrews & Monahan 1992;
	// sandwich::NeweyWest's prewhite = TRUE, its default), for Cov HAC
	// only. With Lags AutoLags the lag is then chosen from the
	// prewhitened series, as bwNeweyWest does.
	Prewhite bool

	// Precision is the working precision of the robust covariances (it
	// must be linear.Auto, the zero value, for NonRobust): linear.Auto
	// works in double-double while n·d² ≤ linear.AccurateLimit and
	// n·(d+1) ≤ linear.AccurateMemoryLimit, the limits of linear's own
	// double-double fit, and in float64 beyond; linear.Double and
	// linear.DoubleDouble choose. On Longley the float64 path keeps 12 to
	// 14 digits of the standard errors, double-double 15; double-double
	// costs about three times linear's double-double fit (0.8 s at
	// n = 10⁴, d = 30, against 0.05 s).
	Precision linear.Precision
}

// Term is the inference for one coefficient.
//
// For an aliased coefficient (a column of X that is a linear combination of
// the others, linear.Result.Aliased) Coef is the minimum-norm estimate that
// linear.Solve reports, and StdErr, T, P, Lower and Upper are NaN: the
// coefficient is not identified by the data, so it has no standard error,
// as R's summary.lm reports NA for it. The coefficients of the other
// columns in the same linear dependence are those of the minimum-norm
// solution, which R, setting the aliased ones to zero instead, reports
// differently; the coefficients outside the dependence, the fitted values
// and every other number of the Summary agree with R.
type Term struct {
	Coef, StdErr float64
	T            float64 // Coef/StdErr: a t or z statistic per Summary.Dist
	P            float64 // two-sided p-value
	Lower, Upper float64 // confidence interval at Summary.Level
}

// Summary is the inference for a fitted linear model.
type Summary struct {
	// Terms holds the intercept first (when fitted), then one term per
	// column of X.
	Terms        []Term
	HasIntercept bool

	N       int // observations: rows with positive weight (linear.Result.N)
	DF      int // residual degrees of freedom n − p
	DFModel int // model degrees of freedom: rank of the design without the intercept

	ResidualSD float64 // σ̂ = √(RSS/DF)
	// RSS and TSS are those of linear.Result: TSS centred (weighted) with
	// an intercept, uncentred without; +Inf when beyond float64 (y of order
	// 1e155 and more), while ResidualSD, R², AdjR2, F, LogLik, the standard
	// errors, t, p and the intervals are computed from scaled sums and stay
	// finite (and then some entries of Cov may be +Inf).
	RSS, TSS  float64
	R2, AdjR2 float64

	// F tests that all slopes are zero (all coefficients, without an
	// intercept) on (DFModel, DF) degrees of freedom: from the sums of
	// squares for NonRobust, and as a Wald test with the robust covariance
	// otherwise (statsmodels' f_test). FPValue is its upper tail.
	F, FPValue float64

	// LogLik is the Gaussian log-likelihood at the estimates (σ² at its
	// MLE RSS/n, plus ½Σlog wᵢ over the positive weights with weights, as
	// R's logLik.lm); AIC = −2LogLik + 2k and
	// BIC = −2LogLik + k·log n with k = DFModel + 1 if intercept (σ² not
	// counted, as statsmodels and unlike R's AIC, which adds 1 to k).
	LogLik, AIC, BIC float64

	// Cov is the covariance of the estimates, ordered as Terms; the rows
	// and columns of aliased coefficients are NaN (R's vcov).
	Cov   *mat.SymDense
	Type  CovType
	Dist  Dist // StudentT or Normal: the one used
	Level float64
	Cond  float64 // condition number of the standardised design (linear.Result.Cond)

	// Clusters is the number of clusters (Type Cluster) and Lags the
	// Newey–West lag used (Type HAC); zero otherwise.
	Clusters, Lags int
	// Prewhite reports VAR(1) prewhitening (Type HAC with
	// Settings.Prewhite). Bandwidth is the Newey & West (1994) bandwidth
	// b̂ from which the lag ⌊b̂⌋ was chosen (Settings.Lags AutoLags; NaN
	// when every residual is zero) and zero otherwise.
	Prewhite  bool
	Bandwidth float64
}

// ErrPenalized is returned for a ridge fit, whose estimates are biased and
// for which these classical formulas do not hold.
var ErrPenalized = errors.New("stats: no classical inference for a penalised (ridge) fit")

// Summarize computes the summary of res, the fit of x (n×d, as passed to
// linear.Solve) with the given weights (nil for unweighted; the same as in
// linear.Settings). x may be nil unless s.Cov is one of the robust estimators,
// which need the rows for the sandwich and the leverages. Summarize panics
// if x or weights do not match res, or s is invalid; it returns
// ErrPenalized for a ridge fit, an error when DF = 0 (no residual
// degrees of freedom: nothing to estimate σ² from), and one when HAC's
// prewhitening cannot be done (too few observations for the VAR(1), or
// I − Â singular).
func Summarize(res *linear.Result, x *mat.Dense, weights []float64, s *Settings) (*Summary, error) {
	set := resolve(s)
	if res.Unscaled == nil {
		return nil, ErrPenalized
	}
	rows := checkData(res, x, weights)
	checkRobust(&set, rows)
	if err := checkEstimable(res, weights, &set, rows); err != nil {
		return nil, err
	}
	sum := newSummary(res, &set)
	ss := sumSquaresOf(res)
	sum.setFitMeasures(ss, weights)
	coef := coefficients(res)
	cov, err := sum.setCov(res, x, weights, &set, ss)
	if err != nil {
		return nil, err
	}
	sum.Dist = testDist(&set)
	sum.Terms = terms(coef, cov, ss.sc, newReference(sum.Dist, ss.df, set.Level))
	sum.F, sum.FPValue = overallF(res, set.Cov, coef, cov, ss)
	sum.markAliased(res.Aliased)
	return sum, nil
}

// resolve returns the settings s asks for with the defaults filled in
// (nil is the zero Settings, Level zero is 0.95), and panics on a level
// outside (0, 1) or an unknown covariance type or distribution.
func resolve(s *Settings) Settings {
	var set Settings
	if s != nil {
		set = *s
	}
	if set.Level == 0 {
		set.Level = 0.95
	}
	if !(set.Level > 0 && set.Level < 1) {
		panic(fmt.Sprintf("stats: confidence level %v not in (0, 1)", set.Level))
	}
	if set.Cov < NonRobust || set.Cov > HAC || set.Dist < DefaultDist || set.Dist > Normal {
		panic("stats: unknown covariance type or distribution")
	}
	return set
}

// checkData panics unless weights (nil: unweighted) has one entry per row
// of res and x (nil when not needed) is n×d as res was fitted; it returns
// the number of rows n, counting those of weight 0 (res.N does not).
func checkData(res *linear.Result, x *mat.Dense, weights []float64) int {
	rows := len(res.Residuals)
	if weights != nil && len(weights) != rows {
		panic(fmt.Sprintf("stats: %d weights for %d rows", len(weights), rows))
	}
	if x != nil {
		if n, d := x.Dims(); n != rows || d != len(res.Coef) {
			panic(fmt.Sprintf("stats: X is %d×%d, the fit has %d rows and %d coefficients", n, d, rows, len(res.Coef)))
		}
	}
	return rows
}

// checkEstimable returns an error when the data cannot give the summary
// set asks for: no residual degrees of freedom (σ̂² = RSS/(n − p) needs
// n > p), or a clustered covariance over fewer than two clusters of
// observations (its factor G/(G − 1) needs G ≥ 2, ClusterError).
func checkEstimable(res *linear.Result, weights []float64, set *Settings, rows int) error {
	if res.DF == 0 {
		return fmt.Errorf("stats: no residual degrees of freedom (n = %d, rank %d)", res.N, res.Rank)
	}
	if set.Cov == Cluster {
		if g := countClusters(positiveRows(weights, rows), set.Clusters); g < 2 {
			return &ClusterError{Clusters: g}
		}
	}
	return nil
}

// newSummary is the Summary with the counts and sums res carries and the
// settings that need no computation; the statistics are set by the steps
// of Summarize.
func newSummary(res *linear.Result, set *Settings) *Summary {
	return &Summary{
		HasIntercept: res.HasIntercept,
		N:            res.N,
		DF:           res.DF,
		DFModel:      res.Rank,
		RSS:          res.RSS,
		TSS:          res.TSS,
		Type:         set.Cov,
		Level:        set.Level,
		Cond:         res.Cond,
	}
}

// sumSquares holds the sums of squares of a fit as RSS = sc²·rss and
// TSS = sc²·tss, sc = 1 unless they overflow (linear.Result.SSScale), with
// n the observations, df = n − p and the scaled σ̂², s2 = rss/df:
// σ̂ = sc·√s2, and R² and F are ratios of scaled sums, finite whenever σ̂
// is.
type sumSquares struct {
	sc, rss, tss float64
	n, df, s2    float64
}

// sumSquaresOf reads the sums of res; a Result not made by package linear
// (SSScale zero) has sc = 1 and its RSS and TSS.
func sumSquaresOf(res *linear.Result) sumSquares {
	sc, rss, tss := res.SSScale, res.ScaledRSS, res.ScaledTSS
	if sc == 0 {
		sc, rss, tss = 1, res.RSS, res.TSS
	}
	df := float64(res.DF)
	return sumSquares{sc: sc, rss: rss, tss: tss, n: float64(res.N), df: df, s2: rss / df}
}

// setFitMeasures sets the measures of fit that need only the sums of
// squares (R's summary.lm, logLik.lm; statsmodels' OLS/WLS results):
//
//	σ̂     = sc·√(rss/(n − p))
//	R²    = 1 − rss/tss
//	R̄²    = 1 − (n − k₀)/(n − p)·(1 − R²),  k₀ = 1 with an intercept, else 0
//
// and the log-likelihood and information criteria (logLik).
func (sum *Summary) setFitMeasures(ss sumSquares, weights []float64) {
	sum.ResidualSD = ss.sc * math.Sqrt(ss.s2)
	sum.R2 = 1 - ss.rss/ss.tss
	kc := 0.0
	if sum.HasIntercept {
		kc = 1
	}
	sum.AdjR2 = 1 - (ss.n-kc)/ss.df*(1-sum.R2)
	sum.LogLik = logLik(ss, weights)
	k := sum.DFModel
	if sum.HasIntercept {
		k++
	}
	sum.AIC = -2*sum.LogLik + 2*float64(k)
	sum.BIC = -2*sum.LogLik + math.Log(ss.n)*float64(k)
}

// logLik is the Gaussian log-likelihood with σ² concentrated out at its
// MLE RSS/n,
//
//	−n/2·(log(2π·RSS/n) + 1) + ½ Σ_{wᵢ>0} log wᵢ,
//
// RSS = sc²·rss, as R's logLik.lm (a row of weight 0 is no observation).
func logLik(ss sumSquares, weights []float64) float64 {
	ll := -ss.n / 2 * (math.Log(2*math.Pi*ss.rss/ss.n) + 2*math.Log(ss.sc) + 1)
	for _, w := range weights {
		if w > 0 {
			ll += 0.5 * math.Log(w)
		}
	}
	return ll
}

// coefficients is the estimate in the order of Summary.Terms: the
// intercept first when fitted, then one per column of X.
func coefficients(res *linear.Result) []float64 {
	coef := append([]float64(nil), res.Coef...)
	if res.HasIntercept {
		coef = append([]float64{res.Intercept}, coef...)
	}
	return coef
}

// setCov sets sum.Cov to the covariance of the estimates set asks for,
// the classical σ̂²(X̃ᵀWX̃)⁻¹ (R's vcov.lm) or a sandwich (see sandwich),
// with the number of clusters or the Newey–West lag it used. It returns
// the covariance divided by sc², from which the standard errors and the
// Wald F are computed: Summary.Cov = sc²·that, whose entries may overflow
// (+Inf) when the standard errors do not.
func (sum *Summary) setCov(res *linear.Result, x *mat.Dense, weights []float64, set *Settings, ss sumSquares) (*mat.SymDense, error) {
	p := res.Unscaled.SymmetricDim()
	cov := mat.NewSymDense(p, nil)
	if set.Cov == NonRobust {
		cov.ScaleSym(ss.s2, res.Unscaled)
	} else {
		if x == nil {
			panic("stats: robust covariance needs X")
		}
		clusters, hac, err := sandwich(cov, res, x, weights, set, ss.sc)
		if err != nil {
			return nil, err
		}
		sum.setRobustInfo(set, clusters, hac)
	}
	sum.Cov = cov
	if ss.sc != 1 {
		sum.Cov = mat.NewSymDense(p, nil)
		sum.Cov.ScaleSym(ss.sc*ss.sc, cov)
	}
	return cov, nil
}

// setRobustInfo records what a sandwich used: the number of clusters
// (Cluster), the lag and prewhitening (HAC) and, for a lag chosen from
// the data, the bandwidth it was chosen from.
func (sum *Summary) setRobustInfo(set *Settings, clusters int, hac hacInfo) {
	switch set.Cov {
	case Cluster:
		sum.Clusters = clusters
	case HAC:
		sum.Lags, sum.Prewhite = hac.lag, hac.prewhite
		if set.Lags == AutoLags {
			sum.Bandwidth = hac.bandwidth
		}
	}
}

// testDist is the reference distribution of the coefficient tests that
// set asks for: DefaultDist is Student's t for NonRobust and the normal
// for a sandwich, as statsmodels' use_t.
func testDist(set *Settings) Dist {
	if set.Dist != DefaultDist {
		return set.Dist
	}
	if set.Cov != NonRobust {
		return Normal
	}
	return StudentT
}

// reference is the distribution of a t (or z) statistic: its upper tail
// and the two-sided critical value q_{1−α/2} at level 1 − α.
type reference struct {
	survival func(float64) float64
	crit     float64
}

// newReference is Student's t on df degrees of freedom (StudentT) or the
// standard normal (Normal), with the critical value at level.
func newReference(dist Dist, df, level float64) reference {
	q := 1 - (1-level)/2
	if dist == StudentT {
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
		return reference{t.Survival, t.Quantile(q)}
	}
	return reference{normalSurvival, distuv.UnitNormal.Quantile(q)}
}

// terms is the inference for each coefficient cⱼ with covariance cov·sc²
// (R's summary.lm coefficient table and confint.lm):
//
//	seⱼ = sc·√covⱼⱼ,  tⱼ = cⱼ/seⱼ,  pⱼ = 2·P(T > |tⱼ|),  cⱼ ∓ q·seⱼ.
func terms(coef []float64, cov *mat.SymDense, sc float64, ref reference) []Term {
	ts := make([]Term, len(coef))
	for j, c := range coef {
		se := sc * math.Sqrt(cov.At(j, j))
		t := c / se
		ts[j] = Term{
			Coef:   c,
			StdErr: se,
			T:      t,
			P:      2 * ref.survival(math.Abs(t)),
			Lower:  c - ref.crit*se,
			Upper:  c + ref.crit*se,
		}
	}
	return ts
}

// overallF is the test that all slopes (every coefficient, without an
// intercept) are zero, on q = rank and n − p degrees of freedom, and its
// upper-tail p-value: for NonRobust from the sums of squares (R's
// summary.lm),
//
//	F = (TSS − RSS)/q / σ̂²,
//
// otherwise the Wald test βᵀV⁻¹β/q with the robust covariance V
// (statsmodels' f_test; waldF). Both are NaN when no slope is estimated.
func overallF(res *linear.Result, kind CovType, coef []float64, cov *mat.SymDense, ss sumSquares) (f, p float64) {
	if res.Rank == 0 {
		return math.NaN(), math.NaN()
	}
	q := float64(res.Rank)
	if kind == NonRobust {
		f = (ss.tss - ss.rss) / q / ss.s2
	} else {
		f = waldF(unscaled(coef, ss.sc), cov, res.HasIntercept, res.Rank)
	}
	return f, fSurvival(f, q, ss.df)
}

// unscaled is coef/sc, the estimates on the scale of a covariance divided
// by sc², where the Wald F, invariant under scaling β by 1/sc and V by
// 1/sc², is computed; coef itself when sc = 1.
func unscaled(coef []float64, sc float64) []float64 {
	if sc == 1 {
		return coef
	}
	scaled := make([]float64, len(coef))
	for j, c := range coef {
		scaled[j] = c / sc
	}
	return scaled
}

// termOf is the position of column j of X among the coefficients, the
// intercept first when fitted (Summary.Terms, Influence.DFBETAS).
func termOf(j int, intercept bool) int {
	if intercept {
		return j + 1
	}
	return j
}

// markAliased sets to NaN the standard error, test and interval of each
// aliased coefficient (a column of X, linear.Result.Aliased) and its row
// and column of Cov (see Term; R's summary.lm and vcov report NA).
func (sum *Summary) markAliased(aliased []int) {
	nan := math.NaN()
	p := len(sum.Terms)
	for _, a := range aliased {
		j := termOf(a, sum.HasIntercept)
		t := &sum.Terms[j]
		t.StdErr, t.T, t.P, t.Lower, t.Upper = nan, nan, nan, nan, nan
		for k := 0; k < p; k++ {
			sum.Cov.SetSym(j, k, nan)
		}
	}
}

// normalSurvival is P(Z > z) = erfc(z/√2)/2, accurate in the far tail
// (distuv.Normal.Survival computes 1 − erf, which loses all relative
// accuracy below about 1e-16 and much of it already at 1e-12).
func normalSurvival(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// fSurvival is P(F > f) for F(d1, d2), the regularised incomplete beta
// I_{d2/(d2+d1·f)}(d2/2, d1/2) evaluated directly rather than as 1 − CDF
// (distuv.F.Survival), so small p-values keep their relative accuracy.
func fSurvival(f, d1, d2 float64) float64 {
	if math.IsNaN(f) {
		return math.NaN()
	}
	if f <= 0 {
		return 1
	}
	return mathext.RegIncBeta(d2/2, d1/2, d2/(d2+d1*f))
}

// waldF is βᵀ V⁻¹ β / q over the slopes (every coefficient without an
// intercept), V their covariance block, q the model degrees of freedom.
func waldF(coef []float64, cov *mat.SymDense, intercept bool, rank int) float64 {
	off := 0
	if intercept {
		off = 1
	}
	p := len(coef) - off
	v := mat.NewSymDense(p, nil)
	b := mat.NewVecDense(p, nil)
	for i := 0; i < p; i++ {
		b.SetVec(i, coef[off+i])
		for j := i; j < p; j++ {
			v.SetSym(i, j, cov.At(off+i, off+j))
		}
	}
	// Pseudo-inverse through the eigendecomposition V = QΛQᵀ, eigenvalues
	// below 1e-12·λ_max dropped (singular V for a rank-deficient fit, as
	// statsmodels' f_test does with pinv).
	var es mat.EigenSym
	if !es.Factorize(v, true) {
		return math.NaN()
	}
	ev := es.Values(nil)
	var q mat.Dense
	es.VectorsTo(&q)
	lmax := ev[len(ev)-1]
	var f float64
	for k, l := range ev {
		if l <= 1e-12*lmax {
			continue
		}
		qb := mat.Dot(q.ColView(k), b)
		f += qb * qb / l
	}
	return f / float64(rank)
}
