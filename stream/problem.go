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
		Samples:   int(q.rows), // as in memory: the epoch's rows, weight zero included (Shuffle draws them too)
	}
	rms := q.columnRMS(center, scale)
	prob.FeatureScales = func(dst []float64) { copy(dst, rms) }
	if shuffle != nil {
		prob.Batches = shuffle.batches(d, center, scale, q.intercept)
	}
	return prob
}

// columnRMS returns the weighted root mean square of each feature as the
// optimiser sees it, (xⱼ − cⱼ)/sⱼ (optim.Problem.FeatureScales, what
// optim.LeastSquares reports): √(Σw(x − c)²/W)/s, read off R with
// Σw(x − c)² = Σw(x − x̄)² + W(x̄ − c)² when there is a centre (and so an
// intercept column), Σw·x² without.
func (q *QR) columnRMS(center, scale []float64) []float64 {
	var ss []float64
	if center != nil {
		mean, _ := q.Means()
		ss, _ = q.CentredNorms()
		for j, v := range ss {
			ss[j] = math.Hypot(v, math.Sqrt(q.sumW)*(mean[j]-center[j]))
		}
	} else {
		ss, _ = q.Norms()
	}
	for j, v := range ss {
		ss[j] = v / math.Sqrt(q.sumW) / scale[j]
	}
	return ss
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

// batches returns the Problem.Batches function of the shuffle, for d
// features on the scale given by center and scale (scale not nil) with an
// intercept or not, as Problem's loss.
func (s *Shuffle) batches(d int, center, scale []float64, intercept bool) func(*rand.Rand, int, func(func(grad, x []float64) float64) error) error {
	bufRows := s.Rows
	if bufRows <= 0 {
		bufRows = 1 << 16
	}
	sh := &shuffler{parts: s.Parts, bufRows: bufRows, width: d + 2,
		mb: minibatch{d: d, center: center, scale: scale, intercept: intercept}}
	sh.mb.lossGradFn = sh.mb.lossGrad
	return sh.epoch
}

// shuffler is a Shuffle's state across epochs: the buffer of rows read and
// not yet drawn, each stored as x..., y, w (width d+2 values), and the
// mini-batch drawn from it. Both are allocated once and reused.
type shuffler struct {
	parts          []Chunks
	bufRows, width int
	buf            []float64
	mb             minibatch
}

// epoch is one Problem.Batches call: it reads the partitions in order into
// the buffer, drawing a mini-batch and stepping whenever the buffer holds
// bufRows rows, then draws from what is left until the buffer is empty, so
// each row is used once.
func (sh *shuffler) epoch(rng *rand.Rand, batch int, step func(func(grad, x []float64) float64) error) error {
	sh.mb.resize(batch)
	if sh.buf == nil {
		sh.buf = make([]float64, 0, sh.bufRows*sh.width)
	}
	sh.buf = sh.buf[:0]
	for _, part := range sh.parts {
		if err := sh.read(part, rng, batch, step); err != nil {
			return err
		}
	}
	for len(sh.buf) > 0 {
		if err := sh.draw(rng, batch, step); err != nil {
			return err
		}
	}
	return nil
}

// read appends the rows of one partition to the buffer (unit weights when
// the block has none), drawing whenever the buffer is full.
func (sh *shuffler) read(part Chunks, rng *rand.Rand, batch int, step func(func(grad, x []float64) float64) error) error {
	return part(func(x *mat.Dense, y, w []float64) error {
		rows, _ := x.Dims()
		for i := range rows {
			sh.buf = append(sh.buf, x.RawRowView(i)...)
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			sh.buf = append(sh.buf, y[i], wi)
			if len(sh.buf)/sh.width >= sh.bufRows {
				if err := sh.draw(rng, batch, step); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// draw takes up to batch random rows out of the buffer into the mini-batch
// and steps on it. A drawn row is replaced by the buffer's last, which is
// dropped, so the buffer stays dense. A mini-batch of weight zero has no
// loss (its mean is 0/0) and is not stepped on.
func (sh *shuffler) draw(rng *rand.Rand, batch int, step func(func(grad, x []float64) float64) error) error {
	width, mb := sh.width, &sh.mb
	rows := len(sh.buf) / width
	mb.k = min(batch, rows)
	mb.sw = 0
	for m := range mb.k {
		i := rng.IntN(rows)
		row := sh.buf[i*width : (i+1)*width]
		mb.set(m, row)
		copy(row, sh.buf[(rows-1)*width:rows*width])
		rows--
	}
	sh.buf = sh.buf[:rows*width]
	if mb.sw == 0 {
		return nil
	}
	return step(mb.lossGradFn)
}

// minibatch holds the k rows drawn for one step, of total weight sw, and
// gives their loss on the Problem's scale,
//
//	(1/2sw)·Σₘ wₘ(zₘᵀβ + b − yₘ)²,   z_j = (x_j − c_j)/s_j,
//
// with its gradient: the mean of Problem's loss over the mini-batch.
type minibatch struct {
	x             *mat.Dense // batch×d; rows k.. unused
	y, w          []float64
	k             int
	sw            float64
	d             int
	center, scale []float64
	intercept     bool
	lossGradFn    func(g, th []float64) float64 // lossGrad, bound once so that a step allocates nothing
}

// resize makes room for batch rows, keeping the memory while batch is
// unchanged.
func (mb *minibatch) resize(batch int) {
	if mb.x == nil || len(mb.y) != batch {
		mb.x, mb.y, mb.w = mat.NewDense(batch, mb.d, nil), make([]float64, batch), make([]float64, batch)
	}
}

// set stores a buffered row (x..., y, w) as the mini-batch's row m and
// adds its weight to sw.
func (mb *minibatch) set(m int, row []float64) {
	d := mb.d
	copy(mb.x.RawRowView(m), row[:d])
	mb.y[m], mb.w[m] = row[d], row[d+1]
	mb.sw += mb.w[m]
}

// lossGrad returns the mini-batch's loss at th and stores its gradient in g
// (the intercept's last when there is one).
func (mb *minibatch) lossGrad(g, th []float64) float64 {
	d, center, scale, intercept := mb.d, mb.center, mb.scale, mb.intercept
	bx, by, bw, sw := mb.x, mb.y, mb.w, mb.sw
	clear(g)
	var loss float64
	for m := range mb.k {
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
