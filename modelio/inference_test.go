package modelio

import (
	"bytes"
	"strings"
	"testing"
)

// TestInferenceRoundTrip: the inference block survives a save and load bit
// for bit (intervals computed from a loaded model equal those from the fit).
func TestInferenceRoundTrip(t *testing.T) {
	m := sample()
	m.Inference = &Inference{Unscaled: [][]float64{{1.5, 0.1, -0.2}, {0.1, 0.3, 1e-17}, {-0.2, 1e-17, 2}}, Sigma: 0.123456789012345, DF: 7, Weighted: true}
	var b bytes.Buffer
	if err := Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b.Bytes(), "m.json")
	if err != nil {
		t.Fatal(err)
	}
	inf := got.Inference
	if inf == nil || inf.Sigma != m.Inference.Sigma || inf.DF != 7 || !inf.Weighted || inf.Unscaled[1][2] != 1e-17 {
		t.Errorf("inference block lost in the round trip: %+v", inf)
	}
}

// TestInferenceOptional: a file without the block (written before it
// existed) loads, with no inference.
func TestInferenceOptional(t *testing.T) {
	var b bytes.Buffer
	if err := Encode(&b, sample()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "inference") {
		t.Fatal("a model without inference writes an inference field")
	}
	got, err := Decode(b.Bytes(), "m.json")
	if err != nil || got.Inference != nil {
		t.Fatalf("old-style file: %v, inference %+v", err, got.Inference)
	}
}

func TestInferenceRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		inf  Inference
		want string
	}{
		{"size", Inference{Unscaled: [][]float64{{1, 0}, {0, 1}}, Sigma: 1, DF: 3}, "2-row matrix for 3 estimates"},
		{"ragged", Inference{Unscaled: [][]float64{{1, 0, 0}, {0, 1}, {0, 0, 1}}, Sigma: 1, DF: 3}, "row 2 of the inference matrix has 2 entries"},
		{"df", Inference{Unscaled: [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, Sigma: 1, DF: 0}, "df 0"},
		{"sigma", Inference{Unscaled: [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, Sigma: -1, DF: 2}, "sigma -1"},
	} {
		m := sample()
		m.Inference = &c.inf
		t.Run(c.name, func(t *testing.T) { refused(t, m, c.want) })
	}
}
