package optim

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/penalty"
)

// TestMatchesPyTorch replays three gradient steps of each update rule and
// compares with torch.optim (testdata/torch_steps.json, produced by
// testdata/torch_steps.py with PyTorch in float64).
func TestMatchesPyTorch(t *testing.T) {
	blob, err := os.ReadFile("testdata/torch_steps.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		X0    []float64
		Grads [][]float64
		Cases []struct {
			Name  string
			Args  map[string]any
			Steps [][]float64
		}
	}
	if err := json.Unmarshal(blob, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) != 8 || len(ref.Grads) != 3 {
		t.Fatalf("reference has %d cases and %d steps, want 8 and 3", len(ref.Cases), len(ref.Grads))
	}
	for _, c := range ref.Cases {
		arg := func(name string) float64 { v, _ := c.Args[name].(float64); return v }
		var o Optimizer
		switch c.Name {
		case "sgd":
			o = &SGD{}
		case "momentum":
			o = &Momentum{Beta: arg("momentum")}
		case "momentum-dampening":
			o = &Momentum{Beta: arg("momentum"), Dampening: arg("dampening")}
		case "nesterov":
			o = &Nesterov{Beta: arg("momentum")}
		case "adagrad":
			o = &AdaGrad{}
		case "rmsprop":
			o = &RMSProp{}
		case "adam":
			o = &Adam{}
		case "adamw":
			o = &AdamW{WeightDecay: arg("weight_decay")}
		default:
			t.Fatalf("unknown case %q", c.Name)
		}
		x := append([]float64(nil), ref.X0...)
		o.Init(len(x))
		for k, g := range ref.Grads {
			o.Update(x, append([]float64(nil), g...), arg("lr"))
			for j := range x {
				// 1e-15: the same formulas in the same order; allow a few
				// ulps for pow and sqrt.
				if want := c.Steps[k][j]; math.Abs(x[j]-want) > 1e-15*math.Max(1, math.Abs(want)) {
					t.Errorf("%s step %d: x[%d] = %.17g, PyTorch %.17g", c.Name, k+1, j, x[j], want)
				}
			}
		}
	}
}

// TestDriverMatchesPyTorch runs 100 full-batch epochs of the driver on a
// small raw least-squares problem and compares with the same training loop
// in PyTorch (testdata/torch_fit.json, made by testdata/torch_fit.py): the
// kernel's loss and gradient, the penalty on w only, and the update rules
// together.
func TestDriverMatchesPyTorch(t *testing.T) {
	blob, err := os.ReadFile("testdata/torch_fit.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		X      [][]float64
		Y      []float64
		Epochs int
		Cases  []struct {
			Name  string
			Args  map[string]any
			Alpha float64
			Theta []float64
		}
	}
	if err := json.Unmarshal(blob, &ref); err != nil {
		t.Fatal(err)
	}
	n, d := len(ref.X), len(ref.X[0])
	x := mat.NewDense(n, d, nil)
	for i, row := range ref.X {
		x.SetRow(i, row)
	}
	if len(ref.Cases) != 5 {
		t.Fatalf("%d cases, want 5", len(ref.Cases))
	}
	for _, c := range ref.Cases {
		arg := func(name string) float64 { v, _ := c.Args[name].(float64); return v }
		var o Optimizer
		switch c.Name {
		case "sgd":
			o = &SGD{}
		case "nesterov-l2":
			o = &Nesterov{Beta: arg("momentum")}
		case "adam":
			o = &Adam{}
		case "adamw":
			o = &AdamW{WeightDecay: arg("weight_decay")}
		case "rmsprop-l2":
			o = &RMSProp{}
		default:
			t.Fatalf("unknown case %q", c.Name)
		}
		s := &Settings{LearningRate: arg("lr"), Epochs: ref.Epochs, ObjectiveTol: -1, GradTol: -1}
		if c.Alpha > 0 {
			s.Penalty = penalty.L2{Alpha: c.Alpha}
		}
		res, err := Minimize(context.Background(), LeastSquares(x, ref.Y, nil, true, nil, nil), make([]float64, d+1), s, o)
		if err != nil || res.Epochs != ref.Epochs {
			t.Fatalf("%s: %v after %d epochs", c.Name, err, res.Epochs)
		}
		// 1e-12 relative: the kernel and PyTorch sum the n = 20 residual
		// terms in different orders, and 100 steps carry that rounding on.
		if e := relErr(res.X, c.Theta); e > 1e-12 {
			t.Errorf("%s: θ = %v, PyTorch %v (relative difference %.3g)", c.Name, res.X, c.Theta, e)
		}
	}
}
