package optim

import (
	"fmt"
	"math"
	"strings"
)

// DivergenceError explains why a fit diverged (status lsq.Diverged).
//
// The rule: a fit has diverged when, at the end of an epoch, the objective
// or the gradient norm is not finite, or the objective exceeds the starting
// objective and exceeds the best objective seen so far by more than
// (DivergeFactor − 1)·max(|best|, start − best), DivergeFactor 1e3 by default
// (for a positive objective, 1e3 times the best; the scale makes the rule
// hold for objectives of any sign and near zero); and at once, inside an epoch, when a mini-batch loss is
// not finite. On a quadratic, gradient descent with a constant rate η
// diverges exactly when η > 2/L (the update multiplies the error along the
// top eigenvector by 1 − ηL), so the message compares the rate with 2/L.
type DivergenceError struct {
	Epoch     int     // 1-based epoch in which divergence was detected
	Objective float64 // the objective then (may be NaN or ±Inf)
	Best      float64 // the best objective seen before
	LR        float64 // the learning rate in use
	Bound     float64 // 2/L, NaN when L is unknown
	Feature   int     // index of the input with the largest scale, −1 if unknown
	Scale     float64 // its root mean square as the optimiser sees it
	MinScale  float64 // the smallest such scale
}

func (e *DivergenceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "optim: diverged in epoch %d (objective %.4g, best %.4g)", e.Epoch, e.Objective, e.Best)
	if !math.IsNaN(e.Bound) {
		fmt.Fprintf(&b, ": learning rate %.4g is %.3g× the stability bound 2/L = %.4g", e.LR, e.LR/e.Bound, e.Bound)
	} else {
		fmt.Fprintf(&b, " at learning rate %.4g", e.LR)
	}
	if e.Feature >= 0 {
		fmt.Fprintf(&b, "; feature %d has the largest scale (RMS %.4g", e.Feature, e.Scale)
		if e.MinScale > 0 && e.MinScale != e.Scale {
			fmt.Fprintf(&b, ", smallest %.4g", e.MinScale)
		}
		b.WriteString(")")
	}
	b.WriteString(". ")
	switch {
	case !math.IsNaN(e.Bound) && e.LR > e.Bound:
		fmt.Fprintf(&b, "Use a rate below %.4g (the automatic rate is 1/L = %.4g)", e.Bound, e.Bound/2)
		if e.Feature >= 0 && e.Scale > 10 {
			b.WriteString(", or standardise the features")
		}
	case e.Feature >= 0 && e.Scale > 10:
		b.WriteString("Standardise the features, lower the rate, or clip gradients")
	default:
		b.WriteString("Lower the rate, clip gradients (ClipNorm), or look for extreme values in the data")
	}
	return b.String()
}
