package stats

import (
	"fmt"
	"math"
	"testing"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// BenchmarkSummarizeRobust measures the sandwich covariances against the
// classical summary: the double-double influence rows dominate (a QR of
// the centred design and two triangular solves per row).
func BenchmarkSummarizeRobust(b *testing.B) {
	for _, size := range []struct{ n, d int }{{1000, 5}, {100000, 5}, {10000, 30}} {
		x := mat.NewDense(size.n, size.d, nil)
		y := make([]float64, size.n)
		cl := make([]int, size.n)
		for i := 0; i < size.n; i++ {
			for j := 0; j < size.d; j++ {
				x.Set(i, j, math.Sin(float64(i*(j+1))+float64(j)))
			}
			y[i] = x.At(i, 0) + math.Cos(float64(7*i))
			cl[i] = i % 50
		}
		res, err := linear.Solve(x, y, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, set := range []Settings{{}, {Cov: HC3}, {Cov: Cluster, Clusters: cl}, {Cov: HAC, Lags: 4}} {
			b.Run(fmt.Sprintf("n=%d/d=%d/%v", size.n, size.d, set.Cov), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Summarize(res, x, nil, &set); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
