package cli

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
)

// TestBatchSizeWordingIsFits: --batch-size with a full-batch solver is
// refused by every command with fit.CheckOptim's own reason after the flag
// (one wording, the library's): lsq fit in memory and streamed, LoRA and
// lsq net.
func TestBatchSizeWordingIsFits(t *testing.T) {
	dir := t.TempDir()
	writeTargets(t, dir, "m.csv", 40, false)
	base := filepath.Join(dir, "base.json")
	if code, _, msg := runLSQ(dir, nil, "fit", "$D/m.csv", "--target", "y1,y2,y3", "-o", base); code != ExitOK {
		t.Fatalf("base model: exit %d: %s", code, msg)
	}
	for _, solver := range []fit.Solver{fit.GD, fit.LBFGS} {
		var se *fit.SettingsError
		if err := fit.CheckOptim(solver, false, optim.Settings{BatchSize: 4}); !errors.As(err, &se) || se.Field != "Optim.BatchSize" {
			t.Fatalf("fit.CheckOptim(%s, batch 4) = %v, want a SettingsError on Optim.BatchSize", solver, err)
		}
		want := "lsq: --batch-size " + se.Reason + "\n"
		s := solver.String()
		for _, args := range [][]string{
			{"fit", "$D/m.csv", "--target", "y1", "--solver", s, "--batch-size", "4"},
			{"fit", "$D/m.csv", "--target", "y1", "--stream", "--solver", s, "--batch-size", "4"},
			{"fit", "$D/m.csv", "--target", "y1,y2,y3", "--init", base, "--rank", "1", "--solver", s, "--batch-size", "4"},
			{"net", "$D/m.csv", "--target", "y1", "--hidden", "2", "--solver", s, "--batch-size", "4"},
		} {
			code, out, msg := runLSQ(dir, nil, args...)
			if code != ExitUsage || out != "" || !strings.HasPrefix(msg, want) {
				t.Errorf("lsq %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), code, msg, ExitUsage, want)
			}
		}
	}
}
