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
	rows, d := x.Dims()
	if rows != len(res.Residuals) || d != len(res.Coef) {
		panic(fmt.Sprintf("stats: X is %d×%d, the fit has %d rows and %d coefficients", rows, d, len(res.Residuals), len(res.Coef)))
	}
	if weights != nil && len(weights) != rows {
		panic(fmt.Sprintf("stats: %d weights for %d rows", len(weights), rows))
	}
	p := res.Rank
	if res.HasIntercept {
		p++
	}
	if res.DF < 2 {
		return nil, fmt.Errorf("stats: influence diagnostics need at least 2 residual degrees of freedom (n = %d, rank %d)", res.N, p)
	}
	off := 0
	if res.HasIntercept {
		off = 1
	}
	q := d + off
	inf := &Influence{
		Fitted: make([]float64, rows), Residual: make([]float64, rows),
		Hat: make([]float64, rows), Standardized: make([]float64, rows), Studentized: make([]float64, rows),
		Cook: make([]float64, rows), DFFITS: make([]float64, rows), CovRatio: make([]float64, rows),
		DFBETAS: mat.NewDense(rows, q, nil), N: res.N, P: p,
	}
	aliased := make([]bool, q)
	for _, a := range res.Aliased {
		aliased[a+off] = true
	}
	// Every diagnostic is invariant under scaling the residuals, so they
	// are divided by c = max √wᵢ|rᵢ| first: RSS cannot overflow. RSS is
	// summed from the residuals themselves, the sum the formulas above
	// take apart row by row.
	c := residualScale(res.Residuals, weights)
	var rss float64
	for i, r := range res.Residuals {
		w := weight(weights, i)
		r /= c
		rss += w * r * r
	}
	df := float64(res.DF)
	s := math.Sqrt(rss / df)
	u := res.Unscaled
	// X̃ and X̃(X̃ᵀWX̃)⁻¹ by one matrix product, the latter held in DFBETAS
	// and turned into DFBETAS row by row below.
	xt := mat.NewDense(rows, q, nil)
	for i := 0; i < rows; i++ {
		row := xt.RawRowView(i)
		if off == 1 {
			row[0] = 1
		}
		copy(row[off:], x.RawRowView(i))
	}
	var ud mat.Dense // general storage: Mul uses Dgemm, much faster than Dsymm
	ud.CloneFrom(u)
	inf.DFBETAS.Mul(xt, &ud)
	sd := make([]float64, q) // √[(X̃ᵀWX̃)⁻¹]ⱼⱼ
	for j := range sd {
		sd[j] = math.Sqrt(u.At(j, j))
	}
	nan := math.NaN()
	for i := 0; i < rows; i++ {
		xr := xt.RawRowView(i)
		fit := res.Intercept
		for j, v := range xr[off:] {
			fit += res.Coef[j] * v
		}
		inf.Fitted[i] = fit
		inf.Residual[i] = res.Residuals[i]
		w := weight(weights, i)
		dfb := inf.DFBETAS.RawRowView(i) // (X̃ᵀWX̃)⁻¹x̃ᵢ until overwritten
		if w == 0 {
			inf.Hat[i], inf.Standardized[i], inf.Studentized[i] = nan, nan, nan
			inf.Cook[i], inf.DFFITS[i], inf.CovRatio[i] = nan, nan, nan
			for j := range dfb {
				dfb[j] = nan
			}
			continue
		}
		h := w * floats.Dot(xr, dfb)
		r := res.Residuals[i] / c
		e := math.Sqrt(w) * r
		if h > 1-10*eps {
			h = 1
		}
		inf.Hat[i] = h
		if h == 1 {
			inf.Standardized[i], inf.Studentized[i], inf.Cook[i], inf.DFFITS[i], inf.CovRatio[i] = nan, nan, nan, nan, nan
			for j := range dfb {
				dfb[j] = nan
			}
			continue
		}
		si := math.Sqrt(math.Max(0, rss-e*e/(1-h)) / (df - 1))
		inf.Standardized[i] = e / (s * math.Sqrt(1-h))
		t := e / (si * math.Sqrt(1-h))
		inf.Studentized[i] = t
		inf.Cook[i] = e * e * h / (float64(p) * s * s * (1 - h) * (1 - h))
		inf.DFFITS[i] = t * math.Sqrt(h/(1-h))
		inf.CovRatio[i] = math.Pow(si/s, 2*float64(p)) / (1 - h)
		for j := range dfb {
			if aliased[j] {
				dfb[j] = nan
				continue
			}
			dfb[j] = dfb[j] * w * r / ((1 - h) * si * sd[j])
		}
	}
	return inf, nil
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
