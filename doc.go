// Package lsq is the shared vocabulary of the lsq least-squares library: the
// linear model, why an iterative solver stopped (Status), what it did each
// iteration (Iteration) and who watches it (Recorder).
//
// The algorithms live in subpackages:
//
//	linear    exact solvers: pivoted Householder QR (double-double), SVD, Cholesky; ridge
//	stats     inference: standard errors, tests, intervals, robust errors
//	penalty   L1, L2, elastic net and L2-SP penalties
//	schedule  learning-rate schedules
//	optim     gradient-descent update rules and the one driver that runs them
//	enet      coordinate descent and FISTA for lasso and elastic net; paths, CV
//	nls       nonlinear least squares (Levenberg–Marquardt, Gauss–Newton)
//	net       small neural networks on the same objective, by the same driver
//	expr      model expressions with exact derivatives
//	fit       an exact or iterative linear fit beside the exact optimum, with the gap
//	stream    mergeable accumulators for one-pass and distributed fits
//	data      CSV and Parquet readers; formula: R-style designs
//	modelio   model files; report: plots and the HTML report
//
// One problem, one definition: the objective throughout is glmnet's (and,
// without weights, scikit-learn's)
//
//	(1/2W)·Σ wᵢ(yᵢ − xᵢᵀw − b)² + α(ρ‖w‖₁ + (1−ρ)/2·‖w‖²),   W = Σ wᵢ,
//
// with the intercept b never penalised and the penalty on the coefficients of
// the standardised features (Moments) unless raw. Package fit states it once
// in fit.Settings and fits it to rows in memory (fit.Matrix) or to a stream
// (fit.Stream) by any solver; every iterative solver runs under
// optim.Minimize and succeeds only within its tolerance of the exact optimum
// (Status GapTolerance), never on a small change between epochs.
//
// Where to start: fit.Matrix(ctx, x, y, nil) fits rows held in a gonum
// matrix by pivoted QR, and its Result carries the coefficients (an
// lsq.Linear, whose Predict predicts); fit.Stream fits rows read from files
// (data.ScanFile) a block at a time. The runnable Examples of each package
// are the recipes: fit (exact, weighted, gradient descent beside the exact
// answer, streamed, from files), enet (a lasso fit, path and cross-validation),
// nls (curves), net (small networks), modelio (save, load, predict), stats
// (the summary and intervals). A setting that does not apply to a call is
// refused by name, never silently ignored: an error (fit.SettingsError,
// enet.SettingsError, nls.SettingsError; net.Train's errors name the field),
// or in linear and stats, whose invalid settings are programming errors, a
// panic.
package lsq // import "github.com/lsqgo/lsq"
