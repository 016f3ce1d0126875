package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/fsutil"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/report"
	"github.com/lsqgo/lsq/stats"
)

// inferenceFlags are fit's options for the inference beyond the
// coefficient table: per-row diagnostics, the sequential ANOVA table and
// the convention of AIC and BIC.
type inferenceFlags struct {
	Diagnostics string
	Anova       bool
	IC          string
	ic          stats.IC
}

func (f *inferenceFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Diagnostics, "diagnostics", "", "write per-row diagnostics (fitted, residual, hat, standardised and studentised residuals, Cook's distance, DFFITS, COVRATIO, DFBETAS) to this CSV file")
	fs.BoolVar(&f.Anova, "anova", false, "print the sequential (type I) analysis-of-variance table, one row per term of the model, as R's anova(lm)")
	fs.StringVar(&f.IC, "ic", "statsmodels", "AIC/BIC convention: statsmodels (k = coefficients) or r (k = coefficients + σ², as R's AIC())")
}

// check validates the flags once the solver and penalty are known.
func (f *inferenceFlags) check(o *fitOptions, s *fit.Settings) error {
	switch strings.ToLower(f.IC) {
	case "statsmodels", "":
		f.ic = stats.ICStatsmodels
	case "r":
		f.ic = stats.ICR
	default:
		return usagef("--ic %q: want r or statsmodels", f.IC)
	}
	if o.changed("ic") && !o.Summary && !o.JSON {
		return usagef("--ic sets how --summary counts the parameters of AIC and BIC: add --summary (or --json)")
	}
	if !f.wanted() {
		return nil
	}
	name := "--anova"
	if f.Diagnostics != "" {
		name = "--diagnostics"
		if strings.EqualFold(filepath.Ext(f.Diagnostics), ".parquet") {
			return usagef("--diagnostics writes CSV; give a .csv file name (%s)", f.Diagnostics)
		}
		if err := refuseOverwrite(f.Diagnostics, o.Files...); err != nil {
			return err
		}
	}
	switch {
	case s.Penalty != nil:
		return usagef("%s applies to least-squares fits; --penalty %s shrinks the coefficients, so leverages, Cook's distances and F tests do not hold (drop the penalty)", name, o.Penalty.Name)
	case o.ValFrac > 0:
		return usagef("%s describes every row of the data; drop --val-frac", name)
	case o.Stream || len(o.Files) > 1:
		return usagef("%s needs the rows in memory; drop --stream (and give one file)", name)
	}
	return nil
}

func (f *inferenceFlags) wanted() bool { return f.Diagnostics != "" || f.Anova }

// inferenceOut is the inference beyond the coefficient table, in the JSON
// of the fit command.
type inferenceOut struct {
	IC            string            `json:"ic,omitempty"`
	ResidualTests *residualTestsOut `json:"residual_tests,omitempty"`
	Influential   []influentialOut  `json:"influential,omitempty"`
	Diagnostics   string            `json:"diagnostics,omitempty"`
	Anova         []sequentialOut   `json:"anova,omitempty"`

	seq []stats.SequentialRow // Anova, for printing
}

// modelTerms are the terms of a formula's design: the term of each column
// (R's assign, counted from 0) and the terms' labels as R writes them.
type modelTerms struct {
	assign []int
	labels []string
}

type residualTestsOut struct {
	Omnibus        jsonFloat `json:"omnibus"`
	OmnibusP       jsonFloat `json:"omnibus_p"`
	Skew           jsonFloat `json:"skew"`
	Kurtosis       jsonFloat `json:"kurtosis"`
	JarqueBera     jsonFloat `json:"jarque_bera"`
	JarqueBeraP    jsonFloat `json:"jarque_bera_p"`
	DurbinWatson   jsonFloat `json:"durbin_watson"`
	BreuschPagan   jsonFloat `json:"breusch_pagan"`
	BreuschPaganP  jsonFloat `json:"breusch_pagan_p"`
	BreuschPaganDF int       `json:"breusch_pagan_df"`

	absent string // why every test is NA (a streamed fit keeps no residuals); "" when computed
}

// residualsAbsent says why a streamed fit has no residual tests and no
// influence measures.
const residualsAbsent = "the residual tests and influential rows need every residual, and a streamed fit keeps none; " + fitInMemory + " for them"

// absentResidualTests are the residual tests of a fit without its
// residuals: every statistic NA, the Breusch–Pagan degrees of freedom
// those of its regressors.
func absentResidualTests(rank int) *residualTestsOut {
	nan := jsonFloat(math.NaN())
	return &residualTestsOut{Omnibus: nan, OmnibusP: nan, Skew: nan, Kurtosis: nan, JarqueBera: nan, JarqueBeraP: nan,
		DurbinWatson: nan, BreuschPagan: nan, BreuschPaganP: nan, BreuschPaganDF: rank, absent: residualsAbsent}
}

type influentialOut struct {
	Row   int    `json:"row"`
	Flags string `json:"flags"`
}

// sequentialOut is one row of the sequential ANOVA table: a term of the
// formula (its label as R writes it, "Species", "poly(x, 3)", "a:b"; a
// column on plain columns, a factor's dummies one term) or "Residuals".
type sequentialOut struct {
	Term   string    `json:"term"`
	DF     int       `json:"df"`
	SumSq  jsonFloat `json:"sum_sq"`
	MeanSq jsonFloat `json:"mean_sq"`
	F      jsonFloat `json:"f"`
	P      jsonFloat `json:"p"`
}

// penalizedNote is what --summary says for an L1 or elastic-net fit.
const penalizedNote = "no standard errors, t, p or intervals for an L1 or elastic-net fit: the coefficients are shrunk towards zero and the features were selected on the same data, so the classical formulas do not hold (their errors would be too small and their p-values too optimistic). Available: the coefficients, the loss, R² on these data and the duality gap above; `lsq cv` for the error on held-out data. For uncertainty, a bootstrap (refitting on rows resampled with replacement at this α) gives intervals for the coefficients, and selective inference (e.g. R's selectiveInference package) gives valid p-values for the selected features; lsq does neither. Refitting the selected features without a penalty gives a summary whose p-values ignore the selection"

// shrunkNote is what --summary says for a ridge or L2-SP fit.
const shrunkNote = "no standard errors, t, p or intervals for a ridge or L2-SP fit: the coefficients are shrunk (towards zero, or towards the --init model), so they are biased and the classical formulas do not hold. Available: the coefficients, the loss and R² on these data; `lsq cv` for the error on held-out data. A bootstrap (refitting on rows resampled with replacement at this α) gives intervals for the coefficients; lsq does not do it"

// fitInference computes what --summary, --diagnostics, --anova and --ic
// ask for beyond the coefficient table, and writes the diagnostics file.
// The ANOVA table has one row per term of terms (nil: per column of x).
func fitInference(o *fitOptions, res *fit.Result, fr *data.Frame, terms *modelTerms, x *mat.Dense, y, w []float64, sum *stats.Summary, out *fitOutput) error {
	f := &o.Inference
	if sum == nil {
		switch o.Penalty.Name {
		case "l1", "lasso", "elasticnet", "enet":
			out.SummaryNote = penalizedNote
		case "l2", "ridge", "l2sp":
			out.SummaryNote = shrunkNote
		}
		if f.wanted() {
			return fmt.Errorf("%s: no inference for this fit (%s)", o.File, out.SummaryNote)
		}
		return nil
	}
	inf := &inferenceOut{IC: f.ic.String()}
	out.inferenceOut = inf
	sum.AIC, sum.BIC = sum.InfoCriteria(f.ic)
	out.AIC, out.BIC = jsonFloat(sum.AIC), jsonFloat(sum.BIC)
	ex := exactOf(res)
	// The ANOVA table first: a failure there leaves no diagnostics file.
	if f.Anova {
		var assign []int
		labels := fr.Features
		if terms != nil {
			assign, labels = terms.assign, terms.labels
		}
		rows, err := stats.SequentialTerms(x, y, assign, &linear.Settings{Weights: w, NoIntercept: !ex.HasIntercept})
		if err != nil {
			return fmt.Errorf("%s: %w", o.File, err)
		}
		inf.seq = rows
		for _, r := range rows {
			term := "Residuals"
			if r.Term >= 0 {
				term = labels[r.Term]
			}
			inf.Anova = append(inf.Anova, sequentialOut{Term: term, DF: r.DF, SumSq: jsonFloat(r.SS), MeanSq: jsonFloat(r.MeanSq), F: jsonFloat(r.F), P: jsonFloat(r.P)})
		}
	}
	if x == nil && o.Summary { // streamed: no rows (--diagnostics and --anova are refused)
		inf.ResidualTests = absentResidualTests(ex.Rank)
		return nil
	}
	if o.Summary || f.Diagnostics != "" {
		t := stats.TestResiduals(ex, x, w)
		inf.ResidualTests = &residualTestsOut{
			Omnibus: jsonFloat(t.Omnibus), OmnibusP: jsonFloat(t.OmnibusP), Skew: jsonFloat(t.Skew), Kurtosis: jsonFloat(t.Kurtosis),
			JarqueBera: jsonFloat(t.JarqueBera), JarqueBeraP: jsonFloat(t.JarqueBeraP), DurbinWatson: jsonFloat(t.DurbinWatson),
			BreuschPagan: jsonFloat(t.BreuschPagan), BreuschPaganP: jsonFloat(t.BreuschPaganP), BreuschPaganDF: t.BreuschPaganDF,
		}
		d, err := stats.NewInfluence(ex, x, w)
		if err == nil {
			for i, fl := range d.Flags() {
				if fl != 0 {
					inf.Influential = append(inf.Influential, influentialOut{Row: i + 1, Flags: fl.String()})
				}
			}
			if f.Diagnostics != "" {
				if err := writeDiagnostics(f.Diagnostics, d, w, fr.Features, ex.HasIntercept); err != nil {
					return err
				}
				inf.Diagnostics = f.Diagnostics
			}
		} else if f.Diagnostics != "" {
			return fmt.Errorf("%s: %w", o.File, err)
		}
	}
	return nil
}

// writeDiagnostics writes one CSV row per data row, NA where R reports NA
// (rows of weight 0, and the residual diagnostics of a row of leverage 1).
func writeDiagnostics(path string, d *stats.Influence, w []float64, features []string, intercept bool) error {
	return fsutil.WriteFile(path, func(f io.Writer) error {
		cw := csv.NewWriter(f)
		head := []string{"row"}
		if w != nil {
			head = append(head, "weight")
		}
		head = append(head, "fitted", "residual", "hat", "std_resid", "student_resid", "cooks_d", "dffits", "covratio")
		if intercept {
			head = append(head, "dfb_intercept")
		}
		for _, name := range features {
			head = append(head, "dfb_"+name)
		}
		head = append(head, "influential")
		if err := cw.Write(head); err != nil {
			return err
		}
		flags := d.Flags()
		num := func(v float64) string {
			if math.IsNaN(v) {
				return "NA"
			}
			return strconv.FormatFloat(v, 'g', -1, 64)
		}
		rec := make([]string, 0, len(head))
		for i := range d.Fitted {
			rec = append(rec[:0], strconv.Itoa(i+1))
			if w != nil {
				rec = append(rec, num(w[i]))
			}
			rec = append(rec, num(d.Fitted[i]), num(d.Residual[i]), num(d.Hat[i]), num(d.Standardized[i]), num(d.Studentized[i]),
				num(d.Cook[i]), num(d.DFFITS[i]), num(d.CovRatio[i]))
			for _, v := range d.DFBETAS.RawRowView(i) {
				rec = append(rec, num(v))
			}
			rec = append(rec, flags[i].String())
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// printInference prints, after the summary, the residual tests, the
// influential rows and the convention of AIC/BIC (with --summary) and the
// ANOVA table (with --anova).
func printInference(w io.Writer, o *fitOptions, out *fitOutput, target string) {
	inf := out.inferenceOut
	if inf == nil {
		return
	}
	if t := inf.ResidualTests; t != nil && o.Summary {
		tw := newTable(w)
		f3 := func(v jsonFloat) string { return orNA("%.3f", float64(v)) }
		fmt.Fprintf(tw, "Omnibus:\t%s\t   Durbin-Watson:\t%s\t\n", f3(t.Omnibus), f3(t.DurbinWatson))
		fmt.Fprintf(tw, "Prob(Omnibus):\t%s\t   Jarque-Bera (JB):\t%s\t\n", f3(t.OmnibusP), f3(t.JarqueBera))
		fmt.Fprintf(tw, "Skew:\t%s\t   Prob(JB):\t%s\t\n", f3(t.Skew), orNA("%.3g", float64(t.JarqueBeraP)))
		fmt.Fprintf(tw, "Kurtosis:\t%s\t   Breusch-Pagan (LM, %d df):\t%s\t\n", f3(t.Kurtosis), t.BreuschPaganDF, f3(t.BreuschPagan))
		fmt.Fprintf(tw, "\t\t   Prob(BP):\t%s\t\n", orNA("%.3g", float64(t.BreuschPaganP)))
		tw.Flush()
		if t.absent != "" {
			fmt.Fprintf(w, "NA: %s\n", t.absent)
		} else if math.IsNaN(float64(t.Omnibus)) {
			fmt.Fprintln(w, "NA: the omnibus test needs at least 8 observations")
		}
		k := "the coefficients (statsmodels; --ic r adds σ², as R's AIC() and BIC())"
		if o.Inference.ic == stats.ICR {
			k = "the coefficients and σ² (R's AIC() and BIC(); --ic statsmodels leaves σ² out)"
		}
		fmt.Fprintf(w, "AIC and BIC count %s\n", k)
		if t.absent != "" {
			fmt.Fprintln(w, "influential rows: NA")
		} else {
			printInfluential(w, inf.Influential, o.Inference.Diagnostics)
		}
	}
	if len(inf.Anova) > 0 {
		if o.Summary {
			fmt.Fprintln(w)
		}
		names := make([]string, len(inf.Anova))
		for k, r := range inf.Anova {
			names[k] = r.Term
		}
		printSequential(w, inf.seq, target, names)
	}
}

// printInfluential lists the rows above R's influence.measures cut-offs,
// at most 20 of them.
func printInfluential(w io.Writer, rows []influentialOut, file string) {
	if len(rows) == 0 {
		fmt.Fprintln(w, "influential rows: none above the cut-offs of R's influence.measures")
		return
	}
	var parts []string
	for k, r := range rows {
		if k == 20 {
			parts = append(parts, fmt.Sprintf("and %d more", len(rows)-20))
			break
		}
		parts = append(parts, fmt.Sprintf("%d (%s)", r.Row, r.Flags))
	}
	fmt.Fprintf(w, "influential rows (R's influence.measures cut-offs: |dfbetas| > 1, |dffits| > 3√(k/(n−k)), |1 − covratio| > 3k/(n−k), Cook's D above the F(k, n−k) median, hat > 3k/n): %s\n", strings.Join(parts, ", "))
	if file == "" {
		fmt.Fprintln(w, "every row's diagnostics: --diagnostics FILE")
	}
}

// leverageData is the residuals-against-leverage panel of an exact,
// unpenalised fit of x with weights w; nil for any other fit.
func leverageData(res *fit.Result, x *mat.Dense, w []float64) *report.Leverage {
	if !res.Solver.Exact() || res.Exact == nil || res.Exact.Unscaled == nil {
		return nil
	}
	d, err := stats.NewInfluence(res.Exact, x, w)
	if err != nil {
		return nil
	}
	return &report.Leverage{Hat: d.Hat, StdResid: d.Standardized, P: d.P}
}

// inferenceNotes are the residual tests and the influential rows as
// sentences for the HTML report.
func inferenceNotes(inf *inferenceOut) []string {
	if inf == nil || inf.ResidualTests == nil {
		return nil
	}
	t := inf.ResidualTests
	f := func(v jsonFloat) string { return orNA("%.3g", float64(v)) }
	notes := []string{fmt.Sprintf("Residual tests: Omnibus %s (p %s), Jarque-Bera %s (p %s), skew %s, kurtosis %s, Durbin-Watson %s, Breusch-Pagan %s on %d df (p %s).",
		f(t.Omnibus), f(t.OmnibusP), f(t.JarqueBera), f(t.JarqueBeraP), f(t.Skew), f(t.Kurtosis), f(t.DurbinWatson), f(t.BreuschPagan), t.BreuschPaganDF, f(t.BreuschPaganP))}
	var b strings.Builder
	printInfluential(&b, inf.Influential, "-")
	return append(notes, strings.TrimSpace(b.String()))
}
