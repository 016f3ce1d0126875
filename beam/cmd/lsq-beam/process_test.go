package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
)

// These tests run the lsq-beam binary, built once by the test, as a user
// would: prism in a process of its own, and with --environment_type=PROCESS
// the pipeline's functions, coders and accumulators in worker processes that
// prism starts, as a cluster runner does.

var built struct {
	once      sync.Once
	dir, path string
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// lsqBeam builds the lsq-beam command the first time it is called and
// returns its path. From the build cache it is a link: a few seconds without
// the symbol table and DWARF (-s -w).
func lsqBeam(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			built.err = err
			return
		}
		if built.dir, built.err = os.MkdirTemp("", "lsq-beam-bin-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "lsq-beam")
		out, err := exec.Command(goCmd, "build", "-ldflags=-s -w", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// proc is a running lsq-beam in a process group of its own, so that it and
// every process it starts can be killed together.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
}

func start(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(lsqBeam(t), args...), done: make(chan struct{})}
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A run killed by the test cannot remove its temporary files.
	p.cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	return p
}

// wait returns the exit code; a run that takes a minute has hung.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		t.Fatalf("lsq-beam still running after a minute\nstderr:\n%s", p.stderr.String())
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

// skipIfNoNamespace skips a test whose run failed only because this machine
// cannot make a network namespace for this user.
func skipIfNoNamespace(t *testing.T, p *proc) {
	t.Helper()
	if msg := p.stderr.String(); strings.Contains(msg, "cannot create a private network namespace") {
		t.Skipf("this machine cannot give lsq-beam a private network namespace: %s", strings.TrimSpace(msg))
	}
}

// problem is a weighted regression with rows split into CSV files.
type problem struct {
	x    *mat.Dense
	y, w []float64
	glob string
}

// writeProblem writes n rows of d features, y and weights, split at cuts,
// to dir/part-K.csv; values are printed in the shortest form that reads
// back as the same float64, so the files hold exactly the in-memory rows.
func writeProblem(t *testing.T, dir string, n, d int, cuts []int) problem {
	t.Helper()
	rng := rand.New(rand.NewPCG(20, 1))
	p := problem{x: mat.NewDense(n, d, nil), y: make([]float64, n), w: make([]float64, n), glob: filepath.Join(dir, "part-*.csv")}
	var header []string
	for j := range d {
		header = append(header, fmt.Sprintf("x%d", j+1))
	}
	header = append(header, "y", "w")
	for k := 0; k+1 < len(cuts); k++ {
		var b strings.Builder
		b.WriteString(strings.Join(header, ",") + "\n")
		for i := cuts[k]; i < cuts[k+1]; i++ {
			p.y[i] = 1.5
			for j := range d {
				v := float64(j+1)*rng.NormFloat64() + float64(j)
				p.x.Set(i, j, v)
				p.y[i] += float64(j+1) * 0.5 * v
				b.WriteString(strconv.FormatFloat(v, 'g', -1, 64) + ",")
			}
			p.y[i] += rng.NormFloat64()
			p.w[i] = 0.5 + rng.Float64()
			b.WriteString(strconv.FormatFloat(p.y[i], 'g', -1, 64) + "," + strconv.FormatFloat(p.w[i], 'g', -1, 64) + "\n")
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%d.csv", k)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// weightedCond is the 2-norm condition number of √w·[1 X].
func weightedCond(p problem) float64 {
	n, d := p.x.Dims()
	a := mat.NewDense(n, d+1, nil)
	for i := range n {
		s := math.Sqrt(p.w[i])
		a.Set(i, 0, s)
		for j := range d {
			a.Set(i, j+1, s*p.x.At(i, j))
		}
	}
	return mat.Cond(a, 2)
}

// pipeFile replaces the file at path by a named pipe and returns its former
// content. Reading the input then blocks the run in the middle, inside the
// fold of that file, until the test writes the content (openPipe).
func pipeFile(t *testing.T, path string) []byte {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	t.Cleanup(func() { // unblock openPipe if no process ever opened the pipe
		if f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	return content
}

// openPipe opens the write end of the named pipe at path, which returns once
// the run has opened it to read.
func openPipe(t *testing.T, path string, p *proc) *os.File {
	t.Helper()
	opened := make(chan *os.File, 1)
	go func() {
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			opened <- f
		}
	}()
	select {
	case f := <-opened:
		return f
	case <-p.done:
		skipIfNoNamespace(t, p)
		t.Fatalf("lsq-beam exited before reading %s\nstderr:\n%s", path, p.stderr.String())
	case <-time.After(time.Minute):
		t.Fatalf("no process opened %s within a minute\nstderr:\n%s", path, p.stderr.String())
	}
	return nil
}

// readers returns the processes of the run rooted at root (root excluded)
// that have path open.
func readers(root int, path string) []int {
	var out []int
	for _, pid := range descendants(root) {
		if slices.Contains(openFiles(pid), path) {
			out = append(out, pid)
		}
	}
	return out
}

// observed is what a watch saw of a run's processes.
type observed struct {
	mu       sync.Mutex
	samples  int
	workers  map[int]string      // worker pid → command line
	exposed  map[string]listener // inode → run's listener on a non-loopback address of this machine's network
	run      map[string]netSeen  // inode → run's listener, in the namespace it is in
	readErrs []string
}

type netSeen struct {
	L      listener
	NS     string
	Ifaces []string
}

// watch samples, until done is closed, the processes of the run rooted at
// pid: which are workers (started with --provision_endpoint), and which TCP
// sockets they listen on, both in this machine's network namespace
// (/proc/net/tcp and tcp6, what other hosts could reach) and in the
// namespace each listener is in (/proc/PID/net/tcp). Sockets are matched to
// the run by inode, so other programs' listeners on this machine are not
// counted.
func watch(pid int, done <-chan struct{}) *observed {
	o := &observed{workers: map[int]string{}, exposed: map[string]listener{}, run: map[string]netSeen{}}
	go func() {
		for {
			o.sample(pid)
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return o
}

// waitSamples returns after n more samples.
func (o *observed) waitSamples(n int) {
	o.mu.Lock()
	target := o.samples + n
	o.mu.Unlock()
	for {
		o.mu.Lock()
		k := o.samples
		o.mu.Unlock()
		if k >= target {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (o *observed) sample(root int) {
	pids := append([]int{root}, descendants(root)...)
	inodes := map[string]bool{}
	byNS := map[string]int{}
	for _, p := range pids {
		for in := range socketInodes(p) {
			inodes[in] = true
		}
		if ns := netns(strconv.Itoa(p)); ns != "" {
			byNS[ns] = p
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.samples++
	for _, p := range pids {
		if cl := cmdline(p); strings.Contains(cl, "--provision_endpoint=") {
			o.workers[p] = cl
		}
	}
	host, err := listeners("self")
	if err != nil {
		o.readErrs = append(o.readErrs, err.Error())
	}
	for _, l := range host {
		if inodes[l.Inode] && !l.IP.IsLoopback() {
			o.exposed[l.Inode] = l
		}
	}
	for ns, p := range byNS {
		ifaces := interfaces(strconv.Itoa(p))
		ls, err := listeners(strconv.Itoa(p))
		if err != nil || ifaces == nil || netns(strconv.Itoa(p)) != ns {
			continue // the process has just exited
		}
		for _, l := range ls {
			if inodes[l.Inode] {
				o.run[l.Inode] = netSeen{L: l, NS: ns, Ifaces: ifaces}
			}
		}
	}
}

// The exact fit with prism running each worker as a separate lsq-beam
// process (PROCESS environment) equals the in-memory fit.Matrix of the same
// rows to 1e-10 relative, and an input file was read by a worker process,
// not by lsq-beam's.
//
// Tolerance: both are backward-stable QR solves, each within about
// κ·u·(a small multiple of n) of the exact solution, u = 2⁻⁵³; the test
// checks that κ, the condition number of the weighted design √w·[1 X], is
// below 1e3, which puts both within ≈ 1e-11 for n = 4000, and 1e-10 is the
// bound the in-process pipeline tests use for the different order of the
// merged per-file factors.
func TestProcessWorkersMatchInMemory(t *testing.T) {
	dir := t.TempDir()
	pr := writeProblem(t, dir, 4000, 3, []int{0, 700, 1900, 3100, 4000})
	if k := weightedCond(pr); k > 1e3 {
		t.Fatalf("design condition number %.3g; the 1e-10 tolerance assumes < 1e3", k)
	}
	fifo := filepath.Join(dir, "part-3.csv")
	content := pipeFile(t, fifo)
	out := filepath.Join(dir, "model.json")
	p := start(t, "--input", pr.glob, "--target", "y", "--weights", "w", "--output", out, "--environment_type=PROCESS")
	o := watch(p.cmd.Process.Pid, p.done)
	// Hold the run in the fold of the last file and see which process reads it.
	w := openPipe(t, fifo, p)
	o.waitSamples(1)
	reader := readers(p.cmd.Process.Pid, fifo)
	if _, err := w.Write(content); err != nil {
		t.Fatal(err)
	}
	w.Close()
	code := p.wait(t)
	skipIfNoNamespace(t, p)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, p.stderr.String())
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.workers) == 0 {
		t.Fatalf("no worker process seen in %d samples of the run's processes", o.samples)
	}
	for pid, cl := range o.workers {
		if pid == p.cmd.Process.Pid || !strings.HasPrefix(cl, lsqBeam(t)+" --id=") {
			t.Errorf("worker %d: %q, want a separate %s --id=... process", pid, cl, lsqBeam(t))
		}
	}
	if len(reader) != 1 || o.workers[reader[0]] == "" {
		t.Errorf("processes reading the input %v, want one worker of %v", reader, o.workers)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := modelio.Decode(b, out)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := fit.Matrix(context.Background(), pr.x, pr.y, &fit.Settings{Weights: pr.w})
	if err != nil {
		t.Fatal(err)
	}
	got := append([]float64{m.Intercept}, m.Coef...)
	want := append([]float64{ref.Intercept}, ref.Coef...)
	var e, s float64
	for i := range got {
		e = math.Max(e, math.Abs(got[i]-want[i]))
		s = math.Max(s, math.Abs(want[i]))
	}
	if e/s > 1e-10 {
		t.Errorf("worker processes %v\nfit.Matrix %v\nrel %.3g", got, want, e/s)
	}
	t.Logf("%d worker process(es); coefficients %.17g\nfit.Matrix %.17g; max relative difference %.3g", len(o.workers), got, want, e/s)
}

// Gradient descent, a pipeline run per step whose DoFn carries the current
// parameters, gives the same fit with its workers in separate processes as
// in lsq-beam's own process: the same status, number of steps, losses and
// coefficients, to the bit, since the combine folds the files' sums in the
// order of their paths whatever order prism merges them in. It must
// succeed (exit 0, status gap-tolerance).
func TestProcessWorkersGradientDescent(t *testing.T) {
	dir := t.TempDir()
	pr := writeProblem(t, dir, 3000, 3, []int{0, 1000, 2000, 3000})
	var models []*modelio.Model
	for _, env := range []string{"default", "PROCESS"} {
		out := filepath.Join(dir, env+".json")
		args := []string{"--solver", "gd", "--input", pr.glob, "--target", "y", "--weights", "w", "--output", out}
		if env != "default" {
			args = append(args, "--environment_type="+env)
		}
		p := start(t, args...)
		code := p.wait(t)
		skipIfNoNamespace(t, p)
		if code != 0 || !strings.Contains(p.stdout.String(), "status gap-tolerance") {
			t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", env, code, p.stdout.String(), p.stderr.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		m, err := modelio.Decode(b, out)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
	}
	a, b := models[0], models[1]
	// The same bits: the files' sums are folded in the order of their
	// paths whatever order the runner merges them in (pipeline/acc.go).
	for _, k := range []string{"status", "epochs", "pipeline_runs", "loss", "grad_norm", "exact_loss", "loss_gap"} {
		if fmt.Sprint(a.Training[k]) != fmt.Sprint(b.Training[k]) {
			t.Errorf("%s: %v in lsq-beam's process, %v in separate processes", k, a.Training[k], b.Training[k])
		}
	}
	got := append([]float64{b.Intercept}, b.Coef...)
	want := append([]float64{a.Intercept}, a.Coef...)
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Errorf("separate processes %v\nlsq-beam's process %v: not the same bits", got, want)
			break
		}
	}
}

// No server of a local run (prism's job server and Fn API, the loopback
// worker pool) listens on an address of this machine's network other than
// the loopback, with the workers in lsq-beam's process (the default) and in
// separate processes. A listener of the run on every interface (":port")
// is allowed only inside a network namespace other than this test's whose
// only interface is the loopback, which is lsq-beam's default. The run is
// observed while it is held in the middle, reading an input that is a named
// pipe, so every server it starts is up.
func TestLocalRunListensOnLoopbackOnly(t *testing.T) {
	for _, env := range []string{"default", "PROCESS"} {
		t.Run(env, func(t *testing.T) {
			dir := t.TempDir()
			pr := writeProblem(t, dir, 2000, 2, []int{0, 1000, 2000})
			fifo := filepath.Join(dir, "part-1.csv")
			content := pipeFile(t, fifo)
			args := []string{"--input", pr.glob, "--target", "y", "--output", filepath.Join(dir, "model.json")}
			if env != "default" {
				args = append(args, "--environment_type="+env)
			}
			p := start(t, args...)
			o := watch(p.cmd.Process.Pid, p.done)
			// The run is now blocked reading the pipe: every server it
			// starts is up. Sample it three more times, then let it finish.
			w := openPipe(t, fifo, p)
			o.waitSamples(3)
			if _, err := w.Write(content); err != nil {
				t.Fatal(err)
			}
			w.Close()
			code := p.wait(t)
			skipIfNoNamespace(t, p)
			if code != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", code, p.stderr.String())
			}
			o.mu.Lock()
			defer o.mu.Unlock()
			if len(o.readErrs) > 0 {
				t.Fatalf("reading /proc: %v", o.readErrs[0])
			}
			for _, l := range o.exposed {
				t.Errorf("the run listens on %v in this machine's network: reachable from other hosts", l)
			}
			if len(o.run) == 0 {
				t.Fatalf("saw no listening socket of the run in %d samples: prism's job server was not observed", o.samples)
			}
			self := netns("self")
			for _, s := range o.run {
				t.Logf("listener %v in %s, interfaces %v", s.L, s.NS, s.Ifaces)
				if s.L.IP.IsLoopback() {
					continue
				}
				if s.NS == self || !slices.Equal(s.Ifaces, []string{"lo"}) {
					t.Errorf("listener %v in namespace %s (this test's: %s) with interfaces %v: want a namespace with only lo", s.L, s.NS, self, s.Ifaces)
				}
			}
		})
	}
}

// A worker process killed with SIGKILL in the middle of reading its input
// fails the run (prism does not retry bundles): exit 1 with prism's "SDK
// worker disconnected" error, or, when prism misses the disconnection,
// lsq-beam's watchdog error naming the worker (watchdog.go); the previous
// model file untouched and no temporary file left next to it. The worker is caught mid-read by making
// one input file a named pipe: the test holds its write end, having written
// half the file, so the worker is inside the fold of that file, with the
// pipe open, when it is killed.
func TestWorkerKilledMidRun(t *testing.T) {
	dir := t.TempDir()
	writeProblem(t, dir, 1000, 2, []int{0, 500, 1000})
	fifo := filepath.Join(dir, "part-1.csv")
	content := pipeFile(t, fifo)
	out := filepath.Join(dir, "model.json")
	previous := []byte("the previous model file\n")
	if err := os.WriteFile(out, previous, 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, "--input", filepath.Join(dir, "part-*.csv"), "--target", "y", "--weights", "w", "--output", out, "--environment_type=PROCESS")
	w := openPipe(t, fifo, p)
	defer w.Close()
	if _, err := w.Write(content[:len(content)/2]); err != nil {
		t.Fatal(err)
	}
	worker := 0
	for _, pid := range readers(p.cmd.Process.Pid, fifo) {
		if strings.Contains(cmdline(pid), "--provision_endpoint=") {
			worker = pid
		}
	}
	if worker == 0 {
		t.Fatalf("no worker process has the pipe open\nstderr:\n%s", p.stderr.String())
	}
	if err := syscall.Kill(worker, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	w.Close()

	code := p.wait(t)
	msg := p.stderr.String()
	if code != 1 || !(strings.Contains(msg, "SDK worker disconnected") || strings.Contains(msg, fmt.Sprintf("worker process %d exited during the run", worker))) {
		t.Errorf("exit %d, want 1 with prism's \"SDK worker disconnected\" or lsq-beam's \"worker process %d exited during the run\"\nstderr:\n%s", code, worker, msg)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, previous) {
		t.Errorf("model file after the failed run: %q, %v; want the previous content", got, err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{"model.json", "part-0.csv", "part-1.csv"}; !slices.Equal(names, want) {
		t.Errorf("files after the failed run: %v, want %v", names, want)
	}
}

// /proc/net/tcp and tcp6 lines as Linux prints them on a little-endian
// machine (proc(5)): only LISTEN (0A) sockets are kept, and the addresses
// decode to 0.0.0.0:2024, 127.0.0.1:8099, [::]:36809 and [::1]:50000.
func TestParseListeners(t *testing.T) {
	tcp := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1046 1 00000000efb74838 100 0 0 10 0
   1: 0100007F:1FA3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1FA3 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 20 4 30 10 -1
`
	tcp6 := `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:8FC9 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 193090 2 0000000057460f2a 100 0 0 10 0
   1: 00000000000000000000000001000000:C350 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 193091 2 0000000057460f2a 100 0 0 10 0
`
	if !littleEndian() {
		t.Skip("the sample lines are those of a little-endian machine")
	}
	var got []string
	for _, text := range []string{tcp, tcp6} {
		ls, err := parseListeners(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			got = append(got, fmt.Sprintf("%v loopback=%t", l, l.IP.IsLoopback()))
		}
	}
	want := []string{
		"0.0.0.0:2024 (socket inode 1046) loopback=false",
		"127.0.0.1:8099 (socket inode 2001) loopback=true",
		"[::]:36809 (socket inode 193090) loopback=false",
		"[::1]:50000 (socket inode 193091) loopback=true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := parseListeners("header\n 0: 0100007:1FA3 x 0A a b c d e 1 f\n"); err == nil {
		t.Error("a 7-digit address was accepted")
	}
}
