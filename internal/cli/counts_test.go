package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCountsOfOne runs commands whose counts come out as 1 and checks that
// every count is printed with its noun in the singular, and that no
// "1 epochs" or "epoch(s)" is left anywhere in what they print.
func TestCountsOfOne(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tut.csv"), []byte("x,y\n1,2\n2,4\n3,5\n4,4\n5,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "one.csv"), []byte("x,y\n2,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wrong := regexp.MustCompile(`\b1 (epoch|iteration|step|evaluation|row|file|sweep|lag)s\b|\(s\)`)
	for _, c := range []struct {
		args []string
		want []string // in stdout and stderr together
	}{
		{[]string{"fit", "$D/tut.csv", "--solver", "gd", "--epochs", "1", "--lr", "0.01", "--standardize=false"},
			[]string{"solver gd: iteration-limit after 1 epoch (NOT converged)", "lsq: gd stopped (iteration-limit) after 1 epoch, "}},
		{[]string{"fit", "$D/tut.csv", "--solver", "gd"}, // standardised: one step of 1/L lands on the optimum
			[]string{"gap-tolerance after 1 epoch ", "~1 step for 1e-6"}},
		{[]string{"fit", "$D/tut.csv", "--stream", "--solver", "gd", "--epochs", "1", "--lr", "0.01", "--standardize=false"},
			[]string{"streamed: one pass over 1 file ", "solver gd-stream: iteration-limit after 1 epoch (NOT converged)"}},
		{[]string{"net", "$D/tut.csv", "--hidden", "2", "--solver", "gd", "--epochs", "1"},
			[]string{"iteration-limit after 1 epoch (1 step)"}},
		{[]string{"curve", "$D/tut.csv", "--model", "a*x+b", "--start", "a=1,b=1", "--method", "gd", "--epochs", "1"},
			[]string{"after 1 iteration,", "gd stopped after 1 epoch: iteration-limit"}},
		{[]string{"fit", "$D/tut.csv", "-o", "$D/m.json"}, []string{"model written to"}},
		{[]string{"eval", "$D/m.json", "$D/one.csv"}, []string{"(1 row, target y)"}},
		{[]string{"demo"}, []string{"→ gap-tolerance after 1 epoch (coefficients"}},
	} {
		_, stdout, stderr := runLSQ(dir, nil, c.args...)
		all := stdout + stderr
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("lsq %s: no %q in\n%s", strings.Join(c.args, " "), w, all)
			}
		}
		if m := wrong.FindString(all); m != "" {
			t.Errorf("lsq %s: %q in\n%s", strings.Join(c.args, " "), m, all)
		}
	}
}
