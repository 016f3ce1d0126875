package cli

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/optim"
)

// TestGapWithinRoundingPrintsZero: lbfgs run to the optimum (--tol 1e-30,
// so only the working-precision stop ends it) lands a few units of rounding
// either side of F*. --json keeps that raw gap, whose size is within
// optim.RoundingGap and at least one of which is below zero on these data;
// the text prints every such gap as 0, never "-2e-16".
func TestGapWithinRoundingPrintsZero(t *testing.T) {
	dir := t.TempDir()
	writeTargets(t, dir, "m.csv", 100, false)
	negative := 0
	for _, target := range []string{"y1", "y2", "y3", "x1", "x4"} {
		args := []string{"fit", "$D/m.csv", "--target", target, "--solver", "lbfgs", "--tol", "1e-30"}
		code, out, msg := runLSQ(dir, nil, append(args, "--json")...)
		var v struct{ Gap gapOut }
		if err := json.Unmarshal([]byte(out), &v); code != ExitOK || err != nil {
			t.Fatalf("--target %s --json: exit %d, %v: %s", target, code, err, msg)
		}
		raw := float64(v.Gap.ObjectiveRel)
		if math.Abs(raw) > optim.RoundingGap {
			t.Errorf("--target %s: raw gap %g, not within rounding (%g)", target, raw, optim.RoundingGap)
		}
		if raw < 0 {
			negative++
		}
		_, text, _ := runLSQ(dir, nil, args...)
		if !strings.Contains(text, "gap to the optimum: objective 0 relative (tolerance 1e-30)") {
			t.Errorf("--target %s (raw gap %g): text does not print the gap as 0:\n%s", target, raw, text)
		}
	}
	if negative == 0 {
		t.Error("no raw gap below zero: the data no longer exercise a negative gap of rounding size")
	}
}

// TestReportGapWithinRounding: the HTML report's gap row shows a gap of
// rounding size as 0 and a real one as it is.
func TestReportGapWithinRounding(t *testing.T) {
	for _, c := range []struct {
		gap  float64
		want string
	}{{-3e-16, "0"}, {2.5e-7, "2.5e-07"}, {-2.5e-7, "-2.5e-07"}} {
		kvs := gapKVs(&gapOut{ObjectiveRel: jsonFloat(c.gap)}, nil)
		if kvs[0].Value != c.want {
			t.Errorf("gap %g: report shows %q, want %q", c.gap, kvs[0].Value, c.want)
		}
	}
}
