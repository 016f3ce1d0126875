package penalty_test

import (
	"fmt"

	"github.com/lsqgo/lsq/penalty"
)

func ExampleL1_Prox() {
	w := []float64{0.05, -0.5, 2}
	penalty.L1{Alpha: 1}.Prox(w, 0.1) // soft threshold at 0.1
	fmt.Println(w)
	// Output: [0 -0.4 1.9]
}

func ExampleElasticNet() {
	p := penalty.ElasticNet{Alpha: 0.1, L1Ratio: 0.5}
	w := []float64{1, -2}
	fmt.Printf("%.4f\n", p.Value(w)) // 0.1·(0.5·3 + 0.25·5)
	// Output: 0.2750
}
