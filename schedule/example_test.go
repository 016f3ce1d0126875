package schedule_test

import (
	"fmt"

	"github.com/lsqgo/lsq/schedule"
)

func ExampleWarmup() {
	// Two warm-up steps, then ×0.5 every 2 steps; multiply by the base rate.
	s := schedule.Warmup{N: 2, Then: schedule.Step{Every: 2, Gamma: 0.5}}
	base := 0.1
	for t := 0; t < 6; t++ {
		fmt.Printf("%.3f ", base*s.Rate(t))
	}
	fmt.Println()
	// Output: 0.050 0.100 0.100 0.100 0.050 0.050
}

func ExamplePlateau() {
	p := &schedule.Plateau{Patience: 1, Factor: 0.5}
	for i, loss := range []float64{3, 2, 2, 2, 2, 2} {
		p.Observe(loss)
		fmt.Print(p.Rate(i), " ")
	}
	fmt.Println()
	// Output: 1 1 1 0.5 0.5 0.25
}
