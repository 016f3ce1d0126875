package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/lsqgo/lsq/bench/internal/probe"
)

// row of the table: one task, lsq's timing and the peers'.
type taskSpec struct {
	key, title string
	lsqTool    string
	peers      []string // tools in display order
	target     string
}

func report(w io.Writer, c *config, res []timing, st streamResult, csvBytes int64, elapsed time.Duration, load0, load1 string) {
	find := func(task, tool string) *timing {
		for i := range res {
			if res[i].Task == task && res[i].Tool == tool {
				return &res[i]
			}
		}
		return nil
	}
	gb := float64(8*c.n*(c.d+1)) / 1e9 // X and y
	fmt.Fprintf(w, "lsq benchmark: n = %d, d = %d in memory; CSV n = %d, d = %d (%.0f MB); GOMAXPROCS %d (%s/%s)\n",
		c.n, c.d, c.csvN, c.csvD, float64(csvBytes)/1e6, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "load average at start %s, at end %s; whole run %s\n", load0, load1, elapsed.Round(time.Second))
	if st.best > 0 {
		fmt.Fprintf(w, "STREAM-style read bandwidth (sum, %d goroutines, %.0f MB): median %.1f GB/s, best %.1f GB/s; %.1f GB per CPU-second\n",
			runtime.GOMAXPROCS(0), gb*1e3*float64(c.d)/float64(c.d+1), st.median, st.best, st.perCPU)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Medians of the runs (count in brackets); wall-clock seconds, then CPU seconds of the process.")
	fmt.Fprintln(w, "ratio = peer / lsq, wall-clock and CPU (above 1: lsq faster). On a shared machine the CPU")
	fmt.Fprintln(w, "ratio is the steadier of the two; the wall ratio also counts parallel speed-up.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| task | tool | wall s | CPU s | ratio wall | ratio CPU | notes |\n|---|---|---:|---:|---:|---:|---|\n")
	specs := []taskSpec{
		{"ols", "exact OLS, in memory", "lsq linear.Solve", []string{"sklearn LinearRegression", "numpy lstsq", "R lm.fit"}, "target: ≥ 20× scikit-learn"},
		{"illcond", "exact OLS, condition ≈ 1e6", "lsq linear.Solve", []string{"sklearn LinearRegression"}, "x₁ = x₀ + 1e-6·noise; target: ≥ 10× scikit-learn"},
		{"collinear", "exact OLS, a collinear column", "lsq linear.Solve", []string{"sklearn LinearRegression"}, "x₁ = x₀ + x₂; target: ≥ 10× scikit-learn"},
		{"grad", "one gradient pass Xᵀ(Xw−y)", "lsq optim.LeastSquares", []string{"numpy X.T@(X@w-y)"}, "target: ≥ 70% of read bandwidth"},
		{"lasso", "lasso path, 100 α", "lsq enet.Path", []string{"sklearn lasso_path", "R glmnet"}, "target: ≥ 2× scikit-learn, ≥ 20× glmnet"},
		{"widelasso", fmt.Sprintf("lasso path, 100 α, n = %d, d = %d", c.wideN, c.wideD), "lsq enet.Path", []string{"sklearn lasso_path", "R glmnet"}, "target: ≥ 2× scikit-learn, ≥ 20× glmnet"},
		{"cv", "lasso cross-validation, 10 folds × 100 α", "lsq enet.CV", []string{"R cv.glmnet"}, "target: ≥ 10× cv.glmnet"},
		{"sgd", "SGD epoch, batch 1", "lsq optim.SGD (batch 1)", []string{"sklearn SGDRegressor", limitTool}, "target: ≥ 4× SGDRegressor, or ≤ 1.3× the random-access limit"},
		{"sgd", "SGD epoch, batch 1, blocks of 64 rows", "lsq optim.SGD (batch 1, blocks of 64)", []string{"sklearn SGDRegressor"}, "another order: optim.Settings.ShuffleBlock"},
		{"csv", "CSV load", "lsq data.ReadFile", []string{"pandas read_csv"}, ""},
		{"e2e", "end-to-end fit of the CSV", "lsq fit (binary)", []string{"pandas read_csv + LinearRegression"}, "target: ≥ 4× pandas + scikit-learn"},
		{"gd", "gradient descent on the CSV, 100 epochs (fit_s)", "lsq fit --solver gd", nil, "target: ≥ 70% of read bandwidth"},
	}
	for _, sp := range specs {
		if !c.tasks[sp.key] {
			continue
		}
		l := find(sp.key, sp.lsqTool)
		row := func(t *timing, tool string, isLsq bool) {
			if t == nil {
				fmt.Fprintf(w, "| %s | %s | – | – | – | – | not run |\n", sp.title, tool)
				return
			}
			if t.Err != "" {
				fmt.Fprintf(w, "| %s | %s | – | – | – | – | error: %s |\n", sp.title, tool, oneLine(t.Err))
				return
			}
			ratio, ratioCPU := "1", "1"
			if !isLsq {
				if l != nil && l.Err == "" {
					ratio = fmt.Sprintf("%.1f×", t.wall()/l.wall())
					ratioCPU = fmt.Sprintf("%.1f×", t.cpu()/l.cpu())
				} else {
					ratio, ratioCPU = "–", "–"
				}
			}
			note := t.Note
			switch {
			case sp.key == "grad":
				bw := gb / t.wall()
				note = join(note, fmt.Sprintf("%.1f GB/s", bw))
				if st.median > 0 && isLsq {
					note = join(note, fmt.Sprintf("%.0f%% of the interleaved STREAM median, %.0f%% per CPU-second",
						100*bw/st.median, 100*(gb/t.cpu())/st.perCPU))
				}
			case sp.key == "gd" && len(t.Epochs) > 0:
				note = join(note, gdNote(c, t, st))
			case sp.key == "sgd" && t.Tool == limitTool:
				note = join(note, fmt.Sprintf("one thread reads the same rows once in a random order, serially, the whole row %d rows ahead prefetched (bench/internal/probe), before each epoch", probe.LimitAhead))
			case sp.key == "sgd" && isLsq && sp.lsqTool == "lsq optim.SGD (batch 1)":
				if lim := find("sgd", limitTool); lim != nil && lim.Err == "" {
					note = join(note, fmt.Sprintf("%.2f× the random-access limit's wall time, %.2f× its CPU time", t.wall()/lim.wall(), t.cpu()/lim.cpu()))
				}
			case sp.key == "csv" && csvBytes > 0:
				note = join(note, fmt.Sprintf("%.0f MB/s", float64(csvBytes)/1e6/t.wall()))
			}
			if isLsq && sp.target != "" {
				note = join(note, sp.target)
			}
			fmt.Fprintf(w, "| %s | %s (%d) | %s | %s | %s | %s | %s |\n", sp.title, tool, len(t.Wall), secs(t.wall()), secs(t.cpu()), ratio, ratioCPU, note)
		}
		row(l, sp.lsqTool, true)
		for _, p := range sp.peers {
			if t := find(sp.key, p); t != nil || c.peers {
				row(t, p, false)
			}
		}
	}
	for _, t := range res {
		if t.Task == "peer" && t.Err != "" {
			fmt.Fprintf(w, "\npeer script %s failed: %s\n", t.Tool, oneLine(t.Err))
		}
	}
}

func secs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 0.1:
		return fmt.Sprintf("%.4f", v)
	case v < 10:
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// gdNote gives the read bandwidth of the command line's gradient descent:
// each epoch reads X and y of the CSV problem once, in memory as float64.
func gdNote(c *config, t *timing, st streamResult) string {
	ep := make([]float64, len(t.Epochs))
	for i, e := range t.Epochs {
		ep[i] = float64(e)
	}
	bw := median(ep) * float64(8*c.csvN*(c.csvD+1)) / 1e9 / t.wall()
	note := fmt.Sprintf("%.0f epochs, %.1f GB/s", median(ep), bw)
	if st.median > 0 {
		note += fmt.Sprintf(", %.0f%% of the STREAM median", 100*bw/st.median)
	}
	return note
}
