package cli

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestStreamPathAsInMemory: `lsq path --stream` prints what the in-memory
// `lsq path` of the same file prints: the same lines up to numbers but one
// "streamed:" line, and with --json the same keys, the numbers within
// cliTol of the largest of their row (the path's coefficients at one α, its
// objectives, …; see cliTol and TestStreamPathMatchesInMemory), weighted
// and not, for the lasso and the elastic net.
func TestStreamPathAsInMemory(t *testing.T) {
	dir := t.TempDir()
	whole, _ := writeStreamParts(t, dir, 1000)
	for _, extra := range [][]string{{"--features", "a,b,c"}, {"--weights", "w", "--penalty", "elasticnet", "--l1-ratio", "0.5"}} {
		args := append([]string{"path", whole, "--n-alphas", "12", "--tol", "1e-14"}, extra...)
		what := strings.Join(extra, " ")
		mem, str := runBoth(t, args)
		compareStreamedLines(t, what, mem, str, "streamed: one pass over 1 file, coordinate descent on the moments")
		mem, str = runBoth(t, append(args, "--json"))
		compareStreamedJSON(t, what, mem, str, cliTol)
	}
}

// TestStreamCVAsInMemory: `lsq cv --stream` prints what the in-memory
// `lsq cv` prints (the same folds: stream.FoldCV draws enet.CV's
// permutation): the same lines up to numbers but one "streamed:" line,
// and with --json the same keys, the numbers within cliTol of the largest
// of their row (TestStreamCVMatchesInMemory's bound), for the lasso and a
// comparison of two elastic-net mixings, weighted and not.
func TestStreamCVAsInMemory(t *testing.T) {
	dir := t.TempDir()
	whole, _ := writeStreamParts(t, dir, 1000)
	for _, extra := range [][]string{{"--features", "a,b,c"}, {"--weights", "w", "--l1-ratio", "0.3,0.8", "--choose", "1se"}} {
		args := append([]string{"cv", whole, "--folds", "5", "--seed", "7", "--n-alphas", "12", "--tol", "1e-14"}, extra...)
		what := strings.Join(extra, " ")
		mem, str := runBoth(t, args)
		compareStreamedLines(t, what, mem, str, "streamed: two passes over 1 file (rows counted, then folded)")
		mem, str = runBoth(t, append(args, "--json"))
		compareStreamedJSON(t, what, mem, str, cliTol)
	}
}

// TestStreamTargetsAsInMemory: `lsq fit --target y1,y2,y3 --stream`
// prints what the in-memory fit of several targets prints, with --summary
// each target's summary: the same lines up to numbers but one "streamed:"
// line, and with --json the same keys, the numbers within 1e-10 (relative
// to the largest of their array for an entry of one): the coefficients,
// objective and singular values of fit's TestStreamTargetsEqualsMultiTarget
// and what every summary is read from (coefficients, RSS, TSS, condition
// number, (X̃ᵀWX̃)⁻¹), to 1e-10 there too. Weighted, each target's
// log-likelihood, AIC and BIC are NA streamed (null in JSON), with a line
// saying why, as for one target (TestStreamWeightedLogLikNA).
func TestStreamTargetsAsInMemory(t *testing.T) {
	dir := t.TempDir()
	file := writeTargets(t, dir, "m.csv", 200, true)
	weighted := filepath.Join(dir, "w.csv")
	writeWeightColumn(t, file, weighted, quarterWeights)
	for _, c := range []struct {
		args []string
		na   []string // keys null when streamed
	}{
		{[]string{"fit", file, "--target", "y1,y2,y3", "--summary"}, nil},
		{[]string{"fit", file, "--target", "y1,y2,y3", "--rank", "2"}, nil},
		{[]string{"fit", weighted, "--target", "y1,y2,y3", "--weights", "w", "--summary"}, []string{"loglik", "aic", "bic"}},
	} {
		what := strings.Join(c.args[2:], " ")
		mem, str := runBoth(t, c.args)
		nas := strings.Count(str, "NA: "+logLikAbsent)
		if want := len(c.na); nas != want {
			t.Errorf("%s --stream: %d lines saying why the log-likelihood is NA, want %d", what, nas, want)
		}
		str = strings.ReplaceAll(str, "NA: "+logLikAbsent+"\n", "")
		compareStreamedLines(t, what, mem, str, "streamed: one pass over 1 file into a tall-skinny QR in double-double")
		mem, str = runBoth(t, append(c.args, "--json"))
		compareStreamedJSON(t, what, mem, str, 1e-10, c.na...)
	}
}

// writeWeightColumn copies the CSV file from to the file to with a column
// w of weights wf(i) for data row i (quarterWeights: 0.5, 1, 1.5 and 2 in
// turn).
func writeWeightColumn(t *testing.T, from, to string, wf func(int, *rand.Rand) float64) {
	t.Helper()
	text, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		if i == 0 {
			fmt.Fprintf(&b, "%s,w\n", l)
		} else {
			fmt.Fprintf(&b, "%s,%v\n", l, wf(i-1, nil))
		}
	}
	if err := os.WriteFile(to, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runBoth runs a command in memory and with --stream, and returns their
// standard outputs; both must succeed.
func runBoth(t *testing.T, args []string) (mem, str string) {
	t.Helper()
	code, mem, stderr := runLSQ(t.TempDir(), nil, args...)
	if code != ExitOK {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	code, str, stderr = runLSQ(t.TempDir(), nil, append(args, "--stream")...)
	if code != ExitOK {
		t.Fatalf("%v --stream: exit %d: %s", args, code, stderr)
	}
	return mem, str
}

// compareStreamedLines asserts that the streamed text output is the
// in-memory one line by line, up to numbers (summaryShape), but for one
// line that starts with streamed, how the stream read its data.
func compareStreamedLines(t *testing.T, what, mem, str, streamed string) {
	t.Helper()
	var memLines, strLines []string
	for _, l := range strings.Split(strings.TrimSpace(mem), "\n") {
		memLines = append(memLines, summaryShape(l))
	}
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(str), "\n") {
		if strings.HasPrefix(l, streamed) {
			n++
			continue
		}
		strLines = append(strLines, summaryShape(l))
	}
	if n != 1 {
		t.Errorf("%s --stream: %d lines %q…, want one:\n%s", what, n, streamed, str)
	}
	if !slices.Equal(memLines, strLines) {
		t.Errorf("%s: the streamed output has other lines than the in-memory one:\nin memory:\n%s\nstreamed:\n%s", what, strings.Join(memLines, "\n"), strings.Join(strLines, "\n"))
	}
}

// compareStreamedJSON asserts the same keys in both JSON objects and equal
// values: strings and booleans exactly (a solver's name up to -stream),
// numbers to tol relative to the larger of the two, or for an entry of an
// array to the largest of that array in memory (as relDiff compares a row);
// timings are not compared. Keys whose last part is one of na, which a
// stream cannot compute, must be null streamed.
func compareStreamedJSON(t *testing.T, what, mem, str string, tol float64, na ...string) {
	t.Helper()
	a, b := flattenJSON(t, mem), flattenJSON(t, str)
	if ka, kb := sortedKeys(a), sortedKeys(b); !slices.Equal(ka, kb) {
		t.Errorf("%s: JSON keys differ:\nin memory %v\nstreamed  %v", what, ka, kb)
		return
	}
	for k, va := range a {
		vb := b[k]
		fa, okA := va.(float64)
		fb, okB := vb.(float64)
		switch {
		case strings.HasPrefix(k, "timings."):
		case slices.Contains(na, k[strings.LastIndexByte(k, '.')+1:]):
			if vb != nil {
				t.Errorf("%s --stream: %s = %v, want null", what, k, vb)
			}
		case okA && okB:
			if e := math.Abs(fa - fb); e > tol*math.Max(math.Max(math.Abs(fa), math.Abs(fb)), rowScale(a, k)) {
				t.Errorf("%s: %s = %.17g in memory, %.17g streamed", what, k, fa, fb)
			}
		case k == "solver":
			if strings.TrimSuffix(vb.(string), "-stream") != va {
				t.Errorf("%s: solver %q in memory, %q streamed", what, va, vb)
			}
		case va != vb:
			t.Errorf("%s: %s = %v in memory, %v streamed", what, k, va, vb)
		}
	}
}

// rowScale is the largest magnitude of the numbers in the array key is an
// entry of (flattenJSON's "coef.3.1" is entry 1 of "coef.3"), 0 when key is
// not an entry of an array.
func rowScale(flat map[string]any, key string) float64 {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return 0
	}
	if _, err := strconv.Atoi(key[i+1:]); err != nil {
		return 0
	}
	parent, s := key[:i+1], 0.0
	for k, v := range flat {
		if f, ok := v.(float64); ok && strings.HasPrefix(k, parent) && !strings.Contains(k[len(parent):], ".") {
			s = math.Max(s, math.Abs(f))
		}
	}
	return s
}
