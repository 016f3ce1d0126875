package nls

import (
	"context"
	"math"
	"testing"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/testproblems"
)

// TestNISTBounded runs the 54 NIST runs inside a box that holds both starts
// and the certified values with 10% to spare. The box is active along the
// way on the hard problems, so this exercises the active set and the
// projection. A run must either reach the certified values (LRE ≥ 10) or
// report Failure. From Start 1, three do not converge and say so: Eckerle4
// is drawn into a corner of the box (every parameter on a bound) where the
// peak lies outside the data — a genuine local minimum of the bounded problem,
// no better than a constant — and MGH09 and MGH10 end where the model is flat
// in some parameters (the unbounded iteration escapes these regions by
// leaving the box).
func TestNISTBounded(t *testing.T) {
	converged := 0
	for _, p := range testproblems.NonlinearProblems() {
		k := len(p.Params)
		lo, hi := make([]float64, k), make([]float64, k)
		for j := 0; j < k; j++ {
			a := math.Min(math.Min(p.Start1[j], p.Start2[j]), p.Certified[j])
			b := math.Max(math.Max(p.Start1[j], p.Start2[j]), p.Certified[j])
			lo[j], hi[j] = a-0.1*(b-a)-1e-3*math.Abs(a), b+0.1*(b-a)+1e-3*math.Abs(b)
		}
		for si, st := range [][]float64{p.Start1, p.Start2} {
			res, err := Curve(context.Background(), p.Model, p.Y, p.X, startMap(p, st), &Settings{Lower: lo, Upper: hi})
			if err != nil {
				t.Fatal(err)
			}
			m := 99.0
			for j := range p.Params {
				m = math.Min(m, testproblems.LRE(res.X[j], p.Certified[j], 11))
			}
			switch {
			case res.Status.Converged() && m >= paramLRE:
				converged++
			case res.Status == lsq.Failure && si == 0:
				t.Logf("%s start 1: %s", p.Name, res.Message)
			default:
				t.Errorf("%s start %d: %v (%s), min LRE %.1f", p.Name, si+1, res.Status, res.Message, m)
			}
		}
	}
	t.Logf("bounded: %d of 54 runs reach LRE ≥ %d", converged, paramLRE)
}
