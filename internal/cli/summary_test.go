package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/internal/testproblems"
)

// TestFitDegreeCertified runs `lsq fit --degree N --json` on the NIST StRD
// polynomial problems written out as CSV (the shortest decimal form of each
// float64 value, so the reader sees exactly the problem's numbers) and
// demands the certified coefficients, standard errors, residual SD and R² to
// 12 digits, the goal of the StRD issue.
func TestFitDegreeCertified(t *testing.T) {
	for _, p := range testproblems.LinearProblems() {
		if len(p.X) != 1 {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("x,y\n")
			for i := range p.Y {
				fmt.Fprintf(&b, "%s,%s\n", strconv.FormatFloat(p.X[0][i], 'g', -1, 64), strconv.FormatFloat(p.Y[i], 'g', -1, 64))
			}
			path := filepath.Join(t.TempDir(), p.Name+".csv")
			os.WriteFile(path, []byte(b.String()), 0o644)
			args := []string{"fit", path, "--json", "--degree", strconv.Itoa(p.Degree)}
			if !p.Intercept {
				args = append(args, "--no-intercept")
			}
			var out, errb bytes.Buffer
			if code := Main(context.Background(), args, IO{Out: &out, Err: &errb}); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var got struct {
				Coef       []float64
				Intercept  float64
				StdErr     []float64 `json:"stderr"`
				InterSE    float64   `json:"intercept_stderr"`
				ResidualSD float64   `json:"residual_sd"`
				R2         float64   `json:"r2"`
			}
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			coef, se := got.Coef, got.StdErr
			if p.Intercept {
				coef = append([]float64{got.Intercept}, coef...)
				se = append([]float64{got.InterSE}, se...)
			}
			acc := p.Accuracy(coef, se, got.ResidualSD, got.R2)
			if acc.Min < 12 || math.IsNaN(acc.Min) {
				t.Errorf("min LRE %.1f < 12: %+v", acc.Min, acc)
			}
		})
	}
}

// lmWeighted reads the weighted case of testdata/stats/lm.json (made by
// bench/peers/lm_summary.R): 40 rows of x1, x2, x3, y and w, every fourth
// row of weight 0 with y 100 off the line. It returns the CSV text of all
// rows and of the rows with positive weight (shortest decimal form, so the
// reader sees exactly the stored float64 values) and the number of the
// latter.
func lmWeighted(t *testing.T) (all, kept string, nobs int) {
	t.Helper()
	b, err := os.ReadFile("../../testdata/stats/lm.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct {
			Name    string
			X       [][]float64
			Y       []float64
			Weights []float64
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Cases[0]
	if c.Name != "wls_zero_weights" {
		t.Fatalf("case %q, want wls_zero_weights", c.Name)
	}
	var a, k strings.Builder
	a.WriteString("x1,x2,x3,y,w\n")
	k.WriteString("x1,x2,x3,y,w\n")
	for i, row := range c.X {
		var line strings.Builder
		for _, v := range append(append(row[:len(row):len(row)], c.Y[i]), c.Weights[i]) {
			if line.Len() > 0 {
				line.WriteByte(',')
			}
			line.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		line.WriteByte('\n')
		a.WriteString(line.String())
		if c.Weights[i] > 0 {
			k.WriteString(line.String())
			nobs++
		}
	}
	return a.String(), k.String(), nobs
}

// TestSummaryZeroWeightsAsDeleted: `lsq fit F --weights w --summary --json`
// on data with zero-weight rows writes the same summary as on the data with
// those rows deleted, for the qr, svd and cholesky solvers and every
// covariance; only "file", "n" (the rows read) and "timings" differ.
func TestSummaryZeroWeightsAsDeleted(t *testing.T) {
	all, kept, nobs := lmWeighted(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "all.csv"), []byte(all), 0o644)
	os.WriteFile(filepath.Join(dir, "kept.csv"), []byte(kept), 0o644)
	run := func(file string, extra ...string) map[string]any {
		t.Helper()
		args := append([]string{"fit", filepath.Join(dir, file), "--target", "y", "--weights", "w", "--summary", "--json"}, extra...)
		var out, errb bytes.Buffer
		if code := Main(context.Background(), args, IO{Out: &out, Err: &errb}); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		var m map[string]any
		if err := json.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, solver := range []string{"qr", "svd", "cholesky"} {
		for _, robust := range []string{"", "HC0", "HC1", "HC2", "HC3"} {
			name := solver + "/" + robust
			extra := []string{"--solver", solver}
			if robust != "" {
				extra = append(extra, "--robust", robust)
			}
			a, b := run("all.csv", extra...), run("kept.csv", extra...)
			if a["nobs"] != float64(nobs) || b["nobs"] != float64(nobs) {
				t.Errorf("%s: nobs %v and %v, want %d", name, a["nobs"], b["nobs"], nobs)
			}
			for key, va := range a {
				switch key {
				case "file", "n", "timings", "influential": // influential: rows are numbered in the file
					continue
				}
				// The two fits differ only in exact zeros added to sums
				// (and the blocks a parallel sum uses): the numbers agree
				// to a few ulps, 1e-12 relative with margin; counting a
				// zero-weight row changes df, the log-likelihood (−Inf,
				// written null) and the errors by far more.
				if !sameJSON(va, b[key], 1e-12) {
					t.Errorf("%s %q: with zero-weight rows %v, deleted %v", name, key, va, b[key])
				}
			}
		}
	}
}

// sameJSON compares decoded JSON values, numbers to relative tolerance tol.
func sameJSON(a, b any, tol float64) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && math.Abs(a-b) <= tol*math.Abs(b)
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameJSON(a[i], b[i], tol) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if !sameJSON(v, b[k], tol) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

// TestSummaryAliasedNA: for an aliased feature (z = x) the text summary
// prints NA for the standard error, t, p and interval, as R's summary.lm,
// and --json writes null for them with null_reason naming the cause, while
// the coefficient stays the minimum-norm value and x keeps its numbers.
func TestSummaryAliasedNA(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ident.csv")
	os.WriteFile(path, []byte("x,z,y\n1,1,2\n2,2,4\n3,3,5\n4,4,4\n5,5,5\n"), 0o644)
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"fit", path, "--summary"}, IO{Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var zline, xline string
	for _, l := range strings.Split(out.String(), "\n") {
		f := strings.Fields(l)
		if len(f) == 7 && f[0] == "z" {
			zline = l
		}
		if len(f) == 7 && f[0] == "x" {
			xline = l
		}
	}
	if f := strings.Fields(zline); len(f) != 7 || f[1] == "NA" || strings.Join(f[2:], " ") != "NA NA NA NA NA" {
		t.Errorf("aliased row %q, want the coefficient and then NA five times\n%s", zline, out.String())
	}
	if strings.Contains(xline, "NA") || xline == "" {
		t.Errorf("row of x %q has NA or is missing", xline)
	}

	out.Reset()
	if code := Main(context.Background(), []string{"fit", path, "--json"}, IO{Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"stderr", "t", "p", "ci_low", "ci_high"} {
		v, _ := got[key].([]any)
		if len(v) != 2 {
			t.Fatalf("%s = %v, want 2 entries", key, got[key])
		}
		if _, ok := v[0].(float64); !ok || v[1] != nil {
			t.Errorf("%s = %v, want a number for x and null for z", key, v)
		}
	}
	if c, _ := got["coef"].([]any); len(c) != 2 || c[1] == nil {
		t.Errorf("coef = %v, want the minimum-norm value for z", got["coef"])
	}
	r, _ := got["null_reason"].(map[string]any)
	if s, _ := r["z"].(string); !strings.HasPrefix(s, "aliased") || len(r) != 1 {
		t.Errorf("null_reason = %v, want z: aliased…", got["null_reason"])
	}
}
