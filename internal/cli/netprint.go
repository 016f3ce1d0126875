package cli

import (
	"fmt"
	"math"

	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/net"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/report"
)

// netLayer is one layer's line of the output.
type netLayer struct {
	Layer      int       `json:"layer"`
	Width      int       `json:"width"`
	Activation string    `json:"activation"`
	GradW      jsonFloat `json:"grad_w"`
	GradB      jsonFloat `json:"grad_b"`
	ActRMS     jsonFloat `json:"act_rms"`
}

// netLinear is the known optimum and the returned network's gap to it:
// Gap = (F − F*)/GapScale on the training scale, GapScale = |F*| or, when
// F* is about 0, 1e-8 of the start's gap (optim.Optimum.Scale).
type netLinear struct {
	OLSLoss    float64   `json:"ols_loss"`
	Objective  float64   `json:"ols_objective"`
	Gap        jsonFloat `json:"gap"`
	GapScale   jsonFloat `json:"gap_scale"`
	RelativeTo string    `json:"gap_relative_to"` // "optimum" or "start"
	Reached    bool      `json:"reached"`
}

func newNetLinear(lo *net.LinearOptimum) *netLinear {
	to := "start"
	if lo.OfOptimum() {
		to = "optimum"
	}
	return &netLinear{OLSLoss: lo.TrainLoss, Objective: lo.Objective, Gap: jsonFloat(lo.Gap), GapScale: jsonFloat(lo.Scale), RelativeTo: to, Reached: lo.Reached}
}

// gapScaleName says what the gap is relative to.
func gapScaleName(lo *net.LinearOptimum) string {
	if lo.OfOptimum() {
		return "the optimum's objective"
	}
	return "1e-8 of the start's gap (the optimum is about 0)"
}

type netOutput struct {
	File      string      `json:"file"`
	Features  []string    `json:"features"`
	Targets   []string    `json:"targets"`
	Arch      string      `json:"architecture"`
	Params    int         `json:"parameters"`
	Solver    string      `json:"solver"`
	Status    string      `json:"status"`
	Converged bool        `json:"converged"`
	Message   string      `json:"message,omitempty"`
	Epochs    int         `json:"epochs"`
	Steps     int         `json:"steps"`
	Clipped   int         `json:"clipped_steps"`
	TrainLoss jsonFloat   `json:"train_loss"`
	TrainRMSE []jsonFloat `json:"train_rmse"`
	ValLoss   jsonFloat   `json:"val_loss"`
	ValRMSE   []jsonFloat `json:"val_rmse,omitempty"`
	Layers    []netLayer  `json:"layers"`
	// HeadRefitFrom is the training RMSE per target before --refit-head.
	HeadRefitFrom []jsonFloat `json:"head_refit_from_rmse,omitempty"`
	GradRatio     jsonFloat   `json:"grad_ratio_first_last"`
	Linear        *netLinear  `json:"linear_optimum,omitempty"`
	Head          *netLinear  `json:"exact_head,omitempty"`
	Model         string      `json:"model,omitempty"`
	Checkpoint    string      `json:"checkpoint,omitempty"`
	Trace         string      `json:"trace,omitempty"`
	Plot          string      `json:"plot,omitempty"`
	Report        string      `json:"report,omitempty"`
	ElapsedSec    float64     `json:"elapsed_s"`

	linear, head *net.LinearOptimum
}

func rmse(mse []float64) []jsonFloat {
	out := make([]jsonFloat, len(mse))
	for i, v := range mse {
		out[i] = jsonFloat(math.Sqrt(v))
	}
	return out
}

func newNetOutput(o netOptions, res *net.Result, features, targets []string) *netOutput {
	nn := res.Net
	out := &netOutput{File: o.File, Features: features, Targets: targets, Arch: nn.Arch.String(), Params: len(nn.Theta),
		Solver: o.Solver, Status: res.Status.String(), Converged: res.Converged(), Message: res.Message,
		Epochs: res.Epochs, Steps: res.Steps, Clipped: res.Clipped, TrainLoss: jsonFloat(res.TrainLoss),
		TrainRMSE: rmse(res.TrainMSE), ValLoss: jsonFloat(res.ValLoss), GradRatio: jsonFloat(net.GradRatio(res.Layers))}
	if res.ValMSE != nil {
		out.ValRMSE = rmse(res.ValMSE)
	}
	for i, l := range res.Layers {
		nl := netLayer{Layer: i + 1, Width: nn.Outputs, Activation: "linear", GradW: jsonFloat(l.GradW), GradB: jsonFloat(l.GradB), ActRMS: jsonFloat(l.ActRMS)}
		if i < len(nn.Hidden) {
			nl.Width, nl.Activation = nn.Hidden[i], nn.Arch.Activation(i).String()
		}
		out.Layers = append(out.Layers, nl)
	}
	if lo := res.Linear; lo != nil {
		out.Linear, out.linear = newNetLinear(lo), lo
	}
	if lo := res.Head; lo != nil {
		out.Head, out.head = newNetLinear(lo), lo
	}
	if res.PreRefitMSE != nil {
		out.HeadRefitFrom = rmse(res.PreRefitMSE)
	}
	if res.Optim != nil {
		out.ElapsedSec = res.Optim.Runtime.Seconds()
	}
	return out
}

func (out *netOutput) print(stdio IO, asJSON bool) error {
	if asJSON {
		return writeJSON(stdio.Out, out)
	}
	w := stdio.Out
	fmt.Fprintf(w, "network   %s (%d parameters)\n", out.Arch, out.Params)
	fmt.Fprintf(w, "solver    %s: %s after %s (%s", out.Solver, out.Status, english.Count(out.Epochs, "epoch"), english.Count(out.Steps, "step"))
	if out.Clipped > 0 {
		fmt.Fprintf(w, ", %d clipped", out.Clipped)
	}
	fmt.Fprintln(w, ")")
	if out.Message != "" {
		fmt.Fprintf(w, "          %s\n", out.Message)
	}
	for k, t := range out.Targets {
		fmt.Fprintf(w, "%-9s train RMSE %.6g", t, float64(out.TrainRMSE[k]))
		if out.ValRMSE != nil {
			fmt.Fprintf(w, ", validation RMSE %.6g", float64(out.ValRMSE[k]))
		}
		fmt.Fprintln(w)
	}
	if out.HeadRefitFrom != nil {
		fmt.Fprintf(w, "head      refitted exactly on the last hidden layer (train RMSE before: %.6g)\n", float64(out.HeadRefitFrom[0]))
	}
	if lo := out.linear; lo != nil {
		fmt.Fprintf(w, "exact     least-squares optimum: loss %.10g; %s\n", lo.TrainLoss, gapLine(lo))
	}
	if lo := out.head; lo != nil {
		fmt.Fprintf(w, "exact     head on the frozen layers (least squares): loss %.10g; %s\n", lo.TrainLoss, gapLine(lo))
	}
	tw := newTable(w)
	fmt.Fprintln(tw, "layer\twidth\tactivation\t‖∂W‖\t‖∂b‖\tactivation RMS\t")
	for _, l := range out.Layers {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%.3g\t%.3g\t%.3g\t\n", l.Layer, l.Width, l.Activation, float64(l.GradW), float64(l.GradB), float64(l.ActRMS))
	}
	tw.Flush()
	fmt.Fprintf(w, "gradient norm ratio, first layer / last layer: %.3g\n", float64(out.GradRatio))
	printWritten(w, outFile{"model", out.Model}, outFile{"checkpoint", out.Checkpoint}, outFile{"trace", out.Trace},
		outFile{"plot", out.Plot}, outFile{"report", out.Report})
	return nil
}

// netTrace writes one JSON line per epoch with the layer statistics (see
// jsonLines).
type netTrace struct{ *jsonLines }

type netTraceLine struct {
	Epoch     int        `json:"epoch"`
	Step      int        `json:"step"`
	LR        jsonFloat  `json:"lr"`
	Loss      jsonFloat  `json:"loss"`
	Objective jsonFloat  `json:"objective"`
	GradNorm  jsonFloat  `json:"grad_norm"`
	Clipped   int        `json:"clipped"`
	PreClip   jsonFloat  `json:"pre_clip_norm"`
	ValLoss   jsonFloat  `json:"val_loss"`
	Layers    []netLayer `json:"layers"`
	ElapsedS  float64    `json:"elapsed_s"`
}

func newNetTrace(path string) (*netTrace, error) {
	j, err := newJSONLines(path)
	if err != nil {
		return nil, err
	}
	return &netTrace{j}, nil
}

// RecordEpoch writes the epoch: loss and validation loss on the targets'
// original scale, objective and gradient norm on the training scale.
func (t *netTrace) RecordEpoch(e net.Epoch) error {
	ls := make([]netLayer, len(e.Layers))
	for i, l := range e.Layers {
		ls[i] = netLayer{Layer: i + 1, GradW: jsonFloat(l.GradW), GradB: jsonFloat(l.GradB), ActRMS: jsonFloat(l.ActRMS)}
	}
	return t.write(netTraceLine{Epoch: e.Epoch, Step: e.Step, LR: jsonFloat(e.LR), Loss: jsonFloat(e.TrainLoss),
		Objective: jsonFloat(e.Objective), GradNorm: jsonFloat(e.GradNorm), Clipped: e.Clipped, PreClip: jsonFloat(e.PreClipNorm),
		ValLoss: jsonFloat(e.ValLoss), Layers: ls, ElapsedS: e.Elapsed.Seconds()})
}

func (t *netTrace) finish(commit bool) error {
	if t == nil {
		return nil
	}
	return t.jsonLines.finish(commit)
}

// gradHistory keeps each epoch's per-layer weight-gradient norms for --plot.
type gradHistory struct{ norms [][]float64 }

func (h *gradHistory) add(e net.Epoch) {
	row := make([]float64, len(e.Layers))
	for i, l := range e.Layers {
		row[i] = l.GradW
	}
	h.norms = append(h.norms, row)
}

func (h *gradHistory) write(path string) error {
	p, err := report.GradientNormPlot(h.norms)
	if err != nil {
		return err
	}
	return writeFigure(path, report.Single(p))
}

// gapLine is the gap of the returned network, what it is relative to, and
// the verdict.
func gapLine(lo *net.LinearOptimum) string {
	at := "not reached"
	if lo.Reached {
		at = "reached"
	}
	return fmt.Sprintf("gap %.3g relative to %s: %s", optim.ShownGap(lo.Gap), gapScaleName(lo), at)
}
