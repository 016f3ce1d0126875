package net

import (
	"strconv"
	"testing"
)

// TestNoAllocationPerBatch: a mini-batch's loss and gradient, and a full
// pass, allocate nothing once the model exists.
func TestNoAllocationPerBatch(t *testing.T) {
	ds := gradData(600, 5, 2, 3)
	a := Arch{Inputs: 5, Outputs: 2, Hidden: []int{64, 64}, Activations: []Activation{GELU}, Residual: true, LayerNorm: true}
	m := newModel(a)
	theta := make([]float64, m.dim)
	a.initialise(theta, Init{}, 1)
	g := make([]float64, m.dim)
	rows := make([]int, 300)
	for i := range rows {
		rows[i] = (7 * i) % ds.n
	}
	if n := testing.AllocsPerRun(5, func() { m.batchLoss(g, theta, ds, rows) }); n != 0 {
		t.Errorf("%v allocations per mini-batch", n)
	}
	if n := testing.AllocsPerRun(5, func() { m.loss(g, theta, ds) }); n != 0 {
		t.Errorf("%v allocations per full pass", n)
	}
}

func BenchmarkBatch(b *testing.B) {
	for _, bs := range []int{32, 256} {
		ds := gradData(4096, 20, 1, 3)
		a := Arch{Inputs: 20, Outputs: 1, Hidden: []int{64, 64}}
		m := newModel(a)
		theta := make([]float64, m.dim)
		a.initialise(theta, Init{}, 1)
		g := make([]float64, m.dim)
		rows := make([]int, bs)
		for i := range rows {
			rows[i] = (13 * i) % ds.n
		}
		b.Run("batch="+strconv.Itoa(bs), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.batchLoss(g, theta, ds, rows)
			}
		})
	}
}
