package fit

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/penalty"
)

// Targets is a linear model with several responses, on the original scale:
//
//	ŷ_k = Intercept[k] + Σ_j Coef[j][k]·x_j
//
// Coef is d×k (one column per target).
type Targets struct {
	Features, Names []string   // inputs and targets
	Coef            *mat.Dense // d×k
	Intercept       []float64  // k; zeros without an intercept
}

// Predict returns the k predictions for one row of raw inputs.
func (m *Targets) Predict(dst, x []float64) []float64 {
	d, k := m.Coef.Dims()
	if len(x) != d {
		panic(fmt.Sprintf("fit: Predict got %d inputs, model has %d features", len(x), d))
	}
	if dst == nil {
		dst = make([]float64, k)
	}
	copy(dst, m.Intercept)
	for j, v := range x {
		for t := range k {
			dst[t] += v * m.Coef.At(j, t)
		}
	}
	return dst
}

// Target returns target t as a single-target model.
func (m *Targets) Target(t int) *lsq.Linear {
	d, _ := m.Coef.Dims()
	coef := make([]float64, d)
	mat.Col(coef, t, m.Coef)
	return lsq.NewLinear(m.Features, coef, m.Intercept[t])
}

// MultiResult is a fit of several targets.
type MultiResult struct {
	Targets
	Rank  int // the rank constraint r (min(d, k) when none)
	N     int // rows fitted, weight zero included (Result.N)
	Ridge float64

	// SingularValues are those of the (weighted, centred, augmented for
	// ridge) fitted values of the unconstrained fit, descending: the
	// objective lost by a rank-r fit is Σ_{i>r} σᵢ²/(2W) (Eckart–Young), so
	// they are what decides r.
	SingularValues []float64
	// Objective is (1/2W)Σᵢwᵢ‖yᵢ − Bᵀxᵢ − b‖² + (α/2)‖S·(B − B₀)‖²_F at
	// the fit, S the standardisation's scales and B₀ the Base (zero without
	// one), summed over targets.
	Objective float64
	// Exact holds the k single-target exact fits when the rank is not
	// constrained (they are the multi-target fit: the problem separates by
	// target); nil for a reduced-rank fit.
	Exact []*Result
}

// MultiSettings configure MultiTarget.
type MultiSettings struct {
	NoIntercept bool
	Weights     []float64 // nil means all 1
	Raw         bool      // the ridge penalty on raw coefficients (default: standardised)
	Ridge       float64   // α ≥ 0 of (α/2)‖S·(B − B₀)‖²_F: penalty.L2, or toward a Base as penalty.L2SP
	// Rank, when positive, constrains rank(B) ≤ Rank (reduced-rank
	// regression); 0 means no constraint.
	Rank int
	// Base, when not nil, is a model whose coefficients the fit adapts: the
	// fit is of the update ΔB = B − Base.Coef (rank-constrained when Rank >
	// 0, the low-rank adaptation LoRA approximates), with the intercept
	// refitted.
	Base *Targets
}

// MultiTarget fits k targets, the columns of y (n×k), by exact least squares
// under one objective,
//
//	(1/2W)·Σᵢ wᵢ‖yᵢ − Bᵀxᵢ − b‖² + (α/2)‖S·(B − B₀)‖²_F,   rank(B − B₀) ≤ r,
//
// S the diagonal of the standardisation's scales (the identity when Raw),
// B₀ the Base coefficients (zero without a Base): with a Base the ridge
// pulls toward it, as penalty.L2SP does for one target. Without a rank constraint
// the problem separates: each target is the single-target fit (Matrix with
// the same weights and penalty.L2), so k targets equal k separate fits.
// With rank r it is reduced-rank (ridge) regression (Izenman 1975; for the
// ridge case Mukherjee & Zhu, "Reduced rank ridge regression and its kernel
// extensions", Stat. Anal. Data Min. 4(6), 2011): with the standardised,
// weighted, centred design augmented by √(Wα)·I and the full solution B̂,
// the fitted values F = [W½X̃; √(Wα)I]·B̂ have the SVD UΣVᵀ and the rank-r
// solution is B̂·V_rV_rᵀ — the projection that keeps the r largest singular
// values of F (Eckart–Young), which is optimal because the objective is,
// up to a constant, ‖F − [W½X̃; √(Wα)I]·B‖²_F/(2W). The intercept is the
// weighted mean of the residuals.
func MultiTarget(ctx context.Context, x, y *mat.Dense, s *MultiSettings) (*MultiResult, error) {
	if s == nil {
		s = &MultiSettings{}
	}
	n, d := x.Dims()
	ny, k := y.Dims()
	if ny != n {
		panic(fmt.Sprintf("fit: %d rows of x, %d of y", n, ny))
	}
	if s.Rank < 0 || s.Ridge < 0 || math.IsNaN(s.Ridge) {
		return nil, &SettingsError{"Rank", fmt.Sprintf("rank %d and ridge %v must be ≥ 0", s.Rank, s.Ridge)}
	}
	intercept := !s.NoIntercept
	yw := y
	if s.Base != nil {
		if bd, bk := s.Base.Coef.Dims(); bd != d || bk != k {
			return nil, &SettingsError{"Base", fmt.Sprintf("the base model is %d×%d, the data %d×%d", bd, bk, d, k)}
		}
		yw = residualsOf(x, y, s.Base.Coef)
	}
	// The unconstrained fit, target by target: the same solver and
	// objective as Matrix.
	set := &Settings{NoIntercept: s.NoIntercept, Weights: s.Weights, Raw: s.Raw}
	if s.Ridge > 0 {
		set.Penalty = penalty.L2{Alpha: s.Ridge}
	}
	col := make([]float64, n)
	full := mat.NewDense(d, k, nil)
	b := make([]float64, k)
	res := &MultiResult{N: n, Ridge: s.Ridge, Rank: min(d, k)}
	for t := range k {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mat.Col(col, t, yw)
		r, err := Matrix(ctx, x, append([]float64(nil), col...), set)
		if err != nil {
			return nil, fmt.Errorf("target %d: %w", t+1, err)
		}
		full.SetCol(t, r.Coef)
		b[t] = r.Intercept
		res.Exact = append(res.Exact, r)
	}
	center, scale := lsq.Moments(x, s.Weights, intercept)
	if s.Raw {
		scale = nil
	}
	aug := augmentedDesign(x, s.Weights, center, scale, s.Ridge, intercept)
	// F = Ã·B̂ on the scale Ã works in: B̂ scaled by S.
	bs := scaledCoef(full, scale, false)
	var f mat.Dense
	f.Mul(aug, bs)
	var svd mat.SVD
	if !svd.Factorize(&f, mat.SVDThin) {
		return nil, fmt.Errorf("fit: the SVD of the fitted values failed")
	}
	res.SingularValues = svd.Values(nil)
	coef := full
	if s.Rank > 0 && s.Rank < min(d, k) {
		res.Rank = s.Rank
		coef = scaledCoef(projectRank(bs, &svd, s.Rank), scale, true)
		res.Exact = nil
		b = interceptsFor(x, yw, s.Weights, coef, intercept)
	}
	if s.Base != nil {
		var total mat.Dense
		total.Add(coef, s.Base.Coef)
		coef = &total
	}
	res.Coef, res.Intercept = coef, b
	res.Objective = multiObjective(x, y, s.Weights, coef, b, s.Base, scale, s.Ridge)
	return res, nil
}

// projectRank returns B·V_rV_rᵀ, V_r the top r right singular vectors of
// the fitted values' factorisation: the rank-r solution (Eckart–Young).
func projectRank(b *mat.Dense, svd *mat.SVD, r int) *mat.Dense {
	_, k := b.Dims()
	var v, proj, br mat.Dense
	svd.VTo(&v)
	vr := v.Slice(0, k, 0, r)
	proj.Mul(vr, vr.T())
	br.Mul(b, &proj)
	return &br
}

// residualsOf returns y − x·B.
func residualsOf(x, y *mat.Dense, b mat.Matrix) *mat.Dense {
	var r mat.Dense
	r.Mul(x, b)
	r.Sub(y, &r)
	return &r
}

// augmentedDesign returns [W½(X − 1μᵀ)S⁻¹; √(Wα)·I] (the ridge rows only
// when α > 0; no centring without an intercept; S the identity when scale is
// nil).
func augmentedDesign(x *mat.Dense, w, center, scale []float64, alpha float64, intercept bool) *mat.Dense {
	n, d := x.Dims()
	rows := n
	if alpha > 0 {
		rows += d
	}
	a := mat.NewDense(rows, d, nil)
	var sw float64
	for i := range n {
		wi := weight(w, i)
		sw += wi
		sq := math.Sqrt(wi)
		for j, v := range x.RawRowView(i) {
			if intercept {
				v -= center[j]
			}
			if scale != nil {
				v /= scale[j]
			}
			a.Set(i, j, sq*v)
		}
	}
	if alpha > 0 {
		l := math.Sqrt(sw * alpha)
		for j := range d {
			a.Set(n+j, j, l)
		}
	}
	return a
}

// scaledCoef maps coefficients to the standardised scale (B_j·s_j), or back
// (B_j/s_j) when inverse; a copy, unchanged when scale is nil.
func scaledCoef(b mat.Matrix, scale []float64, inverse bool) *mat.Dense {
	out := mat.DenseCopyOf(b)
	if scale == nil {
		return out
	}
	d, k := out.Dims()
	for j := range d {
		f := scale[j]
		if inverse {
			f = 1 / f
		}
		for t := range k {
			out.Set(j, t, out.At(j, t)*f)
		}
	}
	return out
}

// interceptsFor returns the weighted mean of y − x·B per target (zeros
// without an intercept).
func interceptsFor(x, y *mat.Dense, w []float64, b mat.Matrix, intercept bool) []float64 {
	_, k := y.Dims()
	out := make([]float64, k)
	if !intercept {
		return out
	}
	r := residualsOf(x, y, b)
	n, _ := r.Dims()
	var sw float64
	for i := range n {
		wi := weight(w, i)
		sw += wi
		for t := range k {
			out[t] += wi * r.At(i, t)
		}
	}
	for t := range out {
		out[t] /= sw
	}
	return out
}

// multiObjective is (1/2W)Σwᵢ‖yᵢ − Bᵀxᵢ − b‖² + (α/2)‖S(B − B₀)‖²_F: with
// a base model the ridge pulls the update toward zero, that is the model
// toward the base (L2-SP), as in single-target fine-tuning.
func multiObjective(x, y *mat.Dense, w []float64, coef *mat.Dense, b []float64, base *Targets, scale []float64, alpha float64) float64 {
	r := residualsOf(x, y, coef)
	n, k := r.Dims()
	var sum, sw float64
	for i := range n {
		wi := weight(w, i)
		sw += wi
		for t := range k {
			e := r.At(i, t) - b[t]
			sum += wi * e * e
		}
	}
	return sum/(2*sw) + ridgeTerm(coef, base, scale, alpha)
}
