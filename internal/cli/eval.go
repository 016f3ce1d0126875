package cli

import (
	"fmt"
	"math"

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
targets is scored on each of them. For a linear model of one target, rows
with a missing value in a column the model reads are left out and counted on
standard error (--na error stops instead); for the other models a missing
value is an error naming its cell.`,
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
// prediction or a residual is not a finite number.
func score(y, pred []float64, name string) (scores, error) {
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
				"rescale the target or the features so that predictions stay within ±1e308", name, i+1, pred[i], y[i])
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
	if m, err := modelio.Load(opts.Model); err == nil && m.Kind == modelio.KindTargets {
		if opts.Target != "" {
			return usagef("--target: a model of several targets is scored on its own targets %v", m.Targets)
		}
		return runEvalTargets(opts, m, stdio)
	}
	y, pred, name, target, miss, err := evalData(opts, stdio)
	if err != nil {
		return err
	}
	s, err := score(y, pred, name)
	if err != nil {
		return err
	}
	s.Missing = miss
	if miss != nil {
		fmt.Fprintf(stdio.Err, "lsq: %s: %s\n", name, miss.describe(miss.Dropped+s.N))
	}
	if opts.JSON {
		return writeJSON(stdio.Out, s)
	}
	fmt.Fprintf(stdio.Out, "%s on %s (%d rows, target %s)\n", opts.Model, name, s.N, target)
	r2 := fmt.Sprintf("%.6g", float64(s.R2))
	if math.IsNaN(float64(s.R2)) {
		r2 = "undefined (the target is constant)"
	}
	fmt.Fprintf(stdio.Out, "  R²    %s\n  RMSE  %.6g\n  MAE   %.6g\n", r2, s.RMSE, s.MAE)
	return nil
}

// evalData returns the targets and predictions of the rows to score.
func evalData(opts evalOptions, stdio IO) (y, pred []float64, name, target string, miss *missingOut, err error) {
	m, err := modelio.Load(opts.Model)
	if err != nil {
		return nil, nil, "", "", nil, err
	}
	in, err := bufferInput(opts.File, stdio)
	if err != nil {
		return nil, nil, "", "", nil, err
	}
	dopts, err := (&dataFlags{Delimiter: opts.Delimiter}).options()
	if err != nil {
		return nil, nil, "", "", nil, err
	}
	target = opts.Target
	if target == "" {
		target = m.Target
	}
	if target == "" {
		target = "y"
	}
	if m.Kind != modelio.KindLinear {
		if pred, _, err = predictModel(m, in, dopts, opts.NA); err != nil {
			return nil, nil, "", "", nil, err
		}
		tab, err := in.table([]string{target}, dopts)
		if err != nil {
			return nil, nil, "", "", nil, err
		}
		return tab.Column(target), pred, in.name, target, nil, nil
	}
	md, err := buildForModel(m, in, dopts, opts.NA, target)
	if err != nil {
		return nil, nil, "", "", nil, err
	}
	all, err := md.predictions(m, in.name)
	if err != nil {
		return nil, nil, "", "", nil, err
	}
	pred = make([]float64, len(md.rows))
	for i, r := range md.rows {
		pred[i] = all[r]
	}
	return md.y, pred, in.name, target, md.missing, nil
}
