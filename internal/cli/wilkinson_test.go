package cli

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestWilkinsonNasty asserts the answers to Wilkinson's regressions on the
// NASTY data, written out here independently of wilkinsonCases: the exact
// coefficients, the aliased constant column, the refused all-missing
// column; and that `lsq selftest --suite wilkinson` passes every case.
func TestWilkinsonNasty(t *testing.T) {
	ctx := context.Background()
	// rel is the relative error allowed in each coefficient and the
	// intercept (absolute, relative to the target's largest value, where
	// the answer is 0): 1e-12 where the float64 data are the decimals or
	// within 2⁻⁵³ of them; 4e-9 for LITTLE, whose rounding to float64
	// moves the slope by up to 3.7e-9 relative (wilkinson.go).
	for _, c := range []struct {
		target    string
		features  []string
		coef      []float64
		intercept float64
		scale     float64 // the target's largest absolute value
		rel       float64
		aliased   []string
	}{
		{"BIG", []string{"X"}, []float64{1}, 99999990, 99999999, 1e-12, nil},
		{"X", []string{"BIG"}, []float64{1}, -99999990, 9, 1e-12, nil},
		{"LITTLE", []string{"X"}, []float64{1e-8}, 0.9999999, 0.99999999, 4e-9, nil},
		{"X", []string{"LITTLE"}, []float64{1e8}, -99999990, 9, 4e-9, nil},
		{"HUGE", []string{"X"}, []float64{1e12}, 0, 9e12, 1e-12, nil},
		{"TINY", []string{"X"}, []float64{1e-12}, 0, 9e-12, 1e-12, nil},
		{"ROUND", []string{"X"}, []float64{1}, -0.5, 8.5, 1e-12, nil},
		{"ZERO", []string{"X"}, []float64{0}, 0, 1, 1e-12, nil},
		{"X", []string{"ZERO"}, []float64{0}, 5, 9, 1e-12, []string{"ZERO"}},
	} {
		name := c.target + " on " + strings.Join(c.features, ",")
		coef, b0, aliased, err := wilkinsonFit(ctx, c.target, c.features)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		off := func(got, want float64) bool {
			if want == 0 {
				return math.Abs(got) > c.rel*c.scale
			}
			return math.Abs(got-want) > c.rel*math.Abs(want)
		}
		if off(b0, c.intercept) {
			t.Errorf("%s: intercept %v, want %v", name, b0, c.intercept)
		}
		for j := range c.coef {
			if off(coef[j], c.coef[j]) {
				t.Errorf("%s: coefficient of %s %v, want %v", name, c.features[j], coef[j], c.coef[j])
			}
		}
		if !slices.Equal(aliased, c.aliased) {
			t.Errorf("%s: aliased %v, want %v", name, aliased, c.aliased)
		}
	}

	// Read from the decimal text in double-double, LITTLE on X is exact to
	// the double-double rounding of the data (2⁻¹⁰⁶ relative, far below
	// float64's 1.1e-16), and BIG, LITTLE are collinear: rank 1.
	coef, b0, _, err := wilkinsonText("LITTLE", []string{"X"})
	if err != nil || math.Abs(coef[0]-1e-8) > 1e-16*1e-8 || math.Abs(b0-0.9999999) > 1e-16 {
		t.Errorf("LITTLE on X from text: %v, %v, %v; want 1e-8 and 0.9999999 to float64 rounding", coef, b0, err)
	}
	if _, _, aliased, err := wilkinsonText("X", []string{"BIG", "LITTLE"}); err != nil || !slices.Equal(aliased, []string{"LITTLE"}) {
		t.Errorf("X on BIG, LITTLE from text: aliased %v (%v), want [LITTLE]", aliased, err)
	}

	// MISS has no values: refused, naming the file, line, column and the
	// way out.
	_, _, _, err = wilkinsonFit(ctx, "X", []string{"MISS"})
	if err == nil || err.Error() != `NASTY:2:4: empty value in column "MISS"; fill in the missing value or drop the row, or leave the column out of the model` {
		t.Errorf("X on MISS: %v", err)
	}

	rows := selftestWilkinson(ctx)
	if len(rows) != len(wilkinsonCases) {
		t.Fatalf("%d rows for %d cases", len(rows), len(wilkinsonCases))
	}
	for _, r := range rows {
		if !r.Pass {
			t.Errorf("selftest %s: %.1f digits, goal %g: %s", r.Problem, r.Min, r.Goal, r.Note)
		}
	}
}
