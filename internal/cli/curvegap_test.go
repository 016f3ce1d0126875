package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/optim"
)

// curveGapRun is what lsq curve --json says of the gap verdict.
type curveGapRun struct {
	Status    string  `json:"status"`
	Converged bool    `json:"converged"`
	RSS       float64 `json:"rss"`
	Gap       *struct {
		ObjectiveRel float64 `json:"objective_rel"`
		Tol          float64 `json:"tol"`
	} `json:"gap"`
}

func runCurveGap(t *testing.T, args ...string) (int, curveGapRun, string) {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	code, stdout, stderr := runLSQ(root, nil, append([]string{"curve"}, append(args, "--json")...)...)
	var out curveGapRun
	if code != ExitUsage {
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("lsq curve %s: exit %d, %v\n%s", strings.Join(args, " "), code, err, stderr)
		}
	}
	return code, out, stderr
}

// TestCurveGapDecides: gd and adam on docs/data/curved.csv (the README's
// curve) are judged by the measured gap to the Levenberg–Marquardt optimum
// from the same start, as a linear fit is by its gap to the exact one: run
// to it they end gap-tolerance (exit 0) with a gap within the default
// tolerance 1e-10 (optim.DefaultGapTol) and the RSS of lm's fit to that
// relative accuracy; stopped after 50 epochs gd is not converged (exit 3)
// and says how far it is.
func TestCurveGapDecides(t *testing.T) {
	args := []string{"$D/docs/data/curved.csv", "--model", "a*x^b", "--start", "a=1,b=1", "--bounds", "a=0:inf"}
	code, lm, stderr := runCurveGap(t, args...)
	if code != ExitOK || lm.Gap != nil {
		t.Fatalf("lm: exit %d, gap %+v (lm is the reference, with no gap): %s", code, lm.Gap, stderr)
	}
	for _, m := range []string{"gd", "adam"} {
		code, out, stderr := runCurveGap(t, append(args, "--method", m)...)
		if code != ExitOK || out.Status != "gap-tolerance" || !out.Converged || out.Gap == nil {
			t.Fatalf("%s: exit %d, status %s, gap %+v: %s", m, code, out.Status, out.Gap, stderr)
		}
		if g := out.Gap.ObjectiveRel; !(g <= optim.DefaultGapTol && g >= -optim.RoundingGap) || out.Gap.Tol != optim.DefaultGapTol {
			t.Errorf("%s: gap %g with tolerance %g, want within [−%g, %g]", m, g, out.Gap.Tol, optim.RoundingGap, optim.DefaultGapTol)
		}
		// The gap is (RSS − RSS*)/RSS*, RSS* lm's (another code path):
		// the two agree to the rounding of the sums of squares.
		if g := (out.RSS - lm.RSS) / lm.RSS; math.Abs(g-out.Gap.ObjectiveRel) > optim.RoundingGap {
			t.Errorf("%s: gap %g, but from the two RSS %g", m, out.Gap.ObjectiveRel, g)
		}
	}
	code, out, stderr := runCurveGap(t, append(args, "--method", "gd", "--epochs", "50")...)
	if code != ExitNotConverged || out.Status != "iteration-limit" || out.Converged || out.Gap == nil || !(out.Gap.ObjectiveRel > 1e-3) {
		t.Fatalf("gd, 50 epochs: exit %d, status %s, gap %+v: %s", code, out.Status, out.Gap, stderr)
	}
	if g := (out.RSS - lm.RSS) / lm.RSS; math.Abs(g-out.Gap.ObjectiveRel) > 1e-12*g {
		t.Errorf("gd, 50 epochs: gap %g, but from the two RSS %g", out.Gap.ObjectiveRel, g)
	}
	if !strings.Contains(stderr, "relative objective gap to the Levenberg–Marquardt optimum") {
		t.Errorf("gd, 50 epochs: the message does not give the gap: %s", stderr)
	}
	// A looser --tol is respected and reported: the fit stops within it.
	code, out, stderr = runCurveGap(t, append(args, "--method", "gd", "--tol", "1e-3")...)
	if code != ExitOK || out.Status != "gap-tolerance" || out.Gap == nil || out.Gap.Tol != 1e-3 || !(out.Gap.ObjectiveRel <= 1e-3) {
		t.Errorf("gd --tol 1e-3: exit %d, status %s, gap %+v: %s", code, out.Status, out.Gap, stderr)
	}
	if code, _, stderr := runCurveGap(t, append(args, "--tol", "1e-3")...); code != ExitUsage || !strings.Contains(stderr, "--tol applies to --method gd and adam") {
		t.Errorf("lm --tol: exit %d, %s; want a usage error naming --tol", code, stderr)
	}
	if code, _, stderr := runCurveGap(t, append(args, "--method", "gd", "--tol", "nan")...); code != ExitUsage || !strings.Contains(stderr, "--tol NaN") {
		t.Errorf("gd --tol nan: exit %d, %s; want a usage error naming --tol", code, stderr)
	}
}

// TestCurveBelowOptimum: sin(b·x) has a local minimum of its sum of squares
// in every period of b. From b = 1.4, lm settles in the local minimum near
// b = 1.26, while gd's first steps carry it into a deeper basin: its sum of
// squares ends clearly below lm's, which is then not the best, and neither is
// called converged (below-optimum, exit 3), with the advice to refit by lm
// from gd's point, which (checked) reaches a lower minimum than lm's first.
func TestCurveBelowOptimum(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range 41 {
		x := 0.25 * float64(i)
		fmt.Fprintf(&b, "%g,%.6f\n", x, math.Sin(2*x)+0.1*math.Cos(7*float64(i)))
	}
	if err := os.WriteFile(filepath.Join(dir, "wave.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join(dir, "wave.csv"), "--model", "sin(b*x)", "--start", "b=1.4"}
	code, lm, stderr := runCurveGap(t, args...)
	if code != ExitOK {
		t.Fatalf("lm: exit %d: %s", code, stderr)
	}
	code, gd, stderr := runCurveGap(t, append(args, "--method", "gd", "--epochs", "3000")...)
	if code != ExitNotConverged || gd.Status != "below-optimum" || gd.Converged || gd.Gap == nil || !(gd.Gap.ObjectiveRel < -optim.RoundingGap) || !(gd.RSS < lm.RSS) {
		t.Fatalf("gd: exit %d, status %s, RSS %g (lm %g), gap %+v: %s", code, gd.Status, gd.RSS, lm.RSS, gd.Gap, stderr)
	}
	if !strings.Contains(stderr, "not the best") {
		t.Errorf("gd: the message does not say lm's optimum is not the best: %s", stderr)
	}
	_, start, ok := strings.Cut(stderr, "--method lm --start ")
	start, _, _ = strings.Cut(start, " ")
	if !ok {
		t.Fatalf("no refit advice: %s", stderr)
	}
	code, refit, stderr := runCurveGap(t, args[0], "--model", "sin(b*x)", "--start", start)
	if code != ExitOK || !(refit.RSS <= gd.RSS && refit.RSS < lm.RSS) {
		t.Errorf("lm from gd's point %s: exit %d, RSS %g (gd %g, lm from b=1.4 %g): %s", start, code, refit.RSS, gd.RSS, lm.RSS, stderr)
	}
}
