// Package optim is the gradient-descent family of lsq: update rules (SGD,
// Momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW), three full-batch
// methods that evaluate the objective themselves (GD with Armijo
// backtracking, L-BFGS, and FISTA for proximal fits), and one driver,
// Minimize, that runs any of them.
//
// # Problems
//
// A Problem is a loss with its gradient: LeastSquares builds the linear
// least-squares loss (1/2n)‖y − Zθ‖² on a standardised design read in place,
// and FuncGrad any smooth function from its value and gradient. The
// parameter vector of a linear problem is θ = [β..., b]: the coefficients on
// the standardised scale and then the intercept, which is never penalised
// (Problem.Penalized = d). Unstandardize maps θ back to the raw scale.
//
// # The driver
//
// Minimize owns epochs, mini-batches (drawn from a PCG generator with an
// explicit seed), the learning rate and its schedule (package schedule), the
// penalty (package penalty: its gradient, or a proximal step), gradient
// clipping, divergence detection, stopping rules, early stopping on a
// validation loss, cancellation through the context, and recording
// (lsq.Recorder). The optimisers are only update rules.
//
// # Learning rate
//
// The automatic rate (Settings.LearningRate = 0) is 1/L for full-batch
// gradient methods, where L is the largest eigenvalue of the Hessian of the
// loss (for least squares (1/n)Z̃ᵀZ̃ with the intercept column, by power
// iteration without forming it) plus the penalty's curvature: gradient
// descent on a quadratic diverges beyond 2/L. Mini-batch SGD and momentum
// methods derive theirs from the same L (see SGD.DefaultRate); the adaptive
// methods use PyTorch's defaults, or, when Problem.Scale gives the size of
// the solution's coordinates, rates in its units (AdaGrad's D/√2 of Duchi
// et al., Adam's 1e-3 of Kingma & Ba, Keras's 1e-3 for RMSProp). The epoch
// limit counts work, not passes: DefaultEpochs gives small problems the
// steps their conditioning needs. Settings.Average reports the tail average
// of a stochastic fit's iterates (Polyak–Ruppert). RangeTest runs Smith's
// learning-rate range test.
//
// # Reproducibility
//
// The same Settings.Seed gives bit-identical results for any GOMAXPROCS: the
// least-squares gradient is reduced over fixed row blocks in a fixed order.
// Result.Checkpoint holds the complete state at an epoch boundary (optimiser
// moments, schedule state, generator state); Settings.Resume continues from
// it exactly as if the fit had not stopped.
package optim // import "github.com/lsqgo/lsq/optim"
