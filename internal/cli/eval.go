package cli

import (
	"fmt"
	"math"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/modelio"

	"github.com/spf13/cobra"
)

type evalOptions struct {
	Model, File string
	Target      string
	Delimiter   string
	JSON        bool
	NA          naFlags
}

func newEvalCmd(stdio IO) *cobra.Command {
	var opts evalOptions
	cmd := &cobra.Command{
		Use:   "eval MODEL FILE",
		Short: "Score a saved model on held-out data: R², RMSE, MAE",
		Long: `eval reads a model file written by 'lsq fit -o', 'lsq curve -o' or 'lsq net -o'
and a data file (.csv, .tsv, .parquet, or - for standard input) holding the
model's input columns and its target, predicts every row as 'lsq predict'
does, and prints, unweighted over the n rows scored,

    R²   = 1 − Σ(y − ŷ)²/Σ(y − ȳ)²   (ȳ the mean of this file's target)
    RMSE = √(Σ(y − ŷ)²/n)
    MAE  = Σ|y − ŷ|/n

The target is the model's (for a formula, its left-hand side, e.g.
log(Volume)) unless --target names another column; a model of several
targets (a fit, or a network, of --target y1,y2) is scored on each of them.
Rows with a missing value in a column the model reads or in a target are
left out and counted on standard error (--na error stops instead), for
every kind of model.`,
		Args:    cobra.ExactArgs(2),
		Example: "  lsq eval model.json test.csv\n  lsq eval model.json test.csv --json",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Model, opts.File = args[0], args[1]
			return runEval(opts, stdio)
		},
	}
	cmd.Flags().StringVar(&opts.Target, "target", "", "response column (default: the model's target)")
	cmd.Flags().StringVar(&opts.Delimiter, "delimiter", "", "field delimiter of FILE (default \",\")")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object")
	opts.NA.register(cmd.Flags(), "score the other rows")
	return cmd
}

// scores are the held-out metrics of eval.
type scores struct {
	N    int       `json:"n"`
	R2   jsonFloat `json:"r2"`
	RMSE float64   `json:"rmse"`
	MAE  float64   `json:"mae"`
	// MSE is RMSE²; it overflows float64 when RMSE > 1.3e154 and is then
	// null in JSON (RMSE, MAE and R² stay finite).
	MSE jsonFloat `json:"mse"`
	// Missing reports the rows left out for a missing input or target.
	Missing *missingOut `json:"missing,omitempty"`
}

// score returns the held-out metrics, or an error naming the row when a
// prediction or a residual is not a finite number; rows are the file's
// rows (0-based) of y and pred.
func score(y, pred []float64, rows []int, name string) (scores, error) {
	n := len(y)
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	if math.IsInf(mean, 0) { // the sum overflowed: average y/n instead
		mean = 0
		for _, v := range y {
			mean += v / float64(n)
		}
	}
	// Scaled sums so that squares of large finite values cannot overflow.
	var scale float64
	for i := range y {
		r := y[i] - pred[i]
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return scores{}, fmt.Errorf("%s: data row %d: the prediction is %g for a target of %g, the residual is not a finite number; "+
				"rescale the target or the features so that predictions stay within ±1e308", name, rows[i]+1, pred[i], y[i])
		}
		scale = math.Max(scale, math.Max(math.Abs(r), math.Abs(y[i]-mean)))
	}
	if math.IsInf(scale, 0) {
		return scores{}, fmt.Errorf("%s: the target spans more than float64 can hold (a difference from its mean overflows); rescale the target", name)
	}
	if scale == 0 {
		scale = 1
	}
	var sse, sst, sae float64
	for i := range y {
		r := (y[i] - pred[i]) / scale
		c := (y[i] - mean) / scale
		sse += r * r
		sst += c * c
		sae += math.Abs(r)
	}
	mse := sse / float64(n) * scale * scale
	r2 := math.NaN()
	if sst > 0 {
		r2 = 1 - sse/sst
	}
	return scores{N: n, R2: jsonFloat(r2), RMSE: math.Sqrt(sse/float64(n)) * scale, MAE: sae / float64(n) * scale, MSE: jsonFloat(mse)}, nil
}

func runEval(opts evalOptions, stdio IO) error {
	m, err := loadModel(opts.Model)
	if err != nil {
		return err
	}
	targets := []string{opts.Target}
	several := severalTargets(m)
	switch {
	case several != nil && opts.Target != "":
		return usagef("--target: a model of several targets is scored on its own targets, %s", data.ListNames(several))
	case several != nil:
		targets = several
	case opts.Target == "" && m.Target != "":
		targets = []string{m.Target}
	case opts.Target == "":
		targets = []string{"y"}
	}
	out, name, err := evalScores(m, opts, targets, stdio)
	if err != nil {
		return err
	}
	if out.Missing != nil {
		out.Missing.warn(stdio.Err, name, out.Missing.Dropped+out.Scores[0].N, missingDropped)
	}
	if several != nil {
		if opts.JSON {
			return writeJSON(stdio.Out, out)
		}
		return printTargetScores(stdio, opts.Model, name, out)
	}
	s := out.Scores[0]
	s.Missing = out.Missing
	if opts.JSON {
		return writeJSON(stdio.Out, s)
	}
	fmt.Fprintf(stdio.Out, "%s on %s (%s, target %s)\n", opts.Model, name, english.Count(s.N, "row"), targets[0])
	r2 := fmt.Sprintf("%.6g", float64(s.R2))
	if math.IsNaN(float64(s.R2)) {
		r2 = "undefined (the target is constant)"
	}
	fmt.Fprintf(stdio.Out, "  R²    %s\n  RMSE  %.6g\n  MAE   %.6g\n", r2, s.RMSE, s.MAE)
	return nil
}

// evalScores scores the model on each target over the rows with every
// value the model reads, and its targets, present.
func evalScores(m *modelio.Model, opts evalOptions, targets []string, stdio IO) (targetScores, string, error) {
	out := targetScores{Targets: targets}
	in, err := bufferInput(opts.File, stdio)
	if err != nil {
		return out, "", err
	}
	dopts, err := (&dataFlags{Delimiter: opts.Delimiter}).options()
	if err != nil {
		return out, "", err
	}
	md, err := buildForModel(m, in, dopts, opts.NA, targets)
	if err != nil {
		return out, "", err
	}
	preds, err := keptPredictions(m, md, in.name)
	if err != nil {
		return out, "", err
	}
	for t := range targets {
		s, err := score(md.y[t], preds[t], md.rows, in.name)
		if err != nil {
			return out, "", err
		}
		out.Scores = append(out.Scores, s)
	}
	out.Missing = md.missing
	return out, in.name, nil
}
