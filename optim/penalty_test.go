package optim

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/penalty"
)

// ridgeExact solves (ZᵀZ/n + αD)θ = Zᵀy/n + αD·ref, D = diag(1, ..., 1, 0):
// the normal equations of (1/2n)‖y − Zθ‖² + α/2‖β − ref‖² with the
// intercept unpenalised.
func ridgeExact(x *mat.Dense, y, mu, sd []float64, alpha float64, ref []float64) []float64 {
	n, d := x.Dims()
	z := mat.NewDense(n, d+1, nil)
	for i := range n {
		for j := range d {
			z.Set(i, j, (x.At(i, j)-mu[j])/sd[j])
		}
		z.Set(i, d, 1)
	}
	var a mat.Dense
	a.Mul(z.T(), z)
	a.Scale(1/float64(n), &a)
	var rhs mat.VecDense
	rhs.MulVec(z.T(), mat.NewVecDense(n, y))
	rhs.ScaleVec(1/float64(n), &rhs)
	for j := range d {
		a.Set(j, j, a.At(j, j)+alpha)
		if ref != nil {
			rhs.SetVec(j, rhs.AtVec(j)+alpha*ref[j])
		}
	}
	var sol mat.VecDense
	if err := sol.SolveVec(&a, &rhs); err != nil {
		panic(err)
	}
	return mat.Col(nil, 0, &sol)
}

func TestSmoothPenaltiesMatchClosedForm(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(2000, 6, 12)
	ref := []float64{1, -1, 2, 0, 0.5, -3}
	for _, c := range []struct {
		name string
		pen  penalty.Penalty
		ref  []float64
	}{
		{"L2", penalty.L2{Alpha: 0.3}, nil},
		{"ElasticNet-ridge", penalty.ElasticNet{Alpha: 0.3, L1Ratio: 0}, nil},
		{"L2SP", penalty.L2SP{Alpha: 0.3, Ref: ref}, ref},
	} {
		want := ridgeExact(x, y, mu, sd, 0.3, c.ref)
		for _, o := range []Optimizer{&LBFGS{}, &SGD{}} {
			p := LeastSquares(x, y, nil, true, mu, sd)
			res, err := Minimize(context.Background(), p, make([]float64, 7), &Settings{Penalty: c.pen}, o)
			if err != nil || !res.Status.Converged() {
				t.Fatalf("%s %T: status %v err %v", c.name, o, res.Status, err)
			}
			// 1e-7: GradTol 1e-8 and the smallest Hessian eigenvalue ≥ α = 0.3.
			if e := relErr(res.X, want); e > 1e-7 {
				t.Errorf("%s %T: relative error %.3g", c.name, o, e)
			}
			// The automatic rate includes the penalty's curvature α.
			if math.Abs(res.Lipschitz-(p.Lipschitz()+0.3)) > 1e-12 {
				t.Errorf("%s: Lipschitz %v, want %v", c.name, res.Lipschitz, p.Lipschitz()+0.3)
			}
		}
	}
}

func TestFuncGradFiniteDifferenceLipschitz(t *testing.T) {
	// f = ½(x₀² + 10x₁²): L = 10. Without Problem.Lipschitz the driver
	// estimates it by power iteration on finite-difference Hessian-vector
	// products; the automatic rate is then ≈ 1/10.
	f := func(x []float64) float64 { return 0.5 * (x[0]*x[0] + 10*x[1]*x[1]) }
	g := func(g, x []float64) { g[0], g[1] = x[0], 10*x[1] }
	for _, p := range []Problem{FuncGrad(2, f, g), FuncGrad(2, f, nil)} {
		res, err := Minimize(context.Background(), p, []float64{3, -2}, nil, &SGD{})
		if err != nil || !res.Status.Converged() {
			t.Fatalf("status %v err %v", res.Status, err)
		}
		// 1e-3: the power iteration stops at a relative change of 1e-4,
		// with λ₂/λ₁ = 0.1 converging fast; finite differences add ~1e-6.
		if math.Abs(res.Lipschitz-10) > 1e-3*10 {
			t.Errorf("estimated L = %v, want 10", res.Lipschitz)
		}
		if math.Abs(res.X[0]) > 1e-7 || math.Abs(res.X[1]) > 1e-7 {
			t.Errorf("minimum at %v, want 0", res.X)
		}
	}
}

func TestMiniBatchDivergenceStopsAtOnce(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(5000, 10, 1)
	p := LeastSquares(x, y, nil, true, mu, sd)
	var records int
	set := &Settings{BatchSize: 10, LearningRate: 50, Recorder: lsq.RecorderFunc(func(lsq.Iteration) error { records++; return nil })}
	res, err := Minimize(context.Background(), p, make([]float64, 11), set, &SGD{})
	var de *DivergenceError
	if res.Status != lsq.Diverged || !errors.As(err, &de) {
		t.Fatalf("status %v err %v", res.Status, err)
	}
	// A rate 50 ≈ 50/L on batches of 10 overflows within the first epoch
	// (each step multiplies the error by ~|1 − 50·‖z‖²/10| ≈ 50).
	if de.Epoch != 1 || records != 1 || !math.IsNaN(de.Objective) {
		t.Errorf("diverged in epoch %d (objective %v), %d records; want epoch 1, NaN", de.Epoch, de.Objective, records)
	}
	if !(de.LR > de.Bound) {
		t.Errorf("rate %v not above the bound %v", de.LR, de.Bound)
	}
}
