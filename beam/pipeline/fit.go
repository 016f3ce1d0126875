package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stream"
)

func init() {
	register.DoFn2x2[context.Context, fileio.ReadableFile, QRAcc, error](&foldQRFn{})
	register.DoFn2x2[context.Context, fileio.ReadableFile, GradAcc, error](&foldGradFn{})
	register.Combiner1[QRAcc](&qrCombineFn{})
	register.Combiner1[GradAcc](&gradCombineFn{})
	register.DoFn2x1[context.Context, QRAcc, error](&writeModelFn{})
	register.DoFn2x1[context.Context, QRAcc, error](&writeQRFn{})
	register.DoFn2x1[context.Context, GradAcc, error](&writeGradFn{})
}

// Runner runs a pipeline to completion: beamx.Run in a program (the runner
// then comes from the --runner flag, prism by default), ptest.Run in tests.
type Runner func(ctx context.Context, p *beam.Pipeline) error

// FitOptions configure the fit from the merged accumulator. The zero value
// fits ordinary least squares with an intercept; CSV.Target must be set.
type FitOptions struct {
	CSV         CSV
	NoIntercept bool // fit without an intercept

	// Solver is "exact" (or empty): the least-squares or ridge solution from
	// the merged triangular factor (stream.QR.Solve). "cd" is coordinate
	// descent on the weighted covariances the factor gives (stream.QR.Moments,
	// enet.FitMoments): the lasso, elastic net or ridge of Penalty, the
	// problem `lsq fit --solver cd` solves from the rows in memory. Both are
	// fit.FromQR on the decoded accumulator.
	Solver string
	// Penalty is cd's: "l1" (or "lasso"), "elasticnet" (or "enet") or "l2"
	// (or "ridge"), with strength Alpha and, for elasticnet, mixing L1Ratio:
	// α(ρ‖β‖₁ + (1−ρ)/2‖β‖²) on the objective (1/2W)Σw·r², as
	// penalty.ElasticNet states it. The exact solver takes no Penalty: its
	// Alpha is the ridge strength (stream.QR.Solve; 0 is least squares).
	Penalty string
	Alpha   float64
	L1Ratio float64
	// GapTol is cd's duality-gap tolerance (fit.Settings.GapTol; 0 is its
	// default).
	GapTol float64
	// Raw puts the penalty on the raw coefficients; by default it is on
	// those of the standardised features, as in every lsq fit.
	Raw bool

	// AccumulatorPath, when not empty, is where RunFit also writes the merged
	// QR accumulator.
	AccumulatorPath string
}

// Validate reports options that do not apply to the solver or are out of
// range, naming the option: what RunFit refuses before running anything.
func (o FitOptions) Validate() error {
	_, err := o.settings()
	return err
}

// settings returns the fit.Settings of the options, or an error naming the
// option that does not apply.
func (o FitOptions) settings() (*fit.Settings, error) {
	s := &fit.Settings{NoIntercept: o.NoIntercept, Raw: o.Raw, GapTol: o.GapTol}
	switch {
	case !(o.Alpha >= 0) || math.IsInf(o.Alpha, 1):
		return nil, fmt.Errorf("pipeline: Alpha %v must be a finite number ≥ 0", o.Alpha)
	case !(o.L1Ratio >= 0 && o.L1Ratio <= 1):
		return nil, fmt.Errorf("pipeline: L1Ratio %v must be between 0 and 1", o.L1Ratio)
	case !(o.GapTol >= 0):
		return nil, fmt.Errorf("pipeline: GapTol %v must be ≥ 0", o.GapTol)
	}
	switch o.Solver {
	case "", "exact":
		s.Solver = fit.QR
		if o.Penalty != "" || o.L1Ratio != 0 || o.GapTol != 0 {
			return nil, errors.New("pipeline: Penalty, L1Ratio and GapTol are the cd solver's; the exact solver takes Alpha as the ridge strength")
		}
		if o.Alpha != 0 {
			s.Penalty = penalty.L2{Alpha: o.Alpha}
		}
	case "cd":
		s.Solver = fit.CD
		if o.L1Ratio != 0 && penaltyName(o.Penalty) != "elasticnet" {
			return nil, fmt.Errorf("pipeline: L1Ratio applies to the elasticnet penalty only, not %q", o.Penalty)
		}
		switch penaltyName(o.Penalty) {
		case "l1":
			s.Penalty = penalty.L1{Alpha: o.Alpha}
		case "elasticnet":
			s.Penalty = penalty.ElasticNet{Alpha: o.Alpha, L1Ratio: o.L1Ratio}
		case "l2":
			s.Penalty = penalty.L2{Alpha: o.Alpha}
		default:
			return nil, fmt.Errorf("pipeline: cd penalty %q: want l1, elasticnet or l2", o.Penalty)
		}
	default:
		return nil, fmt.Errorf("pipeline: solver %q: want exact or cd", o.Solver)
	}
	return s, nil
}

// penaltyName returns the canonical name of a penalty's name or alias, as
// the lsq command accepts them; unknown names are returned as they are.
func penaltyName(p string) string {
	switch p {
	case "lasso":
		return "l1"
	case "enet":
		return "elasticnet"
	case "ridge":
		return "l2"
	}
	return p
}

// FoldFiles adds to s the transforms that fold each file matching glob into
// a QR accumulator and merge them. The result holds one QRAcc, the empty one
// if no file matched.
func FoldFiles(s beam.Scope, glob string, o FitOptions) beam.PCollection {
	s = s.Scope("lsq.FoldFiles")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, glob))
	accs := beam.ParDo(s, &foldQRFn{CSV: o.CSV, NoIntercept: o.NoIntercept}, files)
	// The empty accumulator joins the files' so the combine has an input and
	// emits one element even when the glob matches nothing (prism emits
	// nothing for a global combine of an empty collection); the writer then
	// reports ErrNoFiles instead of leaving an old output in place.
	return beam.Combine(s, &qrCombineFn{}, beam.Flatten(s, beam.Create(s, QRAcc{}), accs))
}

// GradFiles adds to s the transforms that fold each file matching glob into
// a gradient accumulator at the parameters p and merge them. The result holds
// one GradAcc, the empty one if no file matched.
func GradFiles(s beam.Scope, glob string, c CSV, p stream.GradParams) beam.PCollection {
	s = s.Scope("lsq.GradFiles")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, glob))
	fn := &foldGradFn{CSV: c, Coef: p.Coef, Intercept: p.Intercept, Center: p.Center, Scale: p.Scale}
	accs := beam.ParDo(s, fn, files)
	return beam.Combine(s, &gradCombineFn{}, beam.Flatten(s, beam.Create(s, GradAcc{}), accs))
}

// WriteModel adds to s a transform that solves the merged accumulator in acc
// (as made by FoldFiles) and writes the model file to path (local, or any
// scheme Beam's file system knows, such as gs://).
func WriteModel(s beam.Scope, acc beam.PCollection, path string, o FitOptions) {
	s = s.Scope("lsq.WriteModel")
	beam.ParDo0(s, &writeModelFn{Path: path, Options: o}, acc)
}

// WriteAccumulator adds a transform that writes the merged accumulator (a
// QRAcc or a GradAcc collection with one element) to path as JSON, for a
// driver to read back.
func WriteAccumulator(s beam.Scope, acc beam.PCollection, path string) {
	s = s.Scope("lsq.WriteAccumulator")
	switch acc.Type().Type() {
	case reflectTypeQR:
		beam.ParDo0(s, &writeQRFn{Path: path}, acc)
	case reflectTypeGrad:
		beam.ParDo0(s, &writeGradFn{Path: path}, acc)
	default:
		panic(fmt.Sprintf("pipeline: WriteAccumulator on a collection of %v", acc.Type()))
	}
}

// ErrNoFiles is returned when the glob matched no file with rows.
var ErrNoFiles = errors.New("pipeline: no input rows: the glob matched no file")

// Model builds the model file content from a merged accumulator: the fit
// of fit.FromQR on the decoded accumulator, with the settings of o. The
// exact fit's file carries n (the rows read, weight zero included), nobs
// (the rows of positive weight, which df counts), df, RSS, residual SD, R²,
// adjusted R² and the standard errors in its training object; cd's is the file `lsq fit
// --stream --solver cd` writes (solver cd-stream): the penalty, the
// standardisation, and the MSE, objective, status and iterations.
func Model(ctx context.Context, acc QRAcc, o FitOptions) (*modelio.Model, *fit.Result, error) {
	s, err := o.settings()
	if err != nil {
		return nil, nil, err
	}
	q, err := acc.Decode()
	if err != nil {
		return nil, nil, err
	}
	if q == nil {
		return nil, nil, ErrNoFiles
	}
	res, err := fit.FromQR(ctx, q, s)
	if err != nil {
		return nil, nil, err
	}
	m := &modelio.Model{
		Kind:         modelio.KindLinear,
		Target:       o.CSV.Target,
		Features:     acc.Features,
		Coef:         res.Coef,
		Intercept:    res.Intercept,
		FitIntercept: !o.NoIntercept,
	}
	if s.Solver == fit.CD {
		cdModel(m, res, o, acc.Files())
	} else {
		exactModel(m, res.Streamed, o, acc.Files())
	}
	return m, res, nil
}

// exactModel fills the solver and training statistics of an exact fit.
func exactModel(m *modelio.Model, r *stream.Result, o FitOptions, files int) {
	solver := "tsqr"
	settings := map[string]any{"backend": "beam"}
	if o.Alpha > 0 {
		solver = "tsqr-ridge"
		settings["alpha"] = o.Alpha
	}
	training := map[string]any{
		"n":           r.Rows,
		"nobs":        r.N,
		"df":          r.DF,
		"sum_weights": r.SumWeights,
		"files":       files,
	}
	finite := func(name string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			training[name] = v
		}
	}
	finite("rss", r.RSS)
	finite("residual_sd", r.ResidualSD)
	finite("r2", r.R2)
	finite("adj_r2", r.AdjR2)
	finite("intercept_std_err", r.InterceptStdErr)
	if r.StdErr != nil && !anyNaN(r.StdErr) {
		training["std_err"] = r.StdErr
	}
	m.Solver = modelio.Solver{Name: solver, Settings: settings}
	m.Training = training
}

// cdModel fills what the lsq command's model file of a streamed cd fit
// holds: the solver cd-stream and its penalty and standardisation, the
// standardisation it worked in (modelio.Scaling), and the MSE, objective,
// status and iterations of the fit.
func cdModel(m *modelio.Model, res *fit.Result, o FitOptions, files int) {
	m.Solver = modelio.Solver{Name: "cd-stream", Settings: map[string]any{
		"backend": "beam", "standardize": !o.Raw, "penalty": penaltyName(o.Penalty), "alpha": o.Alpha, "l1_ratio": o.L1Ratio,
	}}
	if o.GapTol != 0 {
		m.Solver.Settings["gap_tol"] = o.GapTol
	}
	if res.Scale != nil {
		m.Scaling = modelScaling(res.Center, res.Scale)
	}
	finiteOr := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return v
	}
	m.Training = map[string]any{
		"n": res.N, "mse": finiteOr(res.MSE), "objective": finiteOr(res.Objective), "duality_gap": finiteOr(res.DualityGap),
		"status": res.Status.String(), "iterations": res.Iterations, "files": files,
	}
}

// modelScaling is the model file's record of a standardisation: a nil
// centre (no intercept) is written as zeros, since the file always carries
// one.
func modelScaling(center, scale []float64) *modelio.Scaling {
	if center == nil {
		center = make([]float64, len(scale))
	}
	return &modelio.Scaling{Center: center, Scale: scale}
}

func anyNaN(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

type writeModelFn struct {
	Path    string
	Options FitOptions
}

func (fn *writeModelFn) ProcessElement(ctx context.Context, acc QRAcc) error {
	m, _, err := Model(ctx, acc, fn.Options)
	if err != nil {
		return err
	}
	return writeFile(ctx, fn.Path, func(w io.Writer) error { return modelio.Encode(w, m) })
}

type writeQRFn struct{ Path string }

func (fn *writeQRFn) ProcessElement(ctx context.Context, acc QRAcc) error {
	return writeJSON(ctx, fn.Path, acc)
}

type writeGradFn struct{ Path string }

func (fn *writeGradFn) ProcessElement(ctx context.Context, acc GradAcc) error {
	return writeJSON(ctx, fn.Path, acc)
}

func writeJSON(ctx context.Context, path string, v any) error {
	return writeFile(ctx, path, func(w io.Writer) error { return json.NewEncoder(w).Encode(v) })
}

// ReadAccumulator reads an accumulator written by WriteAccumulator into v,
// a *QRAcc or a *GradAcc.
func ReadAccumulator(ctx context.Context, path string, v any) error {
	b, err := readFile(ctx, path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// RunFit fits the model to the files matching glob in one pipeline run,
// writes the model file to modelPath and returns the model read back from
// it. If o.AccumulatorPath is set, the merged accumulator is also written
// there (see WriteAccumulator), so it can be merged with later data.
func RunFit(ctx context.Context, run Runner, glob, modelPath string, o FitOptions) (*modelio.Model, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	p, s := beam.NewPipelineWithRoot()
	acc := FoldFiles(s, glob, o)
	WriteModel(s, acc, modelPath, o)
	if o.AccumulatorPath != "" {
		WriteAccumulator(s, acc, o.AccumulatorPath)
	}
	if err := run(ctx, p); err != nil {
		return nil, err
	}
	b, err := readFile(ctx, modelPath)
	if err != nil {
		return nil, err
	}
	return modelio.Decode(b, modelPath)
}
