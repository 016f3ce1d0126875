package stats

import (
	"math"
	"testing"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// termsCase is one anova(lm) of a formula in lm_inference.json: R's model
// matrix without the intercept column, the term of each column (R's
// assign less one), the term labels and the table.
type termsCase struct {
	Formula   string      `json:"formula"`
	Intercept bool        `json:"intercept"`
	X         [][]float64 `json:"x"`
	Y         []float64   `json:"y"`
	W         []float64   `json:"w"`
	Assign    []int       `json:"assign"`
	Labels    []string    `json:"labels"`
	Table     seqTable    `json:"table"`
}

// TestAnovaTermsR compares SequentialTerms with R's anova(lm) on formulas
// whose terms span several columns: factors (two Df; three without
// intercept), poly(hp, 3), interactions, weights, a term that loses one of
// its four columns to aliasing (3 Df) and a term aliased wholly (no row).
// R's model matrix and assign are the input, so the rows, their terms and
// Df must be R's exactly.
//
// Tolerance 1e-11 relative, as TestAnovaR, for SS, Mean Sq and F (absolute
// below 1) and for p relative at every size: the agreement measured is
// 6e-15 on SS, Mean Sq and F (sums of squared effects good to about 1e-14
// of the total sum of squares, the smallest term here 3e-4 of it) and
// 2e-13 relative on p down to the 1e-159 of the factor under no intercept
// (pf of nmath and gonum's incomplete beta in the far tail).
func TestAnovaTermsR(t *testing.T) {
	const tol = 1e-11
	cases := readInference(t).AnovaTerms
	if len(cases) == 0 {
		t.Fatal("no anova_terms cases in the reference file")
	}
	for _, c := range cases {
		t.Run(c.Formula, func(t *testing.T) {
			rows, err := SequentialTerms(dense(c.X), c.Y, c.Assign, &linear.Settings{Weights: c.W, NoIntercept: !c.Intercept})
			if err != nil {
				t.Fatal(err)
			}
			ref := c.Table
			if len(rows) != len(ref.DF) {
				t.Fatalf("%d rows, R %d (%q)", len(rows), len(ref.DF), ref.Terms)
			}
			for k, r := range rows {
				name := "Residuals"
				if r.Term >= 0 {
					name = c.Labels[r.Term]
				}
				if name != ref.Terms[k] || r.DF != ref.DF[k] || !close(r.SS, ref.SS[k], tol) || !close(r.MeanSq, ref.MS[k], tol) || !close(r.F, float64(ref.F[k]), tol) || !relNaN(r.P, float64(ref.P[k]), tol) {
					t.Errorf("row %d: %s %+v, R %s %d %v %v %v %v", k, name, r, ref.Terms[k], ref.DF[k], ref.SS[k], ref.MS[k], ref.F[k], ref.P[k])
				}
			}
		})
	}
}

// TestSequentialTermsGrouping: with each column a term of its own the
// table is Sequential's bit for bit; grouped, a term's row is the drop in
// the RSS of the fits by linear.Solve without and with its columns (the
// definition), its Df the columns that add rank, its SS the sum of the
// ungrouped rows of its columns; a term aliased wholly has no row; a
// grouping that is not R's assign is refused. Tolerance 1e-10 relative on
// the RSS differences: RSS good to about 1e-15 of the total sum of squares
// (here below 1e3 times the smallest difference).
func TestSequentialTermsGrouping(t *testing.T) {
	const n = 12
	x := mat.NewDense(n, 6, nil)
	y := make([]float64, n)
	w := make([]float64, n)
	for i := range n {
		a := float64(i)
		g := float64(i % 3)
		// a; two indicators of g; a·g1, a·g2 and, aliased, a − 2 of the
		// first term's column and the intercept.
		x.SetRow(i, []float64{a, b2f(g == 1), b2f(g == 2), a * b2f(g == 1), a * b2f(g == 2), a - 2})
		y[i] = 1 + 0.5*a + g + 0.1*a*g + math.Sin(3*a)
		w[i] = 1 + float64(i%4)
	}
	terms := []int{0, 1, 1, 2, 2, 3}
	for _, s := range []*linear.Settings{nil, {Weights: w}} {
		single := []int{0, 1, 2, 3, 4, 5}
		got, err := SequentialTerms(x, y, single, s)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := Sequential(x, y, s)
		for k := range ref {
			if !sameRowBits(got[k], ref[k]) {
				t.Errorf("%+v: one term per column, row %d: %+v, Sequential %+v", s, k, got[k], ref[k])
			}
		}
		rows, err := SequentialTerms(x, y, terms, s)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0].Term != 0 || rows[1].Term != 1 || rows[2].Term != 2 || rows[3].Term != -1 {
			t.Fatalf("%+v: rows %+v, want terms 0, 1, 2 and the residuals", s, rows)
		}
		cols := 0
		for k, want := range []int{1, 2, 2} {
			r := rows[k]
			after, _ := linear.Solve(x.Slice(0, n, 0, cols+want).(*mat.Dense), y, s)
			before := after.TSS // the RSS of the intercept alone
			if cols > 0 {
				fit, _ := linear.Solve(x.Slice(0, n, 0, cols).(*mat.Dense), y, s)
				before = fit.RSS
			}
			var sum float64
			for _, u := range ref[cols : cols+want] {
				sum += u.SS
			}
			cols += want
			if r.DF != want || !close(r.SS, before-after.RSS, 1e-10) || !close(r.SS, sum, 1e-12) || r.MeanSq != r.SS/float64(want) || r.F != r.MeanSq/rows[3].MeanSq {
				t.Errorf("%+v term %d: %+v, want Df %d, SS %.15g (RSS drop) = %.15g (columns' rows)", s, k, r, want, before-after.RSS, sum)
			}
		}
	}
	for _, bad := range [][]int{{0, 1, 1, 2, 2}, {1, 1, 1, 2, 2, 3}, {0, 1, 2, 1, 2, 3}, {0, 2, 2, 3, 3, 4}} {
		if _, err := SequentialTerms(x, y, bad, nil); err == nil {
			t.Errorf("terms %v accepted", bad)
		}
	}
}

// sameRowBits reports whether two rows are the same bit for bit (NaN F and
// P of the residual rows included).
func sameRowBits(a, b SequentialRow) bool {
	bits := math.Float64bits
	return a.Term == b.Term && a.DF == b.DF && bits(a.SS) == bits(b.SS) && bits(a.MeanSq) == bits(b.MeanSq) && bits(a.F) == bits(b.F) && bits(a.P) == bits(b.P)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// relNaN reports whether got agrees with want to rel relative, NaN
// matching NaN (R's NA).
func relNaN(got, want, rel float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}
