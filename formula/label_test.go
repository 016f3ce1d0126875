package formula

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"testing"
)

// TestTermsR builds R's formulas of testdata/term_labels.json (written by
// bench/peers/formula_reference.R) on its data and compares Design.Terms
// with R's term labels, character for character (deparse spacing, numbers
// as 1e+05 and 0.001, backquotes, double quotes, the factors of an
// interaction in the order of the formula's variables, "." expanded), and
// Design.Assign with R's model.matrix assign less one.
func TestTermsR(t *testing.T) {
	b, err := os.ReadFile("testdata/term_labels.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Names []string
		Data  map[string][]any
		Cases []struct {
			Formula string
			Labels  []string
			Assign  []int
		}
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for i := range ref.Data["y"] {
		row := make([]string, len(ref.Names))
		for j, n := range ref.Names {
			switch v := ref.Data[n][i].(type) {
			case float64:
				row[j] = strconv.FormatFloat(v, 'g', -1, 64)
			case string:
				row[j] = v
			}
		}
		rows = append(rows, row)
	}
	d := textData(ref.Names, rows...)
	for _, c := range ref.Cases {
		f, err := Parse(c.Formula)
		if err != nil {
			t.Fatalf("%s: %v", c.Formula, err)
		}
		des, err := f.Build(d, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.Formula, err)
		}
		if !slices.Equal(des.Terms, c.Labels) || !slices.Equal(des.Assign, c.Assign) {
			t.Errorf("%s:\n terms %q assign %v\n R    %q assign %v", c.Formula, des.Terms, des.Assign, c.Labels, c.Assign)
		}
	}
}

// TestRNumber: numbers as R's deparse writes them (R 4.2.2: deparse(x)).
func TestRNumber(t *testing.T) {
	for v, want := range map[float64]string{
		2: "2", 0.5: "0.5", 100000: "1e+05", 123456: "123456", 0.001: "0.001", 0.0001: "1e-04",
		1.5e-10: "1.5e-10", 1e100: "1e+100", 0.1 + 0.2: "0.3", 1.0 / 3: "0.333333333333333", 2.5e6: "2500000",
	} {
		if got := rNumber(v); got != want {
			t.Errorf("rNumber(%v) = %q, R %q", v, got, want)
		}
	}
}
