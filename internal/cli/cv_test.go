package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLinearCSV writes n rows of y = 1 + Σ_j coef_j·x_j + noise·N(0, 1)
// with independent standard normal features x1, x2, ..., drawn from seed.
func writeLinearCSV(t *testing.T, name string, n int, coef []float64, noise float64, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0))
	var b strings.Builder
	for j := range coef {
		fmt.Fprintf(&b, "x%d,", j+1)
	}
	b.WriteString("y\n")
	for range n {
		y := 1.0
		for _, c := range coef {
			x := rng.NormFloat64()
			y += c * x
			fmt.Fprintf(&b, "%.17g,", x)
		}
		fmt.Fprintf(&b, "%.17g\n", y+noise*rng.NormFloat64())
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runJSON runs lsq with args and decodes its JSON output into v.
func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := Main(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb}); code != ExitOK {
		t.Fatalf("lsq %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatalf("lsq %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
}

// TestCVRules checks cv's JSON against the definitions of cv.glmnet's two
// rules and against lsq path: α_min has the least mean error, α_1se is the
// largest α whose mean error is within one standard error of it, and the
// refit at α_min is the path's point at that α (the same warm-started
// sequence of fits on all rows).
func TestCVRules(t *testing.T) {
	file := writeLinearCSV(t, "d.csv", 60, []float64{2, -1, 0, 0, 0.5}, 1, 11)
	for _, c := range []struct{ folds, shared []string }{
		{[]string{"--folds", "5", "--seed", "2"}, nil},
		{[]string{"--folds", "10", "--seed", "7"}, []string{"--l1-ratio", "0.5"}},
		{[]string{"--folds", "3", "--seed", "1"}, []string{"--penalty", "l2", "--standardize=false"}},
	} {
		args := append(append([]string{}, c.folds...), c.shared...)
		var cv struct {
			Alphas      []float64 `json:"alphas"`
			Mean        []float64 `json:"cv_mean"`
			SE          []float64 `json:"cv_se"`
			AlphaMin    float64   `json:"alpha_min"`
			Alpha1SE    float64   `json:"alpha_1se"`
			ChosenAlpha float64   `json:"chosen_alpha"`
			L1Ratio     float64   `json:"l1_ratio"`
			Coef        []float64 `json:"coef"`
			Intercept   float64   `json:"intercept"`
		}
		runJSON(t, &cv, append([]string{"cv", file, "--json"}, args...)...)
		name := strings.Join(args, " ")
		if len(cv.Alphas) != 100 || len(cv.Mean) != 100 || len(cv.SE) != 100 {
			t.Fatalf("%s: %d alphas, %d means, %d SEs; want 100 each (the default grid)", name, len(cv.Alphas), len(cv.Mean), len(cv.SE))
		}
		imin, i1se := -1, -1
		for k, a := range cv.Alphas {
			if a == cv.AlphaMin {
				imin = k
			}
			if a == cv.Alpha1SE {
				i1se = k
			}
		}
		if imin < 0 || i1se < 0 {
			t.Fatalf("%s: alpha_min %g or alpha_1se %g not on the grid", name, cv.AlphaMin, cv.Alpha1SE)
		}
		if cv.AlphaMin > cv.Alpha1SE {
			t.Errorf("%s: alpha_min %g > alpha_1se %g", name, cv.AlphaMin, cv.Alpha1SE)
		}
		lim := cv.Mean[imin] + cv.SE[imin]
		for k, m := range cv.Mean {
			if m < cv.Mean[imin] {
				t.Errorf("%s: cv_mean[%d] = %g below the minimum %g", name, k, m, cv.Mean[imin])
			}
			if k < i1se && m <= lim {
				t.Errorf("%s: α %g > alpha_1se has cv_mean %g within one SE (%g)", name, cv.Alphas[k], m, lim)
			}
		}
		if cv.Mean[i1se] > lim {
			t.Errorf("%s: alpha_1se's cv_mean %g exceeds min + SE = %g", name, cv.Mean[i1se], lim)
		}
		if cv.ChosenAlpha != cv.AlphaMin {
			t.Errorf("%s: chosen_alpha %g, want alpha_min %g (--choose min)", name, cv.ChosenAlpha, cv.AlphaMin)
		}

		// lsq path over the same grid, stopped at α_min, ends at the refit.
		var path struct {
			Alphas    []float64   `json:"alphas"`
			Coef      [][]float64 `json:"coef"`
			Intercept []float64   `json:"intercept"`
		}
		pargs := append([]string{"path", file, "--json"}, c.shared...)
		runJSON(t, &path, pargs...)
		if path.Alphas[imin] != cv.AlphaMin {
			t.Fatalf("%s: path's α[%d] = %g, cv's alpha_min %g: the grids differ", name, imin, path.Alphas[imin], cv.AlphaMin)
		}
		// Both run the identical sequence of coordinate-descent fits
		// over the same grid on all rows, so the numbers agree to
		// rounding: 1e-12 relative leaves room for nothing else.
		for j, c := range cv.Coef {
			if d := math.Abs(c - path.Coef[imin][j]); d > 1e-12*math.Max(1, math.Abs(c)) {
				t.Errorf("%s: refit coef[%d] = %.17g, path at α_min %.17g", name, j, c, path.Coef[imin][j])
			}
		}
		if d := math.Abs(cv.Intercept - path.Intercept[imin]); d > 1e-12*math.Max(1, math.Abs(cv.Intercept)) {
			t.Errorf("%s: refit intercept %.17g, path at α_min %.17g", name, cv.Intercept, path.Intercept[imin])
		}
	}
}

// TestEnetUsageExitCodes pins exit code 2 for options out of range.
func TestEnetUsageExitCodes(t *testing.T) {
	file := writeLinearCSV(t, "d.csv", 8, []float64{1}, 0.1, 1)
	for _, args := range [][]string{
		{"path", file, "--n-alphas", "0"},
		{"path", file, "--eps", "0"},
		{"path", file, "--eps", "1"},
		{"path", file, "--l1-ratio", "1.01"},
		{"path", file, "--penalty", "l3"},
		{"cv", file, "--folds", "0"},
		{"cv", file, "--folds", "1"},
		{"cv", file, "--folds", "9"}, // 8 rows
		{"cv", file, "--choose", "2se"},
		{"cv", file, "--l1-ratio", "0.5,x"},
		{"lr-find", file, "--min-lr", "0"},
		{"lr-find", file, "--min-lr", "1", "--max-lr", "0.1"},
		{"lr-find", file, "--steps", "2"},
		{"lr-find", file, "--solver", "lbfgs"},
		{"lr-find", file, "--solver", "qr"},
	} {
		var out, errb bytes.Buffer
		if code := Main(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb}); code != ExitUsage {
			t.Errorf("lsq %s: exit %d, want %d (usage)\n%s", strings.Join(args[2:], " "), code, ExitUsage, errb.String())
		}
	}
}

// TestPathWeightsReplicate checks that integer observation weights act as
// replicated rows: weight 2 on a row gives the path of the data with that
// row twice (the weighted objective and the weighted standardisation are
// both means over rows, so the two problems are identical).
func TestPathWeightsReplicate(t *testing.T) {
	dir := t.TempDir()
	rows := [][3]float64{{1, 0.5, 2.1}, {2, -1, 2.9}, {3, 0.7, 6.2}, {4, 2, 6.8}, {5, -0.3, 5.1}, {6, 1.1, 8.3}}
	weights := []int{1, 2, 1, 3, 1, 2}
	var wcsv, dcsv strings.Builder
	wcsv.WriteString("a,b,y,w\n")
	dcsv.WriteString("a,b,y\n")
	for i, r := range rows {
		fmt.Fprintf(&wcsv, "%g,%g,%g,%d\n", r[0], r[1], r[2], weights[i])
		for range weights[i] {
			fmt.Fprintf(&dcsv, "%g,%g,%g\n", r[0], r[1], r[2])
		}
	}
	wfile, dfile := filepath.Join(dir, "w.csv"), filepath.Join(dir, "dup.csv")
	os.WriteFile(wfile, []byte(wcsv.String()), 0o644)
	os.WriteFile(dfile, []byte(dcsv.String()), 0o644)
	for _, extra := range [][]string{nil, {"--l1-ratio", "0.3"}, {"--penalty", "l2", "--standardize=false"}} {
		type path struct {
			AlphaMax  float64     `json:"alpha_max"`
			Coef      [][]float64 `json:"coef"`
			Intercept []float64   `json:"intercept"`
		}
		var pw, pd path
		runJSON(t, &pw, append([]string{"path", wfile, "--json", "--features", "a,b", "--weights", "w", "--n-alphas", "20"}, extra...)...)
		runJSON(t, &pd, append([]string{"path", dfile, "--json", "--n-alphas", "20"}, extra...)...)
		// The two differ only in the order of floating-point sums; the
		// solver stops at a duality gap of 1e-7 relative, so agreement
		// to 1e-6 (absolute, coefficients of order 1) is what it
		// guarantees. (Measured: 1e-15; ignoring the weights moves the
		// coefficients by 0.12.)
		const tol = 1e-6
		name := strings.Join(extra, " ")
		if math.Abs(pw.AlphaMax-pd.AlphaMax) > 1e-12*pd.AlphaMax {
			t.Errorf("%s: alpha_max %g weighted, %g replicated", name, pw.AlphaMax, pd.AlphaMax)
		}
		for k := range pd.Coef {
			for j := range pd.Coef[k] {
				if math.Abs(pw.Coef[k][j]-pd.Coef[k][j]) > tol {
					t.Errorf("%s: α #%d coef %d: %g weighted, %g replicated", name, k, j, pw.Coef[k][j], pd.Coef[k][j])
				}
			}
			if math.Abs(pw.Intercept[k]-pd.Intercept[k]) > tol {
				t.Errorf("%s: α #%d intercept: %g weighted, %g replicated", name, k, pw.Intercept[k], pd.Intercept[k])
			}
		}
	}
}
