// Package net fits fully connected neural networks (multilayer perceptrons)
// on lsq's least-squares objective
//
//	F(θ) = (1/2W) Σᵢ wᵢ Σₖ (f_k(zᵢ; θ) − ỹᵢₖ)² + R(θ_weights),   W = Σᵢ wᵢ,
//
// where zᵢ is row i standardised by lsq.Moments (unless Raw), ỹ the targets
// centred and scaled by their own moments (so that one learning rate suits
// targets of any unit), and R a penalty (L2, L2-SP) on the weight matrices
// only: biases and layer-norm gains, like an intercept, are never penalised.
// Every number a Result reports is on the targets' original scale.
//
// A network of L layers maps a⁰ = z through
//
//	uˡ = LN(Wˡ aˡ⁻¹ + bˡ),   aˡ = σˡ(uˡ) [+ aˡ⁻¹ with Residual, when the widths match]
//
// for the hidden layers l = 1..L−1 (LN the optional layer normalisation of
// Ba, Kiros & Hinton 2016, LN(v) = γ⊙(v − mean v)/√(var v + 1e-5) + β) and
// f = Wᴸ aᴸ⁻¹ + bᴸ for the linear output layer. Weight matrices are stored
// row-major, out × in, as PyTorch's nn.Linear stores them.
//
// Gradients are exact: reverse-mode differentiation (backpropagation;
// Rumelhart, Hinton & Williams 1986) written for this model, on blocks of
// up to 256 rows with the project's vectorised dot and axpy kernels, in a
// fixed order (the same bits for any GOMAXPROCS), without allocation per batch. The same
// backward pass gives the Jacobian of the residuals, for Levenberg–Marquardt
// (package nls). Training runs under optim.Minimize, the driver of every
// iterative fit in lsq, so every optimiser, schedule, clipping rule, penalty
// and early-stopping rule applies unchanged.
//
// Each full-batch evaluation also measures, per layer, the norm of the
// gradient of the weights and biases and the root mean square of the layer's
// output: the quantities of Glorot & Bengio (2010) and He et al. (2015) that
// show gradients vanishing or exploding with depth. A Recorder sees them
// each epoch.
//
// A trained network can be continued on new data (Settings.Start), pulled
// toward its weights by the L2-SP penalty, with layers frozen
// (Settings.Freeze), and its output layer refitted exactly by least squares
// on the frozen hidden layers (RefitHead), which is also the known optimum a
// fine-tune of the head alone is measured against.
//
// With the identity activation (a deep linear network) the end-to-end map is
// linear, so the optimum of F over θ is the ordinary least-squares objective
// whenever every hidden width is at least min(inputs, outputs) (Baldi &
// Hornik 1989: every local minimum is then global); Train computes it
// exactly and reports the gap to it, as for linear fits: F − F* relative to
// optim.Optimum's scale, max(|F*|, 1e-8·(F₀ − F*)), for the network returned
// (after Settings.RefitHead).
package net
