package formula

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// textData builds Data from cell texts: a column whose cells all parse is
// numeric; "NA" is missing.
func textData(names []string, rows ...[]string) *Data {
	d := &Data{N: len(rows), Names: names, Text: map[string][]string{}, Num: map[string][]float64{}, Missing: map[string][]bool{}}
	for j, n := range names {
		cells := make([]string, len(rows))
		num := make([]float64, len(rows))
		miss := make([]bool, len(rows))
		numeric := true
		for i, r := range rows {
			cells[i] = r[j]
			if r[j] == "NA" {
				miss[i], num[i] = true, math.NaN()
				continue
			}
			v, err := strconv.ParseFloat(r[j], 64)
			numeric = numeric && err == nil
			num[i] = v
		}
		d.Text[n], d.Missing[n] = cells, miss
		if numeric {
			d.Num[n] = num
		}
	}
	return d
}

var shop = textData([]string{"y", "x", "g"},
	[]string{"1", "1", "b"}, []string{"2", "2", "a"}, []string{"3", "NA", "c"}, []string{"5", "4", "c"}, []string{"NA", "5", "a"})

// TestBuildFactors: treatment coding with the first sorted level as the
// reference, R's contrasts-or-indicators rule, interaction columns with the
// first factor varying fastest, patsy names, and rows with NA dropped.
func TestBuildFactors(t *testing.T) {
	for _, c := range []struct {
		f     string
		names []string
		sm    []string
		row0  []float64 // the first kept row (data row 1: y 1, x 1, g b)
	}{
		{"y ~ g + x", []string{"gb", "gc", "x"}, []string{"g[T.b]", "g[T.c]", "x"}, []float64{1, 0, 1}},
		{"y ~ g - 1", []string{"ga", "gb", "gc"}, []string{"g[a]", "g[b]", "g[c]"}, []float64{0, 1, 0}},
		// R's rule, checked with model.matrix: g in x:g is coded by
		// contrasts when x is in the model, by indicators when it is not.
		{"y ~ x + x:g", []string{"x", "x:gb", "x:gc"}, nil, []float64{1, 1, 0}},
		{"y ~ x:g", []string{"x:ga", "x:gb", "x:gc"}, nil, []float64{0, 1, 0}},
		{"y ~ g:x - 1", []string{"ga:x", "gb:x", "gc:x"}, nil, []float64{0, 1, 0}},
		{"y ~ g*x", []string{"gb", "gc", "x", "gb:x", "gc:x"}, nil, []float64{1, 0, 1, 1, 0}},
		{"y ~ C(g, Treatment('c')) + x", []string{"C(g,Treatment('c'))a", "C(g,Treatment('c'))b", "x"}, []string{"C(g,Treatment('c'))[T.a]", "C(g,Treatment('c'))[T.b]", "x"}, []float64{0, 1, 1}},
		{"y ~ relevel(g, ref = 'b')", []string{"relevel(g,ref='b')a", "relevel(g,ref='b')c"}, nil, []float64{0, 0}},
		{"y ~ factor(x)", []string{"factor(x)2", "factor(x)4"}, nil, []float64{0, 0}},
	} {
		f, err := Parse(c.f)
		if err != nil {
			t.Fatal(err)
		}
		des, err := f.Build(shop, nil)
		if err != nil {
			t.Errorf("%s: %v", c.f, err)
			continue
		}
		if !reflect.DeepEqual(des.Names, c.names) || c.sm != nil && !reflect.DeepEqual(des.Statsmodels, c.sm) {
			t.Errorf("%s: names %q %q", c.f, des.Names, des.Statsmodels)
		}
		if got := des.X.RawRowView(0); !reflect.DeepEqual(got, c.row0) {
			t.Errorf("%s: row 0 = %v, want %v", c.f, got, c.row0)
		}
		// Rows 3 (x NA) and 5 (y NA) are dropped wherever x or y is used.
		if !reflect.DeepEqual(des.Rows, []int{0, 1, 3}) && f.Inputs()[0] != "g" {
			t.Errorf("%s: rows %v", c.f, des.Rows)
		}
	}
}

// TestBuildPredict: the encoding learned by a fit rebuilds the same
// columns on new data; an unseen level and a missing value are errors
// naming the row and column with NAError, a missing input drops the row
// otherwise.
func TestBuildPredict(t *testing.T) {
	f, _ := Parse("y ~ g + poly(x, 2)")
	fit, err := f.Build(shop, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := Parse(fit.Encoding.Formula)
	again, err := g.Build(shop, &Options{Encoding: fit.Encoding})
	if err != nil || !reflect.DeepEqual(again.X.RawMatrix().Data, fit.X.RawMatrix().Data) {
		t.Fatalf("rebuild differs: %v", err)
	}
	// The orthogonal basis: columns of unit norm, orthogonal to each other
	// and to the constant on the fitted rows (x = 1, 2, 4).
	var s1, s2, n1, n2, d12 float64
	for i := range 3 {
		a, b := fit.X.At(i, 2), fit.X.At(i, 3)
		s1, s2, n1, n2, d12 = s1+a, s2+b, n1+a*a, n2+b*b, d12+a*b
	}
	// 1e-15: sums of three terms of size ≤ 1.
	for _, v := range []float64{s1, s2, d12, n1 - 1, n2 - 1} {
		if math.Abs(v) > 1e-15 {
			t.Errorf("basis not orthonormal: %v %v %v %v %v", s1, s2, d12, n1, n2)
		}
	}
	newData := textData([]string{"x", "g"}, []string{"3", "a"}, []string{"NA", "b"}, []string{"1", "z"})
	_, err = g.Build(newData, &Options{Encoding: fit.Encoding, NoResponse: true, NA: NAError})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Row != 1 || ce.Column != "x" {
		t.Errorf("NA error: %v", err)
	}
	_, err = g.Build(newData, &Options{Encoding: fit.Encoding, NoResponse: true})
	if !errors.As(err, &ce) || ce.Row != 2 || ce.Column != "g" || ce.Msg != `level "z" of g was not seen in training (the levels are "a", "b", "c"); refit with it, or leave the row out` {
		t.Errorf("unseen level: %v", err)
	}
	// A text column with a different value in every row is an identifier:
	// an error unless asked for with factor().
	var rows [][]string
	for i := range 10 {
		rows = append(rows, []string{strconv.Itoa(i), "id" + strconv.Itoa(i)})
	}
	ids := textData([]string{"y", "name"}, rows...)
	h0, _ := Parse("y ~ name")
	if _, err := h0.Build(ids, nil); !errors.As(err, &ce) || ce.Column != "name" || !strings.Contains(ce.Msg, "an identifier, not a category") {
		t.Errorf("identifier column: %v", err)
	}
	h0, _ = Parse("y ~ factor(name)")
	if _, err := h0.Build(ids, nil); err != nil {
		t.Errorf("factor(name): %v", err)
	}
	// A numeric column with a word is never a factor by itself.
	words := textData([]string{"y", "x"}, []string{"1", "1"}, []string{"2", "two"})
	h, _ := Parse("y ~ I(x^2)")
	if _, err := h.Build(words, nil); !errors.As(err, &ce) || ce.Row != 0 && ce.Row != 1 {
		t.Errorf("text in an expression: %v", err)
	}
}

// TestBuildDotFileOrder: "." expands in the data's column order, as R does.
func TestBuildDotFileOrder(t *testing.T) {
	d := textData([]string{"z", "y", "a", "m"}, []string{"1", "2", "3", "4"}, []string{"2", "1", "5", "3"}, []string{"3", "7", "1", "1"})
	f, _ := Parse("y ~ .")
	des, err := f.Build(d, nil)
	if err != nil || !reflect.DeepEqual(des.Names, []string{"z", "a", "m"}) || des.Encoding.Formula != "y ~ z + a + m" {
		t.Errorf("%v %v %v", des.Names, des.Encoding.Formula, err)
	}
}
