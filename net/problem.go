package net

import (
	"math"

	"github.com/lsqgo/lsq/optim"
)

// dataset is the training (or validation) data as the network sees it: rows
// standardised, targets scaled, both row-major.
type dataset struct {
	x, y    []float64 // n×d, n×k
	w       []float64 // nil means all 1
	n, d, k int
	sumW    float64
}

func (ds *dataset) weight(i int) float64 {
	if ds.w == nil {
		return 1
	}
	return ds.w[i]
}

// LayerStats are one layer's numbers at a full-batch evaluation: the norms
// of the data loss's gradient with respect to the layer's weight matrix
// (Frobenius) and bias, and the root mean square, over rows (weighted) and
// units, of the layer's output (for the output layer, the predictions on
// the training scale).
type LayerStats struct {
	GradW  float64 `json:"grad_w"`
	GradB  float64 `json:"grad_b"`
	ActRMS float64 `json:"act_rms"`
}

// model is an architecture with its work space and the numbers of its last
// full-batch evaluation.
type model struct {
	arch  Arch
	ls    []layer
	dim   int
	wk    *work
	stats []LayerStats
	actSS []float64
	tgtSS []float64 // per target Σ wᵢ rᵢₖ² of the last full pass
}

func newModel(a Arch) *model {
	m := &model{arch: a, ls: a.layers(), dim: a.Dim(), wk: newWork(&a)}
	m.stats = make([]LayerStats, len(m.ls))
	m.actSS = make([]float64, len(m.ls))
	m.tgtSS = make([]float64, a.Outputs)
	return m
}

// gather copies the listed rows of ds into the work space.
func (m *model) gather(ds *dataset, rows []int) {
	wk := m.wk
	for r, i := range rows {
		copy(wk.a[0][r*ds.d:(r+1)*ds.d], ds.x[i*ds.d:(i+1)*ds.d])
		copy(wk.y[r*ds.k:(r+1)*ds.k], ds.y[i*ds.k:(i+1)*ds.k])
		wk.w[r] = ds.weight(i)
	}
}

// gatherRange copies rows lo..hi−1.
func (m *model) gatherRange(ds *dataset, lo, hi int) {
	wk := m.wk
	copy(wk.a[0], ds.x[lo*ds.d:hi*ds.d])
	copy(wk.y, ds.y[lo*ds.k:hi*ds.k])
	for r := range hi - lo {
		wk.w[r] = ds.weight(lo + r)
	}
}

// blockLoss runs the network on the gathered rows (m of them) and returns
// Σ wᵢ Σₖ rᵢₖ²; with grad not nil it also adds scale·∂/∂θ of that sum's
// half to grad. full says this is a full pass: the activation and target
// sums are kept for the layer statistics.
func (m *model) blockLoss(grad, theta []float64, rows int, scale float64, full bool) float64 {
	wk := m.wk
	wk.forward(theta, rows)
	k := m.arch.Outputs
	last := len(m.ls) - 1
	pred := wk.a[last+1]
	dz := wk.dz[last]
	s := 0.0
	for r := range rows {
		wr := wk.w[r]
		for j := range k {
			e := pred[r*k+j] - wk.y[r*k+j]
			s += wr * e * e
			dz[r*k+j] = scale * wr * e
			if full {
				m.tgtSS[j] += wr * e * e
			}
		}
	}
	if full {
		for i, l := range m.ls {
			a := wk.a[i+1]
			ss := 0.0
			for r := range rows {
				for _, v := range a[r*l.out : (r+1)*l.out] {
					ss += wk.w[r] * v * v
				}
			}
			m.actSS[i] += ss
		}
	}
	if grad != nil {
		wk.backward(theta, rows)
		wk.accumulate(grad, rows)
	}
	return s
}

// loss returns (1/2W) Σ wᵢ Σₖ rᵢₖ² over all of ds and its gradient in grad
// (when not nil), keeping the layer statistics.
func (m *model) loss(grad, theta []float64, ds *dataset) float64 {
	if grad != nil {
		clear(grad)
	}
	clear(m.actSS)
	clear(m.tgtSS)
	scale := 1 / ds.sumW
	s := 0.0
	for lo := 0; lo < ds.n; lo += block {
		hi := min(lo+block, ds.n)
		m.gatherRange(ds, lo, hi)
		s += m.blockLoss(grad, theta, hi-lo, scale, true)
	}
	for i, l := range m.ls {
		st := &m.stats[i]
		st.ActRMS = math.Sqrt(m.actSS[i] / (ds.sumW * float64(l.out)))
		st.GradW, st.GradB = math.NaN(), math.NaN()
		if grad != nil {
			st.GradW = norm(grad[l.w : l.w+l.in*l.out])
			st.GradB = norm(grad[l.b : l.b+l.out])
		}
	}
	return s / (2 * ds.sumW)
}

// batchLoss is loss over the listed rows, normalised by their weight.
func (m *model) batchLoss(grad, theta []float64, ds *dataset, rows []int) float64 {
	clear(grad)
	sw := 0.0
	for _, i := range rows {
		sw += ds.weight(i)
	}
	s := 0.0
	for lo := 0; lo < len(rows); lo += block {
		hi := min(lo+block, len(rows))
		m.gather(ds, rows[lo:hi])
		s += m.blockLoss(grad, theta, hi-lo, 1/sw, false)
	}
	return s / (2 * sw)
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// problem returns the optim.Problem of training m on ds.
func (m *model) problem(ds *dataset) optim.Problem {
	return optim.Problem{
		Dim:       m.dim,
		LossGrad:  func(grad, theta []float64) float64 { return m.loss(grad, theta, ds) },
		Samples:   ds.n,
		Penalized: m.arch.Weights(),
		BatchLossGrad: func(grad, theta []float64, rows []int) float64 {
			return m.batchLoss(grad, theta, ds, rows)
		},
	}
}

// GradRatio is ‖∂W¹‖/‖∂Wᴸ‖, the first layer's weight-gradient norm over the
// last layer's: far below 1 when gradients vanish on their way back to the
// input, far above when they explode (Glorot & Bengio 2010, fig. 7).
func GradRatio(layers []LayerStats) float64 {
	if len(layers) == 0 {
		return math.NaN()
	}
	return layers[0].GradW / layers[len(layers)-1].GradW
}
