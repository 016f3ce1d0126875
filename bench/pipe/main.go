// Command pipe streams generated rows into `lsq fit - --stream` through a
// pipe, so that a fit of any number of rows needs no data file, and reports
// the rows per second, lsq's peak resident memory and the answer against the
// generator's coefficients.
//
//	go run ./bench/pipe -n 1e6,1e7 -d 20
//
// The rows: d features x_j = k/10⁴ with k uniform on [-2·10⁴, 2·10⁴]
// (uniform on [-2, 2], variance 4/3, written exactly with four decimals),
// y = β₀ + Σ β_j x_j + ε with β₀ = 1, β_j = (-1)^j·j/d and ε ~ N(0, σ²),
// σ = 0.5, from a PCG stream with a fixed seed. The least-squares estimate
// of β_j then has standard error σ/√(n·4/3); the answer is checked against
// the true β with the standard errors lsq itself reports (each coefficient
// within 6 of them: a false alarm about once in 10⁹ per coefficient). The
// peak resident set size (getrusage's ru_maxrss of the lsq process) is the
// measure of memory: a streamed fit must hold it flat as n grows, and with
// several counts (-n 1e6,1e7) the run fails if it does not.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ns := flag.String("n", "1e6,1e7", "rows to generate: one count, or several separated by commas (each run in turn, then their peak memory compared)")
	d := flag.Int("d", 20, "features")
	seed := flag.Uint64("seed", 20261203, "seed of the generator")
	bin := flag.String("lsq", "", "lsq binary (default: build ./cmd/lsq into a temporary directory)")
	flag.Parse()
	if err := runAll(*ns, *d, *seed, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "pipe:", err)
		os.Exit(1)
	}
}

// rssGrowth is the largest ratio of peak RSS between the largest and the
// smallest n that counts as flat: what lsq holds besides its O(d²)
// accumulators (read buffers, the Go runtime, garbage between collections)
// moves by a few MB from run to run, while memory that grew with n (even 8
// bytes a row) would add 80 MB at 10⁷ rows to the 65 MB measured at 10⁶.
// Compare counts whose CSV fills the reader's buffers (4 MiB blocks, one
// per core, and the one read ahead): from about 10⁶ rows; below that the
// peak RSS still rises with the buffers (23 MB at 10⁴ rows, 52 MB at 10⁵).
const rssGrowth = 1.5

func runAll(ns string, d int, seed uint64, bin string) error {
	if bin == "" {
		dir, err := os.MkdirTemp("", "lsq-pipe-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "lsq")
		build := exec.Command("go", "build", "-o", bin, "./cmd/lsq")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building lsq (run from the repository root): %v", err)
		}
	}
	var rss []float64
	var counts []int64
	for _, f := range strings.Split(ns, ",") {
		n, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || n < 1 {
			return fmt.Errorf("-n %q: want row counts such as 1e6,1e7", ns)
		}
		mb, err := run(int64(n), d, seed, bin)
		if err != nil {
			return err
		}
		rss, counts = append(rss, mb), append(counts, int64(n))
	}
	if len(rss) > 1 {
		lo, hi := rss[0], rss[len(rss)-1]
		fmt.Printf("peak RSS %.1f MB at n = %d, %.1f MB at n = %d: ratio %.2f\n", lo, counts[0], hi, counts[len(counts)-1], hi/lo)
		if hi > rssGrowth*lo {
			return fmt.Errorf("peak memory grew with n (more than %.1f×)", rssGrowth)
		}
	}
	return nil
}

const sigma = 0.5

// beta returns the true coefficients: beta[0] is the intercept.
func beta(d int) []float64 {
	b := make([]float64, d+1)
	b[0] = 1
	for j := 1; j <= d; j++ {
		b[j] = float64(j) / float64(d)
		if j%2 == 1 {
			b[j] = -b[j]
		}
	}
	return b
}

type fitJSON struct {
	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
	StdErr    []float64 `json:"stderr"`
	N         int64     `json:"n"`
	Status    string    `json:"status"`
}

// run streams n rows into lsq and returns its peak RSS in MB.
func run(n int64, d int, seed uint64, bin string) (float64, error) {
	cmd := exec.Command(bin, "fit", "-", "--stream", "--target", "y", "--json", "--quiet")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	var self0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self0)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	genErr := make(chan error, 1)
	var bytes int64
	go func() {
		cw := &countWriter{w: in}
		err := generate(cw, n, d, seed)
		bytes = cw.n
		if cerr := in.Close(); err == nil {
			err = cerr
		}
		genErr <- err
	}()
	var res fitJSON
	derr := json.NewDecoder(out).Decode(&res)
	io.Copy(io.Discard, out)
	werr := cmd.Wait()
	wall := time.Since(t0)
	if err := <-genErr; err != nil {
		return 0, fmt.Errorf("generating rows: %v", err)
	}
	if werr != nil {
		return 0, fmt.Errorf("lsq: %v", werr)
	}
	if derr != nil {
		return 0, fmt.Errorf("reading lsq's JSON: %v", derr)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	fmt.Printf("rows %d, features %d, %.2f GB of CSV through the pipe\n", n, d, float64(bytes)/1e9)
	var self syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	gen := time.Duration(self.Utime.Nano() + self.Stime.Nano() - self0.Utime.Nano() - self0.Stime.Nano())
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("wall %.1f s, %.0f rows/s, %.0f MB/s; CPU: lsq %.1f s (%.0f rows per CPU-second), generator %.1f s; lsq peak RSS %.1f MB; load average %s",
		wall.Seconds(), float64(n)/wall.Seconds(), float64(bytes)/1e6/wall.Seconds(), cpu.Seconds(), float64(n)/cpu.Seconds(), gen.Seconds(), float64(ru.Maxrss)/1024, load)
	return float64(ru.Maxrss) / 1024, check(res, n, d)
}

// check compares the fit with the generator's coefficients.
func check(res fitJSON, n int64, d int) error {
	b := beta(d)
	if res.N != n || len(res.Coef) != d || len(res.StdErr) != d {
		return fmt.Errorf("lsq fitted n = %d rows and %d coefficients (%d standard errors); want %d and %d", res.N, len(res.Coef), len(res.StdErr), n, d)
	}
	theory := sigma / math.Sqrt(float64(n)*4/3)
	worst := 0.0
	for j, c := range res.Coef {
		z := (c - b[j+1]) / res.StdErr[j]
		worst = math.Max(worst, math.Abs(z))
		// The reported standard error estimates σ/√(n·var x) = theory;
		// 10% covers the sampling error of σ̂ and var x down to n ≈ 10³.
		if r := res.StdErr[j] / theory; r < 0.9 || r > 1.1 {
			return fmt.Errorf("standard error of x%d is %g, theory %g", j+1, res.StdErr[j], theory)
		}
	}
	fmt.Printf("status %s; coefficients within %.2f standard errors of the truth (se ≈ %.3g); intercept %.6f (true 1)\n", res.Status, worst, theory, res.Intercept)
	if worst > 6 || math.Abs(res.Intercept-1) > 6*sigma/math.Sqrt(float64(n)) {
		return fmt.Errorf("the fit is off the generator's coefficients: worst |z| = %.2f, intercept %g", worst, res.Intercept)
	}
	return nil
}

// generate writes the header and n rows of CSV.
func generate(w io.Writer, n int64, d int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	b := beta(d)
	var line []byte
	for j := 1; j <= d; j++ {
		line = append(line, 'x')
		line = strconv.AppendInt(line, int64(j), 10)
		line = append(line, ',')
	}
	line = append(line, "y\n"...)
	if _, err := bw.Write(line); err != nil {
		return err
	}
	for i := int64(0); i < n; i++ {
		line = line[:0]
		y := b[0]
		for j := 1; j <= d; j++ {
			k := rng.Int64N(40001) - 20000
			y += b[j] * (float64(k) / 1e4)
			line = appendFixed4(line, k)
			line = append(line, ',')
		}
		y += sigma * rng.NormFloat64()
		line = strconv.AppendFloat(line, y, 'g', -1, 64)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendFixed4 appends k/10⁴ with four decimals (k = -12345 → -1.2345).
func appendFixed4(b []byte, k int64) []byte {
	if k < 0 {
		b = append(b, '-')
		k = -k
	}
	b = strconv.AppendInt(b, k/10000, 10)
	f := k % 10000
	return append(b, '.', byte('0'+f/1000), byte('0'+f/100%10), byte('0'+f/10%10), byte('0'+f%10))
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	k, err := c.w.Write(p)
	c.n += int64(k)
	return k, err
}
