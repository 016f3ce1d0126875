package cli

import (
	"context"
	"math"
	"os"
	"path/filepath"
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
