package fit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// multiProblem draws n rows of d features (offsets and scales differ, so
// standardisation matters) and k targets y = 1 + B_trueᵀx + noise, with
// B_true of rank trueRank.
func multiProblem(n, d, k, trueRank int, seed uint64) (x, y *mat.Dense, bTrue *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 19))
	x = mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, float64(j)+math.Pow(1.5, float64(j))*rng.NormFloat64())
		}
	}
	u := mat.NewDense(d, trueRank, nil)
	v := mat.NewDense(trueRank, k, nil)
	for i := range d {
		for j := range trueRank {
			u.Set(i, j, rng.NormFloat64()/math.Pow(1.5, float64(i)))
		}
	}
	for i := range trueRank {
		for j := range k {
			v.Set(i, j, rng.NormFloat64())
		}
	}
	bTrue = mat.NewDense(d, k, nil)
	bTrue.Mul(u, v)
	y = mat.NewDense(n, k, nil)
	y.Mul(x, bTrue)
	for i := range n {
		for t := range k {
			y.Set(i, t, y.At(i, t)+1+0.3*rng.NormFloat64())
		}
	}
	return x, y, bTrue
}

// rrrIndependent computes unweighted reduced-rank regression without ridge
// the textbook way, with gonum alone: centre, OLS by QR, SVD of the fitted
// values, project on the top r right singular vectors (Izenman 1975).
func rrrIndependent(x, y *mat.Dense, r int) (*mat.Dense, []float64) {
	n, d := x.Dims()
	_, k := y.Dims()
	xc, yc := mat.DenseCopyOf(x), mat.DenseCopyOf(y)
	mx, my := make([]float64, d), make([]float64, k)
	for j := range d {
		mx[j] = mat.Sum(xc.ColView(j)) / float64(n)
	}
	for t := range k {
		my[t] = mat.Sum(yc.ColView(t)) / float64(n)
	}
	for i := range n {
		for j := range d {
			xc.Set(i, j, xc.At(i, j)-mx[j])
		}
		for t := range k {
			yc.Set(i, t, yc.At(i, t)-my[t])
		}
	}
	var qr mat.QR
	qr.Factorize(xc)
	var b mat.Dense
	if err := qr.SolveTo(&b, false, yc); err != nil {
		panic(err)
	}
	var f mat.Dense
	f.Mul(xc, &b)
	var svd mat.SVD
	svd.Factorize(&f, mat.SVDThin)
	var v mat.Dense
	svd.VTo(&v)
	vr := v.Slice(0, k, 0, r)
	var proj, br mat.Dense
	proj.Mul(vr, vr.T())
	br.Mul(&b, &proj)
	icpt := make([]float64, k)
	for t := range k {
		icpt[t] = my[t]
		for j := range d {
			icpt[t] -= mx[j] * br.At(j, t)
		}
	}
	return &br, icpt
}

// streamTargetFitsAsInMemory asserts that StreamTargets' single-target
// fits (Exact) are MultiTarget's, to the 1e-10 of the fit they are part
// of: the coefficients, and what a summary reads (RSS, TSS, the condition
// number and, without ridge, (X̃ᵀWX̃)⁻¹); none with a Base or a rank
// constraint.
func streamTargetFitsAsInMemory(t *testing.T, what string, got, want *MultiResult, base bool) {
	t.Helper()
	if base || want.Exact == nil {
		if got.Exact != nil {
			t.Errorf("%s: %d single-target fits, want none", what, len(got.Exact))
		}
		return
	}
	if len(got.Exact) != len(want.Exact) {
		t.Fatalf("%s: %d single-target fits, want %d", what, len(got.Exact), len(want.Exact))
	}
	near := func(a, b []float64) bool {
		var d, n float64
		for i := range b {
			d, n = math.Max(d, math.Abs(a[i]-b[i])), math.Max(n, math.Abs(b[i]))
		}
		return len(a) == len(b) && d <= 1e-10*n
	}
	for tt, w := range want.Exact {
		g, ex := got.Exact[tt].Streamed, w.Exact
		if g == nil {
			t.Fatalf("%s: target %d has no streamed summary", what, tt)
		}
		if !near(append(g.Coef, g.Intercept), append(ex.Coef, ex.Intercept)) || !near([]float64{g.RSS, g.TSS, g.Cond}, []float64{ex.RSS, ex.TSS, ex.Cond}) {
			t.Errorf("%s: target %d: coefficients %v, RSS %v, TSS %v, cond %v; in memory %v, %v, %v, %v", what, tt, append(g.Coef, g.Intercept), g.RSS, g.TSS, g.Cond, append(ex.Coef, ex.Intercept), ex.RSS, ex.TSS, ex.Cond)
		}
		if got.Ridge == 0 && !near(g.Unscaled.RawSymmetric().Data, ex.Unscaled.RawSymmetric().Data) {
			t.Errorf("%s: target %d: (X̃ᵀWX̃)⁻¹ differs from the in-memory one", what, tt)
		}
	}
}

func relDiff(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, 2) / mat.Norm(b, 2)
}

// k targets are k single-target fits: the problem separates by target
// (weights and ridge included), to 1e-12 — the same solver on the same
// numbers, so only the bookkeeping can differ.
func TestMultiTargetIsSeparateFits(t *testing.T) {
	x, y, _ := multiProblem(300, 5, 3, 2, 1)
	w := make([]float64, 300)
	for i := range w {
		w[i] = 0.5 + float64(i%3)
	}
	ctx := context.Background()
	for _, s := range []MultiSettings{{}, {Weights: w}, {Ridge: 0.3, Weights: w}, {Ridge: 0.3, Raw: true, NoIntercept: true}} {
		res, err := MultiTarget(ctx, x, y, &s)
		if err != nil {
			t.Fatal(err)
		}
		for tt := range 3 {
			col := mat.Col(nil, tt, y)
			set := &Settings{Weights: s.Weights, Raw: s.Raw, NoIntercept: s.NoIntercept}
			if s.Ridge > 0 {
				set.Penalty = penalty.L2{Alpha: s.Ridge}
			}
			single, err := Matrix(ctx, x, col, set)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Target(tt)
			if e := relErr(got, &single.Linear); e > 1e-12 {
				t.Errorf("%+v target %d: %.2g from the single fit", s, tt, e)
			}
		}
	}
}

// With a Base the ridge pulls toward it, not toward zero: the fit is of the
// update B − B₀, so each target is the single-target ridge fit of
// y − X·b₀ (the target's base column), plus b₀ — to 1e-12, as above. The
// objective it reports is theirs summed: the loss plus (α/2)‖S·(B − B₀)‖²_F.
func TestMultiTargetRidgePullsTowardBase(t *testing.T) {
	x, y, _ := multiProblem(300, 5, 3, 2, 6)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(6, 6))
	base := &Targets{Coef: mat.NewDense(5, 3, nil), Intercept: make([]float64, 3)}
	for j := range 5 {
		for tt := range 3 {
			base.Coef.Set(j, tt, rng.NormFloat64())
		}
	}
	const alpha = 0.7
	res, err := MultiTarget(ctx, x, y, &MultiSettings{Ridge: alpha, Base: base})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for tt := range 3 {
		b0 := mat.Col(nil, tt, base.Coef)
		r := mat.Col(nil, tt, y)
		for i := range r {
			r[i] -= mat.Dot(x.RowView(i), mat.NewVecDense(5, b0))
		}
		single, err := Matrix(ctx, x, r, &Settings{Penalty: penalty.L2{Alpha: alpha}})
		if err != nil {
			t.Fatal(err)
		}
		sum += single.Objective
		want := single.Linear
		for j := range want.Coef {
			want.Coef[j] += b0[j]
		}
		if e := relErr(res.Target(tt), &want); e > 1e-12 {
			t.Errorf("target %d: %.2g from the ridge fit of the base's residuals", tt, e)
		}
	}
	if math.Abs(res.Objective-sum) > 1e-12*sum {
		t.Errorf("objective %.15g, the single fits' (loss + (α/2)‖S(β − β₀)‖²) sum to %.15g", res.Objective, sum)
	}
}

// Reduced-rank regression equals the textbook computation done here with
// gonum (1e-10: two QR solves and two SVDs of a problem of condition ~10),
// rank min(d, k) equals the full fit, constant weights equal none, and the
// objective lost by the rank constraint is Σ_{i>r} σᵢ²/(2n) (Eckart–Young).
func TestReducedRankRegression(t *testing.T) {
	x, y, _ := multiProblem(400, 6, 4, 2, 2)
	ctx := context.Background()
	full, err := MultiTarget(ctx, x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 4; r++ {
		res, err := MultiTarget(ctx, x, y, &MultiSettings{Rank: r})
		if err != nil {
			t.Fatal(err)
		}
		want, icpt := rrrIndependent(x, y, r)
		if e := relDiff(res.Coef, want); e > 1e-10 {
			t.Errorf("rank %d: %.2g from the independent computation", r, e)
		}
		for tt := range icpt {
			if math.Abs(res.Intercept[tt]-icpt[tt]) > 1e-10*math.Max(1, math.Abs(icpt[tt])) {
				t.Errorf("rank %d intercept %d: %v, want %v", r, tt, res.Intercept[tt], icpt[tt])
			}
		}
		var lost float64
		for _, sv := range full.SingularValues[r:] {
			lost += sv * sv
		}
		// The objective grows by the discarded σ²/(2n), to rounding of
		// sums of 400 squares (1e-10 relative).
		if got := res.Objective - full.Objective; math.Abs(got-lost/800) > 1e-10*full.Objective {
			t.Errorf("rank %d: objective rose by %.12g, Eckart–Young says %.12g", r, got, lost/800)
		}
		w3 := make([]float64, 400)
		for i := range w3 {
			w3[i] = 3
		}
		weighted, _ := MultiTarget(ctx, x, y, &MultiSettings{Rank: r, Weights: w3})
		if e := relDiff(weighted.Coef, res.Coef); e > 1e-12 {
			t.Errorf("rank %d: weights ≡ 3 differ from none by %.2g", r, e)
		}
	}
	r4, _ := MultiTarget(ctx, x, y, &MultiSettings{Rank: 4})
	if e := relDiff(r4.Coef, full.Coef); e > 1e-12 {
		t.Errorf("rank k = 4 differs from the full fit by %.2g", e)
	}
}

// Reduced-rank ridge: no rank-r matrix does better on the objective. The
// closed form is checked against random rank-r perturbations of itself
// (which must all raise the objective) and against the unconstrained ridge
// (which it cannot beat).
func TestReducedRankRidgeIsOptimal(t *testing.T) {
	x, y, _ := multiProblem(200, 5, 4, 3, 3)
	ctx := context.Background()
	s := &MultiSettings{Rank: 2, Ridge: 0.2}
	res, err := MultiTarget(ctx, x, y, s)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := MultiTarget(ctx, x, y, &MultiSettings{Ridge: 0.2})
	if res.Objective < full.Objective {
		t.Fatalf("rank-2 objective %v below the unconstrained %v", res.Objective, full.Objective)
	}
	center, scale := lsq.Moments(x, nil, true)
	_ = center
	rng := rand.New(rand.NewPCG(5, 5))
	var svd mat.SVD
	svd.Factorize(res.Coef, mat.SVDThin)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	sv := svd.Values(nil)
	for trial := range 20 {
		// Perturb within rank 2: B' = U_2 (Σ_2 + E) V_2ᵀ rotated slightly.
		e := mat.NewDense(2, 2, nil)
		for i := range 2 {
			for j := range 2 {
				e.Set(i, j, 1e-3*rng.NormFloat64())
			}
			e.Set(i, i, e.At(i, i)+sv[i])
		}
		var b mat.Dense
		b.Product(u.Slice(0, 5, 0, 2), e, v.Slice(0, 4, 0, 2).T())
		icpt := interceptsFor(x, y, nil, &b, true)
		// A perturbation of 1e-3 raises the objective by ~1e-6 relative;
		// 1e-14 is the rounding of a sum of 200·4 squares, so only a
		// perturbation that truly does better can pass below it.
		if f := multiObjective(x, y, nil, &b, icpt, nil, scale, 0.2); f < res.Objective*(1-1e-14) {
			t.Errorf("trial %d: a rank-2 perturbation has objective %.15g below the closed form's %.15g", trial, f, res.Objective)
		}
	}
}

// LoRA by Adam on a base model plus a rank-2 shift reaches the exact rank-2
// optimum (the reduced-rank fit of the base's residuals) within the gap
// tolerance it was given, and the gap it reports is the test's own
// (F − F*)/F*; with too few epochs it says it did not converge.
func TestLoRAReachesTheExactOptimum(t *testing.T) {
	x, y, _ := multiProblem(500, 6, 4, 2, 4)
	ctx := context.Background()
	baseFit, _ := MultiTarget(ctx, x, y, nil)
	// The "pretrained" model: the fit on shifted targets, so the new data
	// need an update of rank 2.
	base := &Targets{Coef: mat.DenseCopyOf(baseFit.Coef), Intercept: baseFit.Intercept}
	shift := mat.NewDense(6, 4, nil)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range 6 {
		for j := range 4 {
			if j < 2 {
				shift.Set(i, j, 0.5*rng.NormFloat64())
			}
		}
	}
	base.Coef.Sub(base.Coef, shift)
	const tol = 1e-8
	res, err := LoRA(ctx, x, y, base, &LoRASettings{Rank: 2, GapTol: tol,
		Optim: optim.Settings{LearningRate: 0.02, Epochs: 20000, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != lsq.GapTolerance {
		t.Fatalf("LoRA ended %v at gap %.3g", res.Status, res.Gap)
	}
	fStar := res.Exact.Objective
	own := (res.Optim.Objective - fStar) / fStar
	if res.Gap > tol || math.Abs(own-res.Gap) > 1e-15 {
		t.Errorf("gap %.3g reported, %.3g computed here, tolerance %g", res.Gap, own, tol)
	}
	// The model's objective on the original scale is the adapter's.
	if f := multiObjective(x, y, nil, res.Coef, res.Intercept, nil, nil, 0); math.Abs(f-res.Optim.Objective) > 1e-12*f {
		t.Errorf("model objective %.15g, adapter's %.15g", f, res.Optim.Objective)
	}
	// A relative objective gap of 1e-8 puts the update within about √1e-8 of
	// the optimum's, times the condition of the problem (~10 here).
	if res.CoefRel > 1e-3 {
		t.Errorf("update %.2g from the exact rank-2 update", res.CoefRel)
	}
	short, _ := LoRA(ctx, x, y, base, &LoRASettings{Rank: 2, Optim: optim.Settings{LearningRate: 0.02, Epochs: 5, Seed: 1}})
	if short.Status.Converged() {
		t.Errorf("5 epochs: status %v at gap %.3g", short.Status, short.Gap)
	}
	// L-BFGS bounds its steps by a line search: clipping them is refused,
	// as for a fit of one target.
	var se *SettingsError
	if _, err := LoRA(ctx, x, y, base, &LoRASettings{Rank: 2, Solver: LBFGS, Optim: optim.Settings{ClipNorm: 1}}); !errors.As(err, &se) || se.Field != "Optim.ClipNorm" {
		t.Errorf("LoRA by lbfgs with ClipNorm: %v, want a SettingsError on Optim.ClipNorm", err)
	}
}

// A base model that is already the exact fit of the data needs no update:
// the exact rank-r update is zero up to rounding, and the adapter's
// distance from it is reported against the coefficients (at most 1e-8 of
// them, updateDistance's floor), not as an error of order one relative to
// an update of rounding size.
func TestLoRAOnOptimalBase(t *testing.T) {
	x, y, _ := multiProblem(300, 4, 3, 2, 5)
	ctx := context.Background()
	full, err := MultiTarget(ctx, x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := &Targets{Coef: mat.DenseCopyOf(full.Coef), Intercept: full.Intercept}
	res, err := LoRA(ctx, x, y, base, &LoRASettings{Rank: 1, Optim: optim.Settings{LearningRate: 0.02, Epochs: 50, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var upd mat.Dense
	upd.Sub(res.Exact.Coef, base.Coef)
	if u := mat.Norm(&upd, 2) / mat.Norm(base.Coef, 2); u > 1e-12 {
		t.Fatalf("the exact update is %.3g of the base, want rounding size", u)
	}
	// The adapter starts at ΔB = 0 and its gradient at the optimum is
	// rounding: it stays within rounding of the base, far below the floor.
	if res.CoefRel > 1e-6 {
		t.Errorf("update distance %.3g reported for an adapter at the base, which is optimal", res.CoefRel)
	}
}

// Cross-validation finds the true rank: the data are rank 2 plus noise, so
// rank 1 loses signal on held-out rows and ranks above 2 fit noise; the
// one-standard-error rule picks 2, and every mean is the average of the
// folds' held-out losses computed here independently.
func TestCrossValidateRank(t *testing.T) {
	x, y, _ := multiProblem(600, 6, 5, 2, 6)
	n, _ := x.Dims()
	var folds [][]int
	for f := range 5 {
		var v []int
		for i := f; i < n; i += 5 {
			v = append(v, i)
		}
		folds = append(folds, v)
	}
	ranks := []int{1, 2, 3, 5}
	cv, err := CrossValidateRank(context.Background(), x, y, ranks, folds, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cv.OneSE != 2 || !(cv.Mean[0] > cv.Mean[1]) {
		t.Errorf("means %v ± %v: one-SE rank %d, best %d; the data have rank 2", cv.Mean, cv.SE, cv.OneSE, cv.Best)
	}
	// Rank 2's mean by hand: fit on four folds, score the fifth.
	var mean float64
	for f, val := range folds {
		var train []int
		for i := range n {
			if i%5 != f {
				train = append(train, i)
			}
		}
		xt, yt, _ := rowsAt(x, y, nil, train)
		xv, yv, _ := rowsAt(x, y, nil, val)
		res, _ := MultiTarget(context.Background(), xt, yt, &MultiSettings{Rank: 2})
		pred := mat.NewDense(len(val), 5, nil)
		pred.Mul(xv, res.Coef)
		var ss float64
		for i := range val {
			for k := range 5 {
				e := yv.At(i, k) - pred.At(i, k) - res.Intercept[k]
				ss += e * e
			}
		}
		mean += ss / (2 * float64(len(val))) / 5
	}
	// The same sums in another order: 1e-12 relative.
	if math.Abs(mean-cv.Mean[1]) > 1e-12*mean {
		t.Errorf("rank-2 mean %v, by hand %v", cv.Mean[1], mean)
	}
}

// targetParts cuts x, y, w into k partitions of blocks of 11 rows.
func targetParts(x, y *mat.Dense, w []float64, k int) []TargetChunks {
	n, d := x.Dims()
	_, kk := y.Dims()
	parts := make([]TargetChunks, k)
	for p := range k {
		lo, hi := p*n/k, (p+1)*n/k
		parts[p] = func(yield func(x, y *mat.Dense, w []float64) error) error {
			for a := lo; a < hi; a += 11 {
				b := min(a+11, hi)
				var wb []float64
				if w != nil {
					wb = w[a:b]
				}
				if err := yield(x.Slice(a, b, 0, d).(*mat.Dense), y.Slice(a, b, 0, kk).(*mat.Dense), wb); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return parts
}

// The streamed fit of several targets is the in-memory one: OLS, ridge
// (standardised and raw), reduced rank, the update of a base model,
// weighted with some zero weights, with and without intercept, in 1 and 3
// partitions — coefficients, intercepts, objective and singular values to
// 1e-10 (QR of the streamed factor against QR of the rows: both backward
// stable, the problem's condition ~30).
func TestStreamTargetsEqualsMultiTarget(t *testing.T) {
	x, y, _ := multiProblem(240, 5, 4, 2, 7)
	w := make([]float64, 240)
	for i := range w {
		w[i] = float64(i % 3)
	}
	base := &Targets{Coef: mat.NewDense(5, 4, nil), Intercept: make([]float64, 4)}
	for i := range 5 {
		base.Coef.Set(i, i%4, 0.3)
	}
	ctx := context.Background()
	for _, s := range []MultiSettings{{}, {Ridge: 0.4}, {Ridge: 0.4, Raw: true}, {Rank: 2}, {Rank: 1, Ridge: 0.1}, {Rank: 2, Base: base}, {NoIntercept: true, Rank: 2}} {
		for _, weights := range [][]float64{nil, w} {
			mem := s
			mem.Weights = weights
			want, err := MultiTarget(ctx, x, y, &mem)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []int{1, 3} {
				got, err := StreamTargets(ctx, targetParts(x, y, weights, k), &s)
				if err != nil {
					t.Fatal(err)
				}
				if e := relDiff(got.Coef, want.Coef); e > 1e-10 {
					t.Errorf("%+v weights %v, %d parts: coefficients differ by %.2g", s, weights != nil, k, e)
				}
				for tt := range 4 {
					if math.Abs(got.Intercept[tt]-want.Intercept[tt]) > 1e-10*math.Max(1, math.Abs(want.Intercept[tt])) {
						t.Errorf("%+v: intercept %d %v vs %v", s, tt, got.Intercept[tt], want.Intercept[tt])
					}
				}
				if math.Abs(got.Objective-want.Objective) > 1e-10*want.Objective {
					t.Errorf("%+v: objective %.15g vs %.15g", s, got.Objective, want.Objective)
				}
				for i, v := range want.SingularValues {
					if math.Abs(got.SingularValues[i]-v) > 1e-10*want.SingularValues[0] {
						t.Errorf("%+v: singular value %d %v vs %v", s, i, got.SingularValues[i], v)
					}
				}
				streamTargetFitsAsInMemory(t, fmt.Sprintf("%+v weights %v, %d parts", s, weights != nil, k), got, want, s.Base != nil)
			}
		}
	}
}
