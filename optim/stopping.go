package optim

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq"
)

// earlyStop applies early stopping (Settings.Patience, with a validation
// set): it keeps the point of the best validation loss and, after Patience
// epochs without an improvement of MinDelta, returns to it, ends the run
// with lsq.EarlyStopped and reports true.
func (m *run) earlyStop(pr *progress) bool {
	set := m.s
	if set.Patience <= 0 || m.p.Validation == nil {
		return false
	}
	if pr.val < pr.bestVal-set.MinDelta {
		pr.bestVal, pr.wait = pr.val, 0
		pr.bestX = append(pr.bestX[:0], m.point()...)
		return false
	}
	if pr.wait++; pr.wait < set.Patience {
		return false
	}
	copy(m.point(), pr.bestX)
	pr.f, pr.loss = m.eval(m.g, m.point())
	pr.gnorm, pr.val = m.gradNorm(pr.lr), pr.bestVal
	pr.status = lsq.EarlyStopped
	return true
}

// judge applies the stopping tests after an epoch: with a known optimum the
// gap decides (see Optimum); without one, the gradient and objective
// tolerances. rate is the scheduled rate over the base rate.
func (s *settings) judge(f, prev, first, gnorm, rate float64) lsq.Status {
	still := s.objTol >= 0 && math.Abs(prev-f) <= s.objTol*math.Max(math.Abs(f), math.Abs(prev))
	if s.Optimum != nil {
		switch {
		case s.Optimum.Closed(f, first):
			return lsq.GapTolerance
		case s.GradTol > 0 && gnorm <= s.GradTol:
			return lsq.GradientTolerance
		case still && s.Optimum.within(f, first, RoundingGap):
			// It stopped moving at the optimum to working precision.
			return lsq.GapTolerance
		case still, rate < 1e-6:
			return lsq.Stalled
		}
		return lsq.NotTerminated
	}
	switch {
	case s.gradTol >= 0 && gnorm <= s.gradTol:
		return lsq.GradientTolerance
	case still:
		return lsq.ObjectiveTolerance
	}
	return lsq.NotTerminated
}

// diverged is the divergence rule: the objective rose above its start and
// above its best by more than (DivergeFactor − 1) times a scale of the
// problem, max(|best|, first − best): the best value itself for a positive
// objective (f > 1e3·best by default), the progress made so far when the
// best is near zero, and right for objectives of any sign.
func (s *settings) diverged(f, first, best float64) bool {
	scale := math.Max(math.Abs(best), first-best)
	return f > first && f-best > (s.divergeFactor-1)*scale
}

func (m *run) divergence(epoch int, f, best, lr float64) error {
	e := &DivergenceError{Epoch: epoch, Objective: f, Best: best, LR: lr, Bound: math.NaN(), Feature: -1}
	if l := m.lipschitzSafe(); l > 0 && !math.IsInf(l, 1) {
		e.Bound = 2 / l
	}
	if m.p.FeatureScales != nil && m.p.Penalized > 0 {
		sc := make([]float64, m.p.Penalized)
		m.p.FeatureScales(sc)
		e.Feature = floats.MaxIdx(sc)
		e.Scale = sc[e.Feature]
		e.MinScale = floats.Min(sc)
	}
	return e
}

// lipschitzSafe is lipschitz, except that the finite-difference estimate is
// not attempted from a diverged point.
func (m *run) lipschitzSafe() float64 {
	if math.IsNaN(m.lip) && m.p.Lipschitz == nil {
		return math.NaN()
	}
	return m.lipschitz()
}
