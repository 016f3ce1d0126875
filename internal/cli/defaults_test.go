package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStochasticDefaults: `lsq fit --solver NAME` alone on well-conditioned
// data converges for every stochastic solver under the documented default
// tolerance 1e-6 (exit 0, the tolerance printed beside the gap and in
// --json, the gap within it); an explicit --tol is the test instead, and a
// fit that stops above it exits 3.
func TestStochasticDefaults(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "well.csv")
	var b strings.Builder
	b.WriteString("a,b,c,y\n")
	rng := rand.New(rand.NewPCG(3, 3))
	for range 2000 {
		a, c, e := 5+rng.NormFloat64(), -2+3*rng.NormFloat64(), rng.NormFloat64()
		bb := 0.5*a + rng.NormFloat64()
		fmt.Fprintf(&b, "%.17g,%.17g,%.17g,%.17g\n", a, bb, c, 10+2*a-bb+0.7*c+e)
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	for _, solver := range []string{"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"} {
		var out, errb bytes.Buffer
		code := Main(context.Background(), []string{"fit", path, "--target", "y", "--solver", solver, "--quiet", "--json"}, IO{Out: &out, Err: &errb})
		var res struct {
			Converged bool
			Gap       struct {
				ObjectiveRel float64 `json:"objective_rel"`
				Tol          float64 `json:"tol"`
			}
		}
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("%s: %v\n%s%s", solver, err, out.String(), errb.String())
		}
		// fit.StochasticGapTol, the documented default of these solvers.
		if code != ExitOK || !res.Converged || res.Gap.Tol != 1e-6 || res.Gap.ObjectiveRel > res.Gap.Tol {
			t.Errorf("%s: exit %d, converged %v, gap %.3g, tolerance %g; want exit 0 within 1e-6", solver, code, res.Converged, res.Gap.ObjectiveRel, res.Gap.Tol)
		}
	}
	// The text output prints the tolerance; an explicit one far below what
	// 20 epochs of adam reach is not met: exit 3.
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"fit", path, "--target", "y", "--solver", "adam", "--quiet", "--tol", "1e-13", "--epochs", "20"}, IO{Out: &out, Err: &errb})
	if code != ExitNotConverged || !strings.Contains(out.String(), "(tolerance 1e-13)") {
		t.Errorf("adam --tol 1e-13 --epochs 20: exit %d, want %d with the tolerance printed\n%s%s", code, ExitNotConverged, out.String(), errb.String())
	}
	// --average applies to stochastic solvers only.
	if code := Main(context.Background(), []string{"fit", path, "--target", "y", "--solver", "gd", "--average"}, IO{Out: &out, Err: &errb}); code != ExitUsage {
		t.Errorf("gd --average: exit %d, want %d", code, ExitUsage)
	}
}

// TestStartWithoutAverage: a checkpoint written without averaging (before
// it was the default, or with --average=false) resumes and fine-tunes under
// the default settings: the fit continues as it started, and fine-tuning
// with the automatic epoch limit runs epochs beyond the model's.
func TestStartWithoutAverage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.csv")
	var b strings.Builder
	b.WriteString("a,y\n")
	for i := range 200 {
		a := float64(i%17) / 4
		fmt.Fprintf(&b, "%g,%g\n", a, 1+2*a+0.1*float64(i%5))
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	model := filepath.Join(dir, "m.json")
	run := func(args ...string) (int, map[string]any, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append([]string{"fit", path, "--target", "y", "--solver", "sgd", "--quiet", "--json"}, args...), IO{Out: &out, Err: &errb})
		var res map[string]any
		json.Unmarshal(out.Bytes(), &res)
		return code, res, errb.String()
	}
	if code, _, errs := run("--average=false", "--epochs", "3", "--tol", "1e-300", "--checkpoint", model); code != ExitNotConverged {
		t.Fatalf("first fit: exit %d: %s", code, errs)
	}
	if code, res, errs := run("--resume", model, "--epochs", "5", "--tol", "1e-300"); code != ExitNotConverged || res["iterations"] != 5.0 {
		t.Errorf("resume: exit %d, iterations %v: %s", code, res["iterations"], errs)
	}
	if code, res, errs := run("--init", model, "--tol", "1e-300"); code != ExitNotConverged || !(res["iterations"].(float64) > 3) {
		t.Errorf("fine-tune with the automatic epoch limit: exit %d, iterations %v: %s", code, res["iterations"], errs)
	}
}

// TestShuffleBlockFlag: --shuffle-block reaches the fit (the coefficients
// after a few epochs of sgd change with the order of the rows, and
// --shuffle-block 1 is the full permutation, the same coefficients), and a
// streamed fit refuses it.
func TestShuffleBlockFlag(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.csv")
	var b strings.Builder
	b.WriteString("a,y\n")
	for i := range 300 {
		a := float64(i%17) / 4
		fmt.Fprintf(&b, "%g,%g\n", a, 1+2*a+0.1*float64(i%5))
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append([]string{"fit", path, "--target", "y", "--solver", "sgd", "--quiet", "--json",
			"--epochs", "3", "--tol", "1e-300", "--batch-size", "1"}, args...), IO{Out: &out, Err: &errb})
		var res map[string]any
		json.Unmarshal(out.Bytes(), &res)
		return code, fmt.Sprint(res["coef"], res["intercept"]), errb.String()
	}
	_, full, _ := run()
	_, one, _ := run("--shuffle-block", "1")
	_, blocked, _ := run("--shuffle-block", "16")
	if one != full || full == "<nil> <nil>" {
		t.Errorf("--shuffle-block 1: %s, the full permutation %s", one, full)
	}
	if blocked == full {
		t.Errorf("--shuffle-block 16 gave the coefficients of the full permutation, %s", full)
	}
	if code, _, msg := run("--shuffle-block", "16", "--stream"); code != ExitUsage || !strings.Contains(msg, "--shuffle-block orders rows in memory") {
		t.Errorf("--stream --shuffle-block 16: exit %d, want %d: %s", code, ExitUsage, msg)
	}
}

// TestTolZero: an explicit --tol 0 asks for no tolerance, not for the
// default 1e-10: gradient descent runs on past the epoch where the default
// stops, to its epoch limit or (as here) until the objective stops at the
// optimum to working precision, and says there was no tolerance; cd, which
// runs to a duality gap, refuses it (a gap of exactly 0 is never measured).
func TestTolZero(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.csv")
	var b strings.Builder
	b.WriteString("a,c,y\n")
	rng := rand.New(rand.NewPCG(5, 5))
	for range 500 {
		a, c := rng.NormFloat64(), rng.NormFloat64()
		fmt.Fprintf(&b, "%.17g,%.17g,%.17g\n", a, c, 1+2*a-c+rng.NormFloat64())
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	type run struct {
		Iterations int
		Gap        struct {
			ObjectiveRel float64 `json:"objective_rel"`
		}
	}
	fitTol := func(tol ...string) (int, run, string) {
		var out, errb bytes.Buffer
		// --lr 0.5 on standardised, nearly uncorrelated columns (L ≈ 1):
		// the error halves every epoch, so the relative gap (F* ≈ 1/2)
		// passes 1e-10 in about twenty epochs and reaches rounding a few
		// epochs later, far below the limit of 200.
		args := append([]string{"fit", path, "--target", "y", "--solver", "gd", "--lr", "0.5", "--epochs", "200", "--json"}, tol...)
		code := Main(context.Background(), args, IO{Out: &out, Err: &errb})
		var r run
		json.Unmarshal(out.Bytes(), &r)
		return code, r, out.String() + errb.String()
	}
	_, def, _ := fitTol()
	code, zero, out := fitTol("--tol", "0")
	// 1e-13: optim.Optimum's working-precision rule, the only way a fit
	// with no tolerance succeeds before its epoch limit.
	if code != ExitOK || zero.Iterations <= def.Iterations || zero.Gap.ObjectiveRel > 1e-13 {
		t.Errorf("--tol 0: exit %d after %d epochs at gap %.3g; the default stops after %d at %.3g: want more epochs, to a gap ≤ 1e-13\n%s",
			code, zero.Iterations, zero.Gap.ObjectiveRel, def.Iterations, def.Gap.ObjectiveRel, out)
	}
	var o, e bytes.Buffer
	Main(context.Background(), []string{"fit", path, "--target", "y", "--solver", "gd", "--lr", "0.5", "--epochs", "200", "--tol", "0"}, IO{Out: &o, Err: &e})
	if !strings.Contains(o.String(), "(no tolerance)") {
		t.Errorf("--tol 0: the text output does not say there was no tolerance\n%s", o.String())
	}
	o.Reset()
	e.Reset()
	if code := Main(context.Background(), []string{"fit", path, "--target", "y", "--penalty", "l1", "--alpha", "0.1", "--solver", "cd", "--tol", "0"}, IO{Out: &o, Err: &e}); code != ExitUsage || !strings.Contains(e.String(), "--tol 0") {
		t.Errorf("cd --tol 0: exit %d, want %d naming --tol\n%s", code, ExitUsage, e.String())
	}
}
