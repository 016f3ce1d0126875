package optim

import (
	"fmt"
	"math"

	"github.com/lsqgo/lsq"
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
	// A Stepper always steps on the full batch: BatchSize with one is
	// refused (Applicable).
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
	// tail of the run, in windows that begin at epochs 1, 2, 3, 5, 9, 17, …
	// (2^k + 1): after epoch E, 2^k < E ≤ 2^(k+1), the average reported
	// covers epochs 2^(k−1)+1 … E, at least the last half of the epochs run
	// and at most three quarters, and so forgets the start point (tail
	// averaging; Jain, Kakade, Kidambi, Netrapalli & Sidford, JMLR 2018);
	// the window begun at 2^k+1 is kept beside it and takes over at
	// 2^(k+1)+1. The objective, the
	// gradient, the stopping tests, early stopping and the Recorder see the
	// average; the updates continue from the last iterate. It applies to
	// stochastic fits only (BatchSize below Problem.Samples): on the full
	// batch there is no noise to average, and Result.Averaged is false; with
	// a Stepper, which always steps on the full batch, it is refused
	// (Applicable).
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
	// Not for a Stepper, which bounds its steps itself (Applicable).
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
//     objective that stops moving within RoundingGap of F* (relative) is
//     at the optimum to working precision: GapTolerance, whatever Tol.
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

// Scale is D = max(|F*|, 1e-8·(F₀ − F*)), what the gap F − F* is judged
// relative to, given the objective F₀ at the start of the fit: F* itself,
// or, when F* is about 0 (a problem the model fits exactly, where a gap
// relative to F* would measure rounding against rounding), a hundred-
// millionth of the gap the fit had to close.
func (o *Optimum) Scale(first float64) float64 {
	return math.Max(math.Abs(o.Objective), 1e-8*(first-o.Objective))
}

// Gap is the relative gap (F − F*)/D (D = Scale(F₀)) that Tol bounds. It is
// negative when F is below F* by rounding; when D = 0 (the fit started at
// F* = 0) it is 0 for F ≤ F* and +Inf above.
func (o *Optimum) Gap(f, first float64) float64 {
	diff, d := f-o.Objective, o.Scale(first)
	switch {
	case d > 0:
		return diff / d
	case diff <= 0:
		return 0
	}
	return math.Inf(1)
}

// Closed reports whether F is within Tol of the optimum: F − F* ≤ Tol·D,
// the test that ends a fit with lsq.GapTolerance. It is false when the test
// is off (Tol < 0).
func (o *Optimum) Closed(f, first float64) bool {
	tol := o.Tolerance()
	return tol > 0 && o.within(f, first, tol)
}

// RoundingGap is the relative gap (F − F*)/D (Optimum.Gap) within which F
// and F* agree to working precision: about 450 units of rounding of F, the
// accuracy to which a sum of n squared residuals and F* themselves are
// known. An objective that stops moving within it of F* is at the optimum
// (GapTolerance, whatever Tol); a gap of either sign within it is rounding,
// not a distance (ShownGap).
const RoundingGap = 1e-13

// ShownGap is a relative gap as a report prints it: 0 when it is within
// rounding of zero, |gap| ≤ RoundingGap (a fit at the optimum to working
// precision, perhaps a little below F*), else gap itself.
func ShownGap(gap float64) float64 {
	if math.Abs(gap) <= RoundingGap {
		return 0
	}
	return gap
}

// DefaultGapTol is the relative gap tolerance that Optimum.Tol 0 means.
const DefaultGapTol = 1e-10

// Tolerance returns Tol with its default resolved: DefaultGapTol for 0; a
// negative Tol (the test off) is returned as it is.
func (o *Optimum) Tolerance() float64 {
	if o.Tol == 0 {
		return DefaultGapTol
	}
	return o.Tol
}

// within reports whether F − F* ≤ tol·D.
func (o *Optimum) within(f, first, tol float64) bool {
	return f-o.Objective <= tol*o.Scale(first)
}

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
	if err := s.Applicable(o); err != nil {
		panic(err)
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
