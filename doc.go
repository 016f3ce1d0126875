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
//	expr      model expressions with exact derivatives
//	fit       an exact or iterative linear fit beside the exact optimum, with the gap
//	stream    mergeable accumulators for one-pass and distributed fits
//	data      CSV and Parquet readers; formula: R-style designs
//	modelio   model files; report: plots and the HTML report
//
// The objective throughout is scikit-learn's and glmnet's
//
//	(1/2n)‖y − Xw − b‖² + α(ρ‖w‖₁ + (1−ρ)/2·‖w‖²)
//
// with the intercept b never penalised.
package lsq // import "github.com/lsqgo/lsq"
