package net

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/lsqgo/lsq/optim"
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

// BenchmarkEpoch is one epoch of Adam on a 20→64→64→1 ReLU network, n = 1e5,
// in mini-batches of 32 and 256: the work optim.Minimize does per epoch
// (batch loss and gradient, Adam update) without its end-of-epoch full-batch
// evaluation. bench/peers/torch_net_speed.py times PyTorch on the same.
func BenchmarkEpoch(b *testing.B) {
	n, d := 100_000, 20
	ds := gradData(n, d, 1, 1)
	a := Arch{Inputs: d, Outputs: 1, Hidden: []int{64, 64}}
	for _, bs := range []int{32, 256} {
		b.Run("batch="+strconv.Itoa(bs), func(b *testing.B) {
			m := newModel(a)
			theta := make([]float64, m.dim)
			a.initialise(theta, Init{}, 1)
			g := make([]float64, m.dim)
			o := &optim.Adam{}
			o.Init(m.dim)
			perm := rand.New(rand.NewPCG(1, 1)).Perm(n)
			b.ReportAllocs()
			for b.Loop() {
				for lo := 0; lo < n; lo += bs {
					m.batchLoss(g, theta, ds, perm[lo:min(lo+bs, n)])
					o.Update(theta, g, 1e-3)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "epochs/s")
		})
	}
}
