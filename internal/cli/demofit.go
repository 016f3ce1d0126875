package cli

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
)

// demoTrial is one fit of a demo topic with its per-epoch record. A fit
// that diverged is a trial like any other (Diverged says at which epoch);
// other errors end the demo.
type demoTrial struct {
	res      *fit.Result
	its      []lsq.Iteration
	diverged *optim.DivergenceError
}

// demoFit fits y ≈ b + xβ with s, recording every epoch of an iterative fit.
func demoFit(ctx context.Context, x *mat.Dense, y []float64, s fit.Settings) (*demoTrial, error) {
	h := &historyRecorder{}
	if !s.Solver.Exact() && !s.Solver.Penalized() {
		s.Optim.Recorder = h
	}
	res, err := fit.Matrix(ctx, x, y, &s)
	t := &demoTrial{res: res, its: h.its}
	if err != nil && !errors.As(err, &t.diverged) {
		return nil, err
	}
	if res == nil {
		return nil, err
	}
	return t, nil
}

// lossAt is the training loss after epoch k (1-based), or the last one
// recorded when the fit stopped earlier; NaN when there is none.
func (t *demoTrial) lossAt(k int) float64 {
	if len(t.its) == 0 {
		return math.NaN()
	}
	return t.its[min(k, len(t.its))-1].Loss
}

// column makes a one-feature design matrix.
func column(x []float64) *mat.Dense {
	return mat.NewDense(len(x), 1, append([]float64(nil), x...))
}

// noisyLine draws n points of y = 2 + 0.5·x + N(0, 0.5²), x uniform on
// [0, 10], from a fixed seed: the demos' data for choices that need more
// than five points.
func noisyLine(n int, seed uint64) (x, y []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	x, y = make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = 10 * r.Float64()
		y[i] = 2 + 0.5*x[i] + 0.5*r.NormFloat64()
	}
	return x, y
}
