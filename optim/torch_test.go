package optim

import (
	"encoding/json"
	"math"
	"os"
	"testing"
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
