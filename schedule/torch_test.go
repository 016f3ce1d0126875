package schedule

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestMatchesPyTorch compares the factors with torch.optim.lr_scheduler at
// base rate 1 (testdata/torch_schedules.json, made by
// testdata/torch_schedules.py with PyTorch 1.13).
func TestMatchesPyTorch(t *testing.T) {
	blob, err := os.ReadFile("testdata/torch_schedules.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]json.RawMessage
	if err := json.Unmarshal(blob, &ref); err != nil {
		t.Fatal(err)
	}
	list := func(name string) []float64 {
		var v []float64
		if err := json.Unmarshal(ref[name], &v); err != nil || len(v) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	losses := list("losses")
	for _, c := range []struct {
		name string
		s    Schedule
	}{
		{"step", Step{Every: 3, Gamma: 0.5}},
		{"exponential", Exponential{Gamma: 0.9}},
		{"cosine", Cosine{Period: 10, Min: 0.1}},
		{"cosine_restarts", Cosine{Period: 3, Min: 0.05, Restarts: true, Mult: 2}},
		{"plateau", &Plateau{Patience: 2, Factor: 0.5}},
		{"plateau_cooldown", &Plateau{Patience: 1, Factor: 0.5, Cooldown: 2, MinFactor: 0.2}},
	} {
		want := list(c.name)
		obs, _ := c.s.(Observer)
		for e, w := range want {
			// 1e-12: PyTorch updates the cosine rates recursively, which
			// differs from the closed form by rounding only.
			if got := c.s.Rate(e); math.Abs(got-w) > 1e-12 {
				t.Errorf("%s: epoch %d: factor %.15g, PyTorch %.15g", c.name, e, got, w)
			}
			if obs != nil {
				obs.Observe(losses[e])
			}
		}
	}
}
