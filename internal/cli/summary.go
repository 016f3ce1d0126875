package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/stats"
)

// summaryOut is the inference of an exact fit, in the JSON field names of
// the fit command.
type summaryOut struct {
	StdErr          []jsonFloat `json:"stderr"`
	InterceptStdErr *jsonFloat  `json:"intercept_stderr,omitempty"`
	T               []jsonFloat `json:"t"`
	P               []jsonFloat `json:"p"`
	CILow           []jsonFloat `json:"ci_low"`
	CIHigh          []jsonFloat `json:"ci_high"`
	InterceptT      *jsonFloat  `json:"intercept_t,omitempty"`
	InterceptP      *jsonFloat  `json:"intercept_p,omitempty"`
	InterceptCILow  *jsonFloat  `json:"intercept_ci_low,omitempty"`
	InterceptCIHigh *jsonFloat  `json:"intercept_ci_high,omitempty"`
	ResidualSD      jsonFloat   `json:"residual_sd"`
	R2              jsonFloat   `json:"r2"`
	AdjR2           jsonFloat   `json:"adj_r2"`
	F               jsonFloat   `json:"f"`
	FP              jsonFloat   `json:"f_p"`
	LogLik          jsonFloat   `json:"loglik"`
	AIC             jsonFloat   `json:"aic"`
	BIC             jsonFloat   `json:"bic"`
	DFResid         int         `json:"df_resid"`
	DFModel         int         `json:"df_model"`
	// NObs counts the observations: the rows with positive weight, as R's
	// lm (a row of weight 0 changes no number of the summary).
	NObs       int    `json:"nobs"`
	Covariance string `json:"covariance"`
	Clusters   int    `json:"clusters,omitempty"` // --cluster: the number of clusters
	// --robust hac: the Newey–West lag used, how it was chosen ("given",
	// "rule_of_thumb" ⌊4(n/100)^(2/9)⌋, or "automatic" ⌊bandwidth⌋ of
	// Newey & West 1994 as R's NeweyWest), the bandwidth (automatic only)
	// and whether the sum was VAR(1) prewhitened.
	Lags      *int       `json:"lags,omitempty"`
	LagRule   string     `json:"lag_rule,omitempty"`
	Bandwidth *jsonFloat `json:"bandwidth,omitempty"`
	Prewhite  *bool      `json:"prewhite,omitempty"`
	Dist      string     `json:"dist"` // "t" or "z": the distribution of the tests
	Diagnosis string     `json:"diagnosis"`
	// NullReason names, per feature, why its stderr, t, p and interval are
	// null: "aliased" for a linearly dependent feature (R prints NA).
	NullReason map[string]string `json:"null_reason,omitempty"`
}

// aliasedReason is the null_reason of an aliased feature.
const aliasedReason = "aliased: a linear combination of the other features, so the data do not identify its coefficient (the minimum-norm value is reported) and it has no standard error; R prints NA"

var covTypes = map[string]stats.CovType{"": stats.NonRobust, "nonrobust": stats.NonRobust, "hc0": stats.HC0, "hc1": stats.HC1, "hc2": stats.HC2, "hc3": stats.HC3}

// summarize is the inference of a fit at its exact solution (exactOf): of
// the rows x with weights w in memory, or of a streamed fit (x and w nil,
// the classical covariance only).
func summarize(res *fit.Result, x *mat.Dense, w []float64, set stats.Settings) (*stats.Summary, *summaryOut, error) {
	ex := exactOf(res)
	if ex == nil {
		return nil, nil, nil
	}
	var xx *mat.Dense
	if set.Cov != stats.NonRobust {
		xx = x
	}
	sum, err := stats.Summarize(ex, xx, w, &set)
	if err != nil {
		return nil, nil, err
	}
	o := &summaryOut{
		ResidualSD: jsonFloat(sum.ResidualSD), R2: jsonFloat(sum.R2), AdjR2: jsonFloat(sum.AdjR2),
		F: jsonFloat(sum.F), FP: jsonFloat(sum.FPValue), LogLik: jsonFloat(sum.LogLik), AIC: jsonFloat(sum.AIC), BIC: jsonFloat(sum.BIC),
		DFResid: sum.DF, DFModel: sum.DFModel, NObs: sum.N, Covariance: sum.Type.String(),
		Clusters: sum.Clusters, Dist: distName(sum.Dist),
		Diagnosis: diagnose(ex.Cond, featureScales(res, x, w)),
	}
	if sum.Type == stats.HAC {
		lags, pw := sum.Lags, sum.Prewhite
		o.Lags, o.Prewhite, o.LagRule = &lags, &pw, lagRuleOf(set)
		if set.Lags == stats.AutoLags {
			bw := jsonFloat(sum.Bandwidth)
			o.Bandwidth = &bw
		}
	}
	for _, j := range ex.Aliased {
		if o.NullReason == nil {
			o.NullReason = map[string]string{}
		}
		o.NullReason[res.Features[j]] = aliasedReason
	}
	terms := sum.Terms
	if sum.HasIntercept {
		t := terms[0]
		se, tt, p, lo, hi := jsonFloat(t.StdErr), jsonFloat(t.T), jsonFloat(t.P), jsonFloat(t.Lower), jsonFloat(t.Upper)
		o.InterceptStdErr, o.InterceptT, o.InterceptP, o.InterceptCILow, o.InterceptCIHigh = &se, &tt, &p, &lo, &hi
		terms = terms[1:]
	}
	for _, t := range terms {
		o.StdErr = append(o.StdErr, jsonFloat(t.StdErr))
		o.T = append(o.T, jsonFloat(t.T))
		o.P = append(o.P, jsonFloat(t.P))
		o.CILow = append(o.CILow, jsonFloat(t.Lower))
		o.CIHigh = append(o.CIHigh, jsonFloat(t.Upper))
	}
	return sum, o, nil
}

// diagnose turns the condition number of the standardised design, and the
// spread of the raw column scales (the features' standard deviations,
// featureScales), into a sentence: a large condition number after
// standardising means collinearity; very different scales mean the raw
// design is badly scaled (harmless to QR, harmful to unstandardised GD).
func diagnose(cond float64, scales []float64) string {
	var parts []string
	switch {
	case math.IsInf(cond, 1):
		parts = append(parts, "rank-deficient: some features are exact linear combinations of others")
	case cond > 1e6:
		parts = append(parts, fmt.Sprintf("severe collinearity (condition number %.3g after standardising): coefficients are poorly determined", cond))
	case cond > 30:
		parts = append(parts, fmt.Sprintf("collinearity (condition number %.3g after standardising; above 30 is the usual warning level)", cond))
	default:
		parts = append(parts, fmt.Sprintf("well conditioned (condition number %.3g after standardising)", cond))
	}
	if scales != nil {
		lo, hi := math.Inf(1), 0.0
		for _, s := range scales {
			if s > 0 {
				lo, hi = math.Min(lo, s), math.Max(hi, s)
			}
		}
		if hi/lo > 1e3 {
			parts = append(parts, fmt.Sprintf("scaling: feature standard deviations differ by %.2g× (standardise for gradient methods)", hi/lo))
		}
	}
	return strings.Join(parts, "; ")
}

func printSummary(w io.Writer, sum *stats.Summary, o *summaryOut, features []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	stat := "t"
	if sum.Dist == stats.Normal {
		stat = "z"
	}
	lvl := (1 - sum.Level) / 2
	fmt.Fprintf(tw, "\tcoef\tstd err\t%s\tP>|%s|\t[%.3g\t%.3g]\t\n", stat, stat, lvl, 1-lvl)
	names := features
	if sum.HasIntercept {
		names = append([]string{"intercept"}, features...)
	}
	aliased := false
	for i, t := range sum.Terms {
		fmt.Fprintf(tw, "%s\t%.6g\t%s\t%s\t%s\t%s\t%s\t\n", names[i], t.Coef, orNA("%.4g", t.StdErr), orNA("%.4g", t.T), orNA("%.3g", t.P), orNA("%.6g", t.Lower), orNA("%.6g", t.Upper))
		aliased = aliased || math.IsNaN(t.StdErr)
	}
	tw.Flush()
	if aliased {
		fmt.Fprintln(w, "NA: aliased feature, a linear combination of the others: its coefficient (the minimum-norm value) is not identified and has no standard error")
	}
	fmt.Fprintf(w, "residual SD %.6g on %d degrees of freedom   R² %.6g   adjusted R² %.6g\n", sum.ResidualSD, sum.DF, sum.R2, sum.AdjR2)
	fmt.Fprintf(w, "F %.6g on %d and %d df, p = %.4g   log-likelihood %s   AIC %s   BIC %s   n %d\n", sum.F, sum.DFModel, sum.DF, sum.FPValue, orNA("%.6g", sum.LogLik), orNA("%.6g", sum.AIC), orNA("%.6g", sum.BIC), sum.N)
	if math.IsNaN(sum.LogLik) {
		fmt.Fprintf(w, "NA: %s\n", logLikAbsent)
	}
	printCovType(w, sum, o)
	fmt.Fprintf(w, "design: %s\n", o.Diagnosis)
}

// orNA formats v, or "NA" (as R prints it) when v is NaN: the standard
// error, t, p and interval of an aliased coefficient.
func orNA(format string, v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return fmt.Sprintf(format, v)
}

// expandDegree replaces the single feature x by x, x², …, x^degree.
func expandDegree(fr *data.Frame, degree int) ([]float64, error) {
	if degree <= 1 {
		return nil, nil
	}
	n, d := fr.X.Dims()
	if d != 1 {
		return nil, usagef("--degree expands one feature into powers; got %d features (pick one with --features)", d)
	}
	x := make([]float64, n)
	for i := range n {
		x[i] = fr.X.At(i, 0)
	}
	xd := mat.NewDense(n, degree, nil)
	for i, v := range x {
		p := 1.0
		row := xd.RawRowView(i)
		for k := range degree {
			p *= v
			row[k] = p
		}
	}
	name := fr.Features[0]
	names := []string{name}
	for k := 2; k <= degree; k++ {
		names = append(names, fmt.Sprintf("%s^%d", name, k))
	}
	fr.X, fr.Features = xd, names
	return x, nil
}
