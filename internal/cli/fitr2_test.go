package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPenalizedJSONR2: a penalised fit has no summary, yet its JSON carries
// r2, computed here from the data and the fit's own coefficients as
// 1 − Σ(y − ŷ)²/Σ(y − ȳ)², and it is the R² of the text output; in memory
// and streamed alike. The tolerance 1e-12 is a few hundred roundings of
// sums over 60 rows of numbers of order one.
func TestPenalizedJSONR2(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(41, 42))
	const n = 60
	x := make([][3]float64, n)
	y := make([]float64, n)
	var b strings.Builder
	b.WriteString("a,b,c,y\n")
	for i := range x {
		for j := range x[i] {
			x[i][j] = rng.NormFloat64()
		}
		y[i] = 1 + 2*x[i][0] - x[i][2] + 0.5*rng.NormFloat64()
		fmt.Fprintf(&b, "%v,%v,%v,%v\n", x[i][0], x[i][1], x[i][2], y[i])
	}
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, pen := range [][]string{{"--penalty", "l1", "--alpha", "0.1"}, {"--penalty", "elasticnet", "--alpha", "0.1", "--l1-ratio", "0.5"}, {"--penalty", "l2", "--alpha", "0.3"}} {
		for _, stream := range []bool{false, true} {
			args := append([]string{"fit", "$D/d.csv", "--target", "y"}, pen...)
			if stream {
				args = append(args, "--stream")
			}
			out := runR2(t, dir, append(args, "--json"))
			var mean, rss, tss float64
			for _, v := range y {
				mean += v / n
			}
			for i := range x {
				r := y[i] - out.Intercept
				for j := range x[i] {
					r -= out.Coef[j] * x[i][j]
				}
				rss += r * r
				tss += (y[i] - mean) * (y[i] - mean)
			}
			if want := 1 - rss/tss; math.Abs(out.R2-want) > 1e-12 {
				t.Errorf("%v: r2 %v, want 1 − RSS/TSS = %v", args, out.R2, want)
			}
			_, text, _ := runLSQ(dir, nil, args...)
			if want := fmt.Sprintf("R² %.6g", out.R2); !strings.Contains(text, want) {
				t.Errorf("%v: the text does not show %q:\n%s", args, want, text)
			}
		}
	}
}

// TestCVRefitR2: lsq cv reports the refit's R², 1 − Σw(y − ŷ)²/Σw(y − ȳ)²
// (ȳ = 0 without an intercept), computed here from the data and the
// refit's coefficients; in memory and streamed (from the moments) alike,
// with weights and without an intercept. The tolerance 1e-10 covers the
// R² enet reads off its objective less the penalty (enet.Result.R2), sums
// of 80 terms of order one, against another sum of the same terms here.
func TestCVRefitR2(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(43, 44))
	const n = 80
	var b strings.Builder
	b.WriteString("a,b,w,y\n")
	rows := make([][4]float64, n)
	for i := range rows {
		a, c := rng.NormFloat64(), rng.NormFloat64()
		rows[i] = [4]float64{a, c, 0.5 + rng.Float64(), 3 + a - 0.5*c + 0.7*rng.NormFloat64()}
		fmt.Fprintf(&b, "%v,%v,%v,%v\n", rows[i][0], rows[i][1], rows[i][2], rows[i][3])
	}
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]string{nil, {"--weights", "w"}, {"--no-intercept"}, {"--penalty", "l2"}} {
		for _, stream := range []bool{false, true} {
			if stream && len(extra) > 0 && extra[0] == "--penalty" {
				continue // ridge's cross-validation reads the rows
			}
			args := append([]string{"cv", "$D/d.csv", "--target", "y", "--folds", "5", "--json"}, extra...)
			if stream {
				args = append(args, "--stream")
			}
			out := runR2(t, dir, args)
			weighted := len(extra) > 0 && extra[0] == "--weights"
			var sw, sy float64
			for _, r := range rows {
				w := 1.0
				if weighted {
					w = r[2]
				}
				sw += w
				sy += w * r[3]
			}
			mean := sy / sw
			if len(extra) > 0 && extra[0] == "--no-intercept" {
				mean = 0
			}
			var rss, tss float64
			for _, r := range rows {
				w := 1.0
				if weighted {
					w = r[2]
				}
				res := r[3] - out.Intercept
				for j, f := range out.Features {
					res -= out.Coef[j] * r[map[string]int{"a": 0, "b": 1, "w": 2}[f]]
				}
				rss += w * res * res
				tss += w * (r[3] - mean) * (r[3] - mean)
			}
			if want := 1 - rss/tss; math.Abs(out.R2-want) > 1e-10 {
				t.Errorf("%v: r2 %v, want 1 − RSS/TSS = %v", args, out.R2, want)
			}
		}
	}
}

// r2Run is what the R² tests read of a fit's or a cross-validation's JSON.
type r2Run struct {
	Features  []string
	Coef      []float64
	Intercept float64
	R2        float64
}

// runR2 runs a command that prints JSON with an r2, which it must have.
func runR2(t *testing.T, dir string, args []string) r2Run {
	t.Helper()
	code, stdout, stderr := runLSQ(dir, nil, args...)
	if code != ExitOK {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	var out struct {
		r2Run
		R2 *float64
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.R2 == nil {
		t.Fatalf("%v: no r2 in %s", args, stdout)
	}
	out.r2Run.R2 = *out.R2
	return out.r2Run
}
