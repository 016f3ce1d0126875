package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/enet"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/modelio"
	rpt "github.com/lsqgo/lsq/report"
)

type cvOptions struct {
	File      string
	Files     []string // several files (or patterns) are partitions of one data set
	Stream    bool
	Memory    string
	Data      dataFlags
	Enet      enetFlags
	Folds     int
	FoldID    string // column of fold assignments (glmnet's foldid)
	SaveFolds string
	NA        naFlags
	Formula   string
	design    *modelio.Design // how the features were made from raw columns
	rows      []int           // the file's data rows used, when some were dropped
	Seed      uint64
	Choose    string
	Output    string
	JSON      bool
	Plot      string
	Ranks     string // --rank: cross-validate the rank of a fit of several targets

	changed func(string) bool
}

func newCVCmd(stdio IO) *cobra.Command {
	opts := cvOptions{}
	cmd := &cobra.Command{
		Use:   "cv FILE",
		Short: "Choose the penalty of the lasso, elastic net or ridge by k-fold cross-validation",
		Long: `cv reads FILE (.csv, .tsv, .parquet, or - for standard input) and
cross-validates the regularisation path of lsq path, as cv.glmnet does: the
rows are shuffled with --seed into --folds folds, the path is fitted on the
rows outside each fold and scored on the rows inside it, and for each α the
table shows the mean validation mean squared error and its standard error
across folds.

α_min has the least mean error; α_1se is the largest α (the simplest model)
whose error is within one standard error of that least error, the
one-standard-error rule (Hastie, Tibshirani & Friedman, The Elements of
Statistical Learning, §7.10). The model is refitted on every row at the α
chosen by --choose, printed like lsq fit and saved with -o. A comma-separated
--l1-ratio list compares several elastic-net mixings and keeps the best.

For --penalty l2 (ridge) cv also prints the exact leave-one-out error and
generalised cross-validation (GCV) over the same grid, computed from one
eigendecomposition without refitting.

Several files, or a pattern, are partitions of one data set and are streamed,
as is a file larger than --memory (or any file with --stream): a first pass
counts the rows, so that each row gets the fold it gets in memory (--seed's
permutation of all rows, in file order), and a second folds each fold's rows
into its own QR factor. Every training set's moments come from merging the
other folds' factors, and each held-out error from its fold's moments; the
curve, α_min, α_1se and refit are those in memory, to rounding, with memory
independent of the rows but for one fold number per row, printed as in
memory (--json with the same keys) with a "streamed:" line. Streaming needs
files (not standard input) and the lasso or elastic net, and does not take
--foldid, --rank, --plot, --na or --na-values.`,
		Example: `  lsq cv data.csv --target y --folds 10 --seed 1
  lsq cv data.csv --l1-ratio 0.1,0.5,1 --choose 1se -o model.json
  lsq cv data.csv --penalty l2 --json
  lsq cv 'parts/*.csv' --stream --folds 5`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.Files = args
			opts.changed = func(name string) bool { return cmd.Flags().Changed(name) }
			return runCV(cmd.Context(), opts, stdio)
		},
	}
	f := cmd.Flags()
	opts.Data.register(f, true)
	opts.NA.register(f, "R's na.omit")
	f.StringVar(&opts.Formula, "formula", "", formulaHelp)
	opts.Enet.register(f, true)
	f.IntVar(&opts.Folds, "folds", 10, "number of folds k, from 2 to the number of rows")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed for shuffling the rows into folds")
	f.StringVar(&opts.FoldID, "foldid", "", "column giving each row's fold (any labels, e.g. 1..k as cv.glmnet's foldid); not a feature")
	f.StringVar(&opts.SaveFolds, "save-folds", "", "write each row's fold (1..k) to this CSV file, to reproduce the split elsewhere")
	f.StringVar(&opts.Choose, "choose", "min", "α to refit at: min (least CV error) or 1se (largest α within one standard error of it)")
	f.StringVarP(&opts.Output, "output", "o", "", "save the refitted model to this file (JSON, written atomically)")
	f.BoolVar(&opts.JSON, "json", false, "print one JSON object")
	f.StringVar(&opts.Plot, "plot", "", "draw the CV error against α to this .png or .svg file")
	f.BoolVar(&opts.Stream, "stream", false, "read the file(s) in two passes with memory independent of the rows but for one fold number per row (CV from the moments of each fold's QR factor); implied by several files or a file larger than --memory")
	f.StringVar(&opts.Memory, "memory", "4GiB", "memory budget: larger inputs are streamed")
	f.StringVar(&opts.Ranks, "rank", "", "with several targets (--target y1,y2,...): cross-validate these ranks of a reduced-rank fit, e.g. 1,2,4,8; each from 1 to min(features, targets), the rank of the unconstrained fit (marked \"full\")")
	return cmd
}

// cvOutput is the JSON form of a cross-validation.
type cvOutput struct {
	File         string      `json:"file"`
	Target       string      `json:"target"`
	Features     []string    `json:"features"`
	N            int         `json:"n"`
	Penalty      string      `json:"penalty"`
	Folds        int         `json:"folds"`
	Seed         uint64      `json:"seed"`
	Standardized bool        `json:"standardized"`
	L1Ratio      float64     `json:"l1_ratio"`
	AlphaMax     jsonFloat   `json:"alpha_max"`
	Alphas       []float64   `json:"alphas"`
	CVMean       []jsonFloat `json:"cv_mean"`
	CVSE         []jsonFloat `json:"cv_se"`
	AlphaMin     float64     `json:"alpha_min"`
	Alpha1SE     float64     `json:"alpha_1se"`
	Choose       string      `json:"choose"`
	ChosenAlpha  float64     `json:"chosen_alpha"`
	ChosenMSE    jsonFloat   `json:"chosen_cv_mean"`
	Coef         []float64   `json:"coef"`
	Intercept    float64     `json:"intercept"`
	NonZero      int         `json:"nonzero"`
	Objective    jsonFloat   `json:"objective"`
	Loss         jsonFloat   `json:"loss"`
	R2           *jsonFloat  `json:"r2,omitempty"` // the refit's enet.Result.R2; none for a constant y
	Status       string      `json:"status"`
	Curves       []cvCurve   `json:"curves,omitempty"`
	RidgeLOO     *ridgeOut   `json:"ridge_loo,omitempty"`
	Model        string      `json:"model,omitempty"`
	Plot         string      `json:"plot,omitempty"`
	Timings      timings     `json:"timings"` // load: reading the data; fit: the cross-validation and the refit

	// streamed says how a streamed cross-validation read its data: a line
	// of the text output only, as fitOutput's, so that the JSON keys are
	// the same in memory and streamed.
	streamed string
}

// cvCurve summarises the curve of one mixing value when several are compared.
type cvCurve struct {
	L1Ratio  float64   `json:"l1_ratio"`
	AlphaMin float64   `json:"alpha_min"`
	MinMean  jsonFloat `json:"cv_mean_min"`
	Alpha1SE float64   `json:"alpha_1se"`
}

// ridgeOut is the exact leave-one-out and GCV result for ridge.
type ridgeOut struct {
	AlphaLOO float64   `json:"alpha_loo"`
	LOO      jsonFloat `json:"loo_mse"`
	DFLOO    jsonFloat `json:"df_at_alpha_loo"`
	AlphaGCV float64   `json:"alpha_gcv"`
	GCV      jsonFloat `json:"gcv"`
	DFGCV    jsonFloat `json:"df_at_alpha_gcv"`
	// Per α of the grid (the same as alphas).
	LOOCurve []jsonFloat `json:"loo"`
	GCVCurve []jsonFloat `json:"gcv_curve"`
	DF       []jsonFloat `json:"df"`
}

func runCV(ctx context.Context, o cvOptions, stdio IO) error {
	files, streamed, err := inputFiles(o.Files, o.Memory, o.Stream)
	if err != nil {
		return err
	}
	if streamed {
		return runStreamCV(ctx, o, files, stdio)
	}
	o.File = files[0]
	if o.Ranks != "" {
		if o.Formula != "" {
			return usagef("--formula names one response; --rank cross-validates a fit of several targets (--target y1,y2,...): drop --formula")
		}
		return runRankCV(ctx, o, stdio)
	}
	name, ratios, ps, oneSE, err := o.check()
	if err != nil {
		return err
	}
	start := time.Now()
	fr, foldIDs, err := o.loadFolds(stdio)
	if err != nil {
		return err
	}
	loaded := time.Now()
	ps.Weights, ps.NoIntercept = fr.Weights, o.Enet.NoIntercept
	cs := enet.CVSettings{PathSettings: ps, L1Ratios: ratios, Folds: o.Folds, Seed: o.Seed, OneSE: oneSE, FoldIDs: foldIDs}
	if foldIDs != nil {
		cs.Folds, cs.Seed = 0, 0 // the fold ids give the folds (loadFolds refuses --folds and --seed with --foldid)
	}
	res, err := enet.CV(ctx, fr.X, fr.Y, &cs)
	if err != nil {
		return err
	}
	if o.SaveFolds != "" {
		if err := saveFolds(o.SaveFolds, res.Folds, o.rows); err != nil {
			return err
		}
	}
	tm := timings{LoadS: loaded.Sub(start).Seconds(), FitS: time.Since(loaded).Seconds()}
	for _, c := range res.Curves {
		if err := checkAlphaMax(c.AlphaMax, fr.Target); err != nil {
			return err
		}
	}
	cb := res.Curves[res.Best]
	ref := res.Refit
	out := newCVOutput(&o, fr.Target, fr.Features, fr.Rows(), weightedMSE(fr, ref.Coef, ref.Intercept), name, oneSE, res, tm)
	if name == "l2" {
		if out.RidgeLOO, err = ridgeLOO(ctx, fr, cb.Alphas, &enet.Settings{Weights: ps.Weights, Unstandardized: ps.Unstandardized, NoIntercept: ps.NoIntercept}); err != nil {
			return err
		}
	}
	if o.Plot != "" {
		if err := cvPlot(ctx, o.Plot, fr, res, &ps); err != nil {
			return err
		}
		out.Plot = o.Plot
	}
	return writeCV(&o, stdio, &out, cb, &ref, fr)
}

// writeCV saves the refit (if it converged and -o was given) and prints
// or writes the cross-validation out, with its notes and exit status.
func writeCV(o *cvOptions, stdio IO, out *cvOutput, cb enet.CVCurve, ref *enet.Result, fr *data.Frame) error {
	converged := ref.Status == lsq.Converged
	if o.Output != "" && converged {
		if err := modelio.Save(o.Output, cvModel(out, fr, o)); err != nil {
			return err
		}
		out.Model = o.Output
	}
	if o.JSON {
		if err := writeJSON(stdio.Out, out); err != nil {
			return err
		}
	} else {
		printCV(stdio.Out, out, cb)
	}
	if cb.Min == len(cb.Alphas)-1 && len(cb.Alphas) > 1 {
		fmt.Fprintf(stdio.Err, "lsq: note: alpha_min is the smallest α of the grid; the CV error may fall further below it (lower --eps)\n")
	}
	if !converged {
		return &NotConvergedError{Msg: fmt.Sprintf("the refit at α = %.4g stopped by %s after %s; no model written", ref.Alpha, ref.Status, english.Count(ref.Iterations, "sweep"))}
	}
	return nil
}

// weightedMSE is the (weighted) mean squared residual of a linear model on
// the frame.
func weightedMSE(fr *data.Frame, coef []float64, b float64) float64 {
	var s, sw float64
	for i, y := range fr.Y {
		r := y - b
		for j, v := range fr.X.RawRowView(i) {
			r -= coef[j] * v
		}
		w := 1.0
		if fr.Weights != nil {
			w = fr.Weights[i]
		}
		s += w * r * r
		sw += w
	}
	return s / sw
}

func cvModel(out *cvOutput, fr *data.Frame, o *cvOptions) *modelio.Model {
	return &modelio.Model{
		Kind: modelio.KindLinear, Target: fr.Target, Features: fr.Features,
		Coef: out.Coef, Intercept: out.Intercept, FitIntercept: !o.Enet.NoIntercept, Design: o.design,
		Solver: modelio.Solver{Name: "cd", Settings: map[string]any{
			"penalty": out.Penalty, "alpha": out.ChosenAlpha, "l1_ratio": out.L1Ratio,
			"folds": o.Folds, "seed": o.Seed, "choose": o.Choose,
			"standardize": o.Enet.Standardize, "n_alphas": o.Enet.NAlphas, "eps": o.Enet.Eps,
		}},
		Training: map[string]any{
			"file": o.File, "n": out.N, "mse": finiteOr(float64(out.Loss), 0),
			"objective": finiteOr(float64(out.Objective), 0), "cv_mse": finiteOr(float64(out.ChosenMSE), 0),
			"alpha_min": out.AlphaMin, "alpha_1se": out.Alpha1SE, "status": out.Status,
		},
	}
}

func printCV(w io.Writer, out *cvOutput, cb enet.CVCurve) {
	printDataLine(w, out.File, english.Count(out.N, "row"), len(out.Features), "target "+out.Target)
	if len(out.Curves) > 1 {
		fmt.Fprintf(w, "%d-fold cross-validation (seed %d) of %d elastic-net mixings:\n", out.Folds, out.Seed, len(out.Curves))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "l1_ratio\talpha_min\tcv_mse\talpha_1se\t")
		for _, c := range out.Curves {
			mark := ""
			if c.L1Ratio == out.L1Ratio {
				mark = "  ← best"
			}
			fmt.Fprintf(tw, "%g\t%.6g\t%.6g\t%.6g\t%s\n", c.L1Ratio, c.AlphaMin, float64(c.MinMean), c.Alpha1SE, mark)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "%d-fold cross-validation (seed %d), %s path: %s from α_max = %.6g\n",
		out.Folds, out.Seed, penaltyTitle(out.L1Ratio), english.Count(len(out.Alphas), "value")+" of α", float64(out.AlphaMax))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "alpha\tcv_mse\tse\t")
	for k, a := range out.Alphas {
		mark := ""
		switch {
		case k == cb.Min && k == cb.OneSE:
			mark = "  ← min, 1se"
		case k == cb.Min:
			mark = "  ← min"
		case k == cb.OneSE:
			mark = "  ← 1se"
		}
		fmt.Fprintf(tw, "%.6g\t%.6g\t%.3g\t%s\n", a, float64(out.CVMean[k]), float64(out.CVSE[k]), mark)
	}
	tw.Flush()
	fmt.Fprintf(w, "alpha_min %.6g (cv mse %.6g ± %.3g)   alpha_1se %.6g (cv mse %.6g ± %.3g)\n",
		out.AlphaMin, cb.MSE[cb.Min], cb.SE[cb.Min], out.Alpha1SE, cb.MSE[cb.OneSE], cb.SE[cb.OneSE])
	if r := out.RidgeLOO; r != nil {
		fmt.Fprintf(w, "ridge, exact leave-one-out: alpha %.6g (loo mse %.6g, df %.3g)   GCV: alpha %.6g (gcv %.6g, df %.3g)\n",
			r.AlphaLOO, float64(r.LOO), float64(r.DFLOO), r.AlphaGCV, float64(r.GCV), float64(r.DFGCV))
	}
	fmt.Fprintf(w, "refit on all rows at alpha %.6g (--choose %s), l1_ratio %g: %s, %d non-zero, objective %.6g\n",
		out.ChosenAlpha, out.Choose, out.L1Ratio, out.Status, out.NonZero, float64(out.Objective))
	tw = tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\tcoef\t\n")
	fmt.Fprintf(tw, "intercept\t%.10g\t\n", out.Intercept)
	for j, name := range out.Features {
		fmt.Fprintf(tw, "%s\t%.10g\t\n", name, out.Coef[j])
	}
	tw.Flush()
	fmt.Fprintf(w, "loss (MSE) %.6g", float64(out.Loss))
	if out.R2 != nil {
		fmt.Fprintf(w, "   R² %.6g", float64(*out.R2))
	}
	fmt.Fprintln(w)
	printStreamed(w, out.streamed)
	printWritten(w, outFile{"model", out.Model}, outFile{"plot", out.Plot})
}

// ridgeLOO is ridge's exact leave-one-out and generalised cross-validation
// over the grid (enet.RidgeLOO).
func ridgeLOO(ctx context.Context, fr *data.Frame, alphas []float64, st *enet.Settings) (*ridgeOut, error) {
	loo, err := enet.RidgeLOO(ctx, fr.X, fr.Y, alphas, st)
	if err != nil {
		return nil, err
	}
	r := &ridgeOut{
		AlphaLOO: loo.Alphas[loo.MinLOO], LOO: jsonFloat(loo.LOO[loo.MinLOO]), DFLOO: jsonFloat(loo.DF[loo.MinLOO]),
		AlphaGCV: loo.Alphas[loo.MinGCV], GCV: jsonFloat(loo.GCV[loo.MinGCV]), DFGCV: jsonFloat(loo.DF[loo.MinGCV]),
	}
	for k := range loo.Alphas {
		r.LOOCurve = append(r.LOOCurve, jsonFloat(loo.LOO[k]))
		r.GCVCurve = append(r.GCVCurve, jsonFloat(loo.GCV[k]))
		r.DF = append(r.DF, jsonFloat(loo.DF[k]))
	}
	return r, nil
}

// cvPlot draws the CV curve beside the path on all rows over the same grid
// with the chosen α marked: cv.glmnet's and glmnet's plots together.
func cvPlot(ctx context.Context, path string, fr *data.Frame, res *enet.CVResult, ps *enet.PathSettings) error {
	cb := res.Curves[res.Best]
	cp, err := rpt.CVPlot(rpt.CV{Alphas: cb.Alphas, Mean: cb.MSE, SE: cb.SE, AlphaMin: res.AlphaMin, Alpha1SE: res.Alpha1SE})
	if err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	// Beside the curve, the path on all rows over the same grid with
	// the chosen α marked: cv.glmnet's and glmnet's plots together.
	ps.Alphas, ps.NumAlphas, ps.Eps = cb.Alphas, 0, 0
	pr, err := enet.Path(ctx, fr.X, fr.Y, cb.L1Ratio, ps)
	if err != nil {
		return err
	}
	coef := make([][]float64, len(pr.Points))
	for k, pt := range pr.Points {
		coef[k] = pt.Coef
	}
	pp, err := rpt.PathPlot(rpt.Path{Alphas: cb.Alphas, Coef: coef, Features: fr.Features, Chosen: res.Refit.Alpha})
	if err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	return figureOutputWrite(path, rpt.Grid(2, cp, pp))
}

// check validates the flags of `lsq cv` and resolves the penalty.
func (o *cvOptions) check() (name string, ratios []float64, ps enet.PathSettings, oneSE bool, err error) {
	name, ratios, ps, err = o.Enet.resolve(o.changed, true)
	if err != nil {
		return "", nil, ps, false, err
	}
	if o.Folds < 2 {
		return "", nil, ps, false, usagef("--folds %d: cross-validation needs at least 2 folds", o.Folds)
	}
	switch o.Choose {
	case "min":
	case "1se":
		oneSE = true
	default:
		return "", nil, ps, false, usagef("--choose %q: want min or 1se", o.Choose)
	}
	if err := refuseOverwrite(o.Output, o.File); err != nil {
		return "", nil, ps, false, err
	}
	if err := plotOutputCheck(o.Plot, o.File, o.Output); err != nil {
		return "", nil, ps, false, err
	}
	if err := refuseOverwrite(o.SaveFolds, o.File, o.Output); err != nil {
		return "", nil, ps, false, err
	}
	return name, ratios, ps, oneSE, nil
}

// newCVOutput is what runCV prints or writes as JSON: the chosen curve's
// errors, the refit at the chosen α, and one line per curve when several
// L1 ratios were tried.
func newCVOutput(o *cvOptions, target string, features []string, n int, loss float64, name string, oneSE bool, res *enet.CVResult, tm timings) cvOutput {
	cb := res.Curves[res.Best]
	ref := res.Refit
	out := cvOutput{
		File: o.File, Target: target, Features: features, N: n,
		Penalty: name, Folds: o.Folds, Seed: o.Seed, Standardized: o.Enet.Standardize,
		L1Ratio: res.L1Ratio, AlphaMax: jsonFloat(cb.AlphaMax), Alphas: cb.Alphas,
		AlphaMin: res.AlphaMin, Alpha1SE: res.Alpha1SE, Choose: o.Choose,
		ChosenAlpha: ref.Alpha, Coef: ref.Coef, Intercept: ref.Intercept, NonZero: ref.NonZero,
		Objective: jsonFloat(ref.Objective), Loss: jsonFloat(loss),
		Status: ref.Status.String(), Timings: tm,
	}
	if !math.IsNaN(ref.R2) {
		r2 := jsonFloat(ref.R2)
		out.R2 = &r2
	}
	chosen := cb.Min
	if oneSE {
		chosen = cb.OneSE
	}
	out.ChosenMSE = jsonFloat(cb.MSE[chosen])
	for k := range cb.Alphas {
		out.CVMean = append(out.CVMean, jsonFloat(cb.MSE[k]))
		out.CVSE = append(out.CVSE, jsonFloat(cb.SE[k]))
	}
	if len(res.Curves) > 1 {
		for _, c := range res.Curves {
			out.Curves = append(out.Curves, cvCurve{L1Ratio: c.L1Ratio, AlphaMin: c.Alphas[c.Min], MinMean: jsonFloat(c.MSE[c.Min]), Alpha1SE: c.Alphas[c.OneSE]})
		}
	}
	return out
}
