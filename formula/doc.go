// Package formula parses R-style model formulas (the subset shared by R's
// lm and Python's patsy) and builds design matrices from named columns:
//
//	y ~ x1 + x2 + I(x1^2) + x1:x2 - 1
//	log(y) ~ poly(x, 3) + exp(-x/10)
//	y ~ . - 1
//
// See Parse for the grammar. Formula.Build turns raw columns (numbers, text,
// missing cells) into a design as R's model.frame and model.matrix do:
// factors with treatment coding, orthogonal poly(), offset(), rows with
// missing values dropped or refused; its Encoding (levels, polynomial
// bases) rebuilds the same columns on new data for prediction.
// Formula.Design is the same for numeric columns in memory.
// The design matrix never contains a constant column: Formula.Intercept
// tells the solver whether to fit an intercept.
package formula // import "github.com/lsqgo/lsq/formula"
