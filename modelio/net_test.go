package modelio

import (
	"math"
	"path/filepath"
	"testing"
)

func netModel() *Model {
	return &Model{Kind: KindNet, Features: []string{"a", "b"}, Target: "y",
		Net: &Net{Version: NetVersion, Targets: []string{"y"}, Hidden: []int{2}, Activations: []string{"tanh"},
			Params: []float64{0.1, -0.2, 1.0 / 3, 4e-300, 5, 6, 7, 8, 9}, OutCenter: []float64{1.5}, OutScale: []float64{math.Pi}},
		Scaling: &Scaling{Center: []float64{0, 1}, Scale: []float64{2, 3}}}
}

// TestNetRoundTrip: a network's parameters come back bit for bit.
func TestNetRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "net.json")
	m := netModel()
	if err := Save(p, m); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range m.Net.Params {
		if math.Float64bits(got.Net.Params[i]) != math.Float64bits(v) {
			t.Errorf("param %d: %v, want %v", i, got.Net.Params[i], v)
		}
	}
	if got.Net.OutScale[0] != math.Pi || got.Net.Activations[0] != "tanh" || got.Net.Hidden[0] != 2 {
		t.Errorf("net object changed: %+v", got.Net)
	}
}

// TestNetRejects: a newer net layout, a missing net object and a target
// scaling of the wrong length are refused with what is wrong.
func TestNetRejects(t *testing.T) {
	for _, c := range []struct {
		edit func(*Model)
		want string
	}{
		{func(m *Model) { m.Net.Version = NetVersion + 1 }, "net layout version 2 is not one this lsq"},
		{func(m *Model) { m.Net = nil }, `no "net" object`},
		{func(m *Model) { m.Net.OutScale = nil }, "target scaling does not match"},
	} {
		m := netModel()
		c.edit(m)
		refused(t, m, c.want)
	}
}
