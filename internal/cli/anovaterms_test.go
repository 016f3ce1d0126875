package cli

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnovaTermsPrintAsR: lsq fit --formula F --anova prints R's
// anova(lm(F)) line for line, one row per term of the formula (factors,
// poly(), interactions, a factor under no intercept, weights, a term that
// loses a column to aliasing and one aliased wholly), on the CSV files R
// read (testdata/rdata); --json gives the same rows with R's labels and Df
// and the numbers unrounded, to 1e-11 relative as TestAnovaTermsR in
// package stats (measured: 6e-15; p relative at every size). On plain
// columns (--features) a text column's dummies are one term, as in R.
func TestAnovaTermsPrintAsR(t *testing.T) {
	const tol = 1e-11
	cases := readRInference(t).AnovaTerms
	if len(cases) == 0 {
		t.Fatal("no anova_terms cases in the reference file")
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.Formula, func(t *testing.T) {
			args := []string{"fit", filepath.Join("testdata", "rdata", c.Data), "--formula", c.Formula, "--anova"}
			if c.Weights != nil {
				args = append(args, "--weights", *c.Weights)
			}
			code, stdout, stderr := runLSQ(dir, nil, args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if want := strings.Join(c.Printed, "\n") + "\n"; !strings.HasSuffix(stdout, "\n"+want) {
				t.Errorf("lsq printed\n%s\nR's table is\n%s", stdout, want)
			}
			code, stdout, stderr = runLSQ(dir, nil, append(args, "--json")...)
			if code != ExitOK {
				t.Fatalf("--json: exit %d: %s", code, stderr)
			}
			var out struct {
				Anova []struct {
					Term   string
					DF     int
					SumSq  float64  `json:"sum_sq"`
					MeanSq float64  `json:"mean_sq"`
					F      *float64 `json:"f"`
					P      *float64 `json:"p"`
				}
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatal(err)
			}
			ref := c.Table
			if len(out.Anova) != len(ref.Terms) {
				t.Fatalf("--json: %d rows, R %q", len(out.Anova), ref.Terms)
			}
			rel := func(got, want *float64) bool {
				return got == nil && want == nil || got != nil && want != nil && math.Abs(*got-*want) <= tol*math.Abs(*want)
			}
			for k, r := range out.Anova {
				if r.Term != ref.Terms[k] || r.DF != ref.DF[k] || !relClose(r.SumSq, ref.SS[k], tol) || !relClose(r.MeanSq, ref.MS[k], tol) || !rel(r.F, ref.F[k]) || !rel(r.P, ref.P[k]) {
					t.Errorf("--json row %d: %+v, R %s %d %v %v", k, r, ref.Terms[k], ref.DF[k], ref.SS[k], ref.MS[k])
				}
			}
		})
	}
	// Plain columns: Species, text, is read as a factor, its two dummies
	// one term, as R's lm(Sepal.Length ~ Species + Petal.Width).
	c := cases[0]
	if c.Formula != "Sepal.Length ~ Species + Petal.Width" {
		t.Fatalf("the first case is %s", c.Formula)
	}
	code, stdout, stderr := runLSQ(dir, nil, "fit", filepath.Join("testdata", "rdata", c.Data), "--target", "Sepal.Length", "--features", "Species,Petal.Width", "--anova")
	if want := strings.Join(c.Printed, "\n") + "\n"; code != ExitOK || !strings.HasSuffix(stdout, "\n"+want) {
		t.Errorf("--features: exit %d %s\n%s\nR's table is\n%s", code, stderr, stdout, want)
	}
}
