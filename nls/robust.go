package nls

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// Loss is a robust loss function ρ applied to the scaled squared residuals
// z = (rᵢ/C)², C = Settings.LossScale; the fit minimises
//
//	C²·Σᵢ ρ(rᵢ²/C²)
//
// (with weights, rᵢ is the weighted residual √wᵢ·rᵢ). The losses are those
// of scipy.optimize.least_squares: for small residuals ρ(z) ≈ z, so they
// agree with least squares; large residuals count less.
type Loss int

const (
	Linear Loss = iota // ρ(z) = z: ordinary least squares (the default)
	Huber              // ρ(z) = z for z ≤ 1, 2√z − 1 beyond: linear growth in |r|
	SoftL1             // ρ(z) = 2(√(1+z) − 1): a smooth Huber
	Cauchy             // ρ(z) = ln(1+z): strongly down-weights outliers; not convex
)

func (l Loss) String() string {
	switch l {
	case Linear:
		return "linear"
	case Huber:
		return "huber"
	case SoftL1:
		return "soft_l1"
	case Cauchy:
		return "cauchy"
	}
	return fmt.Sprintf("loss(%d)", int(l))
}

// rho returns ρ(z) and ρ'(z).
func (l Loss) rho(z float64) (float64, float64) {
	switch l {
	case Huber:
		if z <= 1 {
			return z, 1
		}
		s := math.Sqrt(z)
		return 2*s - 1, 1 / s
	case SoftL1:
		s := math.Sqrt(1 + z)
		return 2 * (s - 1), 1 / s
	case Cauchy:
		return math.Log1p(z), 1 / (1 + z)
	}
	return z, 1
}

// weighted returns the problem with residuals √wᵢ·rᵢ over the rows with
// wᵢ > 0 only: a row of weight zero is not an observation, so it does not
// count in the degrees of freedom either.
func weighted(p Problem, w []float64) Problem {
	var rows []int
	var sw []float64
	for i, v := range w {
		if v > 0 {
			rows = append(rows, i)
			sw = append(sw, math.Sqrt(v))
		}
	}
	full := make([]float64, p.M)
	q := Problem{M: len(rows), Residuals: func(r, x []float64) {
		p.Residuals(full, x)
		for k, i := range rows {
			r[k] = sw[k] * full[i]
		}
	}}
	if p.Jacobian != nil {
		var jf *mat.Dense
		q.Jacobian = func(j *mat.Dense, x []float64) {
			if jf == nil {
				jf = mat.NewDense(p.M, len(x), nil)
			}
			p.Jacobian(jf, x)
			for k, i := range rows {
				for c := range x {
					j.Set(k, c, sw[k]*jf.At(i, c))
				}
			}
		}
	}
	return q
}

// positive counts the positive weights.
func positive(w []float64) int {
	n := 0
	for _, v := range w {
		if v > 0 {
			n++
		}
	}
	return n
}

// robust minimises C²·Σ ρ(rᵢ²/C²) by iteratively reweighted least squares:
// each round fixes the weights wᵢ·ρ'(zᵢ) at the current point and solves
// that weighted problem (by the configured method). A fixed point has
// Σ ρ'(zᵢ)·rᵢ·∇rᵢ = 0, the stationarity condition of the robust objective,
// and since all the losses are concave in z each round lowers the objective
// (IRLS is then a majorise–minimise method; Huber 1981, section 7.8). Rounds
// stop when no parameter moves by more than 1e-10 relative, or after 100.
//
// The standard errors are those of the final weighted least-squares fit,
// the usual IRLS approximation to the M-estimator's covariance.
func robust(ctx context.Context, p Problem, x0 []float64, set settings, names []string) (*Result, error) {
	m := p.M
	base := set.weights
	if base == nil {
		base = make([]float64, m)
		for i := range base {
			base[i] = 1
		}
	}
	c2 := set.lossScale * set.lossScale
	r := make([]float64, m)
	w := make([]float64, m)
	x := append([]float64(nil), x0...)
	inner := set
	inner.loss = Linear
	var (
		res        *Result
		err        error
		evals, its int
		jevals     int
	)
	for round := 0; round < 100; round++ {
		p.Residuals(r, x)
		evals++
		if i := firstBad(r); i >= 0 {
			return nil, fmt.Errorf("residual %d is %v at the starting point", i+1, r[i])
		}
		for i := range r {
			z := base[i] * r[i] * r[i] / c2
			_, d := set.loss.rho(z)
			w[i] = base[i] * d
		}
		res, err = solveCore(ctx, weighted(p, w), x, inner, names)
		if res == nil || err != nil {
			if res != nil {
				res.Evaluations += evals
			}
			return res, err
		}
		evals += res.Evaluations
		jevals += res.JacEvaluations
		its += res.Iterations
		moved := 0.0
		for j := range x {
			moved = math.Max(moved, math.Abs(res.X[j]-x[j])/math.Max(math.Abs(x[j]), dwarf))
		}
		copy(x, res.X)
		if !res.Status.Converged() || moved <= 1e-10 {
			break
		}
		if round == 99 {
			res.Status = lsq.IterationLimit
			res.Message = "robust loss: 100 reweighting rounds without convergence"
		}
	}
	res.Residuals = make([]float64, m)
	p.Residuals(res.Residuals, res.X)
	evals++
	cost := 0.0
	for i, ri := range res.Residuals {
		v, _ := set.loss.rho(base[i] * ri * ri / c2)
		cost += c2 * v
	}
	res.Cost = cost
	res.Evaluations, res.JacEvaluations, res.Iterations = evals, jevals, its
	return res, nil
}
