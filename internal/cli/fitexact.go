package cli

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/stats"
)

// exactOf returns the exact least-squares (or ridge) fit the summary of a
// fit is read from, nil when there is none (cd, an exact solution skipped):
// the in-memory fit's linear.Result, or for a streamed fit the same numbers
// read off its QR accumulator (fit.Result.Streamed) — coefficients, rank,
// condition number, sums of squares, counts and (X̃ᵀWX̃)⁻¹ — so that one
// summary (stats.Summarize with the classical covariance) and one printer
// serve both. A stream keeps no rows, so its Residuals are nil: what needs
// them (residual tests, influence, robust covariances) is absent.
func exactOf(res *fit.Result) *linear.Result {
	s := res.Streamed
	if res.Exact != nil || s == nil {
		return res.Exact
	}
	return &linear.Result{
		Coef: s.Coef, Intercept: s.Intercept, HasIntercept: res.FitIntercept,
		// stream.QR.Solve works on the factor in double-double and refuses
		// a rank-deficient design (stream.SingularError).
		Method: linear.QR, Precision: linear.DoubleDouble, Rank: len(s.Coef), Cond: s.Cond,
		RSS: s.RSS, TSS: s.TSS, SSScale: 1, ScaledRSS: s.RSS, ScaledTSS: s.TSS,
		N: int(s.N), DF: max(int(s.DF), 0), SumWeights: s.SumWeights, Unscaled: s.Unscaled,
	}
}

// featureScales returns the features' (weighted) standard deviations,
// which the design diagnosis compares: from the rows in memory, or for a
// streamed fit (x nil) the standardisation read off its accumulator.
func featureScales(res *fit.Result, x *mat.Dense, w []float64) []float64 {
	if x != nil {
		_, sc := lsq.Moments(x, w, true)
		return sc
	}
	if res.Streamed != nil {
		return res.Streamed.SD
	}
	return nil
}

// logLikAbsent says why a streamed weighted fit has no log-likelihood.
const logLikAbsent = "the log-likelihood of a weighted fit (and AIC, BIC) has the term ½Σlog wᵢ over its rows, which a streamed fit does not keep; fit in memory for them"

// noLogLik marks the log-likelihood and the information criteria absent
// (NA in the text, null in JSON): a weighted fit's log-likelihood has the
// term ½Σlog wᵢ over its rows, which a streamed fit does not accumulate.
func noLogLik(sum *stats.Summary, o *summaryOut) {
	sum.LogLik, sum.AIC, sum.BIC = math.NaN(), math.NaN(), math.NaN()
	nan := jsonFloat(math.NaN())
	o.LogLik, o.AIC, o.BIC = nan, nan, nan
}
