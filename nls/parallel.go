package nls

import (
	"runtime"
	"sync"

	"github.com/lsqgo/lsq/expr"
)

// parallelRows is the number of rows per worker below which a model is
// evaluated on one goroutine: smaller blocks do not repay the start-up.
const parallelRows = 20000

// rowSplit evaluates a compiled model over contiguous blocks of rows on
// several goroutines, each with its own copy of the program. Every row is
// computed by the same instructions whatever the split, so the results are
// bit-identical for any number of workers.
type rowSplit struct {
	progs []*expr.Program
	lo    []int         // first row of each block; lo[len(progs)] = n
	cols  [][][]float64 // cols[k] is the columns restricted to block k
}

func newRowSplit(prog *expr.Program, data [][]float64, n, workers int) *rowSplit {
	if workers < 1 {
		workers = 1
	}
	workers = max(1, min(workers, n/parallelRows))
	rs := &rowSplit{lo: make([]int, workers+1)}
	for k := 0; k < workers; k++ {
		rs.lo[k] = k * n / workers
		p := prog
		if k > 0 {
			p = prog.Clone()
		}
		rs.progs = append(rs.progs, p)
	}
	rs.lo[workers] = n
	for k := 0; k < workers; k++ {
		c := make([][]float64, len(data))
		for j, col := range data {
			c[j] = col[rs.lo[k]:rs.lo[k+1]]
		}
		rs.cols = append(rs.cols, c)
	}
	return rs
}

// run calls f for each block, in parallel when there are several.
func (rs *rowSplit) run(f func(k, lo, hi int)) {
	if len(rs.progs) == 1 {
		f(0, 0, rs.lo[1])
		return
	}
	var wg sync.WaitGroup
	for k := range rs.progs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(k, rs.lo[k], rs.lo[k+1])
		}()
	}
	wg.Wait()
}

// eval sets dst to the model's values.
func (rs *rowSplit) eval(dst, x []float64) {
	rs.run(func(k, lo, hi int) { rs.progs[k].Eval(dst[lo:hi], x, rs.cols[k]) })
}

// jacobian sets jac (row-major, n×len(x)) to the model's Jacobian.
func (rs *rowSplit) jacobian(jac, x []float64) {
	np := len(x)
	rs.run(func(k, lo, hi int) { rs.progs[k].Jacobian(jac[lo*np:hi*np], x, rs.cols[k]) })
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }
