package stats

import (
	"fmt"
	"math"
)

// IC selects how AIC and BIC count the parameters of a linear model.
type IC int

const (
	// ICStatsmodels counts the coefficients only, k = p (statsmodels'
	// aic and bic; Summary.AIC and Summary.BIC).
	ICStatsmodels IC = iota
	// ICR also counts σ², which the Gaussian likelihood estimates too,
	// k = p + 1 (R's AIC() and BIC() on an lm): AIC is 2 and BIC log n
	// larger than ICStatsmodels'.
	ICR
)

// String returns "statsmodels" or "r".
func (c IC) String() string {
	switch c {
	case ICStatsmodels:
		return "statsmodels"
	case ICR:
		return "r"
	}
	return fmt.Sprintf("ic(%d)", int(c))
}

// InfoCriteria returns AIC = −2·LogLik + 2k and BIC = −2·LogLik + k·log n
// under convention c. Differences between models fitted to the same
// observations are the same under both conventions.
func (s *Summary) InfoCriteria(c IC) (aic, bic float64) {
	switch c {
	case ICStatsmodels:
		return s.AIC, s.BIC
	case ICR:
		return s.AIC + 2, s.BIC + math.Log(float64(s.N))
	}
	panic("stats: unknown information-criterion convention")
}
