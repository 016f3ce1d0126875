package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/optim"
	rpt "github.com/lsqgo/lsq/report"
)

type lrFindOptions struct {
	File        string
	Data        dataFlags
	NA          naFlags
	Formula     string
	NoIntercept bool
	Standardize bool
	Solver      string
	BatchSize   int
	MinLR       float64
	MaxLR       float64
	Steps       int
	Smoothing   float64
	Seed        uint64
	All         bool
	JSON        bool
	Plot        string

	changed func(string) bool
}

func newLRFindCmd(stdio IO) *cobra.Command {
	opts := lrFindOptions{}
	cmd := &cobra.Command{
		Use:   "lr-find FILE",
		Short: "Learning-rate range test: the loss as the rate grows, and a suggested rate",
		Long: `lr-find reads FILE (.csv, .tsv, .parquet, or - for standard input) and runs
Smith's learning-rate range test (L. N. Smith, "Cyclical learning rates for
training neural networks", WACV 2017; in the form of fastai's lr_find) on the
least-squares loss: from zero coefficients it takes --steps updates with the
solver, the rate growing exponentially from --min-lr to --max-lr, and records
the loss and its exponentially smoothed value. The run stops early once the
smoothed loss exceeds 4 times its least value. The suggested rate is where the
smoothed loss falls fastest against log rate. With mini-batches that fall can
be a wiggle of the batch noise: when it (or every fall) is within the noise of
the curve, or the suggestion is at an edge of the range, lr-find warns on
standard error (and in --json, suggestion_warning) and says what to do.

Beside it lr-find prints 2/L, L the largest eigenvalue of the Hessian of the
loss computed from the data: full-batch gradient descent with a constant rate
diverges above 2/L, and 1/L is lsq fit's automatic rate. Inputs are
standardised as lsq fit does unless --standardize=false, so the suggested rate
carries over to lsq fit --lr with the same solver and options.`,
		Example: `  lsq lr-find data.csv --target y
  lsq lr-find data.csv --solver sgd --batch-size 32 --seed 1 --plot lr.png
  lsq fit data.csv --solver gd --lr 0.3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.changed = func(name string) bool { return cmd.Flags().Changed(name) }
			return runLRFind(cmd.Context(), opts, stdio)
		},
	}
	f := cmd.Flags()
	opts.Data.register(f, true)
	opts.NA.register(f, "R's na.omit")
	f.StringVar(&opts.Formula, "formula", "", formulaHelp)
	f.BoolVar(&opts.NoIntercept, "no-intercept", false, "fit through the origin (no intercept)")
	f.BoolVar(&opts.Standardize, "standardize", true, "work on centred, unit-variance inputs, as lsq fit does")
	f.StringVar(&opts.Solver, "solver", "gd", "gd, sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw")
	f.IntVar(&opts.BatchSize, "batch-size", 0, "mini-batch size (0 or n: full batch; default 32 for sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, as lsq fit)")
	f.Float64Var(&opts.MinLR, "min-lr", 1e-7, "first learning rate")
	f.Float64Var(&opts.MaxLR, "max-lr", 10, "last learning rate")
	f.IntVar(&opts.Steps, "steps", 100, "number of steps (at least 20: the suggestion skips the first 10 and the last 5)")
	f.Float64Var(&opts.Smoothing, "smoothing", 0.98, "weight β of the exponential moving average of the loss, in (0, 1)")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed for the mini-batches")
	f.BoolVar(&opts.All, "all", false, "print every step (default: about 20 rows and the suggested one)")
	f.BoolVar(&opts.JSON, "json", false, "print one JSON object")
	f.StringVar(&opts.Plot, "plot", "", "draw the smoothed loss against the rate, with the suggestion and 2/L, to this .png or .svg file")
	return cmd
}

// lrFindOutput is the JSON form of a range test.
type lrFindOutput struct {
	File         string      `json:"file"`
	Target       string      `json:"target"`
	Features     []string    `json:"features"`
	N            int         `json:"n"`
	Solver       string      `json:"solver"`
	BatchSize    int         `json:"batch_size"`
	Seed         uint64      `json:"seed"`
	Standardized bool        `json:"standardized"`
	Rates        []float64   `json:"rates"`
	Losses       []jsonFloat `json:"losses"`
	Smoothed     []jsonFloat `json:"smoothed"`
	Stopped      bool        `json:"stopped_early"`
	SuggestedLR  jsonFloat   `json:"suggested_lr"`
	Warning      *string     `json:"suggestion_warning"` // why the curve does not support the suggestion, and what to do; null when it does
	Bound        jsonFloat   `json:"bound_2_over_L"`
	L            jsonFloat   `json:"L"`
	Plot         string      `json:"plot,omitempty"`
}

// lrFindSolvers are the update rules a range test can drive (not the
// line-search methods, which choose their own step).
var lrFindSolvers = []fit.Solver{fit.GD, fit.SGD, fit.Momentum, fit.Nesterov, fit.AdaGrad, fit.RMSProp, fit.Adam, fit.AdamW}

func lrFindOptimizer(s fit.Solver) optim.Optimizer {
	switch s {
	case fit.GD, fit.SGD:
		return &optim.SGD{}
	case fit.Momentum:
		return &optim.Momentum{}
	case fit.Nesterov:
		return &optim.Nesterov{}
	case fit.AdaGrad:
		return &optim.AdaGrad{}
	case fit.RMSProp:
		return &optim.RMSProp{}
	case fit.Adam:
		return &optim.Adam{}
	case fit.AdamW:
		return &optim.AdamW{}
	}
	return nil
}

func runLRFind(ctx context.Context, o lrFindOptions, stdio IO) error {
	solver, opt, batch, err := o.check()
	if err != nil {
		return err
	}
	// The data as lsq fit reads them (a formula, a text column's dummies,
	// rows with a missing value dropped), so the test runs on the fit's
	// problem.
	fr, des, _, err := loadInputs(o.File, o.Formula, o.Data, o.NA, nil, o.changed, stdio)
	if err != nil {
		return err
	}
	if fr.X == nil || fr.Rows() == 0 {
		return fmt.Errorf("%s: no data rows", o.File)
	}
	intercept := !o.NoIntercept && !dropsIntercept(des)
	var center, scale []float64
	if o.Standardize {
		center, scale = lsq.Moments(fr.X, fr.Weights, intercept)
	}
	prob := optim.LeastSquares(fr.X, fr.Y, fr.Weights, intercept, center, scale)
	L := hessianMaxEigen(fr.X, fr.Weights, intercept, center, scale)
	if math.IsNaN(L) {
		L = prob.Lipschitz()
	}
	if batch >= fr.Rows() {
		batch = 0
	}
	rs := optim.RangeSettings{MinRate: o.MinLR, MaxRate: o.MaxLR, Steps: o.Steps, Smoothing: o.Smoothing, BatchSize: batch, Seed: o.Seed}
	res, err := optim.RangeTest(ctx, prob, make([]float64, prob.Dim), &rs, opt)
	if err != nil {
		return err
	}
	if len(res.Losses) > 0 && (math.IsNaN(res.Losses[0]) || math.IsInf(res.Losses[0], 0)) {
		return fmt.Errorf("%s: the loss at the start (zero coefficients) is %v: the target is too large to square in float64; rescale it (divide it by a power of ten) and try again", o.File, res.Losses[0])
	}
	out := lrFindOutput{
		File: o.File, Target: fr.Target, Features: fr.Features, N: fr.Rows(),
		Solver: solver.String(), BatchSize: batch, Seed: o.Seed, Standardized: o.Standardize,
		Rates: res.Rates, Stopped: len(res.Rates) < o.Steps,
		SuggestedLR: jsonFloat(res.Suggested), Bound: jsonFloat(2 / L), L: jsonFloat(L),
	}
	if w := lrFindWarning(res, o, batch); w != "" {
		out.Warning = &w
	}
	for k := range res.Rates {
		out.Losses = append(out.Losses, jsonFloat(res.Losses[k]))
		out.Smoothed = append(out.Smoothed, jsonFloat(res.Smoothed[k]))
	}
	return o.report(stdio, &out, res, L)
}

// check validates the flags and returns the solver, its update rule and the
// batch size.
func (o *lrFindOptions) check() (fit.Solver, optim.Optimizer, int, error) {
	solver, perr := fit.ParseSolver(o.Solver)
	opt := lrFindOptimizer(solver)
	if perr != nil || opt == nil {
		names := make([]string, len(lrFindSolvers))
		for i, v := range lrFindSolvers {
			names[i] = v.String()
		}
		return 0, nil, 0, usagef("--solver %q: the range test needs a fixed-rate update rule; want one of %s", o.Solver, strings.Join(names, ", "))
	}
	switch {
	case !(o.MinLR > 0) || math.IsInf(o.MinLR, 0):
		return 0, nil, 0, usagef("--min-lr %v must be a finite number > 0", o.MinLR)
	case !(o.MaxLR > o.MinLR) || math.IsInf(o.MaxLR, 0):
		return 0, nil, 0, usagef("--max-lr %v must be finite and above --min-lr %v", o.MaxLR, o.MinLR)
	case o.Steps < 20:
		return 0, nil, 0, usagef("--steps %d must be at least 20: the suggestion skips the first 10 and the last 5 steps", o.Steps)
	case !(o.Smoothing > 0 && o.Smoothing < 1):
		return 0, nil, 0, usagef("--smoothing %v must be in (0, 1)", o.Smoothing)
	case o.BatchSize < 0:
		return 0, nil, 0, usagef("--batch-size %d must be 0 (full batch) or positive", o.BatchSize)
	}
	batch := o.BatchSize
	if solver == fit.GD {
		if batch != 0 {
			return 0, nil, 0, usagef("--solver gd is full-batch gradient descent; for mini-batches use --solver sgd")
		}
	} else if !o.changed("batch-size") {
		batch = 32
	}
	if err := plotOutputCheck(o.Plot, o.File); err != nil {
		return 0, nil, 0, err
	}
	return solver, opt, batch, nil
}

// report draws, prints and warns.
func (o *lrFindOptions) report(stdio IO, out *lrFindOutput, res *optim.RangeResult, L float64) error {
	if o.Plot != "" {
		p, err := rpt.LRPlot(rpt.LRFind{Rates: res.Rates, Losses: res.Smoothed, Suggested: res.Suggested, TwoOverL: 2 / L})
		if err != nil {
			return fmt.Errorf("--plot: %w", err)
		}
		if err := plotOutputWrite(o.Plot, p); err != nil {
			return err
		}
		out.Plot = o.Plot
	}
	if o.JSON {
		if err := writeJSON(stdio.Out, out); err != nil {
			return err
		}
	} else {
		printLRFind(stdio.Out, out, o.All)
	}
	if out.Warning != nil {
		fmt.Fprintf(stdio.Err, "lsq: warning: %s\n", *out.Warning)
	}
	if math.IsNaN(res.Suggested) {
		return errors.New("the smoothed loss never fell between --min-lr and --max-lr: no rate to suggest; widen the range or raise --steps")
	}
	return nil
}

func printLRFind(w io.Writer, out *lrFindOutput, all bool) {
	printDataLine(w, out.File, english.Count(out.N, "row"), len(out.Features), "target "+out.Target)
	batch := "full batch"
	if out.BatchSize > 0 {
		batch = fmt.Sprintf("batch size %d, seed %d", out.BatchSize, out.Seed)
	}
	scale := "raw inputs"
	if out.Standardized {
		scale = "standardised inputs"
	}
	n := len(out.Rates)
	fmt.Fprintf(w, "range test, solver %s (%s, %s): %s from %.3g to %.3g", out.Solver, batch, scale, english.Count(n, "step"), out.Rates[0], out.Rates[n-1])
	if out.Stopped {
		fmt.Fprint(w, " (stopped early: the loss blew up)")
	}
	fmt.Fprintln(w)

	sug := -1
	for k, r := range out.Rates {
		if r == float64(out.SuggestedLR) {
			sug = k
		}
	}
	over := -1 // first rate above 2/L
	for k, r := range out.Rates {
		if r > float64(out.Bound) {
			over = k
			break
		}
	}
	every := 1
	if !all {
		every = max(1, (n+19)/20)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tlearning rate\tloss\tsmoothed\t")
	for k, r := range out.Rates {
		if k%every != 0 && k != n-1 && k != sug && k != over {
			continue
		}
		mark := ""
		if k == sug {
			mark = "  ← suggested"
		}
		if k == over {
			mark += "  ← above 2/L"
		}
		fmt.Fprintf(tw, "%d\t%.4g\t%.6g\t%.6g\t%s\n", k, r, float64(out.Losses[k]), float64(out.Smoothed[k]), mark)
	}
	tw.Flush()
	if sug < 0 {
		fmt.Fprintln(w, "no suggested rate: the smoothed loss never fell")
	} else {
		fmt.Fprintf(w, "suggested learning rate %.4g (steepest descent of the smoothed loss)\n", float64(out.SuggestedLR))
	}
	fmt.Fprintf(w, "stability bound 2/L = %.4g (L = %.4g, %s)", float64(out.Bound), float64(out.L), scale)
	if sug >= 0 {
		fmt.Fprintf(w, "; the suggested rate is %.3g × 2/L", float64(out.SuggestedLR)/float64(out.Bound))
	}
	fmt.Fprintln(w)
	printWritten(w, outFile{"plot", out.Plot})
}

// lrFindWarning says, when the range test's curve does not support its
// suggestion (optim.RangeResult.Unsupported), why, where the curve does fall
// clearly if anywhere, and what to do; "" when the suggestion stands (or
// there is none, which is an error of its own).
func lrFindWarning(res *optim.RangeResult, o lrFindOptions, batch int) string {
	if res.Unsupported == "" || math.IsNaN(res.Suggested) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the suggested rate %.4g is not supported by the curve: %s", res.Suggested, res.Unsupported)
	if !math.IsNaN(res.Significant) && res.Significant != res.Suggested {
		fmt.Fprintf(&b, "; the steepest fall beyond the noise is at %.4g", res.Significant)
	}
	var do []string
	if batch > 0 {
		do = append(do, fmt.Sprintf("use the full batch (--batch-size 0), whose loss has no mini-batch noise, or a larger --batch-size than %d", batch))
	}
	if strings.Contains(res.Unsupported, "end of the range") {
		do = append(do, fmt.Sprintf("widen the range (--min-lr %g, --max-lr %g now)", o.MinLR, o.MaxLR))
	} else {
		do = append(do, "raise --steps or widen the range")
	}
	do = append(do, "or let lsq fit choose the rate (--lr auto)")
	return b.String() + "; " + strings.Join(do, ", ")
}

// hessianMaxEigen returns the largest eigenvalue of the Hessian of the
// least-squares loss as lsq fit reports it (exactly, from its
// eigendecomposition), or NaN when n·d² exceeds fit.ExactLimit; optim's
// power-iteration estimate is then the fallback.
func hessianMaxEigen(x *mat.Dense, w []float64, intercept bool, center, scale []float64) float64 {
	n, d := x.Dims()
	if float64(n)*float64(d)*float64(d) > fit.ExactLimit {
		return math.NaN()
	}
	_, l, ok := fit.HessianExtremes(x, w, intercept, center, scale, 0)
	if !ok {
		return math.NaN()
	}
	return l
}
