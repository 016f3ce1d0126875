package cli

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/linear"
)

// Wilkinson's test: the NASTY data set of L. Wilkinson, "Statistics Quiz"
// (Systat, 1985; reprinted in L. Wilkinson, SYSTAT: The System for
// Statistics, 1990, and discussed by B. D. McCullough, "Assessing the
// reliability of statistical software", The American Statistician 52(4),
// 1998). Its columns are exact linear functions of X = 1, …, 9 written so as
// to trip a program up: BIG = 99999990 + X (eight significant digits lost
// to the mean), LITTLE = 0.9999999 + 10⁻⁸X (differences in the eighth
// decimal), HUGE = 10¹²X, TINY = 10⁻¹²X, ROUND = X − 0.5, ZERO = 0 and MISS
// all missing. The regressions it asks have exact answers. The CSV text is
// read and fitted as `lsq fit` reads and fits a file (the CSV reader, then
// fit.Matrix with the default pivoted QR), except where a case says it uses
// linear.SolveText (the decimal text read into double-double).
const nastyCSV = `LABEL,X,ZERO,MISS,BIG,LITTLE,HUGE,TINY,ROUND
One,1,0,,99999991,.99999991,1.0E12,1.0E-12,0.5
Two,2,0,,99999992,.99999992,2.0E12,2.0E-12,1.5
Three,3,0,,99999993,.99999993,3.0E12,3.0E-12,2.5
Four,4,0,,99999994,.99999994,4.0E12,4.0E-12,3.5
Five,5,0,,99999995,.99999995,5.0E12,5.0E-12,4.5
Six,6,0,,99999996,.99999996,6.0E12,6.0E-12,5.5
Seven,7,0,,99999997,.99999997,7.0E12,7.0E-12,6.5
Eight,8,0,,99999998,.99999998,8.0E12,8.0E-12,7.5
Nine,9,0,,99999999,.99999999,9.0E12,9.0E-12,8.5
`

// wilkinsonDigits is the number of digits an exact answer is credited with.
const wilkinsonDigits = 15

// A wilkinsonCase is one regression of the quiz and its exact answer.
type wilkinsonCase struct {
	target    string
	features  []string
	coef      []float64 // exact coefficients, in the order of features
	intercept float64
	aliased   []string // columns the fit must name aliased
	refused   string   // the fit must fail with an error containing this
	goal      float64  // digits required (LRE)
	text      bool     // fit the decimal text in double-double (linear.SolveText)
	note      string
}

// The goal is 12 digits (as for NIST's linear problems) where the float64
// values of the data are the decimals or within 2⁻⁵³ of them relative and
// the answer is well conditioned in them. LITTLE is the exception: its
// float64 values differ from the decimals by up to 2⁻⁵³ ≈ 1.1e-16, while
// its spread is 8e-8, so the slope of LITTLE on X can move by up to
// Σ|xᵢ−x̄|·1.1e-16/Σ(xᵢ−x̄)² = 20·1.1e-16/60 = 3.7e-17, 3.7e-9 of 1e-8:
// 8.4 digits are all its float64 values hold, and the goal is 8. Read from
// the decimal text in double-double the same regression is exact (goal 15).
var wilkinsonCases = []wilkinsonCase{
	{target: "BIG", features: []string{"X"}, coef: []float64{1}, intercept: 99999990, goal: 12},
	{target: "X", features: []string{"BIG"}, coef: []float64{1}, intercept: -99999990, goal: 12},
	{target: "LITTLE", features: []string{"X"}, coef: []float64{1e-8}, intercept: 0.9999999, goal: 8,
		note: "8 digits: all LITTLE's float64 values hold"},
	{target: "LITTLE", features: []string{"X"}, coef: []float64{1e-8}, intercept: 0.9999999, goal: 15, text: true,
		note: "decimal text in double-double"},
	{target: "X", features: []string{"LITTLE"}, coef: []float64{1e8}, intercept: -99999990, goal: 8,
		note: "8 digits: all LITTLE's float64 values hold"},
	{target: "HUGE", features: []string{"X"}, coef: []float64{1e12}, intercept: 0, goal: 12},
	{target: "TINY", features: []string{"X"}, coef: []float64{1e-12}, intercept: 0, goal: 12},
	{target: "ROUND", features: []string{"X"}, coef: []float64{1}, intercept: -0.5, goal: 12},
	{target: "ZERO", features: []string{"X"}, coef: []float64{0}, intercept: 0, goal: 12,
		note: "a constant target: R² undefined"},
	{target: "X", features: []string{"ZERO"}, coef: []float64{0}, intercept: 5, aliased: []string{"ZERO"}, goal: 12,
		note: "ZERO is aliased with the intercept"},
	{target: "X", features: []string{"BIG", "LITTLE"}, coef: nil, intercept: math.NaN(), aliased: []string{"LITTLE"}, goal: 0, text: true,
		note: "BIG and LITTLE are both exact in X: rank 1 (decimal text in double-double; in float64 LITTLE's rounding makes the rank 2)"},
	{target: "X", features: []string{"MISS"}, refused: `NASTY:2:4: empty value in column "MISS"; fill in the missing value or drop the row, or leave the column out of the model`, goal: 0,
		note: "refused: no values"},
}

// selftestWilkinson fits every case and reports its digits.
func selftestWilkinson(ctx context.Context) []selftestRow {
	var rows []selftestRow
	for _, c := range wilkinsonCases {
		t0 := time.Now()
		row := selftestRow{Suite: "wilkinson", Problem: c.target + " on " + strings.Join(c.features, ","), Difficulty: c.kind(), Goal: c.goal, Note: c.note}
		row.Min, row.Pass, row.Note = c.check(ctx)
		row.Coef = row.Min
		row.Seconds = time.Since(t0).Seconds()
		rows = append(rows, row)
	}
	return rows
}

func (c wilkinsonCase) kind() string {
	switch {
	case c.refused != "":
		return "refused"
	case c.aliased != nil:
		return "aliased"
	}
	return "exact fit"
}

// check fits the case and returns the digits reached (the smallest LRE of
// the coefficients and the intercept), whether the case passes, and the
// note to print.
func (c wilkinsonCase) check(ctx context.Context) (digits float64, pass bool, note string) {
	cols := c.features
	var coef []float64
	var intercept float64
	var aliased []string
	var err error
	if c.text {
		coef, intercept, aliased, err = wilkinsonText(c.target, cols)
	} else {
		coef, intercept, aliased, err = wilkinsonFit(ctx, c.target, cols)
	}
	if c.refused != "" {
		if err != nil && strings.Contains(err.Error(), c.refused) {
			return wilkinsonDigits, true, "refused: " + err.Error()
		}
		return 0, false, fmt.Sprintf("want an error %q, got %v", c.refused, err)
	}
	if err != nil {
		return 0, false, err.Error()
	}
	if c.aliased != nil || aliased != nil {
		if !slices.Equal(aliased, c.aliased) {
			return 0, false, fmt.Sprintf("aliased %v, want %v", aliased, c.aliased)
		}
		if c.coef == nil {
			return wilkinsonDigits, true, c.note
		}
	}
	// The scale of an answer that is exactly 0: the size of the target,
	// which its error is measured against.
	scale := wilkinsonScale(c.target)
	digits = lreScaled(intercept, c.intercept, scale)
	for j := range c.coef {
		digits = math.Min(digits, lreScaled(coef[j], c.coef[j], scale))
	}
	return digits, digits >= c.goal, c.note
}

// lreScaled is the log relative error of est against cert, relative to
// scale when cert is 0, capped at wilkinsonDigits.
func lreScaled(est, cert, scale float64) float64 {
	d := math.Abs(est - cert)
	switch {
	case math.IsNaN(d):
		return 0
	case d == 0:
		return wilkinsonDigits
	case cert != 0:
		d /= math.Abs(cert)
	case scale != 0:
		d /= scale
	}
	return math.Max(0, math.Min(wilkinsonDigits, -math.Log10(d)))
}

// wilkinsonScale is the largest absolute value of a NASTY column (1 for
// ZERO).
func wilkinsonScale(col string) float64 {
	fr, err := data.ReadCSV(strings.NewReader(nastyCSV), "NASTY", &data.Options{Target: col, Features: []string{"X"}})
	if err != nil {
		return 1
	}
	m := 0.0
	for _, v := range fr.Y {
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 {
		return 1
	}
	return m
}

// wilkinsonFit reads the columns from the CSV text and fits them as lsq
// fit does.
func wilkinsonFit(ctx context.Context, target string, features []string) (coef []float64, intercept float64, aliased []string, err error) {
	fr, err := data.ReadCSV(strings.NewReader(nastyCSV), "NASTY", &data.Options{Target: target, Features: features})
	if err != nil {
		return nil, 0, nil, err
	}
	res, err := fit.Matrix(ctx, fr.X, fr.Y, &fit.Settings{})
	if err != nil {
		return nil, 0, nil, err
	}
	if res.Exact != nil {
		for _, j := range res.Exact.Aliased {
			aliased = append(aliased, features[j])
		}
	}
	return res.Coef, res.Intercept, aliased, nil
}

// wilkinsonText fits the decimal text of the columns with linear.SolveText.
func wilkinsonText(target string, features []string) (coef []float64, intercept float64, aliased []string, err error) {
	lines := strings.Split(strings.TrimSpace(nastyCSV), "\n")
	header := strings.Split(lines[0], ",")
	col := func(name string) int { return slices.Index(header, name) }
	var x [][]string
	var y []string
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		row := make([]string, len(features))
		for j, name := range features {
			row[j] = f[col(name)]
		}
		x, y = append(x, row), append(y, f[col(target)])
	}
	res, err := linear.SolveText(x, y, nil)
	if err != nil {
		return nil, 0, nil, err
	}
	for _, j := range res.Aliased {
		aliased = append(aliased, features[j])
	}
	return res.Coef, res.Intercept, aliased, nil
}
