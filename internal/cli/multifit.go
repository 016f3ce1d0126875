package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stats"
)

// multiOutput is the JSON form of a fit of several targets.
type multiOutput struct {
	File           string      `json:"file"`
	Targets        []string    `json:"targets"`
	Features       []string    `json:"features"`
	Coef           [][]float64 `json:"coef"` // coef[j][t]: feature j, target t
	Intercepts     []float64   `json:"intercepts"`
	Solver         string      `json:"solver"`
	Rank           int         `json:"rank"`
	SingularValues []jsonFloat `json:"singular_values"`
	Objective      jsonFloat   `json:"objective"`
	N              int         `json:"n"`
	Status         string      `json:"status"`
	Converged      bool        `json:"converged"`
	Iterations     int         `json:"iterations,omitempty"`
	Exact          *multiExact `json:"exact,omitempty"` // LoRA: the exact rank-r update's model
	Gap            *gapOut     `json:"gap,omitempty"`
	Model          string      `json:"model,omitempty"`
	Trace          string      `json:"trace,omitempty"`
	// Summaries are the per-target summaries (--summary, no rank
	// constraint): those of k separate fits.
	Summaries []*summaryOut `json:"summaries,omitempty"`

	sums []*stats.Summary
	// streamed says how a streamed fit read its data: a line of the text
	// output only, as fitOutput's, so that the JSON keys are the same in
	// memory and streamed.
	streamed string
}

type multiExact struct {
	Coef       [][]float64 `json:"coef"`
	Intercepts []float64   `json:"intercepts"`
	Objective  jsonFloat   `json:"objective"`
}

// multiFitFlags are the flags a fit of several targets takes; any other is
// refused by name.
var multiFitFlags = map[string]bool{"target": true, "features": true, "weights": true, "delimiter": true, "no-intercept": true,
	"standardize": true, "penalty": true, "alpha": true, "rank": true, "init": true, "solver": true, "lr": true, "epochs": true,
	"batch-size": true, "seed": true, "schedule": true, "warmup": true, "clip-norm": true, "clip-value": true, "tol": true,
	"trace": true, "quiet": true, "json": true, "output": true, "lora-alpha": true, "memory": true, "stream": true, "summary": true}

// loraFlags are the flags of multiFitFlags that only the LoRA run reads:
// the exact fit (reduced rank or not, in memory or streamed) has no
// iterations for them to set.
var loraFlags = []string{"lr", "epochs", "batch-size", "seed", "schedule", "warmup", "clip-norm", "clip-value", "tol", "trace", "lora-alpha"}

// runMultiFit is `lsq fit --target y1,y2,...` (and --rank): several targets
// by one objective; with --rank the best coefficient matrix of that rank
// (reduced-rank regression); with --init the update of a trained model, by
// its closed form or, with an iterative --solver, by LoRA beside it.
func runMultiFit(ctx context.Context, o fitOptions, stdio IO) error {
	for _, name := range o.changedFlags() {
		if !multiFitFlags[name] {
			return usagef("--%s does not apply to a fit of several targets or with --rank", name)
		}
	}
	if o.Rank < 0 {
		return usagef("--rank %d must be 1 or more", o.Rank)
	}
	if _, err := o.Penalty.build(o.changed("alpha")); err != nil {
		return err // the ranges, and --alpha with a penalty, as for one target
	}
	lora := o.changed("solver")
	solver, err := fit.ParseSolver(o.Solver)
	if err != nil {
		return usagef("--solver %q: %v", o.Solver, err)
	}
	if lora && (solver.Exact() || solver.Penalized() || o.Init == "" || o.Rank == 0) {
		return usagef("--solver %s with several targets trains a low-rank adapter (LoRA): give --init BASE and --rank r and an iterative solver; without --solver the exact fit is computed", solver)
	}
	if !lora {
		for _, name := range loraFlags {
			if o.changed(name) {
				return usagef("--%s applies to LoRA (an iterative --solver with --init BASE and --rank r); without --solver the fit of several targets is exact", name)
			}
		}
	}
	if !lora && o.Penalty.Name == "none" && o.changed("standardize") {
		return standardizeUnused("an exact fit of several targets without a penalty")
	}
	if pen := o.Penalty.Name; pen != "none" && pen != "l2" && pen != "ridge" {
		return usagef("--penalty %s: a fit of several targets takes none or l2 (with --init BASE, l2 pulls toward the base model, as l2sp does for one target)", pen)
	}
	if err := o.checkBatch(solver); err != nil { // only LoRA gets here with --batch-size
		return err
	}
	if lora && o.Penalty.Name != "none" {
		return usagef("--penalty does not apply to LoRA, whose objective is the least-squares loss of the adapted model")
	}
	files, err := expandInputs(o.Files)
	if err != nil {
		return err
	}
	if o.Stream || len(files) > 1 {
		if lora {
			return usagef("--stream fits several targets exactly (one QR of [1 X Y]); LoRA needs the rows in memory")
		}
		return runStreamTargets(ctx, o, files, stdio)
	}
	x, y, w, fr, targets, err := loadTargets(o.Data, o.File, stdio)
	if err != nil {
		return err
	}
	if err := rankInRange(o.Rank, len(fr.Features), len(targets)); err != nil {
		return err
	}
	var base *fit.Targets
	if o.Init != "" {
		if base, err = loadBase(o.Init, fr.Features, targets); err != nil {
			return err
		}
	}
	out := multiOutput{File: o.File, Targets: targets, Features: fr.Features, N: fr.Rows(), Solver: "qr"}
	var res *fit.Targets
	var fitErr error
	if lora {
		res, fitErr = runLoRA(ctx, &o, stdio, x, y, w, base, solver, &out)
	} else {
		res, fitErr = runReducedRank(ctx, &o, x, y, w, base, &out)
	}
	if res == nil {
		return fitErr
	}
	return finishMulti(&o, stdio, &out, res, fitErr)
}

// rankInRange refuses a rank r above min(d, k), the largest rank of the d×k
// coefficient matrix of d features and k targets: such a rank constrains
// nothing, and its fit is the unconstrained one, of rank min(d, k).
func rankInRange(r, d, k int) error {
	if full := min(d, k); r > full {
		return usagef("--rank %d: the coefficients of %s and %s form a %d×%d matrix, of rank at most %d; give a rank from 1 to %d (%d is the unconstrained fit)",
			r, english.Count(d, "feature"), english.Count(k, "target"), d, k, full, full, full)
	}
	return nil
}

// runStreamTargets fits several targets from files read once
// (fit.StreamTargets) and prints them as in memory (exactMulti,
// finishMulti), with the solver named X-stream and a "streamed:" line.
func runStreamTargets(ctx context.Context, o fitOptions, files []string, stdio IO) error {
	so := o
	var targets []string
	var err error
	if so.Data, targets, err = targetsAsColumns(o.Data); err != nil {
		return err
	}
	fp, err := newFilePartitions(so.Data, so.Quiet, files, stdio)
	if err != nil {
		return err
	}
	var features []string
	parts := make([]fit.TargetChunks, len(fp.parts))
	for k, part := range fp.parts {
		parts[k] = func(yield func(x, y *mat.Dense, w []float64) error) error {
			var xi, yi []int
			return part(func(all *mat.Dense, _, w []float64) error {
				if xi == nil {
					var err error
					if xi, yi, err = splitColumns(fp.names[k], targets, files[k]); err != nil {
						return err
					}
				}
				x, y := pickColumns(all, xi), pickColumns(all, yi)
				return yield(x, y, w)
			})
		}
	}
	ms := &fit.MultiSettings{NoIntercept: o.NoIntercept, Raw: !o.Standardize, Rank: o.Rank}
	if o.Penalty.Name != "none" {
		ms.Ridge = o.Penalty.Alpha
	}
	if o.Init != "" {
		if ms.Base, err = loadBase(o.Init, nil, targets); err != nil {
			return err
		}
	}
	res, err := fit.StreamTargets(ctx, parts, ms)
	fp.finish()
	if err != nil {
		return fp.columnsErr(files, streamErr(err, files, o.Data.Weights))
	}
	all, err := fp.features(files)
	if err != nil {
		return err
	}
	for _, f := range all {
		if !slices.Contains(targets, f) {
			features = append(features, f)
		}
	}
	if err := rankInRange(o.Rank, len(features), len(targets)); err != nil {
		return err
	}
	if ms.Base != nil && !slices.Equal(ms.Base.Features, features) {
		return fmt.Errorf("%s: the base model has the features %s; the data have %s", o.Init, data.ListNames(ms.Base.Features), data.ListNames(features))
	}
	out := multiOutput{File: strings.Join(files, ","), Targets: targets, Features: features, Solver: "qr",
		streamed: streamedTargets(len(files), len(features), len(targets))}
	if err := exactMulti(&o, res, nil, nil, ms.Ridge > 0, &out); err != nil {
		return err
	}
	out.Solver += "-stream"
	return finishMulti(&o, stdio, &out, &res.Targets, nil)
}

// streamedTargets says how a streamed fit of several targets read its
// data: the "streamed:" line of its text output.
func streamedTargets(files, features, targets int) string {
	// [X Y₁…Y_{k−1}] are the accumulator's features (fit.StreamTargets).
	return streamedFold(files, features+targets-1) + ", every target solved from its factor; memory independent of the rows"
}

// splitColumns finds the feature and target columns of a partition.
func splitColumns(names, targets []string, file string) (xi, yi []int, err error) {
	for _, t := range targets {
		j := slices.Index(names, t)
		if j < 0 {
			return nil, nil, data.MissingColumn(file, names, t, "target")
		}
		yi = append(yi, j)
	}
	for j := range names {
		if !slices.Contains(yi, j) {
			xi = append(xi, j)
		}
	}
	if len(xi) == 0 {
		return nil, nil, usagef("%s: no feature columns besides the targets", file)
	}
	return xi, yi, nil
}

// pickColumns copies the listed columns.
func pickColumns(m *mat.Dense, cols []int) *mat.Dense {
	n, _ := m.Dims()
	out := mat.NewDense(n, len(cols), nil)
	for i := range n {
		row, dst := m.RawRowView(i), out.RawRowView(i)
		for a, j := range cols {
			dst[a] = row[j]
		}
	}
	return out
}

// targetNames splits --target y1,y2,....
func targetNames(spec string) ([]string, error) {
	var targets []string
	for _, t := range strings.Split(spec, ",") {
		if t = strings.TrimSpace(t); t == "" {
			return nil, usagef("--target %q has an empty name", spec)
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// finishMulti saves the model and prints the fit of several targets.
func finishMulti(o *fitOptions, stdio IO, out *multiOutput, res *fit.Targets, fitErr error) error {
	targets := out.Targets
	res.Features, res.Names = out.Features, targets
	out.Coef, out.Intercepts = rowsOf(res.Coef), res.Intercept
	if o.Output != "" && fitErr == nil {
		m := &modelio.Model{Kind: modelio.KindTargets, Targets: targets, Features: out.Features, CoefMatrix: out.Coef,
			Intercepts: res.Intercept, FitIntercept: !o.NoIntercept,
			Solver:   modelio.Solver{Name: out.Solver, Settings: map[string]any{"rank": out.Rank, "alpha": o.Penalty.Alpha, "standardize": o.Standardize}},
			Training: map[string]any{"file": out.File, "n": out.N, "objective": finiteOr(float64(out.Objective), 0), "status": out.Status}}
		if err := modelio.Save(o.Output, m); err != nil {
			return err
		}
		out.Model = o.Output
	}
	if o.JSON {
		if err := writeJSON(stdio.Out, out); err != nil {
			return err
		}
	} else {
		printMulti(stdio.Out, out)
	}
	return fitErr
}

// loadTargets reads the file with the targets as columns of y.
func loadTargets(d dataFlags, file string, stdio IO) (x, y *mat.Dense, w []float64, fr *data.Frame, targets []string, err error) {
	if d, targets, err = targetsAsColumns(d); err != nil {
		return nil, nil, nil, nil, nil, err
	}
	all, err := d.load(file, stdio)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	if all.X == nil || all.Rows() == 0 {
		return nil, nil, nil, nil, nil, fmt.Errorf("%s: no data rows", file)
	}
	xi, yi, err := splitColumns(all.Features, targets, file)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	x, y = pickColumns(all.X, xi), pickColumns(all.X, yi)
	fr = &data.Frame{X: x, Weights: all.Weights}
	for _, j := range xi {
		fr.Features = append(fr.Features, all.Features[j])
	}
	return x, y, all.Weights, fr, targets, nil
}

// targetsAsColumns turns --target y1,y2,... into data flags that read the
// targets as columns beside the features (split off by splitColumns).
func targetsAsColumns(d dataFlags) (dataFlags, []string, error) {
	targets, err := targetNames(d.Target)
	if err != nil {
		return d, nil, err
	}
	d.Target = ""
	if d.Features != "" {
		d.Features += "," + strings.Join(targets, ",")
	}
	return d, targets, nil
}

// loadBase reads the model a fit adapts: one of several targets with the
// same features and targets, or (one target) a linear model.
func loadBase(path string, features, targets []string) (*fit.Targets, error) {
	m, err := modelio.Load(path)
	if err != nil {
		return nil, err
	}
	var base *fit.Targets
	switch {
	case m.Kind == modelio.KindTargets:
		base = targetsModel(m)
	case m.Kind == modelio.KindLinear && len(targets) == 1:
		base = &fit.Targets{Features: m.Features, Names: []string{m.Target}, Intercept: []float64{m.Intercept},
			Coef: mat.NewDense(len(m.Features), 1, append([]float64(nil), m.Coef...))}
	default:
		return nil, fmt.Errorf("%s: a %s model cannot be the base of a fit of %d targets", path, m.Kind, len(targets))
	}
	if features != nil && !slices.Equal(base.Features, features) || !slices.Equal(base.Names, targets) {
		return nil, fmt.Errorf("%s: the base model has the features %s and the targets %s; the data have %s and %s", path, data.ListNames(base.Features), data.ListNames(base.Names), data.ListNames(features), data.ListNames(targets))
	}
	return base, nil
}

// runReducedRank computes the exact fit (of rank ≤ --rank when given).
func runReducedRank(ctx context.Context, o *fitOptions, x, y *mat.Dense, w []float64, base *fit.Targets, out *multiOutput) (*fit.Targets, error) {
	ms := &fit.MultiSettings{NoIntercept: o.NoIntercept, Weights: w, Raw: !o.Standardize, Rank: o.Rank, Base: base}
	if o.Penalty.Name != "none" {
		ms.Ridge = o.Penalty.Alpha
	}
	res, err := fit.MultiTarget(ctx, x, y, ms)
	if err != nil {
		return nil, err
	}
	if err := exactMulti(o, res, x, w, ms.Ridge > 0, out); err != nil {
		return nil, err
	}
	return &res.Targets, nil
}

// exactMulti fills out with the exact fit of several targets res, in
// memory (the rows x, weights w) or streamed (x nil), and with --summary
// each target's classical summary, those of k separate fits (res.Exact).
// A stream keeps no rows, so a weighted streamed fit's log-likelihood,
// AIC and BIC are NA (noLogLik), as for one target.
func exactMulti(o *fitOptions, res *fit.MultiResult, x *mat.Dense, w []float64, ridge bool, out *multiOutput) error {
	if o.Summary {
		if res.Exact == nil || o.Init != "" || ridge {
			return usagef("--summary with several targets gives each target's classical summary: not with --rank, --init or a penalty")
		}
		for _, r := range res.Exact {
			r.Features = out.Features
			sum, so, err := summarize(r, x, w, stats.Settings{})
			if err != nil {
				return err
			}
			if x == nil && o.Data.Weights != "" {
				noLogLik(sum, so)
			}
			out.sums, out.Summaries = append(out.sums, sum), append(out.Summaries, so)
		}
	}
	out.N, out.Rank, out.Objective, out.Status, out.Converged = res.N, res.Rank, jsonFloat(res.Objective), "converged", true
	if o.Rank > 0 {
		out.Solver = "reduced-rank"
	}
	for _, v := range res.SingularValues {
		out.SingularValues = append(out.SingularValues, jsonFloat(v))
	}
	return nil
}

// runLoRA trains the adapter and reports its gap to the exact rank-r update.
func runLoRA(ctx context.Context, o *fitOptions, stdio IO, x, y *mat.Dense, w []float64, base *fit.Targets, solver fit.Solver, out *multiOutput) (*fit.Targets, error) {
	rates, grid, err := parseRates(o.LR)
	if err != nil || grid || len(rates) > 1 {
		return nil, usagef("--lr for LoRA is one rate or auto")
	}
	sch, err := parseSchedule(o.Schedule, o.Warmup)
	if err != nil {
		return nil, err
	}
	ls := &fit.LoRASettings{Rank: o.Rank, Alpha: o.LoRAAlpha, Solver: solver, NoIntercept: o.NoIntercept, Weights: w, Raw: !o.Standardize, GapTol: o.Tol,
		Optim: optim.Settings{Epochs: o.Epochs, BatchSize: o.BatchSize, Seed: o.Seed, Schedule: sch, ClipNorm: o.ClipNorm, ClipValue: o.ClipValue}}
	if len(rates) == 1 {
		ls.Optim.LearningRate = rates[0]
	}
	rec, trace, bar, err := epochRecorders(*o, stdio, o.Epochs, "lora "+solver.String())
	if err != nil {
		return nil, err
	}
	defer trace.finish(false)
	if len(rec) > 0 {
		ls.Optim.Recorder = rec
	}
	res, fitErr := fit.LoRA(ctx, x, y, base, ls)
	bar.finish()
	if res == nil {
		return nil, fitErr
	}
	if trace != nil && fitErr == nil {
		if err := trace.finish(true); err != nil {
			return nil, err
		}
		out.Trace = o.Trace
	}
	out.Solver, out.Rank = "lora-"+solver.String(), o.Rank
	out.Status, out.Converged, out.Iterations = res.Status.String(), res.Status.Converged(), res.Optim.Epochs
	out.Objective = jsonFloat(res.Optim.Objective)
	out.Exact = &multiExact{Coef: rowsOf(res.Exact.Coef), Intercepts: res.Exact.Intercept, Objective: jsonFloat(res.Exact.Objective)}
	out.Gap = &gapOut{ObjectiveRel: jsonFloat(res.Gap), CoefRel: jsonFloat(res.CoefRel), GradNorm: jsonFloat(res.Optim.GradNorm)}
	for _, v := range res.Exact.SingularValues {
		out.SingularValues = append(out.SingularValues, jsonFloat(v))
	}
	if fitErr == nil && !res.Status.Converged() {
		fitErr = &NotConvergedError{Msg: fmt.Sprintf("LoRA (%s) stopped (%s) after %s, %s from the exact rank-%d update (relative objective gap %.3g); raise --epochs or adjust --lr",
			solver, res.Status, english.Count(res.Optim.Epochs, "epoch"), percentOf(res.CoefRel), o.Rank, optim.ShownGap(res.Gap))}
	}
	return &res.Targets, fitErr
}

func percentOf(v float64) string {
	if v >= 0.01 {
		return fmt.Sprintf("%.0f%%", 100*v)
	}
	return fmt.Sprintf("%.2g relative", v)
}

func rowsOf(m *mat.Dense) [][]float64 {
	d, _ := m.Dims()
	rows := make([][]float64, d)
	for j := range d {
		rows[j] = mat.Row(nil, j, m)
	}
	return rows
}

// printMulti prints the coefficient matrix, a column per target.
func printMulti(w io.Writer, out *multiOutput) {
	printDataLine(w, out.File, english.Count(out.N, "row"), len(out.Features), "targets "+strings.Join(out.Targets, ", "))
	fmt.Fprintf(w, "solver %s   rank %d   %s", out.Solver, out.Rank, out.Status)
	if out.Iterations > 0 {
		fmt.Fprintf(w, " after %s", english.Count(out.Iterations, "epoch"))
	}
	fmt.Fprintln(w)
	tw := newTable(w)
	fmt.Fprintf(tw, "\t%s\t\n", strings.Join(out.Targets, "\t"))
	cells := func(name string, v []float64) {
		fmt.Fprintf(tw, "%s", name)
		for _, c := range v {
			fmt.Fprintf(tw, "\t%.8g", c)
		}
		fmt.Fprintf(tw, "\t\n")
	}
	cells("intercept", out.Intercepts)
	for j, f := range out.Features {
		cells(f, out.Coef[j])
	}
	tw.Flush()
	fmt.Fprintf(w, "objective %.8g", float64(out.Objective))
	if len(out.SingularValues) > 0 {
		fmt.Fprint(w, "   singular values of the fitted values:")
		for _, v := range out.SingularValues {
			fmt.Fprintf(w, " %.4g", float64(v))
		}
	}
	fmt.Fprintln(w)
	if out.Exact != nil && out.Gap != nil {
		fmt.Fprintf(w, "gap to the exact rank-%d update: objective %.2g relative (exact objective %.8g), update %.2g relative\n",
			out.Rank, optim.ShownGap(float64(out.Gap.ObjectiveRel)), float64(out.Exact.Objective), float64(out.Gap.CoefRel))
	}
	printStreamed(w, out.streamed)
	for t, sum := range out.sums {
		fmt.Fprintf(w, "\ntarget %s:\n", out.Targets[t])
		printSummary(w, sum, out.Summaries[t], out.Features)
	}
	printWritten(w, outFile{"model", out.Model}, outFile{"trace", out.Trace})
}
