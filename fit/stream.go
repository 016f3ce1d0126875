package fit

import (
	"context"
	"time"

	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stream"
)

// Stream fits the problem Matrix fits to rows read from partitions (files,
// row groups, a pipe), with memory independent of the number of rows: the
// same objective, standardisation, penalty scaling, optimisers and stopping
// rule, so a streamed fit equals the in-memory fit of the same rows.
//
// One pass folds the partitions into a tall-skinny QR accumulator (in
// parallel, merged in partition order: stream.FoldQR), which gives the
// standardisation, the exact solution (the reference of every iterative fit,
// and the fit itself for the qr solver) and the loss and gradient at any
// parameters without reading the rows again (stream.QR.Problem). The
// full-batch optimisers (gd, lbfgs, and any with Optim.BatchSize 0) therefore
// need no further pass; the stochastic ones with a mini-batch read the
// partitions once per epoch through a shuffle buffer of ShuffleBuffer rows.
// Each partition must be readable again for that.
//
// The cd solver (L1, elastic-net and L2 penalties) runs on the weighted
// covariances the accumulator gives (stream.QR.Moments), the problem
// Matrix's cd solves from the rows (enet.FitMoments).
//
// The solvers are qr, cd and the iterative ones; the penalties none and L2,
// and L1 and elastic net for cd. Settings that need the rows in memory
// (Weights: a stream's rows carry their weights; validation rows, Init, a
// fixed standardisation, PolyX; fista, which reads the rows at every
// iteration) and other solvers or penalties are a *SettingsError.
//
// For qr and cd, Stream is stream.FoldQR followed by FromQR: the same
// result, bit for bit, as FromQR of the folded accumulator.
func Stream(ctx context.Context, parts []stream.Chunks, s *Settings) (*Result, error) {
	s, err := streamSettings(s)
	if err != nil {
		return nil, err
	}
	solver := s.Solver
	start := time.Now()
	q, err := stream.FoldQR(ctx, parts, &stream.Settings{NoIntercept: s.NoIntercept})
	if err != nil {
		return nil, err
	}
	if solver == QR || solver == CD {
		return fromQR(ctx, q, s, start)
	}
	pen := canonicalPenalty(s.Penalty)
	intercept := !s.NoIntercept
	var shuffle *stream.Shuffle
	if s.Optim.BatchSize > 0 {
		shuffle = &stream.Shuffle{Parts: parts, Rows: s.ShuffleBuffer}
	}
	res, center, scale, prob, err := exactFromQR(q, s, shuffle)
	if err != nil {
		return nil, err
	}

	settings := s.Optim
	settings.Penalty = pen
	settings.Optimum = &optim.Optimum{Objective: res.ExactObjective, Tol: s.GapTol}
	res.GapTol = gapTol(s.GapTol)
	x0 := StartFromQR(q, &prob, center, scale)
	or, err := optim.Minimize(ctx, prob, x0, &settings, NewOptimizer(solver, s))
	res.finishIterative(or, intercept, s)
	res.FitTime = time.Since(start)
	mu, l := q.Hessian(center, scale, penalty.Curvature(pen))
	res.Why = &Why{LR: or.LR, Standardized: scale != nil}
	res.Why.fill(mu, l)
	return res, err
}

// checkStream is check for a streamed fit, with the solvers and penalties
// a stream takes (cd checks its own penalties in check).
func (s *Settings) checkStream(solver Solver) error {
	if err := s.check(solver, true); err != nil {
		return err
	}
	if solver == CD {
		return nil
	}
	if solver == SVD || solver == Cholesky {
		return &SettingsError{"Solver", solver.String() + ": a stream is solved exactly by tall-skinny QR (qr) or by an iterative solver"}
	}
	switch canonicalPenalty(s.Penalty).(type) {
	case nil, penalty.L2:
	default:
		return &SettingsError{"Penalty", "a streamed fit takes no penalty or L2 (ridge), whose exact solution the QR accumulator gives"}
	}
	return nil
}

// streamSettings returns the settings of a streamed fit (nil means the
// defaults), checked for what a stream can honour. An invalid solver is a
// programmer's error and panics.
func streamSettings(s *Settings) (*Settings, error) {
	if s == nil {
		s = &Settings{}
	}
	if !s.Solver.Valid() {
		panic("fit: unknown solver " + s.Solver.String())
	}
	if err := s.checkStream(s.Solver); err != nil {
		return nil, err
	}
	return s, nil
}
