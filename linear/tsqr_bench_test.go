package linear

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkSolveDeclined times Solve (Precision Double) on the designs the
// Gram path declines (cholqr: the factor by deflated CholeskyQR2, what Solve
// does), and the same with the factor by TSQR (tsqr), the Gram attempt
// included in both: n × d standard normal columns with
// column 1 = column 0 + 1e-6·noise (condition number of the standardised
// design ≈ 1.4·10⁶), or column 1 = column 0 + column 2 exactly (rank d−1);
// y = Σx_j/(j+1) + noise. n = 10⁶, d = 100 (n = 2·10⁵ with -short), and a
// wide design, n = 10⁵, d = 1000, whose passes take packed panels
// (CholeskyQR2 only, not with -short). The d = 100 problems for
// scikit-learn: bench/peers/declined.py.
func BenchmarkSolveDeclined(b *testing.B) {
	sizes := []struct{ n, d int }{{1000000, 100}, {100000, 1000}}
	if testing.Short() {
		sizes = sizes[:1]
		sizes[0].n = 200000
	}
	for _, sz := range sizes {
		n, d := sz.n, sz.d
		for _, kind := range []string{"cond1e6", "collinear"} {
			var x *mat.Dense
			var y []float64
			problem := func() {
				if x != nil {
					return
				}
				x, y = benchProblem(n, d)
				rng := rand.New(rand.NewPCG(9, 9))
				for i := range n {
					row := x.RawRowView(i)
					if kind == "cond1e6" {
						row[1] = row[0] + 1e-6*rng.NormFloat64()
					} else {
						row[1] = row[0] + row[2]
					}
				}
			}
			for _, cq := range []bool{true, false} {
				name := "cholqr"
				if !cq {
					name = "tsqr"
					if d > 100 {
						continue
					}
				}
				b.Run(fmt.Sprintf("%s/%s/n=%d/d=%d", kind, name, n, d), func(b *testing.B) {
					problem()
					c0 := processCPU()
					defer func() { b.ReportMetric((processCPU()-c0).Seconds()/float64(b.N), "cpu-s/op") }()
					for b.Loop() {
						res, used, err := solveDeclined(x, y, cq)
						if err != nil {
							b.Fatal(err)
						}
						if used != cq {
							b.Fatalf("CholeskyQR2 factor used: %v", used)
						}
						if kind == "collinear" && res.Rank != d-1 {
							b.Fatalf("rank %d", res.Rank)
						}
					}
				})
			}
			if n <= 200000 && d <= 100 && kind == "cond1e6" {
				b.Run(fmt.Sprintf("%s/householder/n=%d/d=%d", kind, n, d), func(b *testing.B) {
					problem()
					for b.Loop() {
						if _, err := fitFloat(x, y, &Settings{Precision: Double}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// solveDeclined is Solve's Precision Double path for a design the Gram path
// declines, the factor by CholeskyQR2 (as Solve) or by TSQR.
func solveDeclined(x *mat.Dense, y []float64, cholqr bool) (*Result, bool, error) {
	s := &Settings{Precision: Double}
	_, start, ok, err := fitGramStart(x, y, s)
	if ok || err != nil || start == nil {
		return nil, false, fmt.Errorf("the Gram path did not decline with its Gram matrix (%v)", err)
	}
	if !cholqr {
		start = nil // TSQR as before: its own moments
	}
	return fitTall(x, y, s, cholqr, start)
}
