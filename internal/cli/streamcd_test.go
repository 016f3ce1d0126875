package cli

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeStreamParts writes n rows of a,b,c,w,y (w in {0.5, 1.5, 2.5}, the
// features of different scales and means) to dir/all.csv and the same rows
// in three partitions dir/parts/p1..p3.csv.
func writeStreamParts(t *testing.T, dir string, n int) (whole, parts string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(8, 2))
	var rows []string
	for i := range n {
		a, b, c := rng.NormFloat64(), 10*rng.NormFloat64()+5, 0.1*rng.NormFloat64()-2
		rows = append(rows, fmt.Sprintf("%v,%v,%v,%v,%v\n", a, b, c, 0.5+float64(i%3), 1.5+2*a-0.3*b+4*c+0.5*rng.NormFloat64()))
	}
	const header = "a,b,c,w,y\n"
	whole = filepath.Join(dir, "all.csv")
	if err := os.WriteFile(whole, []byte(header+strings.Join(rows, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "parts"), 0o755)
	for k, cut := range [][2]int{{0, n / 3}, {n / 3, n / 2}, {n / 2, n}} {
		part := header + strings.Join(rows[cut[0]:cut[1]], "")
		if err := os.WriteFile(filepath.Join(dir, "parts", fmt.Sprintf("p%d.csv", k+1)), []byte(part), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return whole, filepath.Join(dir, "parts", "*.csv")
}

// relDiff is ‖a − b‖∞ / max(‖b‖∞, tiny).
func relDiff(a, b []float64) float64 {
	var num, den float64
	for j := range b {
		num = math.Max(num, math.Abs(a[j]-b[j]))
		den = math.Max(den, math.Abs(b[j]))
	}
	return num / math.Max(den, 1e-300)
}

// cliTol is the agreement asked of the streamed and in-memory commands. The
// library's streamed and in-memory cd fits of one problem agree within the
// bounds of fit's TestStreamCDEqualsMatrix — about 1e-11 relative for data
// as well conditioned as these at a gap tolerance of 1e-14 — while a flag
// wired differently (another α, ρ, weights, intercept or standardisation)
// moves the coefficients by O(α) ≥ 1e-3 relative: 1e-9 separates the two.
const cliTol = 1e-9

// `lsq fit --stream --solver cd` prints the in-memory fit: the lasso and the
// elastic net, weighted and not, with and without intercept, from one file
// streamed and from three partitions.
func TestStreamCDFitMatchesInMemory(t *testing.T) {
	whole, parts := writeStreamParts(t, t.TempDir(), 3000)
	type fitJSON struct {
		Coef       []float64 `json:"coef"`
		Intercept  float64   `json:"intercept"`
		Loss       float64   `json:"loss"`
		Objective  float64   `json:"objective"`
		N          int       `json:"n"`
		Solver     string    `json:"solver"`
		DualityGap float64   `json:"duality_gap"`
	}
	for _, pen := range [][]string{{"--penalty", "l1", "--alpha", "0.05"}, {"--penalty", "elasticnet", "--alpha", "0.1", "--l1-ratio", "0.3"}} {
		for _, extra := range [][]string{nil, {"--weights", "w"}, {"--no-intercept"}} {
			if extra == nil || extra[0] != "--weights" {
				extra = append(extra, "--features", "a,b,c")
			}
			args := append(append([]string{"--solver", "cd", "--tol", "1e-14"}, pen...), extra...)
			var mem, one, three fitJSON
			runJSON(t, &mem, append([]string{"fit", whole, "--json"}, args...)...)
			runJSON(t, &one, append([]string{"fit", whole, "--stream", "--json"}, args...)...)
			runJSON(t, &three, append([]string{"fit", parts, "--json"}, args...)...)
			for name, got := range map[string]fitJSON{"one file": one, "three partitions": three} {
				what := fmt.Sprintf("%s %s (%s)", strings.Join(pen, " "), strings.Join(extra, " "), name)
				if got.Solver != "cd-stream" || got.N != mem.N {
					t.Errorf("%s: solver %q, n %d (in memory %d)", what, got.Solver, got.N, mem.N)
				}
				if e := relDiff(append(got.Coef, got.Intercept), append(mem.Coef, mem.Intercept)); e > cliTol {
					t.Errorf("%s: coefficients %v %v, in memory %v %v (%.2g)", what, got.Coef, got.Intercept, mem.Coef, mem.Intercept, e)
				}
				if e := relDiff([]float64{got.Loss, got.Objective}, []float64{mem.Loss, mem.Objective}); e > cliTol {
					t.Errorf("%s: loss, objective %v %v, in memory %v %v", what, got.Loss, got.Objective, mem.Loss, mem.Objective)
				}
			}
		}
	}
}

// `lsq path --stream` prints the in-memory path: the same grid (α_max from
// the moments), the same non-zero counts and the coefficients within cliTol
// of the largest on each row, for the lasso and the elastic net, weighted,
// from three partitions.
func TestStreamPathMatchesInMemory(t *testing.T) {
	whole, parts := writeStreamParts(t, t.TempDir(), 3000)
	type pathJSON struct {
		N         int         `json:"n"`
		AlphaMax  float64     `json:"alpha_max"`
		Alphas    []float64   `json:"alphas"`
		Nonzero   []int       `json:"nonzero"`
		Objective []float64   `json:"objective"`
		Coef      [][]float64 `json:"coef"`
		Intercept []float64   `json:"intercept"`
	}
	for _, pen := range [][]string{{"--penalty", "l1"}, {"--penalty", "elasticnet", "--l1-ratio", "0.5"}} {
		for _, w := range [][]string{{"--features", "a,b,c"}, {"--weights", "w"}} {
			args := append(append([]string{"--n-alphas", "20", "--tol", "1e-14"}, pen...), w...)
			var mem, str pathJSON
			runJSON(t, &mem, append([]string{"path", whole, "--json"}, args...)...)
			runJSON(t, &str, append([]string{"path", parts, "--json"}, args...)...)
			what := strings.Join(args, " ")
			if str.N != mem.N || len(str.Alphas) != len(mem.Alphas) {
				t.Fatalf("%s: n %d / %d, %d / %d values of α", what, str.N, mem.N, len(str.Alphas), len(mem.Alphas))
			}
			if e := relDiff(str.Alphas, mem.Alphas); e > cliTol {
				t.Errorf("%s: grids differ by %.2g", what, e)
			}
			for k := range mem.Alphas {
				if str.Nonzero[k] != mem.Nonzero[k] {
					t.Errorf("%s: α %d: %d non-zero, in memory %d", what, k, str.Nonzero[k], mem.Nonzero[k])
				}
				if e := relDiff(append(str.Coef[k], str.Intercept[k], str.Objective[k]), append(mem.Coef[k], mem.Intercept[k], mem.Objective[k])); e > cliTol {
					t.Errorf("%s: α %d: %v, in memory %v (%.2g)", what, k, str.Coef[k], mem.Coef[k], e)
				}
			}
		}
	}
}

// What is not streamed is a usage error naming it: fista (it reads the rows
// at every iteration), missing-value handling, and in lsq cv what reads the
// rows (ridge's leave-one-out, --foldid, --plot, --rank) or reads them twice
// from standard input.
func TestStreamCDRefusals(t *testing.T) {
	whole, _ := writeStreamParts(t, t.TempDir(), 50)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"fit", whole, "--stream", "--solver", "fista", "--penalty", "l1", "--alpha", "0.1"}, "not --solver fista"},
		{[]string{"fit", whole, "--stream", "--solver", "qr", "--penalty", "l1", "--alpha", "0.1"}, "--solver qr"},
		{[]string{"path", whole, "--stream", "--na", "error"}, "--na"},
		{[]string{"cv", whole, "--stream", "--penalty", "l2"}, "--penalty l2"},
		{[]string{"cv", whole, "--stream", "--foldid", "w"}, "--foldid"},
		{[]string{"cv", whole, "--stream", "--plot", "cv.png"}, "--plot"},
		{[]string{"cv", whole, "--stream", "--rank", "1"}, "--rank"},
		{[]string{"cv", whole, "--stream", "--na", "omit"}, "--na"},
		{[]string{"cv", "-", "--stream"}, "standard input"},
		{[]string{"cv", whole, "--stream", "--folds", "51"}, "--folds 51 is more than the 50 rows"},
	} {
		var out, errb bytes.Buffer
		code := Main(context.Background(), c.args, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
		if code != ExitUsage || !strings.Contains(errb.String(), c.want) {
			t.Errorf("lsq %s: exit %d, %q; want usage naming %s", strings.Join(c.args[2:], " "), code, errb.String(), c.want)
		}
	}
}
