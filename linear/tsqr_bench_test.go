package linear

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSolveDeclined times Solve (Precision Double) on the designs the
// Gram path declines, which go to TSQR: n × 100 standard normal columns with
// column 1 = column 0 + 1e-6·noise (condition number of the standardised
// design ≈ 1.4·10⁶), or column 1 = column 0 + column 2 exactly (rank 99);
// y = Σx_j/(j+1) + noise. n = 10⁶ (2·10⁵ with -short). The same problems
// for scikit-learn: bench/peers/declined.py.
func BenchmarkSolveDeclined(b *testing.B) {
	n, d := 1000000, 100
	if testing.Short() {
		n = 200000
	}
	for _, kind := range []string{"cond1e6", "collinear"} {
		x, y := benchProblem(n, d)
		rng := rand.New(rand.NewPCG(9, 9))
		for i := range n {
			row := x.RawRowView(i)
			if kind == "cond1e6" {
				row[1] = row[0] + 1e-6*rng.NormFloat64()
			} else {
				row[1] = row[0] + row[2]
			}
		}
		b.Run(fmt.Sprintf("%s/tsqr/n=%d/d=%d", kind, n, d), func(b *testing.B) {
			c0 := processCPU()
			defer func() { b.ReportMetric((processCPU()-c0).Seconds()/float64(b.N), "cpu-s/op") }()
			for b.Loop() {
				res, err := Solve(x, y, &Settings{Precision: Double})
				if err != nil {
					b.Fatal(err)
				}
				if kind == "collinear" && res.Rank != d-1 {
					b.Fatalf("rank %d", res.Rank)
				}
			}
		})
		if n <= 200000 && kind == "cond1e6" {
			b.Run(fmt.Sprintf("%s/householder/n=%d/d=%d", kind, n, d), func(b *testing.B) {
				for b.Loop() {
					if _, err := fitFloat(x, y, &Settings{Precision: Double}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
