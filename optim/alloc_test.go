package optim

import (
	"context"
	"testing"
)

// TestNoAllocationPerEpoch checks that the epochs themselves allocate
// nothing: a 21-epoch fit allocates as much as a 1-epoch fit (the set-up).
func TestNoAllocationPerEpoch(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(3000, 5, 13)
	p := LeastSquares(x, y, nil, true, mu, sd)
	p.Lipschitz()
	x0 := make([]float64, 6)
	for _, c := range []struct {
		name  string
		o     func() Optimizer
		batch int
	}{
		{"gd", func() Optimizer { return &SGD{} }, 0},
		{"sgd-b16", func() Optimizer { return &SGD{} }, 16},
		{"adam-b16", func() Optimizer { return &Adam{} }, 16},
		{"nesterov-b16", func() Optimizer { return &Nesterov{} }, 16},
		{"gd-linesearch", func() Optimizer { return &GD{} }, 0},
		{"lbfgs", func() Optimizer { return &LBFGS{} }, 0},
		{"fista", func() Optimizer { return &FISTA{} }, 0},
	} {
		allocs := func(epochs int) float64 {
			s := &Settings{BatchSize: c.batch, Epochs: epochs, ObjectiveTol: -1, GradTol: -1, Seed: 1}
			return testing.AllocsPerRun(3, func() {
				if _, err := Minimize(context.Background(), p, x0, s, c.o()); err != nil {
					t.Fatal(err)
				}
			})
		}
		if a1, a21 := allocs(1), allocs(21); a21 > a1 {
			t.Errorf("%s: %v allocations for 1 epoch, %v for 21", c.name, a1, a21)
		}
	}
}
