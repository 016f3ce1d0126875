package fit

import (
	"context"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stream"
)

// TargetChunks is one partition of a data set with several targets: a
// function that calls yield with successive blocks of rows, x (r×d), y
// (r×k) and w (length r, or nil), as stream.Chunks does for one target.
type TargetChunks func(yield func(x, y *mat.Dense, w []float64) error) error

// StreamTargets is MultiTarget on rows read from partitions, in one pass
// with memory independent of the number of rows: one tall-skinny QR
// accumulator folds [1 X Y] (stream.FoldQR, the targets after the
// features), and every target's solution is read off the same factor R.
// With the columns of ones and X first, the leading block R₁₁ of R is the
// factor of the design and the block C above the targets' diagonal is
// Q₁ᵀY, so the coefficients solve R₁₁B = C (augmented by √(Wα)·S for
// ridge), the trailing block of R₁₁ after the ones is the factor R_c of the
// weighted, centred design, and the rank-r solution projects B on the top
// right singular vectors of [R_c·B; √(Wα)·S·B], which has the singular
// values of MultiTarget's fitted values. A Base model moves C to
// C − R₁₁[·, X]·B₀. Weights come with the rows (s.Weights must be nil).
//
// Without a rank constraint or a Base, Exact holds each target's fit as
// FromQR gives it from that target's accumulator (stream.QR.Select of the
// one folded): with its Streamed summary (standard errors, sums of
// squares, condition number), as MultiTarget's Exact holds each target's
// Matrix fit. With a Base, Exact is nil. Partitions without a row of
// positive weight are stream.ErrNoData.
func StreamTargets(ctx context.Context, parts []TargetChunks, s *MultiSettings) (*MultiResult, error) {
	if s == nil {
		s = &MultiSettings{}
	}
	if s.Weights != nil {
		return nil, &SettingsError{"Weights", "a stream's rows carry their weights"}
	}
	if s.Rank < 0 || !(s.Ridge >= 0) {
		return nil, &SettingsError{"Rank", fmt.Sprintf("rank %d and ridge %v must be ≥ 0", s.Rank, s.Ridge)}
	}
	shape := blockShape{d: -1, k: -1}
	adapted := make([]stream.Chunks, len(parts))
	for p, part := range parts {
		adapted[p] = func(yield func(x *mat.Dense, y, w []float64) error) error {
			var buf *mat.Dense
			var last []float64
			return part(func(x, y *mat.Dense, w []float64) error {
				n, d := x.Dims()
				_, k := y.Dims()
				if err := shape.check(d, k); err != nil {
					return err
				}
				// [X Y₁…Y_{k−1}] as the accumulator's features, Y_k as its response.
				if r, _ := dimsOf(buf); r != n {
					buf, last = mat.NewDense(n, d+k-1, nil), make([]float64, n)
				}
				for i := range n {
					row := buf.RawRowView(i)
					copy(row, x.RawRowView(i))
					copy(row[d:], y.RawRowView(i)[:k-1])
					last[i] = y.At(i, k-1)
				}
				return yield(buf, last, w)
			})
		}
	}
	q, err := stream.FoldQR(ctx, adapted, &stream.Settings{NoIntercept: s.NoIntercept})
	if err != nil {
		return nil, err
	}
	if q.N() == 0 {
		return nil, stream.ErrNoData
	}
	res, err := solveTargets(q, shape.d, shape.k, s)
	if err != nil || s.Base != nil || res.Rank < min(shape.d, shape.k) {
		return res, err
	}
	res.Exact, err = targetFits(ctx, q, shape.d, shape.k, s)
	return res, err
}

// targetFits are the k single-target fits of the factor of [1 X Y], each
// FromQR of the accumulator of X and its target (stream.QR.Select).
func targetFits(ctx context.Context, q *stream.QR, d, k int, s *MultiSettings) ([]*Result, error) {
	set := &Settings{NoIntercept: s.NoIntercept, Raw: s.Raw}
	if s.Ridge > 0 {
		set.Penalty = penalty.L2{Alpha: s.Ridge}
	}
	fits := make([]*Result, k)
	for t := range k {
		r, err := FromQR(ctx, q.Select(d, d+t), set)
		if err != nil {
			return nil, fmt.Errorf("target %d: %w", t+1, err)
		}
		fits[t] = r
	}
	return fits, nil
}

// blockShape is the number of features and targets of a stream's blocks,
// set by the first block of any partition and checked against the others;
// the partitions are read concurrently.
type blockShape struct {
	mu   sync.Mutex
	d, k int
}

func (b *blockShape) check(d, k int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.d < 0 {
		b.d, b.k = d, k
	}
	if d != b.d || k != b.k {
		return fmt.Errorf("fit: a block of %d features and %d targets after %d and %d", d, k, b.d, b.k)
	}
	return nil
}

func dimsOf(m *mat.Dense) (int, int) {
	if m == nil {
		return 0, 0
	}
	return m.Dims()
}

// solveTargets reads the fit of k targets off the factor of [1 X Y].
func solveTargets(q *stream.QR, d, k int, s *MultiSettings) (*MultiResult, error) {
	intercept := !s.NoIntercept
	off := 0
	if intercept {
		off = 1
	}
	k1 := d + off
	r := q.R()
	r11 := mat.NewDense(k1, k1, nil)
	c := mat.NewDense(k1, k, nil)
	for i := range k1 {
		for j := i; j < k1; j++ {
			r11.Set(i, j, r.At(i, j))
		}
		for t := range k {
			c.Set(i, t, r.At(i, k1+t))
		}
	}
	if s.Base != nil {
		var shift mat.Dense
		shift.Mul(r11.Slice(0, k1, off, k1), s.Base.Coef)
		c.Sub(c, &shift)
	}
	var scale []float64
	if !s.Raw {
		_, all := q.Standardization()
		scale = all[:d]
	}
	sumW := q.SumWeights()
	// Unconstrained: least squares of [R₁₁; √(Wα)S] (features only) against [C; 0].
	a, rhs := r11, c
	if s.Ridge > 0 {
		a, rhs = mat.NewDense(k1+d, k1, nil), mat.NewDense(k1+d, k, nil)
		a.Slice(0, k1, 0, k1).(*mat.Dense).Copy(r11)
		rhs.Slice(0, k1, 0, k).(*mat.Dense).Copy(c)
		l := math.Sqrt(sumW * s.Ridge)
		for j := range d {
			sj := 1.0
			if scale != nil {
				sj = scale[j]
			}
			a.Set(k1+j, off+j, l*sj)
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var sol mat.Dense
	if err := qr.SolveTo(&sol, false, rhs); err != nil {
		return nil, fmt.Errorf("fit: the streamed design is singular: %w", err)
	}
	coef := mat.DenseCopyOf(sol.Slice(off, k1, 0, k))
	icpt := make([]float64, k)
	if intercept {
		copy(icpt, mat.Row(nil, 0, &sol))
	}
	// The factor of the centred design and the singular values that decide r.
	rc := r11.Slice(off, k1, off, k1)
	g := fittedFactor(rc, coef, scale, sumW, s.Ridge)
	var svd mat.SVD
	if !svd.Factorize(g, mat.SVDThin) {
		return nil, fmt.Errorf("fit: the SVD of the fitted values failed")
	}
	res := &MultiResult{Rank: min(d, k), N: int(q.Rows()), Ridge: s.Ridge, SingularValues: svd.Values(nil)}
	if s.Rank > 0 && s.Rank < min(d, k) {
		res.Rank = s.Rank
		coef = projectRank(coef, &svd, s.Rank)
		if intercept {
			// b = ȳ − x̄ᵀB with the means read off R's first row.
			r00 := r.At(0, 0)
			for t := range k {
				icpt[t] = c.At(0, t) / r00
				for j := range d {
					icpt[t] -= r11.At(0, 1+j) / r00 * coef.At(j, t)
				}
			}
		}
	}
	if s.Base != nil {
		var total mat.Dense
		total.Add(coef, s.Base.Coef)
		coef = &total
	}
	res.Coef, res.Intercept = coef, icpt
	res.Objective = streamObjective(r, d, k, off, coef, icpt, sumW) + ridgeTerm(coef, s.Base, scale, s.Ridge)
	return res, nil
}

// fittedFactor is [R_c·B; √(Wα)·S·B]: the same Gram matrix, so the same
// singular values and right singular vectors, as the fitted values of the
// augmented, standardised problem.
func fittedFactor(rc mat.Matrix, b *mat.Dense, scale []float64, sumW, alpha float64) *mat.Dense {
	d, k := b.Dims()
	rows := d
	if alpha > 0 {
		rows += d
	}
	g := mat.NewDense(rows, k, nil)
	g.Slice(0, d, 0, k).(*mat.Dense).Mul(rc, b)
	if alpha > 0 {
		l := math.Sqrt(sumW * alpha)
		for j := range d {
			sj := 1.0
			if scale != nil {
				sj = scale[j]
			}
			for t := range k {
				g.Set(d+j, t, l*sj*b.At(j, t))
			}
		}
	}
	return g
}

// streamObjective is (1/2W)·Σ_t ‖R·v_t‖², v_t = [−b_t; −B_t; e_t]: the
// weighted residual sum of squares of each target read off the factor.
func streamObjective(r *mat.TriDense, d, k, off int, coef *mat.Dense, icpt []float64, sumW float64) float64 {
	p, _ := r.Dims()
	v := mat.NewVecDense(p, nil)
	var rv mat.VecDense
	var sum float64
	for t := range k {
		v.Zero()
		if off == 1 {
			v.SetVec(0, -icpt[t])
		}
		for j := range d {
			v.SetVec(off+j, -coef.At(j, t))
		}
		v.SetVec(off+d+t, 1)
		rv.MulVec(r, v)
		sum += mat.Dot(&rv, &rv)
	}
	return sum / (2 * sumW)
}

// ridgeTerm is (α/2)‖S(B − B₀)‖²_F.
func ridgeTerm(coef *mat.Dense, base *Targets, scale []float64, alpha float64) float64 {
	if alpha == 0 {
		return 0
	}
	delta := mat.DenseCopyOf(coef)
	if base != nil {
		delta.Sub(delta, base.Coef)
	}
	bs := scaledCoef(delta, scale, false)
	var ss float64
	for _, v := range bs.RawMatrix().Data {
		ss += v * v
	}
	return alpha / 2 * ss
}
