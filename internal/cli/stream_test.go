package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestStreamMatchesInMemory: the issue asks streamed and in-memory fits to
// agree to 1e-10 on the same data, here split into three partitions.
func TestStreamMatchesInMemory(t *testing.T) {
	dir := t.TempDir()
	whole := writeRegression(t, dir, 3000)
	b, _ := os.ReadFile(whole)
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	header, rows := lines[0], lines[1:]
	os.Mkdir(filepath.Join(dir, "parts"), 0o755)
	for k, cut := range [][2]int{{0, 1000}, {1000, 1777}, {1777, len(rows)}} {
		part := header + strings.Join(rows[cut[0]:cut[1]], "")
		if !strings.HasSuffix(part, "\n") {
			part += "\n"
		}
		os.WriteFile(filepath.Join(dir, "parts", "p"+string(rune('1'+k))+".csv"), []byte(part), 0o644)
	}
	ctx := context.Background()
	mem, code, stderr := runFitJSON(t, ctx, "fit", whole)
	if code != 0 {
		t.Fatal(stderr)
	}
	str, code, stderr := runFitJSON(t, ctx, "fit", filepath.Join(dir, "parts", "*.csv"))
	if code != 0 {
		t.Fatal(stderr)
	}
	single, code, stderr := runFitJSON(t, ctx, "fit", whole, "--stream")
	if code != 0 {
		t.Fatal(stderr)
	}
	// 1e-10: the scale issue's bar for streamed against in-memory fits.
	for _, got := range []coefJSON{str, single} {
		if e := math.Abs(got.Intercept-mem.Intercept) / math.Abs(mem.Intercept); e > 1e-10 {
			t.Errorf("intercept %v vs %v", got.Intercept, mem.Intercept)
		}
		for j := range mem.Coef {
			if e := math.Abs(got.Coef[j]-mem.Coef[j]) / math.Abs(mem.Coef[j]); e > 1e-10 {
				t.Errorf("coef %d: streamed %v, in memory %v (rel %.2g)", j, got.Coef[j], mem.Coef[j], e)
			}
		}
	}
}

// TestStreamGDReachesExact: full-batch GD streamed once per epoch over
// partitions reaches the exact fit of the first pass. With the standardised
// Hessian's condition number ≈ 1 here, GD contracts the error by far more than
// 10× per epoch; --grad-tol 1e-10 then bounds the coefficient error near 1e-10
// relative (coefficients are O(1), gradient ≈ Hessian × error).
func TestStreamGDReachesExact(t *testing.T) {
	dir := t.TempDir()
	whole := writeRegression(t, dir, 2000)
	ctx := context.Background()
	exact, code, stderr := runFitJSON(t, ctx, "fit", whole)
	if code != 0 {
		t.Fatal(stderr)
	}
	gd, code, stderr := runFitJSON(t, ctx, "fit", whole, "--stream", "--solver", "gd", "--grad-tol", "1e-10", "--tol", "-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for j := range exact.Coef {
		if e := math.Abs(gd.Coef[j]-exact.Coef[j]) / math.Abs(exact.Coef[j]); e > 1e-8 {
			t.Errorf("coef %d: streamed gd %v, exact %v (rel %.2g)", j, gd.Coef[j], exact.Coef[j], e)
		}
	}
	// A rate far above 2/L on raw inputs diverges with exit 3.
	_, code, _ = runFitJSON(t, ctx, "fit", whole, "--stream", "--solver", "gd", "--lr", "5", "--standardize=false")
	if code != ExitNotConverged {
		t.Errorf("divergent streamed gd: exit %d, want 3", code)
	}
}

// TestStreamParquet: Parquet files stream a row group at a time, and mix
// with CSV partitions. The fixture holds y = 1 + 2·x1 − 0.5·x2 exactly.
func TestStreamParquet(t *testing.T) {
	ctx := context.Background()
	pq := filepath.Join("..", "..", "testdata", "parquet", "small.parquet")
	csv := filepath.Join("..", "..", "testdata", "csv", "small.csv")
	for _, args := range [][]string{{"fit", pq, "--stream"}, {"fit", pq, csv}} {
		got, code, stderr := runFitJSON(t, ctx, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		// Exact data: any backward-stable solve recovers the coefficients to
		// a few ulps.
		want := []float64{2, -0.5}
		for j, w := range want {
			if math.Abs(got.Coef[j]-w) > 1e-12 {
				t.Errorf("%v: coef %d = %v, want %v", args, j, got.Coef[j], w)
			}
		}
		if math.Abs(got.Intercept-1) > 1e-12 {
			t.Errorf("%v: intercept %v, want 1", args, got.Intercept)
		}
	}
}

// TestStreamSGDShuffleBuffer: mini-batch SGD over streamed data through a
// shuffle buffer gets near the exact fit, and the same seed gives the same
// bits whatever the core count.
func TestStreamSGDShuffleBuffer(t *testing.T) {
	dir := t.TempDir()
	whole := writeRegression(t, dir, 3000)
	ctx := context.Background()
	exact, _, _ := runFitJSON(t, ctx, "fit", whole)
	args := []string{"fit", whole, "--stream", "--solver", "sgd", "--epochs", "40", "--shuffle-buffer", "500", "--seed", "4"}
	a, code, stderr := runFitJSON(t, ctx, args...)
	if code != 0 && code != ExitNotConverged {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	prev := runtime.GOMAXPROCS(1)
	b, _, _ := runFitJSON(t, ctx, args...)
	runtime.GOMAXPROCS(prev)
	for j := range a.Coef {
		if a.Coef[j] != b.Coef[j] {
			t.Fatalf("same seed, coef %d: %v vs %v", j, a.Coef[j], b.Coef[j])
		}
		// Constant-rate SGD hovers at a distance ∝ its rate around the
		// optimum; with the automatic rate b/(nL) it was measured at ~1e-3
		// relative here, so 1e-2 leaves a margin and still catches a broken
		// gradient (which ends O(1) away).
		if e := math.Abs(a.Coef[j]-exact.Coef[j]) / math.Abs(exact.Coef[j]); e > 1e-2 {
			t.Errorf("coef %d: streamed sgd %v, exact %v (rel %.2g)", j, a.Coef[j], exact.Coef[j], e)
		}
	}
}

// TestParquetEverywhere: eval and predict read Parquet as fit does (the
// fixture holds y = 1 + 2·x1 − 0.5·x2 exactly, so R² is 1 to rounding).
func TestParquetEverywhere(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join("..", "..", "testdata", "parquet", "small.parquet")
	model := filepath.Join(dir, "m.json")
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := Main(ctx, []string{"fit", pq, "-o", model}, IO{Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := Main(ctx, []string{"eval", model, pq, "--json"}, IO{Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errb.String())
	}
	var s struct {
		R2 float64 `json:"r2"`
		N  int     `json:"n"`
	}
	if err := json.Unmarshal(out.Bytes(), &s); err != nil || s.N != 20 || s.R2 < 1-1e-12 {
		t.Errorf("eval on Parquet: %s (err %v)", out.String(), err)
	}
	out.Reset()
	if code := Main(ctx, []string{"predict", model, pq}, IO{Out: &out, Err: &errb}); code != 0 || strings.Count(out.String(), "\n") != 21 {
		t.Errorf("predict on Parquet: exit %d, %d lines: %s", code, strings.Count(out.String(), "\n"), errb.String())
	}
	if code := Main(ctx, []string{"predict", model, pq, "--keep"}, IO{Out: &out, Err: &errb}); code != ExitUsage {
		t.Errorf("predict --keep on Parquet: exit %d, want a usage error", code)
	}
}
