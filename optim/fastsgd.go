package optim

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq/internal/kernel"
)

// fastSGD returns the kernel to step on directly when the fit is plain SGD
// with batch size 1 on an unmodified LeastSquares problem, without a penalty
// or clipping: each step is then one dot product and one update over one row
// (kernel.LS.SGDStep), with the floating-point operations of the general path
// (BatchLossGrad, then SGD.Update) in the same order, so the same bits.
func fastSGD(p Problem, s *settings, o Optimizer) *kernel.LS {
	if _, ok := o.(*SGD); !ok || !s.stochastic || s.batch != 1 || s.average {
		return nil
	}
	if s.Penalty != nil || s.ClipNorm != 0 || s.ClipValue != 0 {
		return nil
	}
	if p.ls == nil || p.BatchLossGrad == nil || funcID(p.BatchLossGrad) != p.lsBatch ||
		p.Samples != p.ls.Rows() || p.Dim != p.ls.Dim() {
		return nil
	}
	return p.ls
}

// belowNorm reports whether ‖g‖ is certainly below c, screened by a plain sum
// of squares so that floats.Norm (exact to a few units of rounding but slower,
// one division an element) runs only when ‖g‖ may be the largest norm of the
// epoch; the largest norm is then the same bits as without the screen. Both
// computations are within (len(g)+2)·2⁻⁵³ relative of ‖g‖, far inside the
// 1e-6 margin, as long as the sum neither overflows (then it is +Inf and the
// screen fails) nor underflows (sums below 2⁻⁹⁰⁰ are not trusted).
func belowNorm(g []float64, c float64) bool {
	s := 0.0
	for _, v := range g {
		s += v * v
	}
	lim := c * (1 - 1e-6)
	return s >= 0x1p-900 && s < lim*lim
}

// fastEpoch is the stochastic epoch of batch-1 SGD on the kernel.
func (m *run) fastEpoch(lr float64) (float64, bool, error) {
	k := m.fast
	if !m.s.StepSchedule && m.s.Recorder == nil {
		n := k.SGDRows(m.x, m.perm, lr)
		m.step += n
		return lr, n < len(m.perm), nil
	}
	// The gradient is kept only for the largest norm the Recorder is told.
	var g []float64
	if m.s.Recorder != nil {
		g = m.gb
	}
	for n, i := range m.perm {
		if m.s.StepSchedule {
			lr = m.rate(0)
		}
		k.Prefetch(m.perm, n)
		l := k.SGDStep(m.x, g, i, lr)
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return lr, true, nil
		}
		if g != nil && !belowNorm(g, m.preClip) {
			m.preClip = math.Max(m.preClip, floats.Norm(g, 2))
		}
		m.step++
	}
	return lr, false, nil
}
