package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"unsafe"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/internal/kernel"
)

// Problem is what Minimize minimises: a smooth data loss, optionally a mean
// over Samples rows so that mini-batches can be drawn, plus the penalty given
// in Settings on the first Penalized coordinates. Nil function fields mean
// "not available". Build one from a data matrix with LeastSquares, or from any
// value-and-gradient pair with FuncGrad.
type Problem struct {
	// Dim is the number of parameters. Required.
	Dim int

	// LossGrad returns the full-batch loss at x and, when grad is not nil,
	// stores its gradient in grad. Required.
	LossGrad func(grad, x []float64) float64

	// Samples is the number of rows the loss averages over, and
	// BatchLossGrad the loss and gradient over the listed rows only. Both are
	// needed for mini-batch methods; without them every method runs on the
	// full batch.
	Samples       int
	BatchLossGrad func(grad, x []float64, rows []int) float64

	// Batches, when not nil, draws the mini-batches of an epoch itself, for
	// a source whose rows cannot be indexed (a stream read through a shuffle
	// buffer): it calls step once per mini-batch of up to batch rows, drawn
	// with rng, with that batch's loss-and-gradient function, and returns
	// the first error step returns. Minimize uses it instead of
	// BatchLossGrad when the batch size is below Samples; the update,
	// penalty, clipping and schedule are the driver's as for any batch.
	Batches func(rng *rand.Rand, batch int, step func(lossGrad func(grad, x []float64) float64) error) error

	// Penalized is the number of leading coordinates the penalty applies to;
	// the rest (the intercept) are never penalised. Minimize panics when a
	// penalty is given and Penalized is 0.
	Penalized int

	// Lipschitz returns L, the largest eigenvalue of the loss's Hessian (a
	// Lipschitz constant of its gradient), for the automatic learning rate and
	// the 2/L stability bound. When nil, Minimize estimates the local value
	// at the start point by power iteration on finite-difference
	// Hessian-vector products.
	Lipschitz func() float64

	// Scale is the typical size D of the solution's coordinates, for the
	// default rates of the adaptive methods, which move each coordinate by
	// about η per step whatever the gradient's scale, so that their rates
	// are in the units of the parameters (the rates from L of the other
	// methods adapt to the problem's scale by themselves). With it AdaGrad's
	// default rate is D/√2 and RMSProp's, Adam's and AdamW's 1e-3·D (see
	// their types). For least squares on standardised features D is the
	// standard deviation of y, the size of the standardised coefficients
	// (package fit sets it). 0 means unknown: PyTorch's rates.
	Scale float64

	// Validation returns the loss on held-out data at x; nil when there is
	// none. It drives early stopping and the Plateau schedule.
	Validation func(x []float64) float64

	// FeatureScales stores, for each penalised coordinate, the scale of its
	// input as the optimiser sees it (the root mean square of the column);
	// used only to explain a divergence. May be nil.
	FeatureScales func(dst []float64)

	// ls is the kernel of a LeastSquares problem and lsBatch and lsLoss
	// the identities of the BatchLossGrad and LossGrad made with it:
	// Minimize steps on ls directly for batch-1 SGD while BatchLossGrad is
	// still that function, and evaluates the start beside the first epoch
	// while LossGrad is too.
	ls              *kernel.LS
	lsBatch, lsLoss uintptr
}

// funcID returns the identity of a func value, the address of its closure,
// so that Minimize can tell whether a Problem's BatchLossGrad or LossGrad is
// still the one LeastSquares made (func values cannot be compared).
func funcID[F any](f F) uintptr {
	return *(*uintptr)(unsafe.Pointer(&f))
}

// FuncGrad returns the Problem of minimising a smooth f: R^dim → R with
// gradient grad, evaluated on the full batch. grad may be nil, in which case
// the gradient is estimated by central differences (slow and less accurate:
// prefer the analytic one).
func FuncGrad(dim int, f func(x []float64) float64, grad func(g, x []float64)) Problem {
	if dim <= 0 || f == nil {
		panic("optim: FuncGrad needs dim > 0 and a function")
	}
	if grad == nil {
		xt := make([]float64, dim)
		grad = func(g, x []float64) {
			copy(xt, x)
			for j := range x {
				h := 1e-6 * math.Max(1, math.Abs(x[j]))
				xt[j] = x[j] + h
				fp := f(xt)
				xt[j] = x[j] - h
				fm := f(xt)
				xt[j] = x[j]
				g[j] = (fp - fm) / (2 * h)
			}
		}
	}
	return Problem{
		Dim: dim,
		LossGrad: func(g, x []float64) float64 {
			if g != nil {
				grad(g, x)
			}
			return f(x)
		},
	}
}

// LeastSquares returns the linear least-squares problem
//
//	minimise (1/2W) Σ_i w_i (y_i − z_iᵀβ − b)²,   W = Σ_i w_i,
//
// where z_i is row i of x standardised by centre and scale ((x_ij − μ_j)/s_j;
// nil centre means 0 and nil scale 1). The parameter vector is θ = [β..., b]
// with the intercept b last when intercept is true, and Penalized = d. With
// unit weights the loss is (1/2n)‖r‖² and its gradient (1/n)Zᵀr, the
// textbook pair. weights nil means all 1.
//
// y and weights are copied; x is read in place, never copied or
// standardised (see internal/kernel): one fused pass per gradient, parallel
// over fixed row blocks and bit-identical for any GOMAXPROCS. The mini-batch gradient over a list of rows runs on
// the calling goroutine. Lipschitz is the largest eigenvalue of the Hessian
// (1/W)Z̃ᵀdiag(w)Z̃ (Z̃ with the intercept column), found once by power
// iteration without forming it. The Problem's functions share work space:
// use one Problem in one Minimize at a time.
//
// Minimize runs plain SGD with BatchSize 1 on this Problem (no penalty, no
// clipping) on a fused path: per row one dot product and one update of θ,
// with the floating-point operations of BatchLossGrad followed by
// SGD.Update, so the same bits, in a third (raw rows) to two thirds
// (standardised rows) of the time. Replacing
// BatchLossGrad in a copy of the Problem (to wrap it) switches this off.
//
// A mini-batch's loss is normalised by the sum of its rows' weights. Without
// an intercept, pass a nil centre: centring implies an offset the model
// cannot then fit.
//
// It panics if the shapes disagree, a weight is negative or a scale is 0.
func LeastSquares(x *mat.Dense, y, weights []float64, intercept bool, center, scale []float64) Problem {
	k := newKernel(x, y, weights, intercept, center, scale)
	d := k.Dim()
	nf := d
	if intercept {
		nf--
	}
	lip := math.NaN()
	// A closure of its own, so that its identity is this Problem's.
	batch := func(grad, x []float64, rows []int) float64 { return k.BatchLossGrad(grad, x, rows) }
	loss := k.LossGrad
	return Problem{
		ls:            k,
		lsBatch:       funcID(batch),
		lsLoss:        funcID(loss),
		Dim:           d,
		LossGrad:      loss,
		Samples:       k.Rows(),
		BatchLossGrad: batch,
		Penalized:     nf,
		Lipschitz: func() float64 {
			if math.IsNaN(lip) {
				lip = k.MaxEigen(lipschitzTol, 200)
			}
			return lip
		},
		FeatureScales: k.ColumnRMS,
	}
}

// lipschitzTol is the relative change at which the power iteration for L
// stops. The estimate approaches L from below; with a convergence ratio
// λ₂/λ₁ ≤ 0.99 the remaining error is at most 100 times the last change,
// 1%, which moves the automatic rate 1/L by 1% and nowhere near 2/L.
const lipschitzTol = 1e-4

func newKernel(x *mat.Dense, y, weights []float64, intercept bool, center, scale []float64) *kernel.LS {
	raw := x.RawMatrix()
	if len(y) != raw.Rows {
		panic(fmt.Sprintf("optim: %d rows in x, %d targets", raw.Rows, len(y)))
	}
	return kernel.NewLS(raw.Data, raw.Rows, raw.Cols, raw.Stride, y, weights, intercept, center, scale)
}

// LeastSquaresLoss returns the loss function of LeastSquares(x, y, weights,
// intercept, center, scale) alone, for Problem.Validation: pass the held-out
// rows with the training set's centre and scale.
func LeastSquaresLoss(x *mat.Dense, y, weights []float64, intercept bool, center, scale []float64) func(theta []float64) float64 {
	k := newKernel(x, y, weights, intercept, center, scale)
	return func(theta []float64) float64 { return k.LossGrad(nil, theta) }
}

// Unstandardize maps parameters on the standardised scale, θ = [β..., b]
// (b only with intercept), to coefficients and intercept on the raw scale:
//
//	coef_j = β_j/s_j,   intercept = b − Σ_j μ_j·coef_j.
//
// nil centre means 0 and nil scale 1.
func Unstandardize(theta, center, scale []float64, intercept bool) (coef []float64, b float64) {
	d := len(theta)
	if intercept {
		d--
		b = theta[d]
	}
	coef = make([]float64, d)
	for j := range coef {
		c := theta[j]
		if scale != nil {
			c /= scale[j]
		}
		coef[j] = c
		if center != nil {
			b -= center[j] * c
		}
	}
	return coef, b
}
