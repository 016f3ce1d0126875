package cli

import (
	"math"
	"strings"
	"testing"
)

// TestRFormat: columns formatted as R 4.2.2 formats them in print.anova,
// format(zapsmall(x, 5), digits = 5), and p-values as
// format.pval(pv, digits = 4); the expected strings are R's output for
// the same numbers (Rscript -e 'format(zapsmall(c(...), 5), digits = 5)').
func TestRFormat(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		x    []float64
		want string
	}{
		{[]float64{27.00892857, 0.001071429, 0.1785714}, "27.0089 0.0011 0.1786"},
		{[]float64{143.8258, 0.0004127, 0.2140}, "143.826 0.000 0.214"},
		{[]float64{nan, 83.27418, 8.987634}, " 83.274 8.988"},
		{[]float64{847.7252, 83.27418, 8.987634, 186.0599}, "847.73 83.27 8.99 186.06"},
		{[]float64{1234567.891, 0.5}, "1234568 0"},
		{[]float64{1e-9, 3.2e-10}, "1.0e-09 3.2e-10"},
		{[]float64{nan, 1, 1}, " 1 1"},
		{[]float64{0.04, 2.5e-7}, "0.04 0.00"},
	} {
		if got := strings.Join(rFormat(zapsmall(c.x, 5), 5), " "); got != c.want {
			t.Errorf("%v: %q, R %q", c.x, got, c.want)
		}
	}
	for _, c := range []struct {
		p    []float64
		want string
	}{
		{[]float64{6.131e-12, 0.0014201, 0.25463, nan}, "6.131e-12 0.00142 0.25463 "},
		{[]float64{1e-20, 0.5}, "<2e-16 0.5"},
		{[]float64{8.418785856948004e-14, 2.4003840592214013e-05, 0.0002593639101704231}, "8.419e-14 2.400e-05 0.0002594"},
		{[]float64{0.00009999, 0.5}, "9.999e-05 0.5"},
		{[]float64{1.2e-4, 3e-2}, "0.00012 0.03000"},
		{[]float64{1e-20, 0.000123}, "< 2.2e-16 0.000123"},
	} {
		if got := strings.Join(formatPval(c.p), " "); got != c.want {
			t.Errorf("%v: %q, R %q", c.p, got, c.want)
		}
	}
}
