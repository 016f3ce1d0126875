// Package enet fits regularised linear least squares: the lasso, the elastic
// net and ridge regression, single fits, regularisation paths and k-fold
// cross-validation.
//
// # Objective
//
// Every function in the package minimises one objective, scikit-learn's and
// glmnet's, over the coefficients w and the intercept b:
//
//	(1/2n)‖y − Xw − b‖² + α(ρ‖w‖₁ + (1−ρ)/2·‖w‖²)
//
// α ≥ 0 is the penalty strength (scikit-learn's alpha, glmnet's λ) and
// ρ ∈ [0, 1] the mixing parameter (scikit-learn's l1_ratio, glmnet's α):
// ρ = 1 is the lasso, ρ = 0 ridge regression. The intercept is never
// penalised. With observation weights w_i ≥ 0 the data term is
//
//	(1/2Σw_i) Σ w_i (y_i − x_iᵀw − b)²
//
// which is what glmnet and scikit-learn solve: both rescale the weights to
// sum to n, and (1/2n)Σ(n w_i/Σw)r_i² is the expression above.
//
// # Standardisation
//
// By default the penalty applies to standardised coefficients, as in glmnet:
// each column is centred on its (weighted) mean and divided by its
// (weighted) population standard deviation s_j = √(Σv_i(x_ij − m_j)²), with
// v_i = w_i/Σw (the 1/n formula, not 1/(n−1)); the problem is solved for
// β_j = s_j·w_j and the coefficients are reported on the original scale,
// w_j = β_j/s_j, b = ȳ − Σ m_j w_j. Setting Settings.Unstandardized solves
// the problem exactly as written above, as scikit-learn does. No centred or
// scaled copy of X is made: column means and scales are folded into the
// arithmetic on the raw, row-major X, and the covariance updates centre 256
// rows at a time in a small buffer while forming the Gram matrix. The one
// exception is naive coordinate descent, which keeps a contiguous centred
// copy of each column once it becomes a candidate (at most n·d values):
// reading a column of row-major X touches a cache line per row, and that
// once per coordinate update is what makes naive updates slow otherwise.
// FISTA and RidgeLOO read X row by row. Columns that are constant carry no
// information and get a zero coefficient.
//
// glmnet also divides y by its (weighted, 1/n) standard deviation sd(y)
// before solving, and the ridge part of its penalty does not scale back
// linearly: for ρ < 1 its λ equals α here only when sd(y) = 1 (for the lasso
// the two agree for any y). To compare elastic-net numbers with glmnet, give
// both y/sd(y), as this package's reference tests do. cv.glmnet's fold fits
// each divide by their own fold's sd(y), so for ρ < 1 its curves are not
// those of one objective; CV here keeps the objective fixed.
//
// # Solvers
//
// CoordinateDescent (the default) is the cyclic coordinate descent of
// Friedman, Hastie and Tibshirani (2010), "Regularization paths for
// generalized linear models via coordinate descent", J. Stat. Softw. 33(1):
// each coordinate is updated in closed form by soft thresholding,
//
//	β_j ← S(g_j + G_jj β_j, αρ) / (G_jj + α(1−ρ)),   S(z, t) = sign(z)·max(|z| − t, 0)
//
// where g_j is the gradient of the data term's negative, z_jᵀV r. With
// covariance updates (the default when d ≤ 4096 and d ≤ n; glmnet's
// switch is d < 500, but naive updates are here the slower well beyond it)
// the means, variances, Gram matrix G = ZᵀVZ and ZᵀVy all come from one
// blocked pass over the rows, as the Gram matrix of the rows [1, x − m̂,
// y − m̂_y] about a shift m̂ sampled from the data and then corrected
// exactly to the weighted mean (a rank-one update), and each coordinate
// update costs O(d); with naive updates the residual r is kept and each
// update costs O(n). Sweeps alternate between the current set of
// candidates and its active (non-zero) subset, as glmnet does. Along a path
// the sequential strong rules of Tibshirani et al. (2012), "Strong rules for
// discarding predictors in lasso-type problems", J. R. Stat. Soc. B 74(2),
// discard predictors with |g_j| < ρ(2α_k − α_{k−1}); the Karush–Kuhn–Tucker
// conditions are checked on the discarded ones at convergence and violators
// are added back.
//
// ProximalGradient is FISTA (Beck and Teboulle 2009, "A fast iterative
// shrinkage-thresholding algorithm for linear inverse problems", SIAM J.
// Imaging Sci. 2(1)) with the gradient-based adaptive restart of
// O'Donoghue and Candès (2015), step 1/L with L the largest eigenvalue of
// ZᵀVZ (found by power iteration, times a 1% safety margin) plus α(1−ρ).
// The proximal step is soft thresholding, so zero coefficients are exactly
// zero.
//
// Both solvers stop on the duality gap, as scikit-learn's
// enet_coordinate_descent does: once the largest coefficient change in a
// sweep is at most Tol times the largest coefficient, the gap between the
// objective and a dual-feasible lower bound is computed and the solver stops
// when it is at most Tol·Σv_i(y_i − ȳ)². The dual point is the residual r,
// scaled by min(1, αρ/‖ZᵀVr‖∞) into the feasible set (scikit-learn's
// choice), or r itself when ρ < 1 makes the dual unconstrained, whichever
// bound is tighter; the gap then stays informative for ridge, where scikit-learn's
// bound degenerates to the objective itself. For α = 0 (plain least squares) there is no bounded dual: Gap is
// NaN and the coefficient-change test alone decides.
//
// # Path and cross-validation
//
// Path solves for a decreasing, log-spaced grid of α from α_max, the
// smallest α for which every coefficient is zero, α_max = max_j|z_jᵀV(y−ȳ)|/ρ,
// down to Eps·α_max, each fit starting from the previous one. For ρ below
// 1e-3 (ridge) α_max uses ρ = 1e-3, glmnet's convention, since no finite α
// zeroes a ridge fit.
//
// CV runs k-fold cross-validation along the same grid for each mixing value,
// reporting the mean validation mean squared error and its standard error per
// α as cv.glmnet does, the α with the least error and the largest α within
// one standard error of it (the one-standard-error rule), and a refit on all
// the data. RidgeLOO computes exact leave-one-out errors and generalised
// cross-validation for ridge from one eigendecomposition of the Gram matrix,
// as scikit-learn's RidgeCV does with its SVD.
//
// # Rows known by their moments
//
// Covariance updates read only the weighted means and covariances of the
// rows: G = ZᵀVZ, ZᵀV yc and Σv yc². FitMoments and PathMoments take them
// as a Moments (from a stream of files folded into a QR factor,
// stream.QR.Moments, or sums gathered elsewhere) and build the same
// problem Fit and Path build from the rows — the same standardisation,
// grid and stopping rule; given the moments Fit forms, the same bits.
//
// # Agreement with other programs
//
// The tests compare with stored results of scikit-learn 1.2 (Lasso,
// ElasticNet with and without weights, Ridge, RidgeCV, ElasticNetCV) and
// glmnet 4.1 (whole paths, weighted and unweighted, standardised or not,
// ridge, cv.glmnet) on a fixed 200×8 dataset with correlated columns, at
// tight tolerances: scikit-learn to 1e-12 relative, glmnet to 5e-8 (the
// limit of its own stopping rule), both well inside the 1e-6 the tests ask.
package enet // import "github.com/lsqgo/lsq/enet"
