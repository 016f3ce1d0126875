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
// Σw·α), with the standardisation computed once from all rows.
// GCV = (Σw_i e_i²/Σw)/(1 − tr(H)/m)², m the number of rows with positive
// weight (Golub, Heath and Wahba 1979). Settings.Solver and Update are not
// used. Panics and errors are as for Fit.
func RidgeLOO(ctx context.Context, x *mat.Dense, y []float64, alphas []float64, s *Settings) (*RidgeLOOResult, error) {
	n, d := x.Dims()
	if d == 0 {
		panic("enet: X has no columns")
	}
	st := resolve(s, n, d)
	p, err := newProblem(x, y, &st, true)
	if err != nil {
		return nil, err
	}
	if alphas == nil {
		alphas = Grid(p.alphaMax(0), 1e-3, 100)
	}
	for _, a := range alphas {
		checkPenalty(a, 0)
	}
	var eig mat.EigenSym
	if ok := eig.Factorize(mat.NewSymDense(d, p.gram), true); !ok {
		return nil, errEigen
	}
	lam := eig.Values(nil)
	for k := range lam {
		lam[k] = math.Max(lam[k], 0)
	}
	var q mat.Dense
	eig.VectorsTo(&q)
	// ct = Qᵀc.
	ct := make([]float64, d)
	for k := 0; k < d; k++ {
		for j := 0; j < d; j++ {
			ct[k] += q.At(j, k) * p.c[j]
		}
	}
	na := len(alphas)
	res := &RidgeLOOResult{
		Alphas: append([]float64(nil), alphas...),
		LOO:    make([]float64, na), GCV: make([]float64, na), DF: make([]float64, na),
	}
	rss := make([]float64, na)
	inv := make([]float64, na*d) // 1/(λ_k + α), zero where that is zero
	for a, al := range alphas {
		if p.intercept {
			res.DF[a] = 1
		}
		for k := 0; k < d; k++ {
			if den := lam[k] + al; den > 0 {
				inv[a*d+k] = 1 / den
				res.DF[a] += lam[k] / den
			}
		}
	}
	w := st.weights
	var wsum float64
	m := 0
	// Project the rows onto the eigenvectors a block at a time.
	const block = 256
	zb := mat.NewDense(block, d, nil)
	var pb mat.Dense
	for i0 := 0; i0 < n; i0 += block {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows := min(block, n-i0)
		zv := zb.Slice(0, rows, 0, d).(*mat.Dense)
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
		pb.Reset()
		pb.Mul(zv, &q)
		for r := 0; r < rows; r++ {
			i := i0 + r
			vi := p.v[i]
			if vi == 0 {
				continue
			}
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			wsum += wi
			m++
			pr := pb.RawRowView(r)
			for a := range alphas {
				ia := inv[a*d : (a+1)*d]
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
				rss[a] += wi * e * e
				l := e / (1 - h)
				res.LOO[a] += wi * l * l
			}
		}
	}
	for a := range alphas {
		res.LOO[a] /= wsum
		t := 1 - res.DF[a]/float64(m)
		res.GCV[a] = rss[a] / wsum / (t * t)
		if res.LOO[a] < res.LOO[res.MinLOO] {
			res.MinLOO = a
		}
		if res.GCV[a] < res.GCV[res.MinGCV] {
			res.MinGCV = a
		}
	}
	// The fit at the best α in spectral form: β = Q(Λ + αI)⁻¹Qᵀc.
	best := res.MinLOO
	beta := make([]float64, d)
	for j := 0; j < d; j++ {
		for k := 0; k < d; k++ {
			beta[j] += q.At(j, k) * ct[k] * inv[best*d+k]
		}
	}
	var o outcome
	o.status = lsq.Converged
	al := alphas[best]
	var r2, l2n float64
	// Objective: ½(yc − 2βᵀc + βᵀGβ) + ½α‖β‖².
	var bc, bgb float64
	for j := 0; j < d; j++ {
		bc += beta[j] * p.c[j]
		l2n += beta[j] * beta[j]
		for k := 0; k < d; k++ {
			bgb += beta[j] * p.gram[j*d+k] * beta[k]
		}
	}
	r2 = p.ycc - 2*bc + bgb
	o.objective = 0.5*math.Max(r2, 0) + 0.5*al*l2n
	o.gap = 0
	res.Best = p.result(beta, al, 0, o)
	return res, nil
}

// errEigen reports that the symmetric eigensolver did not converge.
var errEigen = errors.New("enet: eigendecomposition of the Gram matrix failed")
