package net

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/lsqgo/lsq/optim"
)

// torchCase is one network of testdata/torch_net.json, written by
// bench/peers/torch_net.py with PyTorch in float64.
type torchCase struct {
	Name      string                 `json:"name"`
	D         int                    `json:"d"`
	K         int                    `json:"k"`
	Hidden    []int                  `json:"hidden"`
	Acts      []string               `json:"acts"`
	Residual  bool                   `json:"residual"`
	LayerNorm bool                   `json:"layer_norm"`
	X         []float64              `json:"x"`
	Y         []float64              `json:"y"`
	W         []float64              `json:"w"`
	Theta     []float64              `json:"theta"`
	Loss      float64                `json:"loss"`
	Grad      []float64              `json:"grad"`
	Steps     map[string][][]float64 `json:"steps"`
}

func loadTorch(t *testing.T) []torchCase {
	b, err := os.ReadFile("testdata/torch_net.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []torchCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) != 4 {
		t.Fatalf("%d cases in testdata/torch_net.json, want 4", len(f.Cases))
	}
	return f.Cases
}

func (c *torchCase) setup(t *testing.T) (*model, *dataset) {
	a := Arch{Inputs: c.D, Outputs: c.K, Hidden: c.Hidden, Residual: c.Residual, LayerNorm: c.LayerNorm}
	for _, s := range c.Acts {
		act, err := ParseActivation(s)
		if err != nil {
			t.Fatal(err)
		}
		a.Activations = append(a.Activations, act)
	}
	if a.Dim() != len(c.Theta) {
		t.Fatalf("%s: %d parameters in the fixture, %d in the network", c.Name, len(c.Theta), a.Dim())
	}
	n := len(c.W)
	ds := &dataset{x: c.X, y: c.Y, w: c.W, n: n, d: c.D, k: c.K}
	for _, v := range c.W {
		ds.sumW += v
	}
	return newModel(a), ds
}

// TestTorchAgreement compares the loss, its gradient and three full-batch
// steps of SGD and Adam under optim.Minimize with PyTorch's. Both compute
// the same float64 expressions in a different order; the losses are O(1)
// and the networks shallow, so the results agree to a few hundred units of
// rounding: 1e-12.
func TestTorchAgreement(t *testing.T) {
	for _, c := range loadTorch(t) {
		m, ds := c.setup(t)
		g := make([]float64, m.dim)
		f := m.loss(g, c.Theta, ds)
		if math.Abs(f-c.Loss) > 1e-12*math.Max(1, math.Abs(c.Loss)) {
			t.Errorf("%s: loss %.17g, torch %.17g", c.Name, f, c.Loss)
		}
		if e := maxAbsDiff(g, c.Grad); e > 1e-12 {
			t.Errorf("%s: gradient differs from torch by %.3g", c.Name, e)
		}
		for name, o := range map[string]optim.Optimizer{"sgd": &optim.SGD{}, "adam": &optim.Adam{}} {
			lr := map[string]float64{"sgd": 0.1, "adam": 0.01}[name]
			for steps := 1; steps <= 3; steps++ {
				set := &optim.Settings{LearningRate: lr, Epochs: steps, GradTol: math.NaN(), ObjectiveTol: math.NaN()}
				res, err := optim.Minimize(context.Background(), m.problem(ds), c.Theta, set, o)
				if err != nil {
					t.Fatal(err)
				}
				e := maxAbsDiff(res.X, c.Steps[name][steps-1])
				if e > 1e-12 {
					t.Errorf("%s: %s step %d differs from torch by %.3g", c.Name, name, steps, e)
				}
				if testing.Verbose() {
					t.Logf("%s %s step %d: %.3g", c.Name, name, steps, e)
				}
			}
		}
	}
}

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	e := 0.0
	for i := range a {
		e = math.Max(e, math.Abs(a[i]-b[i]))
	}
	return e
}
