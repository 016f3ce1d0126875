package optim

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestEmaDiffNorm: the closed form of ‖w_j1 − w_j0‖ for the bias-corrected
// moving average's weights against the sum over the weights themselves.
// Both sum at most a few hundred terms of size ≤ 1: 1e-12 relative is
// thousands of ulps.
func TestEmaDiffNorm(t *testing.T) {
	w := func(beta float64, j, i int) float64 {
		if i > j {
			return 0
		}
		return (1 - beta) * math.Pow(beta, float64(j-i)) / (1 - math.Pow(beta, float64(j+1)))
	}
	for _, beta := range []float64{0, 0.5, 0.9, 0.98} {
		for _, jj := range [][2]int{{0, 1}, {9, 11}, {40, 42}, {3, 97}, {150, 152}} {
			ss := 0.0
			for i := 0; i <= jj[1]; i++ {
				d := w(beta, jj[1], i) - w(beta, jj[0], i)
				ss += d * d
			}
			want, got := math.Sqrt(ss), emaDiffNorm(beta, jj[0], jj[1])
			if math.Abs(got-want) > 1e-12*want {
				t.Errorf("β = %v, j = %v: %v, summed %v", beta, jj, got, want)
			}
		}
	}
}

// TestLossNoise: on white noise of standard deviation 2 about a trend
// falling by 5 over 2000 points, the estimate from successive differences
// is within 0.2 of 2. The MAD estimator of a normal scale has efficiency
// 0.37, so its relative standard error over n differences is about
// 1/√(0.74n) = 2.6% (somewhat more, the differences being correlated);
// 0.2 is 10%, four such errors.
func TestLossNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	l := make([]float64, 2000)
	for k := range l {
		l[k] = 10 - 5*float64(k)/2000 + 2*rng.NormFloat64()
	}
	if got := lossNoise(l); math.Abs(got-2) > 0.2 {
		t.Errorf("noise %v, want 2", got)
	}
	if got := lossNoise([]float64{3, 2.5, 2, 1.5, 1}); got != 0 {
		t.Errorf("noise of a straight line %v, want 0", got)
	}
}

// TestRangeTestFlatNoise: a loss that does not depend on x at all — a
// constant plus noise, which is what the mini-batch loss looks like at rates
// too small to move the parameters — has a steepest fall somewhere, and
// RangeTest suggests its rate; it must say that the curve does not support
// it. The threshold is a 1% familywise level (10 of seeds 1..1000 passed as
// supported when this was written), so at most one of these 20 may pass:
// seed 13 does, on two successive draws near −3σ (0.47 and 0.38 about 3).
func TestRangeTestFlatNoise(t *testing.T) {
	passed := 0
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		p := FuncGrad(1, func([]float64) float64 { return 3 + rng.NormFloat64() }, func(g, _ []float64) { g[0] = 0 })
		res, err := RangeTest(context.Background(), p, []float64{0}, nil, &SGD{})
		if err != nil {
			t.Fatal(err)
		}
		if math.IsNaN(res.Suggested) {
			continue // stopped early (a low first loss), or no fall: nothing to support
		}
		// σ̂ of unit noise from 99 differences: within 35% (about four
		// standard errors of the MAD estimate at that size).
		if math.Abs(res.Noise-1) > 0.35 {
			t.Errorf("seed %d: noise %v, want about 1", seed, res.Noise)
		}
		if res.Unsupported == "" {
			passed++
			continue
		}
		if !math.IsNaN(res.Significant) || !strings.Contains(res.Unsupported, "never falls beyond its noise") {
			t.Errorf("seed %d: suggested %v, significant %v, unsupported %q", seed, res.Suggested, res.Significant, res.Unsupported)
		}
	}
	if passed > 1 {
		t.Errorf("%d of 20 pure-noise curves passed as supported; at a 1%% level expect 0.2", passed)
	}
}

// TestRangeTestFullBatchSupported: the full-batch loss is deterministic, so
// its noise is about 0 and the suggestion on a well-conditioned problem,
// where the loss falls steeply well inside the range, stands.
func TestRangeTestFullBatchSupported(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(5000, 10, 1)
	p := LeastSquares(x, y, nil, true, mu, sd)
	res, err := RangeTest(context.Background(), p, make([]float64, 11), nil, &SGD{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unsupported != "" || res.Significant != res.Suggested {
		t.Errorf("suggested %v, significant %v, unsupported %q (noise %v)", res.Suggested, res.Significant, res.Unsupported, res.Noise)
	}
	// Bonferroni over the 84 points considered (steps 10..93 of 100):
	// Φ⁻¹(1 − 0.01/84) = 3.67474 (to the 6 digits given).
	if math.Abs(res.Threshold-3.67474) > 5e-6 {
		t.Errorf("threshold %v", res.Threshold)
	}
}
