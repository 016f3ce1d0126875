package lsq

import (
	"fmt"
	"math"
	"time"
)

// Linear is a fitted linear model on the original (unstandardised) scale:
//
//	ŷ = Intercept + Σ_j Coef[j]·x_j
type Linear struct {
	Features  []string  // names of the inputs, in the order of Coef
	Coef      []float64 // one coefficient per feature
	Intercept float64   // 0 when the model has no intercept
}

// Predict returns the model's prediction for one row of raw inputs, given in
// the order of Features. It panics if len(x) != len(Coef).
func (m *Linear) Predict(x []float64) float64 {
	if len(x) != len(m.Coef) {
		panic(fmt.Sprintf("lsq: Predict got %d inputs, model has %d features", len(x), len(m.Coef)))
	}
	s := m.Intercept
	for j, c := range m.Coef {
		s += c * x[j]
	}
	return s
}

// Status says why an iterative solver stopped.
type Status int

const (
	NotTerminated      Status = iota // still running
	Converged                        // an exact solve finished, or a generic convergence test held
	GradientTolerance                // the gradient norm fell below its tolerance
	ObjectiveTolerance               // the relative change of the objective fell below its tolerance
	StepTolerance                    // the relative change of the parameters fell below its tolerance
	EarlyStopped                     // the validation loss stopped improving; best weights restored
	IterationLimit                   // the epoch, iteration or evaluation limit was reached first
	Diverged                         // the loss became non-finite or rose far past its best
	Canceled                         // the context was cancelled (Ctrl-C, SIGTERM, a deadline)
	Failure                          // the method could not continue (singular system, flat region, ...)
	GapTolerance                     // the objective came within its tolerance of the known optimum
	Stalled                          // it stopped moving (or its rate decayed to nothing) far from the known optimum
	BelowOptimum                     // the objective fell clearly below the reference optimum, a local one (nonlinear), which is then not the best
)

var statusNames = [...]string{
	NotTerminated:      "not-terminated",
	Converged:          "converged",
	GradientTolerance:  "gradient-tolerance",
	ObjectiveTolerance: "objective-tolerance",
	StepTolerance:      "step-tolerance",
	EarlyStopped:       "early-stopped",
	IterationLimit:     "iteration-limit",
	Diverged:           "diverged",
	Canceled:           "canceled",
	Failure:            "failure",
	GapTolerance:       "gap-tolerance",
	Stalled:            "stalled",
	BelowOptimum:       "below-optimum",
}

// String returns the status in the kebab-case form used in JSON output.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("lsq: unknown status %q", b)
}

// Converged reports whether the status means the solver reached an optimum of
// its objective: Converged, GapTolerance and the three tolerance tests (the
// last are used only where the optimum is not known; where it is, as for
// every linear least-squares fit, success is GapTolerance alone). Early
// stopping on a validation set is a deliberate stop short of the training
// optimum and does not count, nor do Stalled and BelowOptimum.
func (s Status) Converged() bool {
	switch s {
	case Converged, GapTolerance, GradientTolerance, ObjectiveTolerance, StepTolerance:
		return true
	}
	return false
}

// Iteration is what an iterative solver reports after each epoch (or major
// iteration). ValLoss is NaN when there is no validation set.
type Iteration struct {
	Epoch       int           // 1-based epoch (or major iteration) just finished
	Step        int           // total parameter updates so far
	LR          float64       // learning rate used in the last step
	Loss        float64       // data loss: mean squared error / 2 for linear problems
	Objective   float64       // loss plus penalty
	GradNorm    float64       // Euclidean norm of the full gradient of the objective
	Clipped     int           // steps clipped during this epoch
	PreClipNorm float64       // largest gradient norm seen before clipping this epoch
	ValLoss     float64       // validation loss, NaN when there is none
	Gap         float64       // relative objective gap (F − F*)/D to the known optimum (D = max(|F*|, 1e-8·(F₀ − F*)), optim.Optimum.Gap), NaN when none is known
	Elapsed     time.Duration // time since the solver started
}

// Recorder observes the iterations of a solver. A Recorder must not modify
// the Iteration; an error returned from Record stops the solver with that error.
type Recorder interface {
	Record(it Iteration) error
}

// RecorderFunc adapts a function to the Recorder interface.
type RecorderFunc func(it Iteration) error

// Record calls f(it).
func (f RecorderFunc) Record(it Iteration) error { return f(it) }

// Recorders fans one iteration out to several recorders, in order; nil
// entries are skipped and the first error stops the fan-out.
type Recorders []Recorder

// Record calls each recorder in turn.
func (rs Recorders) Record(it Iteration) error {
	for _, r := range rs {
		if r == nil {
			continue
		}
		if err := r.Record(it); err != nil {
			return err
		}
	}
	return nil
}

// Finite reports whether every value is finite (no NaN, no ±Inf).
func Finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// NewLinear is the one way a fit's result becomes a model: it copies the
// coefficients, names the features (nil means "x1", "x2", …) and panics if
// the names and coefficients differ in number. The Model methods of the
// results of packages linear, stream and fit, enet.Result.Linear and
// modelio.Model.Linear call it.
func NewLinear(features []string, coef []float64, intercept float64) *Linear {
	if features == nil {
		features = make([]string, len(coef))
		for j := range features {
			features[j] = fmt.Sprintf("x%d", j+1)
		}
	}
	if len(features) != len(coef) {
		panic(fmt.Sprintf("lsq: %d feature names for %d coefficients", len(features), len(coef)))
	}
	return &Linear{
		Features:  append([]string(nil), features...),
		Coef:      append([]float64(nil), coef...),
		Intercept: intercept,
	}
}
