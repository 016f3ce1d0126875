package stream

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// synth returns n rows of d features with mixed scales and offsets, a
// response from known coefficients plus noise, and weights in (0.5, 2) when
// weighted is true (nil otherwise).
func synth(seed uint64, n, d int, weighted bool) (x *mat.Dense, y, w []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x = mat.NewDense(n, d, nil)
	y = make([]float64, n)
	for i := 0; i < n; i++ {
		s := 0.5
		for j := 0; j < d; j++ {
			v := float64(j+1)*rng.NormFloat64() + float64(3*j)
			x.Set(i, j, v)
			s += float64(j%3-1) * 0.7 * v
		}
		y[i] = s + 0.3*rng.NormFloat64()
	}
	if weighted {
		w = make([]float64, n)
		for i := range w {
			w[i] = 0.5 + 1.5*rng.Float64()
		}
	}
	return x, y, w
}

// oneShot is the reference: gonum's Householder QR of the whole weighted
// design [1 X] at once, β = R⁻¹Qᵀ(√w·y), and the residuals computed directly.
func oneShot(t *testing.T, x *mat.Dense, y, w []float64, intercept bool) (beta []float64, rss float64) {
	t.Helper()
	n, d := x.Dims()
	off := 0
	if intercept {
		off = 1
	}
	a := mat.NewDense(n, d+off, nil)
	b := mat.NewDense(n, 1, nil)
	for i := 0; i < n; i++ {
		s := 1.0
		if w != nil {
			s = math.Sqrt(w[i])
		}
		if intercept {
			a.Set(i, 0, s)
		}
		for j := 0; j < d; j++ {
			a.Set(i, off+j, s*x.At(i, j))
		}
		b.Set(i, 0, s*y[i])
	}
	var qr mat.QR
	qr.Factorize(a)
	var sol mat.Dense
	if err := qr.SolveTo(&sol, false, b); err != nil {
		t.Fatal(err)
	}
	beta = mat.Col(nil, 0, &sol)
	var r mat.VecDense
	r.MulVec(a, mat.NewVecDense(d+off, beta))
	r.SubVec(&r, mat.NewVecDense(n, mat.Col(nil, 0, b)))
	return beta, mat.Dot(&r, &r)
}

func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

// maxRel is the largest |a−b| over the vectors, relative to ‖b‖∞.
func maxRel(a, b []float64) float64 {
	return floats.Distance(a, b, math.Inf(1)) / floats.Norm(b, math.Inf(1))
}

func mustSolve(t *testing.T, q *QR, alpha float64) *Result {
	t.Helper()
	r, err := q.Solve(alpha, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// coefs returns [intercept, coef...].
func coefs(r *Result) []float64 {
	return append([]float64{r.Intercept}, r.Coef...)
}

// An exact linear relation is recovered exactly (up to rounding), with zero
// residual and R² = 1.
func TestQRExactLine(t *testing.T) {
	q := NewQR(2, true)
	for i := 0; i < 200; i++ {
		x1, x2 := float64(i%17), float64(i%5)*0.5
		if err := q.AddRow([]float64{x1, x2}, 1+2*x1-3*x2, 1); err != nil {
			t.Fatal(err)
		}
	}
	r := mustSolve(t, q, 0)
	// 1e-12: the design has κ ≈ 30, so ε·κ·(small constant) is far below it.
	if math.Abs(r.Intercept-1) > 1e-12 || math.Abs(r.Coef[0]-2) > 1e-12 || math.Abs(r.Coef[1]+3) > 1e-12 {
		t.Errorf("got intercept %v coef %v, want 1 [2 -3]", r.Intercept, r.Coef)
	}
	if r.N != 200 || r.DF != 197 || r.SumWeights != 200 {
		t.Errorf("N, DF, W = %d, %d, %v; want 200, 197, 200", r.N, r.DF, r.SumWeights)
	}
	if r.RSS > 1e-20 || math.Abs(r.R2-1) > 1e-14 {
		t.Errorf("RSS = %v, R² = %v; want 0 and 1", r.RSS, r.R2)
	}
}

// Simple regression in closed form: for x = 1..n and y = x + (−1)^i,
// every summary quantity has a formula.
func TestQRSimpleRegressionClosedForm(t *testing.T) {
	const n = 10
	q := NewQR(1, true)
	var xs, ys []float64
	for i := 1; i <= n; i++ {
		x := float64(i)
		y := x + float64(1-2*(i%2))
		xs, ys = append(xs, x), append(ys, y)
		if err := q.AddRow([]float64{x}, y, 1); err != nil {
			t.Fatal(err)
		}
	}
	r := mustSolve(t, q, 0)
	xbar, ybar := floats.Sum(xs)/n, floats.Sum(ys)/n
	var sxx, sxy, syy float64
	for i := range xs {
		sxx += (xs[i] - xbar) * (xs[i] - xbar)
		sxy += (xs[i] - xbar) * (ys[i] - ybar)
		syy += (ys[i] - ybar) * (ys[i] - ybar)
	}
	slope := sxy / sxx
	icpt := ybar - slope*xbar
	rss := syy - slope*sxy
	s := math.Sqrt(rss / (n - 2))
	want := map[string][2]float64{
		"slope":     {r.Coef[0], slope},
		"intercept": {r.Intercept, icpt},
		"RSS":       {r.RSS, rss},
		"sd":        {r.ResidualSD, s},
		"se(slope)": {r.StdErr[0], s / math.Sqrt(sxx)},
		"se(icpt)":  {r.InterceptStdErr, s * math.Sqrt(1.0/n+xbar*xbar/sxx)},
		"R2":        {r.R2, sxy * sxy / (sxx * syy)},
		"adjusted":  {r.AdjR2, 1 - (rss/(n-2))/(syy/(n-1))},
		"mean x":    {first(q.Means()), xbar},
		"norm x":    {first(q.CentredNorms()), math.Sqrt(sxx)},
	}
	for name, g := range want {
		// 1e-13: a 10-row problem with κ ≈ 20; the formulas above and the QR
		// agree to a few ulps.
		if relDiff(g[0], g[1]) > 1e-13 {
			t.Errorf("%s = %v, want %v", name, g[0], g[1])
		}
	}
}

func first(x []float64, _ float64) float64 { return x[0] }

// Streaming (64-row blocks, Householder on R) and gonum's one-shot QR of the
// whole matrix agree to 1e-10 on coefficients and RSS, with and without
// weights and intercept.
func TestQRMatchesOneShot(t *testing.T) {
	for _, tc := range []struct {
		name                string
		n, d                int
		weighted, intercept bool
	}{
		{"ols", 1000, 5, false, true},
		{"weighted", 1000, 5, true, true},
		{"no-intercept", 777, 4, false, false},
		{"weighted-no-intercept", 333, 7, true, false},
		{"fewer-rows-than-block", 20, 3, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y, w := synth(uint64(tc.n+tc.d), tc.n, tc.d, tc.weighted)
			q := NewQR(tc.d, tc.intercept)
			if err := q.Add(x, y, w); err != nil {
				t.Fatal(err)
			}
			r := mustSolve(t, q, 0)
			beta, rss := oneShot(t, x, y, w, tc.intercept)
			got := r.Coef
			if tc.intercept {
				got = append([]float64{r.Intercept}, r.Coef...)
			}
			// 1e-10 is the brief's streaming-vs-one-shot tolerance; the data has
			// κ ≈ 1e2, so both are accurate to ~1e-14.
			if e := maxRel(got, beta); e > 1e-10 {
				t.Errorf("coef differ by %.3g relative:\n got %v\nwant %v", e, got, beta)
			}
			if e := relDiff(r.RSS, rss); e > 1e-10 {
				t.Errorf("RSS = %v, want %v (rel %.3g)", r.RSS, rss, e)
			}
		})
	}
}

// Standard errors match σ̂·√diag((AᵀA)⁻¹) computed with gonum's inverse of
// the normal matrix, and R² matches 1 − RSS/TSS computed directly.
func TestQRSummaryMatchesDirect(t *testing.T) {
	const n, d = 500, 4
	x, y, w := synth(11, n, d, true)
	q := NewQR(d, true)
	if err := q.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	r := mustSolve(t, q, 0)
	a := mat.NewDense(n, d+1, nil)
	for i := 0; i < n; i++ {
		s := math.Sqrt(w[i])
		a.Set(i, 0, s)
		for j := 0; j < d; j++ {
			a.Set(i, j+1, s*x.At(i, j))
		}
	}
	var ata, inv mat.Dense
	ata.Mul(a.T(), a)
	if err := inv.Inverse(&ata); err != nil {
		t.Fatal(err)
	}
	se := []float64{r.InterceptStdErr}
	se = append(se, r.StdErr...)
	sigma := math.Sqrt(r.RSS / float64(n-d-1))
	for j := range se {
		want := sigma * math.Sqrt(inv.At(j, j))
		// 1e-10: inverting AᵀA squares κ ≈ 1e2 → 1e4, so the reference is
		// good to ~1e-12.
		if relDiff(se[j], want) > 1e-10 {
			t.Errorf("se[%d] = %v, want %v", j, se[j], want)
		}
	}
	var sw, swy float64
	for i := range y {
		sw += w[i]
		swy += w[i] * y[i]
	}
	var tss float64
	for i := range y {
		tss += w[i] * (y[i] - swy/sw) * (y[i] - swy/sw)
	}
	if e := relDiff(r.R2, 1-r.RSS/tss); e > 1e-12 {
		t.Errorf("R² = %v, want %v", r.R2, 1-r.RSS/tss)
	}
	wantAdj := 1 - (1-r.R2)*float64(n-1)/float64(n-d-1)
	if e := relDiff(r.AdjR2, wantAdj); e > 1e-14 {
		t.Errorf("adjusted R² = %v, want %v", r.AdjR2, wantAdj)
	}
}

// An integer weight is the same as repeating the row.
func TestQRWeightIsReplication(t *testing.T) {
	x, y, _ := synth(5, 300, 3, false)
	w := make([]float64, 300)
	wq, rq := NewQR(3, true), NewQR(3, true)
	for i := range w {
		w[i] = float64(1 + i%3)
		for k := 0; k < int(w[i]); k++ {
			if err := rq.AddRow(x.RawRowView(i), y[i], 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := wq.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	a, b := mustSolve(t, wq, 0), mustSolve(t, rq, 0)
	// 1e-12: two different summation orders of the same well-conditioned sums.
	if e := maxRel(coefs(a), coefs(b)); e > 1e-12 {
		t.Errorf("weighted %v, replicated %v", coefs(a), coefs(b))
	}
	if relDiff(a.RSS, b.RSS) > 1e-12 || relDiff(a.R2, b.R2) > 1e-12 {
		t.Errorf("RSS %v vs %v, R² %v vs %v", a.RSS, b.RSS, a.R2, b.R2)
	}
	if a.SumWeights != b.SumWeights {
		t.Errorf("Σw = %v, want %v", a.SumWeights, b.SumWeights)
	}
}

// Rows of weight zero change nothing and are not counted.
func TestQRZeroWeight(t *testing.T) {
	q := NewQR(1, true)
	for i, xy := range [][2]float64{{1, 2}, {2, 3}, {3, 5}, {100, -1e6}} {
		w := 1.0
		if i == 3 {
			w = 0
		}
		if err := q.AddRow(xy[:1], xy[1], w); err != nil {
			t.Fatal(err)
		}
	}
	r := mustSolve(t, q, 0)
	// Closed form for (1,2),(2,3),(3,5): slope 1.5, intercept 1/3.
	if r.N != 3 || math.Abs(r.Coef[0]-1.5) > 1e-14 || math.Abs(r.Intercept-1.0/3) > 1e-14 {
		t.Errorf("N %d coef %v intercept %v; want 3, 1.5, 1/3", r.N, r.Coef, r.Intercept)
	}
	// Every number of the summary is that of the three rows alone (R's
	// lm drops zero-weight rows): exact zeros added to double-double
	// sums, so equal to 1e-15 relative, a few float64 ulps.
	d := NewQR(1, true)
	for _, xy := range [][2]float64{{1, 2}, {2, 3}, {3, 5}} {
		if err := d.AddRow(xy[:1], xy[1], 1); err != nil {
			t.Fatal(err)
		}
	}
	s := mustSolve(t, d, 0)
	if r.DF != s.DF || r.DF != 1 {
		t.Errorf("DF %d, without the row %d, want 1", r.DF, s.DF)
	}
	for _, c := range [][3]any{
		{"residual SD", r.ResidualSD, s.ResidualSD}, {"R²", r.R2, s.R2}, {"adjusted R²", r.AdjR2, s.AdjR2},
		{"RSS", r.RSS, s.RSS}, {"SE slope", r.StdErr[0], s.StdErr[0]}, {"SE intercept", r.InterceptStdErr, s.InterceptStdErr},
	} {
		if a, b := c[1].(float64), c[2].(float64); !(relDiff(a, b) <= 1e-15) {
			t.Errorf("%s %v, without the zero-weight row %v", c[0], a, b)
		}
	}
}

// Ridge against the closed form on centred data,
// β = (XcᵀWXc + Wα·I)⁻¹XcᵀWyc, b = ȳ − x̄ᵀβ (weighted means).
func TestQRRidgeClosedForm(t *testing.T) {
	const n, d = 400, 5
	x, y, w := synth(3, n, d, true)
	q := NewQR(d, true)
	if err := q.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	for _, alpha := range []float64{1e-6, 0.1, 3, 1000} {
		r := mustSolve(t, q, alpha)
		var sw float64
		xbar := make([]float64, d)
		var ybar float64
		for i := 0; i < n; i++ {
			sw += w[i]
			ybar += w[i] * y[i]
			for j := 0; j < d; j++ {
				xbar[j] += w[i] * x.At(i, j)
			}
		}
		ybar /= sw
		floats.Scale(1/sw, xbar)
		a := mat.NewSymDense(d, nil)
		rhs := mat.NewVecDense(d, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				xj := x.At(i, j) - xbar[j]
				rhs.SetVec(j, rhs.AtVec(j)+w[i]*xj*(y[i]-ybar))
				for k := j; k < d; k++ {
					a.SetSym(j, k, a.At(j, k)+w[i]*xj*(x.At(i, k)-xbar[k]))
				}
			}
		}
		for j := 0; j < d; j++ {
			a.SetSym(j, j, a.At(j, j)+sw*alpha)
		}
		var chol mat.Cholesky
		if !chol.Factorize(a) {
			t.Fatal("not positive definite")
		}
		var beta mat.VecDense
		if err := chol.SolveVecTo(&beta, rhs); err != nil {
			t.Fatal(err)
		}
		want := beta.RawVector().Data
		b := ybar - floats.Dot(xbar, want)
		// 1e-10: the normal equations square κ ≈ 1e2, so the reference is
		// good to ~1e-12.
		if e := maxRel(append([]float64{r.Intercept}, r.Coef...), append([]float64{b}, want...)); e > 1e-10 {
			t.Errorf("alpha %v: got %v %v, want %v %v", alpha, r.Intercept, r.Coef, b, want)
		}
		if r.StdErr != nil || !math.IsNaN(r.InterceptStdErr) {
			t.Errorf("alpha %v: ridge should give no standard errors", alpha)
		}
		// RSS of the ridge fit, directly.
		var rss float64
		for i := 0; i < n; i++ {
			res := y[i] - b - floats.Dot(x.RawRowView(i), want)
			rss += w[i] * res * res
		}
		if e := relDiff(r.RSS, rss); e > 1e-9 {
			t.Errorf("alpha %v: RSS = %v, want %v", alpha, r.RSS, rss)
		}
	}
	// Ridge → OLS as α → 0.
	ols, tiny := mustSolve(t, q, 0), mustSolve(t, q, 1e-14)
	if e := maxRel(coefs(tiny)[1:], ols.Coef); e > 1e-10 {
		t.Errorf("α = 1e-14 differs from OLS by %.3g", e)
	}
}

// Splitting the rows at arbitrary points and merging the pieces in any order
// or tree gives the same fit to 1e-12 relative.
func TestQRMergeOrder(t *testing.T) {
	const n, d = 2000, 6
	x, y, w := synth(17, n, d, true)
	whole := NewQR(d, true)
	if err := whole.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	ref := mustSolve(t, whole, 0)
	rng := rand.New(rand.NewPCG(99, 1))
	for trial := 0; trial < 20; trial++ {
		k := 2 + rng.IntN(7)
		cuts := []int{0, n}
		for len(cuts) < k+1 {
			cuts = append(cuts, 1+rng.IntN(n-1))
		}
		slices.Sort(cuts)
		var pieces []*QR
		for i := 0; i+1 < len(cuts); i++ {
			lo, hi := cuts[i], cuts[i+1]
			p := NewQR(d, true)
			if hi > lo {
				if err := p.Add(x.Slice(lo, hi, 0, d), y[lo:hi], w[lo:hi]); err != nil {
					t.Fatal(err)
				}
			}
			pieces = append(pieces, p)
		}
		// Random merge tree: repeatedly merge a random adjacent or
		// non-adjacent pair.
		for len(pieces) > 1 {
			i, j := rng.IntN(len(pieces)), rng.IntN(len(pieces)-1)
			if j >= i {
				j++
			}
			if err := pieces[i].Merge(pieces[j]); err != nil {
				t.Fatal(err)
			}
			pieces = append(pieces[:j], pieces[j+1:]...)
		}
		got := mustSolve(t, pieces[0], 0)
		// 1e-15 relative, a few float64 ulps: the default accumulator works
		// in double-double (≈1e-32 per operation, κ ≈ 1e2 here) and rounds
		// to float64 only at the end, so the merge tree changes no more than
		// the last bit or two. (The float64 accumulator agrees to 1e-12.)
		for name, pair := range map[string][2][]float64{
			"coef":   {coefs(got), coefs(ref)},
			"stderr": {append([]float64{got.InterceptStdErr}, got.StdErr...), append([]float64{ref.InterceptStdErr}, ref.StdErr...)},
			"stats":  {{got.RSS, got.R2, got.AdjR2, got.ResidualSD, got.SumWeights}, {ref.RSS, ref.R2, ref.AdjR2, ref.ResidualSD, ref.SumWeights}},
		} {
			if e := maxRel(pair[0], pair[1]); e > 1e-15 {
				t.Errorf("trial %d (%d pieces) %s differ by %.3g", trial, k, name, e)
			}
		}
		if got.N != ref.N || got.DF != ref.DF {
			t.Errorf("trial %d: N, DF = %d, %d; want %d, %d", trial, got.N, got.DF, ref.N, ref.DF)
		}
	}
}

func TestQRErrors(t *testing.T) {
	q := NewQR(2, true)
	for _, tc := range []struct {
		x    []float64
		y, w float64
		col  int
		what string
	}{
		{[]float64{1, math.NaN()}, 1, 1, 1, "feature"},
		{[]float64{1, 2}, math.Inf(1), 1, -1, "response"},
		{[]float64{1, 2}, 1, -1, -1, "weight"},
		{[]float64{1, 2}, 1, math.NaN(), -1, "weight"},
		{[]float64{1, 2}, 1, math.Inf(1), -1, "weight"},
	} {
		err := q.AddRow(tc.x, tc.y, tc.w)
		var de *DataError
		if !errors.As(err, &de) || de.Column != tc.col || de.What != tc.what {
			t.Errorf("AddRow(%v, %v, %v) = %v, want a %s error at column %d", tc.x, tc.y, tc.w, err, tc.what, tc.col)
		}
	}
	if q.N() != 0 || q.Rows() != 0 {
		t.Errorf("failed rows were counted: N = %d, Rows = %d", q.N(), q.Rows())
	}
	if _, err := q.Solve(0, nil); !errors.Is(err, ErrNoData) {
		t.Errorf("Solve on empty = %v, want ErrNoData", err)
	}
	// A block with a bad row in the middle leaves the accumulator unchanged.
	x := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, math.NaN()})
	err := q.Add(x, []float64{1, 2, 3}, nil)
	var de *DataError
	if !errors.As(err, &de) || de.Row != 2 || q.N() != 0 || q.Rows() != 0 {
		t.Errorf("Add = %v with N = %d, Rows = %d; want row 2 error and both 0", err, q.N(), q.Rows())
	}
	// Collinear columns.
	for i := 0; i < 10; i++ {
		v := float64(i)
		if err := q.AddRow([]float64{v, 2 * v}, v, 1); err != nil {
			t.Fatal(err)
		}
	}
	var se *SingularError
	if _, err := q.Solve(0, nil); !errors.As(err, &se) || se.Column != 2 {
		t.Errorf("Solve on collinear design = %v, want SingularError at column 2", err)
	}
	// Ridge makes it solvable.
	if _, err := q.Solve(0.1, nil); err != nil {
		t.Errorf("ridge on collinear design: %v", err)
	}
	if err := NewQR(2, true).Merge(NewQR(3, true)); err == nil {
		t.Error("merging 2 and 3 features succeeded")
	}
	if err := NewQR(2, true).Merge(NewQR(2, false)); err == nil {
		t.Error("merging with and without intercept succeeded")
	}
}

// Means and centred norms read off R equal the direct weighted ones.
func TestQRMeansAndNorms(t *testing.T) {
	x, y, w := synth(23, 700, 3, true)
	q := NewQR(3, true)
	if err := q.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	mx, my := q.Means()
	nx, ny := q.CentredNorms()
	ux, uy := q.Norms()
	col := func(j int) []float64 {
		if j == 3 {
			return y
		}
		return mat.Col(nil, j, x)
	}
	for j := 0; j <= 3; j++ {
		c := col(j)
		var sw, s float64
		for i := range c {
			sw += w[i]
			s += w[i] * c[i]
		}
		mean := s / sw
		var ss float64
		for i := range c {
			ss += w[i] * (c[i] - mean) * (c[i] - mean)
		}
		var sq float64
		for i := range c {
			sq += w[i] * c[i] * c[i]
		}
		gm, gn, gu := my, ny, uy
		if j < 3 {
			gm, gn, gu = mx[j], nx[j], ux[j]
		}
		if relDiff(gu, math.Sqrt(sq)) > 1e-12 {
			t.Errorf("column %d: norm %v, want %v", j, gu, math.Sqrt(sq))
		}
		// 1e-12: two summation orders over 700 rows.
		if relDiff(gm, mean) > 1e-12 || relDiff(gn, math.Sqrt(ss)) > 1e-12 {
			t.Errorf("column %d: mean %v norm %v; want %v %v", j, gm, gn, mean, math.Sqrt(ss))
		}
	}
}

// The float64 and double-double accumulators fit the same well-conditioned
// data alike, and accumulators of different precision merge: the rows of
// the other factor are folded in the receiver's precision.
func TestQRPrecisionsAgree(t *testing.T) {
	const n, d = 1000, 5
	x, y, w := synth(23, n, d, true)
	if !NewQR(d, true).DoubleDouble() || NewQR(DoubleDoubleMaxFeatures+1, true).DoubleDouble() {
		t.Errorf("NewQR should use double-double exactly when d ≤ %d", DoubleDoubleMaxFeatures)
	}
	fl, dd := NewQRFloat64(d, true), NewQRDoubleDouble(d, true)
	for _, q := range []*QR{fl, dd} {
		if err := q.Add(x, y, w); err != nil {
			t.Fatal(err)
		}
	}
	ref := mustSolve(t, dd, 0)
	// κ ≈ 1e2 for synth's design, so float64 QR is good to ~1e-13; 1e-12
	// leaves a margin.
	const tol = 1e-12
	check := func(name string, got *Result) {
		t.Helper()
		if e := maxRel(coefs(got), coefs(ref)); e > tol {
			t.Errorf("%s: coefficients differ by %.3g", name, e)
		}
		if e := maxRel(append([]float64{got.InterceptStdErr, got.RSS, got.R2}, got.StdErr...),
			append([]float64{ref.InterceptStdErr, ref.RSS, ref.R2}, ref.StdErr...)); e > tol {
			t.Errorf("%s: summary differs by %.3g", name, e)
		}
	}
	check("float64", mustSolve(t, fl, 0))
	for _, tc := range []struct {
		name string
		a, b *QR
	}{
		{"float64 ← double-double", NewQRFloat64(d, true), NewQRDoubleDouble(d, true)},
		{"double-double ← float64", NewQRDoubleDouble(d, true), NewQRFloat64(d, true)},
	} {
		if err := tc.a.Add(x.Slice(0, 400, 0, d), y[:400], w[:400]); err != nil {
			t.Fatal(err)
		}
		if err := tc.b.Add(x.Slice(400, n, 0, d), y[400:], w[400:]); err != nil {
			t.Fatal(err)
		}
		if err := tc.a.Merge(tc.b); err != nil {
			t.Fatal(err)
		}
		check(tc.name, mustSolve(t, tc.a, 0))
	}
}
