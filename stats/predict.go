package stats

import (
	"fmt"
	"math"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// IntervalKind selects the interval on a prediction.
type IntervalKind int

const (
	// Confidence is the interval on the mean response at x₀.
	Confidence IntervalKind = iota + 1
	// Prediction is the interval on a new observation at x₀.
	Prediction
)

// String returns "confidence" or "prediction".
func (k IntervalKind) String() string {
	switch k {
	case Confidence:
		return "confidence"
	case Prediction:
		return "prediction"
	}
	return fmt.Sprintf("interval(%d)", int(k))
}

// Predictive is what intervals on the predictions of a fitted model need:
// Unscaled = (X̃ᵀWX̃)⁻¹ for a linear fit (the column of ones first with an
// intercept; linear.Result.Unscaled), or (JᵀWJ)⁻¹ at the estimates for a
// nonlinear one, the residual standard deviation σ̂ = √(RSS/DF) and DF.
// The covariance of the estimates is σ̂²·Unscaled.
type Predictive struct {
	Unscaled *mat.SymDense
	Sigma    float64
	DF       int
}

// NewPredictive returns the Predictive of an unpenalised linear fit; an
// error for a penalised fit or one with no residual degrees of freedom.
func NewPredictive(res *linear.Result) (*Predictive, error) {
	if res.Unscaled == nil {
		return nil, ErrPenalized
	}
	if res.DF == 0 {
		return nil, fmt.Errorf("stats: no residual degrees of freedom (n = %d, rank %d)", res.N, res.Rank)
	}
	sc, rss := res.SSScale, res.ScaledRSS
	if sc == 0 {
		sc, rss = 1, res.RSS
	}
	return &Predictive{Unscaled: res.Unscaled, Sigma: sc * math.Sqrt(rss/float64(res.DF)), DF: res.DF}, nil
}

// Interval returns the interval at the given level in (0, 1) around the
// prediction fit, g the gradient of the prediction with respect to the
// estimates (x̃₀ = (1, x₀) for a linear model with intercept, ∂f/∂θ at x₀
// for a nonlinear one: the delta method), as R's predict.lm and, for
// nonlinear models, investr's predFit compute it:
//
//	se² = σ̂² gᵀ Unscaled g              (Confidence)
//	se² = σ̂² gᵀ Unscaled g + σ̂²/w       (Prediction)
//	fit ∓ t(DF, (1 + level)/2)·se
//
// w is the weight of the new observation (R's predict.lm: "pred.var =
// res.var/weights"; 1 without weights). It panics if len(g) does not
// match Unscaled, level is not in (0, 1), or w ≤ 0 for a Prediction.
func (p *Predictive) Interval(kind IntervalKind, fit float64, g []float64, level, w float64) (lwr, upr float64) {
	if !(level > 0 && level < 1) {
		panic(fmt.Sprintf("stats: level %v not in (0, 1)", level))
	}
	se := p.StdErr(kind, g, w)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(p.DF)}.Quantile((1 + level) / 2)
	return fit - t*se, fit + t*se
}

// StdErr is the se of Interval.
func (p *Predictive) StdErr(kind IntervalKind, g []float64, w float64) float64 {
	q := p.Unscaled.SymmetricDim()
	if len(g) != q {
		panic(fmt.Sprintf("stats: gradient of length %d for %d estimates", len(g), q))
	}
	gv := mat.NewVecDense(q, g)
	v := p.Sigma * p.Sigma * mat.Inner(gv, p.Unscaled, gv)
	switch kind {
	case Confidence:
	case Prediction:
		if !(w > 0) {
			panic(fmt.Sprintf("stats: prediction weight %v must be positive", w))
		}
		v += p.Sigma * p.Sigma / w
	default:
		panic("stats: unknown interval kind")
	}
	return math.Sqrt(math.Max(v, 0))
}
