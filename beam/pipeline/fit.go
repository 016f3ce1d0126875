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

	"github.com/lsqgo/lsq/modelio"
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

// FitOptions configure the exact fit. The zero value fits ordinary least
// squares with an intercept; CSV.Target must be set.
type FitOptions struct {
	CSV         CSV
	NoIntercept bool    // fit without an intercept
	Alpha       float64 // ridge strength, as in stream.QR.Solve; 0 is least squares
	// Raw puts the ridge penalty on the raw coefficients; by default it is on
	// those of the standardised features, as in every lsq fit.
	Raw bool

	// AccumulatorPath, when not empty, is where RunFit also writes the merged
	// QR accumulator.
	AccumulatorPath string
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
	beam.ParDo0(s, &writeModelFn{Path: path, Target: o.CSV.Target, Alpha: o.Alpha, NoIntercept: o.NoIntercept, Raw: o.Raw}, acc)
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

// Model builds the model file content from a merged accumulator.
func Model(acc QRAcc, o FitOptions) (*modelio.Model, *stream.Result, error) {
	q, err := acc.Decode()
	if err != nil {
		return nil, nil, err
	}
	if q == nil {
		return nil, nil, ErrNoFiles
	}
	var scale []float64
	if !o.Raw {
		_, scale = q.Standardization()
	}
	r, err := q.Solve(o.Alpha, scale)
	if err != nil {
		return nil, nil, err
	}
	solver := "tsqr"
	settings := map[string]any{"backend": "beam"}
	if o.Alpha > 0 {
		solver = "tsqr-ridge"
		settings["alpha"] = o.Alpha
	}
	training := map[string]any{
		"n":           r.N,
		"df":          r.DF,
		"sum_weights": r.SumWeights,
		"files":       acc.Files,
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
	m := &modelio.Model{
		Kind:         modelio.KindLinear,
		Target:       o.CSV.Target,
		Features:     acc.Features,
		Coef:         r.Coef,
		Intercept:    r.Intercept,
		FitIntercept: !o.NoIntercept,
		Solver:       modelio.Solver{Name: solver, Settings: settings},
		Training:     training,
	}
	return m, r, nil
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
	Path        string
	Target      string
	Alpha       float64
	NoIntercept bool
	Raw         bool
}

func (fn *writeModelFn) ProcessElement(ctx context.Context, acc QRAcc) error {
	m, _, err := Model(acc, FitOptions{CSV: CSV{Target: fn.Target}, Alpha: fn.Alpha, NoIntercept: fn.NoIntercept, Raw: fn.Raw})
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
