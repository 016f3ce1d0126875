package cli

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestStandardizeWhereItApplies: --standardize=false is taken where it
// changes the fit — a penalty (what is penalised: the ridge coefficients
// differ from the standardised ridge's), an iterative solver, LoRA — and
// refused, naming the flag, by an exact fit without a penalty, whose
// coefficients it cannot change (fit's TestExactUnpenalisedIgnoresRaw).
func TestStandardizeWhereItApplies(t *testing.T) {
	dir := t.TempDir()
	writeTargets(t, dir, "m.csv", 60, false)
	coef := func(args ...string) []float64 {
		t.Helper()
		code, out, msg := runLSQ(dir, nil, append(args, "--json")...)
		var v struct{ Coef []float64 }
		if err := json.Unmarshal([]byte(out), &v); code != ExitOK || err != nil {
			t.Fatalf("lsq %s: exit %d, %v: %s", strings.Join(args, " "), code, err, msg)
		}
		return v.Coef
	}
	ridge := []string{"fit", "$D/m.csv", "--target", "y1", "--penalty", "l2", "--alpha", "1"}
	if std, raw := coef(ridge...), coef(append(ridge, "--standardize=false")...); slices.Equal(std, raw) {
		t.Errorf("ridge: --standardize=false left the coefficients %v unchanged", std)
	}
	coef("fit", "$D/m.csv", "--target", "y1", "--solver", "lbfgs", "--standardize=false")
	base := dir + "/base.json"
	if code, _, msg := runLSQ(dir, nil, "fit", "$D/m.csv", "--target", "y1,y2,y3", "-o", base); code != ExitOK {
		t.Fatalf("base: exit %d: %s", code, msg)
	}
	if code, _, msg := runLSQ(dir, nil, "fit", "$D/m.csv", "--target", "y1,y2,y3", "--init", base, "--rank", "1", "--solver", "adam", "--epochs", "5", "--standardize=false"); code != ExitOK && code != ExitNotConverged {
		t.Errorf("LoRA --standardize=false: exit %d: %s", code, msg)
	}
	for _, args := range [][]string{
		{"fit", "$D/m.csv", "--target", "y1", "--solver", "svd", "--standardize=false"},
		{"fit", "$D/m.csv", "--target", "y1,y2", "--standardize=false"},
		{"fit", "$D/m.csv", "--target", "y1,y2", "--stream", "--standardize=false"},
	} {
		code, out, msg := runLSQ(dir, nil, args...)
		if code != ExitUsage || out != "" || !strings.HasPrefix(msg, "lsq: --standardize does not apply to ") {
			t.Errorf("lsq %s: exit %d, stderr %q; want a usage error naming --standardize", strings.Join(args, " "), code, msg)
		}
	}
}
