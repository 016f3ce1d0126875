package enet

import (
	"context"
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// RidgeLOOResult holds leave-one-out and generalised cross-validation
// errors of ridge regression over a grid of α.
type RidgeLOOResult struct {
	Alphas []float64 `json:"alphas"`
	LOO    []float64 `json:"loo"`     // weighted mean squared leave-one-out error per α
	GCV    []float64 `json:"gcv"`     // generalised cross-validation error per α
	DF     []float64 `json:"df"`      // effective degrees of freedom tr(H), intercept included
	MinLOO int       `json:"min_loo"` // index of the least LOO error
	MinGCV int       `json:"min_gcv"` // index of the least GCV error
	Best   Result    `json:"best"`    // the ridge fit at Alphas[MinLOO]
}

// RidgeLOO computes, for each α of the grid (nil means Path's default ridge
// grid: 100 values from α_max with ρ floored at 1e-3), the exact
// leave-one-out error and the generalised cross-validation score of ridge
// regression (ρ = 0), as scikit-learn's RidgeCV does, from one
// eigendecomposition of the Gram matrix G = ZᵀVZ = QΛQᵀ (Λ holds the squared
// singular values of V^½Z, so this is the SVD route without forming U).
//
// Ridge is a linear smoother, ŷ = Hy with unpenalised intercept, and
//
//	h_ii = v_i·(1 + Σ_k (q_kᵀz_i)²/(λ_k + α)),   e_i^loo = e_i/(1 − h_ii)
//
// is the exact leave-one-out residual of the problem whose penalty is fixed
// in units of the unnormalised sum Σw_i r_i² (scikit-learn's alpha equals
// Σw·α), with the standardisation computed once from all rows (Hastie,
// Tibshirani and Friedman 2009, §7.10.1 and Ex. 7.3).
// GCV = (Σw_i e_i²/Σw)/(1 − tr(H)/m)², m the number of rows with positive
// weight (Golub, Heath and Wahba 1979). Settings.Solver, Update, Tol and
// MaxIter, which no closed form uses, are a *SettingsError. Panics and
// errors are as for Fit.
func RidgeLOO(ctx context.Context, x *mat.Dense, y []float64, alphas []float64, s *Settings) (*RidgeLOOResult, error) {
	n, d := x.Dims()
	if d == 0 {
		panic("enet: X has no columns")
	}
	if err := ridgeUnused(s); err != nil {
		return nil, err
	}
	st := resolve(s, n, d)
	p, err := newProblem(x, y, &st, true)
	if err != nil {
		return nil, err
	}
	if alphas == nil {
		amax := p.alphaMax(0)
		if err := p.checkAlphaMax(amax, nil); err != nil {
			return nil, err
		}
		alphas = Grid(amax, 1e-3, 100)
	}
	if len(alphas) == 0 {
		panic("enet: RidgeLOO: an empty grid of α")
	}
	for _, a := range alphas {
		checkPenalty(a, 0)
	}
	sp, err := newRidgeSpectrum(p)
	if err != nil {
		return nil, err
	}
	inv, df := sp.shrinkage(alphas, p.intercept)
	sums, err := sp.looSums(ctx, x, p, st.weights, inv)
	if err != nil {
		return nil, err
	}
	loo, gcv := sums.scores(df)
	res := &RidgeLOOResult{
		Alphas: append([]float64(nil), alphas...),
		LOO:    loo, GCV: gcv, DF: df,
		MinLOO: argmin(loo), MinGCV: argmin(gcv),
	}
	best := res.MinLOO
	res.Best = sp.fit(p, alphas[best], inv[best])
	return res, nil
}

// ridgeSpectrum is the eigendecomposition G = QΛQᵀ of the Gram matrix
// G = ZᵀVZ of a problem, and ct = Qᵀc, c = ZᵀV·yc. The ridge solution at α
// is then β = Q(Λ + αI)⁻¹·ct (Hastie, Tibshirani and Friedman 2009,
// §3.4.1, in the eigenvectors of G rather than the SVD of V^½Z).
type ridgeSpectrum struct {
	lam []float64 // λ_k, ascending, clamped at zero
	q   mat.Dense // Q, the eigenvectors as columns
	ct  []float64 // Qᵀc
}

// newRidgeSpectrum factorises p's Gram matrix, or returns errEigen. G is
// positive semidefinite, so an eigenvalue that rounding made negative is
// set to zero.
func newRidgeSpectrum(p *problem) (*ridgeSpectrum, error) {
	d := p.d
	var eig mat.EigenSym
	if ok := eig.Factorize(mat.NewSymDense(d, p.gram), true); !ok {
		return nil, errEigen
	}
	sp := &ridgeSpectrum{lam: eig.Values(nil), ct: make([]float64, d)}
	for k := range sp.lam {
		sp.lam[k] = math.Max(sp.lam[k], 0)
	}
	eig.VectorsTo(&sp.q)
	for k := 0; k < d; k++ {
		for j := 0; j < d; j++ {
			sp.ct[k] += sp.q.At(j, k) * p.c[j]
		}
	}
	return sp, nil
}

// shrinkage returns, for each α, the factors inv[a][k] = 1/(λ_k + α) of the
// spectral solution, zero where λ_k + α = 0 (a direction with neither data
// nor penalty gets no coefficient, the minimum-norm choice), and the
// effective degrees of freedom tr(H) = Σ_k λ_k/(λ_k + α), plus 1 for the
// intercept: the sum over i of RidgeLOO's h_ii, as Σ_i v_i(q_kᵀz_i)² =
// q_kᵀGq_k = λ_k and Σv = 1.
func (sp *ridgeSpectrum) shrinkage(alphas []float64, intercept bool) (inv [][]float64, df []float64) {
	inv = make([][]float64, len(alphas))
	df = make([]float64, len(alphas))
	for a, al := range alphas {
		inv[a] = make([]float64, len(sp.lam))
		if intercept {
			df[a] = 1
		}
		for k, l := range sp.lam {
			if den := l + al; den > 0 {
				inv[a][k] = 1 / den
				df[a] += l / den
			}
		}
	}
	return inv, df
}

// looSums holds, for each α, the weighted sums of squares of the residuals
// e_i and of the leave-one-out residuals e_i/(1 − h_ii) over the rows of
// positive weight, and the total weight and number of those rows.
type looSums struct {
	rss, loo []float64 // Σ w_i e_i², Σ w_i (e_i^loo)²
	wsum     float64   // Σ w_i
	m        int       // rows with positive weight
}

// looBlock is the number of rows standardised and projected onto the
// eigenvectors by one matrix product in looSums.
const looBlock = 256

// looSums reads the rows of x a block at a time, projects the standardised
// rows onto the eigenvectors, P = Z·Q, and adds each row's residuals for
// every α (looSums.add). It returns the context's error, checked before
// each block, when ctx is done.
func (sp *ridgeSpectrum) looSums(ctx context.Context, x *mat.Dense, p *problem, w []float64, inv [][]float64) (*looSums, error) {
	s := &looSums{rss: make([]float64, len(inv)), loo: make([]float64, len(inv))}
	zb := mat.NewDense(looBlock, p.d, nil)
	var pb mat.Dense
	for i0 := 0; i0 < p.n; i0 += looBlock {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows := min(looBlock, p.n-i0)
		zv := p.standardRows(x, i0, rows, zb)
		pb.Reset()
		pb.Mul(zv, &sp.q)
		for r := 0; r < rows; r++ {
			s.add(p, i0+r, pb.RawRowView(r), w, sp.ct, inv)
		}
	}
	return s, nil
}

// standardRows writes the standardised rows z_i, z_ij = (x_ij − m_j)/s_j
// (zero in an excluded column), of rows i0, …, i0+rows−1 of x into the
// leading rows of buf and returns that view.
func (p *problem) standardRows(x *mat.Dense, i0, rows int, buf *mat.Dense) *mat.Dense {
	zv := buf.Slice(0, rows, 0, p.d).(*mat.Dense)
	for r := 0; r < rows; r++ {
		src := x.RawRowView(i0 + r)
		dst := zv.RawRowView(r)
		for j, xv := range src {
			if p.excluded[j] {
				dst[j] = 0
			} else {
				dst[j] = (xv - p.m[j]) / p.s[j]
			}
		}
	}
	return zv
}

// add adds row i, with projection pr = Qᵀz_i, for each α: the fitted value
// ŷ_i = Σ_k pr_k·ct_k/(λ_k + α), the residual e_i = yc_i − ŷ_i, the leverage
// h_ii = v_i·([intercept] + Σ_k pr_k²/(λ_k + α)) and the leave-one-out
// residual e_i/(1 − h_ii). A row of weight zero is no observation.
func (s *looSums) add(p *problem, i int, pr, w, ct []float64, inv [][]float64) {
	vi := p.v[i]
	if vi == 0 {
		return
	}
	wi := 1.0
	if w != nil {
		wi = w[i]
	}
	s.wsum += wi
	s.m++
	for a, ia := range inv {
		var fit, h float64
		for k, pk := range pr {
			fit += pk * ct[k] * ia[k]
			h += pk * pk * ia[k]
		}
		if p.intercept {
			h++
		}
		h *= vi
		e := p.yc[i] - fit
		s.rss[a] += wi * e * e
		l := e / (1 - h)
		s.loo[a] += wi * l * l
	}
}

// scores returns, for each α, the weighted mean squared leave-one-out error
// Σw_i(e_i^loo)²/Σw and GCV = (Σw_i e_i²/Σw)/(1 − df/m)², df = tr(H).
func (s *looSums) scores(df []float64) (loo, gcv []float64) {
	loo = make([]float64, len(s.loo))
	gcv = make([]float64, len(s.loo))
	for a := range s.loo {
		loo[a] = s.loo[a] / s.wsum
		t := 1 - df[a]/float64(s.m)
		gcv[a] = s.rss[a] / s.wsum / (t * t)
	}
	return loo, gcv
}

// argmin returns the index of the least element of v, the first among
// equals; 0 when v is empty.
func argmin(v []float64) int {
	best := 0
	for a := range v {
		if v[a] < v[best] {
			best = a
		}
	}
	return best
}

// fit returns the ridge fit at α in spectral form, β = Q(Λ + αI)⁻¹Qᵀc, ia
// holding the factors 1/(λ_k + α). The solution is exact: its status is
// Converged with no iterations and gap zero.
func (sp *ridgeSpectrum) fit(p *problem, al float64, ia []float64) Result {
	d := p.d
	beta := make([]float64, d)
	for j := 0; j < d; j++ {
		for k := 0; k < d; k++ {
			beta[j] += sp.q.At(j, k) * sp.ct[k] * ia[k]
		}
	}
	o := outcome{status: lsq.Converged, objective: ridgeObjective(p, beta, al)}
	return p.result(beta, al, 0, o)
}

// ridgeObjective is ½Σv_i(yc_i − z_iβ)² + ½α‖β‖², the data term formed from
// the moments as ½(Σv·yc² − 2βᵀc + βᵀGβ) and floored at zero, which
// cancellation can cross when the fit is nearly exact.
func ridgeObjective(p *problem, beta []float64, al float64) float64 {
	d := p.d
	var bc, bgb, l2n float64
	for j := 0; j < d; j++ {
		bc += beta[j] * p.c[j]
		l2n += beta[j] * beta[j]
		for k := 0; k < d; k++ {
			bgb += beta[j] * p.gram[j*d+k] * beta[k]
		}
	}
	r2 := p.ycc - 2*bc + bgb
	return 0.5*math.Max(r2, 0) + 0.5*al*l2n
}

// errEigen reports that the symmetric eigensolver did not converge.
var errEigen = errors.New("enet: eigendecomposition of the Gram matrix failed")
