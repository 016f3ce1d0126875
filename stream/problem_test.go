package stream

import (
	"testing"

	"github.com/lsqgo/lsq/optim"
)

// TestProblemFeatureScales: the streamed problem reports the root mean
// square of each feature as the optimiser sees it, (xⱼ − cⱼ)/sⱼ, as the
// in-memory optim.LeastSquares does from the rows (what a divergence
// message names the largest of): raw, standardised, and centred elsewhere
// than the mean, weighted and not, with and without intercept. Tolerance 1e-12 relative: sums of
// positive terms in another order, n·ε ≈ 1e-13.
func TestProblemFeatureScales(t *testing.T) {
	x, y, w := synth(17, 300, 3, true)
	for _, intercept := range []bool{true, false} {
		for _, weights := range [][]float64{nil, w} {
			q := NewQR(3, intercept)
			if err := q.Add(x, y, weights); err != nil {
				t.Fatal(err)
			}
			center, scale := q.Standardization()
			cases := []struct {
				name          string
				center, scale []float64
			}{{"raw", nil, nil}, {"standardised", center, scale}}
			if intercept {
				shifted := []float64{center[0] + 1, center[1] - 2, center[2]}
				cases = append(cases, cases[1])
				cases[2].name, cases[2].center = "shifted centre", shifted
			}
			for _, c := range cases {
				got := make([]float64, 3)
				want := make([]float64, 3)
				q.Problem(c.center, c.scale, nil).FeatureScales(got)
				optim.LeastSquares(x, y, weights, intercept, c.center, c.scale).FeatureScales(want)
				if e := maxRel(got, want); e > 1e-12 {
					t.Errorf("%s, intercept %v, weighted %v: streamed %v, in memory %v", c.name, intercept, weights != nil, got, want)
				}
			}
		}
	}
}
