package net

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
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

	// Gap is the gap of the returned network, F − F*, relative to
	// Scale = max(|F*|, 1e-8·(F₀ − F*)), F₀ the objective at the start of
	// the fit: optim.Optimum's definition, the one the fit was stopped by.
	// Relative to F* itself, unless F* is about 0 (the network fits the
	// rows exactly), where a ratio to F* would compare rounding errors.
	Gap, Scale float64
	// Reached reports whether the returned network is at the optimum: its
	// gap within GapTol, or the driver stopped at it (lsq.GapTolerance,
	// which also covers an objective that stopped moving there to working
	// precision).
	Reached bool
}

// OfOptimum reports whether Scale is |F*|, the gap relative to the optimum
// itself, rather than to the start's gap.
func (o *LinearOptimum) OfOptimum() bool { return o.Scale == math.Abs(o.Objective) }

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
	opt := &LinearOptimum{Gap: math.NaN(), Scale: math.NaN()}
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

// judge sets the gap and the verdict of the returned network, whose
// objective is f, from the start's first, the tolerance tol (Settings.GapTol
// as optim.Optimum.Tol) and the driver's status.
func (o *LinearOptimum) judge(f, first, tol float64, status lsq.Status) {
	opt := optim.Optimum{Objective: o.Objective, Tol: tol}
	o.Gap, o.Scale = opt.Gap(f, first), opt.Scale(first)
	o.Reached = status == lsq.GapTolerance || opt.Closed(f, first)
}
