package nls

import (
	"errors"
	"reflect"

	"github.com/lsqgo/lsq/optim"
)

// SettingsError is a setting that would change nothing in the fit it is
// given to — a stopping test of Levenberg–Marquardt given to a first-order
// Optimizer, the trust region's settings given to Gauss–Newton, an
// optimiser's settings without an Optimizer — refused rather than ignored.
type SettingsError struct {
	Field  string // the Settings field, as Go spells it
	Reason string
}

func (e *SettingsError) Error() string { return "nls: " + e.Field + ": " + e.Reason }

// field is a Settings field and whether it is set.
type field struct {
	name string
	set  bool
}

// first returns the name of the first field that is set, or "".
func first(fields []field) string {
	for _, f := range fields {
		if f.set {
			return f.name
		}
	}
	return ""
}

// unused returns a *SettingsError naming the first field set in s that the
// chosen method does not read, or nil.
func (s *Settings) unused() error {
	if s == nil {
		return nil
	}
	if s.Optimizer != nil {
		name := first([]field{{"Method", s.Method != LevenbergMarquardt}, {"FTol", s.FTol != 0}, {"XTol", s.XTol != 0},
			{"GTol", s.GTol != 0}, {"MaxEvaluations", s.MaxEvaluations != 0}, {"Factor", s.Factor != 0},
			{"NoScaling", s.NoScaling}, {"NoRefine", s.NoRefine}, {"Recorder", s.Recorder != nil && s.Descent.Recorder != nil}})
		if name != "" {
			return &SettingsError{name, "does not apply with an Optimizer, which stops by its Descent settings (and is refined only with Refine)"}
		}
		return s.descentUnused()
	}
	if name := first([]field{{"Descent", !reflect.ValueOf(s.Descent).IsZero()}, {"Refine", s.Refine}, {"GapTol", s.GapTol != 0}}); name != "" {
		return &SettingsError{name, "applies with an Optimizer; Method " + s.Method.String() + " is refined unless NoRefine"}
	}
	if name := first([]field{{"Factor", s.Factor != 0}, {"NoScaling", s.NoScaling}}); name != "" && s.Method == GaussNewton {
		return &SettingsError{name, "sets Levenberg–Marquardt's trust region; Gauss–Newton searches along its direction"}
	}
	return nil
}

// descentUnused refuses the fields of Descent that the Optimizer does not
// use (optim.Settings.Applicable), and those that need rows or a penalised
// problem: ½‖r(x)‖² is one function of the parameters, with no mini-batches,
// validation rows or penalty.
func (s *Settings) descentUnused() error {
	var ie *optim.InapplicableError
	if err := s.Descent.Applicable(s.Optimizer); errors.As(err, &ie) {
		return &SettingsError{"Descent." + ie.Field, "does not apply to the Optimizer, " + ie.Reason}
	}
	d := &s.Descent
	name := first([]field{{"Descent.BatchSize", d.BatchSize != 0}, {"Descent.Seed", d.Seed != 0}, {"Descent.ShuffleBlock", d.ShuffleBlock != 0},
		{"Descent.Average", d.Average}, {"Descent.Patience", d.Patience != 0}, {"Descent.MinDelta", d.MinDelta != 0},
		{"Descent.Penalty", d.Penalty != nil}, {"Descent.Proximal", d.Proximal}})
	if name != "" {
		return &SettingsError{name, "½‖r(x)‖² is one function of the parameters: no mini-batches, validation rows or penalty"}
	}
	return nil
}
