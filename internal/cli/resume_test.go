package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// writeRegression writes a seeded regression CSV with n rows.
func writeRegression(t *testing.T, dir string, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 5))
	var b strings.Builder
	b.WriteString("a,b,c,y\n")
	for range n {
		a, bb, c := rng.NormFloat64(), 10*rng.NormFloat64()+5, 0.1*rng.NormFloat64()-2
		fmt.Fprintf(&b, "%v,%v,%v,%v\n", a, bb, c, 1.5+2*a-0.3*bb+4*c+0.5*rng.NormFloat64())
	}
	p := filepath.Join(dir, "reg.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type coefJSON struct {
	Coef       []float64 `json:"coef"`
	Intercept  float64   `json:"intercept"`
	Iterations int       `json:"iterations"`
}

func runFitJSON(t *testing.T, ctx context.Context, args ...string) (coefJSON, int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(ctx, append(args, "--json"), IO{Out: &out, Err: &errb})
	var c coefJSON
	if code == ExitOK || code == ExitNotConverged {
		if err := json.Unmarshal(out.Bytes(), &c); err != nil {
			t.Fatalf("lsq %v: %v\n%s", args, err, out.String())
		}
	}
	return c, code, errb.String()
}

// TestResumeIsBitIdentical: a fit stopped after 40 epochs (or interrupted at
// an arbitrary epoch) and resumed to 150 ends with exactly the bits of an
// uninterrupted 150-epoch fit with the same seed. The gap test is off and the
// cosine schedule keeps a floor, so that neither success nor a stall (a rate
// decayed to nothing) ends a run before its epoch limit.
func TestResumeIsBitIdentical(t *testing.T) {
	dir := t.TempDir()
	data := writeRegression(t, dir, 3000)
	ctx := context.Background()
	common := []string{"fit", data, "--solver", "adam", "--batch-size", "16", "--seed", "9", "--schedule", "cosine:period=100,min=0.01", "--tol", "-1"}
	whole, _, _ := runFitJSON(t, ctx, append(common, "--epochs", "150")...)

	cp := filepath.Join(dir, "cp.json")
	_, code, _ := runFitJSON(t, ctx, append(common, "--epochs", "40", "--checkpoint", cp)...)
	if code != ExitNotConverged {
		t.Fatalf("40 epochs: exit %d", code)
	}
	resumed, _, stderr := runFitJSON(t, ctx, append(common, "--epochs", "150", "--resume", cp)...)
	if resumed.Iterations != 150 {
		t.Fatalf("resumed run ended at epoch %d: %s", resumed.Iterations, stderr)
	}
	same := func(a, b coefJSON) bool {
		if a.Intercept != b.Intercept {
			return false
		}
		for j := range a.Coef {
			if a.Coef[j] != b.Coef[j] {
				return false
			}
		}
		return true
	}
	if !same(whole, resumed) {
		t.Fatalf("resumed %+v\nwhole   %+v", resumed, whole)
	}

	// Interrupt at whatever epoch a short timer hits, then resume.
	ictx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	cp2 := filepath.Join(dir, "cp2.json")
	_, code, stderr = runFitJSON(t, ictx, append(common, "--epochs", "150", "--checkpoint", cp2)...)
	if code == ExitInterrupted {
		if !strings.Contains(stderr, "state saved to") {
			t.Fatalf("interrupted run did not save its state: %s", stderr)
		}
		resumed2, _, _ := runFitJSON(t, ctx, append(common, "--epochs", "150", "--resume", cp2)...)
		if !same(whole, resumed2) {
			t.Fatalf("resumed after interrupt %+v\nwhole %+v", resumed2, whole)
		}
	} else {
		t.Logf("the run finished (exit %d) before the 30 ms interrupt; the interrupt path was not exercised", code)
	}
}

// TestSameSeedSameBitsAnyCores: the same seed gives bit-identical fits at
// GOMAXPROCS 1 and 2 (the gradient kernel reduces fixed row blocks in order).
func TestSameSeedSameBitsAnyCores(t *testing.T) {
	dir := t.TempDir()
	data := writeRegression(t, dir, 20000)
	ctx := context.Background()
	args := []string{"fit", data, "--solver", "adam", "--batch-size", "64", "--seed", "11", "--epochs", "5", "--tol", "-1", "--grad-tol", "-1"}
	prev := runtime.GOMAXPROCS(1)
	one, _, _ := runFitJSON(t, ctx, args...)
	runtime.GOMAXPROCS(2)
	two, _, _ := runFitJSON(t, ctx, args...)
	gd1, _, _ := runFitJSON(t, ctx, "fit", data, "--solver", "gd", "--epochs", "3", "--tol", "-1", "--grad-tol", "-1")
	runtime.GOMAXPROCS(1)
	gd2, _, _ := runFitJSON(t, ctx, "fit", data, "--solver", "gd", "--epochs", "3", "--tol", "-1", "--grad-tol", "-1")
	runtime.GOMAXPROCS(prev)
	for _, pair := range [][2]coefJSON{{one, two}, {gd1, gd2}} {
		a, b := pair[0], pair[1]
		if a.Intercept != b.Intercept {
			t.Errorf("intercept %v vs %v", a.Intercept, b.Intercept)
		}
		for j := range a.Coef {
			if a.Coef[j] != b.Coef[j] {
				t.Errorf("coef %d: %v vs %v", j, a.Coef[j], b.Coef[j])
			}
		}
	}
}
