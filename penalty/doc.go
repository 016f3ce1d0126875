// Package penalty provides the regularisation terms of the lsq objective
//
//	(1/2n)‖y − Xw − b‖² + R(w)
//
// as values with three operations: the penalty's value R(w), its (sub)gradient
// added into a gradient, and its proximal operator
//
//	prox_{tR}(v) = argmin_w  R(w) + ‖w − v‖²/(2t),
//
// which a proximal-gradient method (ISTA, FISTA; Beck & Teboulle 2009) applies
// after each gradient step on the smooth data loss, and which gives exact
// zeros for the L1 part.
//
// The scaling is scikit-learn's and glmnet's (Friedman, Hastie & Tibshirani
// 2010): the elastic net is α(ρ‖w‖₁ + (1−ρ)/2·‖w‖²), so a fit here and one
// there with the same α and ρ minimise the same objective.
//
// A penalty sees only the coordinates it should penalise: the caller passes
// the weights without the intercept (the intercept is never penalised).
package penalty // import "github.com/lsqgo/lsq/penalty"
