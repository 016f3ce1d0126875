package stream

import (
	"math"
	"math/big"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// exactMoments returns Σw, the weighted means and the covariances
// (normalised by Σw; about the origin without intercept) of [X y],
// computed in 256-bit arithmetic: exact to float64 for these sizes.
func exactMoments(x *mat.Dense, y, w []float64, intercept bool) (mean []float64, cov [][]float64) {
	n, d := x.Dims()
	const prec = 256
	val := func(i, j int) *big.Float {
		if j == d {
			return new(big.Float).SetPrec(prec).SetFloat64(y[i])
		}
		return new(big.Float).SetPrec(prec).SetFloat64(x.At(i, j))
	}
	wt := func(i int) *big.Float {
		v := 1.0
		if w != nil {
			v = w[i]
		}
		return new(big.Float).SetPrec(prec).SetFloat64(v)
	}
	sw := new(big.Float).SetPrec(prec)
	for i := range n {
		sw.Add(sw, wt(i))
	}
	m := make([]*big.Float, d+1)
	mean = make([]float64, d+1)
	for j := range m {
		m[j] = new(big.Float).SetPrec(prec)
		if !intercept {
			continue
		}
		for i := range n {
			m[j].Add(m[j], new(big.Float).SetPrec(prec).Mul(wt(i), val(i, j)))
		}
		m[j].Quo(m[j], sw)
		mean[j], _ = m[j].Float64()
	}
	cov = make([][]float64, d+1)
	for j := range cov {
		cov[j] = make([]float64, d+1)
		for k := range cov[j] {
			s := new(big.Float).SetPrec(prec)
			for i := range n {
				a := new(big.Float).SetPrec(prec).Sub(val(i, j), m[j])
				b := new(big.Float).SetPrec(prec).Sub(val(i, k), m[k])
				a.Mul(a, b)
				s.Add(s, a.Mul(a, wt(i)))
			}
			cov[j][k], _ = s.Quo(s, sw).Float64()
		}
	}
	return mean, cov
}

// QR.Moments are the covariances of the folded rows (about the origin
// without intercept), checked against 256-bit sums on data shifted by 1e6
// (means 1e6 times the spread: raw moments would lose 12 digits):
//   - double-double factor: one rounding of a dot product carried to about
//     1e-32, so within ε·s_j·s_k (s the standard deviations, |cov_jk| ≤
//     s_j·s_k); without intercept Σw is the float64 sum SumWeights, whose
//     rounding (n·ε/2 relative, at most) scales every moment, and the bound
//     adds it;
//   - float64 factor: the documented ε·(1 + |x̄_j|/s_j)(1 + |x̄_k|/s_k)
//     relative to s_j·s_k, times 4(d+2) for the Householder steps;
//
// and the means are Means's, within ε of the exact ones (4(d+2)ε from a
// float64 factor).
func TestQRMoments(t *testing.T) {
	const n, d = 200, 3
	eps := 0x1p-52
	for _, weighted := range []bool{false, true} {
		x, y, w := synth(5, n, d, weighted)
		for i := range n {
			for j := range d {
				x.Set(i, j, x.At(i, j)+1e6)
			}
			y[i] += 1e6
		}
		for _, intercept := range []bool{true, false} {
			mean, cov := exactMoments(x, y, w, intercept)
			for _, q := range []*QR{NewQRDoubleDouble(d, intercept), NewQRFloat64(d, intercept)} {
				if err := q.Add(x, y, w); err != nil {
					t.Fatal(err)
				}
				m := q.Moments()
				if m.N != n || m.Intercept != intercept {
					t.Fatalf("N %d, intercept %t", m.N, m.Intercept)
				}
				got := func(j, k int) float64 {
					switch {
					case j == d && k == d:
						return m.YY
					case k == d:
						return m.XTy[j]
					}
					return m.Gram[j*d+k]
				}
				for j := 0; j <= d; j++ {
					for k := j; k <= d; k++ {
						sjk := math.Sqrt(cov[j][j] * cov[k][k])
						tol := eps * sjk
						if !intercept && weighted {
							tol += n * eps / 2 * sjk
						}
						if !q.DoubleDouble() {
							tol = 4 * (d + 2) * eps * sjk * (1 + math.Abs(mean[j])/math.Sqrt(cov[j][j])) * (1 + math.Abs(mean[k])/math.Sqrt(cov[k][k]))
						}
						if e := math.Abs(got(j, k) - cov[j][k]); e > tol {
							t.Errorf("weighted %t, intercept %t, double-double %t: moment (%d, %d) = %v, exact %v: error %.2g > %.2g",
								weighted, intercept, q.DoubleDouble(), j, k, got(j, k), cov[j][k], e, tol)
						}
					}
				}
				if !intercept {
					if m.Mean != nil {
						t.Errorf("means %v without intercept", m.Mean)
					}
					continue
				}
				for j := 0; j <= d; j++ {
					g := m.YMean
					if j < d {
						g = m.Mean[j]
					}
					tol := eps * math.Abs(mean[j])
					if !q.DoubleDouble() {
						tol *= 4 * (d + 2)
					}
					if e := math.Abs(g - mean[j]); e > tol {
						t.Errorf("weighted %t, double-double %t: mean %d = %v, exact %v", weighted, q.DoubleDouble(), j, g, mean[j])
					}
				}
			}
		}
	}
}
