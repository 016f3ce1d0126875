package optim

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/schedule"
)

func TestPlateauObservesValidationLoss(t *testing.T) {
	p := FuncGrad(1, func(x []float64) float64 { return 0.5 * x[0] * x[0] }, func(g, x []float64) { g[0] = x[0] })
	p.Validation = func([]float64) float64 { return 1 } // never improves after the first epoch
	var lrs []float64
	s := &Settings{
		LearningRate: 0.1, Epochs: 6, GradTol: -1, ObjectiveTol: -1,
		Schedule: &schedule.Plateau{Patience: 1, Factor: 0.5},
		Recorder: lsq.RecorderFunc(func(it lsq.Iteration) error { lrs = append(lrs, it.LR); return nil }),
	}
	if _, err := Minimize(context.Background(), p, []float64{1}, s, &SGD{}); err != nil {
		t.Fatal(err)
	}
	// Observe 1 sets the best, 2 is one bad epoch, 3 is the second (> Patience):
	// the rate halves from epoch 4, and again after two more bad epochs.
	want := []float64{0.1, 0.1, 0.1, 0.05, 0.05, 0.025}
	for i := range want {
		if lrs[i] != want[i] {
			t.Fatalf("rates %v, want %v", lrs, want)
		}
	}
}

func TestStepSchedulePerUpdate(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(100, 2, 14)
	p := LeastSquares(x, y, nil, true, mu, sd)
	var lrs []float64
	s := &Settings{
		LearningRate: 0.1, BatchSize: 10, Epochs: 3, StepSchedule: true,
		Schedule: schedule.Step{Every: 10, Gamma: 0.5},
		Recorder: lsq.RecorderFunc(func(it lsq.Iteration) error { lrs = append(lrs, it.LR); return nil }),
	}
	if _, err := Minimize(context.Background(), p, make([]float64, 3), s, &SGD{}); err != nil {
		t.Fatal(err)
	}
	// 10 updates per epoch; the last update of epoch k is update 10k−1
	// (0-based), in period k−1 of the Step schedule.
	if want := []float64{0.1, 0.05, 0.025}; lrs[0] != want[0] || lrs[1] != want[1] || lrs[2] != want[2] {
		t.Errorf("rates %v, want %v", lrs, want)
	}
}

func TestWeightedLeastSquares(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(1000, 3, 15)
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 1 + float64(i%5)
	}
	// Weighted QR on √w-scaled rows of the standardised design.
	z := mat.NewDense(1000, 4, nil)
	yw := make([]float64, 1000)
	for i := range 1000 {
		r := math.Sqrt(w[i])
		for j := range 3 {
			z.Set(i, j, r*(x.At(i, j)-mu[j])/sd[j])
		}
		z.Set(i, 3, r)
		yw[i] = r * y[i]
	}
	var qr mat.QR
	qr.Factorize(z)
	var sol mat.Dense
	if err := qr.SolveTo(&sol, false, mat.NewVecDense(1000, yw)); err != nil {
		t.Fatal(err)
	}
	want := mat.Col(nil, 0, &sol)
	res, err := Minimize(context.Background(), LeastSquares(x, y, w, true, mu, sd), make([]float64, 4), nil, &LBFGS{})
	if err != nil || !res.Status.Converged() {
		t.Fatalf("status %v err %v", res.Status, err)
	}
	// 1e-8: GradTol 1e-8 on a Hessian with eigenvalues ≈ 1.
	if e := relErr(res.X, want); e > 1e-8 {
		t.Errorf("weighted fit %v, QR %v (relative error %.3g)", res.X, want, e)
	}
}
