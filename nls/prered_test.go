package nls

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestPredictedReductionProjected checks lmder's predicted reduction for a
// step that projection onto the box has moved, against its definition: for
// a linear residual r(x) = A·x − b the model r + J·p is exact, so the
// predicted relative reduction 1 − ‖r + J·p‖²/‖r‖² equals the actual one,
// and the directional derivative rᵀJ·p/‖r‖² is computed from A directly.
// The residuals are of size ~10³, where a factor of ‖r‖ too many or too few
// is plain (both were once off by ‖r‖); the tolerance is a few hundred
// units of rounding of quantities of order 1.
func TestPredictedReductionProjected(t *testing.T) {
	const m, n = 9, 3
	rng := rand.New(rand.NewPCG(4, 2))
	a := mat.NewDense(m, n, nil)
	b := make([]float64, m)
	for i := range m {
		for j := range n {
			a.Set(i, j, rng.NormFloat64())
		}
		b[i] = 1e3 * rng.NormFloat64()
	}
	p := Problem{M: m,
		Residuals: func(r, x []float64) {
			for i := range r {
				r[i] = mat.Dot(a.RowView(i), mat.NewVecDense(n, x)) - b[i]
			}
		},
		Jacobian: func(jac *mat.Dense, _ []float64) { jac.Copy(a) },
	}
	for _, step := range [][]float64{{0.3, -0.2, 0.1}, {-5, 2, 40}, {1e-3, 0, -2e-3}} {
		set := (&Settings{Lower: []float64{-10, -10, -10}, Upper: []float64{10, 10, 10}}).resolve(n)
		st := newState(&p, []float64{1, 2, 3}, set)
		st.ev.residuals(st.r, st.x)
		st.fnorm = enorm(st.r)
		if !st.factor() {
			t.Fatal("Jacobian not finite")
		}
		copy(st.p, step)
		prered, dirder := st.predictedReduction(0, 0, true)

		// The definitions, from A, r and p.
		r := mat.NewVecDense(m, append([]float64(nil), st.r...))
		var jp mat.VecDense
		jp.MulVec(a, mat.NewVecDense(n, step))
		var rp mat.VecDense
		rp.AddVec(r, &jp)
		rr := mat.Dot(r, r)
		want := 1 - mat.Dot(&rp, &rp)/rr
		wantDir := mat.Dot(r, &jp) / rr
		scale := 1 + math.Abs(want)
		if math.Abs(prered-want) > 1e-13*scale || math.Abs(dirder-wantDir) > 1e-13*(1+math.Abs(wantDir)) {
			t.Errorf("step %v: prered %v, dirder %v; want %v, %v", step, prered, dirder, want, wantDir)
		}
	}
}
