package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestLRFindSuggestionConverges runs the range test on generated
// well-conditioned data and then gradient descent at the suggested rate: the
// suggestion must lie below the stability bound 2/L and the fit must converge
// to the exact solution. The range test's L must be the one lsq fit reports.
func TestLRFindSuggestionConverges(t *testing.T) {
	for _, c := range []struct {
		seed  uint64
		coef  []float64
		extra []string
	}{
		{1, []float64{2, -1, 0.5, 0}, nil},
		{2, []float64{3, 1, -2}, nil},
		// Independent standard normal features are well conditioned on
		// the raw scale too.
		{3, []float64{1, 1, -1, 0.25, 2}, []string{"--standardize=false"}},
	} {
		file := writeLinearCSV(t, "d.csv", 200, c.coef, 0.5, c.seed)
		var lr struct {
			Suggested float64 `json:"suggested_lr"`
			Bound     float64 `json:"bound_2_over_L"`
			L         float64 `json:"L"`
			Rates     []float64
			Losses    []float64
		}
		runJSON(t, &lr, append([]string{"lr-find", file, "--json"}, c.extra...)...)
		if !(lr.Suggested > 0 && lr.Suggested < lr.Bound) {
			t.Errorf("seed %d: suggested rate %g not in (0, 2/L = %g)", c.seed, lr.Suggested, lr.Bound)
			continue
		}
		if len(lr.Rates) != 100 || len(lr.Losses) != 100 {
			t.Errorf("seed %d: %d rates and %d losses, want the 100 default steps", c.seed, len(lr.Rates), len(lr.Losses))
		}

		args := append([]string{"fit", file, "--json", "--solver", "gd", "--tol", "-1", "--grad-tol", "1e-8", "--lr", strconv.FormatFloat(lr.Suggested, 'g', -1, 64)}, c.extra...)
		var out, errb bytes.Buffer
		code := Main(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
		if code != ExitOK {
			t.Errorf("seed %d: lsq %s: exit %d\n%s", c.seed, strings.Join(args[2:], " "), code, errb.String())
			continue
		}
		var fit struct {
			Converged bool `json:"converged"`
			Gap       struct {
				CoefRel float64 `json:"coef_rel"`
			} `json:"gap"`
			LR struct {
				L float64 `json:"L"`
			} `json:"learning_rate"`
		}
		if err := json.Unmarshal(out.Bytes(), &fit); err != nil {
			t.Fatal(err)
		}
		if !fit.Converged {
			t.Errorf("seed %d: gd at the suggested rate %g did not converge", c.seed, lr.Suggested)
		}
		// fit stops at gradient norm 1e-8 (--grad-tol, the gap test off); on
		// a Hessian with smallest eigenvalue near 1 (independent
		// standardised columns) the coefficients are then within about
		// 1e-8 of the optimum, and 1e-6 relative leaves a factor 100.
		if fit.Gap.CoefRel > 1e-6 {
			t.Errorf("seed %d: gd at the suggested rate stopped %g (relative) from the exact coefficients", c.seed, fit.Gap.CoefRel)
		}
		// Both are the largest eigenvalue of the same Hessian from its
		// eigendecomposition, accumulated in the same order: equal to
		// rounding (1e-12 relative is thousands of ulps).
		if d := math.Abs(lr.L - fit.LR.L); d > 1e-12*lr.L {
			t.Errorf("seed %d: lr-find L = %.12g, fit L = %.12g", c.seed, lr.L, fit.LR.L)
		}
	}
}

// TestLRFindWarnsOnNoise: on 1000 generated rows (seed 2: y = 1 + 2x1 − x2
// + 0.5x3 + noise of SD 0.5, standard normal features) Adam's range test with
// the default batches of 32 suggested 1.353e-6 without a word: the smoothed
// batch loss falls by 0.147 across step 14, a wiggle of the batch noise (the
// losses scatter by about 0.7) long before the loss really falls, near 0.24.
// lr-find must keep the suggestion (fastai's rule) but warn, on stderr and in
// the JSON field suggestion_warning, and say what to do. On the full batch
// (no batch noise) and on seed 1 the suggestion stands: no warning, and
// suggestion_warning is null.
func TestLRFindWarnsOnNoise(t *testing.T) {
	noisy := writeLinearCSV(t, "d2.csv", 1000, []float64{2, -1, 0.5, 0}, 0.5, 2)
	clean := writeLinearCSV(t, "d1.csv", 1000, []float64{2, -1, 0.5, 0}, 0.5, 1)
	run := func(args ...string) (suggested float64, warning *string, stderr string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(context.Background(), append(args, "--json"), IO{In: strings.NewReader(""), Out: &out, Err: &errb}); code != ExitOK {
			t.Fatalf("lsq %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
		}
		var v struct {
			Suggested float64 `json:"suggested_lr"`
			Warning   *string `json:"suggestion_warning"`
		}
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), `"suggestion_warning":`) {
			t.Errorf("no suggestion_warning field in %s", out.String())
		}
		return v.Suggested, v.Warning, errb.String()
	}

	sug, warn, stderr := run("lr-find", noisy, "--solver", "adam")
	if math.Abs(sug-1.353e-6) > 0.0005e-6 { // the rate as printed, to its 4 digits
		t.Errorf("suggested %g, want the noise-picked 1.353e-06 (the rule is unchanged)", sug)
	}
	if warn == nil {
		t.Fatal("no suggestion_warning for a rate picked from noise")
	}
	for _, want := range []string{
		"the suggested rate 1.353e-06 is not supported by the curve: the fall of the smoothed loss at the suggested rate (0.147) is within its noise",
		"a rate picked from noise",
		"the steepest fall beyond the noise is at 0.242",
		"use the full batch (--batch-size 0)",
		"(--lr auto)",
	} {
		if !strings.Contains(*warn, want) {
			t.Errorf("warning %q lacks %q", *warn, want)
		}
	}
	if stderr != "lsq: warning: "+*warn+"\n" {
		t.Errorf("stderr %q, want the warning", stderr)
	}

	for _, args := range [][]string{{"lr-find", noisy, "--solver", "adam", "--batch-size", "0"}, {"lr-find", clean, "--solver", "adam"}} {
		sug, warn, stderr := run(args...)
		// The real fall of the loss is between 0.1 and 0.5 on both.
		if warn != nil || stderr != "" || !(sug > 0.1 && sug < 0.5) {
			t.Errorf("lsq %s: suggested %g, warning %v, stderr %q", strings.Join(args, " "), sug, warn, stderr)
		}
	}
}
