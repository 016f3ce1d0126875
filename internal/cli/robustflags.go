package cli

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/stats"
)

func (o *fitOptions) robustFlags() *robustFlags {
	return &robustFlags{Robust: o.Robust, Cluster: o.Cluster, DF: o.DF}
}

// robustFlags are the options of the coefficient covariance of fit
// --summary: --robust, --cluster and --df.
type robustFlags struct {
	Robust  string // HC0–HC3, hac or hac:lags=L|auto,prewhite=true|false
	Cluster string // column of cluster labels
	DF      string // t or z; empty: t for classical errors, z for robust ones
}

// settings parses the flags into stats.Settings without the cluster
// labels, which come from the data (takeClusters).
func (r *robustFlags) settings() (stats.Settings, error) {
	var set stats.Settings
	spec := strings.ToLower(strings.TrimSpace(r.Robust))
	switch {
	case spec == "hac" || strings.HasPrefix(spec, "hac:"):
		set.Cov = stats.HAC
		if arg, ok := strings.CutPrefix(spec, "hac:"); ok {
			if err := hacSettings(&set, r.Robust, arg); err != nil {
				return set, err
			}
		}
	default:
		c, ok := covTypes[spec]
		if !ok {
			return set, usagef("--robust %q: want HC0, HC1, HC2, HC3, hac or hac:lags=L|auto,prewhite=true|false", r.Robust)
		}
		set.Cov = c
	}
	if r.Cluster != "" {
		if r.Robust != "" {
			return set, usagef("--cluster %s selects the cluster-robust (CR1) errors; drop --robust %s", r.Cluster, r.Robust)
		}
		set.Cov = stats.Cluster
	}
	switch strings.ToLower(r.DF) {
	case "":
	case "t":
		set.Dist = stats.StudentT
	case "z":
		set.Dist = stats.Normal
	default:
		return set, usagef("--df %q: want t (Student's t on the residual degrees of freedom, as R's coeftest) or z (normal)", r.DF)
	}
	return set, nil
}

// hacSettings parses the settings of --robust hac:lags=L|auto,
// prewhite=true|false (either or both, in any order) into set: lags a
// whole number ≥ 1 or auto (stats.AutoLags, the lag chosen from the data
// as R's NeweyWest), prewhite the VAR(1) prewhitening.
func hacSettings(set *stats.Settings, spec, args string) error {
	a, err := parseSpecArgs("--robust", spec, "hac", args)
	if err != nil {
		return err
	}
	a.used["lags"] = true
	if v, ok := a.kv["lags"]; ok {
		lags, err := strconv.Atoi(v)
		switch {
		case v == "auto":
			set.Lags = stats.AutoLags
		case err != nil || lags < 1:
			return usagef("--robust hac: lags=%q must be auto or a whole number ≥ 1 (the Newey–West truncation lag)", v)
		default:
			set.Lags = lags
		}
	}
	set.Prewhite = a.boolean("prewhite")
	return a.done()
}

// check refuses the flags where they cannot apply.
func (r *robustFlags) check(o *fitOptions) error {
	if _, err := r.settings(); err != nil {
		return err
	}
	ordered := r.Cluster != "" || strings.HasPrefix(strings.ToLower(r.Robust), "hac")
	if ordered && o.ValFrac > 0 {
		return usagef("--val-frac draws rows at random, which breaks the clusters and the time order of --cluster and --robust hac; drop --val-frac")
	}
	if r.Cluster != "" && o.Formula != "" {
		return usagef("--cluster works with --target/--features; with --formula it is not supported")
	}
	return nil
}

// loadData reads the fit's data; with --cluster it also reads that column
// (as a feature only when --features names it) and returns its labels.
func (r *robustFlags) loadData(d dataFlags, path string, stdio IO) (*data.Frame, []int, error) {
	if r.Cluster == "" {
		fr, err := d.load(path, stdio)
		return fr, nil, err
	}
	var named []string
	if f := strings.TrimSpace(d.Features); f != "" {
		for _, s := range strings.Split(f, ",") {
			named = append(named, strings.TrimSpace(s))
		}
		if !slices.Contains(named, r.Cluster) {
			d.Features += "," + r.Cluster
		}
	}
	fr, err := d.load(path, stdio)
	if err != nil {
		return nil, nil, err
	}
	j := slices.Index(fr.Features, r.Cluster)
	if j < 0 {
		return nil, nil, usagef("--cluster %s: no such column in %s (the target and weights cannot be clusters)", r.Cluster, path)
	}
	n, dim := fr.X.Dims()
	labels := make([]int, n)
	ids := map[float64]int{}
	for i := 0; i < n; i++ {
		v := fr.X.At(i, j)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("%s: --cluster %s: row %d has %v; every row needs a cluster label", path, r.Cluster, i+1, v)
		}
		v += 0 // -0 and 0 are one label
		if _, ok := ids[v]; !ok {
			ids[v] = len(ids)
		}
		labels[i] = ids[v]
	}
	if slices.Contains(named, r.Cluster) {
		return fr, labels, nil
	}
	if dim == 1 {
		return nil, nil, usagef("--cluster %s leaves no feature columns", r.Cluster)
	}
	x := mat.NewDense(n, dim-1, nil)
	for i := 0; i < n; i++ {
		row := fr.X.RawRowView(i)
		copy(x.RawRowView(i), append(row[:j:j], row[j+1:]...))
	}
	fr.X = x
	fr.Features = slices.Delete(slices.Clone(fr.Features), j, j+1)
	return fr, labels, nil
}

// printCovType names the covariance of a robust summary.
func printCovType(w io.Writer, sum *stats.Summary, o *summaryOut) {
	switch sum.Type {
	case stats.NonRobust:
	case stats.Cluster:
		fmt.Fprintf(w, "standard errors: cluster-robust (CR1: G/(G−1)·(n−1)/(n−k), %d clusters)\n", sum.Clusters)
	case stats.HAC:
		fmt.Fprintf(w, "standard errors: Newey–West HAC (Bartlett kernel, %s)\n", hacText(sum, o.LagRule))
	default:
		fmt.Fprintf(w, "standard errors: heteroskedasticity-robust %s\n", sum.Type)
	}
}

// Lag rules of --robust hac, as summaryOut.LagRule names them.
const (
	lagGiven = "given"         // hac:lags=L
	lagRule  = "rule_of_thumb" // hac: stats.DefaultLags, ⌊4(n/100)^(2/9)⌋
	lagAuto  = "automatic"     // hac:lags=auto: ⌊bandwidth⌋ of Newey & West 1994
)

// lagRuleOf names how set chooses the Newey–West lag.
func lagRuleOf(set stats.Settings) string {
	switch set.Lags {
	case 0:
		return lagRule
	case stats.AutoLags:
		return lagAuto
	}
	return lagGiven
}

// hacText says which Newey–West lag was used and how it was chosen, and
// whether the sum was prewhitened; unless both follow R's NeweyWest(fit)
// defaults, it says how to get them.
func hacText(sum *stats.Summary, rule string) string {
	lags := english.Count(sum.Lags, "lag")
	var s string
	switch rule {
	case lagAuto:
		s = fmt.Sprintf("%s from the data (⌊bandwidth %.4g⌋, Newey & West 1994)", lags, sum.Bandwidth)
	case lagRule:
		s = lags + " by the rule ⌊4(n/100)^(2/9)⌋"
	default:
		s = lags
	}
	if sum.Prewhite {
		s += ", VAR(1) prewhitened"
	} else {
		s += ", no prewhitening"
	}
	if rule != lagAuto || !sum.Prewhite {
		s += "; R's NeweyWest(fit) defaults are hac:lags=auto,prewhite=true"
	}
	return s
}

// distName is "t" or "z".
func distName(d stats.Dist) string {
	if d == stats.Normal {
		return "z"
	}
	return "t"
}
