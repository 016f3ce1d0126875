package fit

import (
	"fmt"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/optim"
)

// Verdict says in one sentence why an iterative fit stopped where it did,
// in the numbers that explain it: the gap to the reference solution, and
// for a stalled run whether its learning rate decayed to nothing or its
// objective stopped moving. It is "" for an exact fit or one that
// converged. The command line adds the flags to change; the numbers are
// the library's.
func (r *Result) Verdict() string {
	if r.Solver.Exact() || r.Status.Converged() {
		return ""
	}
	far := ""
	if g := r.Gap; g != nil {
		far = fmt.Sprintf(", %s from the optimum (relative objective gap %.3g)", percent(g.CoefRel), optim.ShownGap(g.ObjectiveRel))
	}
	head := fmt.Sprintf("%s stopped (%s) after %s", r.Solver, r.Status, english.Count(r.Iterations, "epoch"))
	if r.Solver.Penalized() {
		return fmt.Sprintf("%s stopped (%s) after %s with duality gap %.3g", r.Solver, r.Status, english.Count(r.Iterations, "iteration"), r.DualityGap)
	}
	o := r.Optim
	switch r.Status {
	case lsq.Stalled:
		if o != nil && o.FinalLR < 1e-3*o.LR {
			return fmt.Sprintf("%s: the learning rate fell to %.3g (%.2g of its base %.3g)%s", head, o.FinalLR, o.FinalLR/o.LR, o.LR, far)
		}
		return fmt.Sprintf("%s: the objective stopped moving%s", head, far)
	case lsq.IterationLimit:
		msg := head + far
		if r.subgradient {
			return msg + "; the L1 penalty is applied by its subgradient, whose steps never settle at the optimum (a proximal step or coordinate descent does)"
		}
		if w := r.Why; w != nil && w.Contraction < 1 && r.Solver == GD {
			msg += fmt.Sprintf("; at the rate %.3g the error shrinks by a factor %.6g per step (Hessian condition %.3g), so about %.3g steps cut it by 1e6", w.LR, w.Contraction, w.Cond, w.StepsFor1e6)
		}
		return msg
	}
	return head + far
}

// percent formats a relative difference for a sentence.
func percent(v float64) string {
	if v >= 0.01 {
		return fmt.Sprintf("%.0f%%", 100*v)
	}
	return fmt.Sprintf("%.2g relative", v)
}
