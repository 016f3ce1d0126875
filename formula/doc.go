// Package formula parses R-style model formulas (the subset shared by R's
// lm and Python's patsy) and builds design matrices from named columns:
//
//	y ~ x1 + x2 + I(x1^2) + x1:x2 - 1
//	log(y) ~ poly(x, 3) + exp(-x/10)
//	y ~ . - 1
//
// See Parse for the grammar and Formula.Design for the columns produced.
// The design matrix never contains a constant column: Formula.Intercept
// tells the solver whether to fit an intercept.
package formula // import "github.com/lsqgo/lsq/formula"
