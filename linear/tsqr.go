package linear

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// This file is the parallel Householder QR of tall designs that the Gram
// path declines (condition number above gramCondLimit, rank-deficient,
// ridge) and deflated CholeskyQR2 (cholqr.go, which gives the same factor
// in fewer passes and is tried first) declines in turn: tall-skinny QR
// (TSQR; Demmel, Grigori, Hoemmen & Langou, SIAM J.
// Sci. Comput. 2012). The rows are cut into blocks whose boundaries depend
// only on n and d; each block, on its own goroutine, folds its rows in
// chunks of tsqrChunk into a running triangular factor: the chunk,
// standardised on the fly as [√wᵢ(xᵢ − m)/s, √wᵢ(yᵢ − m_y)], is stacked
// under the block's factor and the stack is factorised by LAPACK's blocked
// Householder QR (dgeqrf), in a buffer that stays in the core's L2 cache.
// The blocks' factors are then stacked in block order and factorised once
// more. The result is the triangular factor of [A | b], whose leading d×d
// part is R of the standardised design A, whose last column is c = Qᵀb,
// and whose corner is ±‖b − Aγ‖: what qrSmall needs, the pivoted QR of R
// (dgeqp3) deciding the rank as for a pivoted QR of A. A product of
// orthogonal transformations, it is as backward stable as Householder QR of
// the whole matrix (the cited paper, §6), and bit-identical for any
// GOMAXPROCS: every block is factorised in row order by one goroutine and
// the merge is in block order.
//
// fitTall finishes from either factor the same way: a rank-deficient
// design takes its minimum-norm solution from the SVD of the small factor
// R·diag(s) (A·diag(s) = Q·R·diag(s) has the same singular
// values and right singular vectors), not from the SVD of the n×d design.

const (
	tsqrChunk     = 512  // rows per chunk: (d+1+512)·(d+1) values, 0.5 MB at d = 100
	tsqrMinRows   = 4096 // fewest rows for the TSQR path
	tsqrMaxBlocks = 64   // most blocks
)

// tsqrEligible reports whether fitTall takes an n×d QR problem.
func tsqrEligible(n, d int, s *Settings) bool {
	return s.Method == QR && d > 0 && n >= tsqrMinRows && n > 4*(d+1)
}

// tsqrBlocks is the partition of the rows into blocks of at least 8 chunks.
func tsqrBlocks(n int) rowBlocks {
	return rowBlocks{n: n, nb: min(tsqrMaxBlocks, max(1, n/(8*tsqrChunk)))}
}

// moments are the weighted column means and scales of standardize,
// computed in parallel over row blocks with fixed boundaries.
type moments struct {
	means, scales []float64
	my, sumW      float64
}

// parallelMoments computes what standardize does — the weighted means with
// a correcting second pass, then the weighted population standard
// deviations about them (1 for a constant column), and the weighted mean of
// y — in three parallel passes whose partial sums are added in block order.
func parallelMoments(x *mat.Dense, y, w []float64, intercept bool, rb rowBlocks) moments {
	_, d := x.Dims()
	raw := x.RawMatrix()
	wt := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	// pass runs f over each block's rows into a slot of d+2 sums, and
	// returns the slots' total in block order.
	pass := func(f func(acc []float64, lo, hi int)) []float64 {
		slots := make([][]float64, rb.nb)
		rb.run(func(_, b int) {
			lo, hi := rb.bounds(b)
			acc := make([]float64, d+2)
			f(acc, lo, hi)
			slots[b] = acc
		})
		tot := make([]float64, d+2)
		for _, acc := range slots {
			for j, v := range acc {
				tot[j] += v
			}
		}
		return tot
	}
	m := moments{means: make([]float64, d), scales: make([]float64, d)}
	sums := pass(func(acc []float64, lo, hi int) {
		for i := lo; i < hi; i++ {
			wi := wt(i)
			acc[d+1] += wi
			if !intercept {
				continue
			}
			for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
				acc[j] += wi * v
			}
			acc[d] += wi * y[i]
		}
	})
	m.sumW = sums[d+1]
	if intercept {
		for j := range m.means {
			m.means[j] = sums[j] / m.sumW
		}
		m.my = sums[d] / m.sumW
		corr := pass(func(acc []float64, lo, hi int) {
			for i := lo; i < hi; i++ {
				wi := wt(i)
				for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
					acc[j] += wi * (v - m.means[j])
				}
				acc[d] += wi * (y[i] - m.my)
			}
		})
		for j := range m.means {
			m.means[j] += corr[j] / m.sumW
		}
		m.my += corr[d] / m.sumW
	}
	ss := pass(func(acc []float64, lo, hi int) {
		for i := lo; i < hi; i++ {
			sw := math.Sqrt(wt(i))
			for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
				t := sw * (v - m.means[j])
				acc[j] += t * t
			}
		}
	})
	for j := range m.scales {
		sc := math.Sqrt(ss[j] / m.sumW)
		if sc == 0 {
			sc = 1
		}
		m.scales[j] = sc
	}
	return m
}

// tsqrFactor returns the (d+1)×(d+1) upper-triangular factor, row-major, of
// the standardised [A | b].
func tsqrFactor(x *mat.Dense, y, w []float64, m *moments, rb rowBlocks) []float64 {
	_, d := x.Dims()
	p := d + 1
	raw := x.RawMatrix()
	inv := make([]float64, d)
	for j, s := range m.scales {
		inv[j] = 1 / s
	}
	slots := make([][]float64, rb.nb)
	bufs := make([][]float64, rb.workers())
	rb.run(func(k, b int) {
		if bufs[k] == nil {
			bufs[k] = make([]float64, (p+tsqrChunk)*p)
		}
		buf := bufs[k]
		lo, hi := rb.bounds(b)
		have := 0 // rows of the running factor at the top of buf
		for c := lo; c < hi; c += tsqrChunk {
			e := min(c+tsqrChunk, hi)
			for i := c; i < e; i++ {
				sw := 1.0
				if w != nil {
					sw = math.Sqrt(w[i])
				}
				dst := buf[(have+i-c)*p : (have+i-c+1)*p]
				for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
					dst[j] = sw * (v - m.means[j]) * inv[j]
				}
				dst[d] = sw * (y[i] - m.my)
			}
			have = householderR(buf, have+e-c, p)
		}
		r := make([]float64, p*p)
		copy(r, buf[:have*p])
		slots[b] = r
	})
	stack := make([]float64, 0, rb.nb*p*p)
	for _, r := range slots {
		stack = append(stack, r...)
	}
	k := householderR(stack, rb.nb*p, p)
	r := make([]float64, p*p)
	copy(r, stack[:k*p])
	return r
}

// householderR factorises the rows×p matrix at the start of buf (row-major)
// by dgeqrf and leaves its triangular factor in the first min(rows, p) rows,
// zero below the diagonal; it returns that number of rows.
func householderR(buf []float64, rows, p int) int {
	a := blas64.General{Rows: rows, Cols: p, Stride: p, Data: buf[:rows*p]}
	k := min(rows, p)
	tau := make([]float64, k)
	work := make([]float64, 1)
	lapack64.Geqrf(a, tau, work, -1)
	work = make([]float64, max(int(work[0]), p))
	lapack64.Geqrf(a, tau, work, len(work))
	for i := 0; i < k; i++ {
		clear(buf[i*p : i*p+i])
	}
	return k
}

// fitTall is fitFloat's QR method on the triangular factor of the
// standardised [A | b], with the passes over the rows (moments, factor,
// residuals) in parallel: the factor by deflated CholeskyQR2
// (cholqrFactor, cholqr.go) if tryCholQR and it does not decline
// (usedCholQR), else by TSQR (tsqrFactor). With a start from a
// declined Gram attempt it takes the moments and G₀ from there instead of
// computing them again.
func fitTall(x *mat.Dense, y []float64, s *Settings, tryCholQR bool, start *gramStart) (res *Result, usedCholQR bool, err error) {
	n, d := x.Dims()
	p := d + 1
	intercept := !s.NoIntercept
	rb := tsqrBlocks(n)
	var m moments
	var g0 []float64
	if start != nil {
		m, g0 = start.m, start.g0
	} else {
		m = parallelMoments(x, y, s.Weights, intercept, rb)
	}
	res = &Result{
		Coef:         make([]float64, d),
		HasIntercept: intercept,
		Method:       QR,
		Precision:    Double,
		N:            observations(s.Weights, n),
		SumWeights:   m.sumW,
	}
	rcond := rankTol(s.RCond, res.N, d)
	var rf []float64
	if tryCholQR {
		rf = cholqrFactor(x, y, s.Weights, &m, g0)
		usedCholQR = rf != nil
	}
	if rf == nil {
		rf = tsqrFactor(x, y, s.Weights, &m, rb)
	}
	a := blas64.General{Rows: d, Cols: d, Stride: d, Data: make([]float64, d*d)}
	c := make([]float64, d)
	for i := 0; i < d; i++ {
		copy(a.Data[i*d+i:i*d+d], rf[i*p+i:i*p+d])
		c[i] = rf[i*p+d]
	}
	var rraw *mat.Dense
	if s.Ridge == 0 {
		// R·diag(s), the factor of the unscaled centred design, kept for
		// the minimum-norm solution (qrSmall overwrites a).
		rraw = mat.NewDense(d, d, nil)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				rraw.Set(i, j, a.Data[i*d+j]*m.scales[j])
			}
		}
	}
	gamma, cov, err := qrSmall(a, c, m.sumW, m.scales, res, rcond, s.Ridge)
	if err != nil {
		return nil, usedCholQR, err
	}
	if gamma == nil { // rank-deficient: minimum norm in original units
		beta, unscaled := pinvSolve(rraw, c, res.Rank, m.means, m.sumW, intercept)
		copy(res.Coef, beta)
		res.Unscaled = unscaled
	} else {
		unscaleSolution(res, gamma, cov, m.scales, m.means, m.sumW, intercept)
	}
	if intercept {
		res.Intercept = interceptOf(m.my, m.means, res.Coef)
	}
	res.Residuals = make([]float64, n)
	res.RSS, res.TSS = residualPass(x, y, s.Weights, res, m.my, rb)
	res.DF = dfOf(res.N, res.Rank, intercept)
	return res, usedCholQR, nil
}

// residualPass stores rᵢ = yᵢ − b − xᵢβ in res.Residuals and returns
// Σwᵢrᵢ² and Σwᵢ(yᵢ − m_y)², in parallel with the sums added in block order.
func residualPass(x *mat.Dense, y, w []float64, res *Result, my float64, rb rowBlocks) (rss, tss float64) {
	_, d := x.Dims()
	raw := x.RawMatrix()
	sums := make([][2]float64, rb.nb)
	rb.run(func(_, b int) {
		lo, hi := rb.bounds(b)
		var sr, st float64
		for i := lo; i < hi; i++ {
			r := y[i] - res.Intercept
			for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
				r -= v * res.Coef[j]
			}
			res.Residuals[i] = r
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			t := y[i] - my
			sr += wi * r * r
			st += wi * t * t
		}
		sums[b] = [2]float64{sr, st}
	})
	for _, v := range sums {
		rss += v[0]
		tss += v[1]
	}
	return rss, tss
}
