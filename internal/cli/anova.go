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
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/stats"
)

type anovaOptions struct {
	Models []string
	File   string
	Data   dataFlags
	NA     naFlags
	JSON   bool
}

func newAnovaCmd(stdio IO) *cobra.Command {
	var opts anovaOptions
	cmd := &cobra.Command{
		Use:   "anova MODEL1 MODEL2 [MODEL...] FILE",
		Short: "Compare nested linear models by F tests, as R's anova(m1, m2, ...)",
		Long: `anova refits each model (from files written by 'lsq fit -o': its formula,
factor levels and polynomial terms, or its columns, rebuilt from FILE as
predict rebuilds them, and its intercept) by least squares on FILE, given
once, and tests each against the one before it: F = (ΔRSS/Δdf)/(RSS/df of
the largest model), as R's anova.lm prints it. The models must be nested
(each one's features contain the previous one's, or the reverse) and are
refitted without penalty, all on the rows every one of them can use (a
row with a missing value in a column one model reads is left out of all,
and counted on stderr); use --weights for a weighted comparison. For the
sequential (type I) table of one model, use 'lsq fit FILE --anova'.`,
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
	opts.NA.register(f, "from every model: the models are compared on the same rows")
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
	designs, err := anovaDesigns(models, o, stdio)
	if err != nil {
		return err
	}
	fits := make([]*linear.Result, len(models))
	for k, m := range models {
		md := designs[k]
		var w []float64
		if o.Data.Weights != "" {
			w = md.y[1]
		}
		if fits[k], err = linear.Solve(md.x, lessOffset(md.y[0], md.offset), &linear.Settings{Weights: w, NoIntercept: !m.FitIntercept}); err != nil {
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
		if m.Design != nil && m.Design.Formula != "" {
			formulas[k] = m.Design.Formula
		}
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

// anovaDesigns rebuilds each model's design on the file as predict does
// (buildForModel: its formula, factor levels, polynomial bases, --degree,
// or its plain columns), with the response and the weights, and keeps the
// rows every model can use: a row with a missing value in a column one
// model reads is left out of all of them (said on stderr), since the F
// tests compare fits to the same rows (R's anova refuses models fitted to
// different numbers of rows).
func anovaDesigns(models []*modelio.Model, o anovaOptions, stdio IO) ([]*modelDesign, error) {
	in, err := bufferInput(o.File, stdio)
	if err != nil {
		return nil, err
	}
	dopts, err := o.Data.options()
	if err != nil {
		return nil, err
	}
	var extra []string
	if o.Data.Weights != "" {
		extra = []string{o.Data.Weights}
	}
	designs := make([]*modelDesign, len(models))
	uses := map[int]int{} // file row → how many models keep it
	for k, m := range models {
		if designs[k], err = buildForModel(m, in, dopts, o.NA, []string{m.Target}, extra...); err != nil {
			return nil, fmt.Errorf("%s: %w", o.Models[k], err)
		}
		for _, r := range designs[k].rows {
			uses[r]++
		}
	}
	var common []int
	for _, r := range designs[0].rows {
		if uses[r] == len(models) {
			common = append(common, r)
		}
	}
	if len(common) == 0 {
		return nil, fmt.Errorf("%s: no row has every column the models read", in.name)
	}
	if len(common) < designs[0].n {
		fmt.Fprintf(stdio.Err, "note: %s: %s of %d left out, with a missing value in a column a model reads; every model is refitted to the other %d\n",
			in.name, english.Count(designs[0].n-len(common), "row"), designs[0].n, len(common))
	}
	for _, md := range designs {
		md.keepRows(common)
	}
	return designs, nil
}

// keepRows restricts the design to the given file rows, each one of its
// own, in file order.
func (md *modelDesign) keepRows(rows []int) {
	if len(rows) == len(md.rows) {
		return
	}
	at := make(map[int]int, len(md.rows))
	for i, r := range md.rows {
		at[r] = i
	}
	_, c := md.x.Dims()
	x := mat.NewDense(len(rows), c, nil)
	y := make([][]float64, len(md.y))
	for t := range y {
		y[t] = make([]float64, len(rows))
	}
	var off []float64
	if md.offset != nil {
		off = make([]float64, len(rows))
	}
	for i, r := range rows {
		x.SetRow(i, md.x.RawRowView(at[r]))
		for t := range y {
			y[t][i] = md.y[t][at[r]]
		}
		if off != nil {
			off[i] = md.offset[at[r]]
		}
	}
	md.x, md.y, md.offset, md.rows = x, y, off, rows
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
