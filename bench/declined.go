package main

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/linear"
)

// declined times linear.Solve on the designs the Gram path declines, made
// from the in-memory problem by replacing column 1 (restored afterwards):
// "illcond", x₁ = x₀ + 10⁻⁶·N(0, 1) (condition number of the standardised
// design ≈ 10⁶: x₀ has unit variance), and "collinear", x₁ = x₀ + x₂
// (rank d − 1). The peers build the same designs from the same file
// (peers/speed.py).
func (c *config) declined(x *mat.Dense, y []float64) []timing {
	if (!c.tasks["illcond"] && !c.tasks["collinear"]) || c.d < 3 {
		return nil
	}
	n := c.n
	col1 := mat.Col(nil, 1, x)
	defer x.SetCol(1, col1)
	var out []timing
	for _, kind := range []string{"illcond", "collinear"} {
		if !c.tasks[kind] {
			continue
		}
		rng := rand.New(rand.NewPCG(c.seed, 2))
		for i := range n {
			row := x.RawRowView(i)
			if kind == "illcond" {
				row[1] = row[0] + 1e-6*rng.NormFloat64()
			} else {
				row[1] = row[0] + row[2]
			}
		}
		out = append(out, c.measure(kind, "lsq linear.Solve", func() error {
			res, err := linear.Solve(x, y, nil)
			if err == nil && kind == "collinear" && res.Rank != c.d-1 {
				err = fmt.Errorf("rank %d, want %d", res.Rank, c.d-1)
			}
			return err
		}))
	}
	return out
}
