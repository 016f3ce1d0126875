package stats

import (
	"fmt"
	"math"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Influence holds the regression diagnostics of each row of a linear fit,
// as R's influence.measures, rstandard, rstudent, cooks.distance, dffits,
// covratio and dfbetas report them (Belsley, Kuh & Welsch, Regression
// Diagnostics, 1980; Cook & Weisberg, Residuals and Influence in
// Regression, 1982).
//
// With X̃ the design (the column of ones first when there is an
// intercept), W = diag(w), eᵢ = √wᵢ·rᵢ the weighted residual, p the rank of
// X̃ (intercept included), s² = RSS/(n − p) and
//
//	hᵢ     = wᵢ x̃ᵢᵀ(X̃ᵀWX̃)⁻¹x̃ᵢ                     (leverage, hat value)
//	s₍ᵢ₎²  = (RSS − eᵢ²/(1 − hᵢ)) / (n − p − 1)     (σ̂ without row i)
//
// the diagnostics are
//
//	standardised   eᵢ / (s √(1 − hᵢ))
//	studentised    eᵢ / (s₍ᵢ₎ √(1 − hᵢ))            (externally)
//	Cook's D       eᵢ² hᵢ / (p s² (1 − hᵢ)²)
//	DFFITS         studentisedᵢ · √(hᵢ/(1 − hᵢ))
//	COVRATIO       (s₍ᵢ₎/s)^(2p) / (1 − hᵢ)
//	DFBETASᵢⱼ      [(X̃ᵀWX̃)⁻¹x̃ᵢ]ⱼ wᵢrᵢ / ((1 − hᵢ) s₍ᵢ₎ √[(X̃ᵀWX̃)⁻¹]ⱼⱼ)
//
// A row of weight 0 is no observation (as in R, whose lm.influence drops
// such rows): its fitted value and residual are given, every diagnostic
// is NaN. A row with hᵢ = 1 (to 10 ulps, R's threshold) is fitted exactly
// and its residual diagnostics are NaN, as R reports them.
type Influence struct {
	Fitted   []float64 // b + xᵢβ, every row
	Residual []float64 // yᵢ − fitted (not weighted), every row

	Hat, Standardized, Studentized []float64
	Cook, DFFITS, CovRatio         []float64
	// DFBETAS has one row per data row and one column per coefficient
	// (intercept first); the columns of aliased coefficients are NaN.
	DFBETAS *mat.Dense

	// N is the number of observations (rows of positive weight) and P the
	// rank of the design, intercept included: the n and k of the cut-offs.
	N, P int
}

// NewInfluence computes the diagnostics of res, the fit of x (as passed to
// linear.Solve) with the given weights (nil for unweighted). It returns an
// error for a penalised fit and when fewer than two residual degrees of
// freedom remain (s₍ᵢ₎ needs n − p − 1 ≥ 1). It panics if x or weights do
// not match res.
func NewInfluence(res *linear.Result, x *mat.Dense, weights []float64) (*Influence, error) {
	if res.Unscaled == nil {
		return nil, ErrPenalized
	}
	rows := checkData(res, x, weights)
	p := res.Rank
	if res.HasIntercept {
		p++
	}
	if res.DF < 2 {
		return nil, fmt.Errorf("stats: influence diagnostics need at least 2 residual degrees of freedom (n = %d, rank %d)", res.N, p)
	}
	xt := designWithOnes(x, res.HasIntercept)
	_, q := xt.Dims()
	inf := newInfluence(rows, q, res.N, p)
	inf.setFitted(res, x)
	inf.DFBETAS.Mul(xt, generalCopy(res.Unscaled)) // (X̃ᵀWX̃)⁻¹x̃ᵢ, turned into DFBETAS by row
	rc := newRowCommon(res, weights, p)
	for i := 0; i < rows; i++ {
		rc.setRow(inf, i, xt.RawRowView(i), weight(weights, i), res.Residuals[i])
	}
	return inf, nil
}

// newInfluence allocates the diagnostics of rows rows and q coefficients
// (intercept included), for n observations and a design of rank p.
func newInfluence(rows, q, n, p int) *Influence {
	return &Influence{
		Fitted: make([]float64, rows), Residual: make([]float64, rows),
		Hat: make([]float64, rows), Standardized: make([]float64, rows), Studentized: make([]float64, rows),
		Cook: make([]float64, rows), DFFITS: make([]float64, rows), CovRatio: make([]float64, rows),
		DFBETAS: mat.NewDense(rows, q, nil), N: n, P: p,
	}
}

// setFitted sets the fitted values b + xᵢβ and the residuals of every
// row, of weight 0 too (R's fitted and residuals of an lm).
func (inf *Influence) setFitted(res *linear.Result, x *mat.Dense) {
	for i := range inf.Fitted {
		fit := res.Intercept
		for j, v := range x.RawRowView(i) {
			fit += res.Coef[j] * v
		}
		inf.Fitted[i] = fit
	}
	copy(inf.Residual, res.Residuals)
}

// designWithOnes is X̃: x with a column of ones first when intercept.
func designWithOnes(x *mat.Dense, intercept bool) *mat.Dense {
	rows, d := x.Dims()
	off := 0
	if intercept {
		off = 1
	}
	xt := mat.NewDense(rows, d+off, nil)
	for i := 0; i < rows; i++ {
		row := xt.RawRowView(i)
		if intercept {
			row[0] = 1
		}
		copy(row[off:], x.RawRowView(i))
	}
	return xt
}

// generalCopy is a copy of s in general storage: mat.Dense.Mul with it
// uses Dgemm, much faster than the Dsymm a symmetric operand takes.
func generalCopy(s *mat.SymDense) *mat.Dense {
	var d mat.Dense
	d.CloneFrom(s)
	return &d
}

// rowCommon holds what the diagnostics of every row use. Every diagnostic
// is invariant under scaling the residuals, so they are divided by
// c = max √wᵢ|rᵢ| (residualScale) first: rss = Σwᵢ(rᵢ/c)² cannot
// overflow. It is summed from the residuals themselves, the sum the
// formulas of Influence take apart row by row.
type rowCommon struct {
	c, rss  float64
	s       float64   // √(rss/df), the s of Influence divided by c
	df, p   float64   // n − p and p
	sd      []float64 // √[(X̃ᵀWX̃)⁻¹]ⱼⱼ
	aliased []bool    // per coefficient, intercept first
}

// newRowCommon computes c, rss, s, the √[(X̃ᵀWX̃)⁻¹]ⱼⱼ and the aliased
// coefficients of res for a design of rank p (intercept included).
func newRowCommon(res *linear.Result, weights []float64, p int) *rowCommon {
	rc := &rowCommon{c: residualScale(res.Residuals, weights), df: float64(res.DF), p: float64(p)}
	for i, r := range res.Residuals {
		w := weight(weights, i)
		r /= rc.c
		rc.rss += w * r * r
	}
	rc.s = math.Sqrt(rc.rss / rc.df)
	u := res.Unscaled
	q := u.SymmetricDim()
	rc.sd = make([]float64, q)
	for j := range rc.sd {
		rc.sd[j] = math.Sqrt(u.At(j, j))
	}
	rc.aliased = make([]bool, q)
	for _, a := range res.Aliased {
		rc.aliased[termOf(a, res.HasIntercept)] = true
	}
	return rc
}

// setRow sets the diagnostics of row i, of weight w and residual r (not
// yet divided by c), from its row xr = x̃ᵢ of X̃ and (X̃ᵀWX̃)⁻¹x̃ᵢ, which
// row i of inf.DFBETAS holds on entry. A row of weight 0 is no
// observation: every diagnostic is NaN. A row of leverage 1 is fitted
// exactly: its leverage is 1 and the others NaN (R's influence.measures).
func (rc *rowCommon) setRow(inf *Influence, i int, xr []float64, w, r float64) {
	ux := inf.DFBETAS.RawRowView(i)
	if w == 0 {
		inf.Hat[i] = math.NaN()
		inf.setUndefined(i)
		return
	}
	h := leverage(w, xr, ux)
	inf.Hat[i] = h
	if h == 1 {
		inf.setUndefined(i)
		return
	}
	r /= rc.c
	e := math.Sqrt(w) * r
	si := rc.deletedSD(e, h)
	rc.setResidualDiagnostics(inf, i, e, h, si)
	rc.dfbetas(ux, w, r, h, si)
}

// leverage is hᵢ = wᵢx̃ᵢᵀ(X̃ᵀWX̃)⁻¹x̃ᵢ, ux = (X̃ᵀWX̃)⁻¹x̃ᵢ, rounded to 1
// within 10 ulps of it, R's threshold in lm.influence for a row the fit
// passes through.
func leverage(w float64, xr, ux []float64) float64 {
	h := w * floats.Dot(xr, ux)
	if h > 1-10*eps {
		h = 1
	}
	return h
}

// deletedSD is σ̂ without row i, s₍ᵢ₎ = √((RSS − eᵢ²/(1 − hᵢ))/(n − p − 1))
// (Belsley, Kuh & Welsch 1980, ch. 2; R's lm.influence()$sigma), in the
// residuals divided by c, the difference held at zero where rounding
// would make it negative.
func (rc *rowCommon) deletedSD(e, h float64) float64 {
	return math.Sqrt(math.Max(0, rc.rss-e*e/(1-h)) / (rc.df - 1))
}

// setResidualDiagnostics sets the standardised and studentised residual,
// Cook's distance, DFFITS and COVRATIO of row i (formulas of Influence;
// R's rstandard, rstudent, cooks.distance, dffits, covratio) from the
// weighted residual e, the leverage h and s₍ᵢ₎.
func (rc *rowCommon) setResidualDiagnostics(inf *Influence, i int, e, h, si float64) {
	inf.Standardized[i] = e / (rc.s * math.Sqrt(1-h))
	t := e / (si * math.Sqrt(1-h))
	inf.Studentized[i] = t
	inf.Cook[i] = e * e * h / (rc.p * rc.s * rc.s * (1 - h) * (1 - h))
	inf.DFFITS[i] = t * math.Sqrt(h/(1-h))
	inf.CovRatio[i] = math.Pow(si/rc.s, 2*rc.p) / (1 - h)
}

// dfbetas turns ux = (X̃ᵀWX̃)⁻¹x̃ᵢ, in place, into the row's
// DFBETASᵢⱼ = uxⱼ wᵢrᵢ / ((1 − hᵢ) s₍ᵢ₎ √[(X̃ᵀWX̃)⁻¹]ⱼⱼ) (R's dfbetas),
// NaN for an aliased coefficient.
func (rc *rowCommon) dfbetas(ux []float64, w, r, h, si float64) {
	for j := range ux {
		if rc.aliased[j] {
			ux[j] = math.NaN()
			continue
		}
		ux[j] = ux[j] * w * r / ((1 - h) * si * rc.sd[j])
	}
}

// setUndefined sets the residual diagnostics and DFBETAS of row i to NaN.
func (inf *Influence) setUndefined(i int) {
	nan := math.NaN()
	inf.Standardized[i], inf.Studentized[i], inf.Cook[i], inf.DFFITS[i], inf.CovRatio[i] = nan, nan, nan, nan, nan
	ux := inf.DFBETAS.RawRowView(i)
	for j := range ux {
		ux[j] = nan
	}
}

// residualScale is max √wᵢ|rᵢ| over the rows of positive weight, or 1
// when every residual is zero.
func residualScale(r, weights []float64) float64 {
	c := 0.0
	for i, v := range r {
		if w := weight(weights, i); w > 0 {
			c = math.Max(c, math.Sqrt(w)*math.Abs(v))
		}
	}
	if c == 0 || math.IsInf(c, 0) || math.IsNaN(c) {
		return 1
	}
	return c
}

// eps is the float64 machine epsilon, R's .Machine$double.eps.
const eps = 0x1p-52

// weight is the weight of row i: w[i], or 1 when w is nil (unweighted).
func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// positiveRows lists, ascending, the rows of positive weight among n: the
// observations (a row of weight 0 is none, as in R's lm).
func positiveRows(w []float64, n int) []int {
	var rows []int
	for i := 0; i < n; i++ {
		if w == nil || w[i] > 0 {
			rows = append(rows, i)
		}
	}
	return rows
}

// InfluenceFlag marks why a row is influential, by the cut-offs of R's
// influence.measures (Belsley, Kuh & Welsch 1980), n the observations and
// k the rank of the design (intercept included).
type InfluenceFlag uint8

const (
	// FlagDFBETAS: some |DFBETASᵢⱼ| > 1.
	FlagDFBETAS InfluenceFlag = 1 << iota
	// FlagDFFITS: |DFFITSᵢ| > 3√(k/(n − k)).
	FlagDFFITS
	// FlagCovRatio: |1 − COVRATIOᵢ| > 3k/(n − k).
	FlagCovRatio
	// FlagCook: Cook's Dᵢ beyond the median of F(k, n − k), i.e.
	// P(F ≤ Dᵢ) > 0.5.
	FlagCook
	// FlagHat: hᵢ > 3k/n.
	FlagHat
)

// String lists the flags set, in R's column names (dfb, dffit, cov.r,
// cook.d, hat), separated by commas.
func (f InfluenceFlag) String() string {
	var s string
	for k, name := range []string{"dfb", "dffit", "cov.r", "cook.d", "hat"} {
		if f&(1<<k) != 0 {
			if s != "" {
				s += ","
			}
			s += name
		}
	}
	return s
}

// Flags returns, per row, which of R's cut-offs it exceeds (0 for none,
// and for rows of weight 0).
func (inf *Influence) Flags() []InfluenceFlag {
	n, k := float64(inf.N), float64(inf.P)
	flags := make([]InfluenceFlag, len(inf.Hat))
	for i := range flags {
		var f InfluenceFlag
		for _, v := range inf.DFBETAS.RawRowView(i) {
			if math.Abs(v) > 1 {
				f |= FlagDFBETAS
			}
		}
		if math.Abs(inf.DFFITS[i]) > 3*math.Sqrt(k/(n-k)) {
			f |= FlagDFFITS
		}
		if math.Abs(1-inf.CovRatio[i]) > 3*k/(n-k) {
			f |= FlagCovRatio
		}
		if c := inf.Cook[i]; c > 0 && fSurvival(c, k, n-k) < 0.5 {
			f |= FlagCook
		}
		if inf.Hat[i] > 3*k/n {
			f |= FlagHat
		}
		flags[i] = f
	}
	return flags
}
