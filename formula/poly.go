package formula

import (
	"fmt"
	"math"
)

// Poly is the orthogonal polynomial basis of one poly(x, k) term, as R's
// poly returns in its "coefs" attribute and predict.poly uses: the k
// centres Alpha and the squared norms Norm2 = (1, n, ‖P₁‖², …, ‖Pₖ‖²).
type Poly struct {
	Term  string    `json:"term"`
	Alpha []float64 `json:"alpha"`
	Norm2 []float64 `json:"norm2"`
}

// learnPoly computes R's orthogonal basis coefficients for x by the
// three-term (Stieltjes) recurrence: P₀ = 1, P₁ = x − α₀,
// Pⱼ₊₁ = (x − αⱼ)Pⱼ − (‖Pⱼ‖²/‖Pⱼ₋₁‖²)Pⱼ₋₁, αⱼ = Σx·Pⱼ²/‖Pⱼ‖². These are
// the polynomials R's poly obtains from the QR factorisation of the
// centred Vandermonde matrix (Kennedy & Gentle, Statistical Computing,
// 1980, §8.7; R's stats:::poly), so the basis is the same.
func learnPoly(term string, x []float64, k int) (*Poly, error) {
	distinct := map[float64]bool{}
	for _, v := range x {
		distinct[v] = true
	}
	if len(distinct) <= k {
		return nil, fmt.Errorf("formula: %s: the degree must be less than the number of distinct values (%d)", term, len(distinct))
	}
	n := len(x)
	pl := &Poly{Term: term, Alpha: make([]float64, k), Norm2: make([]float64, k+2)}
	pl.Norm2[0] = 1
	prev := make([]float64, n) // P_{j-1}
	cur := make([]float64, n)  // P_j
	for i := range cur {
		cur[i] = 1
	}
	for j := 0; j <= k; j++ {
		var nn, xn float64
		for i, v := range cur {
			nn += v * v
			xn += x[i] * v * v
		}
		pl.Norm2[j+1] = nn
		if j == k {
			break
		}
		pl.Alpha[j] = xn / nn
		ratio := 0.0
		if j > 0 {
			ratio = nn / pl.Norm2[j]
		}
		next := make([]float64, n)
		for i := range next {
			next[i] = (x[i]-pl.Alpha[j])*cur[i] - ratio*prev[i]
		}
		prev, cur = cur, next
	}
	return pl, nil
}

// columns evaluates the basis at x as R's predict.poly does: the k columns
// Pⱼ(x)/‖Pⱼ‖, j = 1…k.
func (pl *Poly) columns(x []float64) [][]float64 {
	k := len(pl.Alpha)
	n := len(x)
	out := make([][]float64, k)
	prev := make([]float64, n)
	cur := make([]float64, n)
	for i := range cur {
		cur[i] = 1
	}
	for j := 0; j < k; j++ {
		ratio := 0.0
		if j > 0 {
			ratio = pl.Norm2[j+1] / pl.Norm2[j]
		}
		next := make([]float64, n)
		for i := range next {
			next[i] = (x[i]-pl.Alpha[j])*cur[i] - ratio*prev[i]
		}
		prev, cur = cur, next
		c := make([]float64, n)
		s := math.Sqrt(pl.Norm2[j+2])
		for i, v := range cur {
			c[i] = v / s
		}
		out[j] = c
	}
	return out
}
