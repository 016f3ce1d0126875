// Command bench times lsq against its peers (scikit-learn, numpy, pandas, R,
// glmnet) on the same data in one run, and measures the machine's memory
// read bandwidth with a STREAM-style kernel, so that every number in the
// table was taken under the same load.
//
//	go run ./bench -n 1000000 -d 100
//
// It generates the data with a fixed seed (cached in -dir), names the peers
// that are missing (and installs their Debian packages only with -install),
// and prints a table of medians with the ratios peer/lsq. It is a main package: go test
// never runs it. The large run needs about 5 GB of memory at its peak (the
// peers copy the 800 MB matrix) and several minutes.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lsqgo/lsq/bench/internal/probe"
	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/enet"
	"github.com/lsqgo/lsq/internal/kernel"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/optim"
	"gonum.org/v1/gonum/mat"
)

type config struct {
	n, d         int
	wideN, wideD int
	csvN, csvD   int
	reps         int
	budget       time.Duration
	dir          string
	seed         uint64
	peers        bool
	install      bool
	python       string
	tasks        map[string]bool
}

func main() {
	var c config
	var tasks string
	flag.IntVar(&c.n, "n", 1000000, "rows of the in-memory problem")
	flag.IntVar(&c.d, "d", 100, "columns of the in-memory problem")
	flag.IntVar(&c.wideN, "wide-n", 100000, "rows of the wide problem (task widelasso)")
	flag.IntVar(&c.wideD, "wide-d", 1000, "columns of the wide problem (task widelasso)")
	flag.IntVar(&c.csvN, "csv-n", 2000000, "rows of the CSV file (load and end-to-end fit)")
	flag.IntVar(&c.csvD, "csv-d", 20, "feature columns of the CSV file")
	flag.IntVar(&c.reps, "reps", 3, "runs per measurement (median reported)")
	flag.DurationVar(&c.budget, "budget", 45*time.Second, "stop repeating a measurement once its runs have taken this long (at least one run)")
	flag.StringVar(&c.dir, "dir", filepath.Join(os.TempDir(), "lsq-bench"), "directory for the generated data and the lsq binary")
	flag.Uint64Var(&c.seed, "seed", 20261128, "seed of the data generator")
	flag.BoolVar(&c.peers, "peers", true, "run the Python and R peers")
	flag.BoolVar(&c.install, "install", false, "apt-get install the missing peers (python3-sklearn, python3-pandas, r-base-core, r-cran-glmnet); without it nothing is installed and the missing peers are named")
	flag.StringVar(&c.python, "python", defaultPython(), "Python interpreter with numpy, scikit-learn and pandas")
	flag.StringVar(&tasks, "tasks", "stream,ols,illcond,collinear,grad,lasso,widelasso,cv,sgd,csv,e2e,gd", "comma-separated tasks to run")
	flag.Parse()
	c.tasks = map[string]bool{}
	for _, t := range strings.Split(tasks, ",") {
		c.tasks[strings.TrimSpace(t)] = true
	}
	if err := run(&c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// timing is one tool's measurement of one task.
type timing struct {
	Task, Tool string
	Wall, CPU  []float64 // seconds, one per run
	Epochs     []int     // passes of an iterative fit, one per run
	Note       string
	Err        string
}

func (t timing) wall() float64 { return median(t.Wall) }
func (t timing) cpu() float64  { return median(t.CPU) }

// log prints t's medians and run count on standard error, as each timing
// ends.
func (t timing) log() {
	fmt.Fprintf(os.Stderr, "  %-6s %-32s %8.3f s wall  %8.3f s CPU  (%d runs)\n", t.Task, t.Tool, t.wall(), t.cpu(), len(t.Wall))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f up to c.reps times, stopping early once the runs have
// taken c.budget, after a garbage collection outside the timing.
func (c *config) measure(task, tool string, f func() error) timing {
	return c.repeat(task, tool, func(t *timing) (time.Duration, error) { return timed(t, f) })
}

// timed runs f once after a garbage collection outside the timing, appends
// its wall and process CPU time to t and returns the wall time.
func timed(t *timing, f func() error) (time.Duration, error) {
	runtime.GC()
	c0, t0 := cpuNow(), time.Now()
	if err := f(); err != nil {
		return 0, err
	}
	w := time.Since(t0)
	t.Wall = append(t.Wall, w.Seconds())
	t.CPU = append(t.CPU, (cpuNow() - c0).Seconds())
	return w, nil
}

// repeat calls once up to c.reps times, stopping early once the runs have
// taken c.budget (it returns each run's wall time and appends its figures
// to t), and stops at the first error, which the timing then carries.
func (c *config) repeat(task, tool string, once func(t *timing) (time.Duration, error)) timing {
	t := timing{Task: task, Tool: tool}
	var total time.Duration
	for r := 0; r < c.reps && (r == 0 || total < c.budget); r++ {
		w, err := once(&t)
		if err != nil {
			t.Err = err.Error()
			return t
		}
		total += w
	}
	t.log()
	return t
}

func run(c *config, out io.Writer) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	start := time.Now()
	load0 := loadAvg()
	fmt.Fprintf(os.Stderr, "bench: generating data in %s\n", c.dir)
	x, y := generate(c.n, c.d, c.seed)
	files := peerFiles{bin: c.binPath(c.n, c.d, c.seed)}
	if err := writeBin(files.bin, x, y); err != nil {
		return err
	}
	res, stream := c.inMemory(x, y)
	res = append(res, c.declined(x, y)...)
	x, y = nil, nil // the in-memory problem is no longer needed
	runtime.GC()
	wide, err := c.wideLasso(&files)
	if err != nil {
		return err
	}
	res = append(res, wide...)
	fromCSV, csvBytes, err := c.fromCSV(&files)
	if err != nil {
		return err
	}
	res = append(res, fromCSV...)
	if c.peers {
		for _, p := range availablePeers(c.python, c.install) {
			res = append(res, c.runPeer(p.interp, p.script, files)...)
		}
	}
	load1 := loadAvg()
	report(out, c, res, stream, csvBytes, time.Since(start), load0, load1)
	return nil
}

// peerFiles are the data files the peers read: the in-memory problem, the
// wide problem and the CSV file ("" when no task needs it).
type peerFiles struct{ bin, wide, csv string }

func (c *config) binPath(n, d int, seed uint64) string {
	return filepath.Join(c.dir, fmt.Sprintf("x_%d_%d_%d.bin", n, d, seed))
}

// inMemory times lsq's tasks on the in-memory problem, and the read
// bandwidth.
func (c *config) inMemory(x *mat.Dense, y []float64) ([]timing, streamResult) {
	var res []timing
	var stream streamResult
	if c.tasks["stream"] && !c.tasks["grad"] {
		stream = measureStream(x.RawMatrix().Data, 5)
		fmt.Fprintf(os.Stderr, "  stream read: median %.1f GB/s, best %.1f GB/s, %.1f GB per CPU-second\n", stream.median, stream.best, stream.perCPU)
	}
	ctx := context.Background()
	if c.tasks["ols"] {
		res = append(res, c.measure("ols", "lsq linear.Solve", func() error {
			_, err := linear.Solve(x, y, nil)
			return err
		}))
	}
	if c.tasks["grad"] {
		var t timing
		t, stream = c.gradient(x, y)
		res = append(res, t)
	}
	if c.tasks["lasso"] {
		res = append(res, c.measure("lasso", "lsq enet.Path", func() error {
			_, err := enet.Path(ctx, x, y, 1, nil)
			return err
		}))
	}
	if c.tasks["cv"] {
		res = append(res, c.measure("cv", "lsq enet.CV", func() error {
			_, err := enet.CV(ctx, x, y, &enet.CVSettings{Seed: 1})
			return err
		}))
	}
	if c.tasks["sgd"] {
		res = append(res, c.sgdEpoch(x, y)...)
		p := optim.LeastSquares(x, y, nil, true, nil, nil)
		x0 := make([]float64, c.d+1)
		res = append(res, c.measure("sgd", "lsq optim.SGD (batch 1, blocks of 64)", func() error {
			_, err := optim.Minimize(ctx, p, x0, &optim.Settings{Epochs: 1, BatchSize: 1, LearningRate: 1e-3, Seed: 1, ShuffleBlock: 64}, &optim.SGD{})
			return err
		}))
	}
	return res, stream
}

// sgdEpoch times one epoch of SGD at batch size 1, each run right after a
// pass of the random-access probe over the same rows (probe.Limit: one
// thread reads the rows in a random order, serially, the whole row 8 rows
// ahead prefetched), so that the epoch and the machine's limit on it are
// measured under the same load. It returns the epoch's timing and the
// probe's, the time of a whole pass of n rows.
func (c *config) sgdEpoch(x *mat.Dense, y []float64) []timing {
	ctx := context.Background()
	p := optim.LeastSquares(x, y, nil, true, nil, nil)
	x0 := make([]float64, c.d+1)
	raw := x.RawMatrix().Data
	order := probe.Permutation(c.n, c.seed)
	limit := timing{Task: "sgd", Tool: limitTool}
	epoch := c.repeat("sgd", "lsq optim.SGD (batch 1)", func(t *timing) (time.Duration, error) {
		runtime.LockOSThread()
		w, cpu := probe.Limit(raw, c.d, order)
		runtime.UnlockOSThread()
		limit.Wall = append(limit.Wall, w.Seconds())
		limit.CPU = append(limit.CPU, cpu.Seconds())
		return timed(t, func() error {
			_, err := optim.Minimize(ctx, p, x0, &optim.Settings{Epochs: 1, BatchSize: 1, LearningRate: 1e-3, Seed: 1}, &optim.SGD{})
			return err
		})
	})
	limit.log()
	return []timing{epoch, limit}
}

// limitTool names the random-access probe's timing in the SGD rows.
const limitTool = "random-access limit (probe)"

// gradient times one loss-and-gradient pass, interleaved with the
// read-bandwidth passes (with the stream task) so that each pair runs under
// the same load from the machine's other users.
func (c *config) gradient(x *mat.Dense, y []float64) (timing, streamResult) {
	p := optim.LeastSquares(x, y, nil, true, nil, nil)
	theta := make([]float64, c.d+1)
	for j := range theta {
		theta[j] = 0.01 * float64(j%5)
	}
	g := make([]float64, c.d+1)
	t := timing{Task: "grad", Tool: "lsq optim.LeastSquares"}
	var sw, sc []float64
	for r := 0; r < max(c.reps, 10); r++ {
		if c.tasks["stream"] {
			w, cpu := streamOnce(x.RawMatrix().Data)
			sw, sc = append(sw, w), append(sc, cpu)
		}
		c0, t0 := cpuNow(), time.Now()
		p.LossGrad(g, theta)
		t.Wall = append(t.Wall, time.Since(t0).Seconds())
		t.CPU = append(t.CPU, (cpuNow() - c0).Seconds())
	}
	var stream streamResult
	if len(sw) > 0 {
		stream = streamOf(8*c.n*c.d, sw, sc)
		fmt.Fprintf(os.Stderr, "  stream read: median %.1f GB/s, best %.1f GB/s, %.1f GB per CPU-second\n", stream.median, stream.best, stream.perCPU)
	}
	t.log()
	return t, stream
}

// wideLasso times the lasso path on the wide problem (-wide-n × -wide-d,
// the same generator with seed + 2), whose file the peers read too.
func (c *config) wideLasso(files *peerFiles) ([]timing, error) {
	if !c.tasks["widelasso"] {
		return nil, nil
	}
	x, y := generate(c.wideN, c.wideD, c.seed+2)
	files.wide = c.binPath(c.wideN, c.wideD, c.seed+2)
	if err := writeBin(files.wide, x, y); err != nil {
		return nil, err
	}
	return []timing{c.measure("widelasso", "lsq enet.Path", func() error {
		_, err := enet.Path(context.Background(), x, y, 1, nil)
		return err
	})}, nil
}

// fromCSV times the tasks on the CSV file: loading it, the end-to-end
// fit, and gradient descent through the command line.
func (c *config) fromCSV(files *peerFiles) ([]timing, int64, error) {
	if !c.tasks["csv"] && !c.tasks["e2e"] && !c.tasks["gd"] {
		return nil, 0, nil
	}
	files.csv = filepath.Join(c.dir, fmt.Sprintf("fit_%d_%d_%d.csv", c.csvN, c.csvD, c.seed))
	csvBytes, err := writeCSV(files.csv, c.csvN, c.csvD, c.seed+1)
	if err != nil {
		return nil, 0, err
	}
	var res []timing
	if c.tasks["csv"] {
		res = append(res, c.measure("csv", "lsq data.ReadFile", func() error {
			_, err := data.ReadFile(files.csv, &data.Options{Target: "y"})
			return err
		}))
	}
	if !c.tasks["e2e"] && !c.tasks["gd"] {
		return res, csvBytes, nil
	}
	bin := filepath.Join(c.dir, "lsq")
	build := exec.Command("go", "build", "-o", bin, "./cmd/lsq")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return nil, 0, fmt.Errorf("building lsq: %v", err)
	}
	if c.tasks["e2e"] {
		res = append(res, c.measureCmd("e2e", "lsq fit (binary)", bin, "fit", files.csv, "--target", "y", "--quiet", "--json"))
	}
	if c.tasks["gd"] {
		res = append(res, c.cliGD(bin, files.csv))
	}
	return res, csvBytes, nil
}

// measureCmd times a command (wall and the child's CPU), discarding its
// standard output.
func (c *config) measureCmd(task, tool string, name string, args ...string) timing {
	return c.repeat(task, tool, func(t *timing) (time.Duration, error) {
		cmd := exec.Command(name, args...)
		cmd.Stderr = os.Stderr
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, err
		}
		w := time.Since(t0)
		t.Wall = append(t.Wall, w.Seconds())
		t.CPU = append(t.CPU, (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds())
		return w, nil
	})
}

// runPeer runs a peer script, which prints one JSON object per measurement
// on standard output.
func (c *config) runPeer(interp, script string, files peerFiles) []timing {
	var tasks []string
	for t := range c.tasks {
		tasks = append(tasks, t)
	}
	sort.Strings(tasks)
	cmd := exec.Command(interp, script, "--bin", files.bin, "--wide", files.wide, "--csv", files.csv,
		"--reps", strconv.Itoa(c.reps), "--budget", strconv.FormatFloat(c.budget.Seconds(), 'g', -1, 64),
		"--tasks", strings.Join(tasks, ","))
	cmd.Env = append(os.Environ(), "OPENBLAS_CORETYPE=SkylakeX")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return []timing{{Task: "peer", Tool: script, Err: err.Error()}}
	}
	fmt.Fprintf(os.Stderr, "bench: %s %s\n", interp, script)
	if err := cmd.Start(); err != nil {
		return []timing{{Task: "peer", Tool: script, Err: err.Error()}}
	}
	var out []timing
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var t struct {
			Task, Tool string
			Wall, CPU  []float64
			Note, Err  string
		}
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			fmt.Fprintf(os.Stderr, "  %s: %s\n", script, sc.Text())
			continue
		}
		tm := timing{Task: t.Task, Tool: t.Tool, Wall: t.Wall, CPU: t.CPU, Note: t.Note, Err: t.Err}
		if tm.Err == "" {
			tm.log()
		} else {
			fmt.Fprintf(os.Stderr, "  %-6s %-32s error: %s\n", tm.Task, tm.Tool, tm.Err)
		}
		out = append(out, tm)
	}
	if err := cmd.Wait(); err != nil {
		out = append(out, timing{Task: "peer", Tool: script, Err: err.Error()})
	}
	return out
}

// A peer is a library the peer scripts need, how to tell whether it is
// there, and the Debian packages that provide it.
type peer struct {
	name           string
	interp, script string
	check          []string // a command that succeeds when the peer is installed
	pkgs           []string
}

func peerList(python string) []peer {
	return []peer{
		{"scikit-learn and pandas", python, "bench/peers/speed.py", []string{python, "-c", "import numpy, sklearn, pandas"}, []string{"python3-sklearn", "python3-pandas"}},
		{"R with glmnet", "Rscript", "bench/peers/speed.R", []string{"Rscript", "-e", "library(glmnet)"}, []string{"r-base-core", "r-cran-glmnet"}},
	}
}

// missingPeers returns the peers whose check fails.
func missingPeers(python string) []peer {
	var miss []peer
	for _, p := range peerList(python) {
		if exec.Command(p.check[0], p.check[1:]...).Run() != nil {
			miss = append(miss, p)
		}
	}
	return miss
}

// availablePeers says which peers are missing and, with install, installs
// their Debian packages; without it nothing is installed. It returns the
// peers that are there: the rows of the others are left out of the table.
func availablePeers(python string, install bool) []peer {
	miss := missingPeers(python)
	if len(miss) == 0 {
		return peerList(python)
	}
	var names, pkgs []string
	for _, p := range miss {
		names = append(names, fmt.Sprintf("%s (%s)", p.name, p.script))
		pkgs = append(pkgs, p.pkgs...)
	}
	fmt.Fprintf(os.Stderr, "bench: missing peers: %s\n", strings.Join(names, "; "))
	if install {
		installPeers(pkgs)
		miss = missingPeers(python)
	} else {
		fmt.Fprintf(os.Stderr, "bench: their rows are left out; install them with 'apt-get install -y %s', or run with -install\n", strings.Join(pkgs, " "))
	}
	var have []peer
	for _, p := range peerList(python) {
		if !slices.ContainsFunc(miss, func(m peer) bool { return m.script == p.script }) {
			have = append(have, p)
		}
	}
	return have
}

// installPeers runs apt-get install for pkgs, and apt-get update first if
// that fails.
func installPeers(pkgs []string) {
	fmt.Fprintf(os.Stderr, "bench: apt-get install -y %s\n", strings.Join(pkgs, " "))
	inst := func() error {
		cmd := exec.Command("apt-get", append([]string{"install", "-y"}, pkgs...)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		return cmd.Run()
	}
	if inst() != nil {
		exec.Command("apt-get", "update").Run()
		if err := inst(); err != nil {
			fmt.Fprintf(os.Stderr, "bench: installing peers failed: %v (their rows will be missing)\n", err)
		}
	}
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// generate returns the benchmark problem: rows x_i with AR(1) columns,
// x_i0 = e_i0, x_ij = 0.5·x_i,j−1 + √0.75·e_ij (unit variance, correlation
// 0.5^|j−k|), and y_i = Σ_j β_j x_ij + N(0, 1) with β_j = 1/(j+1) for even
// j and 0 for odd j: the design of package enet's path benchmark. Blocks
// of 4096 rows are drawn from PCG streams (seed, block), in parallel.
func generate(n, d int, seed uint64) (*mat.Dense, []float64) {
	x := kernel.Floats(n * d) // huge pages, as numpy gives the peers' arrays
	y := make([]float64, n)
	const blk = 4096
	nb := (n + blk - 1) / blk
	var wg sync.WaitGroup
	next := make(chan int, nb)
	for b := 0; b < nb; b++ {
		next <- b
	}
	close(next)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := math.Sqrt(0.75)
			for b := range next {
				rng := rand.New(rand.NewPCG(seed, uint64(b)))
				for i := b * blk; i < min(n, (b+1)*blk); i++ {
					row := x[i*d : (i+1)*d]
					prev, s := 0.0, 0.0
					for j := range row {
						v := rng.NormFloat64()
						if j > 0 {
							v = 0.5*prev + c*v
						}
						row[j], prev = v, v
						if j%2 == 0 {
							s += v / float64(j+1)
						}
					}
					y[i] = s + rng.NormFloat64()
				}
			}
		}()
	}
	wg.Wait()
	if d == 0 {
		return mat.NewDense(n, 1, nil), y
	}
	return mat.NewDense(n, d, x), y
}

// writeBin writes int64 n, int64 d, then n rows of d+1 little-endian
// float64 (x then y), the format of bench/peers/lasso_path_bench.py. An
// existing file of the right size is kept.
func writeBin(path string, x *mat.Dense, y []float64) error {
	n, d := x.Dims()
	size := int64(16 + 8*n*(d+1))
	if st, err := os.Stat(path); err == nil && st.Size() == size {
		return nil
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	binary.Write(w, binary.LittleEndian, [2]int64{int64(n), int64(d)})
	raw := x.RawMatrix()
	var buf [8]byte
	for i := 0; i < n; i++ {
		for _, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			w.Write(buf[:])
		}
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(y[i]))
		w.Write(buf[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// writeCSV writes the CSV problem (the same generator) with a header
// x1,…,xd,y and 8 significant digits per value, unless a complete file
// is already there; it returns the file's size.
func writeCSV(path string, n, d int, seed uint64) (int64, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		if _, err := os.Stat(path + ".ok"); err == nil {
			return st.Size(), nil
		}
	}
	fmt.Fprintf(os.Stderr, "bench: writing %s\n", path)
	x, y := generate(n, d, seed)
	raw := x.RawMatrix()
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for j := 0; j < d; j++ {
		fmt.Fprintf(w, "x%d,", j+1)
	}
	w.WriteString("y\n")
	const blk = 16384
	nb := (n + blk - 1) / blk
	bufs := make([][]byte, nb)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for b := 0; b < nb; b++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(b int) {
			defer wg.Done()
			defer func() { <-sem }()
			var buf []byte
			for i := b * blk; i < min(n, (b+1)*blk); i++ {
				for _, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
					buf = strconv.AppendFloat(buf, v, 'g', 8, 64)
					buf = append(buf, ',')
				}
				buf = strconv.AppendFloat(buf, y[i], 'g', 8, 64)
				buf = append(buf, '\n')
			}
			bufs[b] = buf
		}(b)
	}
	wg.Wait()
	for _, b := range bufs {
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	if err := os.WriteFile(path+".ok", nil, 0o644); err != nil {
		return 0, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// defaultPython is the system interpreter, where Debian's python3-sklearn
// installs, when there is one.
func defaultPython() string {
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return "python3"
}

// cliGD times gradient descent through the command line on the CSV file,
// 100 epochs with no tolerance, and keeps the fit's own time (timings.fit_s
// of --json, which leaves out loading) as the measurement, with the epochs
// it ran in the note: the harness turns them into read bandwidth.
func (c *config) cliGD(bin, csv string) timing {
	return c.repeat("gd", "lsq fit --solver gd", func(t *timing) (time.Duration, error) {
		t0 := time.Now()
		cmd := exec.Command(bin, "fit", csv, "--target", "y", "--solver", "gd", "--epochs", "100", "--tol", "0", "--quiet", "--json")
		cmd.Stderr = os.Stderr
		b, err := cmd.Output() // exit 3 (the epoch limit, no tolerance) still prints the fit
		w := time.Since(t0)
		if err != nil && len(b) == 0 {
			return 0, err
		}
		var out struct {
			Iterations int
			Timings    struct {
				FitS float64 `json:"fit_s"`
			}
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return 0, err
		}
		t.Wall = append(t.Wall, out.Timings.FitS)
		t.CPU = append(t.CPU, math.NaN())
		t.Epochs = append(t.Epochs, out.Iterations)
		return w, nil
	})
}
