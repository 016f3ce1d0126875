package cli

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestStreamSummaryAsInMemory: `lsq fit --stream` prints the summary of
// the in-memory `lsq fit` of the same file, for the exact solver and for an
// iterative one: the same lines (numbers aside; the solver named X-stream;
// plus the streamed-only "streamed:" line, and NA for the residual tests,
// which need the residuals a stream does not keep), and with --json the
// same keys with the same values, to the accuracy the two paths are known
// to agree to:
//
//   - the exact solution and everything read off it (coefficients of qr,
//     standard errors, R², F, the Hessian's extreme eigenvalues, …): 1e-10
//     relative, fit's TestStreamEqualsLinear and TestStreamIterative;
//   - the coefficients where gd stopped: 1e-5 relative, TestStreamIterative
//     (both stop within a relative objective gap of 1e-10 of the same
//     optimum, so within about √1e-10 of its coefficients);
//   - gd's loss and objective: 3e-10 relative, the same bound (each within
//     1e-10 of F*, itself the same to 1e-10).
//
// Values that say where an iterate stopped (the gap, the gradient norm, the
// epoch count) or how long it took are not properties of the data and are
// not compared; the status is.
func TestStreamSummaryAsInMemory(t *testing.T) {
	dir := t.TempDir()
	file := writeRegression(t, dir, 200)
	for _, c := range []struct {
		solver string
		tol    map[string]float64 // per key (path prefix) relative tolerance; "" the default
	}{
		{"qr", map[string]float64{"": 1e-10}},
		{"gd", map[string]float64{"": 1e-10, "coef": 1e-5, "intercept": 1e-5, "loss": 3e-10, "rmse": 3e-10, "objective": 3e-10,
			"gap": -1, "iterations": -1}},
	} {
		args := []string{"fit", file, "--solver", c.solver, "--summary"}
		code, mem, stderr := runLSQ(dir, nil, args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		code, str, stderr := runLSQ(dir, nil, append(args, "--stream")...)
		if code != ExitOK {
			t.Fatalf("%v --stream: exit %d: %s", args, code, stderr)
		}
		compareSummaryLines(t, c.solver, mem, str)

		_, memJSON, _ := runLSQ(dir, nil, append(args, "--json")...)
		_, strJSON, _ := runLSQ(dir, nil, append(args, "--stream", "--json")...)
		compareSummaryJSON(t, c.solver, memJSON, strJSON, c.tol)
	}
}

// TestStreamWeightedLogLikNA: a weighted streamed fit has every number of
// the in-memory summary (to 1e-10, as above) but the log-likelihood and the
// information criteria, which need ½Σlog wᵢ over the rows: null in JSON,
// NA in the text with a line saying why.
func TestStreamWeightedLogLikNA(t *testing.T) {
	dir := t.TempDir()
	file, _ := writeWeighted(t, dir, "weighted", 200, quarterWeights)
	args := []string{"fit", file, "--target", "y", "--weights", "w", "--summary"}
	_, mem, _ := runLSQ(dir, nil, append(args, "--json")...)
	code, str, stderr := runLSQ(dir, nil, append(args, "--stream", "--json")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ic := map[string]float64{"": 1e-10, "loglik": -1, "aic": -1, "bic": -1}
	compareSummaryJSON(t, "weighted qr", mem, str, ic)
	got := flattenJSON(t, str)
	for k := range ic {
		if v, ok := got[k]; k != "" && (!ok || v != nil) {
			t.Errorf("weighted --stream: %s = %v, want null", k, v)
		}
	}
	_, text, _ := runLSQ(dir, nil, append(args, "--stream")...)
	if !strings.Contains(text, "log-likelihood NA   AIC NA   BIC NA") || !strings.Contains(text, "NA: "+logLikAbsent) {
		t.Errorf("weighted --stream: no NA log-likelihood, AIC and BIC with their reason in\n%s", text)
	}
}

// TestWeightedIterativeR2: the R² an iterative fit prints beside its loss
// is 1 − RSS/TSS at its coefficients, RSS = MSE·Σw, in memory and streamed.
// gd stops within a relative objective gap of 1e-10, so that R² is the
// exact fit's (the JSON r2) to 1e-10·(1 − R²), far below the 5e-7 of its
// six printed digits: 1e-6 relative. Counting the rows instead of their
// weights (mean weight 1.25 here, quarterWeights) is off by 0.25·(1 − R²) ≈ 5e-3.
func TestWeightedIterativeR2(t *testing.T) {
	dir := t.TempDir()
	file, _ := writeWeighted(t, dir, "weighted", 200, quarterWeights)
	printed := regexp.MustCompile(`(?m)^loss \(MSE\) \S+   R² (\S+)$`)
	for _, mode := range [][]string{nil, {"--stream"}} {
		args := append([]string{"fit", file, "--target", "y", "--weights", "w", "--solver", "gd"}, mode...)
		code, text, stderr := runLSQ(dir, nil, args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		_, js, _ := runLSQ(dir, nil, append(args, "--json")...)
		m := printed.FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("%v: no loss and R² line in\n%s", args, text)
		}
		got, _ := strconv.ParseFloat(m[1], 64)
		want := flattenJSON(t, js)["r2"].(float64)
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("%v: R² %v printed, exact %v", args, got, want)
		}
	}
}

// quarterWeights are the weights 0.5, 1, 1.5 and 2 in turn.
func quarterWeights(i int, _ *rand.Rand) float64 { return 0.5 + float64(i%4)/2 }

// numberOrNA matches a number as the printers write it, or NA.
var numberOrNA = regexp.MustCompile(`[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|\bNA\b`)

// summaryShape is a line of text output with its numbers (and NAs) masked,
// its spacing collapsed and a streamed solver's name (X-stream) as X.
func summaryShape(line string) string {
	line = strings.ReplaceAll(line, "-stream", "")
	return strings.Join(strings.Fields(numberOrNA.ReplaceAllString(line, "#")), " ")
}

// compareSummaryLines asserts that the streamed text output is the
// in-memory one line by line, up to numbers, but for what is streamed
// only (the "streamed:" line and the NA line of the residual tests) and
// in memory only (the pointer to --diagnostics, a flag --stream refuses);
// the influential rows, listed in memory, are NA when streamed.
func compareSummaryLines(t *testing.T, solver, mem, str string) {
	t.Helper()
	var memLines, strLines []string
	for _, l := range strings.Split(strings.TrimSpace(mem), "\n") {
		if !strings.HasPrefix(l, "every row's diagnostics:") {
			memLines = append(memLines, summaryShape(l))
		}
	}
	streamed, na := 0, 0
	for _, l := range strings.Split(strings.TrimSpace(str), "\n") {
		switch {
		case strings.HasPrefix(l, "streamed: one pass over 1 file"):
			streamed++
		case strings.HasPrefix(l, "NA: "+residualsAbsent[:20]):
			na++
		default:
			strLines = append(strLines, summaryShape(l))
		}
	}
	if streamed != 1 || na != 1 {
		t.Errorf("%s --stream: %d streamed lines and %d NA lines of the residual tests, want one each:\n%s", solver, streamed, na, str)
	}
	for _, lines := range [][]string{memLines, strLines} {
		for k, l := range lines {
			if strings.HasPrefix(l, "influential rows") {
				lines[k] = "influential rows"
			}
		}
	}
	if !slices.Equal(memLines, strLines) {
		t.Errorf("%s: the streamed summary has other lines than the in-memory one:\nin memory:\n%s\nstreamed:\n%s", solver, strings.Join(memLines, "\n"), strings.Join(strLines, "\n"))
	}
}

// compareSummaryJSON asserts the same keys in both JSON objects and equal
// values: strings (the solver's name up to -stream), and numbers within
// the relative tolerance of the longest key prefix in tol (-1: not
// compared); timings are not compared, and the residual tests, which a
// stream cannot compute, must be null there.
func compareSummaryJSON(t *testing.T, solver, mem, str string, tol map[string]float64) {
	t.Helper()
	a, b := flattenJSON(t, mem), flattenJSON(t, str)
	for k := range a {
		if strings.HasPrefix(k, "influential.") { // in memory the rows flagged, if any; never streamed
			delete(a, k)
		}
	}
	if ka, kb := sortedKeys(a), sortedKeys(b); !slices.Equal(ka, kb) {
		t.Errorf("%s: JSON keys differ:\nin memory %v\nstreamed  %v", solver, ka, kb)
		return
	}
	for k, va := range a {
		vb := b[k]
		switch {
		case strings.HasPrefix(k, "timings"):
		case strings.HasPrefix(k, "residual_tests"):
			if _, isDF := vb.(float64); vb != nil && !(isDF && k == "residual_tests.breusch_pagan_df") {
				t.Errorf("%s --stream: %s = %v, want null", solver, k, vb)
			}
		case k == "solver" || k == "exact.solver":
			if strings.TrimSuffix(vb.(string), "-stream") != strings.TrimSuffix(va.(string), "-stream") {
				t.Errorf("%s: %s %q in memory, %q streamed", solver, k, va, vb)
			}
		case tolFor(tol, k) < 0:
		default:
			fa, okA := va.(float64)
			fb, okB := vb.(float64)
			if !okA || !okB {
				if va != vb {
					t.Errorf("%s: %s = %v in memory, %v streamed", solver, k, va, vb)
				}
				continue
			}
			if e := tolFor(tol, k); math.Abs(fa-fb) > e*math.Max(math.Abs(fa), math.Abs(fb)) {
				t.Errorf("%s: %s = %.17g in memory, %.17g streamed (rel %.2g > %g)", solver, k, fa, fb, math.Abs(fa-fb)/math.Abs(fa), e)
			}
		}
	}
}

// tolFor is the tolerance of the longest prefix of key in tol.
func tolFor(tol map[string]float64, key string) float64 {
	best, e := -1, tol[""]
	for p, v := range tol {
		if p != "" && (key == p || strings.HasPrefix(key, p+".")) && len(p) > best {
			best, e = len(p), v
		}
	}
	return e
}

// flattenJSON is a JSON object as key paths to values: "gap.tol" for a
// field of an object, "coef.0" for an entry of an array.
func flattenJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v:\n%s", err, s)
	}
	out := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		join := func(k string) string {
			if prefix == "" {
				return k
			}
			return prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(join(k), e)
			}
		case []any:
			for i, e := range x {
				walk(join(strconv.Itoa(i)), e)
			}
			if len(x) == 0 {
				out[prefix] = "[]"
			}
		default:
			out[prefix] = x
		}
	}
	walk("", v)
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
