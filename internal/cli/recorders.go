package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/schollz/progressbar/v3"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/fsutil"
)

// traceRecorder writes one JSON line per epoch. The file is written
// atomically: it appears under its name only when the run ends.
type traceRecorder struct {
	f   *fsutil.File
	w   *bufio.Writer
	err error
}

type traceLine struct {
	Epoch       int       `json:"epoch"`
	Step        int       `json:"step"`
	LR          jsonFloat `json:"lr"`
	Loss        jsonFloat `json:"loss"`
	Objective   jsonFloat `json:"objective"`
	GradNorm    jsonFloat `json:"grad_norm"`
	Clipped     int       `json:"clipped"`
	PreClipNorm jsonFloat `json:"pre_clip_norm"`
	ValLoss     jsonFloat `json:"val_loss"`
	Gap         jsonFloat `json:"gap"` // relative objective gap to the exact optimum; null when unknown
	ElapsedS    float64   `json:"elapsed_s"`
}

func newTraceRecorder(path string) (*traceRecorder, error) {
	f, err := fsutil.Create(path)
	if err != nil {
		return nil, err
	}
	return &traceRecorder{f: f, w: bufio.NewWriter(f)}, nil
}

func (t *traceRecorder) Record(it lsq.Iteration) error {
	if t.err != nil {
		return t.err
	}
	b, _ := json.Marshal(traceLine{
		Epoch: it.Epoch, Step: it.Step, LR: jsonFloat(it.LR), Loss: jsonFloat(it.Loss),
		Objective: jsonFloat(it.Objective), GradNorm: jsonFloat(it.GradNorm), Clipped: it.Clipped,
		PreClipNorm: jsonFloat(it.PreClipNorm), ValLoss: jsonFloat(it.ValLoss), Gap: jsonFloat(it.Gap), ElapsedS: it.Elapsed.Seconds(),
	})
	b = append(b, '\n')
	_, t.err = t.w.Write(b)
	return t.err
}

// finish publishes the trace (commit true) or discards it.
func (t *traceRecorder) finish(commit bool) error {
	if t == nil {
		return nil
	}
	if !commit || t.err != nil {
		t.f.Abort()
		return t.err
	}
	if err := t.w.Flush(); err != nil {
		t.f.Abort()
		return err
	}
	return t.f.Commit()
}

// historyRecorder keeps every iteration in memory, for plots and reports.
type historyRecorder struct{ its []lsq.Iteration }

func (h *historyRecorder) Record(it lsq.Iteration) error {
	h.its = append(h.its, it)
	return nil
}

// progress draws a bar on a terminal: epoch, loss, rate, ETA.
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer, epochs int, desc string) *progress {
	bar := progressbar.NewOptions(epochs,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(24),
	)
	return &progress{bar: bar}
}

func (p *progress) Record(it lsq.Iteration) error {
	p.bar.Describe(fmt.Sprintf("epoch %d  loss %.4g  lr %.3g", it.Epoch, it.Loss, it.LR))
	return p.bar.Set(it.Epoch)
}

func (p *progress) finish() {
	if p != nil {
		p.bar.Finish()
	}
}

func finiteOr(v, alt float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return alt
	}
	return v
}
