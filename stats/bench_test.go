package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

func benchFit(b testing.TB, n, d int) (*linear.Result, *mat.Dense, []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	for i := range n {
		for j := range d {
			x.Set(i, j, rng.NormFloat64())
		}
		y[i] = x.At(i, 0) + rng.NormFloat64()
	}
	res, err := linear.Solve(x, y, &linear.Settings{Precision: linear.Double})
	if err != nil {
		b.Fatal(err)
	}
	return res, x, y
}

func BenchmarkNewInfluence(b *testing.B) {
	for _, sz := range []struct{ n, d int }{{1000, 5}, {100000, 5}, {100000, 50}} {
		b.Run(fmt.Sprintf("n=%d/d=%d", sz.n, sz.d), func(b *testing.B) {
			res, x, _ := benchFit(b, sz.n, sz.d)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NewInfluence(res, x, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSequential(b *testing.B) {
	for _, sz := range []struct{ n, d int }{{1000, 5}, {100000, 5}, {100000, 50}} {
		b.Run(fmt.Sprintf("n=%d/d=%d", sz.n, sz.d), func(b *testing.B) {
			_, x, y := benchFit(b, sz.n, sz.d)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Sequential(x, y, &linear.Settings{Precision: linear.Double}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkTestResiduals(b *testing.B) {
	for _, sz := range []struct{ n, d int }{{1000, 5}, {100000, 5}} {
		b.Run(fmt.Sprintf("n=%d/d=%d", sz.n, sz.d), func(b *testing.B) {
			res, x, _ := benchFit(b, sz.n, sz.d)
			b.ReportAllocs()
			for b.Loop() {
				TestResiduals(res, x, nil)
			}
		})
	}
}

// TestInfluenceSameBitsAnyGOMAXPROCS: the matrix product inside
// NewInfluence may run in parallel; the diagnostics must not depend on the
// number of cores.
func TestInfluenceSameBitsAnyGOMAXPROCS(t *testing.T) {
	res, x, _ := benchFit(t, 3000, 20)
	prev := runtime.GOMAXPROCS(1)
	one, err := NewInfluence(res, x, nil)
	runtime.GOMAXPROCS(max(prev, 4))
	many, err2 := NewInfluence(res, x, nil)
	runtime.GOMAXPROCS(prev)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	for i := range one.Hat {
		if math.Float64bits(one.Hat[i]) != math.Float64bits(many.Hat[i]) || math.Float64bits(one.Cook[i]) != math.Float64bits(many.Cook[i]) {
			t.Fatalf("row %d: hat %v and %v, Cook %v and %v", i, one.Hat[i], many.Hat[i], one.Cook[i], many.Cook[i])
		}
	}
	if !mat.Equal(one.DFBETAS, many.DFBETAS) {
		t.Error("DFBETAS differ with the number of cores")
	}
}
