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
//	  "inference": {"unscaled": [[...]], "sigma": 0.89, "df": 3},
//	  "state": {...}
//	}
//
// Coefficients are always on the original scale, so a model predicts from raw
// inputs; "scaling" records the standardisation an iterative solver worked
// in, and "state" the solver's exact parameter vector, schedule and
// optimiser state so that a fit started from the file resumes where it
// stopped. A curve model (kind "curve") carries its expression and named
// parameters instead of coefficients. "inference", written by the exact
// unpenalised fits and by curve fits, is what intervals on predictions
// need; older files without it still load.
//
// Readers refuse a file that is not a model, is truncated, or has a version
// newer than they understand, with an *Error; Encode and Save refuse a model
// the readers would refuse.
//
// From Go, a linear model is a Model with Kind KindLinear, its Features, Coef
// and Intercept (from a fit.Result); Save writes it, Load reads it back and
// Model.Linear().Predict predicts from raw inputs (see the package Example).
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
	"github.com/lsqgo/lsq/formula"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/internal/fsutil"
)

// Format is the value of the "format" field of every model file.
const Format = "lsq-model"

// CurrentVersion is the newest model-file version this package writes and reads.
const CurrentVersion = 1

// Kinds of model.
const (
	KindLinear  = "linear"
	KindCurve   = "curve"
	KindTargets = "targets" // several targets: a coefficient matrix
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

	// Models of several targets (KindTargets): CoefMatrix[j][t] is the
	// coefficient of feature j for target t, Intercepts[t] the intercepts.
	Targets    []string    `json:"targets,omitempty"`
	CoefMatrix [][]float64 `json:"coef_matrix,omitempty"`
	Intercepts []float64   `json:"intercepts,omitempty"`

	// Curve models: the expression and its fitted parameters.
	Expression string             `json:"expression,omitempty"`
	Params     map[string]float64 `json:"params,omitempty"`
	ParamOrder []string           `json:"param_order,omitempty"`

	// Design, when present, says how the features are made from raw
	// columns, so that predict and eval take the raw data. Model files
	// without it (older ones, plain-column fits) name raw columns as
	// features.
	Design *Design `json:"design,omitempty"`
	// Net models (kind "net"): see Net.
	Net *Net `json:"net,omitempty"`

	Scaling  *Scaling       `json:"scaling,omitempty"`
	Solver   Solver         `json:"solver"`
	Training map[string]any `json:"training,omitempty"`
	State    *State         `json:"state,omitempty"`

	// Inference, when present, holds what intervals on predictions need
	// (see Inference); files written before it existed load without it.
	Inference *Inference `json:"inference,omitempty"`
}

// Inference is what intervals on a model's predictions need, as
// stats.Predictive: Unscaled is (X̃ᵀWX̃)⁻¹ for a linear model, rows and
// columns ordered intercept first (when FitIntercept) then Coef; for a
// curve model (JᵀWJ)⁻¹ at the estimates, ordered as ParamOrder. Sigma is
// the residual standard deviation √(Σwᵢrᵢ²/DF) and DF the residual degrees
// of freedom. Weighted says the fit had observation weights, so that a
// prediction interval needs the new rows' weights (R's predict.lm:
// pred.var = res.var/weights). Aliased names the features of a
// rank-deficient linear fit that are linear combinations of the others
// (Unscaled is then the pseudo-inverse).
type Inference struct {
	Unscaled [][]float64 `json:"unscaled"`
	Sigma    float64     `json:"sigma"`
	DF       int         `json:"df"`
	Weighted bool        `json:"weighted,omitempty"`
	Aliased  []string    `json:"aliased,omitempty"`
}

// Design is what turns raw data columns into a model's features: a
// formula (with "." expanded) and what it learned from the training data —
// factor levels with their reference level, orthogonal polynomial bases —
// or the powers 1…Degree of one column (--degree); the raw columns it
// reads; and how missing values were treated.
type Design struct {
	Formula  string           `json:"formula,omitempty"`
	Degree   int              `json:"degree,omitempty"`
	Columns  []string         `json:"columns"`
	Factors  []formula.Factor `json:"factors,omitempty"`
	Poly     []formula.Poly   `json:"poly,omitempty"`
	NA       string           `json:"na,omitempty"`        // "drop" or "error"
	NAValues []string         `json:"na_values,omitempty"` // extra cell texts read as missing
	// Statsmodels names the features as statsmodels (patsy) does.
	Statsmodels []string `json:"statsmodels_names,omitempty"`
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

// Linear returns the model as an lsq.Linear, by lsq.NewLinear: the
// coefficients are copied, so changing one changes neither the other nor
// what Save writes. It panics if the model is not linear, or if its
// features and coefficients differ in number (which Load and Decode
// refuse).
func (m *Model) Linear() *lsq.Linear {
	if m.Kind != KindLinear {
		panic("modelio: Linear called on a " + m.Kind + " model")
	}
	return lsq.NewLinear(m.Features, m.Coef, m.Intercept)
}

// Error is a model file that cannot be used.
type Error struct {
	File string // the file's name
	Msg  string // what is wrong and what to do
}

func (e *Error) Error() string { return e.File + ": " + e.Msg }

// Encode writes m as indented JSON. It fills Format, Version and LSQVersion
// (the only fields it writes to m), and refuses, writing nothing, a model
// Decode would refuse — an unknown Kind, features and coefficients that do
// not match, non-finite values — so that no file is written that cannot be
// read back.
func Encode(w io.Writer, m *Model) error {
	m.Format = Format
	m.Version = CurrentVersion
	m.LSQVersion = lsq.Version
	if !lsq.Finite(m.Coef) || math.IsNaN(m.Intercept) || math.IsInf(m.Intercept, 0) {
		return errors.New("modelio: refusing to save a model with non-finite coefficients")
	}
	if err := m.validate(); err != nil {
		return fmt.Errorf("modelio: refusing to save a model that cannot be read back: %w", err)
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

// Save writes m to path atomically, by Encode: a model Encode refuses
// leaves path as it was.
func Save(path string, m *Model) error {
	return fsutil.WriteFile(path, func(w io.Writer) error { return Encode(w, m) })
}

// Load reads and validates the model file at path.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		msg, hint := fsutil.ReadProblem(err)
		if hint != "" {
			msg += "; " + hint
		}
		return nil, &Error{File: path, Msg: "cannot read the model file: " + msg}
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
			return fmt.Errorf("the model has %s but %s", english.Count(len(m.Features), "feature"), english.Count(len(m.Coef), "coefficient"))
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
	case KindTargets:
		if len(m.Features) == 0 || len(m.Targets) == 0 {
			return errors.New("the model has no features or no targets")
		}
		if len(m.CoefMatrix) != len(m.Features) || len(m.Intercepts) != len(m.Targets) {
			return fmt.Errorf("the model has %s and %s but a %d-row coefficient matrix and %s", english.Count(len(m.Features), "feature"), english.Count(len(m.Targets), "target"), len(m.CoefMatrix), english.Count(len(m.Intercepts), "intercept"))
		}
		for j, row := range m.CoefMatrix {
			if len(row) != len(m.Targets) {
				return fmt.Errorf("row %d of the coefficient matrix has %s for %s", j+1, english.Count(len(row), "value"), english.Count(len(m.Targets), "target"))
			}
		}
	case KindNet:
		if err := m.validateNet(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown model kind %q (want %q, %q, %q or %q)", m.Kind, KindLinear, KindCurve, KindTargets, KindNet)
	}
	seen := map[string]bool{}
	for _, f := range m.Features {
		if seen[f] {
			return fmt.Errorf("feature %q appears twice", f)
		}
		seen[f] = true
	}
	if err := m.Inference.validate(m); err != nil {
		return err
	}
	if d := m.Design; d != nil && d.Degree > 1 && len(d.Columns) != 1 {
		return errors.New("the model's design raises powers of one column but names " + fmt.Sprint(len(d.Columns)))
	}
	if m.Scaling != nil && (len(m.Scaling.Center) != len(m.Features) || len(m.Scaling.Scale) != len(m.Features)) {
		return errors.New("the model's scaling does not match its features")
	}
	return nil
}

func (inf *Inference) validate(m *Model) error {
	if inf == nil {
		return nil
	}
	q := len(m.ParamOrder)
	if m.Kind == KindLinear {
		q = len(m.Coef)
		if m.FitIntercept {
			q++
		}
	}
	if len(inf.Unscaled) != q {
		return fmt.Errorf("the inference block has a %d-row matrix for %d estimates; write the model again", len(inf.Unscaled), q)
	}
	for i, r := range inf.Unscaled {
		if len(r) != q {
			return fmt.Errorf("row %d of the inference matrix has %d entries, want %d; write the model again", i+1, len(r), q)
		}
		if !lsq.Finite(r) {
			return fmt.Errorf("row %d of the inference matrix is not finite; write the model again", i+1)
		}
	}
	if !(inf.Sigma >= 0) || math.IsInf(inf.Sigma, 0) {
		return fmt.Errorf("the inference block's sigma %v is not a finite number ≥ 0", inf.Sigma)
	}
	if inf.DF < 1 {
		return fmt.Errorf("the inference block's df %d must be at least 1", inf.DF)
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
