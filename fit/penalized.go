package fit

import (
	"context"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/enet"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/penalty"
)

// ReferenceTol is the duality-gap tolerance (relative, enet's Tol) of the
// coordinate-descent reference solution for L1 and elastic-net penalties.
const ReferenceTol = 1e-12

// elasticNet returns α and ρ of an L1, elastic-net or L2 penalty, with ok
// false for any other penalty.
func elasticNet(p penalty.Penalty) (alpha, rho float64, ok bool) {
	switch v := p.(type) {
	case nil:
		return 0, 0, true
	case penalty.L1:
		return v.Alpha, 1, true
	case penalty.ElasticNet:
		return v.Alpha, v.L1Ratio, true
	case penalty.L2:
		return v.Alpha, 0, true
	}
	return 0, 0, false
}

// penalizedFit runs the cd or fista solver (package enet).
func penalizedFit(ctx context.Context, x *mat.Dense, y []float64, s *Settings, pen penalty.Penalty, res *Result, start time.Time) (*Result, error) {
	alpha, rho, ok := elasticNet(pen)
	if !ok {
		return nil, &PenaltyError{Solver: res.Solver}
	}
	er, err := enet.Fit(ctx, x, y, alpha, rho, enetSettings(s, res.Solver))
	if er == nil {
		return nil, err
	}
	res.penalized(er, mse(x, y, s.Weights, er.Coef, er.Intercept), start)
	return res, err
}

// enetSettings are package enet's settings for a cd or fista fit.
func enetSettings(s *Settings, solver Solver) *enet.Settings {
	es := &enet.Settings{Weights: s.Weights, Unstandardized: s.Raw, NoIntercept: s.NoIntercept, MaxIter: s.Optim.Epochs}
	if solver == FISTA {
		es.Solver = enet.ProximalGradient
	}
	if t := s.GapTol; t > 0 && t < 1 {
		es.Tol = t
	}
	return es
}

// penalized fills the result of a cd or fista fit from package enet's,
// with the mean squared error mse of its coefficients.
func (res *Result) penalized(er *enet.Result, mse float64, start time.Time) {
	res.Coef, res.Intercept = er.Coef, er.Intercept
	res.Status = er.Status
	res.Iterations = er.Iterations
	res.Objective = er.Objective
	res.DualityGap = er.Gap
	res.MSE = mse
	res.RMSE = math.Sqrt(res.MSE)
	res.Reference = &lsq.Linear{Coef: er.Coef, Intercept: er.Intercept}
	res.ReferenceSolver = res.Solver.String()
	res.ExactObjective = er.Objective
	res.FitTime = time.Since(start)
}

// PenaltyError is a penalty the chosen solver cannot handle.
type PenaltyError struct{ Solver Solver }

func (e *PenaltyError) Error() string {
	return "solver " + e.Solver.String() + " handles l1, elasticnet and l2 penalties only"
}

// reference computes the solution an iterative fit is compared with.
func reference(ctx context.Context, x *mat.Dense, y []float64, s *Settings, res *Result, ls *linear.Settings, pen penalty.Penalty) error {
	switch p := pen.(type) {
	case nil, penalty.L2:
		ex, err := exactFit(x, y, ls, res.Center, res.Scale, s.PolyX)
		if err != nil {
			return err
		}
		res.Exact = ex
		res.Reference = &lsq.Linear{Coef: ex.Coef, Intercept: ex.Intercept}
		res.ReferenceSolver = ls.Method.String()
		if ls.Ridge > 0 {
			res.ReferenceSolver += " (ridge, augmented system)"
		}
		return nil
	case penalty.L1, penalty.ElasticNet:
		alpha, rho, _ := elasticNet(p)
		er, err := enet.Fit(ctx, x, y, alpha, rho, &enet.Settings{Weights: s.Weights, Unstandardized: s.Raw, NoIntercept: s.NoIntercept, Tol: ReferenceTol})
		if err != nil {
			return err
		}
		res.Reference = &lsq.Linear{Coef: er.Coef, Intercept: er.Intercept}
		res.ReferenceSolver = "cd (duality gap 1e-12)"
		return nil
	case penalty.L2SP:
		return l2spReference(x, y, s, res, ls, p)
	}
	res.ExactNote = "no reference solution for this penalty"
	return nil
}

// l2spReference solves min (1/2W)Σw(y − Zθ − b)² + α/2‖θ − θ₀‖² in closed
// form: with θ = θ₀ + v it is ridge on v for the response y − Zθ₀.
func l2spReference(x *mat.Dense, y []float64, s *Settings, res *Result, ls *linear.Settings, p penalty.L2SP) error {
	n, d := x.Dims()
	ref := p.Ref
	if ref == nil {
		ref = make([]float64, d)
	}
	// Zθ₀ = X·(θ₀/s) − Σ μ_j θ₀_j/s_j; the constant is absorbed by the intercept.
	raw0 := make([]float64, d)
	for j := range d {
		raw0[j] = ref[j]
		if res.Scale != nil {
			raw0[j] /= res.Scale[j]
		}
	}
	shifted := make([]float64, n)
	for i := range n {
		shifted[i] = y[i] - dot(x.RawRowView(i), raw0)
	}
	rs := *ls
	rs.Ridge = p.Alpha
	ex, err := exactFit(x, shifted, &rs, res.Center, res.Scale, nil)
	if err != nil {
		return err
	}
	coef := make([]float64, d)
	for j := range d {
		coef[j] = ex.Coef[j] + raw0[j]
	}
	res.Reference = &lsq.Linear{Coef: coef, Intercept: ex.Intercept}
	res.ReferenceSolver = ls.Method.String() + " (L2-SP as ridge about the start)"
	return nil
}

// mse is the (weighted) mean squared error of a linear model.
func mse(x *mat.Dense, y, w []float64, coef []float64, b float64) float64 {
	n, _ := x.Dims()
	var s float64
	for i := range n {
		r := y[i] - b - dot(x.RawRowView(i), coef)
		s += weight(w, i) * r * r
	}
	return s / sumWeights(w, n)
}
