package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/penalty"
)

// A flag that does not apply to the solver is a usage error (exit 2) naming
// the flag, before anything runs: gd's and the exact fit's settings with
// cd, the penalties with gd and exact, --l1-ratio without elasticnet, cd
// without --penalty, and a --penalty cd does not know.
func TestSolverFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--input", filepath.Join(dir, "part-*.csv"), "--target", "y", "--output", filepath.Join(dir, "m.json")}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--solver", "cd", "--penalty", "l1", "--lr", "0.1"}, "--lr"},
		{[]string{"--solver", "cd", "--penalty", "l1", "--epochs", "5"}, "--epochs"},
		{[]string{"--solver", "cd", "--penalty", "l1", "--workdir", dir}, "--workdir"},
		{[]string{"--solver", "cd", "--alpha", "0.1"}, "--penalty"},
		{[]string{"--solver", "cd", "--penalty", "l1", "--l1-ratio", "0.3"}, "--l1-ratio"},
		{[]string{"--solver", "cd", "--penalty", "l3"}, "l3"},
		{[]string{"--solver", "cd", "--penalty", "elasticnet", "--l1-ratio", "2"}, "--l1-ratio"},
		{[]string{"--solver", "cd", "--penalty", "l1", "--alpha", "-1"}, "--alpha"},
		{[]string{"--solver", "gd", "--penalty", "l1"}, "--penalty"},
		{[]string{"--solver", "gd", "--alpha", "0.1"}, "--alpha"},
		{[]string{"--solver", "gd", "--standardize=false"}, "--standardize"},
		{[]string{"--penalty", "l1"}, "--penalty"},
		{[]string{"--gap-tol", "1e-12"}, "--gap-tol"},
		{[]string{"--solver", "exact", "--epochs", "5"}, "--epochs"},
		{[]string{"--solver", "lasso"}, "--solver"},
	} {
		p := start(t, append(base, c.args...)...)
		code := p.wait(t)
		if code != 2 || !strings.Contains(p.stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message naming %s", c.args, code, p.stderr.String(), c.want)
		}
	}
}

// lsq-beam --solver cd fits the elastic net of the weighted rows in the
// files and writes the model file of a streamed cd fit: solver cd-stream
// with its penalty, status converged, and coefficients within 1e-9
// relative of fit.Matrix's cd fit of the same rows in memory (the bound the
// pipeline's TestCDMatchesInMemory derives is ~1e-11 here; the command
// prints its model through the same path, so this checks the flags reach
// it).
func TestSolverCD(t *testing.T) {
	dir := t.TempDir()
	pr := writeProblem(t, dir, 600, 3, []int{0, 250, 600})
	out := filepath.Join(dir, "model.json")
	p := start(t, "--input", pr.glob, "--target", "y", "--weights", "w", "--output", out,
		"--solver", "cd", "--penalty", "elasticnet", "--alpha", "0.2", "--l1-ratio", "0.3", "--gap-tol", "1e-14")
	code := p.wait(t)
	skipIfNoNamespace(t, p)
	if code != 0 || !strings.Contains(p.stdout.String(), "status converged") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, p.stdout.String(), p.stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := modelio.Decode(b, out)
	if err != nil {
		t.Fatal(err)
	}
	st := m.Solver.Settings
	if m.Solver.Name != "cd-stream" || st["penalty"] != "elasticnet" || st["alpha"] != 0.2 || st["l1_ratio"] != 0.3 || st["standardize"] != true {
		t.Errorf("solver %s %v", m.Solver.Name, st)
	}
	want, err := fit.Matrix(context.Background(), pr.x, pr.y, &fit.Settings{Solver: fit.CD, Weights: pr.w,
		Penalty: penalty.ElasticNet{Alpha: 0.2, L1Ratio: 0.3}, GapTol: 1e-14})
	if err != nil || want.Status != lsq.Converged {
		t.Fatal(err, want.Status)
	}
	got := append([]float64{m.Intercept}, m.Coef...)
	ref := append([]float64{want.Intercept}, want.Coef...)
	var e, s float64
	for i := range got {
		e = max(e, abs(got[i]-ref[i]))
		s = max(s, abs(ref[i]))
	}
	if e > 1e-9*s {
		t.Errorf("lsq-beam %v\nfit.Matrix %v\nrel %.3g", got, ref, e/s)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
