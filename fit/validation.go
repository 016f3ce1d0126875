package fit

import (
	"fmt"
	"math"
)

// checkValidation checks the validation rows as Matrix checks the training
// rows: shapes that do not match x, or each other, panic; a value the
// validation loss cannot use — not finite, or a negative weight — is an
// error naming the field and the row (0-based, as linear's and enet's
// errors for the training rows).
func checkValidation(s *Settings, d int) error {
	if s.ValX == nil {
		return nil
	}
	n, dv := s.ValX.Dims()
	switch {
	case dv != d:
		panic(fmt.Sprintf("fit: ValX has %d columns, x has %d", dv, d))
	case len(s.ValY) != n:
		panic(fmt.Sprintf("fit: ValY has %d values for %d rows of ValX", len(s.ValY), n))
	case s.ValW != nil && len(s.ValW) != n:
		panic(fmt.Sprintf("fit: ValW has %d weights for %d rows of ValX", len(s.ValW), n))
	}
	for i := range n {
		for j, v := range s.ValX.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("fit: ValX: value %v at row %d, column %d is not finite", v, i, j)
			}
		}
		if v := s.ValY[i]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("fit: ValY: value %v at row %d is not finite", v, i)
		}
		if s.ValW != nil && (!(s.ValW[i] >= 0) || math.IsInf(s.ValW[i], 1)) {
			return fmt.Errorf("fit: ValW: weight %v at row %d must be finite and ≥ 0", s.ValW[i], i)
		}
	}
	return nil
}

// checkGiven checks the vectors a caller gives beside the rows — Init,
// Center and Scale, PolyX — against x's n rows and d columns: a length
// that does not match panics with a message naming the field (as y's
// does), and a scale that is not finite and positive is an error.
func checkGiven(s *Settings, n, d int) error {
	switch {
	case s.Init != nil && len(s.Init.Coef) != d:
		panic(fmt.Sprintf("fit: Init has %d coefficients for %d columns of x", len(s.Init.Coef), d))
	case s.Scale != nil && len(s.Scale) != d:
		panic(fmt.Sprintf("fit: Scale has %d values for %d columns of x", len(s.Scale), d))
	case s.Center != nil && len(s.Center) != d:
		panic(fmt.Sprintf("fit: Center has %d values for %d columns of x", len(s.Center), d))
	case s.PolyX != nil && len(s.PolyX) != n:
		panic(fmt.Sprintf("fit: PolyX has %d values for %d rows of x", len(s.PolyX), n))
	}
	for j, v := range s.Scale {
		if !(v > 0) || math.IsInf(v, 1) {
			return fmt.Errorf("fit: Scale: value %v of column %d must be finite and > 0", v, j)
		}
	}
	return nil
}
