package cli

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// everyFifthZero is quarterWeights with every fifth weight (data rows 4,
// 9, 14, …) zero: of 30 rows, 24 are observations.
func everyFifthZero(i int, rng *rand.Rand) float64 {
	if i%5 == 4 {
		return 0
	}
	return quarterWeights(i, rng)
}

// summaryN finds the summary's count of observations, "n 24" at the end of
// its F line.
var summaryN = regexp.MustCompile(`(?m)\bn (\d+)$`)

// TestStreamRowCountsAsInMemory: on data with rows of weight zero, every
// streamed command reports the two counts the in-memory one reports, and
// they are 30 and 24 for 30 rows of which every fifth has weight 0: n, the
// rows read (the header's "30 rows", JSON's n, a model file's training n),
// and nobs, the observations, rows of positive weight (the summary's "n 24"
// and JSON's nobs, R's nobs.lm), which the degrees of freedom count. For
// fit with one target (qr, gd, cd) and several, path and cv.
func TestStreamRowCountsAsInMemory(t *testing.T) {
	dir := t.TempDir()
	file := writeTargets(t, dir, "t.csv", 30, true)
	weighted := filepath.Join(dir, "w.csv")
	writeWeightColumn(t, file, weighted, everyFifthZero)
	const rows, nobs = 30, 24
	for _, c := range []struct {
		args      []string
		summaries int // summaries printed, each with nobs
		model     bool
	}{
		{[]string{"fit", weighted, "--target", "y1", "--summary"}, 1, true},
		{[]string{"fit", weighted, "--target", "y1", "--solver", "gd", "--summary"}, 1, true},
		{[]string{"fit", weighted, "--target", "y1", "--solver", "cd", "--penalty", "l1", "--alpha", "0.01"}, 0, true},
		{[]string{"fit", weighted, "--target", "y1,y2", "--summary"}, 2, true},
		{[]string{"path", weighted, "--target", "y1", "--n-alphas", "5"}, 0, false},
		{[]string{"cv", weighted, "--target", "y1", "--folds", "3", "--seed", "1", "--n-alphas", "5"}, 0, false},
	} {
		args := append(slices.Clone(c.args), "--features", "x1,x2,x3", "--weights", "w")
		what := args[0] + " " + strings.Join(args[2:], " ")
		mem, str := runBoth(t, args)
		memHead, _, _ := strings.Cut(mem, "\n")
		strHead, _, _ := strings.Cut(str, "\n")
		if memHead != strHead || !strings.Contains(memHead, fmt.Sprintf(": %d rows,", rows)) {
			t.Errorf("%s: header %q in memory, %q streamed; want %d rows in both", what, memHead, strHead, rows)
		}
		want := slices.Repeat([]string{fmt.Sprint(nobs)}, c.summaries)
		if m, s := submatches(summaryN, mem), submatches(summaryN, str); !slices.Equal(m, want) || !slices.Equal(s, want) {
			t.Errorf("%s: summary counts %v in memory, %v streamed; want %v", what, m, s, want)
		}
		mem, str = runBoth(t, append(args, "--json"))
		memCounts, strCounts := jsonCounts(t, mem), jsonCounts(t, str)
		if !maps.Equal(memCounts, strCounts) {
			t.Errorf("%s --json: counts %v in memory, %v streamed", what, memCounts, strCounts)
		}
		ns := 0
		for k, v := range strCounts {
			if want := map[bool]float64{true: nobs, false: rows}[strings.HasSuffix(k, "nobs")]; v != want {
				t.Errorf("%s --json: %s = %v, want %v", what, k, v, want)
			}
			if strings.HasSuffix(k, "nobs") {
				ns++
			}
		}
		if strCounts["n"] != rows || ns != c.summaries {
			t.Errorf("%s --json: n = %v with %d nobs; want %d with %d", what, strCounts["n"], ns, rows, c.summaries)
		}
		if c.model {
			if m, s := modelRows(t, dir, args, false), modelRows(t, dir, args, true); m != float64(rows) || s != float64(rows) {
				t.Errorf("%s -o: training n %v in memory, %v streamed; want %d", what, m, s, rows)
			}
		}
	}
}

// submatches returns the first group of every match of re in s.
func submatches(re *regexp.Regexp, s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// jsonCounts returns the counts in a command's JSON output: every key n or
// nobs, at any depth (flattenJSON's paths).
func jsonCounts(t *testing.T, s string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for k, v := range flattenJSON(t, s) {
		last := k[strings.LastIndexByte(k, '.')+1:]
		if last == "n" || last == "nobs" {
			f, _ := v.(float64)
			out[k] = f
		}
	}
	return out
}

// modelRows fits with -o, in memory or streamed, and returns the model
// file's training n.
func modelRows(t *testing.T, dir string, args []string, streamed bool) any {
	t.Helper()
	out := filepath.Join(dir, fmt.Sprintf("model-%t.json", streamed))
	os.Remove(out)
	run := append(slices.Clone(args), "-o", out)
	if streamed {
		run = append(run, "--stream")
	}
	if code, _, stderr := runLSQ(dir, nil, run...); code != ExitOK {
		t.Fatalf("%v: exit %d: %s", run, code, stderr)
	}
	text, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return flattenJSON(t, string(text))["training.n"]
}
