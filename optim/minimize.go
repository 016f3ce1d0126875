package optim

import (
	"bytes"
	"context"
	"encoding"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/kernel"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/schedule"
)

// Settings configures Minimize. The zero value (or a nil *Settings) means
// every default; defaults are resolved into a private copy and never written
// back.
type Settings struct {
	// LearningRate is the base rate η₀; 0 means automatic: the optimiser's
	// DefaultRate given L, the largest eigenvalue of the Hessian of the loss
	// plus the penalty's Curvature — 1/L for full-batch gradient methods,
	// smaller with mini-batches, PyTorch's defaults for the adaptive ones
	// (rates in units of Problem.Scale when it is set).
	LearningRate float64

	// Schedule multiplies η₀ (nil means constant). It is evaluated with
	// t = the number of epochs completed, or, when StepSchedule is true, the
	// number of updates made. A schedule that is a schedule.Observer is given
	// the validation loss (or, without a validation set, the objective)
	// after each epoch.
	Schedule     schedule.Schedule
	StepSchedule bool

	// Epochs is the limit on epochs (full passes; for L-BFGS and GD,
	// iterations). 0 means DefaultEpochs(Problem.Samples, Problem.Dim): 1000,
	// or more for small problems. On resume it counts from the first epoch
	// of the original fit.
	Epochs int

	// BatchSize is the mini-batch size; 0, or at least Problem.Samples, means
	// the full batch. Each epoch draws a fresh permutation of the rows from a
	// PCG generator seeded with Seed, so the same seed gives the same batches.
	BatchSize int
	Seed      uint64

	// ShuffleBlock, above 1, replaces the random permutation of each epoch
	// by a blocked shuffle: the rows are cut into blocks of ShuffleBlock
	// consecutive rows (the last block shorter), the blocks are visited in a
	// fresh random order each epoch, and the rows of a block one after the
	// other in storage order. 0 and 1 mean the full permutation (1 gives
	// the same bits as 0). Within a block the rows are read sequentially,
	// which the memory system streams: batch-1 SGD on rows far larger than
	// the caches is bound by the random access of the full permutation (on
	// the reference machine one core reads an 800-byte row at a random
	// place in about 160 ns at best, against about 40 ns in storage order),
	// and blocks of 64 such rows take a serial reader to about 80 ns, of 512
	// to about 50. The rows inside a block are not shuffled: that would
	// bring back random access inside the block and a random draw a row, and
	// it would not separate the rows a block keeps together.
	//
	// The price is statistical: the same neighbours arrive together, in the
	// same order, every epoch, and a mini-batch comes from one or two blocks
	// instead of the whole data. When the storage order is unrelated to the
	// data (rows already shuffled) that changes little; when it is not (rows
	// sorted by time, by a feature or by the target) the stochastic
	// gradients are correlated over a block and the iterates wander further
	// from the optimum. Measured with plain SGD at a constant rate, batch 1
	// and 32, the gap to the optimum after 1 and 10 epochs: with rows in
	// generated order, blocks of 8 and 64 stay within the spread between
	// seeds; with rows sorted by the target the gap after one epoch grows up
	// to 1.5× at 64, after ten it does not (bench/README.md, "Blocked
	// shuffles").
	//
	// It applies to stochastic fits whose rows are in memory
	// (Problem.BatchLossGrad); with a Problem that draws its own mini-batches
	// (Problem.Batches), or with a negative value, Minimize panics.
	ShuffleBlock int

	// Average reports the average of the iterates instead of the last one
	// (Polyak–Ruppert averaging: Ruppert 1988; Polyak & Juditsky 1992;
	// scikit-learn's SGDRegressor(average=True)). With a constant rate the
	// iterates of a stochastic method wander about the optimum at a distance
	// that grows with the rate; their average does not, and for least
	// squares averaged constant-rate SGD converges at the statistical rate
	// O(1/t) (Bach & Moulines, NeurIPS 2013). The average is taken over the
	// tail of the run: it restarts at the start of epochs 1, 2, 3, 5, 9, 17,
	// … (2^k + 1), so that it always covers at least the last half of the
	// epochs run and forgets the start point (tail averaging; Jain, Kakade,
	// Kidambi, Netrapalli & Sidford, JMLR 2018). The objective, the
	// gradient, the stopping tests, early stopping and the Recorder see the
	// average; the updates continue from the last iterate. It applies to
	// stochastic fits only (BatchSize below Problem.Samples): on the full
	// batch there is no noise to average, and Result.Averaged is false.
	Average bool

	// Penalty is added to the loss on the first Problem.Penalized
	// coordinates. By default its (sub)gradient is added to the gradient;
	// with Proximal the optimiser steps on the loss alone and then applies
	// the penalty's proximal operator with the step's rate
	// (x ← prox_{ηR}(x − η∇L), proximal gradient / ISTA; Beck & Teboulle 2009),
	// which gives exact zeros for L1. Proximal works with FISTA (which
	// applies the operator itself; the accelerated method of choice), SGD,
	// Momentum and Nesterov: after a momentum update the proximal step is η(1−τ)/(1−μ)
	// (Nesterov: η(1 + μ(1−τ)/(1−μ))), the step such a rule takes along −g
	// at a fixed point, so that the fixed points are the penalised optimum.
	// The adaptive methods scale each coordinate differently and GD and
	// L-BFGS search along a direction, so with them Minimize panics.
	Penalty  penalty.Penalty
	Proximal bool

	// ClipNorm rescales a gradient whose Euclidean norm exceeds it to that
	// norm (PyTorch's clip_grad_norm_); ClipValue then clamps each component
	// to [−ClipValue, ClipValue] (clip_grad_value_). 0 means no clipping.
	// Steppers are not clipped (their line search bounds the step).
	ClipNorm, ClipValue float64

	// ObjectiveTol stops with lsq.ObjectiveTolerance when, after an epoch,
	// |F_prev − F| ≤ ObjectiveTol·max(|F|, |F_prev|). 0 means 1e-14, a
	// few units of rounding in F: the objective has stopped moving
	// measurably. Negative disables it.
	ObjectiveTol float64

	// GradTol stops with lsq.GradientTolerance when the Euclidean norm of the
	// objective's gradient (with Proximal: of the gradient mapping
	// (x − prox_{ηR}(x − η∇L))/η) is at most GradTol. 0 means 1e-8;
	// negative disables it.
	GradTol float64

	// Patience enables early stopping when the Problem has a Validation
	// loss: the fit stops with lsq.EarlyStopped after Patience epochs without
	// the validation loss falling below its best minus MinDelta, and the best
	// weights are restored. 0 disables it.
	Patience int
	MinDelta float64

	// DivergeFactor is the factor in the divergence rule of
	// DivergenceError. 0 means 1e3.
	DivergeFactor float64

	// Optimum, when not nil, is the known minimum of the objective: for a
	// linear least-squares problem lsq computes it exactly beside every
	// iterative fit. Success is then decided by the gap to it alone (see
	// Optimum), never by a small change between epochs: ObjectiveTol and
	// GradTol no longer end a fit as converged.
	Optimum *Optimum

	// Recorder, when not nil, is called once per epoch.
	Recorder lsq.Recorder

	// Resume continues a fit from the state saved in a Checkpoint: x0 is
	// ignored, the optimiser and schedule (which must be configured as before)
	// get their saved state, and the fit continues exactly as if it had not
	// stopped. Settings other than Epochs should be those of the first run.
	Resume *Checkpoint
}

// Optimum is the known minimum F* of an objective and the tolerance on the
// gap to it. With F the objective after an epoch and F₀ at the start,
// Minimize stops with
//
//   - lsq.GapTolerance when F − F* ≤ Tol·D, D = max(|F*|, 1e-8·(F₀ − F*))
//     (relative to F*, or, for a problem fitted exactly, F* = 0, to the
//     starting gap);
//   - lsq.Stalled when the gap is larger but the fit has stopped: the
//     objective changed by at most ObjectiveTol relative in the epoch (it
//     no longer moves measurably), or the scheduled learning rate fell below
//     1e-6 of the base rate η₀ (it can no longer close the gap). An
//     objective that stops moving within 1e-13 of F* (relative) is at the
//     optimum to working precision: GapTolerance, whatever Tol.
//
// The default gradient tolerance does not stop such a fit (a small gradient
// on an ill-conditioned problem can be far from the optimum); a GradTol set
// explicitly still does, with lsq.GradientTolerance: a gap in the objective
// of ε certifies the coefficients only to about √ε, so a fit wanted to more
// digits than that is run to a gradient norm instead.
type Optimum struct {
	Objective float64 // F*
	Tol       float64 // relative gap tolerance; 0 means 1e-10, negative turns the test off
}

// Result is the outcome of Minimize.
type Result struct {
	X           []float64     // final parameters (best ones after early stopping)
	Objective   float64       // loss plus penalty at X
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

// Checkpoint is the complete state of a fit at an epoch boundary. It
// implements encoding.BinaryMarshaler (exact bits, gob-encoded) so a model
// file can store it.
type Checkpoint struct {
	Epoch, Step   int
	X             []float64
	LR            float64 // the resolved base rate
	First, Prev   float64 // objective at the start and after the last epoch
	Best          float64 // best objective (divergence rule)
	BestVal       float64 // early stopping: best validation loss, its weights
	BestX         []float64
	Wait          int
	RNG           []byte // PCG state
	Optimizer     []byte
	Schedule      []byte
	ScheduleState bool
	// AvgX is the running average of the iterates since its last restart
	// and AvgN the number of iterates in it (Settings.Average); X is then
	// the last iterate, from which the updates continue.
	AvgX []float64
	AvgN int
}

// MarshalBinary encodes the checkpoint with encoding/gob, which keeps the
// exact bits of every float (NaN and ±Inf included).
func (c *Checkpoint) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode((*checkpointData)(c))
	return b.Bytes(), err
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (c *Checkpoint) UnmarshalBinary(b []byte) error {
	*c = Checkpoint{}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode((*checkpointData)(c)); err != nil {
		return fmt.Errorf("optim: reading checkpoint: %w", err)
	}
	return nil
}

// checkpointData has Checkpoint's fields without its methods, for gob.
type checkpointData Checkpoint

// pcgStream is the PCG stream constant used for mini-batch permutations.
const pcgStream = 0x6c73712d6f70746d // "lsq-optm"

type settings struct {
	Settings
	epochs           int
	objTol, gradTol  float64
	divergeFactor    float64
	penalized        int
	proximal         bool
	stochastic       bool
	average          bool
	batch            int
	stepper          Stepper
	scheduleObserver schedule.Observer
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
// Checkpoint resumes the fit exactly.
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
		m.avg = make([]float64, d)
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
		if set.gapClosed(pr.f, pr.first) {
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
	a := m.ahead
	if err := ctx.Err(); a == nil && err != nil {
		pr.status = lsq.Canceled
		return err
	}
	pr.epoch++
	var it lsq.Iteration
	var lr float64
	var batchBad bool
	var err error
	if a != nil {
		// Taken beside the start's evaluation, after the context was checked.
		it, lr, batchBad, err = a.it, a.lr, a.bad, a.err
		m.ahead = nil
	} else {
		it = lsq.Iteration{Epoch: pr.epoch}
		lr, batchBad, err = m.epoch(pr.epoch, pr.f, &it)
	}
	pr.lr = lr
	if err != nil {
		pr.status = lsq.Failure
		return err
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
		it.Gap = (f - o.Objective) / math.Abs(o.Objective)
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

// result is the run's Result at its end, without the checkpoint and
// runtime.
func (m *run) result(pr *progress) *Result {
	return &Result{
		X:           m.point(),
		Averaged:    m.avg != nil && m.avgN > 0,
		Objective:   pr.f,
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

// checkpoint is the state from which Settings.Resume continues the run
// exactly: the point, counters and stopping-test values, the generator,
// and the optimiser's and schedule's states when they have any.
func (m *run) checkpoint(pr *progress, pcg *rand.PCG) *Checkpoint {
	c := &Checkpoint{
		Epoch: pr.epoch, Step: m.step, X: append([]float64(nil), m.x...), LR: m.baseLR,
		First: pr.first, Prev: pr.prev, Best: pr.best, BestVal: pr.bestVal, Wait: pr.wait,
	}
	if pr.bestX != nil {
		c.BestX = append([]float64(nil), pr.bestX...)
	}
	if m.avg != nil {
		c.AvgX, c.AvgN = append([]float64(nil), m.avg...), m.avgN
	}
	c.RNG, _ = pcg.MarshalBinary()
	if st, ok := m.o.(encoding.BinaryMarshaler); ok {
		c.Optimizer, _ = st.MarshalBinary()
	}
	if sm, ok := m.s.Schedule.(encoding.BinaryMarshaler); ok {
		c.Schedule, _ = sm.MarshalBinary()
		c.ScheduleState = true
	}
	return c
}

// judge applies the stopping tests after an epoch: with a known optimum the
// gap decides (see Optimum); without one, the gradient and objective
// tolerances. rate is the scheduled rate over the base rate.
func (s *settings) judge(f, prev, first, gnorm, rate float64) lsq.Status {
	still := s.objTol >= 0 && math.Abs(prev-f) <= s.objTol*math.Max(math.Abs(f), math.Abs(prev))
	if s.Optimum != nil {
		switch {
		case s.gapClosed(f, first):
			return lsq.GapTolerance
		case s.GradTol > 0 && gnorm <= s.GradTol:
			return lsq.GradientTolerance
		case still && s.gapWithin(f, first, floorGap):
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

// floorGap is the relative gap below which an objective that no longer moves
// is at the optimum to working precision: about 450 units of rounding of F,
// the accuracy to which a sum of n squared residuals and F* themselves are
// known.
const floorGap = 1e-13

// gapClosed reports whether F is within the tolerance of the known optimum.
func (s *settings) gapClosed(f, first float64) bool {
	tol := s.Optimum.Tol
	if tol == 0 {
		tol = 1e-10
	}
	return tol > 0 && s.gapWithin(f, first, tol)
}

// gapWithin reports whether F − F* ≤ tol·max(|F*|, 1e-8·(F₀ − F*)).
func (s *settings) gapWithin(f, first, tol float64) bool {
	o := s.Optimum
	den := math.Max(math.Abs(o.Objective), 1e-8*(first-o.Objective))
	return f-o.Objective <= tol*den
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

// restore loads the generator, optimiser and schedule state of a checkpoint.
func (m *run) restore(cp *Checkpoint, pcg *rand.PCG) error {
	if err := pcg.UnmarshalBinary(cp.RNG); err != nil {
		return fmt.Errorf("optim: checkpoint generator state: %w", err)
	}
	if st, ok := m.o.(encoding.BinaryUnmarshaler); ok {
		if err := st.UnmarshalBinary(cp.Optimizer); err != nil {
			return fmt.Errorf("optim: checkpoint does not fit this optimiser (%T): %w", m.o, err)
		}
	}
	su, ok := m.s.Schedule.(encoding.BinaryUnmarshaler)
	switch {
	case ok && cp.ScheduleState:
		if err := su.UnmarshalBinary(cp.Schedule); err != nil {
			return fmt.Errorf("optim: checkpoint does not fit this schedule (%T): %w", m.s.Schedule, err)
		}
	case ok != cp.ScheduleState:
		return fmt.Errorf("optim: checkpoint schedule state (%v) does not fit the schedule %T", cp.ScheduleState, m.s.Schedule)
	}
	return nil
}

func (s *settings) resolve(p Problem, o Optimizer) {
	s.epochs = s.Epochs
	if s.epochs == 0 {
		s.epochs = DefaultEpochs(p.Samples, p.Dim)
	}
	if s.epochs < 0 {
		panic(fmt.Sprintf("optim: negative Epochs %d", s.Epochs))
	}
	s.objTol = s.ObjectiveTol
	if s.objTol == 0 {
		s.objTol = 1e-14
	}
	if math.IsNaN(s.objTol) {
		s.objTol = -1
	}
	s.gradTol = s.GradTol
	if s.gradTol == 0 {
		s.gradTol = 1e-8
	}
	if math.IsNaN(s.gradTol) {
		s.gradTol = -1
	}
	s.divergeFactor = s.DivergeFactor
	if s.divergeFactor == 0 {
		s.divergeFactor = 1e3
	}
	if !(s.divergeFactor > 1) {
		panic(fmt.Sprintf("optim: DivergeFactor must be > 1, got %v", s.DivergeFactor))
	}
	if s.ClipNorm < 0 || s.ClipValue < 0 || s.BatchSize < 0 || s.Patience < 0 || s.ShuffleBlock < 0 {
		panic("optim: ClipNorm, ClipValue, BatchSize, Patience and ShuffleBlock must be non-negative")
	}
	if s.LearningRate < 0 || math.IsNaN(s.LearningRate) {
		panic(fmt.Sprintf("optim: LearningRate must be ≥ 0 (0 = automatic), got %v", s.LearningRate))
	}
	if s.Schedule == nil {
		s.Schedule = schedule.Constant{}
	}
	s.scheduleObserver, _ = s.Schedule.(schedule.Observer)
	if s.Penalty != nil {
		if p.Penalized <= 0 || p.Penalized > p.Dim {
			panic(fmt.Sprintf("optim: a penalty needs 0 < Problem.Penalized ≤ Dim, got %d", p.Penalized))
		}
		s.penalized = p.Penalized
	}
	s.proximal = s.Proximal && s.Penalty != nil
	s.stepper, _ = o.(Stepper)
	_, ps := o.(proxStepper)
	_, pset := o.(proxSetter)
	if s.proximal && !ps && !pset {
		panic(fmt.Sprintf("optim: Proximal needs FISTA, SGD, Momentum or Nesterov, not %T", o))
	}
	s.batch = s.BatchSize
	s.stochastic = s.stepper == nil && s.batch > 0 && (p.BatchLossGrad != nil || p.Batches != nil) && p.Samples > 0 && s.batch < p.Samples
	s.average = s.Average && s.stochastic
	if s.ShuffleBlock > 1 && s.stochastic && p.Batches != nil {
		panic("optim: ShuffleBlock orders rows in memory; this Problem draws its own mini-batches (Batches)")
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
	avgN          int         // iterates in avg since its last restart
}

// point is where the fit is evaluated: the average of the iterates when
// averaging (once it holds one), the iterate otherwise.
func (m *run) point() []float64 {
	if m.avg != nil && m.avgN > 0 {
		return m.avg
	}
	return m.x
}

// restartsAverage reports whether the average of the iterates restarts at
// the start of the given epoch (1-based): epochs 1, 2, 3, 5, 9, 17, …, so
// that after epoch E it covers epochs 2^k+1 … E with 2^k < E ≤ 2^(k+1), at
// least the last half.
func restartsAverage(epoch int) bool {
	e := epoch - 1
	return e&(e-1) == 0 // 0 or a power of two
}

// accumulate adds the current iterate to the running average.
func (m *run) accumulate() {
	if m.avg == nil {
		return
	}
	m.avgN++
	w := 1 / float64(m.avgN)
	for j, v := range m.x {
		m.avg[j] += w * (v - m.avg[j])
	}
}

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

func (m *run) rate(epoch int) float64 {
	t := epoch
	if m.s.StepSchedule {
		t = m.step
	}
	return m.baseLR * m.s.Schedule.Rate(t)
}

// lipschitz returns L of the loss plus the penalty's curvature, computing it
// once.
func (m *run) lipschitz() float64 {
	if !math.IsNaN(m.lip) {
		return m.lip
	}
	var l float64
	if m.p.Lipschitz != nil {
		l = m.p.Lipschitz()
	} else {
		l = m.estimateLipschitz()
	}
	m.lip = l + penalty.Curvature(m.s.Penalty)
	return m.lip
}

// estimateLipschitz runs power iteration on finite-difference Hessian-vector
// products Hv ≈ (∇L(x + εv) − ∇L(x))/ε at the start point.
func (m *run) estimateLipschitz() float64 {
	d := m.dim
	x0 := append([]float64(nil), m.x...)
	g0 := make([]float64, d)
	v := make([]float64, d)
	xt := make([]float64, d)
	hv := make([]float64, d)
	m.p.LossGrad(g0, x0)
	rng := rand.New(rand.NewPCG(3, 4))
	for j := range v {
		v[j] = 1 + rng.Float64()
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	eps := 1e-6 * math.Max(1, floats.Norm(x0, 2))
	lambda := 0.0
	for it := 0; it < 50; it++ {
		floats.AddScaledTo(xt, x0, eps, v)
		m.p.LossGrad(hv, xt)
		floats.Sub(hv, g0)
		floats.Scale(1/eps, hv)
		n := floats.Norm(hv, 2)
		if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
			break
		}
		done := math.Abs(n-lambda) <= 1e-4*n
		lambda = n
		floats.ScaleTo(v, 1/n, hv)
		if done {
			break
		}
	}
	if lambda == 0 {
		return math.NaN()
	}
	return lambda
}

// DefaultEpochs is the epoch limit when Settings.Epochs is 0: 1000, or, for
// a problem of n rows and dim parameters so small that 1000 passes cost less
// than WorkBudget multiply-adds, as many epochs as that budget pays for
// (⌈WorkBudget/(n·dim)⌉), at most MaxDefaultEpochs (on a few rows the cost
// of an epoch is the driver's, about a microsecond, not the pass's). Gradient methods need a number of steps that grows
// with the conditioning of the problem, not with its size (κ·ln(1/ε) for
// gradient descent at 1/L: Nesterov 2004, §2.1.5), so a limit counted in
// passes starves the small problems, which are cheap: the Longley data (16
// rows) needs about 10⁵ steps. The budget is about a tenth of a second of
// passes; the gap test (Settings.Optimum) ends a fit long before when it
// converges. n = 0 (not a sum over rows) means 1000.
func DefaultEpochs(n, dim int) int {
	const least = 1000
	if n <= 0 || dim <= 0 {
		return least
	}
	e := math.Ceil(WorkBudget / (float64(n) * float64(dim)))
	if e <= least {
		return least
	}
	return int(math.Min(e, MaxDefaultEpochs))
}

// MaxDefaultEpochs bounds DefaultEpochs.
const MaxDefaultEpochs = 1e6

// WorkBudget is the work, in multiply-adds of full passes n·dim, that
// DefaultEpochs allows a small problem.
const WorkBudget = 1e8

func (m *run) autoRate() float64 {
	l := math.NaN()
	switch m.o.(type) {
	case *AdaGrad, *RMSProp, *Adam, *AdamW:
		// Their defaults do not depend on L: do not pay for it.
	default:
		l = m.lipschitz()
	}
	frac := 1.0
	if m.s.stochastic {
		frac = float64(m.s.batch) / float64(m.p.Samples)
	}
	if sr, ok := m.o.(scaledRater); ok {
		if sc := m.p.Scale; sc > 0 && !math.IsInf(sc, 1) {
			return sr.scaledRate(sc)
		}
	}
	if dr, ok := m.o.(DefaultRater); ok {
		return dr.DefaultRate(l, frac)
	}
	return sgdRate(l, frac)
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
		if m.avg != nil && restartsAverage(epoch) {
			m.avgN = 0
		}
		return m.sourceEpoch(lr)
	default:
		shuffle(m.perm, m.pcg, m.s.ShuffleBlock)
		if m.avg != nil && restartsAverage(epoch) {
			m.avgN = 0
		}
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
