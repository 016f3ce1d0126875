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

// jsonLines is a file of one JSON object per line, written atomically: it
// appears under its name only when finished with commit, and the first
// write error sticks.
type jsonLines struct {
	f   *fsutil.File
	w   *bufio.Writer
	err error
}

func newJSONLines(path string) (*jsonLines, error) {
	f, err := fsutil.Create(path)
	if err != nil {
		return nil, err
	}
	return &jsonLines{f: f, w: bufio.NewWriter(f)}, nil
}

// write appends v as one line.
func (j *jsonLines) write(v any) error {
	if j.err != nil {
		return j.err
	}
	b, _ := json.Marshal(v)
	_, j.err = j.w.Write(append(b, '\n'))
	return j.err
}

// finish publishes the file (commit true) or discards it.
func (j *jsonLines) finish(commit bool) error {
	if j == nil {
		return nil
	}
	if !commit || j.err != nil {
		j.f.Abort()
		return j.err
	}
	if err := j.w.Flush(); err != nil {
		j.f.Abort()
		return err
	}
	return j.f.Commit()
}

// traceRecorder writes one JSON line per epoch (see jsonLines).
type traceRecorder struct{ *jsonLines }

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
	j, err := newJSONLines(path)
	if err != nil {
		return nil, err
	}
	return &traceRecorder{j}, nil
}

func (t *traceRecorder) Record(it lsq.Iteration) error {
	return t.write(traceLine{
		Epoch: it.Epoch, Step: it.Step, LR: jsonFloat(it.LR), Loss: jsonFloat(it.Loss),
		Objective: jsonFloat(it.Objective), GradNorm: jsonFloat(it.GradNorm), Clipped: it.Clipped,
		PreClipNorm: jsonFloat(it.PreClipNorm), ValLoss: jsonFloat(it.ValLoss), Gap: jsonFloat(it.Gap), ElapsedS: it.Elapsed.Seconds(),
	})
}

// finish publishes the trace (commit true) or discards it.
func (t *traceRecorder) finish(commit bool) error {
	if t == nil {
		return nil
	}
	return t.jsonLines.finish(commit)
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
