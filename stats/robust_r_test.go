package stats

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

type robustCase struct {
	Name     string      `json:"name"`
	Kind     string      `json:"kind"`
	X        [][]float64 `json:"x"`
	Y        []float64   `json:"y"`
	Weights  []float64   `json:"weights"`
	Cluster  []float64   `json:"cluster"`
	Lag      int         `json:"lag"`
	DFResid  int         `json:"df_resid"`
	SE       []float64   `json:"se"`
	T        []float64   `json:"t"`
	PT       []float64   `json:"p_t"`
	PZ       []float64   `json:"p_z"`
	Clusters int         `json:"clusters"`
	// The "nw" cases: NeweyWest with prewhite, the lag automatic (lag
	// then the one NeweyWest used, ⌊bandwidth⌋) or given.
	Intercept bool     `json:"intercept"`
	Prewhite  bool     `json:"prewhite"`
	LagAuto   bool     `json:"lag_auto"`
	Bandwidth *float64 `json:"bandwidth"`
}

// TestRobustR compares the clustered and Newey–West covariances with R's
// sandwich::vcovCL (defaults: CR1) on a firm-year panel, and
// sandwich::NeweyWest on a yearly time series (n = 19) and a simulated one
// with AR(1) regressor and errors (n = 200, also without intercept) and a
// short one (n = 12) whose automatic lag, 17, exceeds n (the kernel
// weights stay 1 − l/18, only the lags below n count):
// with lag = L and prewhite = FALSE ("hac"), and ("nw") with its defaults
// (automatic lag, prewhitening: Lags AutoLags, Prewhite), the automatic
// lag alone, and lag 3 prewhitened; unweighted and weighted, through
// lmtest::coeftest with Student's t on the residual degrees of freedom and
// with the normal (df = Inf) (testdata/stats/robust.json, made by
// bench/peers/robust_reference.R). The lag used must equal NeweyWest's
// and the bandwidth bwNeweyWest's.
//
// Tolerance: 1e-10 relative. The designs are well conditioned (condition
// number below 100 after standardising), so R's float64 QR and lsq agree
// to about 13 digits in the estimates and the sandwich; the VAR(1) of
// prewhitening (R: normal equations of the rescaled series; here an SVD)
// is well conditioned too, and the bandwidth a ratio of its sums; the
// p-values come from different incomplete-beta implementations (nmath,
// gonum), which agree to about 1e-12 in this range. The script makes sure
// no bandwidth lies within 1e-6 of an integer, where such differences
// could change the lag.
func TestRobustR(t *testing.T) {
	b, err := os.ReadFile("../testdata/stats/robust.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []robustCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) != 36 {
		t.Fatalf("%d cases, want 36", len(ref.Cases))
	}
	worst := 0.0 // largest relative difference, logged
	defer func() { t.Logf("largest relative difference from R: %.2g", worst) }()
	for _, c := range ref.Cases {
		n := len(c.Y)
		x := mat.NewDense(n, len(c.X[0]), nil)
		for i, r := range c.X {
			x.SetRow(i, r)
		}
		res, err := linear.Solve(x, c.Y, &linear.Settings{Weights: c.Weights, NoIntercept: !c.Intercept})
		if err != nil {
			t.Fatal(err)
		}
		set := Settings{Cov: HAC, Lags: c.Lag, Prewhite: c.Prewhite}
		if c.LagAuto {
			set.Lags = AutoLags
		}
		if c.Kind == "cluster" {
			set = Settings{Cov: Cluster, Clusters: make([]int, n)}
			for i, g := range c.Cluster {
				set.Clusters[i] = int(g)
			}
		}
		for _, dist := range []Dist{StudentT, Normal} {
			set.Dist = dist
			s, err := Summarize(res, x, c.Weights, &set)
			if err != nil {
				t.Fatal(err)
			}
			if s.DF != c.DFResid || (c.Kind == "cluster" && s.Clusters != c.Clusters) || (c.Kind != "cluster" && (s.Lags != c.Lag || s.Prewhite != c.Prewhite)) {
				t.Errorf("%s: df %d clusters %d lags %d prewhite %v", c.Name, s.DF, s.Clusters, s.Lags, s.Prewhite)
			}
			if c.LagAuto {
				worst = math.Max(worst, math.Abs(s.Bandwidth-*c.Bandwidth) / *c.Bandwidth)
			}
			if c.LagAuto && math.Abs(s.Bandwidth-*c.Bandwidth) > 1e-10**c.Bandwidth {
				t.Errorf("%s: bandwidth %.15g, R %.15g", c.Name, s.Bandwidth, *c.Bandwidth)
			}
			if !c.LagAuto && s.Bandwidth != 0 {
				t.Errorf("%s: bandwidth %g for a given lag", c.Name, s.Bandwidth)
			}
			p := c.PT
			if dist == Normal {
				p = c.PZ
			}
			for j, tm := range s.Terms {
				for _, v := range []struct {
					what      string
					got, want float64
				}{{"se", tm.StdErr, c.SE[j]}, {"t", tm.T, c.T[j]}, {"p", tm.P, p[j]}} {
					if v.want != 0 { // a p-value below the smallest float64
						worst = math.Max(worst, math.Abs(v.got-v.want)/math.Abs(v.want))
					}
					if math.Abs(v.got-v.want) > 1e-10*math.Abs(v.want) {
						t.Errorf("%s %v %s[%d] = %.15g, R %.15g", c.Name, dist, v.what, j, v.got, v.want)
					}
				}
			}
		}
	}
}
