package optim

import (
	"context"
	"math"
	"runtime"
	"slices"

	"github.com/lsqgo/lsq"
)

// The first epoch beside the evaluation of the start.
//
// Minimize evaluates the start point before its first epoch: the objective
// there is the reference of the divergence rule and of the stopping tests,
// and a start that is not finite, or already optimal, ends the fit before it
// steps. For batch-1 SGD on a LeastSquares problem (the fused path, fastSGD)
// the evaluation is a pass over the data bound by the memory's bandwidth,
// and the epoch a serial chain of steps bound by the latency of rows read in
// a random order; neither needs the other's result. evalStart then runs the
// evaluation on a goroutine of its own (kernel.LS.LossGradAlone, the bits of
// LossGrad) while the calling goroutine takes the epoch's steps (on the
// order it drew just before), which hides most of the evaluation (at n = 10⁶, d = 100 an
// epoch of about 0.14 s beside a pass of about 0.03 s; bench/README.md). When
// the tests at the start end the fit, the epoch is undone: θ, the step count
// and the generator's state are put back, and the result is that of a run
// that never stepped. Whether it ends is decided by the start's values
// alone, so either way the results are the bits of evaluating first.

// aheadEpoch is the first epoch taken beside the start's evaluation: what
// the epoch returned, and the state before it, to undo it.
type aheadEpoch struct {
	epochResult
	x0   []float64
	step int
	rng  []byte
}

// epochResult is what an epoch gives the run: its record so far, the
// scheduled rate, whether a mini-batch loss was not finite, and the error
// that ends the run.
type epochResult struct {
	it  lsq.Iteration
	lr  float64
	bad bool
	err error
}

// runEpoch takes the given epoch (1-based) from the objective f, or hands
// over the one taken ahead.
func (m *run) runEpoch(epoch int, f float64) epochResult {
	if a := m.ahead; a != nil {
		m.ahead = nil
		return a.epochResult
	}
	r := epochResult{it: lsq.Iteration{Epoch: epoch}}
	r.lr, r.bad, r.err = m.epoch(epoch, f, &r.it)
	return r
}

// canAhead reports whether the first epoch may be taken beside the start's
// evaluation: batch-1 SGD on the kernel of an unmodified LeastSquares
// problem (whose evaluation then reads nothing the steps write), without a
// validation set (evaluated at the start point too), with an epoch left to
// run, a context not yet done, and more than one processor to run both on.
func (m *run) canAhead(ctx context.Context, pr *progress) bool {
	return m.fast != nil && funcID(m.p.LossGrad) == m.p.lsLoss && m.p.Validation == nil &&
		pr.epoch < m.s.epochs && ctx.Err() == nil && runtime.GOMAXPROCS(0) > 1
}

// evalStart stores the objective and loss at the start point in pr and the
// gradient in m.g. When canAhead, it takes the first epoch meanwhile and
// keeps it in m.ahead.
func (m *run) evalStart(ctx context.Context, pr *progress) {
	if !m.canAhead(ctx, pr) {
		pr.f, pr.loss = m.eval(m.g, m.point())
		return
	}
	a := &aheadEpoch{x0: slices.Clone(m.x), step: m.step}
	var err error
	if a.rng, err = m.pcg.MarshalBinary(); err != nil {
		panic(err) // a PCG always marshals
	}
	// The order first, alone: drawn beside the pass, its random swaps in
	// 8n bytes miss the caches the pass streams through (an epoch at
	// n = 10⁶ took 27–30 ms with the draw beside the pass, 13–14 ms with
	// it first). The epoch takes the order as drawn (run.drawn) and clears
	// the flag: the generator makes the same calls in the same order.
	shuffle(m.perm, m.pcg, m.s.ShuffleBlock)
	m.drawn = true
	type value struct{ f, loss float64 }
	done := make(chan value)
	go func() {
		f, loss := m.evalWith(m.fast.LossGradAlone, m.g, a.x0)
		done <- value{f, loss}
	}()
	a.epochResult = m.runEpoch(pr.epoch+1, math.NaN())
	v := <-done
	pr.f, pr.loss = v.f, v.loss
	m.ahead = a
}

// undoAhead puts back the state before the epoch taken ahead, if any.
func (m *run) undoAhead() {
	a := m.ahead
	if a == nil {
		return
	}
	copy(m.x, a.x0)
	m.step = a.step
	if err := m.pcg.UnmarshalBinary(a.rng); err != nil {
		panic(err) // what MarshalBinary wrote
	}
	m.ahead = nil
}
