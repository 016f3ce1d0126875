package cli

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/stats"
)

type anovaOptions struct {
	Models []string
	File   string
	Data   dataFlags
	JSON   bool
}

func newAnovaCmd(stdio IO) *cobra.Command {
	var opts anovaOptions
	cmd := &cobra.Command{
		Use:   "anova MODEL1 MODEL2 [MODEL...] FILE",
		Short: "Compare nested linear models by F tests, as R's anova(m1, m2, ...)",
		Long: `anova refits each model (its features and intercept, from files written by
'lsq fit -o') by least squares on FILE, given once, and tests each against
the one before it: F = (ΔRSS/Δdf)/(RSS/df of the largest model), as R's
anova.lm prints it. The models must be nested (each one's features contain
the previous one's, or the reverse) and are refitted without penalty; use
--weights for a weighted comparison. For the sequential (type I) table of
one model, use 'lsq fit FILE --anova'.`,
		Example: "  lsq fit mtcars.csv --target mpg --features wt -o m1.json\n  lsq fit mtcars.csv --target mpg --features wt,hp -o m2.json\n  lsq anova m1.json m2.json mtcars.csv",
		Args:    cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Models, opts.File = args[:len(args)-1], args[len(args)-1]
			return runAnova(opts, stdio)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Data.Weights, "weights", "", "column of observation weights (weighted least squares)")
	f.StringVar(&opts.Data.Delimiter, "delimiter", "", `field delimiter (default ",", or tab for .tsv files)`)
	f.BoolVar(&opts.JSON, "json", false, "print one JSON object")
	return cmd
}

type anovaRowOut struct {
	Model  string    `json:"model"`
	ResDF  int       `json:"res_df"`
	RSS    jsonFloat `json:"rss"`
	DF     jsonFloat `json:"df"`
	SumSq  jsonFloat `json:"sum_sq"`
	F      jsonFloat `json:"f"`
	PValue jsonFloat `json:"p"`
}

func runAnova(o anovaOptions, stdio IO) error {
	models := make([]*modelio.Model, len(o.Models))
	for k, path := range o.Models {
		m, err := loadAnovaModel(path)
		if err != nil {
			return err
		}
		if k > 0 && m.Target != models[0].Target {
			return usagef("%s predicts %q but %s predicts %q: the models must have the same response", path, m.Target, o.Models[0], models[0].Target)
		}
		if k > 0 && !nested(models[k-1], m) {
			return usagef("%s and %s are not nested: one model's features must contain the other's (features %s and %s)", o.Models[k-1], path, data.ListNames(models[k-1].Features), data.ListNames(m.Features))
		}
		models[k] = m
	}
	var all []string
	for _, m := range models {
		for _, f := range m.Features {
			if !slices.Contains(all, f) {
				all = append(all, f)
			}
		}
	}
	opts, err := o.Data.options()
	if err != nil {
		return err
	}
	opts.Target, opts.Features = models[0].Target, all
	fr, err := readData(o.File, opts, stdio)
	if err != nil {
		return err
	}
	fits := make([]*linear.Result, len(models))
	for k, m := range models {
		if fits[k], err = refit(fr, m); err != nil {
			return fmt.Errorf("%s on %s: %w", o.Models[k], o.File, err)
		}
		if !sameCoef(fits[k], m) {
			fmt.Fprintf(stdio.Err, "note: %s was fitted to other data or weights than %s; the table compares the models refitted to %s\n", o.Models[k], o.File, o.File)
		}
	}
	rows, err := stats.Nested(fits)
	if err != nil {
		return err
	}
	formulas := make([]string, len(models))
	for k, m := range models {
		formulas[k] = rFormula(m.Target, m.Features, m.FitIntercept)
	}
	if o.JSON {
		out := make([]anovaRowOut, len(rows))
		for k, r := range rows {
			out[k] = anovaRowOut{Model: formulas[k], ResDF: r.ResDF, RSS: jsonFloat(r.RSS), DF: jsonFloat(r.DF), SumSq: jsonFloat(r.SS), F: jsonFloat(r.F), PValue: jsonFloat(r.P)}
		}
		return writeJSON(stdio.Out, map[string]any{"file": o.File, "anova": out})
	}
	printNested(stdio.Out, rows, formulas)
	return nil
}

func loadAnovaModel(path string) (*modelio.Model, error) {
	m, err := modelio.Load(path)
	if err != nil {
		return nil, err
	}
	if m.Kind != modelio.KindLinear {
		return nil, usagef("%s is a %s model; anova compares linear models", path, m.Kind)
	}
	if p, _ := m.Solver.Settings["penalty"].(string); p != "" && p != "none" {
		return nil, usagef("%s was fitted with --penalty %s; the F test compares least-squares fits (fit the models without a penalty)", path, p)
	}
	return m, nil
}

// nested reports whether one model's features (and intercept) contain the
// other's.
func nested(a, b *modelio.Model) bool {
	sub := func(small, big *modelio.Model) bool {
		if small.FitIntercept && !big.FitIntercept {
			return false
		}
		for _, f := range small.Features {
			if !slices.Contains(big.Features, f) {
				return false
			}
		}
		return true
	}
	return sub(a, b) || sub(b, a)
}

// refit solves the model's least-squares problem on the frame's columns.
func refit(fr *data.Frame, m *modelio.Model) (*linear.Result, error) {
	n := fr.Rows()
	x := mat.NewDense(n, len(m.Features), nil)
	for j, f := range m.Features {
		c := slices.Index(fr.Features, f)
		for i := range n {
			x.Set(i, j, fr.X.At(i, c))
		}
	}
	return linear.Solve(x, fr.Y, &linear.Settings{Weights: fr.Weights, NoIntercept: !m.FitIntercept})
}

// sameCoef reports whether the refit reproduces the saved coefficients to
// 1e-6 relative: the model was fitted to these data.
func sameCoef(f *linear.Result, m *modelio.Model) bool {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
	if !near(f.Intercept, m.Intercept) {
		return false
	}
	for j, c := range m.Coef {
		if !near(f.Coef[j], c) {
			return false
		}
	}
	return true
}

// rFormula writes a model as R does: "y ~ a + b", "- 1" without intercept.
func rFormula(target string, features []string, intercept bool) string {
	rhs := strings.Join(features, " + ")
	switch {
	case rhs == "" && intercept:
		rhs = "1"
	case rhs == "":
		rhs = "-1"
	case !intercept:
		rhs += " - 1"
	}
	return target + " ~ " + rhs
}

// printNested prints the comparison as R's print.anova prints
// anova(m1, m2, ...).
func printNested(w io.Writer, rows []stats.NestedRow, formulas []string) {
	fmt.Fprintln(w, "Analysis of Variance Table")
	fmt.Fprintln(w)
	for k, f := range formulas {
		fmt.Fprintf(w, "Model %*d: %s\n", len(strconv.Itoa(len(formulas))), k+1, f)
	}
	n := len(rows)
	resdf, rss, df, ss, f, p := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	names := make([]string, n)
	for k, r := range rows {
		names[k] = strconv.Itoa(k + 1)
		resdf[k], rss[k], df[k], ss[k], f[k], p[k] = float64(r.ResDF), r.RSS, r.DF, r.SS, r.F, r.P
	}
	t := rTable{
		rowNames: names,
		headers:  []string{"Res.Df", "RSS", "Df", "Sum of Sq", "F", "Pr(>F)"},
		cols: [][]string{rFormat(resdf, 5), rFormat(zapsmall(rss, 5), 5), rFormat(df, 5), rFormat(zapsmall(ss, 5), 5),
			rFormat(roundTo(f, 4), 5), formatPval(p)},
		pvals: p,
	}
	t.print(w)
}

// printSequential prints the sequential table as R's print.anova prints
// anova(lm), names[k] the name of row k.
func printSequential(w io.Writer, rows []stats.SequentialRow, target string, names []string) {
	fmt.Fprintln(w, "Analysis of Variance Table")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Response: %s\n", target)
	n := len(rows)
	df, ss, ms, f, p := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for k, r := range rows {
		df[k], ss[k], ms[k], f[k], p[k] = float64(r.DF), r.SS, r.MeanSq, r.F, r.P
	}
	t := rTable{
		rowNames: names,
		headers:  []string{"Df", "Sum Sq", "Mean Sq", "F value", "Pr(>F)"},
		cols:     [][]string{rFormat(df, 5), rFormat(zapsmall(ss, 5), 5), rFormat(zapsmall(ms, 5), 5), rFormat(roundTo(f, 4), 5), formatPval(p)},
		pvals:    p,
	}
	t.print(w)
}
