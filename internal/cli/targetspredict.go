package cli

import (
	"bufio"
	"fmt"
	"io"
	"math"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/internal/fsutil"
	"github.com/lsqgo/lsq/modelio"
)

// targetsPredictions computes a model of several targets (kind "targets")
// on the raw feature columns of a file: one column of predictions per
// target, in the model's target order.
func targetsPredictions(m *modelio.Model, in namedInput, dopts *data.Options) ([][]float64, int, error) {
	o := *dopts
	o.Features = m.Features
	o.Target = ""
	fr, err := in.read(&o, IO{})
	if err != nil {
		return nil, 0, forModel(err, m)
	}
	n := fr.Rows()
	cols := make([][]float64, len(m.Targets))
	for t := range cols {
		c := make([]float64, n)
		for i := range n {
			s := m.Intercepts[t]
			for j, v := range fr.X.RawRowView(i) {
				s += v * m.CoefMatrix[j][t]
			}
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return nil, 0, fmt.Errorf("%s: data row %d: the prediction of %s overflows float64 (%v)", in.name, i+1, m.Targets[t], s)
			}
			c[i] = s
		}
		cols[t] = c
	}
	return cols, n, nil
}

// runPredictTargets is `lsq predict` for a model of several targets: a
// column per target.
func runPredictTargets(opts predictOptions, m *modelio.Model, stdio IO) error {
	for _, f := range []string{"interval", "level", "pred-weights", "na", "na-values"} {
		if opts.changed != nil && opts.changed(f) {
			return usagef("--%s does not apply to a model of several targets", f)
		}
	}
	in, err := bufferInput(opts.File, stdio)
	if err != nil {
		return err
	}
	dopts, err := (&dataFlags{Delimiter: opts.Delimiter}).options()
	if err != nil {
		return err
	}
	cols, n, err := targetsPredictions(m, in, dopts)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		if err := writeColumns(bw, m.Targets, cols, n, opts.Keep, in, dopts); err != nil {
			return err
		}
		return bw.Flush()
	}
	if opts.Output == "" {
		return write(stdio.Out)
	}
	return fsutil.WriteFile(opts.Output, write)
}

// targetScores are eval's numbers for each target of a model of several
// targets.
type targetScores struct {
	Targets []string `json:"targets"`
	Scores  []scores `json:"scores"`
}

// runEvalTargets is `lsq eval` for a model of several targets: R², RMSE
// and MAE per target on a file holding the features and the targets.
func runEvalTargets(opts evalOptions, m *modelio.Model, stdio IO) error {
	in, err := bufferInput(opts.File, stdio)
	if err != nil {
		return err
	}
	dopts, err := (&dataFlags{Delimiter: opts.Delimiter}).options()
	if err != nil {
		return err
	}
	cols, n, err := targetsPredictions(m, in, dopts)
	if err != nil {
		return err
	}
	o := *dopts
	o.Features = m.Targets
	o.Target = ""
	ys, err := in.read(&o, IO{})
	if err != nil {
		return err
	}
	out := targetScores{Targets: m.Targets}
	y := make([]float64, n)
	for t := range m.Targets {
		for i := range n {
			y[i] = ys.X.At(i, t)
		}
		s, err := score(y, cols[t], in.name)
		if err != nil {
			return err
		}
		out.Scores = append(out.Scores, s)
	}
	if opts.JSON {
		return writeJSON(stdio.Out, out)
	}
	fmt.Fprintf(stdio.Out, "%s on %s (%d rows)\n", opts.Model, in.name, n)
	tw := newTable(stdio.Out)
	fmt.Fprintf(tw, "target\tR²\tRMSE\tMAE\t\n")
	for t, name := range m.Targets {
		s := out.Scores[t]
		fmt.Fprintf(tw, "%s\t%.6g\t%.6g\t%.6g\t\n", name, float64(s.R2), s.RMSE, s.MAE)
	}
	return tw.Flush()
}
