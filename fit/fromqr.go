package fit

import (
	"context"
	"math"
	"time"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stream"
)

// FromQR fits the problem Stream fits from q, the QR accumulator of its
// rows already folded: by stream.FoldQR, or elsewhere and merged
// (stream.QR.Merge) or decoded (stream.QR.UnmarshalBinary), as a
// distributed fold hands it over. The accumulator is all the qr and cd
// solvers read: qr solves the (ridge) least-squares problem from its
// triangular factor R (stream.QR.Solve), and cd the lasso, elastic-net and
// L2 problem from the weighted covariances R gives (stream.QR.Moments,
// enet.FitMoments), each exactly as Stream does after its fold — Stream is
// stream.FoldQR followed by FromQR for those solvers, to the bit.
//
// s is checked as for Stream. The iterative solvers, which read the
// partitions again (mini-batches) or start from the rows' fold in Stream,
// are a *SettingsError naming Solver, as are svd and cholesky; NoIntercept
// must match the accumulator (stream.QR.Intercept), or it is a
// *SettingsError naming NoIntercept. A nil or empty q is stream.ErrNoData.
func FromQR(ctx context.Context, q *stream.QR, s *Settings) (*Result, error) {
	start := time.Now()
	s, err := streamSettings(s)
	if err != nil {
		return nil, err
	}
	solver := s.Solver
	if solver != QR && solver != CD {
		return nil, &SettingsError{"Solver", solver.String() + ": FromQR solves from the accumulator alone, exactly (qr) or by coordinate descent on its moments (cd); an iterative solver reads the partitions (Stream)"}
	}
	if q == nil {
		return nil, stream.ErrNoData
	}
	if q.Intercept() == s.NoIntercept {
		return nil, &SettingsError{"NoIntercept", "must match the accumulator, which was folded " + map[bool]string{true: "with", false: "without"}[q.Intercept()] + " an intercept column"}
	}
	return fromQR(ctx, q, s, start)
}

// fromQR is FromQR after the checks; start is when the fit began (before
// the fold, for Stream).
func fromQR(ctx context.Context, q *stream.QR, s *Settings, start time.Time) (*Result, error) {
	if s.Solver == CD {
		return cdFromQR(ctx, q, s, start)
	}
	res, _, _, _, err := exactFromQR(q, s, nil)
	if err != nil {
		return nil, err
	}
	ex := res.Streamed
	res.Coef, res.Intercept = ex.Coef, ex.Intercept
	res.Status = lsq.Converged
	res.MSE = ex.RSS / ex.SumWeights
	res.RMSE = math.Sqrt(res.MSE)
	res.Objective = res.ExactObjective
	res.FitTime = time.Since(start)
	return res, nil
}

// exactFromQR solves the no-penalty or ridge problem of s from q, in the
// standardisation of the accumulator unless s.Raw: the fit of the qr solver
// and the reference (and exact objective) of every iterative one. It
// returns the standardisation and the loss-and-gradient problem the
// iterative solvers minimise, drawing its mini-batches from shuffle when
// that is not nil.
func exactFromQR(q *stream.QR, s *Settings, shuffle *stream.Shuffle) (res *Result, center, scale []float64, prob optim.Problem, err error) {
	pen := canonicalPenalty(s.Penalty)
	intercept := !s.NoIntercept
	if !s.Raw {
		center, scale = q.Standardization()
	}
	ex, err := q.Solve(ridgeOf(pen), scale)
	if err != nil {
		return nil, nil, nil, prob, err
	}
	res = &Result{Solver: s.Solver, N: int(ex.Rows), FitIntercept: intercept, DualityGap: math.NaN(), Streamed: ex,
		Reference: &lsq.Linear{Coef: ex.Coef, Intercept: ex.Intercept}, ReferenceSolver: "qr-stream"}
	if !s.Solver.Exact() {
		res.Center, res.Scale = center, scale
	}
	prob = q.Problem(center, scale, shuffle)
	res.ExactObjective = objectiveAt(prob, pen, res.Reference, center, scale, intercept)
	return res, center, scale, prob, nil
}
