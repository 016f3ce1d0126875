package nls

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/english"
)

// Solve minimises ‖r(x)‖² from x0 and returns the estimates with their
// standard errors.
//
// The default method is Levenberg–Marquardt in the scaled trust-region form
// of Moré (1978), with MINPACK lmder's stopping contract (FTol, XTol, GTol,
// an evaluation limit, Factor for the initial radius): each step solves
//
//	min ‖J·p + r‖²  subject to  ‖D·p‖ ≤ Δ
//
// through the Levenberg–Marquardt parameter λ, found by Moré's safeguarded
// Newton iteration, with the QR factorisation of J (column pivoting) reused
// for every λ. Δ grows and shrinks with the ratio of the actual to the
// predicted reduction. The defaults (FTol = XTol = GTol = 1e-15) run the
// iteration to the rounding level of S. Unless NoRefine is set, a converged
// run is then polished by at most 30 full Gauss–Newton steps (or, when those
// contract slowly, as on large-residual problems, Newton steps with the
// second-order term estimated from differences of the exact Jacobian), while
// the steps keep shrinking and until they fall below 4ε relative to every
// parameter: S is flat at a minimum and cannot resolve the last digits of
// the parameters, the residual-based step can.
//
// Bounds: with Lower/Upper, x0 is first clamped into the box. Each
// iteration holds fixed the parameters that sit on a bound with the negative
// gradient pointing outward (an active set), solves the trust-region
// subproblem in the others, and projects the trial point onto the box; the
// predicted reduction used to accept a step is that of the projected step.
// Working in the original coordinates (rather than through a transformation
// such as x = l + (u−l)(1+sin z)/2) keeps the Jacobian, the stopping tests and
// the standard errors on the user's scale; parameters on an active bound at
// the end are reported in Result.AtBound, with the standard errors of the
// unconstrained linearisation as R's nls (algorithm = "port") reports them.
//
// Other paths: Settings.Weights gives weighted least squares; a robust
// Settings.Loss (Huber, SoftL1, Cauchy) is minimised by iteratively
// reweighted least squares around the chosen method (see Loss); and
// Settings.Optimizer runs a first-order method of package optim (GD, Adam,
// L-BFGS, ...) on ½‖r(x)‖² instead, in relative coordinates u = x/|x0| so
// that one learning rate suits parameters of different sizes, judged by its
// gap to the Levenberg–Marquardt fit from the same start, which Solve runs
// first (Settings.GapTol, Result.Gap).
//
// Solve returns an error only when x0 gives a non-finite residual, the
// Recorder fails, or a setting does not apply to the method (a
// *SettingsError naming it: the Levenberg–Marquardt tests with an
// Optimizer, Descent or Refine without one, Factor or NoScaling with
// Gauss–Newton, Params or Workers, which are Curve's); otherwise the
// Result's Status says why it stopped. A stop
// at a point that cannot be a well-determined minimum — a Jacobian that is
// singular there (a flat region, or parameters the data do not determine) —
// has Status lsq.Failure and an explaining Message, whatever test stopped
// the iteration; so has a start or an iterate where the Jacobian is not
// finite (an overflow in the derivatives): the Message names the residual,
// the parameter and the parameter values, and the Result holds that point
// with its residuals and ResidualSD but no standard errors. If ctx is cancelled the Result holds the best point so far,
// with Status lsq.Canceled, and the error is ctx.Err().
//
// Reference: J. J. Moré, "The Levenberg–Marquardt algorithm: implementation
// and theory", in G. A. Watson (ed.), Numerical Analysis, Lecture Notes in
// Mathematics 630, Springer, 1978, pp. 105–116.
func Solve(ctx context.Context, p Problem, x0 []float64, s *Settings) (*Result, error) {
	if s != nil {
		if name := first([]field{{"Params", s.Params != nil}, {"Workers", s.Workers != 0}}); name != "" {
			return nil, &SettingsError{name, "applies to Curve, which fits a model expression; Solve calls the Problem's functions"}
		}
	}
	return solve(ctx, p, x0, s, nil)
}

func solve(ctx context.Context, p Problem, x0 []float64, s *Settings, names []string) (*Result, error) {
	p.check(len(x0))
	if err := s.unused(); err != nil {
		return nil, err
	}
	set := s.resolve(len(x0))
	if set.weights != nil {
		if len(set.weights) != p.M {
			panic(fmt.Sprintf("nls: %d weights for %d residuals", len(set.weights), p.M))
		}
		if k := positive(set.weights); k < len(x0) {
			return nil, fmt.Errorf("only %s for %s", english.Count(k, "positive weight"), english.Count(len(x0), "parameter"))
		}
	}
	if set.loss != Linear {
		res, err := robust(ctx, p, x0, set, names)
		if res != nil {
			res.prob = nil // the objective is not a sum of squares: no profile
		}
		return res, err
	}
	if set.weights != nil {
		res, err := solveCore(ctx, weighted(p, set.weights), x0, set, names)
		if res != nil {
			res.Cost = res.RSS
			res.Residuals = make([]float64, p.M)
			p.Residuals(res.Residuals, res.X)
			res.Evaluations++
		}
		return res, err
	}
	res, err := solveCore(ctx, p, x0, set, names)
	if res != nil {
		res.Cost = res.RSS
	}
	return res, err
}

func solveCore(ctx context.Context, p Problem, x0 []float64, set settings, names []string) (*Result, error) {
	st := newState(&p, x0, set)
	st.names = names
	st.ev.residuals(st.r, st.x)
	if i := firstBad(st.r); i >= 0 {
		return nil, fmt.Errorf("residual %d is %v at the starting point", i+1, st.r[i])
	}
	st.fnorm = enorm(st.r)
	var (
		status lsq.Status
		msg    string
		err    error
		ref    reference
		gap    = math.NaN()
	)
	if st.fnorm == 0 {
		status, msg = lsq.ObjectiveTolerance, "zero residuals at the starting point"
	} else if set.optimizer != nil {
		if ref, err = newReference(ctx, p, st.x, set, names); err == nil {
			status, msg, err = st.descend(ctx, ref.optimum)
		} else {
			status, msg = lsq.Failure, err.Error()
			if ctx.Err() != nil {
				status, msg = lsq.Canceled, "canceled"
			}
		}
	} else if set.method == GaussNewton {
		status, msg, err = st.gn(ctx)
	} else {
		status, msg, err = st.lm(ctx)
	}
	if err == nil && status.Converged() && set.refine {
		err = st.refine(ctx)
		if err != nil {
			status, msg = lsq.Canceled, "canceled"
		}
	}
	if err == nil && !math.IsNaN(st.first) {
		var more string
		status, gap, more = ref.judge(status, 0.5*st.fnorm*st.fnorm, st.first)
		msg += more
	}
	res := st.result(status, msg)
	res.Names = names
	res.Gap, res.GapTol = gap, math.NaN()
	if ref.optimum != nil {
		res.GapTol = ref.optimum.Tolerance()
	}
	if set.optimizer == nil {
		res.prob, res.set = &p, set
	}
	if err == nil && status != lsq.Canceled {
		res.check()
	}
	return res, err
}

// check turns a tolerance stop at a point where the Jacobian is singular
// into a Failure.
func (res *Result) check() {
	res.Stopped = res.Status
	if !res.Status.Converged() && res.Status != lsq.IterationLimit {
		return
	}
	free := 0
	for _, b := range res.AtBound {
		if !b {
			free++
		}
	}
	if res.Rank < free {
		var names []string
		for j, undet := range res.undetermined {
			if undet {
				names = append(names, res.name(j))
			}
		}
		res.Status = lsq.Failure
		res.Message = fmt.Sprintf("the Jacobian is singular at the final point (rank %d of %d; not determined: %s): "+
			"a flat region or an over-parameterised model, not a well-determined minimum",
			res.Rank, free, strings.Join(names, ", "))
	}
}

func (res *Result) name(j int) string {
	if res.Names != nil {
		return res.Names[j]
	}
	return fmt.Sprintf("x[%d]", j)
}
