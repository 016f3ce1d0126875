package fit

import (
	"math"

	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stream"
)

// The default start of an iterative fit and the scale of its adaptive
// rates.
//
// An iterative fit on standardised features (not Raw) without Init starts
// from β = 0 with the intercept at the weighted mean of y, the optimum of
// the intercept-only model, and there the optimum of the intercept itself:
// the centred columns are orthogonal to the column of ones under the
// weights. Raw fits start from 0, as the textbook algorithms do.
//
// Starting the intercept at its optimum is fitting the centred target, as
// glmnet and scikit-learn do (they centre y before their solvers run),
// while the objective, its optimum F*, the gap and every output stay those
// of the original problem.
//
// The adaptive methods (AdaGrad, RMSProp, Adam, AdamW) move each coordinate
// by about η per step whatever the gradient's scale: their default rates
// are in units of the weighted standard deviation s_y of y
// (optim.Problem.Scale, set on standardised features), the size of the
// coefficients of standardised features: AdaGrad s_y/√2, RMSProp and Adam
// 1e-3·s_y. Because those methods are invariant to a rescaling of the
// gradient (up to their ε), this is the same as running them with rates
// 1/√2 and 1e-3 on the standardised target y/s_y and scaling the result
// back (standardising y, undone in every output), without changing the
// objective the fit reports and is judged on.

// targetMoments returns the weighted mean and population standard deviation
// of y (w nil means all 1), by a compensated two-pass sum. The deviation is
// 1 for a constant or weightless target, so that it can scale a rate.
func targetMoments(y, w []float64) (mean, sd float64) {
	mean, ms, sw := yMoments(y, w, true)
	if !(sw > 0) {
		return 0, 1
	}
	sd = math.Sqrt(ms)
	if !(sd > 0) || math.IsInf(sd, 0) {
		sd = 1
	}
	return mean, sd
}

// StartFromQR returns the default start of an iterative fit of the problem
// prob of the accumulator q (stream.QR.Problem on the standardisation center,
// scale), the one Stream starts from, and sets prob.Scale, the adaptive
// methods' rate scale, both from the accumulator's moments of y: with an
// intercept on standardised features (center not nil) the intercept starts
// at the weighted mean of y and prob.Scale is the weighted standard
// deviation of y; otherwise the start is 0 and prob is left as it is. A
// driver that evaluates the same problem elsewhere (a distributed pipeline)
// starts from it to take Stream's steps.
func StartFromQR(q *stream.QR, prob *optim.Problem, center, scale []float64) []float64 {
	x0 := make([]float64, prob.Dim)
	if !q.Intercept() || center == nil || q.N() == 0 {
		return x0
	}
	_, ybar := q.Means()
	_, ss := q.CentredNorms()
	x0[prob.Dim-1] = ybar
	if sd := ss / math.Sqrt(q.SumWeights()); scale != nil && sd > 0 && !math.IsInf(sd, 0) {
		prob.Scale = sd
	}
	return x0
}
