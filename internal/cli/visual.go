package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/lsqgo/lsq/internal/fsutil"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/report"
)

// visualFlags are --plot and --report, shared by the commands that draw.
type visualFlags struct {
	Plot   string
	Report string
}

// check validates the file names before any work is done, so a typo costs
// nothing.
func (v visualFlags) check(inputs ...string) error {
	if v.Plot != "" {
		if _, err := report.FormatOf(v.Plot); err != nil {
			return usagef("--plot %s: the name must end in .png or .svg", v.Plot)
		}
		if err := refuseOverwrite(v.Plot, inputs...); err != nil {
			return err
		}
	}
	if v.Report != "" {
		if !strings.HasSuffix(strings.ToLower(v.Report), ".html") && !strings.HasSuffix(strings.ToLower(v.Report), ".htm") {
			return usagef("--report %s: the name must end in .html", v.Report)
		}
		if err := refuseOverwrite(v.Report, inputs...); err != nil {
			return err
		}
	}
	return nil
}

func (v visualFlags) wanted() bool { return v.Plot != "" || v.Report != "" }

// writeFigure writes a figure atomically in the format of the file's extension.
func writeFigure(path string, fig *report.Figure) error {
	return fsutil.WriteFile(path, func(w io.Writer) error { return fig.WriteFile(w, path) })
}

// writeHTML writes a report atomically.
func writeHTML(path string, h *report.HTML) error {
	return fsutil.WriteFile(path, h.Write)
}

func fileSHA256(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func kv(k string, format string, args ...any) report.KV {
	return report.KV{Key: k, Value: fmt.Sprintf(format, args...)}
}

// gapKVs lists the gap to the exact optimum for a report.
func gapKVs(g *gapOut, lr *lrOut) []report.KV {
	if g == nil {
		return nil
	}
	out := []report.KV{
		kv("objective gap (F − F*)/max(|F*|, 1e-8·(F₀ − F*))", "%.3g", optim.ShownGap(float64(g.ObjectiveRel))),
		kv("coefficient error ‖θ − θ*‖/‖θ*‖", "%.3g", float64(g.CoefRel)),
		kv("gradient norm", "%.3g", float64(g.GradNorm)),
	}
	if lr != nil {
		out = append(out,
			kv("learning rate", "%.4g", float64(lr.LR)),
			kv("stability bound 2/L", "%.4g (L = %.4g)", float64(lr.Bound), float64(lr.L)),
			kv("Hessian condition number L/μ", "%.4g", float64(lr.Cond)),
		)
	}
	return out
}

func traceOptimum(opt float64) float64 {
	if math.IsInf(opt, 0) {
		return math.NaN()
	}
	return opt
}

// recoverDrawing turns a panic inside the plotting library (it panics on
// some degenerate inputs, such as a non-positive value on a log axis) into
// an error, so a plot never costs the user a panic trace.
func recoverDrawing(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("drawing the plot failed: %v", r)
	}
}
