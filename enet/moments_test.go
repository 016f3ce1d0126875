package enet

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// twoPassGram is the construction the one-pass moments replace: the means
// and then the variances and ZᵀV yc in two passes over the rows
// (newProblem without Gram), and the Gram matrix summed about the exact
// means, Σ v_i (x_ij − m_j)(x_ik − m_k)/(s_j s_k).
func twoPassGram(t *testing.T, x *mat.Dense, y []float64, st *settings) *problem {
	t.Helper()
	p, err := newProblem(x, y, st, false)
	if err != nil {
		t.Fatal(err)
	}
	d := p.d
	p.gram = make([]float64, d*d)
	for j := 0; j < d; j++ {
		for k := 0; k < d; k++ {
			if j == k || p.excluded[j] || p.excluded[k] {
				p.gram[j*d+k] = 0
				if j == k {
					p.gram[j*d+k] = p.diag[j]
				}
				continue
			}
			var s float64
			for i := 0; i < p.n; i++ {
				s += p.v[i] * (x.At(i, j) - p.m[j]) * (x.At(i, k) - p.m[k])
			}
			p.gram[j*d+k] = s / (p.s[j] * p.s[k])
		}
	}
	return p
}

// shifted returns x + c, y + c.
func shifted(x *mat.Dense, y []float64, c float64) (*mat.Dense, []float64) {
	n, d := x.Dims()
	xs := mat.NewDense(n, d, nil)
	ys := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			xs.Set(i, j, x.At(i, j)+c)
		}
		ys[i] = y[i] + c
	}
	return xs, ys
}

// samePaths fails unless the paths of a and b agree on every coefficient
// at every α to tol times the largest coefficient of b's path, and on the
// intercepts to tol relative.
func samePaths(t *testing.T, what string, a, b *problem, st *settings, rho float64, tol float64) {
	t.Helper()
	amax := b.alphaMax(rho)
	alphas := Grid(amax, 1e-3, 30)
	pa, err := a.path(context.Background(), st, rho, alphas, amax, nil)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := b.path(context.Background(), st, rho, alphas, amax, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Relative to the largest coefficient on the path: near α_max, where
	// a coefficient is just leaving zero, rounding of α_max decides whether
	// it is 1e-17 or 0.
	var scale float64
	for _, pt := range pb.Points {
		for _, v := range pt.Coef {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	var worst float64
	for k := range alphas {
		ca, cb := pa.Points[k].Coef, pb.Points[k].Coef
		for j := range ca {
			worst = math.Max(worst, math.Abs(ca[j]-cb[j])/scale)
		}
		if worst > tol {
			t.Fatalf("%s: α[%d]: coefficients differ by %.3g of the largest", what, k, worst)
		}
		if e := math.Abs(pa.Points[k].Intercept - pb.Points[k].Intercept); e > tol*(1+math.Abs(pb.Points[k].Intercept)) {
			t.Fatalf("%s: α[%d]: intercepts %v and %v", what, k, pa.Points[k].Intercept, pb.Points[k].Intercept)
		}
	}
	t.Logf("%s ρ=%v: largest difference %.3g of the largest coefficient", what, rho, worst)
}

// TestMomentsMatchTwoPass: the one-pass moments about a provisional shift,
// with the rank-one correction to the exact mean, give the paths of the
// two-pass construction, for weights or none, with and without intercept or
// standardisation, and on data shifted by 1e6 (where the correction would
// be inaccurate if the shift were not near the mean). The solves run to a
// relative duality gap of 1e-13, so the paths differ only by the problems'
// rounding (about 1e-15 of the Gram entries, amplified by the conditioning
// of the active columns, here below 1e2; 1e-13 is observed): 1e-11 of the
// largest coefficient. A shift of zero on the 1e6 data would lose about
// ε·(1e6/σ)² ≈ 1e-4 and fail.
func TestMomentsMatchTwoPass(t *testing.T) {
	x0, y0 := synthetic(600, 7, 21)
	w := make([]float64, 600)
	for i := range w {
		w[i] = float64(1 + i%4)
	}
	w[5] = 0
	for _, c := range []float64{0, 1e6} {
		x, y := shifted(x0, y0, c)
		for _, s := range []Settings{{}, {Weights: w}, {NoIntercept: true}, {Unstandardized: true, Weights: w}} {
			s.Tol = 1e-13
			st := resolve(&s, 600, 7)
			if c != 0 && s.NoIntercept {
				continue // no centring to test
			}
			got, err := newProblem(x, y, &st, true)
			if err != nil {
				t.Fatal(err)
			}
			want := twoPassGram(t, x, y, &st)
			for _, rho := range []float64{1, 0.5} {
				samePaths(t, "path", got, want, &st, rho, 1e-11)
			}
		}
	}
}

// TestFoldMomentsMatchTwoPass: each training set of CV, formed from the
// other folds' moments and corrected to its own weighted mean, gives the
// path of the two-pass construction on the same rows (held-out rows given
// zero weight), for every fold and α, also on data shifted by 1e6. The
// tolerance is TestMomentsMatchTwoPass's.
func TestFoldMomentsMatchTwoPass(t *testing.T) {
	x0, y0 := synthetic(500, 6, 22)
	for _, c := range []float64{0, 1e6} {
		x, y := shifted(x0, y0, c)
		cs := CVSettings{Folds: 5, Seed: 3}
		cs.Tol = 1e-13
		folds, k := cs.foldIDs(500)
		st := resolve(&cs.Settings, 500, 6)
		fs, err := newFoldSet(x, y, &st, folds, k)
		if err != nil {
			t.Fatal(err)
		}
		if fs.each == nil {
			t.Fatal("covariance updates did not use the fold moments")
		}
		for f := 0; f < k; f++ {
			got, fst, err := fs.train(f)
			if err != nil {
				t.Fatal(err)
			}
			want := twoPassGram(t, x, y, fst)
			samePaths(t, "fold", got, want, fst, 1, 1e-11)
		}
		samePaths(t, "full", fs.full, twoPassGram(t, x, y, &st), &st, 1, 1e-11)
	}
}

// TestMomentFoldOrder: however the tasks finish, momentFold's groups are
// the partial sums added in task order (first sum, then each later one in
// turn), to the bit, and reused buffers come zeroed (in task order every
// sum after the second lands in a folded task's buffer). Entries of
// magnitudes 2⁰ to 2¹²⁰ with alternating signs make another order of the
// additions round differently (checked: the reverse order differs).
func TestMomentFoldOrder(t *testing.T) {
	tasks := []momentTask{{0, 0, 1}, {0, 1, 2}, {0, 2, 3}, {1, 0, 1}, {1, 1, 2}, {0, 3, 4}}
	const size = 4
	sum := func(k, e int) float64 { return math.Ldexp(1+float64(k)/7, e*(k%3)) }
	part := func(k int) []float64 {
		a := make([]float64, size)
		for e := range a {
			a[e] = sum(k, 20*e) * float64(1-2*(k%2))
		}
		return a
	}
	want := make([][]float64, 2)
	for k, tk := range tasks {
		if want[tk.group] == nil {
			want[tk.group] = part(k)
			continue
		}
		addTo(want[tk.group], part(k))
	}
	rev := append([]float64(nil), part(5)...)
	for _, k := range []int{2, 1, 0} {
		addTo(rev, part(k))
	}
	if rev[1] == want[0][1] && rev[2] == want[0][2] && rev[3] == want[0][3] {
		t.Fatal("the test values do not tell summation orders apart")
	}
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {2, 0, 5, 1, 4, 3}} {
		f := &momentFold{tasks: tasks, done: make([][]float64, len(tasks)), out: make([][]float64, 2)}
		for _, k := range order {
			acc := f.slot(size)
			for e, v := range part(k) {
				acc[e] += v // the buffer must come zeroed, reused or not
			}
			f.finish(k, acc)
		}
		for g := range want {
			for e := range want[g] {
				if f.out[g][e] != want[g][e] {
					t.Fatalf("order %v: group %d entry %d = %v, want %v", order, g, e, f.out[g][e], want[g][e])
				}
			}
		}
	}
}
