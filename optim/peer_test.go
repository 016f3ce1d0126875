package optim

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/penalty"
)

// TestProximalMatchesScikitLearn fits the lasso and elastic net with FISTA
// and with ISTA (SGD + Proximal) on raw, correlated data and compares with
// scikit-learn's coordinate descent (testdata/sklearn_enet.json, made by
// testdata/sklearn_enet.py with tol 1e-14), including which coefficients
// are exactly zero.
func TestProximalMatchesScikitLearn(t *testing.T) {
	blob, err := os.ReadFile("testdata/sklearn_enet.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		X     [][]float64
		Y     []float64
		Cases []struct {
			Alpha     float64
			L1Ratio   float64 `json:"l1_ratio"`
			Coef      []float64
			Intercept float64
		}
	}
	if err := json.Unmarshal(blob, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) != 3 {
		t.Fatalf("%d cases, want 3", len(ref.Cases))
	}
	n, d := len(ref.X), len(ref.X[0])
	x := mat.NewDense(n, d, nil)
	for i, row := range ref.X {
		x.SetRow(i, row)
	}
	for _, c := range ref.Cases {
		rho := c.L1Ratio
		want := append(append([]float64(nil), c.Coef...), c.Intercept)
		for _, o := range []Optimizer{&FISTA{}, &SGD{}} {
			p := LeastSquares(x, ref.Y, nil, true, nil, nil)
			s := &Settings{Penalty: penalty.ElasticNet{Alpha: c.Alpha, L1Ratio: rho}, Proximal: true, Epochs: 200000, ObjectiveTol: -1, GradTol: 1e-10}
			res, err := Minimize(context.Background(), p, make([]float64, d+1), s, o)
			if err != nil || !res.Status.Converged() {
				t.Fatalf("α=%v ρ=%v %T: %v %v", c.Alpha, rho, o, res.Status, err)
			}
			for j := range want {
				// 1e-7: both solvers stop at gradient(-mapping) norms of
				// 1e-10 and 1e-14 on a problem with condition number ~1e3.
				if math.Abs(res.X[j]-want[j]) > 1e-7*math.Max(1, math.Abs(want[j])) {
					t.Errorf("α=%v ρ=%v %T: θ[%d] = %.10g, scikit-learn %.10g", c.Alpha, rho, o, j, res.X[j], want[j])
				}
				if j < d && (want[j] == 0) != (res.X[j] == 0) {
					t.Errorf("α=%v ρ=%v %T: θ[%d] = %v, scikit-learn %v: zero pattern differs", c.Alpha, rho, o, j, res.X[j], want[j])
				}
			}
			t.Logf("α=%v ρ=%v %T: %d epochs", c.Alpha, rho, o, res.Epochs)
		}
	}
}
