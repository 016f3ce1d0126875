package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gonum.org/v1/plot"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/enet"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/internal/fsutil"
	rpt "github.com/lsqgo/lsq/report"
)

// enetFlags are the options path and cv share: the penalty, its grid of α
// and how the design is treated.
type enetFlags struct {
	Penalty     string
	L1Ratio     string
	NAlphas     int
	Eps         float64
	Standardize bool
	NoIntercept bool
	Tol         float64
}

func (e *enetFlags) register(fs *pflag.FlagSet, list bool) {
	fs.StringVar(&e.Penalty, "penalty", "", "l1 (the lasso; the default unless --l1-ratio is given), elasticnet or l2 (ridge)")
	help := "elastic net mixing ρ in α(ρ‖w‖₁ + (1−ρ)/2‖w‖²), in [0, 1]; giving it selects --penalty elasticnet"
	if list {
		help += "; a comma-separated list compares several"
	}
	fs.StringVar(&e.L1Ratio, "l1-ratio", "0.5", help)
	fs.IntVar(&e.NAlphas, "n-alphas", 100, "number of values of α, log-spaced from α_max down to α_max·eps")
	fs.Float64Var(&e.Eps, "eps", 1e-3, "ratio of the smallest α to α_max, in (0, 1); 1e-6 for --penalty l2 unless given, its α_max being 1000 times the lasso's")
	fs.BoolVar(&e.Standardize, "standardize", true, "penalise the standardised coefficients (glmnet); false penalises them on the original scale (scikit-learn)")
	fs.BoolVar(&e.NoIntercept, "no-intercept", false, "fit through the origin (no intercept)")
	fs.Float64Var(&e.Tol, "tol", 1e-7, "convergence tolerance of each fit on the path: the relative coefficient change and the relative duality gap (glmnet's thresh), in (0, 1)")
}

// resolve checks the flags and returns the penalty's canonical name, the
// mixing values ρ and the path settings (without weights). changed reports
// whether a flag was given; list allows several ρ.
func (e *enetFlags) resolve(changed func(string) bool, list bool) (string, []float64, enet.PathSettings, error) {
	var ps enet.PathSettings
	if e.NAlphas < 1 {
		return "", nil, ps, usagef("--n-alphas %d must be at least 1", e.NAlphas)
	}
	if !(e.Eps > 0 && e.Eps < 1) {
		return "", nil, ps, usagef("--eps %v must be in (0, 1), the ratio of the smallest α to α_max", e.Eps)
	}
	ps.NumAlphas, ps.Eps = e.NAlphas, e.Eps
	ps.Unstandardized = !e.Standardize
	ps.NoIntercept = e.NoIntercept
	if !(e.Tol > 0 && e.Tol < 1) {
		return "", nil, ps, usagef("--tol %v must be in (0, 1)", e.Tol)
	}
	ps.Tol = e.Tol

	var ratios []float64
	for _, f := range strings.Split(e.L1Ratio, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v >= 0 && v <= 1) {
			return "", nil, ps, usagef("--l1-ratio %q: want a number between 0 and 1%s", e.L1Ratio, map[bool]string{true: ", or a comma-separated list of them", false: ""}[list])
		}
		ratios = append(ratios, v)
	}
	if len(ratios) > 1 && !list {
		return "", nil, ps, usagef("--l1-ratio %q: give one value (lsq cv compares several)", e.L1Ratio)
	}
	ratioSet := changed("l1-ratio")
	name := strings.ToLower(e.Penalty)
	switch name {
	case "":
		if ratioSet {
			return "elasticnet", ratios, ps, nil
		}
		return "l1", []float64{1}, ps, nil
	case "elasticnet", "enet":
		return "elasticnet", ratios, ps, nil
	case "l1", "lasso":
		if ratioSet {
			return "", nil, ps, usagef("--l1-ratio applies to --penalty elasticnet; the lasso (l1) has ρ = 1")
		}
		return "l1", []float64{1}, ps, nil
	case "l2", "ridge":
		if ratioSet {
			return "", nil, ps, usagef("--l1-ratio applies to --penalty elasticnet; ridge (l2) has ρ = 0")
		}
		// Ridge's α_max is computed with ρ = 0.001 (glmnet), 1000 times the
		// lasso's, so its grid reaches down as far with eps 1e-6.
		if !changed("eps") {
			ps.Eps = 1e-6
		}
		return "l2", []float64{0}, ps, nil
	}
	return "", nil, ps, usagef("--penalty %q: want l1, elasticnet or l2", e.Penalty)
}

// penaltyTitle describes the penalty for a heading.
func penaltyTitle(rho float64) string {
	switch rho {
	case 1:
		return "lasso (ρ = 1)"
	case 0:
		return "ridge (ρ = 0)"
	}
	return fmt.Sprintf("elastic net (ρ = %g)", rho)
}

type pathOptions struct {
	File    string
	Files   []string // several files (or patterns) are partitions of one data set
	Stream  bool
	Memory  string
	Data    dataFlags
	NA      naFlags
	Formula string
	Enet    enetFlags
	JSON    bool
	Plot    string

	changed func(string) bool
}

func newPathCmd(stdio IO) *cobra.Command {
	opts := pathOptions{}
	cmd := &cobra.Command{
		Use:   "path FILE",
		Short: "Regularisation path of the lasso, elastic net or ridge regression",
		Long: `path reads FILE (.csv, .tsv, .parquet, or - for standard input) and fits

    (1/2n)‖y − Xw − b‖² + α(ρ‖w‖₁ + (1−ρ)/2‖w‖²)

by coordinate descent for a decreasing grid of α: --n-alphas values, log-spaced
from α_max (the smallest α at which every coefficient is zero) down to
α_max·eps, each fit starting from the previous one (glmnet's path). The lasso
is ρ = 1, ridge ρ = 0; for ridge no finite α zeroes the fit and α_max uses
ρ = 0.001, glmnet's convention (so its default --eps is 1e-6).

The table has one row per α: the number of non-zero coefficients, R² (the
fraction of the variance of the target explained, glmnet's dev.ratio), the
objective and the coefficients on the original scale.

Several files, or a pattern, are partitions of one data set and are streamed,
as is a file larger than --memory: one pass folds them into a QR factor whose
weighted moments are all coordinate descent needs (memory independent of the
rows), and the path is the one fitted in memory, to rounding, printed as in
memory (--json with the same keys) with a "streamed:" line saying so.`,
		Example: `  lsq path data.csv --target y
  lsq path data.csv --penalty elasticnet --l1-ratio 0.5 --n-alphas 20 --json
  lsq path data.csv --plot path.png
  lsq path 'parts/*.csv' --stream`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.Files = args
			opts.changed = func(name string) bool { return cmd.Flags().Changed(name) }
			return runPath(cmd.Context(), opts, stdio)
		},
	}
	f := cmd.Flags()
	opts.Data.register(f, true)
	opts.NA.register(f, "R's na.omit")
	f.StringVar(&opts.Formula, "formula", "", formulaHelp)
	opts.Enet.register(f, false)
	f.BoolVar(&opts.JSON, "json", false, "print one JSON object")
	f.StringVar(&opts.Plot, "plot", "", "draw the coefficients against α to this .png or .svg file")
	f.BoolVar(&opts.Stream, "stream", false, "read the file(s) in one pass with memory independent of the rows (the path from the moments of their QR factor); implied by several files or a file larger than --memory")
	f.StringVar(&opts.Memory, "memory", "4GiB", "memory budget: larger inputs are streamed")
	return cmd
}

// pathOutput is the JSON form of a path.
type pathOutput struct {
	File         string      `json:"file"`
	Target       string      `json:"target"`
	Features     []string    `json:"features"`
	N            int         `json:"n"`
	Penalty      string      `json:"penalty"`
	L1Ratio      float64     `json:"l1_ratio"`
	Standardized bool        `json:"standardized"`
	AlphaMax     jsonFloat   `json:"alpha_max"`
	Alphas       []float64   `json:"alphas"`
	Nonzero      []int       `json:"nonzero"`
	Objective    []jsonFloat `json:"objective"`
	R2           []jsonFloat `json:"r2"` // enet.Result.R2 at each α: glmnet's dev.ratio
	Coef         [][]float64 `json:"coef"`
	Intercept    []float64   `json:"intercept"`
	Converged    bool        `json:"converged"`
	Plot         string      `json:"plot,omitempty"`
	Timings      timings     `json:"timings"` // load: reading the data; fit: the path

	// streamed says how a streamed path read its data: a line of the text
	// output only, as fitOutput's, so that the JSON keys of a path are the
	// same in memory and streamed.
	streamed string
}

func runPath(ctx context.Context, o pathOptions, stdio IO) error {
	name, ratios, ps, err := o.Enet.resolve(o.changed, false)
	if err != nil {
		return err
	}
	files, streamed, err := inputFiles(o.Files, o.Memory, o.Stream)
	if err != nil {
		return err
	}
	if err := plotOutputCheck(o.Plot, files...); err != nil {
		return err
	}
	rho := ratios[0]
	if streamed {
		return runStreamPath(ctx, o, files, name, rho, ps, stdio)
	}
	o.File = files[0]
	start := time.Now()
	fr, des, _, err := loadInputs(o.File, o.Formula, o.Data, o.NA, nil, o.changed, stdio)
	if err != nil {
		return err
	}
	if dropsIntercept(des) {
		ps.NoIntercept = true
	}
	if fr.X == nil || fr.Rows() == 0 {
		return fmt.Errorf("%s: no data rows", o.File)
	}
	ps.Weights = fr.Weights
	loaded := time.Now()
	pr, err := enet.Path(ctx, fr.X, fr.Y, rho, &ps)
	if err != nil {
		return err
	}
	tm := timings{LoadS: loaded.Sub(start).Seconds(), FitS: time.Since(loaded).Seconds()}
	return writePath(o, stdio, pr, pathOutput{
		File: o.File, Target: fr.Target, Features: fr.Features, N: fr.Rows(),
		Penalty: name, L1Ratio: rho, Standardized: o.Enet.Standardize, Timings: tm,
	})
}

// writePath prints or writes the path pr (and its plot), with the heading
// fields of out filled by the caller.
func writePath(o pathOptions, stdio IO, pr *enet.PathResult, out pathOutput) error {
	if err := checkAlphaMax(pr.AlphaMax, out.Target); err != nil {
		return err
	}
	out.AlphaMax, out.Converged = jsonFloat(pr.AlphaMax), true
	var unconverged []float64
	for _, pt := range pr.Points {
		out.Alphas = append(out.Alphas, pt.Alpha)
		out.Nonzero = append(out.Nonzero, pt.NonZero)
		out.Objective = append(out.Objective, jsonFloat(pt.Objective))
		out.R2 = append(out.R2, jsonFloat(pt.R2))
		out.Coef = append(out.Coef, pt.Coef)
		out.Intercept = append(out.Intercept, pt.Intercept)
		if pt.Status != lsq.Converged {
			out.Converged = false
			unconverged = append(unconverged, pt.Alpha)
		}
	}
	if o.Plot != "" {
		p, err := rpt.PathPlot(rpt.Path{Alphas: out.Alphas, Coef: out.Coef, Features: out.Features})
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
		printPath(stdio.Out, &out)
	}
	if len(unconverged) > 0 {
		return &NotConvergedError{Msg: fmt.Sprintf("coordinate descent reached its sweep limit before converging at %s (first α = %.4g); the coefficients there are approximate", english.Count(len(unconverged), "value")+" of α", unconverged[0])}
	}
	return nil
}

func printPath(w io.Writer, out *pathOutput) {
	printDataLine(w, out.File, english.Count(out.N, "row"), len(out.Features), "target "+out.Target)
	scale := "standardised coefficients"
	if !out.Standardized {
		scale = "coefficients on the original scale"
	}
	fmt.Fprintf(w, "%s path: %s from α_max = %.6g to %.6g (penalty on the %s)\n",
		penaltyTitle(out.L1Ratio), english.Count(len(out.Alphas), "value")+" of α", float64(out.AlphaMax), out.Alphas[len(out.Alphas)-1], scale)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "alpha\tnonzero\tR²\tobjective\tintercept\t")
	for _, f := range out.Features {
		fmt.Fprintf(tw, "%s\t", f)
	}
	fmt.Fprintln(tw)
	for k, a := range out.Alphas {
		fmt.Fprintf(tw, "%.6g\t%d\t%.4f\t%.6g\t%.6g\t", a, out.Nonzero[k], float64(out.R2[k]), float64(out.Objective[k]), out.Intercept[k])
		for _, c := range out.Coef[k] {
			fmt.Fprintf(tw, "%.6g\t", c)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	printStreamed(w, out.streamed)
	printWritten(w, outFile{"plot", out.Plot})
}

// checkAlphaMax refuses a degenerate path: α_max = max_j|z_jᵀV(y−ȳ)|/ρ is
// zero only when no feature is correlated with the centred target, and then
// every coefficient is zero at every α.
func checkAlphaMax(amax float64, target string) error {
	if amax > 0 && !math.IsInf(amax, 0) {
		return nil
	}
	return fmt.Errorf("α_max is %g: no feature is correlated with the target %q (is it constant?), so every coefficient is 0 at every α and there is no path", amax, target)
}

// plotOutputCheck validates a --plot file name before any work is done: a
// .png or .svg extension, and not one of the inputs.
func plotOutputCheck(name string, inputs ...string) error {
	if name == "" {
		return nil
	}
	if _, err := rpt.FormatOf(name); err != nil {
		return usagef("--plot %s: %v", name, err)
	}
	return refuseOverwrite(name, inputs...)
}

// plotOutputWrite renders p alone to name (format from the extension),
// atomically.
func plotOutputWrite(name string, p *plot.Plot) error {
	return figureOutputWrite(name, rpt.Single(p))
}

// figureOutputWrite renders fig to name (format from the extension),
// atomically.
func figureOutputWrite(name string, fig *rpt.Figure) error {
	return fsutil.WriteFile(name, func(w io.Writer) error { return fig.WriteFile(w, name) })
}
