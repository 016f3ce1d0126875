package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFitClusterHACR runs fit --summary --cluster and --robust
// hac:lags=L|auto,prewhite=true|false on data written from R's reference
// (testdata/stats/robust.json, made by bench/peers/robust_reference.R:
// sandwich::vcovCL with its defaults, NeweyWest(lag = L, prewhite =
// FALSE), NeweyWest(fit) with its defaults, with the automatic lag alone
// and with lag 3 prewhitened; coeftest with t and with df = Inf) and
// compares the JSON output: the standard errors and p-values, and the lag,
// how it was chosen, the bandwidth and the prewhitening. Tolerance 1e-10
// relative, as package stats' TestRobustR: both are float64 fits of
// well-conditioned designs, agreeing to about 13 digits; the JSON carries
// 17.
func TestFitClusterHACR(t *testing.T) {
	b, err := os.ReadFile("../../testdata/stats/robust.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Name     string      `json:"name"`
			Kind     string      `json:"kind"`
			X        [][]float64 `json:"x"`
			Y        []float64   `json:"y"`
			Weights  []float64   `json:"weights"`
			Cluster  []float64   `json:"cluster"`
			Lag      int         `json:"lag"`
			SE       []float64   `json:"se"`
			PT       []float64   `json:"p_t"`
			PZ       []float64   `json:"p_z"`
			Clusters int         `json:"clusters"`
			Prewhite bool        `json:"prewhite"`
			Ncpt     bool        `json:"intercept"`
			LagAuto  bool        `json:"lag_auto"`
			Bw       *float64    `json:"bandwidth"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range ref.Cases {
		switch c.Name {
		case "panel_firm_weighted", "panel_year", "investment_nw_lag3", "investment_nw_lag2_weighted",
			"investment_default", "ar1_default_weighted", "ar1_auto_noprewhite", "ar1_lag3_prewhite", "ar1_noint_default_weighted":
		default:
			continue
		}
		var sb strings.Builder
		d := len(c.X[0])
		for j := 0; j < d; j++ {
			fmt.Fprintf(&sb, "x%d,", j+1)
		}
		sb.WriteString("g,w,y\n")
		for i, row := range c.X {
			for _, v := range row {
				fmt.Fprintf(&sb, "%.17g,", v)
			}
			g, w := 0.0, 1.0
			if c.Cluster != nil {
				g = c.Cluster[i]
			}
			if c.Weights != nil {
				w = c.Weights[i]
			}
			fmt.Fprintf(&sb, "%g,%g,%.17g\n", g, w, c.Y[i])
		}
		path := filepath.Join(dir, c.Name+".csv")
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, df := range []string{"t", "z"} {
			args := []string{"fit", path, "--weights", "w", "--summary", "--json", "--df", df}
			if c.Kind == "cluster" {
				args = append(args, "--cluster", "g")
			} else {
				lags := fmt.Sprint(c.Lag)
				if c.LagAuto {
					lags = "auto"
				}
				args = append(args, "--features", "x1,x2", "--robust", fmt.Sprintf("hac:lags=%s,prewhite=%v", lags, c.Prewhite))
			}
			if !c.Ncpt {
				args = append(args, "--no-intercept")
			}
			code, stdout, stderr := runLSQ(dir, nil, args...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", c.Name, code, stderr)
			}
			var out struct {
				Features   []string  `json:"features"`
				StdErr     []float64 `json:"stderr"`
				ISE        float64   `json:"intercept_stderr"`
				P          []float64 `json:"p"`
				IP         float64   `json:"intercept_p"`
				Covariance string    `json:"covariance"`
				Clusters   int       `json:"clusters"`
				Lags       *int      `json:"lags"`
				LagRule    string    `json:"lag_rule"`
				Bandwidth  *float64  `json:"bandwidth"`
				Prewhite   *bool     `json:"prewhite"`
				Dist       string    `json:"dist"`
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatal(err)
			}
			if len(out.Features) != d || out.Dist != df || out.Clusters != c.Clusters {
				t.Errorf("%s: features %v dist %q clusters %d", c.Name, out.Features, out.Dist, out.Clusters)
			}
			if c.Kind == "cluster" {
				if out.Lags != nil || out.LagRule != "" || out.Bandwidth != nil || out.Prewhite != nil {
					t.Errorf("%s: HAC fields in a clustered summary", c.Name)
				}
			} else {
				rule, bwOK := "given", out.Bandwidth == nil
				if c.LagAuto {
					rule = "automatic"
					bwOK = out.Bandwidth != nil && math.Abs(*out.Bandwidth-*c.Bw) <= 1e-10**c.Bw
				}
				// lags is there even when 0 (investment_default).
				if out.Lags == nil || *out.Lags != c.Lag || out.LagRule != rule || !bwOK || out.Prewhite == nil || *out.Prewhite != c.Prewhite {
					t.Errorf("%s: lags %v rule %q bandwidth %v prewhite %v; R lag %d bandwidth %v prewhite %v", c.Name, out.Lags, out.LagRule, out.Bandwidth, out.Prewhite, c.Lag, c.Bw, c.Prewhite)
				}
			}
			p := c.PT
			if df == "z" {
				p = c.PZ
			}
			got, gotP := out.StdErr, out.P
			if c.Ncpt {
				got = append([]float64{out.ISE}, out.StdErr...)
				gotP = append([]float64{out.IP}, out.P...)
			}
			if len(got) != len(c.SE) {
				t.Fatalf("%s: %d standard errors, R %d", c.Name, len(got), len(c.SE))
			}
			for j := range got {
				if math.Abs(got[j]-c.SE[j]) > 1e-10*c.SE[j] || math.Abs(gotP[j]-p[j]) > 1e-10*p[j] {
					t.Errorf("%s --df %s: se[%d] %.15g p %.15g; R %.15g, %.15g", c.Name, df, j, got[j], gotP[j], c.SE[j], p[j])
				}
			}
		}
	}
}

// TestRobustFlagErrors: every misuse of --robust, --cluster and --df is a
// usage error (exit 2) that names the flag.
func TestRobustFlagErrors(t *testing.T) {
	dir := t.TempDir()
	csv := "x,g,y\n1,1,2\n2,1,4\n3,2,5\n4,2,4\n5,3,5\n6,3,7\n"
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--summary", "--robust", "hac:lags=0"}, "--robust"},
		{[]string{"--summary", "--robust", "hac:lag=2"}, "--robust"},
		{[]string{"--summary", "--robust", "hac:lags=x"}, "--robust hac: lags"},
		{[]string{"--summary", "--robust", "hac:lags=2.5"}, "--robust hac: lags"},
		{[]string{"--summary", "--robust", "hac:prewhite=yes"}, `--robust hac: prewhite="yes" must be true or false`},
		{[]string{"--summary", "--robust", "hac:lags=auto,prewhite"}, "--robust"},
		{[]string{"--summary", "--robust", "HC4"}, "--robust"},
		{[]string{"--summary", "--df", "f"}, "--df"},
		{[]string{"--summary", "--cluster", "g", "--robust", "HC1"}, "--robust"},
		{[]string{"--summary", "--cluster", "nope"}, "--cluster nope"},
		{[]string{"--summary", "--cluster", "g", "--solver", "gd", "--val-frac", "0.3"}, "--val-frac"},
		{[]string{"--summary", "--robust", "hac", "--solver", "gd", "--val-frac", "0.3"}, "--val-frac"},
		{[]string{"--summary", "--cluster", "g", "--formula", "y ~ x"}, "--formula"},
	} {
		args := append([]string{"fit", "$D/d.csv"}, c.args...)
		code, _, stderr := runLSQ(dir, nil, args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", c.args, code, stderr, c.want)
		}
	}
	// Clusters taken from the column, which is then not a feature.
	code, stdout, stderr := runLSQ(dir, nil, "fit", "$D/d.csv", "--summary", "--cluster", "g")
	if code != 0 || !strings.Contains(stdout, "3 clusters") || strings.Contains(stdout, "\ng ") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestHACSummaryText: the summary says which Newey–West lag was used, how
// it was chosen and whether the sum was prewhitened, and points to R's
// defaults unless they are in use.
func TestHACSummaryText(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("x,y\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&sb, "%d,%.6f\n", i, 2+0.5*float64(i)+math.Sin(0.3*float64(i)))
	}
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	hint := "R's NeweyWest(fit) defaults are hac:lags=auto,prewhite=true"
	for _, c := range []struct {
		spec     string
		want     []string
		wantHint bool
	}{
		// ⌊4·0.4^{2/9}⌋ = ⌊3.26⌋ = 3.
		{"hac", []string{"3 lags by the rule ⌊4(n/100)^(2/9)⌋", "no prewhitening"}, true},
		{"hac:lags=1", []string{"1 lag,", "no prewhitening"}, true},
		{"hac:lags=auto", []string{"from the data (⌊bandwidth ", "Newey & West 1994", "no prewhitening"}, true},
		{"hac:lags=2,prewhite=true", []string{"2 lags,", "VAR(1) prewhitened"}, true},
		{"hac:lags=auto,prewhite=true", []string{"from the data (⌊bandwidth ", "VAR(1) prewhitened"}, false},
	} {
		code, stdout, stderr := runLSQ(dir, nil, "fit", "$D/d.csv", "--summary", "--robust", c.spec)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.spec, code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%s: output lacks %q:\n%s", c.spec, w, stdout)
			}
		}
		if strings.Contains(stdout, hint) != c.wantHint {
			t.Errorf("%s: R hint shown %v, want %v:\n%s", c.spec, !c.wantHint, c.wantHint, stdout)
		}
	}
}
