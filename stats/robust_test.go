package stats

import (
	"math"
	"math/big"
	"testing"

	"github.com/lsqgo/lsq/internal/testproblems"
	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// bigPrec is the working precision of the reference sandwich: 256 bits,
// about 77 digits, of which the inversion of X̃ᵀWX̃ (condition number about
// 10²⁴ for Longley's raw design) loses fewer than 30.
const bigPrec = 256

func bf(v float64) *big.Float { return new(big.Float).SetPrec(bigPrec).SetFloat64(v) }

// bigSandwich computes in 256-bit floating point, from the float64 data
// taken as exact, the robust covariance of set.Cov by the textbook formula
// (X̃ᵀWX̃)⁻¹ M (X̃ᵀWX̃)⁻¹: the fit by the normal equations, the leverages
// from the explicit inverse, the meat of White, Liang–Zeger and
// Newey–West. It returns the standard errors, intercept first.
func bigSandwich(x [][]float64, y, w []float64, set *Settings) []float64 {
	n := len(y)
	p := len(x[0]) + 1
	row := func(i int) []*big.Float {
		r := []*big.Float{bf(1)}
		for _, v := range x[i] {
			r = append(r, bf(v))
		}
		return r
	}
	wt := func(i int) *big.Float {
		if w == nil {
			return bf(1)
		}
		return bf(w[i])
	}
	mul := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(bigPrec).Mul(a, b) }
	add := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(bigPrec).Add(a, b) }
	// A = X̃ᵀWX̃ and X̃ᵀWy.
	xtx := bigZeros(p)
	xty := make([]*big.Float, p)
	for j := range xty {
		xty[j] = bf(0)
	}
	for i := 0; i < n; i++ {
		r := row(i)
		for j := 0; j < p; j++ {
			wr := mul(wt(i), r[j])
			xty[j] = add(xty[j], mul(wr, bf(y[i])))
			for k := 0; k < p; k++ {
				xtx[j][k] = add(xtx[j][k], mul(wr, r[k]))
			}
		}
	}
	inv := bigInverse(xtx)
	ainv := func(j, k int) *big.Float { return inv[j][k] }
	beta := make([]*big.Float, p)
	for j := range beta {
		beta[j] = bf(0)
		for k := 0; k < p; k++ {
			beta[j] = add(beta[j], mul(ainv(j, k), xty[k]))
		}
	}
	psi := make([][]*big.Float, n)
	h := make([]*big.Float, n)
	for i := 0; i < n; i++ {
		r := row(i)
		res := bf(y[i])
		for j := 0; j < p; j++ {
			res = add(res, new(big.Float).Neg(mul(r[j], beta[j])))
		}
		psi[i] = make([]*big.Float, p)
		h[i] = bf(0)
		for j := 0; j < p; j++ {
			u := bf(0)
			for k := 0; k < p; k++ {
				u = add(u, mul(ainv(j, k), r[k]))
			}
			h[i] = add(h[i], mul(mul(u, r[j]), wt(i)))
			psi[i][j] = mul(mul(u, wt(i)), res)
		}
	}
	cov := make([]*big.Float, p) // the diagonal only
	for j := range cov {
		cov[j] = bf(0)
	}
	one := bf(1)
	switch set.Cov {
	case HC0, HC1, HC2, HC3:
		for i := 0; i < n; i++ {
			f := bf(1)
			omh := add(one, new(big.Float).Neg(h[i]))
			switch set.Cov {
			case HC2:
				f.Quo(f, omh)
			case HC3:
				f.Quo(f, mul(omh, omh))
			}
			for j := 0; j < p; j++ {
				cov[j] = add(cov[j], mul(f, mul(psi[i][j], psi[i][j])))
			}
		}
		if set.Cov == HC1 {
			for j := range cov {
				cov[j] = mul(cov[j], new(big.Float).SetPrec(bigPrec).Quo(bf(float64(n)), bf(float64(n-p))))
			}
		}
	case Cluster:
		sums := map[int][]*big.Float{}
		for i := 0; i < n; i++ {
			s, ok := sums[set.Clusters[i]]
			if !ok {
				s = make([]*big.Float, p)
				for j := range s {
					s[j] = bf(0)
				}
				sums[set.Clusters[i]] = s
			}
			for j := 0; j < p; j++ {
				s[j] = add(s[j], psi[i][j])
			}
		}
		g := float64(len(sums))
		adj := new(big.Float).SetPrec(bigPrec).Quo(bf(g*float64(n-1)), bf((g-1)*float64(n-p)))
		for _, s := range sums {
			for j := 0; j < p; j++ {
				cov[j] = add(cov[j], mul(adj, mul(s[j], s[j])))
			}
		}
	case HAC:
		// Prewhitened: Â = S₁₀S₀₀⁻¹ (S₀₀ = Σψₜ₋₁ψₜ₋₁ᵀ, S₁₀ = Σψₜψₜ₋₁ᵀ),
		// the Newey–West sum Ω of êₜ = ψₜ − Âψₜ₋₁, then (I − Â)⁻¹Ω(I − Â)⁻ᵀ.
		u := psi
		var d [][]*big.Float
		if set.Prewhite {
			s00, s10 := bigZeros(p), bigZeros(p)
			for t := 1; t < n; t++ {
				for j := 0; j < p; j++ {
					for k := 0; k < p; k++ {
						s00[j][k] = add(s00[j][k], mul(psi[t-1][j], psi[t-1][k]))
						s10[j][k] = add(s10[j][k], mul(psi[t][j], psi[t-1][k]))
					}
				}
			}
			a := bigMul(s10, bigInverse(s00))
			u = make([][]*big.Float, n-1)
			for t := 1; t < n; t++ {
				u[t-1] = make([]*big.Float, p)
				for j := 0; j < p; j++ {
					e := psi[t][j]
					for k := 0; k < p; k++ {
						e = add(e, new(big.Float).Neg(mul(a[j][k], psi[t-1][k])))
					}
					u[t-1][j] = e
				}
			}
			ima := bigZeros(p)
			for j := 0; j < p; j++ {
				for k := 0; k < p; k++ {
					ima[j][k] = new(big.Float).Neg(a[j][k])
				}
				ima[j][j] = add(ima[j][j], one)
			}
			d = bigInverse(ima)
		}
		L := set.Lags
		if L == 0 {
			L = DefaultLags(n)
		}
		omega := bigZeros(p)
		for l := 0; l <= L; l++ {
			wl := new(big.Float).SetPrec(bigPrec).Quo(bf(float64(L+1-l)), bf(float64(L+1)))
			for i := l; i < len(u); i++ {
				for j := 0; j < p; j++ {
					for k := 0; k < p; k++ {
						v := mul(wl, mul(u[i][j], u[i-l][k]))
						omega[j][k] = add(omega[j][k], v)
						if l > 0 {
							omega[k][j] = add(omega[k][j], v)
						}
					}
				}
			}
		}
		if d != nil {
			omega = bigMul(bigMul(d, omega), bigTranspose(d))
		}
		for j := range cov {
			cov[j] = omega[j][j]
		}
	}
	se := make([]float64, p)
	for j, c := range cov {
		v, _ := new(big.Float).SetPrec(bigPrec).Sqrt(c).Float64()
		se[j] = v
	}
	return se
}

func bigZeros(p int) [][]*big.Float {
	m := make([][]*big.Float, p)
	for j := range m {
		m[j] = make([]*big.Float, p)
		for k := range m[j] {
			m[j][k] = bf(0)
		}
	}
	return m
}

func bigMul(a, b [][]*big.Float) [][]*big.Float {
	c := bigZeros(len(a))
	for i := range a {
		for j := range b[0] {
			for k := range b {
				c[i][j] = new(big.Float).SetPrec(bigPrec).Add(c[i][j], new(big.Float).SetPrec(bigPrec).Mul(a[i][k], b[k][j]))
			}
		}
	}
	return c
}

func bigTranspose(a [][]*big.Float) [][]*big.Float {
	t := bigZeros(len(a))
	for i := range a {
		for j := range a[i] {
			t[j][i] = a[i][j]
		}
	}
	return t
}

// bigInverse inverts the p×p matrix m by Gauss–Jordan elimination with
// partial pivoting in bigPrec bits.
func bigInverse(m [][]*big.Float) [][]*big.Float {
	p := len(m)
	aug := make([][]*big.Float, p)
	for j := range aug {
		aug[j] = make([]*big.Float, 2*p)
		for k := range aug[j] {
			switch {
			case k < p:
				aug[j][k] = new(big.Float).SetPrec(bigPrec).Set(m[j][k])
			case k == p+j:
				aug[j][k] = bf(1)
			default:
				aug[j][k] = bf(0)
			}
		}
	}
	mul := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(bigPrec).Mul(a, b) }
	for c := 0; c < p; c++ {
		piv := c
		for r := c + 1; r < p; r++ {
			if new(big.Float).Abs(aug[r][c]).Cmp(new(big.Float).Abs(aug[piv][c])) > 0 {
				piv = r
			}
		}
		aug[c], aug[piv] = aug[piv], aug[c]
		inv := new(big.Float).SetPrec(bigPrec).Quo(bf(1), aug[c][c])
		for k := range aug[c] {
			aug[c][k] = mul(aug[c][k], inv)
		}
		for r := 0; r < p; r++ {
			if r == c {
				continue
			}
			f := new(big.Float).Neg(aug[r][c])
			for k := range aug[r] {
				aug[r][k] = new(big.Float).SetPrec(bigPrec).Add(aug[r][k], mul(f, aug[c][k]))
			}
		}
	}
	out := make([][]*big.Float, p)
	for j := range out {
		out[j] = aug[j][p:]
	}
	return out
}

// TestRobustLongley compares the robust standard errors of Longley's fit
// with a 256-bit evaluation of the textbook formula (bigSandwich). The
// design's X̃ᵀX̃ has condition number about 10²⁴ (raw columns of order 10⁵
// and years), which the formula through (X̃ᵀX̃)⁻¹ in float64 cannot
// survive (8 to 12 correct digits); through the QR factor of the centred
// design the standard errors keep the accuracy of the fit. Tolerance: 12
// correct digits (LRE ≥ 12, the target) for the float64 path
// (Precision Double, measured 12.3 to 14.4), 14.5 for double-double
// (measured 15.0, the cap of LRE here), the float64 rounding of the
// inputs to the sandwich (residuals, data) being the limit.
//
// Prewhitened Newey–West (the reference fits the VAR by its normal
// equations in 256 bits) has a tolerance of 11 digits for either path
// (measured 11.9 to 13.0): the VAR(1) coefficients are a least-squares fit
// to the lagged influence rows, whose condition number after scaling the
// columns is about 7·10⁴ here, so the float64 rounding of ψ alone moves
// them, and the standard errors, by up to 7·10⁴·ε ≈ 10⁻¹¹. (Recolouring in
// the coordinates of ψ itself, whose I − Â has condition number 10¹⁷ here,
// left 8 digits; see whiten.)
func TestRobustLongley(t *testing.T) {
	var p testproblems.Linear
	for _, q := range testproblems.LinearProblems() {
		if q.Name == "Longley" {
			p = q
		}
	}
	cols := p.Design()
	n := len(p.Y)
	rows := make([][]float64, n)
	x := mat.NewDense(n, len(cols), nil)
	for i := range rows {
		for j := range cols {
			rows[i] = append(rows[i], cols[j][i])
			x.Set(i, j, cols[j][i])
		}
	}
	w := make([]float64, n)
	clusters := make([]int, n)
	for i := range w {
		w[i] = float64(1 + i%3)
		clusters[i] = i / 4
	}
	for _, c := range []struct {
		name string
		w    []float64
		set  Settings
	}{
		{"HC0", nil, Settings{Cov: HC0}},
		{"HC1", nil, Settings{Cov: HC1}},
		{"HC2", nil, Settings{Cov: HC2}},
		{"HC3", nil, Settings{Cov: HC3}},
		{"HC3 weighted", w, Settings{Cov: HC3}},
		{"HC2 weighted", w, Settings{Cov: HC2}},
		{"cluster", nil, Settings{Cov: Cluster, Clusters: clusters}},
		{"cluster weighted", w, Settings{Cov: Cluster, Clusters: clusters}},
		{"HAC lag 2", nil, Settings{Cov: HAC, Lags: 2}},
		{"HAC lag 3 weighted", w, Settings{Cov: HAC, Lags: 3}},
		{"HAC lag 2 prewhitened", nil, Settings{Cov: HAC, Lags: 2, Prewhite: true}},
		{"HAC lag 3 weighted prewhitened", w, Settings{Cov: HAC, Lags: 3, Prewhite: true}},
		{"HAC default lag prewhitened", nil, Settings{Cov: HAC, Prewhite: true}},
	} {
		res, err := linear.Solve(x, p.Y, &linear.Settings{Weights: c.w})
		if err != nil {
			t.Fatal(err)
		}
		want := bigSandwich(rows, p.Y, c.w, &c.set)
		for _, prec := range []linear.Precision{linear.Auto, linear.Double} {
			set := c.set
			set.Precision = prec
			s, err := Summarize(res, x, c.w, &set)
			if err != nil {
				t.Fatal(c.name, prec, err)
			}
			worst := math.Inf(1)
			for j, tm := range s.Terms {
				lre := testproblems.LRE(tm.StdErr, want[j], 15)
				worst = math.Min(worst, lre)
			}
			// Auto is double-double here: 15 digits (measured); the
			// float64 path 12.3 to 14.4.
			min := map[linear.Precision]float64{linear.Auto: 14.5, linear.Double: 12}[prec]
			if c.set.Prewhite {
				min = 11
			}
			if worst < min {
				t.Errorf("%s %v: %.1f correct digits, want ≥ %g", c.name, prec, worst, min)
			}
			t.Logf("%s %v: %.1f digits", c.name, prec, worst)
		}
	}
}

// TestRobustFloat64Path checks that the three ways to the influence rows
// and leverages agree on a well-conditioned weighted design (rows of weight
// 0 included), with and without intercept: the double-double QR path
// (Precision Auto here), the float64 QR path (used beyond linear's
// double-double limits) and the textbook (X̃ᵀWX̃)⁻¹x̃ᵢwᵢrᵢ of the
// rank-deficient path. All are backward stable on this design (condition
// number about 3), so they agree to about cond·ε ≈ 1e-15 relative to the
// size of ψ (at most about 0.1 here): 1e-12·(|ψ| + 1e-3) leaves margin.
func TestRobustFloat64Path(t *testing.T) {
	n, d := 40, 3
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	w := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			x.Set(i, j, math.Sin(float64(i*(j+2)))+float64(j))
		}
		y[i] = 1 + x.At(i, 0) - 2*x.At(i, 2) + math.Cos(float64(3*i))*(1+x.At(i, 1))
		w[i] = float64(i % 4) // some rows of weight 0
	}
	for _, noIntercept := range []bool{false, true} {
		res, err := linear.Solve(x, y, &linear.Settings{Weights: w, NoIntercept: noIntercept})
		if err != nil {
			t.Fatal(err)
		}
		p := d + 1
		if noIntercept {
			p = d
		}
		a := influenceOf(res, x, w, 1, linear.Auto)
		b := &influence{h: make([]float64, n), rows: a.rows, psi: mat.NewDense(n, p, nil)}
		b.fromQR(res, x, w, 1)
		c := &influence{h: make([]float64, n), rows: a.rows, psi: mat.NewDense(n, p, nil)}
		c.fromUnscaled(res, x, w, 1)
		if len(a.rows) != 30 {
			t.Fatalf("%d rows of positive weight, want 30", len(a.rows))
		}
		// The leverages are the diagonal of the hat matrix, whose trace is
		// the number of coefficients.
		var trace float64
		for _, h := range a.h {
			trace += h
		}
		if math.Abs(trace-float64(p)) > 1e-13 {
			t.Errorf("no intercept %v: Σh = %.17g, want %d", noIntercept, trace, p)
		}
		for i := 0; i < n; i++ {
			for name, other := range map[string]*influence{"float64 QR": b, "unscaled": c} {
				for j := 0; j < p; j++ {
					if g, e := other.psi.At(i, j), a.psi.At(i, j); math.Abs(g-e) > 1e-12*(math.Abs(e)+1e-3) {
						t.Errorf("no intercept %v, %s: psi[%d,%d] = %g, dd %g", noIntercept, name, i, j, g, e)
					}
				}
				if g, e := other.h[i], a.h[i]; math.Abs(g-e) > 1e-12 {
					t.Errorf("no intercept %v, %s: h[%d] = %g, dd %g", noIntercept, name, i, g, e)
				}
			}
		}
	}
}

// TestRobustInvariants: with every row its own cluster (G = n) the
// clustered covariance is HC0·n/(n − 1)·(n − 1)/(n − k) = HC1; renaming
// the clusters changes nothing; fewer than two clusters is an error.
func TestRobustInvariants(t *testing.T) {
	n := 30
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	own, a, b := make([]int, n), make([]int, n), make([]int, n)
	for i := 0; i < n; i++ {
		x.Set(i, 0, float64(i))
		x.Set(i, 1, math.Sqrt(float64(i)))
		y[i] = 2 + 0.5*float64(i) + math.Sin(float64(i))*float64(i)
		own[i] = 1000 - i
		a[i] = i / 3
		b[i] = -7 * (i / 3)
	}
	res, err := linear.Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	get := func(set *Settings) *Summary {
		s, err := Summarize(res, x, nil, set)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	pairs := []struct {
		name string
		a, b *Summary
	}{
		{"one row per cluster = HC1", get(&Settings{Cov: Cluster, Clusters: own}), get(&Settings{Cov: HC1})},
		{"relabelled clusters", get(&Settings{Cov: Cluster, Clusters: a}), get(&Settings{Cov: Cluster, Clusters: b})},
	}
	for _, c := range pairs {
		for j := range c.a.Terms {
			// Same sums in another order: a few ulps.
			if g, e := c.a.Terms[j].StdErr, c.b.Terms[j].StdErr; math.Abs(g-e) > 1e-14*e {
				t.Errorf("%s: se[%d] %g vs %g", c.name, j, g, e)
			}
		}
	}
	if s := get(&Settings{Cov: Cluster, Clusters: a}); s.Clusters != 10 {
		t.Errorf("Clusters = %d, want 10", s.Clusters)
	}
	if s := get(&Settings{Cov: HAC}); s.Lags != DefaultLags(n) || DefaultLags(n) != 3 {
		// ⌊4·0.3^{2/9}⌋ = ⌊3.06⌋ = 3.
		t.Errorf("Lags = %d, DefaultLags(30) = %d, want 3", s.Lags, DefaultLags(n))
	}
	if _, err := Summarize(res, x, nil, &Settings{Cov: Cluster, Clusters: make([]int, n)}); err == nil {
		t.Error("no error for one cluster")
	}
}
