// Command access measures how fast one goroutine reads the rows of a large
// matrix in a random order: the bound on an epoch of stochastic gradient
// descent with batch size 1, which reads each row once, in the order of a
// fresh permutation, and cannot start a step before the last one ended.
//
//	go run ./bench/access -n 1000000 -d 100
//
// It fills an n×d row-major matrix of float64 (800 MB at the default size,
// 800-byte rows), draws a permutation of the rows as optim.Minimize does
// (identity, then a Fisher–Yates shuffle from a PCG generator), and times
// one pass that reads and sums every row (AVX2, four accumulators) in
//
//   - storage order (sequential; the hardware prefetcher sees the stream);
//   - permuted order with no prefetch (each row a cache and TLB miss);
//   - permuted order with software prefetch (PREFETCHT0, T1 or NTA) of the
//     row `ahead` steps later: every cache line of it, or its first lines;
//   - blocked orders: blocks of B consecutive rows visited in a random
//     order, the rows of a block in storage order
//     (optim.Settings.ShuffleBlock).
//
// and then the same orders "serial": each row's loads wait for the sum of the
// row before, as an SGD step waits for the parameters of the step before,
// so that only the prefetches run ahead. -only picks configurations by name.
//
// Each configuration runs -runs times, the configurations taking turns; the
// table gives the median and the best wall time per row, the median CPU
// time of the thread per row (Linux; wall time elsewhere), which time spent
// waiting for a core on a loaded machine does not inflate, and the
// bandwidths, 8·d bytes a row over the median wall and CPU times.
// With -huge the matrix is advised into transparent huge pages.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"slices"
	"time"

	"github.com/lsqgo/lsq/bench/internal/probe"
	"github.com/lsqgo/lsq/internal/kernel"
)

func main() {
	n := flag.Int("n", 1000000, "rows")
	d := flag.Int("d", 100, "columns (8·d bytes a row)")
	runs := flag.Int("runs", 5, "passes per configuration (the median is reported)")
	huge := flag.Bool("huge", false, "advise the matrix into transparent huge pages")
	seed := flag.Uint64("seed", 1, "seed of the permutation")
	only := flag.String("only", "", "run only the configurations whose name matches this regular expression")
	flag.Parse()

	keep, err := regexp.Compile(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "access: -only:", err)
		os.Exit(2)
	}
	x := make([]float64, *n**d)
	if *huge {
		if runtime.GOOS != "linux" {
			fmt.Fprintln(os.Stderr, "access: -huge needs Linux")
			os.Exit(1)
		}
		if err := kernel.AdviseHuge(x); err != nil {
			fmt.Fprintln(os.Stderr, "access:", err)
			os.Exit(1)
		}
	}
	for i := range x {
		x[i] = float64(i%7) - 3
	}
	cs := configs(*n, *d, *seed, keep)
	fmt.Printf("n = %d, d = %d (%d-byte rows, %.0f MB), AVX2 %v, huge pages %v, %d runs each\n",
		*n, *d, 8**d, float64(8**d)*float64(*n)/1e6, probe.Vectorised, *huge, *runs)
	ts, cpu := timeConfigs(x, *d, cs, *runs)
	fmt.Printf("%-40s %8s %8s %8s %8s %8s\n", "order", "ns/row", "best", "CPU", "GB/s", "CPU GB/s")
	rowBytes := float64(8 * *d)
	for j, c := range cs {
		slices.Sort(ts[j])
		slices.Sort(cpu[j])
		med, cm := ts[j][len(ts[j])/2], cpu[j][len(cpu[j])/2]
		fmt.Printf("%-40s %8.1f %8.1f %8.1f %8.2f %8.2f\n", c.name, med, ts[j][0], cm, rowBytes/med, rowBytes/cm)
	}
}

// configs lists the orders and prefetches to time, those whose name keep
// matches: storage order, a random permutation with and without prefetching,
// the same serialised (each row's loads waiting for the row before, as in
// SGD), and blocked orders.
func configs(n, d int, seed uint64, keep *regexp.Regexp) []config {
	ident := make([]int, n)
	for i := range ident {
		ident[i] = i
	}
	perm := probe.Permutation(n, seed)
	full := probe.WholeRow(d)
	var cs []config
	dep := false
	add := func(name string, order []int, ahead, lines, hint int) {
		if dep {
			name = "serial " + name
		}
		if keep.MatchString(name) {
			cs = append(cs, config{name, order, ahead, lines, hint, dep})
		}
	}
	add("storage", ident, 0, 0, 0)
	add("permuted", perm, 0, 0, 0)
	if probe.CanPrefetch {
		for _, l := range []int{1, 2, 3, 4, full} {
			for _, k := range []int{1, 2, 4, 8, 16, 32} {
				add(fmt.Sprintf("permuted, T0 %d ahead, %d lines", k, l), perm, k, l, 0)
			}
		}
		for _, k := range []int{4, 16} {
			add(fmt.Sprintf("permuted, T1 %d ahead, %d lines", k, full), perm, k, full, 1)
			add(fmt.Sprintf("permuted, NTA %d ahead, %d lines", k, full), perm, k, full, 2)
			add(fmt.Sprintf("permuted, NTA %d ahead, 2 lines", k), perm, k, 2, 2)
		}
	}
	// Serial: a row's loads wait for the row before, as in SGD.
	dep = true
	add("storage", ident, 0, 0, 0)
	add("permuted", perm, 0, 0, 0)
	if probe.CanPrefetch {
		for _, l := range []int{1, 2, 4, full} {
			for _, k := range []int{2, 4, 8, 16, 32} {
				add(fmt.Sprintf("permuted, T0 %d ahead, %d lines", k, l), perm, k, l, 0)
			}
		}
		for _, l := range []int{2, full} {
			for _, k := range []int{4, 8, 16, 32} {
				add(fmt.Sprintf("permuted, T1 %d ahead, %d lines", k, l), perm, k, l, 1)
			}
		}
	}
	for _, b := range []int{2, 8, 64, 512} {
		add(fmt.Sprintf("blocks of %d", b), blocked(n, b, seed), 0, 0, 0)
		if probe.CanPrefetch {
			add(fmt.Sprintf("blocks of %d, T0 8 ahead, 2 lines", b), blocked(n, b, seed), 8, 2, 0)
		}
	}
	return cs
}

// timeConfigs times each configuration runs times, wall and thread CPU
// nanoseconds per row. The configurations take turns, run after run, so
// that a change in the machine's load falls on all of them.
func timeConfigs(x []float64, d int, cs []config, runs int) (wall, cpu [][]float64) {
	runtime.LockOSThread()
	wall = make([][]float64, len(cs))
	cpu = make([][]float64, len(cs))
	for range runs {
		for j, c := range cs {
			t0, c0 := time.Now(), probe.ThreadCPU()
			if s := probe.SumRows(x, d, c.order, c.ahead, c.lines, c.hint, c.dep); s != s {
				panic("NaN sum")
			}
			n := float64(len(c.order))
			wall[j] = append(wall[j], float64(time.Since(t0).Nanoseconds())/n)
			cpu[j] = append(cpu[j], float64((probe.ThreadCPU()-c0).Nanoseconds())/n)
		}
	}
	return wall, cpu
}

// config is one order of the rows and one prefetch setting.
type config struct {
	name               string
	order              []int
	ahead, lines, hint int
	dep                bool
}

// blocked returns the rows in blocks of b consecutive rows, the blocks in a
// random order and the rows of each block in storage order.
func blocked(n, b int, seed uint64) []int {
	nb := (n + b - 1) / b
	blocks := make([]int, nb)
	for i := range blocks {
		blocks[i] = i
	}
	rand.New(rand.NewPCG(seed, 0)).Shuffle(nb, func(i, j int) { blocks[i], blocks[j] = blocks[j], blocks[i] })
	order := make([]int, 0, n)
	for _, k := range blocks {
		for i := k * b; i < min(k*b+b, n); i++ {
			order = append(order, i)
		}
	}
	return order
}
