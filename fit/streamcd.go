package fit

import (
	"context"
	"math"
	"time"

	"github.com/lsqgo/lsq/enet"
	"github.com/lsqgo/lsq/stream"
)

// cdFromQR is FromQR with the cd solver: the weighted covariances of the
// QR accumulator (stream.QR.Moments, from the double-double factor when
// d ≤ stream.DoubleDoubleMaxFeatures) are all coordinate descent with
// covariance updates reads; enet.FitMoments then solves the problem
// penalizedFit solves from the rows, to the same duality gap. The mean
// squared error is the quadratic form of the moments (enet.Moments.MSE:
// about ε/(1 − R²) relative), not a second pass.
func cdFromQR(ctx context.Context, q *stream.QR, s *Settings, start time.Time) (*Result, error) {
	alpha, rho, _ := elasticNet(canonicalPenalty(s.Penalty)) // checkPenalized allowed L1, ElasticNet and L2
	if q.N() == 0 {
		return nil, stream.ErrNoData
	}
	res := &Result{Solver: CD, N: int(q.Rows()), FitIntercept: !s.NoIntercept, ExactObjective: math.NaN(), DualityGap: math.NaN()}
	if !s.Raw {
		res.Center, res.Scale = q.Standardization()
	}
	m := q.Moments()
	er, err := enet.FitMoments(ctx, &m, alpha, rho, enetSettings(s, CD))
	if er == nil {
		return nil, err
	}
	res.penalized(er, m.MSE(er.Coef), start)
	res.YMeanSquare = m.YY
	return res, err
}
