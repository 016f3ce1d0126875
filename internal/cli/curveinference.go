package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/lsqgo/lsq/nls"
)

// curveInference holds what lsq curve adds to the fit for a statistician:
// the self-starting model behind --model, the parameters held on a bound,
// and the profile-likelihood intervals of --profile.
type curveInference struct {
	AtBound     []string             `json:"at_bound,omitempty"`
	ProfileLow  map[string]jsonFloat `json:"profile_low,omitempty"`
	ProfileHigh map[string]jsonFloat `json:"profile_high,omitempty"`
	SelfStart   map[string]float64   `json:"self_start,omitempty"`
	Notes       []string             `json:"notes,omitempty"`
}

// selfStart recognises a self-starting --model (SSlogis(log(conc)), …),
// replaces it by its expression and reports whether the starting values
// are to be computed from the data: --start empty or auto. It returns nil
// for a plain expression, for which --start auto is a usage error. It also
// refuses --profile with a first-order method, which keeps no
// least-squares problem to profile.
func (o *curveOptions) selfStart() (*nls.SelfStart, bool, error) {
	if o.Profile && (o.Method == "gd" || o.Method == "adam") {
		return nil, false, usagef("--profile refits the other parameters by Levenberg–Marquardt at each point; it needs --method lm or gn, not %s", o.Method)
	}
	m, ok, err := nls.ParseSelfStart(o.Model)
	if err != nil {
		return nil, false, usagef("--model: %v", err)
	}
	auto := strings.EqualFold(strings.TrimSpace(o.Start), "auto")
	if !ok {
		if auto {
			return nil, false, usagef("--start auto computes starting values for a self-starting model: --model SSlogis(x), SSasymp(x), SSmicmen(x), SSgompertz(x) or SSfpl(x) (x an expression in the columns, optionally followed by the parameter names, as in R)")
		}
		return nil, false, nil
	}
	o.Model = m.Expr()
	if auto || strings.TrimSpace(o.Start) == "" {
		// Placeholders, so that the names read as parameters; the values
		// come from the data (selfStartValues).
		var parts []string
		for _, p := range m.Params {
			parts = append(parts, p+"=1")
		}
		o.Start = strings.Join(parts, ",")
		return m, true, nil
	}
	return m, false, nil
}

// selfStartValues computes the starting values of m from the data, as R's
// initial function of the model does.
func selfStartValues(ctx context.Context, name string, m *nls.SelfStart, cols map[string][]float64, y []float64) (map[string]float64, error) {
	in, err := m.InputValues(cols)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	start, err := m.Initial(ctx, in, y)
	if err != nil {
		return nil, fmt.Errorf("%s: no self-start: %w; give --start NAME=VALUE,... instead", name, err)
	}
	return start, nil
}

// curveExtras fills the bound note and, with --profile, the profile
// intervals.
func curveExtras(ctx context.Context, res *nls.Result, params []string, s *nls.Settings, profile bool) (curveInference, error) {
	var ci curveInference
	for j, p := range params {
		if !res.AtBound[j] {
			continue
		}
		ci.AtBound = append(ci.AtBound, p)
		side, v := "upper", s.Upper[j]
		if res.X[j] <= s.Lower[j] {
			side, v = "lower", s.Lower[j]
		}
		ci.Notes = append(ci.Notes, fmt.Sprintf("%s is held on its %s bound %g: its standard error, t, p and interval are those of the unconstrained linearisation there, with every parameter counted in the degrees of freedom (as R's nls with algorithm = \"port\" reports them); they do not account for the bound", p, side, v))
	}
	if !profile {
		return ci, nil
	}
	if !res.Status.Converged() {
		ci.Notes = append(ci.Notes, "no profile intervals: the fit did not converge, and a profile is taken about the minimum")
		return ci, nil
	}
	ci.ProfileLow, ci.ProfileHigh = map[string]jsonFloat{}, map[string]jsonFloat{}
	for j, p := range params {
		lo, hi, err := res.Profile(ctx, j, 0.95)
		if err != nil {
			return ci, err
		}
		ci.ProfileLow[p], ci.ProfileHigh[p] = jsonFloat(lo), jsonFloat(hi)
		if math.IsNaN(lo) || math.IsNaN(hi) {
			ci.Notes = append(ci.Notes, fmt.Sprintf("the profile of %s does not reach the 95%% cut-off on one side within its bounds (or 100 standard errors): that end is NA, as R reports it", p))
		}
	}
	return ci, nil
}

func printCurveInference(w io.Writer, ci *curveInference, params []string) {
	if ci.ProfileLow != nil {
		fmt.Fprintln(w, "profile-likelihood 95% intervals (τ = ±t on the residual df, as R's confint for nls):")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "\t2.5%%\t97.5%%\t\n")
		for _, p := range params {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\n", p, orNA("%.8g", float64(ci.ProfileLow[p])), orNA("%.8g", float64(ci.ProfileHigh[p])))
		}
		tw.Flush()
	}
	if ci.SelfStart != nil {
		var parts []string
		for _, p := range params {
			parts = append(parts, fmt.Sprintf("%s=%.8g", p, ci.SelfStart[p]))
		}
		fmt.Fprintf(w, "self-start values (as R's getInitial): %s\n", strings.Join(parts, ", "))
	}
	for _, n := range ci.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}
