// Package modelio reads and writes lsq model files: versioned JSON, written
// atomically (temporary file in the target's directory, fsync, rename).
//
// A model file is one JSON object:
//
//	{
//	  "format": "lsq-model",
//	  "version": 1,
//	  "lsq_version": "0.1.0",
//	  "kind": "linear",
//	  "features": ["x"],
//	  "coef": [0.6],
//	  "intercept": 2.2,
//	  "fit_intercept": true,
//	  "scaling": {"center": [3], "scale": [1.414]},
//	  "solver": {"name": "qr", "settings": {...}},
//	  "training": {"n": 5, "loss": 0.24, ...},
//	  "state": {...}
//	}
//
// Coefficients are always on the original scale, so a model predicts from raw
// inputs; "scaling" records the standardisation an iterative solver worked
// in, and "state" the solver's exact parameter vector, schedule and
// optimiser state so that a fit started from the file resumes where it
// stopped. A curve model (kind "curve") carries its expression and named
// parameters instead of coefficients.
//
// Readers refuse a file that is not a model, is truncated, or has a version
// newer than they understand.
package modelio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/fsutil"
)

// Format is the value of the "format" field of every model file.
const Format = "lsq-model"

// CurrentVersion is the newest model-file version this package writes and reads.
const CurrentVersion = 1

// Kinds of model.
const (
	KindLinear = "linear"
	KindCurve  = "curve"
)

// Model is the content of a model file.
type Model struct {
	Format       string    `json:"format"`
	Version      int       `json:"version"`
	LSQVersion   string    `json:"lsq_version"`
	Kind         string    `json:"kind"`
	Target       string    `json:"target,omitempty"`
	Features     []string  `json:"features"`
	Coef         []float64 `json:"coef,omitempty"`
	Intercept    float64   `json:"intercept"`
	FitIntercept bool      `json:"fit_intercept"`

	// Curve models: the expression and its fitted parameters.
	Expression string             `json:"expression,omitempty"`
	Params     map[string]float64 `json:"params,omitempty"`
	ParamOrder []string           `json:"param_order,omitempty"`

	// Net models (kind "net"): see Net.
	Net *Net `json:"net,omitempty"`

	Scaling  *Scaling       `json:"scaling,omitempty"`
	Solver   Solver         `json:"solver"`
	Training map[string]any `json:"training,omitempty"`
	State    *State         `json:"state,omitempty"`
}

// Scaling is the standardisation an iterative solver worked in:
// z_j = (x_j − Center[j]) / Scale[j].
type Scaling struct {
	Center []float64 `json:"center"`
	Scale  []float64 `json:"scale"`
}

// Solver names the solver and the settings it ran with.
type Solver struct {
	Name     string         `json:"name"`
	Settings map[string]any `json:"settings,omitempty"`
}

// State is what a resumed fit needs to continue bit for bit: the parameter
// vector in the solver's own coordinates, the counts so far, and the
// optimiser's and schedule's internal state, as opaque named vectors.
type State struct {
	Params    []float64            `json:"params"`
	Epoch     int                  `json:"epoch"`
	Step      int                  `json:"step"`
	Optimizer map[string][]float64 `json:"optimizer,omitempty"`
	Schedule  map[string]float64   `json:"schedule,omitempty"`
	RNG       []byte               `json:"rng,omitempty"`
	Extra     map[string]any       `json:"extra,omitempty"`
}

// Linear returns the model as an lsq.Linear. It panics if the model is not linear.
func (m *Model) Linear() *lsq.Linear {
	if m.Kind != KindLinear {
		panic("modelio: Linear called on a " + m.Kind + " model")
	}
	return &lsq.Linear{Features: m.Features, Coef: m.Coef, Intercept: m.Intercept}
}

// Error is a model file that cannot be used.
type Error struct {
	File string // the file's name
	Msg  string // what is wrong and what to do
}

func (e *Error) Error() string { return e.File + ": " + e.Msg }

// Encode writes m as indented JSON. It fills Format, Version and LSQVersion.
func Encode(w io.Writer, m *Model) error {
	m.Format = Format
	m.Version = CurrentVersion
	m.LSQVersion = lsq.Version
	if !lsq.Finite(m.Coef) || math.IsNaN(m.Intercept) || math.IsInf(m.Intercept, 0) {
		return errors.New("modelio: refusing to save a model with non-finite coefficients")
	}
	for name, v := range m.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("modelio: refusing to save a model with non-finite parameter %s", name)
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("modelio: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// Save writes m to path atomically.
func Save(path string, m *Model) error {
	return fsutil.WriteFile(path, func(w io.Writer) error { return Encode(w, m) })
}

// Load reads and validates the model file at path.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read model file: %v", err)}
	}
	return Decode(b, path)
}

// Decode parses and validates a model file's bytes; name is used in errors.
func Decode(b []byte, name string) (*Model, error) {
	fail := func(format string, args ...any) (*Model, error) {
		return nil, &Error{File: name, Msg: fmt.Sprintf(format, args...)}
	}
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return fail("the file is empty, not an lsq model; write one with `lsq fit ... -o %s`", name)
	}
	if trimmed[0] != '{' {
		return fail("not an lsq model file (it does not start with a JSON object); write one with `lsq fit ... -o FILE`")
	}
	// First read only the header, so a newer version is reported as such
	// rather than as whatever field it changed.
	var head struct {
		Format  *string `json:"format"`
		Version *int    `json:"version"`
	}
	if err := json.Unmarshal(trimmed, &head); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			if se.Offset >= int64(len(trimmed)) || errors.Is(err, io.ErrUnexpectedEOF) || se.Error() == "unexpected end of JSON input" {
				return fail("the model file is truncated (it ends in the middle of the JSON); write it again with `lsq fit ... -o`")
			}
			line, col := lineCol(trimmed, se.Offset)
			return fail("not a valid model file: JSON syntax error at line %d, column %d: %v", line, col, err)
		}
		return fail("not an lsq model file: %v", err)
	}
	if head.Format == nil || *head.Format != Format {
		return fail("not an lsq model file (no \"format\": %q field)", Format)
	}
	if head.Version == nil {
		return fail("the model file has no \"version\" field")
	}
	if *head.Version > CurrentVersion {
		return fail("model file version %d is newer than this lsq (%s) understands (version %d); upgrade lsq", *head.Version, lsq.Version, CurrentVersion)
	}
	if *head.Version < 1 {
		return fail("model file version %d is not valid", *head.Version)
	}
	var m Model
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(&m); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			line, col := lineCol(trimmed, te.Offset)
			return fail("line %d, column %d: field %q holds a %s where a %s belongs; write the model again with `lsq fit ... -o`", line, col, te.Field, te.Value, te.Type)
		}
		return fail("not a valid model file: %v", err)
	}
	// encoding/json reads null as 0: a coefficient edited into null must
	// not silently become zero.
	var nulls struct {
		Coef   []*float64          `json:"coef"`
		Params map[string]*float64 `json:"params"`
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(trimmed, &fields) == nil && string(fields["intercept"]) == "null" {
		return fail("the intercept is null; write the model again with `lsq fit ... -o`")
	}
	if json.Unmarshal(trimmed, &nulls) == nil {
		for j, c := range nulls.Coef {
			if c == nil {
				return fail("coefficient %d is null; write the model again with `lsq fit ... -o`", j+1)
			}
		}
		for name, v := range nulls.Params {
			if v == nil {
				return fail("parameter %s is null; write the model again with `lsq curve ... -o`", name)
			}
		}
	}
	if err := m.validate(); err != nil {
		return fail("%v", err)
	}
	return &m, nil
}

func (m *Model) validate() error {
	switch m.Kind {
	case KindLinear:
		if len(m.Features) == 0 {
			return errors.New("the model has no features")
		}
		if len(m.Coef) != len(m.Features) {
			return fmt.Errorf("the model has %d features but %d coefficients", len(m.Features), len(m.Coef))
		}
	case KindCurve:
		if m.Expression == "" {
			return errors.New("the curve model has no expression")
		}
		for _, p := range m.ParamOrder {
			if _, ok := m.Params[p]; !ok {
				return fmt.Errorf("the curve model has no value for parameter %s", p)
			}
		}
	case KindNet:
		if err := m.validateNet(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown model kind %q (want %q, %q or %q)", m.Kind, KindLinear, KindCurve, KindNet)
	}
	seen := map[string]bool{}
	for _, f := range m.Features {
		if seen[f] {
			return fmt.Errorf("feature %q appears twice", f)
		}
		seen[f] = true
	}
	if m.Scaling != nil && (len(m.Scaling.Center) != len(m.Features) || len(m.Scaling.Scale) != len(m.Features)) {
		return errors.New("the model's scaling does not match its features")
	}
	return nil
}

func lineCol(b []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(b)); i++ {
		if b[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
