package net

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
)

// LinearOptimum is the exact optimum of a deep linear network: the
// end-to-end map x ↦ Wᴸ⋯W¹x + c is linear, and when every hidden width is at
// least min(inputs, outputs) it can be any linear map, so the least
// objective over θ is the ordinary least-squares objective of the targets
// on the inputs (Baldi & Hornik, "Neural networks and principal component
// analysis", Neural Networks 2(1), 1989: such a network has no spurious
// local minima, only saddles). It is computed by pivoted QR (fit.Matrix).
type LinearOptimum struct {
	Objective float64 // F*, on the training scale, as optim.Result.Objective
	TrainLoss float64 // the same on the original scale of the targets
	Gap       float64 // (F − F*)/F* at the end of the fit (F − F* when F* = 0)
}

// linearOptimum returns the exact optimum when the network is linear and
// unpenalised with wide enough hidden layers, nil otherwise.
func (t *trainer) linearOptimum(x, y *mat.Dense) *LinearOptimum {
	a := t.arch
	if a.LayerNorm || t.penalty != nil {
		return nil
	}
	for i, h := range a.Hidden {
		if a.activation(i) != Identity || h < min(a.Inputs, a.Outputs) {
			return nil
		}
	}
	ds := t.ds
	xs := mat.NewDense(ds.n, ds.d, ds.x)
	opt := &LinearOptimum{Gap: math.NaN()}
	for k := range ds.k {
		yk := make([]float64, ds.n)
		for i := range yk {
			yk[i] = ds.y[i*ds.k+k]
		}
		r, err := fit.Matrix(context.Background(), xs, yk, &fit.Settings{Weights: ds.w})
		if err != nil {
			return nil
		}
		opt.Objective += r.Objective
		sc := t.nn.OutScale[k]
		opt.TrainLoss += r.Objective * sc * sc
	}
	return opt
}

func (o *LinearOptimum) gap(f float64) {
	o.Gap = f - o.Objective
	if o.Objective != 0 {
		o.Gap /= math.Abs(o.Objective)
	}
}
