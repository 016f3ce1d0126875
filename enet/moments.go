package enet

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/lsqgo/lsq/internal/kernel"
)

// The covariance updates need only the weighted first and second moments
// of the rows. They are gathered in one blocked pass over X as the Gram
// matrix of the augmented rows
//
//	u_i = √v_i·[1, x_i − m̂, y_i − m̂_y, 0…]
//
// about a provisional shift (m̂, m̂_y): A = Σ u_i u_iᵀ holds Σv in A₀₀, the
// sums Σv(x − m̂) in row 0 and the second moments about the shift in the
// rest. With δ = A₀·/A₀₀ what is left of the mean, the moments about the
// exact mean m = m̂ + δ are A_jk/A₀₀ − δ_j δ_k, a rank-one correction that
// loses only about ε·(δ/σ)² of them: the shift is a weighted mean of rows
// spread over the data, so δ is a fraction of a standard deviation σ.
//
// The rows can be split into groups (the folds of CV), each getting its own
// A; the moments of any union of groups are the sum of theirs, corrected
// about that union's own mean by the same formula, so every training set's
// centred, scaled problem costs O(d²) once the single pass is done.

// momentWidth is the padded width m of an augmented row [1, x, y, 0…].
func momentWidth(d int) int { return (d + 2 + 7) &^ 7 }

// momentSlotBudget bounds the values held in all partial sums together
// (32 MiB, or a quarter of X's size if that is more).
const momentSlotBudget = 1 << 22

// provisionalShift returns (m̂, m̂_y), the shift of the moment pass:
// kernel.SampleMeans of 1024 rows with the weights v, zero without
// intercept.
func provisionalShift(x []float64, stride, n, d int, y, v []float64, intercept bool) []float64 {
	if !intercept {
		return make([]float64, d+1)
	}
	return kernel.SampleMeans(x, stride, n, d, y, v, 1024)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// momentTask is a fixed range [lo, hi) of one group's rows.
type momentTask struct{ group, lo, hi int }

// momentTasks cuts each group of rows into at most gramParts ranges of at
// least gramChunk rows, fewer if the partial sums would exceed the slot
// budget. The cuts depend only on the group sizes, n and d, so the sums,
// added in task order, are the same bits for any GOMAXPROCS.
func momentTasks(sizes []int, n, d int) []momentTask {
	m := momentWidth(d)
	slots := max(1, max(momentSlotBudget, n*d/4)/(m*m)/len(sizes))
	var tasks []momentTask
	for g, ng := range sizes {
		parts := max(1, min(gramParts, (ng+gramChunk-1)/gramChunk, slots))
		for k := 0; k < parts; k++ {
			tasks = append(tasks, momentTask{g, k * ng / parts, (k + 1) * ng / parts})
		}
	}
	return tasks
}

// momentPass returns the augmented moments A_g (m×m row-major, upper
// triangle) of each group of rows about shift; groups == nil means one
// group of all n rows, otherwise groups[g] lists row indices. The weights
// v may be nil for equal weights: the rows then enter with weight one, and
// A is n times larger, which fromMoments's normalisation by A₀₀ removes
// (the caller retries with v if that overflows). Rows of zero
// weight add nothing unless they hold a NaN or ±Inf, which makes a diagonal
// entry non-finite (0·Inf is NaN).
//
// The tasks' partial sums are folded into their group's A in task order as
// soon as every earlier task is done (momentFold), by whichever worker
// completes the next one, and their buffers reused: the sums are those of
// adding all partial sums in task order at the end, without holding them
// all or a serial reduction after the pass.
func momentPass(x []float64, stride, n, d int, y, v, shift []float64, groups [][]int) [][]float64 {
	sizes := []int{n}
	if groups != nil {
		sizes = sizes[:0]
		for _, g := range groups {
			sizes = append(sizes, len(g))
		}
	}
	m := momentWidth(d)
	tasks := momentTasks(sizes, n, d)
	f := &momentFold{tasks: tasks, done: make([][]float64, len(tasks)), out: make([][]float64, len(sizes))}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			pn := kernel.NewPanel(m, gramBlock, kernel.Packs(m))
			for {
				t := int(next.Add(1) - 1)
				if t >= len(tasks) {
					return
				}
				tk := tasks[t]
				var idx []int
				if groups != nil {
					idx = groups[tk.group]
				}
				acc := f.slot(m * m)
				momentRows(acc, pn, x, stride, d, y, v, shift, idx, tk.lo, tk.hi)
				f.finish(t, acc)
			}
		})
	}
	wg.Wait()
	return f.out
}

// momentFold adds the tasks' partial sums into their groups' moments in
// task order: out[g] is the first of group g's sums, then each later one
// added (addTo) in turn.
type momentFold struct {
	mu    sync.Mutex
	tasks []momentTask
	done  [][]float64 // finished tasks' sums not yet folded
	next  int         // the first task not yet folded
	out   [][]float64
	free  [][]float64 // folded sums' buffers, for later tasks
}

// slot returns a zeroed buffer of size values for a task's sum.
func (f *momentFold) slot(size int) []float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if k := len(f.free); k > 0 {
		b := f.free[k-1]
		f.free = f.free[:k-1]
		clear(b)
		return b
	}
	return make([]float64, size)
}

// finish records task t's sum and folds every task from f.next on that is
// done.
func (f *momentFold) finish(t int, acc []float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.done[t] = acc
	for ; f.next < len(f.tasks) && f.done[f.next] != nil; f.next++ {
		a, g := f.done[f.next], f.tasks[f.next].group
		f.done[f.next] = nil
		if f.out[g] == nil {
			f.out[g] = a
			continue
		}
		addTo(f.out[g], a)
		f.free = append(f.free, a)
	}
}

// momentRows adds the augmented moments of rows lo..hi−1 (of idx, if not
// nil) into acc, a panel of at most gramBlock rows at a time: each row is
// shifted and weighted (kernel.ShiftedRow) into the panel pn, whose Gram
// matrix package linear's AVX-512 kernel accumulates (kernel.Panel: packed
// or not by its width, the same bits either way and on every kernel).
func momentRows(acc []float64, pn *kernel.Panel, x []float64, stride, d int, y, v, shift []float64, idx []int, lo, hi int) {
	m := momentWidth(d)
	zeros := make([]float64, d)
	for i0 := lo; i0 < hi; i0 += gramBlock {
		pn.AddGram(acc, min(hi, i0+gramBlock)-i0, func(dst []float64, r0, r1 int) {
			for r := r0; r < r1; r++ {
				i := i0 + r
				if idx != nil {
					i = idx[i]
				}
				wi := 1.0
				if v != nil {
					wi = v[i]
				}
				kernel.ShiftedRow(dst[(r-r0)*m:], x[i*stride:i*stride+d], shift, zeros, y[i], wi, v != nil)
			}
		})
	}
}

func addTo(dst, src []float64) {
	src = src[:len(dst)]
	for k, s := range src {
		dst[k] += s
	}
}

// momentsFinite reports whether every diagonal entry of a is finite.
func momentsFinite(a []float64, d int) bool {
	m := momentWidth(d)
	for j := 0; j < d+2; j++ {
		if !finite(a[j*m+j]) {
			return false
		}
	}
	return true
}

// fromMoments sets the means, ȳ, Σv yc², ZᵀV yc and the Gram matrix of p,
// before scaling, from the augmented moments a of its rows about shift:
// with W = a₀₀ and δ = a₀·/W, the centred moment of columns j, k (of x and
// then y) is a_jk/W − δ_j δ_k. Without intercept the shift is zero and the
// moments are used as they are (second moments about the origin).
func (p *problem) fromMoments(a, shift []float64) {
	d := p.d
	m := momentWidth(d)
	w := a[0]
	delta := make([]float64, d+1)
	if p.intercept {
		for j := range delta {
			delta[j] = a[1+j] / w
		}
		for j := range d {
			p.m[j] = shift[j] + delta[j]
		}
		p.ymean = shift[d] + delta[d]
	}
	cent := func(j, k int) float64 { return a[(1+j)*m+1+k]/w - delta[j]*delta[k] }
	p.gram = make([]float64, d*d)
	for j := 0; j < d; j++ {
		for k := j; k < d; k++ {
			p.gram[j*d+k] = cent(j, k)
			p.gram[k*d+j] = p.gram[j*d+k]
		}
		p.diag[j] = p.gram[j*d+j]
		p.c[j] = cent(j, d)
	}
	p.ycc = math.Max(cent(d, d), 0)
	if constantTarget(p.ycc, p.ymean) {
		p.ycc = 0
		clear(p.c)
	}
}

// moments runs momentPass with unit weights when w is nil (equal weights,
// the vectorised fill) and, if that overflows, with the normalised weights
// v, whose squares stay as small as the variances. It returns the sum of
// the groups' moments, in group order, and the groups' own; ok is false if
// the sum is not finite.
func moments(x []float64, stride, n, d int, y, w, v, shift []float64, groups [][]int) (sum []float64, ok bool, each [][]float64) {
	try := func(v []float64) bool {
		each = momentPass(x, stride, n, d, y, v, shift, groups)
		sum = append([]float64(nil), each[0]...)
		for _, a := range each[1:] {
			addTo(sum, a)
		}
		return momentsFinite(sum, d)
	}
	if w == nil && try(nil) {
		return sum, true, each
	}
	return sum, try(v), each
}
