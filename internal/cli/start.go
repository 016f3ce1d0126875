package cli

import (
	"fmt"
	"slices"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// applyStart reads --init or --resume and sets the starting point, the
// standardisation the model's parameters live in, and, when the run
// continues the same optimisation, the optimiser's and schedule's state.
func applyStart(o *fitOptions, s *fit.Settings, fr *data.Frame, m *modelio.Model) error {
	if m == nil {
		return nil
	}
	path, resume := o.Init, false
	if o.Resume != "" {
		path, resume = o.Resume, true
	}
	if m.Kind != modelio.KindLinear {
		return fmt.Errorf("%s: a %s model cannot start a linear fit", path, m.Kind)
	}
	if !slices.Equal(m.Features, fr.Features) {
		return fmt.Errorf("%s: the model's features %s differ from the data's %s; select them with --features %s", path, data.ListNames(m.Features), data.ListNames(fr.Features), joinComma(m.Features))
	}
	if m.FitIntercept == s.NoIntercept {
		return usagef("%s: the model was fitted %s an intercept; match it (--no-intercept)", path, map[bool]string{true: "with", false: "without"}[m.FitIntercept])
	}
	s.Init = m.Linear()
	if m.Scaling != nil && !s.Raw {
		s.Center, s.Scale = m.Scaling.Center, m.Scaling.Scale
		if s.NoIntercept {
			s.Center = nil
		}
	}
	cp, err := checkpointOf(m)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	sameRun := cp != nil && m.Solver.Name == s.Solver.String() && !isL2SP(s.Penalty)
	switch {
	case resume && cp == nil:
		return fmt.Errorf("%s: the file has no optimiser state to resume (write one with --checkpoint, or use --init for a warm start)", path)
	case resume && !sameRun:
		return usagef("%s was written by --solver %s; resume it with the same solver and options", path, m.Solver.Name)
	case sameRun:
		s.Optim.Resume = cp
		if cp.AvgX == nil && !o.changed("average") {
			// A fit started without averaging (written before it was the
			// default, or with --average=false) continues as it started.
			s.Optim.Average = false
		}
		if !resume {
			// Fine-tuning: --epochs more on top of the model's (0: the
			// automatic limit's).
			more := s.Optim.Epochs
			if more == 0 {
				dim := len(fr.Features)
				if !s.NoIntercept {
					dim++
				}
				more = optim.DefaultEpochs(fr.Rows(), dim)
			}
			s.Optim.Epochs = more + cp.Epoch
		}
	}
	return nil
}

func joinComma(v []string) string {
	s := ""
	for i, x := range v {
		if i > 0 {
			s += ","
		}
		s += x
	}
	return s
}

func isL2SP(p penalty.Penalty) bool {
	_, ok := p.(penalty.L2SP)
	return ok
}
