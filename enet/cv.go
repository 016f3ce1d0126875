package enet

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/internal/kernel"
)

// CVSettings configures CV. The zero value, and nil, mean every default.
type CVSettings struct {
	PathSettings

	// L1Ratios are the mixing values ρ to compare; nil means {1} (the lasso).
	L1Ratios []float64

	// Folds is the number of folds k, at least 2; zero means DefaultFolds.
	// With FoldIDs, which give the folds, it must be zero, as must Seed (CV
	// returns a *SettingsError otherwise).
	Folds int

	// Seed seeds the PCG generator (math/rand/v2, NewPCG(Seed, 0)) that
	// shuffles the rows into folds: a random permutation is dealt out
	// round-robin, so fold sizes differ by at most one.
	Seed uint64

	// FoldIDs, if non-nil, assigns row i to fold FoldIDs[i] ∈ [0, k), k the
	// largest value plus one; every fold must be non-empty. Use it to
	// reproduce another program's folds.
	FoldIDs []int

	// OneSE, if true, refits at α_1se instead of α_min.
	OneSE bool
}

// CVCurve is the cross-validation curve for one mixing value.
type CVCurve struct {
	L1Ratio  float64   `json:"l1_ratio"`
	AlphaMax float64   `json:"alpha_max"`
	Alphas   []float64 `json:"alphas"` // the grid, decreasing, from the full data
	MSE      []float64 `json:"mse"`    // mean validation mean squared error per α
	SE       []float64 `json:"se"`     // its standard error across folds
	Min      int       `json:"min"`    // index of the least MSE (the largest such α on ties)
	OneSE    int       `json:"one_se"` // index of the largest α with MSE ≤ MSE[Min] + SE[Min]
}

// CVResult is the outcome of CV.
type CVResult struct {
	Curves   []CVCurve `json:"curves"`    // one per mixing value, in the order given
	Best     int       `json:"best"`      // index into Curves with the least MSE
	L1Ratio  float64   `json:"l1_ratio"`  // the chosen ρ, Curves[Best].L1Ratio
	AlphaMin float64   `json:"alpha_min"` // α with the least MSE for that ρ
	Alpha1SE float64   `json:"alpha_1se"` // the one-standard-error α for that ρ
	Folds    []int     `json:"folds"`     // fold of each row
	Refit    Result    `json:"refit"`     // the fit on all rows at (L1Ratio, AlphaMin or Alpha1SE)
}

// CV cross-validates the regularisation path with k folds for each mixing
// value in s.L1Ratios, as cv.glmnet does when given its lambda sequence:
// the α grid comes from the full data (Path's rule for each ρ), every fold
// fits the path at exactly those α on its training rows (standardised with
// their own means and deviations; cv.glmnet without a lambda argument
// instead fits each fold on its own grid and interpolates), and the
// weighted mean squared error on the held-out rows gives, per α,
//
//	MSE = Σ_k W_k·e_k / Σ_k W_k,   SE = √(Σ_k W_k·(e_k − MSE)² / Σ_k W_k / (k−1))
//
// with e_k the fold's error and W_k its total observation weight. The full
// data's problem, which gives the grid and the refit, is Path's. With
// covariance updates one more blocked pass over X forms every fold's
// weighted moments about a common shift, and each training set is the sum
// of the other folds' moments, centred on its own weighted mean and scaled
// by its own deviations by an O(d²) correction (moments.go), the same
// standardisation as a fit on those rows alone.
// Otherwise each fold fit reads X in place with the held-out rows given
// zero weight. The held-out errors take one more pass over the rows. The
// chosen ρ is the one with the least MSE; the refit on all rows uses α_min,
// or α_1se with OneSE. Panics and errors are as for Path, and Folds or Seed
// beside FoldIDs is a *SettingsError.
func CV(ctx context.Context, x *mat.Dense, y []float64, s *CVSettings) (*CVResult, error) {
	n, d := x.Dims()
	if d == 0 {
		panic("enet: X has no columns")
	}
	var cs CVSettings
	if s != nil {
		cs = *s
	}
	ratios := cs.ratios()
	if err := cs.unused(); err != nil {
		return nil, err
	}
	folds, k := cs.foldIDs(n)
	st := resolve(&cs.Settings, n, d)
	fset, err := newFoldSet(x, y, &st, folds, k)
	if err != nil {
		return nil, err
	}
	full := fset.full
	w := st.weights
	if w == nil {
		w = make([]float64, n)
		for i := range w {
			w[i] = 1
		}
	}
	res := &CVResult{Folds: folds}
	for _, rho := range ratios {
		amax := full.alphaMax(rho)
		if err := full.checkAlphaMax(amax, &cs.PathSettings); err != nil {
			return nil, err
		}
		alphas := cs.PathSettings.grid(amax)
		errs := make([][]float64, k) // errs[fold][α]
		fw := make([]float64, k)
		for f := 0; f < k; f++ {
			for _, i := range fset.rows[f] {
				fw[f] += w[i]
			}
			p, fst, err := fset.train(f)
			if err != nil {
				return nil, fmt.Errorf("enet: fold %d: %w", f, err)
			}
			pr, err := p.path(ctx, fst, rho, alphas, amax, nil)
			if err != nil {
				return nil, err
			}
			se := heldOut(x, y, w, fset.rows[f], pr.Points)
			errs[f] = se
			if fw[f] > 0 {
				for a := range se {
					se[a] /= fw[f]
				}
			}
		}
		res.Curves = append(res.Curves, curve(rho, amax, alphas, errs, fw))
	}
	if err := res.choose(ctx, full, &st, cs.OneSE); err != nil {
		return nil, err
	}
	return res, nil
}

// choose picks, among res.Curves, the ρ with the least MSE, sets α_min and
// α_1se from its curve, and refits the full problem along the path down to
// the chosen α (warm starts, as glmnet's full-data fit), keeping the last
// point.
func (res *CVResult) choose(ctx context.Context, full *problem, st *settings, oneSE bool) error {
	best := 0
	for c := range res.Curves {
		if res.Curves[c].MSE[res.Curves[c].Min] < res.Curves[best].MSE[res.Curves[best].Min] {
			best = c
		}
	}
	cb := &res.Curves[best]
	res.Best, res.L1Ratio = best, cb.L1Ratio
	res.AlphaMin, res.Alpha1SE = cb.Alphas[cb.Min], cb.Alphas[cb.OneSE]
	a := res.AlphaMin
	idx := cb.Min
	if oneSE {
		a, idx = res.Alpha1SE, cb.OneSE
	}
	pr, err := full.path(ctx, st, cb.L1Ratio, cb.Alphas[:idx+1], cb.AlphaMax, nil)
	if err != nil {
		return err
	}
	res.Refit = pr.Points[len(pr.Points)-1]
	res.Refit.Alpha = a
	return nil
}

// ratios returns the mixing values to compare, {1} if none are given; it
// panics on an empty list or a ρ outside [0, 1].
func (cs *CVSettings) ratios() []float64 {
	ratios := cs.L1Ratios
	if ratios == nil {
		ratios = []float64{1}
	}
	if len(ratios) == 0 {
		panic("enet: empty L1Ratios")
	}
	for _, r := range ratios {
		checkRatio(r)
	}
	return ratios
}

// Assign returns the fold of each of n rows, and the number of folds, as CV
// assigns them: FoldIDs if set, otherwise a PCG permutation of 0..n−1
// seeded with Seed dealt out round-robin into Folds folds. It lets a caller
// that sees the rows in pieces (stream.FoldCV) split them exactly as CV
// splits the same rows in the same order. It panics as CV does on bad
// folds.
func (cs *CVSettings) Assign(n int) ([]int, int) { return cs.foldIDs(n) }

// DefaultFolds is the number of folds of a CVSettings whose Folds is zero
// (glmnet's default).
const DefaultFolds = 10

// foldIDs returns the fold of each row and the number of folds.
func (cs *CVSettings) foldIDs(n int) ([]int, int) {
	if cs.FoldIDs != nil {
		if len(cs.FoldIDs) != n {
			panic(fmt.Sprintf("enet: %d fold ids for %d rows", len(cs.FoldIDs), n))
		}
		k := 0
		for _, f := range cs.FoldIDs {
			if f < 0 {
				panic(fmt.Sprintf("enet: negative fold id %d", f))
			}
			k = max(k, f+1)
		}
		seen := make([]bool, k)
		for _, f := range cs.FoldIDs {
			seen[f] = true
		}
		for f, ok := range seen {
			if !ok {
				panic(fmt.Sprintf("enet: fold %d of %d is empty", f, k))
			}
		}
		if k < 2 {
			panic("enet: fewer than 2 folds")
		}
		return append([]int(nil), cs.FoldIDs...), k
	}
	k := cs.Folds
	if k == 0 {
		k = DefaultFolds
	}
	if k < 2 || k > n {
		panic(fmt.Sprintf("enet: %d folds for %d rows", k, n))
	}
	rng := rand.New(rand.NewPCG(cs.Seed, 0))
	folds := make([]int, n)
	for i, r := range rng.Perm(n) {
		folds[r] = i % k
	}
	return folds, k
}

// curve combines per-fold errors into cv.glmnet's mean and standard error
// and applies the minimum and one-standard-error rules.
func curve(rho, amax float64, alphas []float64, errs [][]float64, fw []float64) CVCurve {
	k, na := len(errs), len(alphas)
	c := CVCurve{L1Ratio: rho, AlphaMax: amax, Alphas: alphas, MSE: make([]float64, na), SE: make([]float64, na)}
	var wsum float64
	for _, w := range fw {
		wsum += w
	}
	for a := 0; a < na; a++ {
		var m float64
		for f := 0; f < k; f++ {
			m += fw[f] * errs[f][a]
		}
		m /= wsum
		var v float64
		for f := 0; f < k; f++ {
			t := errs[f][a] - m
			v += fw[f] * t * t
		}
		c.MSE[a] = m
		c.SE[a] = math.Sqrt(v / wsum / float64(k-1))
	}
	for a := 1; a < na; a++ {
		if c.MSE[a] < c.MSE[c.Min] {
			c.Min = a
		}
	}
	lim := c.MSE[c.Min] + c.SE[c.Min]
	for a := 0; a < na; a++ {
		if c.MSE[a] <= lim {
			c.OneSE = a
			break
		}
	}
	return c
}

// heldOutBlock is the number of held-out rows per partial sum in heldOut.
const heldOutBlock = 4096

// heldOut returns Σ w_i (y_i − b − x_iᵀcoef)² over the given rows for each
// point of a path. Each row is read once and its residuals for every α are
// formed together, r = y − b − Σ_j x_ij·B_j, B_j being coefficient j along
// the path (one vectorised axpy, kernel.Axpy, per column): a column enters
// the path at some α and its coefficients before that are zero, so each
// axpy starts where column j first enters. The rows are cut into fixed
// blocks of heldOutBlock, summed in row order within a block, concurrently
// across blocks, and the blocks' sums are added in block order: the same
// bits for any GOMAXPROCS.
func heldOut(x *mat.Dense, y, w []float64, rows []int, points []Result) []float64 {
	na := len(points)
	_, d := x.Dims()
	// bt[j*na+a] is coefficient j at α_a; first[j] the first a where it
	// is not zero (na if never).
	bt := make([]float64, d*na)
	first := make([]int, d)
	b0 := make([]float64, na)
	for j := range first {
		first[j] = na
	}
	for a, pt := range points {
		b0[a] = pt.Intercept
		for j, c := range pt.Coef {
			bt[j*na+a] = c
			if c != 0 && first[j] == na {
				first[j] = a
			}
		}
	}
	nb := (len(rows) + heldOutBlock - 1) / heldOutBlock
	part := make([]float64, nb*na)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), nb) {
		wg.Go(func() {
			r := make([]float64, na)
			for {
				b := int(next.Add(1) - 1)
				if b >= nb {
					return
				}
				se := part[b*na : (b+1)*na]
				for _, i := range rows[b*heldOutBlock : min(len(rows), (b+1)*heldOutBlock)] {
					if w[i] == 0 {
						continue
					}
					for a := range r {
						r[a] = y[i] - b0[a]
					}
					for j, xv := range x.RawRowView(i) {
						if f := first[j]; f < na {
							kernel.Axpy(r[f:], -xv, bt[j*na+f:(j+1)*na])
						}
					}
					for a, e := range r {
						se[a] += w[i] * e * e
					}
				}
			}
		})
	}
	wg.Wait()
	se := make([]float64, na)
	for b := 0; b < nb; b++ {
		addTo(se, part[b*na:(b+1)*na])
	}
	return se
}
