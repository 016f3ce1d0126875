package optim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/kernel"
)

// Result is the outcome of Minimize.
type Result struct {
	X           []float64     // final parameters (best ones after early stopping)
	Objective   float64       // loss plus penalty at X
	First       float64       // objective F₀ at the start of the fit (of the original fit on resume), as the gap test (Optimum) uses it
	Loss        float64       // data loss at X
	GradNorm    float64       // as tested by GradTol
	ValLoss     float64       // validation loss at X, NaN without validation
	Status      lsq.Status    // why it stopped
	Epochs      int           // epochs completed, counting from the start of the fit
	Steps       int           // parameter updates made
	Evaluations int           // full-batch loss evaluations
	LR          float64       // the base learning rate η₀ used
	FinalLR     float64       // the scheduled rate of the last epoch
	Lipschitz   float64       // L including the penalty's curvature; NaN if not needed
	Runtime     time.Duration // wall time of this call
	Checkpoint  *Checkpoint   // state to resume from
	Averaged    bool          // X is the average of the iterates (Settings.Average on a stochastic fit)
}

// Minimize minimises p's loss plus the penalty in s, starting from x0 (which
// is not modified), with the update rule o. A nil s means all defaults.
//
// Minimize owns everything around the update rule: epochs, mini-batches,
// the learning rate and its schedule, the penalty (gradient or proximal
// step), clipping, divergence detection, the stopping rules, early stopping
// and recording. Each epoch it takes its steps (one full-batch step, or one
// per mini-batch; a Stepper takes one line-search step), then evaluates the
// full-batch objective and gradient at the new point, records an
// lsq.Iteration and tests, in order: divergence, early stopping, the
// gradient and objective tolerances and the epoch limit. The context is
// checked before every epoch: on cancellation Minimize returns the state at
// that epoch boundary with lsq.Canceled and the context's error, and its
// Checkpoint resumes the fit exactly. The start point is evaluated before
// the first epoch; for batch-1 SGD on a LeastSquares problem that pass runs
// beside the first epoch's steps instead, with the same results (ahead.go).
//
// Minimize always returns a non-nil Result. The error is non-nil when the
// fit diverged (a *DivergenceError), was cancelled, a Stepper's line search
// failed (lsq.Failure), the objective at x0 is not finite (lsq.Failure), the
// Recorder returned an error (lsq.Failure), or Settings.Resume does not fit
// the problem, optimiser or schedule (lsq.Failure). It panics on programmer
// errors: a Problem without Dim or LossGrad, len(x0) != Dim, a penalty
// without Problem.Penalized, Proximal with an adaptive method, GD or L-BFGS.
func Minimize(ctx context.Context, p Problem, x0 []float64, s *Settings, o Optimizer) (*Result, error) {
	start := time.Now()
	if p.Dim <= 0 || p.LossGrad == nil {
		panic("optim: Problem needs Dim > 0 and LossGrad")
	}
	if o == nil {
		panic("optim: nil Optimizer")
	}
	var set settings
	if s != nil {
		set.Settings = *s
	}
	set.resolve(p, o)
	cp := set.Resume
	if cp == nil && len(x0) != p.Dim {
		panic(fmt.Sprintf("optim: len(x0) = %d, Problem.Dim = %d", len(x0), p.Dim))
	}
	if cp != nil && len(cp.X) != p.Dim {
		return &Result{X: append([]float64(nil), cp.X...), Status: lsq.Failure, ValLoss: math.NaN(), Lipschitz: math.NaN()},
			fmt.Errorf("optim: checkpoint has %d parameters, the problem %d", len(cp.X), p.Dim)
	}

	m, pcg := newRun(p, &set, o)
	pr := &progress{bestVal: math.Inf(1)}
	if err := m.begin(x0, cp, pcg, pr); err != nil {
		return &Result{X: m.x, Status: lsq.Failure, ValLoss: math.NaN(), Lipschitz: math.NaN(), Epochs: cp.Epoch, Steps: cp.Step}, err
	}
	if !(m.baseLR > 0) || math.IsInf(m.baseLR, 1) {
		panic(fmt.Sprintf("optim: learning rate must be positive and finite, got %v", m.baseLR))
	}
	err := m.atStart(ctx, pr, cp)
	for err == nil && pr.status == lsq.NotTerminated {
		err = m.next(ctx, pr, start)
	}
	res := m.result(pr)
	res.Checkpoint = m.checkpoint(pr, pcg)
	res.Runtime = time.Since(start)
	return res, err
}

// progress is what a run carries from epoch to epoch: the counters, the
// values the stopping tests compare and what a Checkpoint saves of them.
type progress struct {
	epoch             int
	f, loss           float64 // objective and loss at the current point
	first, prev, best float64 // objective at the start, after the last epoch, lowest yet
	lr, gnorm, val    float64 // scheduled rate, gradient norm and validation loss now
	bestVal           float64 // early stopping: the best validation loss, its point
	bestX             []float64
	wait              int // epochs since bestVal improved
	status            lsq.Status
}

// newRun allocates the state of a run and initialises the optimiser.
func newRun(p Problem, set *settings, o Optimizer) (*run, *rand.PCG) {
	d := p.Dim
	m := &run{p: p, s: set, o: o, dim: d}
	m.x = make([]float64, d)
	m.g = make([]float64, d)
	m.gb = make([]float64, d)
	m.tmp = make([]float64, d)
	o.Init(d)
	if ps, ok := o.(penalizedSetter); ok && p.Penalized > 0 {
		ps.setPenalized(p.Penalized)
	}
	if ps, ok := o.(proxSetter); ok && set.proximal {
		ps.setProx(set.Penalty, set.penalized)
	}
	pcg := rand.NewPCG(set.Seed, pcgStream)
	m.pcg = pcg
	m.rng = rand.New(pcg)
	if set.stochastic && p.Batches == nil {
		m.perm = make([]int, p.Samples)
	}
	m.lip = math.NaN()
	m.fast = fastSGD(p, set, o)
	if set.average {
		m.avg, m.tail = make([]float64, d), make([]float64, d)
	}
	return m, pcg
}

// begin sets the start point and base rate: x0 and the automatic or given
// rate, or, when resuming, the checkpoint's point, counters and states.
func (m *run) begin(x0 []float64, cp *Checkpoint, pcg *rand.PCG, pr *progress) error {
	set := m.s
	if cp == nil {
		copy(m.x, x0)
		m.step = 0
		if m.avg != nil {
			copy(m.avg, x0)
			copy(m.tail, x0)
		}
		m.baseLR = set.LearningRate
		if m.baseLR == 0 {
			m.baseLR = m.autoRate()
		}
		return nil
	}
	copy(m.x, cp.X)
	pr.epoch, m.step, m.baseLR = cp.Epoch, cp.Step, cp.LR
	if set.LearningRate != 0 {
		m.baseLR = set.LearningRate
	}
	if err := m.restore(cp, pcg); err != nil {
		return err
	}
	pr.bestVal, pr.wait = cp.BestVal, cp.Wait
	if m.avg != nil {
		if len(cp.AvgX) != m.dim {
			return fmt.Errorf("optim: checkpoint has no average of the iterates (Average was off when it was written)")
		}
		copy(m.avg, cp.AvgX)
		m.avgN = cp.AvgN
		// A checkpoint of a version with one average holds the average
		// since the last restart, which is the tail's.
		copy(m.tail, cp.AvgX)
		m.tailN = cp.AvgN
		if len(cp.TailX) == m.dim {
			copy(m.tail, cp.TailX)
			m.tailN = cp.TailN
		}
	}
	if cp.BestX != nil {
		pr.bestX = append([]float64(nil), cp.BestX...)
	}
	return nil
}

// atStart evaluates the start point and applies the tests that may end the
// run before its first epoch: a start that is not finite, and the gap or
// gradient tolerance already met. Where it can, it takes the first epoch
// meanwhile (evalStart), and undoes it when these tests end the run.
func (m *run) atStart(ctx context.Context, pr *progress, cp *Checkpoint) error {
	set := m.s
	m.evalStart(ctx, pr)
	defer func() {
		if pr.status != lsq.NotTerminated {
			m.undoAhead()
		}
	}()
	pr.first, pr.prev, pr.best = pr.f, math.NaN(), pr.f
	if cp != nil {
		pr.first, pr.prev, pr.best = cp.First, cp.Prev, cp.Best
	}
	pr.lr = m.rate(pr.epoch)
	pr.gnorm = m.gradNorm(pr.lr)
	pr.val = m.validation()
	pr.status = lsq.NotTerminated
	switch {
	case !lsq.Finite([]float64{pr.f}) || !lsq.Finite(m.g):
		pr.status = lsq.Failure
		return fmt.Errorf("optim: objective %v or its gradient is not finite at the start point", pr.f)
	case set.Optimum != nil:
		if set.Optimum.Closed(pr.f, pr.first) {
			pr.status = lsq.GapTolerance
		}
	case set.gradTol >= 0 && pr.gnorm <= set.gradTol:
		pr.status = lsq.GradientTolerance
	}
	return nil
}

// next runs one epoch and its tests, in order: the epoch limit and the
// context (before the epoch), then, after it, the record, divergence, early
// stopping, the schedule's observation and the stopping tests. It sets
// pr.status and returns the error that ends the run, if any.
func (m *run) next(ctx context.Context, pr *progress, start time.Time) error {
	set, p := m.s, m.p
	if pr.epoch >= set.epochs {
		pr.status = lsq.IterationLimit
		return nil
	}
	if err := ctx.Err(); m.ahead == nil && err != nil {
		// (An epoch taken ahead was taken after the context was checked.)
		pr.status = lsq.Canceled
		return err
	}
	pr.epoch++
	r := m.runEpoch(pr.epoch, pr.f)
	it, lr, batchBad := r.it, r.lr, r.bad
	pr.lr = lr
	if r.err != nil {
		pr.status = lsq.Failure
		return r.err
	}
	switch {
	case batchBad:
		pr.f, pr.loss = math.NaN(), math.NaN()
	case set.stepper == nil:
		pr.f, pr.loss = m.eval(m.g, m.point())
	default:
		pr.f, pr.loss = m.lastF, m.lastLoss
	}
	f := pr.f
	pr.gnorm = m.gradNorm(lr)
	pr.val = m.validation()
	it.Step, it.LR, it.Loss, it.Objective, it.GradNorm, it.ValLoss = m.step, lr, pr.loss, f, pr.gnorm, pr.val
	it.Gap = math.NaN()
	if o := set.Optimum; o != nil {
		it.Gap = o.Gap(f, pr.first)
	}
	it.Elapsed = time.Since(start)
	if set.Recorder != nil {
		if err := set.Recorder.Record(it); err != nil {
			pr.status = lsq.Failure
			return err
		}
	}
	if batchBad || math.IsNaN(f) || math.IsInf(f, 0) || math.IsNaN(pr.gnorm) || math.IsInf(pr.gnorm, 0) ||
		set.diverged(f, pr.first, pr.best) {
		pr.status = lsq.Diverged
		return m.divergence(pr.epoch, f, pr.best, lr)
	}
	pr.best = math.Min(pr.best, f)
	if m.earlyStop(pr) {
		return nil
	}
	if set.scheduleObserver != nil {
		if p.Validation != nil {
			set.scheduleObserver.Observe(pr.val)
		} else {
			set.scheduleObserver.Observe(f)
		}
	}
	pr.status = set.judge(f, pr.prev, pr.first, pr.gnorm, lr/m.baseLR)
	pr.prev = f
	return nil
}

// result is the run's Result at its end, without the checkpoint and
// runtime.
func (m *run) result(pr *progress) *Result {
	return &Result{
		X:           m.point(),
		Averaged:    m.avg != nil && m.avgN > 0,
		Objective:   pr.f,
		First:       pr.first,
		Loss:        pr.loss,
		GradNorm:    pr.gnorm,
		ValLoss:     pr.val,
		Status:      pr.status,
		LR:          m.baseLR,
		FinalLR:     pr.lr,
		Epochs:      pr.epoch,
		Steps:       m.step,
		Evaluations: m.evals,
		Lipschitz:   m.lip,
	}
}

// run is the state of one Minimize call.
type run struct {
	p             Problem
	s             *settings
	o             Optimizer
	dim           int
	x, g, gb, tmp []float64
	perm          []int
	drawn         bool       // perm holds the next epoch's order already (evalStart)
	pcg           *rand.PCG  // the generator of the orders and mini-batches
	rng           *rand.Rand // rand.New(pcg)
	step, evals   int
	baseLR, lip   float64
	lastF         float64
	lastLoss      float64
	evalLossCache float64
	clipped       int
	preClip       float64
	stepEval      func(grad, x []float64) float64
	fast          *kernel.LS  // batch-1 SGD on a LeastSquares problem, see fastSGD
	ahead         *aheadEpoch // the first epoch, taken beside the start's evaluation
	avg           []float64   // the average of the iterates (Settings.Average), nil without
	avgN          int         // iterates in avg
	tail          []float64   // the average begun at the last restart, avg's successor
	tailN         int         // iterates in tail
}

// point is where the fit is evaluated: the average of the iterates when
// averaging (once it holds one), the iterate otherwise.
func (m *run) point() []float64 {
	if m.avg != nil && m.avgN > 0 {
		return m.avg
	}
	return m.x
}

// restartsAverage reports whether a new window of the average of the
// iterates begins at the start of the given epoch (1-based): epochs 1, 2,
// 3, 5, 9, 17, …, 2^k + 1.
func restartsAverage(epoch int) bool {
	e := epoch - 1
	return e&(e-1) == 0 // 0 or a power of two
}

// restartAverage begins a new window at a restart epoch: the average
// reported becomes the one begun at the restart before (tail), and tail
// starts afresh. After epoch E, 2^k < E ≤ 2^(k+1), the reported average
// then covers epochs 2^(k−1)+1 … E (from epoch 1 for E ≤ 2): at least the
// last half of the epochs run and at most the last three quarters. With a
// single window, restarted at 2^k+1, it covered E − 2^k epochs, as few as
// one just after a restart.
func (m *run) restartAverage(epoch int) {
	if m.avg == nil || !restartsAverage(epoch) {
		return
	}
	copy(m.avg, m.tail)
	m.avgN, m.tailN = m.tailN, 0
}

// accumulate adds the current iterate to the running averages.
func (m *run) accumulate() {
	if m.avg == nil {
		return
	}
	runningMean(m.avg, &m.avgN, m.x)
	runningMean(m.tail, &m.tailN, m.x)
}

// runningMean adds v to the mean of *n vectors: mean += (v − mean)/(*n+1).
func runningMean(mean []float64, n *int, v []float64) {
	*n++
	w := 1 / float64(*n)
	for j, x := range v {
		mean[j] += w * (x - mean[j])
	}
}

// eval returns the objective and the data loss at x and stores the gradient
// the optimiser should see in g: of the loss plus the penalty, or of the loss
// alone with Proximal.
func (m *run) eval(g, x []float64) (f, loss float64) {
	return m.evalWith(m.p.LossGrad, g, x)
}

// evalWith is eval with the loss and its gradient computed by lossGrad.
func (m *run) evalWith(lossGrad func(g, x []float64) float64, g, x []float64) (f, loss float64) {
	m.evals++
	loss = lossGrad(g, x)
	f = loss
	if pen := m.s.Penalty; pen != nil {
		k := m.s.penalized
		f += pen.Value(x[:k])
		if !m.s.proximal && g != nil {
			pen.AddGrad(g[:k], x[:k])
		}
	}
	return f, loss
}

// clip applies the clipping settings to g and keeps the epoch's counts.
func (m *run) clip(g []float64) {
	n := floats.Norm(g, 2)
	m.preClip = math.Max(m.preClip, n)
	clipped := false
	if c := m.s.ClipNorm; c > 0 && n > c {
		floats.Scale(c/n, g)
		clipped = true
	}
	if c := m.s.ClipValue; c > 0 {
		for j, v := range g {
			if v > c {
				g[j], clipped = c, true
			} else if v < -c {
				g[j], clipped = -c, true
			}
		}
	}
	if clipped {
		m.clipped++
	}
}

func (m *run) prox(lr float64) {
	if m.s.proximal {
		k := m.s.penalized
		m.s.Penalty.Prox(m.x[:k], m.o.(proxStepper).proxStep(lr))
	}
}

// epoch runs one epoch of updates. It reports a non-finite mini-batch loss
// (divergence detected inside the epoch) and line-search failures.
func (m *run) epoch(epoch int, f float64, it *lsq.Iteration) (lr float64, bad bool, err error) {
	m.clipped, m.preClip = 0, 0
	defer func() { it.Clipped, it.PreClipNorm = m.clipped, m.preClip }()
	lr = m.rate(epoch - 1)
	switch {
	case m.s.stepper != nil:
		m.preClip = floats.Norm(m.g, 2)
		if m.stepEval == nil {
			m.stepEval = func(grad, x []float64) float64 {
				fx, lx := m.eval(grad, x)
				m.evalLossCache = lx
				return fx
			}
		}
		fNew, _, serr := m.s.stepper.Step(m.x, m.g, f, lr, m.stepEval)
		if serr != nil {
			return lr, false, serr
		}
		m.step++
		// The accepted point was the last one evaluated.
		m.lastF, m.lastLoss = fNew, m.evalLossCache
		if fNew == f {
			m.lastLoss = m.lastLossAt()
		}
	case !m.s.stochastic:
		copy(m.gb, m.g)
		m.clip(m.gb)
		m.o.Update(m.x, m.gb, lr)
		m.prox(lr)
		m.step++
	case m.p.Batches != nil:
		m.restartAverage(epoch)
		return m.sourceEpoch(lr)
	default:
		if !m.drawn {
			shuffle(m.perm, m.pcg, m.s.ShuffleBlock)
		}
		m.drawn = false
		m.restartAverage(epoch)
		if m.fast != nil {
			return m.fastEpoch(lr)
		}
		for lo := 0; lo < len(m.perm); lo += m.s.batch {
			if m.s.StepSchedule {
				lr = m.rate(0)
			}
			rows := m.perm[lo:min(lo+m.s.batch, len(m.perm))]
			if !m.batchStep(m.p.BatchLossGrad(m.gb, m.x, rows), lr) {
				return lr, true, nil
			}
		}
	}
	return lr, false, nil
}

// sourceEpoch runs an epoch whose mini-batches the Problem draws itself
// (Problem.Batches).
func (m *run) sourceEpoch(lr float64) (float64, bool, error) {
	bad := false
	err := m.p.Batches(m.rng, m.s.batch, func(lossGrad func(grad, x []float64) float64) error {
		if m.s.StepSchedule {
			lr = m.rate(0)
		}
		if bad = !m.batchStep(lossGrad(m.gb, m.x), lr); bad {
			return errBadBatch
		}
		return nil
	})
	if err == errBadBatch {
		err = nil
	}
	return lr, bad, err
}

// errBadBatch ends a Batches epoch at a non-finite mini-batch loss.
var errBadBatch = errors.New("optim: non-finite mini-batch loss")

// batchStep takes one mini-batch step from the batch gradient in m.gb and
// its loss bl; it reports false, without stepping, when bl is not finite.
func (m *run) batchStep(bl, lr float64) bool {
	if pen := m.s.Penalty; pen != nil && !m.s.proximal {
		k := m.s.penalized
		pen.AddGrad(m.gb[:k], m.x[:k])
	}
	if math.IsNaN(bl) || math.IsInf(bl, 0) {
		return false
	}
	m.clip(m.gb)
	m.o.Update(m.x, m.gb, lr)
	m.prox(lr)
	m.step++
	m.accumulate()
	return true
}

// lastLossAt recomputes the loss when a Stepper made no move.
func (m *run) lastLossAt() float64 {
	_, l := m.eval(nil, m.x)
	return l
}

// gradNorm is ‖g‖, or with Proximal the norm of the gradient mapping.
func (m *run) gradNorm(lr float64) float64 {
	if !m.s.proximal {
		return floats.Norm(m.g, 2)
	}
	x := m.point()
	copy(m.tmp, x)
	floats.AddScaled(m.tmp, -lr, m.g)
	k := m.s.penalized
	m.s.Penalty.Prox(m.tmp[:k], lr)
	s := 0.0
	for j := range m.tmp {
		d := (x[j] - m.tmp[j]) / lr
		s += d * d
	}
	return math.Sqrt(s)
}

func (m *run) validation() float64 {
	if m.p.Validation == nil {
		return math.NaN()
	}
	return m.p.Validation(m.point())
}
