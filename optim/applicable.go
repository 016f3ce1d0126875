package optim

import (
	"fmt"

	"github.com/lsqgo/lsq/schedule"
)

// An InapplicableError names a field of Settings that would change nothing
// with the Optimizer it is given to.
type InapplicableError struct {
	Field     string    // "ClipNorm", "ClipValue", "Schedule", "BatchSize" or "Average"
	Optimizer Optimizer // the optimiser it does not apply to
	// Reason completes "Field does not apply to <optimiser>, …": a
	// relative clause on the optimiser, then why.
	Reason string
}

func (e *InapplicableError) Error() string {
	return fmt.Sprintf("optim: Settings.%s does not apply to %T, %s", e.Field, e.Optimizer, e.Reason)
}

// Applicable returns nil when every field set in s can change what
// Minimize does with o, or an *InapplicableError naming the first that
// cannot:
//
//   - ClipNorm and ClipValue with a Stepper (GD, LBFGS, FISTA): Minimize
//     clips only steps taken at a given rate, and a Stepper bounds its
//     steps itself;
//   - a Schedule other than Constant with LBFGS, which tries a step of 1
//     along its quasi-Newton direction: the rate is only its first trial
//     step along −g, taken before it has curvature pairs, so a schedule
//     that changes the rate after the start changes nothing. (GD starts
//     every line search from the scheduled rate: its schedule applies.)
//   - BatchSize and Average with a Stepper, which the driver always runs
//     on the full batch: there are no mini-batches, and no noise in the
//     iterates to average.
//
// Minimize panics with the error; drivers that take settings from users
// (package fit, net.Train) call Applicable first and return it.
func (s *Settings) Applicable(o Optimizer) error {
	if _, ok := o.(Stepper); !ok {
		return nil
	}
	why := "which bounds its steps itself: only steps taken at a given rate are clipped"
	switch _, lbfgs := o.(*LBFGS); {
	case s.ClipNorm != 0:
		return &InapplicableError{"ClipNorm", o, why}
	case s.ClipValue != 0:
		return &InapplicableError{"ClipValue", o, why}
	case lbfgs && scheduled(s.Schedule):
		return &InapplicableError{"Schedule", o, "which tries a step of 1 along its quasi-Newton direction: the learning rate is only its first trial step, before it has curvature pairs"}
	case s.BatchSize != 0:
		return &InapplicableError{"BatchSize", o, "which steps on the full batch"}
	case s.Average:
		return &InapplicableError{"Average", o, "which steps on the full batch: its iterates carry no noise to average"}
	}
	return nil
}

// scheduled reports whether sch changes the learning rate during a fit:
// it is neither nil nor schedule.Constant.
func scheduled(sch schedule.Schedule) bool {
	switch sch.(type) {
	case nil, schedule.Constant, *schedule.Constant:
		return false
	}
	return true
}
