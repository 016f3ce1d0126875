package nls

import (
	"context"
	"fmt"
	"math"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
)

// reference is the Levenberg–Marquardt fit a first-order Optimizer is
// measured against: F* = ½·RSS* from the same start, the same weights and
// bounds, with Solve's default (rounding-level) tolerances and refinement.
// optimum is nil when that fit did not converge: there is then no reference
// and the optimiser's own stopping rules decide; why says so.
type reference struct {
	optimum *optim.Optimum
	why     string
}

// newReference runs Levenberg–Marquardt from x0 under set's problem.
func newReference(ctx context.Context, p Problem, x0 []float64, set settings, names []string) (reference, error) {
	exact := set
	exact.optimizer, exact.refine, exact.rec, exact.method = nil, true, nil, LevenbergMarquardt
	exact.ftol, exact.xtol, exact.gtol, exact.maxfev, exact.factor, exact.scale = 1e-15, 1e-15, 1e-15, 1000*(len(x0)+1), 100, true
	ref, err := solveCore(ctx, p, x0, exact, names)
	if err != nil {
		return reference{}, err
	}
	if !ref.Status.Converged() || math.IsInf(ref.RSS, 1) {
		return reference{why: fmt.Sprintf("no Levenberg–Marquardt optimum to measure the gap to (from the same start it stopped: %s: %s), so the optimiser's own stopping rule decides", ref.Status, ref.Message)}, nil
	}
	return reference{optimum: &optim.Optimum{Objective: 0.5 * ref.RSS, Tol: set.gapTol}}, nil
}

// judge measures the optimiser's final objective f = ½‖r‖² (first: at the
// start) against the reference and returns the status and the sentence to
// append to its message. The status is the optimiser's, which the gap
// already decided (optim.Optimum), except below the reference: a gap
// negative beyond rounding (optim.RoundingGap) means the optimiser found a
// lower sum of squares than Levenberg–Marquardt's, whose answer is then a
// local minimum that is not the best, while the optimiser, stopped by the
// gap test on its way down, is at no known minimum: lsq.BelowOptimum, which
// is not converged.
func (ref reference) judge(status lsq.Status, f, first float64) (lsq.Status, float64, string) {
	o := ref.optimum
	if o == nil {
		return status, math.NaN(), "; " + ref.why
	}
	gap := o.Gap(f, first)
	tol := fmt.Sprintf("tolerance %.2g", o.Tolerance())
	if o.Tolerance() < 0 {
		tol = "no tolerance"
	}
	if gap < -optim.RoundingGap {
		return lsq.BelowOptimum, gap, fmt.Sprintf("; its sum of squares is %.3g relative below the Levenberg–Marquardt optimum from the same start: "+
			"that optimum is a local minimum and not the best, and the optimiser's point is not known to be a minimum", -gap)
	}
	return status, gap, fmt.Sprintf("; relative objective gap to the Levenberg–Marquardt optimum from the same start %.3g (%s)", optim.ShownGap(gap), tol)
}
