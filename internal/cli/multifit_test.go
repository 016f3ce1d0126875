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
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// writeTargets writes n rows of x1..x4 and y1..y3 = 1 + rank-1 map of x +
// noise; with shift, y1 and y3 move by a further rank-1 map (new data for a
// fine-tune).
func writeTargets(t *testing.T, dir, name string, n int, shift bool) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(8, 8))
	u := []float64{0.3, -0.5, 0.8, 0.2}
	v := []float64{1, -2, 0.5}
	var b strings.Builder
	b.WriteString("x1,x2,x3,x4,y1,y2,y3\n")
	for range n {
		x := make([]float64, 4)
		for j := range x {
			x[j] = float64(j) + rng.NormFloat64()
		}
		var ux float64
		for j := range x {
			ux += u[j] * x[j]
		}
		for j := range x {
			fmt.Fprintf(&b, "%.17g,", x[j])
		}
		for k := range v {
			y := 1 + ux*v[k] + 0.2*rng.NormFloat64()
			if shift {
				y += 0.7 * x[0] * float64(k-1)
			}
			sep := ","
			if k == len(v)-1 {
				sep = "\n"
			}
			fmt.Fprintf(&b, "%.17g%s", y, sep)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type multiJSON struct {
	Coef           [][]float64 `json:"coef"`
	Intercepts     []float64   `json:"intercepts"`
	Rank           int         `json:"rank"`
	Status         string      `json:"status"`
	SingularValues []float64   `json:"singular_values"`
	Gap            struct {
		ObjectiveRel float64 `json:"objective_rel"`
	} `json:"gap"`
}

func runMultiJSON(t *testing.T, v any, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append(args, "--json"), IO{Out: &out, Err: &errb})
	if code == ExitOK || code == ExitNotConverged {
		if err := json.Unmarshal(out.Bytes(), v); err != nil {
			t.Fatalf("lsq %v: %v\n%s\n%s", args, err, out.String(), errb.String())
		}
	}
	return code, errb.String()
}

// Several targets from the command line: k targets equal k single-target
// fits (to 1e-12: the same solver on the same columns); --rank 1 gives a
// coefficient matrix of rank 1; LoRA on new data reaches the exact rank-1
// update (exit 0, gap within --tol) and with too few epochs exits 3; flags a
// fit of several targets does not use are usage errors that name them.
func TestSeveralTargets(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 300, false)
	var all multiJSON
	if code, msg := runMultiJSON(t, &all, "fit", data, "--target", "y1,y2,y3", "-o", filepath.Join(dir, "base.json")); code != ExitOK {
		t.Fatalf("exit %d: %s", code, msg)
	}
	for k, name := range []string{"y1", "y2", "y3"} {
		var one fitJSONOut
		if code, msg := runMultiJSON(t, &one, "fit", data, "--target", name, "--features", "x1,x2,x3,x4"); code != ExitOK {
			t.Fatalf("exit %d: %s", code, msg)
		}
		if d := math.Abs(one.Intercept - all.Intercepts[k]); d > 1e-12*math.Max(1, math.Abs(one.Intercept)) {
			t.Errorf("%s intercept: %v vs %v", name, all.Intercepts[k], one.Intercept)
		}
		for j := range one.Coef {
			if d := math.Abs(one.Coef[j] - all.Coef[j][k]); d > 1e-12*math.Max(1, math.Abs(one.Coef[j])) {
				t.Errorf("%s coef %d: %v vs %v", name, j, all.Coef[j][k], one.Coef[j])
			}
		}
	}
	var r1 multiJSON
	if code, msg := runMultiJSON(t, &r1, "fit", data, "--target", "y1,y2,y3", "--rank", "1"); code != ExitOK || r1.Rank != 1 {
		t.Fatalf("--rank 1: exit %d rank %d: %s", code, r1.Rank, msg)
	}
	// Rank 1: every 2×2 minor vanishes (to rounding of products of order 1).
	for a := range 4 {
		for b := a + 1; b < 4; b++ {
			if m := r1.Coef[a][0]*r1.Coef[b][1] - r1.Coef[a][1]*r1.Coef[b][0]; math.Abs(m) > 1e-12 {
				t.Errorf("minor (%d,%d) = %g: not rank 1", a, b, m)
			}
		}
	}
	if len(r1.SingularValues) != 3 || !(r1.SingularValues[0] > 100*r1.SingularValues[1]) {
		t.Errorf("singular values %v: the data are rank 1 plus noise", r1.SingularValues)
	}

	shifted := writeTargets(t, dir, "new.csv", 300, true)
	base := filepath.Join(dir, "base.json")
	var lora multiJSON
	code, msg := runMultiJSON(t, &lora, "fit", shifted, "--target", "y1,y2,y3", "--init", base, "--rank", "1", "--solver", "adam", "--lr", "0.02", "--epochs", "5000", "--tol", "1e-9")
	if code != ExitOK || lora.Status != "gap-tolerance" || lora.Gap.ObjectiveRel > 1e-9 {
		t.Fatalf("LoRA: exit %d status %s gap %g: %s", code, lora.Status, lora.Gap.ObjectiveRel, msg)
	}
	var short multiJSON
	if code, msg := runMultiJSON(t, &short, "fit", shifted, "--target", "y1,y2,y3", "--init", base, "--rank", "1", "--solver", "adam", "--epochs", "3"); code != ExitNotConverged || !strings.Contains(msg, "from the exact rank-1 update") {
		t.Errorf("LoRA, 3 epochs: exit %d: %s", code, msg)
	}
	for _, bad := range [][]string{{"--formula", "y1 ~ x1"}, {"--penalty", "l1", "--alpha", "1"}, {"--diagnostics", "d.csv"}} {
		var out, errb bytes.Buffer
		args := append([]string{"fit", data, "--target", "y1,y2"}, bad...)
		if code := Main(context.Background(), args, IO{Out: &out, Err: &errb}); code != ExitUsage || !strings.Contains(errb.String(), strings.TrimPrefix(bad[0], "--")) {
			t.Errorf("%v: exit %d: %s", bad, code, errb.String())
		}
	}
}

// The flags only LoRA reads are refused by name in an exact fit of several
// targets — with or without --rank, in memory or streamed, and --lora-alpha
// on one target — instead of being ignored (a --trace file would silently
// not appear).
func TestSeveralTargetsExactRefusesLoRAFlags(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 40, false)
	trace := filepath.Join(dir, "t.jsonl")
	flags := [][]string{{"--lr", "0.1"}, {"--epochs", "10"}, {"--batch-size", "8"}, {"--seed", "3"},
		{"--schedule", "cosine:period=10"}, {"--warmup", "2"}, {"--clip-norm", "1"}, {"--clip-value", "1"},
		{"--tol", "1e-6"}, {"--trace", trace}, {"--lora-alpha", "2"}}
	for _, base := range [][]string{{"--target", "y1,y2"}, {"--target", "y1,y2", "--rank", "1"}, {"--target", "y1,y2", "--stream"}, {"--target", "y1"}} {
		for _, f := range flags {
			if base[1] == "y1" && f[0] != "--lora-alpha" {
				continue // one target without --rank is lsq fit's own path, whose checks are elsewhere
			}
			var out, errb bytes.Buffer
			args := append(append([]string{"fit", data}, base...), f...)
			code := Main(context.Background(), args, IO{Out: &out, Err: &errb})
			want := f[0] + " applies to LoRA"
			if code != ExitUsage || !strings.Contains(errb.String(), want) {
				t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", args[2:], code, errb.String(), ExitUsage, want)
			}
			if _, err := os.Stat(trace); err == nil {
				t.Fatalf("%v: a trace was written", args[2:])
			}
		}
	}
}

type fitJSONOut struct {
	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
}

// `lsq cv --rank` picks the rank of data that have rank 1 plus noise,
// marks the unconstrained rank min(features, targets) = 3 as the full fit,
// refuses a rank above it (which would repeat the full fit's row) naming
// --rank and the range, and refuses the flags of the penalty path.
func TestCVRank(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 300, false)
	var out struct {
		Ranks []int     `json:"ranks"`
		Mean  []float64 `json:"mean_loss"`
		OneSE int       `json:"rank_1se"`
		Full  int       `json:"full_rank"`
	}
	args := []string{"cv", data, "--target", "y1,y2,y3", "--rank", "1,2,3", "--folds", "5"}
	if code, msg := runMultiJSON(t, &out, args...); code != ExitOK {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if out.OneSE != 1 || len(out.Mean) != 3 || out.Full != 3 {
		t.Errorf("ranks %v means %v: one-SE rank %d, want 1; full rank %d, want 3", out.Ranks, out.Mean, out.OneSE, out.Full)
	}
	if _, text, _ := runLSQ(dir, nil, args...); !regexp.MustCompile(`(?m)^\s+3 \(full\)\s`).MatchString(text) || strings.Contains(text, "2 (full)") {
		t.Errorf("the table does not mark rank 3 (only) as the full fit:\n%s", text)
	}
	for _, c := range []struct{ ranks, want string }{
		{"1,2,3,4", "lsq: --rank 4: the coefficients of 4 features and 3 targets form a 4×3 matrix, of rank at most 3; give a rank from 1 to 3 (3 is the unconstrained fit)\n"},
		{"9", "lsq: --rank 9: the coefficients of 4 features and 3 targets form a 4×3 matrix, of rank at most 3;"},
	} {
		code, stdout, msg := runLSQ(dir, nil, "cv", data, "--target", "y1,y2,y3", "--rank", c.ranks, "--folds", "5")
		if code != ExitUsage || stdout != "" || !strings.HasPrefix(msg, c.want) {
			t.Errorf("--rank %s: exit %d, stdout %q, stderr %q; want exit %d and %q", c.ranks, code, stdout, msg, ExitUsage, c.want)
		}
	}
	// Two features, three targets: the matrix is 2×3, the full rank 2.
	code, _, msg := runLSQ(dir, nil, "cv", data, "--target", "y1,y2,y3", "--features", "x1,x2", "--rank", "3")
	if code != ExitUsage || !strings.Contains(msg, "--rank 3: the coefficients of 2 features and 3 targets form a 2×3 matrix, of rank at most 2") {
		t.Errorf("two features: exit %d: %s", code, msg)
	}
	var o2, e2 bytes.Buffer
	if code := Main(context.Background(), []string{"cv", data, "--target", "y1,y2", "--rank", "1", "--penalty", "l1"}, IO{Out: &o2, Err: &e2}); code != ExitUsage || !strings.Contains(e2.String(), "--penalty") {
		t.Errorf("--penalty with --rank: exit %d: %s", code, e2.String())
	}
}

// Several targets streamed, from one file and from two partitions, equal the
// in-memory fit to 1e-10 (the streamed QR's solve against QR of the rows).
func TestSeveralTargetsStreamed(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 200, false)
	text, _ := os.ReadFile(data)
	lines := strings.SplitAfter(string(text), "\n")
	p1, p2 := filepath.Join(dir, "p1.csv"), filepath.Join(dir, "p2.csv")
	os.WriteFile(p1, []byte(strings.Join(lines[:120], "")), 0o644)
	os.WriteFile(p2, []byte(lines[0]+strings.Join(lines[120:], "")), 0o644)
	for _, extra := range [][]string{{"--rank", "2"}, {"--penalty", "l2", "--alpha", "0.3"}} {
		var mem, one, two multiJSON
		runMultiJSON(t, &mem, append([]string{"fit", data, "--target", "y1,y2,y3"}, extra...)...)
		runMultiJSON(t, &one, append([]string{"fit", data, "--target", "y1,y2,y3", "--stream"}, extra...)...)
		if code, msg := runMultiJSON(t, &two, append([]string{"fit", p1, p2, "--target", "y1,y2,y3"}, extra...)...); code != ExitOK {
			t.Fatalf("%v: exit %d: %s", extra, code, msg)
		}
		for _, got := range []multiJSON{one, two} {
			for j := range mem.Coef {
				for k := range mem.Coef[j] {
					if d := math.Abs(got.Coef[j][k] - mem.Coef[j][k]); d > 1e-10*math.Max(1, math.Abs(mem.Coef[j][k])) {
						t.Errorf("%v coef[%d][%d]: streamed %v, in memory %v", extra, j, k, got.Coef[j][k], mem.Coef[j][k])
					}
				}
			}
		}
	}
}

// A model of several targets predicts one column per target, each equal to
// the single-target model's prediction of that target (1e-12: the same
// coefficients to rounding), and eval scores each target as a
// single-target eval does.
func TestSeveralTargetsPredictEval(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 200, false)
	multi, single := filepath.Join(dir, "multi.json"), filepath.Join(dir, "y2.json")
	var out, errb bytes.Buffer
	for _, args := range [][]string{{"fit", data, "--target", "y1,y2,y3", "-o", multi}, {"fit", data, "--target", "y2", "--features", "x1,x2,x3,x4", "-o", single}} {
		if code := Main(context.Background(), args, IO{Out: &out, Err: &errb}); code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
	}
	predict := func(model string) [][]string {
		var o, e bytes.Buffer
		if code := Main(context.Background(), []string{"predict", model, data}, IO{Out: &o, Err: &e}); code != ExitOK {
			t.Fatalf("predict %s: exit %d: %s", model, code, e.String())
		}
		var rows [][]string
		for _, l := range strings.Split(strings.TrimSpace(o.String()), "\n") {
			rows = append(rows, strings.Split(l, ","))
		}
		return rows
	}
	m, s := predict(multi), predict(single)
	if strings.Join(m[0], ",") != "y1,y2,y3" || len(m) != 201 {
		t.Fatalf("header %v, %d lines", m[0], len(m))
	}
	for i := 1; i < len(m); i++ {
		a, _ := strconv.ParseFloat(m[i][1], 64)
		b, _ := strconv.ParseFloat(s[i][0], 64)
		if math.Abs(a-b) > 1e-12*math.Max(1, math.Abs(b)) {
			t.Fatalf("row %d: y2 %v from the model of several targets, %v from the single one", i, a, b)
		}
	}
	var ev struct {
		Scores []struct {
			R2 float64 `json:"r2"`
		} `json:"scores"`
	}
	var one struct {
		R2 float64 `json:"r2"`
	}
	runMultiJSON(t, &ev, "eval", multi, data)
	runMultiJSON(t, &one, "eval", single, data)
	if len(ev.Scores) != 3 || math.Abs(ev.Scores[1].R2-one.R2) > 1e-12 {
		t.Errorf("eval: %+v, single-target R² %v", ev.Scores, one.R2)
	}
	// --keep on the data itself, which holds y1, y2 and y3: the predictions
	// are predicted_y1, ... so that the header names each column once, and
	// lsq reads the file back: the least-squares slope of the fitted values
	// on the target is cov(ŷ, y)/var(y) = var(ŷ)/var(y) = R² (ŷ ⟂ y − ŷ),
	// to the rounding of sums of 200 terms.
	var o, e bytes.Buffer
	kept := filepath.Join(dir, "kept.csv")
	if code := Main(context.Background(), []string{"predict", multi, data, "--keep", "-o", kept}, IO{Out: &o, Err: &e}); code != ExitOK {
		t.Fatalf("predict --keep: exit %d: %s", code, e.String())
	}
	body, _ := os.ReadFile(kept)
	if h, _, _ := strings.Cut(string(body), "\n"); h != "x1,x2,x3,x4,y1,y2,y3,predicted_y1,predicted_y2,predicted_y3" {
		t.Errorf("--keep header %q", h)
	}
	var back fitJSONOut
	if code, msg := runMultiJSON(t, &back, "fit", kept, "--target", "predicted_y2", "--features", "y2"); code != ExitOK || math.Abs(back.Coef[0]-ev.Scores[1].R2) > 1e-10 {
		t.Errorf("fitting predicted_y2 on y2 from the kept file: exit %d, slope %v, R² %v: %s", code, back.Coef, ev.Scores[1].R2, msg)
	}
}

// Per-target summaries are those of separate fits: standard errors and R²
// of `--target y1,y2,y3 --summary` equal each single-target summary (1e-12:
// the same fits).
func TestSeveralTargetsSummary(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 150, false)
	var multi struct {
		Summaries []struct {
			StdErr []float64 `json:"stderr"`
			R2     float64   `json:"r2"`
		} `json:"summaries"`
	}
	if code, msg := runMultiJSON(t, &multi, "fit", data, "--target", "y1,y2,y3", "--summary"); code != ExitOK || len(multi.Summaries) != 3 {
		t.Fatalf("exit %d, %d summaries: %s", code, len(multi.Summaries), msg)
	}
	for k, name := range []string{"y1", "y2", "y3"} {
		var one struct {
			StdErr []float64 `json:"stderr"`
			R2     float64   `json:"r2"`
		}
		runMultiJSON(t, &one, "fit", data, "--target", name, "--features", "x1,x2,x3,x4", "--summary")
		got := multi.Summaries[k]
		if math.Abs(got.R2-one.R2) > 1e-12 {
			t.Errorf("%s: R² %v vs %v", name, got.R2, one.R2)
		}
		for j := range one.StdErr {
			if math.Abs(got.StdErr[j]-one.StdErr[j]) > 1e-12*one.StdErr[j] {
				t.Errorf("%s: stderr %d %v vs %v", name, j, got.StdErr[j], one.StdErr[j])
			}
		}
	}
}
