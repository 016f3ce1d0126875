package modelio

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/lsqgo/lsq/formula"
)

// TestDesignRoundTrip: a model's design (formula, factor levels, poly
// basis, NA rule) survives the file; a --degree design must name one column.
func TestDesignRoundTrip(t *testing.T) {
	d := &Design{
		Formula: "y ~ g + poly(x,2)", Columns: []string{"g", "x"},
		Factors:  []formula.Factor{{Term: "g", Column: "g", Levels: []string{"a", "b"}, Reference: "a", Contrasts: "treatment"}},
		Poly:     []formula.Poly{{Term: "poly(x,2)", Alpha: []float64{1, 2}, Norm2: []float64{1, 5, 2, 3}}},
		NA:       "drop",
		NAValues: []string{"-999"},
	}
	m := &Model{Kind: KindLinear, Features: []string{"gb", "poly(x,2)1", "poly(x,2)2"}, Coef: []float64{1, 2, 3}, Design: d}
	var b bytes.Buffer
	if err := Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b.Bytes(), "m.json")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Design, d) {
		t.Errorf("design %+v, want %+v", got.Design, d)
	}
	m.Design = &Design{Degree: 2, Columns: []string{"x", "z"}}
	b.Reset()
	Encode(&b, m)
	if _, err := Decode(b.Bytes(), "m.json"); err == nil {
		t.Error("a degree design with two columns was accepted")
	}
}
