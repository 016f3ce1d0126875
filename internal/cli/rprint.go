package cli

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// This file prints tables as R's print.anova does (printCoefmat with
// getOption("digits") = 7, so digits = 5 and 4 for test statistics and
// p-values), so that lsq's ANOVA tables can be compared with R's line by
// line.

// rFormat formats a column as R's format(x, digits = digits): one common
// number of decimals, enough for the element that needs the most to show
// digits significant digits (trailing zeros dropped), or scientific
// notation for the whole column when that is narrower (R's formatReal with
// scipen 0). NaN is "" (na.print = "").
func rFormat(xs []float64, digits int) []string {
	neg, mxsl, rgt, mxns, mxe := 0, 1, 0, 1, 1
	any := false
	for _, x := range xs {
		if math.IsNaN(x) {
			continue
		}
		any = true
		nsig, kp := sigDigits(x, digits)
		left := kp + 1
		sleft := left
		if left <= 0 {
			sleft = 1
		}
		if x < 0 {
			neg = 1
		}
		rgt = max(rgt, nsig-left)
		mxsl = max(mxsl, sleft)
		mxns = max(mxns, nsig)
		if kp >= 100 || kp <= -100 {
			mxe = 2
		}
	}
	out := make([]string, len(xs))
	if !any {
		return out
	}
	fixed := neg + mxsl
	if rgt > 0 {
		fixed += rgt + 1
	}
	sci := neg + mxns + 4 + mxe - 1
	if mxns > 1 {
		sci++
	}
	for i, x := range xs {
		switch {
		case math.IsNaN(x):
		case fixed <= sci:
			out[i] = strconv.FormatFloat(x, 'f', rgt, 64)
		default:
			s := strconv.FormatFloat(x, 'e', mxns-1, 64)
			out[i] = s
		}
	}
	return out
}

// sigDigits returns the significant digits (at most digits, trailing
// zeros dropped) x needs when rounded to digits significant digits, and
// its decimal exponent after rounding.
func sigDigits(x float64, digits int) (nsig, kp int) {
	if x == 0 {
		return 1, 0
	}
	s := strconv.FormatFloat(math.Abs(x), 'e', digits-1, 64) // d.ddddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	kp, _ = strconv.Atoi(exp)
	mant = strings.Replace(mant, ".", "", 1)
	mant = strings.TrimRight(mant, "0")
	return max(1, len(mant)), kp
}

// zapsmall rounds a column as R's zapsmall(x, digits) (R 4.2): to
// max(0, digits − log₁₀ max|x|) decimals, a fractional number of decimals
// rounded to the nearest (half up) by round().
func zapsmall(xs []float64, digits int) []float64 {
	mx := 0.0
	for _, x := range xs {
		if !math.IsNaN(x) {
			mx = math.Max(mx, math.Abs(x))
		}
	}
	d := digits
	if mx > 0 {
		d = max(0, int(math.Floor(float64(digits)-math.Log10(mx)+0.5)))
	}
	return roundTo(xs, d)
}

// roundTo rounds to d decimals as R's round(x, d), halves to even.
func roundTo(xs []float64, d int) []float64 {
	p := math.Pow(10, float64(d))
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.RoundToEven(x*p) / p
	}
	return out
}

// formatPval is R's format.pval(pv, digits = 4, eps = 2⁻⁵²) as
// printCoefmat uses it: values of order 1e-4 and above (R 4.2: expo ≥ −3,
// or −4 when digits > 1) in one fixed format, smaller ones in one
// scientific format, and those below eps as
// "<" and eps to fewer digits (R's rule: at most as wide as the others).
func formatPval(ps []float64) []string {
	const eps, digits = 0x1p-52, 4
	var fix, sci []float64
	var fi, si []int
	zero := false
	for i, p := range ps {
		switch {
		case math.IsNaN(p):
		case p < eps:
			zero = true
		case math.Floor(math.Log10(p)) >= -4:
			fix, fi = append(fix, p), append(fi, i)
		default:
			sci, si = append(sci, p), append(si, i)
		}
	}
	out := make([]string, len(ps))
	nc := 0
	for k, s := range rFormat(fix, digits) {
		out[fi[k]] = s
		nc = max(nc, len(s))
	}
	for k, s := range rFormat(sci, digits) {
		out[si[k]] = s
		nc = max(nc, len(s))
	}
	if zero {
		d, sep := digits-2, " "
		if len(fix)+len(sci) > 0 {
			if d > 1 && d+6 > nc {
				d = max(1, nc-7)
			}
			if d == 1 && nc <= 6 {
				sep = ""
			}
		} else if d == 1 {
			sep = ""
		}
		for i, p := range ps {
			if p < eps {
				out[i] = "<" + sep + rFormat([]float64{eps}, d)[0]
			}
		}
	}
	return out
}

// stars are R's significance codes.
func stars(p float64) string {
	switch {
	case math.IsNaN(p):
		return ""
	case p < 0.001:
		return "***"
	case p < 0.01:
		return "**"
	case p < 0.05:
		return "*"
	case p < 0.1:
		return "."
	}
	return " "
}

// rTable is a table printed as R's print.default prints a character
// matrix with right = TRUE: row names left-aligned, columns right-aligned
// under their headers, one space apart, and R's significance codes after
// the last column with their legend when some p-value is below 0.1.
type rTable struct {
	rowNames []string
	headers  []string
	cols     [][]string
	pvals    []float64 // the last column's values, for the stars
}

func (t *rTable) print(w io.Writer) {
	withStars := false
	for _, p := range t.pvals {
		withStars = withStars || p < 0.1
	}
	headers, cols := t.headers, t.cols
	if withStars {
		st := make([]string, len(t.pvals))
		width := 0
		for i, p := range t.pvals {
			st[i] = stars(p)
			width = max(width, len(st[i]))
		}
		for i := range st {
			st[i] += strings.Repeat(" ", width-len(st[i])) // format(): left-justified
		}
		headers = append(append([]string(nil), headers...), "")
		cols = append(append([][]string(nil), cols...), st)
	}
	nameW := 0
	for _, r := range t.rowNames {
		nameW = max(nameW, len([]rune(r)))
	}
	widths := make([]int, len(headers))
	for j, h := range headers {
		widths[j] = len(h)
		for _, c := range cols[j] {
			widths[j] = max(widths[j], len(c))
		}
	}
	line := func(name string, cells []string) {
		var b strings.Builder
		b.WriteString(name + strings.Repeat(" ", nameW-len([]rune(name))))
		for j, c := range cells {
			fmt.Fprintf(&b, " %*s", widths[j], c)
		}
		fmt.Fprintln(w, b.String())
	}
	line("", headers)
	for i, r := range t.rowNames {
		cells := make([]string, len(cols))
		for j := range cols {
			cells[j] = cols[j][i]
		}
		line(r, cells)
	}
	if withStars {
		fmt.Fprintln(w, "---")
		fmt.Fprintln(w, "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1")
	}
}
