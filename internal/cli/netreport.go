package cli

import (
	"fmt"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/report"
)

// writeNetReport writes --report: the run's settings and results, and the
// gradient norm of every layer per epoch.
func writeNetReport(o *netOptions, out *netOutput, norms *gradHistory, stdio IO) error {
	h := &report.HTML{
		Title:   "lsq net: " + out.Arch,
		Command: shellQuote(append([]string{"lsq"}, stdio.Args...)),
		Version: lsq.Version,
		Seed:    fmt.Sprint(o.Seed),
		Data:    []report.KV{kv("file", "%s", out.File), kv("features", "%v", out.Features), kv("targets", "%v", out.Targets)},
		Settings: []report.KV{kv("network", "%s, %d parameters", out.Arch, out.Params), kv("solver", "%s", out.Solver),
			kv("stopped", "%s after %s (%s, %d clipped)", out.Status, english.Count(out.Epochs, "epoch"), english.Count(out.Steps, "step"), out.Clipped)},
	}
	for k, t := range out.Targets {
		h.Settings = append(h.Settings, kv("train RMSE "+t, "%.6g", float64(out.TrainRMSE[k])))
		if out.ValRMSE != nil {
			h.Settings = append(h.Settings, kv("validation RMSE "+t, "%.6g", float64(out.ValRMSE[k])))
		}
	}
	for _, l := range out.Layers {
		h.Gap = append(h.Gap, kv(fmt.Sprintf("layer %d", l.Layer), "%s, width %d: ‖∂W‖ %.3g, ‖∂b‖ %.3g, activation RMS %.3g",
			l.Activation, l.Width, float64(l.GradW), float64(l.GradB), float64(l.ActRMS)))
	}
	h.Gap = append(h.Gap, kv("first / last layer", "%.3g", float64(out.GradRatio)))
	if lo := out.linear; lo != nil {
		h.Notes = append(h.Notes, fmt.Sprintf("A deep linear network: its optimum is the least-squares fit, loss %.10g; %s.", lo.TrainLoss, gapLine(lo)))
	}
	if lo := out.head; lo != nil {
		h.Notes = append(h.Notes, fmt.Sprintf("The hidden layers are frozen: the optimum is the exact head, loss %.10g; %s.", lo.TrainLoss, gapLine(lo)))
	}
	if p, err := report.GradientNormPlot(norms.norms); err == nil {
		if err := h.AddFigure("Gradient norm per layer", "‖∂loss/∂W‖ of each layer after each epoch, on a log scale: lines fanning out downward toward the input are vanishing gradients, upward exploding ones.", report.Single(p)); err != nil {
			return err
		}
	}
	return writeHTML(o.Report, h)
}
