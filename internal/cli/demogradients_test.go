package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoGradients asserts the story `lsq demo gradients` tells, with the
// issue's bounds: the sigmoid network with a small normal initialisation
// has a first-to-last gradient ratio below 1e-3 and does not train
// (R² < 0.05: it predicts the mean); tanh + Xavier and ReLU + He keep the
// ratio within [0.1, 10] and train (R² > 0.8); the large initialisation
// diverges and the same with --clip-norm does not, with every step
// clipped and R² > 0.5; standardising inputs of scale 1000 trains better
// than not. Its --report has one figure, a panel per network titled with
// its label, and --plot the same panels; --json names both files.
func TestDemoGradients(t *testing.T) {
	dir := t.TempDir()
	plot, page := filepath.Join(dir, "g.svg"), filepath.Join(dir, "g.html")
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"demo", "gradients", "--json", "--plot", plot, "--report", page}, IO{In: strings.NewReader(""), Out: &out, Err: &errb}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res struct {
		Runs         []gradRun `json:"runs"`
		Plot, Report string
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Plot != plot || res.Report != page {
		t.Errorf("JSON names plot %q and report %q, want %q and %q", res.Plot, res.Report, plot, page)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	titles, svgs := reportFigures(t, b)
	if len(titles) != 1 || titles[0] != "Gradient norm per layer and epoch" {
		t.Fatalf("report figures %q, want one: Gradient norm per layer and epoch", titles)
	}
	svg, err := os.ReadFile(plot)
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"vanishing: sigmoid, small normal init", "the same, --clip-norm 1", "tanh + Xavier, inputs ×1000, standardised"} {
		if !strings.Contains(svgs[0], label) || !bytes.Contains(svg, []byte(label)) {
			t.Errorf("no panel %q in the report's figure or the plot", label)
		}
	}
	if len(res.Runs) != 7 {
		t.Fatalf("%d runs, want 7", len(res.Runs))
	}
	r := res.Runs
	if !(r[0].RatioFirst < 1e-3) || !(r[0].R2 < 0.05) {
		t.Errorf("sigmoid, small init: ratio %g, R² %g; want < 1e-3 and < 0.05", r[0].RatioFirst, r[0].R2)
	}
	for _, g := range r[1:3] {
		if !(g.RatioFirst >= 0.1 && g.RatioFirst <= 10) || !(g.R2 > 0.8) {
			t.Errorf("%s: ratio %g, R² %g; want within [0.1, 10] and > 0.8", g.Label, g.RatioFirst, g.R2)
		}
	}
	if !r[3].Diverged || r[3].Status != "diverged" {
		t.Errorf("large init: %s, want diverged", r[3].Status)
	}
	if r[4].Diverged || r[4].Clipped != r[4].Epochs*16 || !(r[4].R2 > 0.5) {
		// 512 rows in batches of 32: 16 steps an epoch.
		t.Errorf("large init, clipped: diverged %v, %d of %d steps clipped, R² %g", r[4].Diverged, r[4].Clipped, r[4].Epochs*16, r[4].R2)
	}
	if !(r[5].R2 < r[6].R2) || r[5].Standard || !r[6].Standard {
		t.Errorf("inputs ×1000: R² raw %g, standardised %g", r[5].R2, r[6].R2)
	}
}
