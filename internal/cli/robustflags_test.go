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

// TestFitClusterHACR runs fit --summary --cluster and --robust hac:lags=L
// on data written from R's reference (testdata/stats/robust.json, made by
// bench/peers/robust_reference.R: sandwich::vcovCL with its defaults and
// NeweyWest(lag = L, prewhite = FALSE), coeftest with t and with df = Inf)
// and compares the JSON output. Tolerance 1e-10 relative, as package
// stats' TestRobustR: both are float64 fits of well-conditioned designs,
// agreeing to about 13 digits; the JSON carries 17.
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
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range ref.Cases {
		if c.Name != "panel_firm_weighted" && c.Name != "panel_year" && c.Name != "investment_nw_lag3" && c.Name != "investment_nw_lag2_weighted" {
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
				args = append(args, "--features", "x1,x2", "--robust", fmt.Sprintf("hac:lags=%d", c.Lag))
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
				Lags       int       `json:"lags"`
				Dist       string    `json:"dist"`
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatal(err)
			}
			if len(out.Features) != d || out.Dist != df || out.Clusters != c.Clusters || out.Lags != c.Lag {
				t.Errorf("%s: features %v dist %q clusters %d lags %d", c.Name, out.Features, out.Dist, out.Clusters, out.Lags)
			}
			p := c.PT
			if df == "z" {
				p = c.PZ
			}
			got := append([]float64{out.ISE}, out.StdErr...)
			gotP := append([]float64{out.IP}, out.P...)
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
