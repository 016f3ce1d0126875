package stream

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/optim"
)

// Problem returns the least-squares problem of the folded rows for
// optim.Minimize, on the scale z_j = (x_j − c_j)/s_j (center nil: no
// centring; scale nil: no scaling) with parameters θ = [β..., b], the
// intercept last when the accumulator has one:
//
//	L(θ) = (1/2W)·Σwᵢ(yᵢ − zᵢᵀβ − b)² = ‖R·v‖²/(2W),   v = [b'; β'; −1],
//
// where β'_j = β_j/s_j and b' = b − Σ c_jβ'_j are the coefficients on the
// raw scale, the same loss as optim.LeastSquares on the same rows. The loss
// and its gradient (1/W)·RᵀR·v, mapped back to θ, are read off the factor
// in O(p²) without reading the data again, and Lipschitz is the largest
// eigenvalue of the Hessian (Hessian). With shuffle not nil the Problem
// also draws mini-batches by reading the partitions through it
// (Problem.Batches), so stochastic methods step on the streamed rows.
//
// The Problem's functions share work space: use it in one Minimize at a
// time.
func (q *QR) Problem(center, scale []float64, shuffle *Shuffle) optim.Problem {
	q.flush()
	d := q.d
	if scale == nil {
		scale = make([]float64, d)
		for j := range scale {
			scale[j] = 1
		}
	}
	dim := d
	if q.intercept {
		dim++
	}
	o := &objective{r: q.R(), w: q.sumW, center: center, scale: scale, intercept: q.intercept, d: d}
	p := len(o.r.RawTriangular().Data) / max(1, o.r.RawTriangular().Stride)
	o.v, o.u, o.gv = make([]float64, p), make([]float64, p), make([]float64, p)
	_, l := q.Hessian(center, scale, 0)
	prob := optim.Problem{
		Dim:       dim,
		LossGrad:  o.lossGrad,
		Penalized: d,
		Lipschitz: func() float64 { return l },
		Samples:   int(q.n),
		FeatureScales: func(dst []float64) {
			for j := range dst {
				dst[j] = 1
			}
		},
	}
	if shuffle != nil {
		prob.Batches = shuffle.batches(d, center, scale, q.intercept)
	}
	return prob
}

// objective evaluates the loss and its gradient from R.
type objective struct {
	r             *mat.TriDense
	w             float64
	center, scale []float64
	intercept     bool
	d             int
	v, u, gv      []float64
}

func (o *objective) lossGrad(g, th []float64) float64 {
	d, off := o.d, 0
	b := 0.0
	if o.intercept {
		off = 1
		b = th[d]
	}
	for j := range d {
		raw := th[j] / o.scale[j]
		o.v[off+j] = raw
		if o.center != nil {
			b -= o.center[j] * raw
		}
	}
	if o.intercept {
		o.v[0] = b
	}
	p := len(o.v)
	o.v[p-1] = -1
	var loss float64
	for i := range p {
		var s float64
		for j := i; j < p; j++ {
			s += o.r.At(i, j) * o.v[j]
		}
		o.u[i] = s
		loss += s * s
	}
	if g == nil {
		return loss / (2 * o.w)
	}
	for j := range p {
		var s float64
		for i := 0; i <= j; i++ {
			s += o.r.At(i, j) * o.u[i]
		}
		o.gv[j] = s / o.w
	}
	gb := 0.0
	if o.intercept {
		gb = o.gv[0]
		g[d] = gb
	}
	for j := range d {
		gj := o.gv[off+j] / o.scale[j]
		if o.center != nil {
			gj -= gb * o.center[j] / o.scale[j]
		}
		g[j] = gj
	}
	return loss / (2 * o.w)
}

// Hessian returns the smallest and largest eigenvalues of the Hessian
// (1/W)·Z̃ᵀdiag(w)Z̃ + c·I_d of the loss of Problem on the scale given by
// center and scale (nil: none), plus a smooth penalty's curvature c on the
// coefficients (not the intercept), Z̃ the standardised design with its
// column of ones, formed from R as (R₁₁A)ᵀ(R₁₁A)/W, A the map from [1 x] to
// [1 z]: the same matrix as package fit's HessianExtremes forms from the
// rows. They give the automatic rate 1/L, the stability bound 2/L of
// gradient descent and its pace (fit's Why). NaNs when the
// eigendecomposition fails.
func (q *QR) Hessian(center, scale []float64, curvature float64) (mu, l float64) {
	q.flush()
	r := q.R()
	d := q.d
	k, off := d, 0
	if q.intercept {
		k, off = d+1, 1
	}
	a := mat.NewDense(k, k, nil)
	if q.intercept {
		a.Set(0, 0, 1)
	}
	for j := range d {
		s := 1.0
		if scale != nil {
			s = scale[j]
		}
		a.Set(off+j, off+j, 1/s)
		if q.intercept && center != nil {
			a.Set(0, off+j, -center[j]/s)
		}
	}
	r11 := mat.NewDense(k, k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			r11.Set(i, j, r.At(i, j))
		}
	}
	var m mat.Dense
	m.Mul(r11, a)
	h := mat.NewSymDense(k, nil)
	h.SymOuterK(1/q.sumW, m.T())
	for j := range d {
		h.SetSym(off+j, off+j, h.At(off+j, off+j)+curvature)
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		return math.NaN(), math.NaN()
	}
	v := eig.Values(nil)
	return math.Max(v[0], 0), v[len(v)-1]
}

// Shuffle reads partitions through a buffer of Rows rows from which
// mini-batches are drawn at random: the stochastic methods' epoch over data
// that cannot be indexed. Rows are taken out of the buffer as they are
// drawn, so each row is used once per epoch, as with a permutation; the order
// depends only on the generator's seed, the partitions and Rows.
type Shuffle struct {
	Parts []Chunks
	Rows  int // rows held at a time; 0 means 65536
}

// batches returns the Problem.Batches function of the shuffle.
func (s *Shuffle) batches(d int, center, scale []float64, intercept bool) func(*rand.Rand, int, func(func(grad, x []float64) float64) error) error {
	bufRows := s.Rows
	if bufRows <= 0 {
		bufRows = 1 << 16
	}
	width := d + 2 // x..., y, w
	var buf []float64
	var bx *mat.Dense
	var by, bw []float64
	return func(rng *rand.Rand, batch int, step func(func(grad, x []float64) float64) error) error {
		if bx == nil || len(by) != batch {
			bx, by, bw = mat.NewDense(batch, d, nil), make([]float64, batch), make([]float64, batch)
		}
		if buf == nil {
			buf = make([]float64, 0, bufRows*width)
		}
		buf = buf[:0]
		var k int
		var sw float64
		lossGrad := func(g, th []float64) float64 {
			clear(g)
			var loss float64
			for m := range k {
				r := -by[m]
				xr := bx.RawRowView(m)
				for j := range d {
					z := xr[j]
					if center != nil {
						z -= center[j]
					}
					r += th[j] * z / scale[j]
				}
				if intercept {
					r += th[d]
				}
				loss += bw[m] * r * r
				wr := bw[m] * r / sw
				for j := range d {
					z := xr[j]
					if center != nil {
						z -= center[j]
					}
					g[j] += wr * z / scale[j]
				}
				if intercept {
					g[d] += wr
				}
			}
			return loss / (2 * sw)
		}
		// draw takes up to batch random rows out of the buffer and steps.
		draw := func() error {
			rows := len(buf) / width
			k = min(batch, rows)
			sw = 0
			for m := range k {
				i := rng.IntN(rows)
				row := buf[i*width : (i+1)*width]
				copy(bx.RawRowView(m), row[:d])
				by[m], bw[m] = row[d], row[d+1]
				sw += bw[m]
				copy(row, buf[(rows-1)*width:rows*width])
				rows--
			}
			buf = buf[:rows*width]
			if sw == 0 {
				return nil
			}
			return step(lossGrad)
		}
		for _, part := range s.Parts {
			err := part(func(x *mat.Dense, y, w []float64) error {
				rows, _ := x.Dims()
				for i := range rows {
					buf = append(buf, x.RawRowView(i)...)
					wi := 1.0
					if w != nil {
						wi = w[i]
					}
					buf = append(buf, y[i], wi)
					if len(buf)/width >= bufRows {
						if err := draw(); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		for len(buf) > 0 {
			if err := draw(); err != nil {
				return err
			}
		}
		return nil
	}
}
