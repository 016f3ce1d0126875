package modelio_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/net"
	"github.com/lsqgo/lsq/optim"
)

// trainSmall trains a two-input, two-target network of the given hidden
// widths, residual and layer-normalised, for a few epochs on a
// deterministic problem.
func trainSmall(t *testing.T, hidden []int, acts []net.Activation, raw bool) *net.Net {
	t.Helper()
	x, y := mat.NewDense(40, 2, nil), mat.NewDense(40, 2, nil)
	for i := range 40 {
		a, b := float64(i)/10, math.Sin(float64(i))
		x.SetRow(i, []float64{a, b})
		y.SetRow(i, []float64{math.Sin(a) + b, a * b})
	}
	res, err := net.Train(context.Background(), x, y, &net.Settings{
		Hidden: hidden, Activations: acts, Residual: true, LayerNorm: true, Raw: raw, Seed: 3,
		Optim: optim.Settings{Epochs: 5},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.Net
}

// The network read back from its model file predicts the same bits as the
// trained one, and writing it again gives the same file.
func TestNetModelRoundTrip(t *testing.T) {
	probe := mat.NewDense(4, 2, []float64{0, 0, 1.5, -0.3, -2, 7, 3.9, 0.25})
	for _, c := range []struct {
		name   string
		hidden []int
		acts   []net.Activation
		raw    bool
	}{
		{"standardised, one activation per layer", []int{5, 5, 3}, []net.Activation{net.Tanh, net.GELU, net.LeakyReLU}, false},
		{"raw inputs, the default activation", []int{4, 4}, nil, true},
		{"no hidden layer", nil, nil, false},
	} {
		nn := trainSmall(t, c.hidden, c.acts, c.raw)
		m, err := modelio.NetModel(nn, []string{"a", "b"}, []string{"y1", "y2"})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if (m.Scaling == nil) != c.raw {
			t.Errorf("%s: scaling %v for raw=%v", c.name, m.Scaling, c.raw)
		}
		if got := len(m.Net.Activations); got != len(nn.Hidden) {
			t.Errorf("%s: %d activation names for %d hidden layers", c.name, got, len(nn.Hidden))
		}
		path := filepath.Join(t.TempDir(), "net.json")
		if err := modelio.Save(path, m); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		loaded, err := modelio.Load(path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		back, err := loaded.Network()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if back.Arch.String() != nn.Arch.String() {
			t.Errorf("%s: shape %s read back as %s", c.name, nn.Arch, back.Arch)
		}
		want, err := nn.Predict(probe)
		if err != nil {
			t.Fatal(err)
		}
		got, err := back.Predict(probe)
		if err != nil {
			t.Fatal(err)
		}
		w, g := want.RawMatrix().Data, got.RawMatrix().Data
		for i := range w {
			if math.Float64bits(w[i]) != math.Float64bits(g[i]) {
				t.Errorf("%s: prediction %d is %v after the round trip, %v before", c.name, i, g[i], w[i])
			}
		}

		again, err := modelio.NetModel(back, loaded.Features, loaded.Net.Targets)
		if err != nil {
			t.Fatal(err)
		}
		path2 := filepath.Join(t.TempDir(), "again.json")
		if err := modelio.Save(path2, again); err != nil {
			t.Fatal(err)
		}
		b1, _ := os.ReadFile(path)
		b2, _ := os.ReadFile(path2)
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s: the network read back writes a different file", c.name)
		}

		// The model owns its slices: editing it leaves the network alone.
		m.Net.Params[0]++
		if nn.Theta[0] == m.Net.Params[0] {
			t.Errorf("%s: the model shares θ with the network", c.name)
		}
	}
}

// NetModel and Network refuse what does not fit, naming it.
func TestNetModelErrors(t *testing.T) {
	nn := trainSmall(t, []int{5}, []net.Activation{net.Tanh}, false)
	good := func() *modelio.Model {
		m, err := modelio.NetModel(nn, []string{"a", "b"}, []string{"y1", "y2"})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, c := range []struct {
		name string
		edit func(m *modelio.Model)
		want string
	}{
		{"another kind", func(m *modelio.Model) { m.Kind = modelio.KindLinear }, `a linear model, not a network (kind "net")`},
		{"no net object", func(m *modelio.Model) { m.Net = nil }, `no "net" object`},
		{"unknown activation", func(m *modelio.Model) { m.Net.Activations[0] = "swish" }, `unknown activation "swish"`},
		{"one parameter short", func(m *modelio.Model) { m.Net.Params = m.Net.Params[:len(m.Net.Params)-1] },
			"the model has 36 parameters; its shape 2→5(tanh)→2 residual layer-norm needs 37"},
		{"one parameter over", func(m *modelio.Model) { m.Net.Params = append(m.Net.Params, 0) },
			"the model has 38 parameters; its shape 2→5(tanh)→2 residual layer-norm needs 37"},
		{"target scales short", func(m *modelio.Model) { m.Net.OutScale = m.Net.OutScale[:1] }, "1 target scales"},
		{"input scaling short", func(m *modelio.Model) { m.Scaling.Scale = m.Scaling.Scale[:1] }, "input standardisation of 1 columns for 2 inputs"},
		{"activations for no layer", func(m *modelio.Model) { m.Net.Activations = append(m.Net.Activations, "relu", "relu") }, "3 activations for 1 hidden layers"},
	} {
		m := good()
		c.edit(m)
		_, err := m.Network()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one saying %q", c.name, err, c.want)
		}
	}

	for _, c := range []struct {
		name              string
		features, targets []string
		want              string
	}{
		{"one feature name", []string{"a"}, []string{"y1", "y2"}, "1 feature names for a network of 2 inputs"},
		{"three target names", []string{"a", "b"}, []string{"y1", "y2", "y3"}, "3 target names for a network of 2 outputs"},
	} {
		_, err := modelio.NetModel(nn, c.features, c.targets)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one saying %q", c.name, err, c.want)
		}
	}
	bad := *nn
	bad.Theta = bad.Theta[:3]
	if _, err := modelio.NetModel(&bad, []string{"a", "b"}, []string{"y1", "y2"}); err == nil || !strings.Contains(err.Error(), "3 parameters") {
		t.Errorf("a network with 3 parameters: got error %v", err)
	}
}
