package linear

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// This file is the fast path: float64 throughout, blocked LAPACK kernels
// (gonum's pure-Go implementation, or a cgo LAPACK when registered with
// lapack64.Use). Its accuracy is that of backward-stable float64
// factorisations; the accurate path is qrdd.go.

// standardized is the weighted, centred, scaled design in float64.
type standardized struct {
	a      *mat.Dense // n×d: √wᵢ(x_ij − m_j)/s_j
	b      []float64  // √wᵢ(yᵢ − m_y)
	sw     []float64
	means  []float64
	scales []float64
	my     float64
	sumW   float64
}

// standardize centres (when intercept) with a corrected two-pass weighted
// mean and scales each column to unit weighted population SD (RMS without
// intercept). Zero-spread columns keep scale 1.
func standardize(x *mat.Dense, y []float64, w []float64, intercept bool) (*standardized, error) {
	n, d := x.Dims()
	st := &standardized{
		a:      mat.NewDense(n, d, nil),
		b:      make([]float64, n),
		sw:     make([]float64, n),
		means:  make([]float64, d),
		scales: make([]float64, d),
	}
	wt := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	for i := range st.sw {
		st.sw[i] = math.Sqrt(wt(i))
		st.sumW += wt(i)
	}
	if st.sumW == 0 {
		return nil, fmt.Errorf("linear: all %d weights are zero", n)
	}
	// Row-major passes over x: weighted means with a second correcting
	// pass (the mean of the deviations), then the scales.
	raw := x.RawMatrix()
	ar := st.a.RawMatrix()
	if intercept {
		for i := 0; i < n; i++ {
			wi := wt(i)
			row := raw.Data[i*raw.Stride : i*raw.Stride+d]
			for j, v := range row {
				st.means[j] += wi * v
			}
		}
		for j := range st.means {
			st.means[j] /= st.sumW
		}
		corr := make([]float64, d)
		for i := 0; i < n; i++ {
			wi := wt(i)
			row := raw.Data[i*raw.Stride : i*raw.Stride+d]
			for j, v := range row {
				corr[j] += wi * (v - st.means[j])
			}
		}
		for j := range st.means {
			st.means[j] += corr[j] / st.sumW
		}
	}
	ss := make([]float64, d)
	for i := 0; i < n; i++ {
		sw := st.sw[i]
		row := raw.Data[i*raw.Stride : i*raw.Stride+d]
		dst := ar.Data[i*ar.Stride : i*ar.Stride+d]
		for j, v := range row {
			t := sw * (v - st.means[j])
			dst[j] = t
			ss[j] += t * t
		}
	}
	inv := make([]float64, d)
	for j := range ss {
		sc := math.Sqrt(ss[j] / st.sumW)
		if sc == 0 {
			sc = 1
		}
		st.scales[j], inv[j] = sc, 1/sc
	}
	for i := 0; i < n; i++ {
		dst := ar.Data[i*ar.Stride : i*ar.Stride+d]
		for j := range dst {
			dst[j] *= inv[j]
		}
	}
	mean := func(at func(i int) float64) float64 {
		if !intercept {
			return 0
		}
		var s float64
		for i := 0; i < n; i++ {
			s += wt(i) * at(i)
		}
		m := s / st.sumW
		var c float64
		for i := 0; i < n; i++ {
			c += wt(i) * (at(i) - m)
		}
		return m + c/st.sumW
	}
	st.my = mean(func(i int) float64 { return y[i] })
	for i := range st.b {
		st.b[i] = st.sw[i] * (y[i] - st.my)
	}
	return st, nil
}

func fitFloat(x *mat.Dense, y []float64, s *Settings) (*Result, error) {
	n, d := x.Dims()
	intercept := !s.NoIntercept
	st, err := standardize(x, y, s.Weights, intercept)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Coef:         make([]float64, d),
		HasIntercept: intercept,
		Method:       s.Method,
		Precision:    Double,
		N:            observations(s.Weights, n),
		SumWeights:   st.sumW,
	}
	rcond := rankTol(s.RCond, res.N, d)
	var gamma []float64 // standardised coefficients, original order
	var cov [][]float64 // standardised (XᵀWX)⁻¹, original order; nil if none
	switch s.Method {
	case QR:
		gamma, cov, err = qrFloat(st, res, rcond, s.Ridge)
	case SVD:
		gamma, cov = svdFloat(st, res, rcond, s.Ridge)
	case Cholesky:
		gamma, cov, err = choleskyFloat(st, res, s.Ridge)
	}
	if err != nil {
		return nil, err
	}
	if gamma == nil && s.Method == SVD && s.Ridge > 0 {
		copy(res.Coef, ridgeSVD(rawCentred(x, st), st.b, st.sumW*s.Ridge))
	} else if gamma == nil { // rank-deficient: minimum norm in original units
		beta, unscaled := pinvSolve(rawCentred(x, st), st.b, res.Rank, st.means, st.sumW, intercept)
		copy(res.Coef, beta)
		res.Unscaled = unscaled
	} else {
		unscaleSolution(res, gamma, cov, st.scales, st.means, st.sumW, intercept)
	}
	if intercept {
		res.Intercept = interceptOf(st.my, st.means, res.Coef)
	}
	res.Residuals = make([]float64, n)
	raw := x.RawMatrix()
	for i := 0; i < n; i++ {
		r := y[i] - res.Intercept
		row := raw.Data[i*raw.Stride : i*raw.Stride+d]
		for j, c := range res.Coef {
			r -= row[j] * c
		}
		res.Residuals[i] = r
		wi := st.sw[i] * st.sw[i]
		res.RSS += wi * r * r
		t := y[i] - st.my
		res.TSS += wi * t * t
	}
	res.DF = dfOf(res.N, res.Rank, intercept)
	return res, nil
}

// rawCentred is √w∘(x − m), unscaled, for the minimum-norm solution.
func rawCentred(x *mat.Dense, st *standardized) *mat.Dense {
	n, d := x.Dims()
	a := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			a.Set(i, j, st.sw[i]*(x.At(i, j)-st.means[j]))
		}
	}
	return a
}

// qrFloat factorises the standardised design by LAPACK's blocked pivoted
// QR (dgeqp3). It returns nil gamma when the design is rank-deficient and
// there is no ridge penalty.
func qrFloat(st *standardized, res *Result, rcond, ridge float64) ([]float64, [][]float64, error) {
	n, d := st.a.Dims()
	if d == 0 {
		res.Cond = 1
		return []float64{}, [][]float64{}, nil
	}
	// Blocked unpivoted QR of A (dgeqrf, level-3), then pivoted QR (dgeqp3)
	// of its small triangular factor: A·P = Q₁·Q₂·R₂ reveals the rank as a
	// pivoted QR of A would, at the cost of an unpivoted one.
	// Factorise st.a in place: the QR path does not use it afterwards.
	sa := st.a.RawMatrix()
	a1 := blas64.General{Rows: n, Cols: d, Stride: sa.Stride, Data: sa.Data}
	kmax := min(n, d)
	tau1 := make([]float64, kmax)
	work := make([]float64, 1)
	lapack64.Geqrf(a1, tau1, work, -1)
	lapack64.Ormqr(blas.Left, blas.Trans, a1, tau1, blas64.General{Rows: n, Cols: 1, Stride: 1, Data: st.b}, work[:1], -1)
	work = make([]float64, max(int(work[0]), d, 1))
	lapack64.Geqrf(a1, tau1, work, -1)
	work = make([]float64, max(len(work), int(work[0])))
	lapack64.Geqrf(a1, tau1, work, len(work))
	c1 := blas64.General{Rows: n, Cols: 1, Stride: 1, Data: append([]float64(nil), st.b...)}
	lapack64.Ormqr(blas.Left, blas.Trans, a1, tau1, c1, work[:1], -1)
	if w := int(work[0]); w > len(work) {
		work = make([]float64, w)
	}
	lapack64.Ormqr(blas.Left, blas.Trans, a1, tau1, c1, work, len(work))

	a := blas64.General{Rows: kmax, Cols: d, Stride: d, Data: make([]float64, kmax*d)}
	for i := 0; i < kmax; i++ {
		copy(a.Data[i*d+i:i*d+d], a1.Data[i*a1.Stride+i:i*a1.Stride+d])
	}
	return qrSmall(a, c1.Data[:kmax], st.sumW, st.scales, res, rcond, ridge)
}

// qrSmall finishes a QR solve from the triangular factor R (kmax×d, upper,
// zero below the diagonal, overwritten) of the standardised design and
// c = Q₁ᵀb (len kmax): the pivoted QR of R (dgeqp3) for the rank decision,
// then the solution, the ridge solution or, for a rank-deficient design
// without ridge, nil gamma.
func qrSmall(a blas64.General, c1 []float64, sumW float64, scales []float64, res *Result, rcond, ridge float64) ([]float64, [][]float64, error) {
	kmax, d := a.Rows, a.Cols
	work := make([]float64, 1)
	jpvt := make([]int, d)
	for j := range jpvt {
		jpvt[j] = -1
	}
	tau := make([]float64, kmax)
	lapack64.Geqp3(a, jpvt, tau, work[:1], -1)
	if w := int(work[0]); w > len(work) {
		work = make([]float64, w)
	}
	lapack64.Geqp3(a, jpvt, tau, work, len(work))

	r00 := math.Abs(a.Data[0])
	rank := 0
	for rank < kmax && r00 > 0 && math.Abs(a.Data[rank*d+rank]) > rcond*r00 {
		rank++
	}
	res.Rank = rank
	for k := rank; k < d; k++ {
		res.Aliased = append(res.Aliased, jpvt[k])
	}
	sortInts(res.Aliased)
	res.SingularValues, res.Cond = singularValuesOfR(func(i, j int) float64 { return a.Data[i*d+j] }, kmax, d)

	// c = Q₂ᵀ(Q₁ᵀb)[:kmax].
	c := blas64.General{Rows: kmax, Cols: 1, Stride: 1, Data: append([]float64(nil), c1...)}
	lapack64.Ormqr(blas.Left, blas.Trans, a, tau, c, work[:1], -1)
	if w := int(work[0]); w > len(work) {
		work = make([]float64, w)
	}
	lapack64.Ormqr(blas.Left, blas.Trans, a, tau, c, work, len(work))

	if ridge > 0 {
		// QR of [R; √(Wα)·diag(1/s)], W = Σw, (pivoted order), right side [c; 0].
		m2 := kmax + d
		aug := blas64.General{Rows: m2, Cols: d, Stride: d, Data: make([]float64, m2*d)}
		for i := 0; i < kmax; i++ {
			copy(aug.Data[i*d+i:i*d+d], a.Data[i*d+i:i*d+d])
		}
		lam := math.Sqrt(sumW * ridge)
		for k := 0; k < d; k++ {
			aug.Data[(kmax+k)*d+k] = lam / scales[jpvt[k]]
		}
		rhs := blas64.General{Rows: m2, Cols: 1, Stride: 1, Data: make([]float64, m2)}
		copy(rhs.Data, c.Data[:kmax])
		tau2 := make([]float64, d)
		w2 := make([]float64, 1)
		lapack64.Geqrf(aug, tau2, w2, -1)
		lapack64.Ormqr(blas.Left, blas.Trans, aug, tau2, rhs, w2[:1], -1)
		w2 = make([]float64, max(int(w2[0]), m2, d)*4)
		lapack64.Geqrf(aug, tau2, w2, len(w2))
		lapack64.Ormqr(blas.Left, blas.Trans, aug, tau2, rhs, w2, len(w2))
		t := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: d, Stride: d, Data: aug.Data[:d*d]}
		blas64.Trsv(blas.NoTrans, t, blas64.Vector{N: d, Inc: 1, Data: rhs.Data[:d]})
		gamma := make([]float64, d)
		for k, j := range jpvt {
			gamma[j] = rhs.Data[k]
		}
		return gamma, nil, nil
	}
	if rank < d {
		return nil, nil, nil
	}
	t := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: d, Stride: d, Data: a.Data[:d*d]}
	blas64.Trsv(blas.NoTrans, t, blas64.Vector{N: d, Inc: 1, Data: c.Data[:d]})
	gamma := make([]float64, d)
	for k, j := range jpvt {
		gamma[j] = c.Data[k]
	}
	// (RᵀR)⁻¹ = R⁻¹R⁻ᵀ.
	rinv := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: d, Stride: d, Data: make([]float64, d*d)}
	for i := 0; i < d; i++ {
		copy(rinv.Data[i*d+i:i*d+d], a.Data[i*d+i:i*d+d])
	}
	if !lapack64.Trtri(rinv) {
		return nil, nil, nil
	}
	g := blas64.Symmetric{Uplo: blas.Upper, N: d, Stride: d, Data: make([]float64, d*d)}
	blas64.Syrk(blas.NoTrans, 1, blas64.General{Rows: d, Cols: d, Stride: d, Data: rinv.Data}, 0, g)
	cov := make([][]float64, d)
	for i := range cov {
		cov[i] = make([]float64, d)
	}
	for ka := 0; ka < d; ka++ {
		for kb := ka; kb < d; kb++ {
			v := g.Data[ka*d+kb]
			cov[jpvt[ka]][jpvt[kb]] = v
			cov[jpvt[kb]][jpvt[ka]] = v
		}
	}
	return gamma, cov, nil
}

// svdFloat solves by the SVD of the standardised design. It returns nil
// gamma when rank-deficient without ridge.
func svdFloat(st *standardized, res *Result, rcond, ridge float64) ([]float64, [][]float64) {
	n, d := st.a.Dims()
	if d == 0 {
		res.Cond = 1
		return []float64{}, [][]float64{}
	}
	var svd mat.SVD
	if !svd.Factorize(st.a, mat.SVDThin) {
		panic("linear: SVD did not converge")
	}
	sv := svd.Values(nil)
	res.SingularValues = make([]float64, d)
	copy(res.SingularValues, sv)
	res.Cond = condOf(res.SingularValues)
	rank := 0
	for rank < len(sv) && sv[rank] > rcond*sv[0] {
		rank++
	}
	res.Rank = rank
	if rank < d {
		res.Aliased = aliasedByQR(st.a, rank)
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	if rank < d && ridge == 0 {
		return nil, nil
	}
	if ridge > 0 {
		return nil, nil // solved in original units by ridgeSVD
	}
	gamma := make([]float64, d)
	cov := make([][]float64, d)
	for i := range cov {
		cov[i] = make([]float64, d)
	}
	for p := 0; p < d; p++ {
		var ub float64
		for i := 0; i < n; i++ {
			ub += u.At(i, p) * st.b[i]
		}
		ub /= sv[p]
		inv2 := 1 / (sv[p] * sv[p])
		for j := 0; j < d; j++ {
			vj := v.At(j, p)
			gamma[j] += vj * ub
			for l := 0; l < d; l++ {
				cov[j][l] += vj * v.At(l, p) * inv2
			}
		}
	}
	return gamma, cov
}

// aliasedByQR names the d − rank columns a pivoted QR of the standardised
// design leaves last: those nearest to the span of the others.
func aliasedByQR(sa *mat.Dense, rank int) []int {
	n, d := sa.Dims()
	a := blas64.General{Rows: n, Cols: d, Stride: d, Data: append([]float64(nil), sa.RawMatrix().Data...)}
	jpvt := make([]int, d)
	for j := range jpvt {
		jpvt[j] = -1
	}
	tau := make([]float64, min(n, d))
	work := make([]float64, 1)
	lapack64.Geqp3(a, jpvt, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqp3(a, jpvt, tau, work, len(work))
	out := append([]int(nil), jpvt[rank:]...)
	sortInts(out)
	return out
}

// choleskyFloat solves the normal equations (AᵀA + nα·S⁻²)γ = Aᵀb.
func choleskyFloat(st *standardized, res *Result, ridge float64) ([]float64, [][]float64, error) {
	n, d := st.a.Dims()
	if d == 0 {
		res.Cond = 1
		return []float64{}, [][]float64{}, nil
	}
	g := mat.NewSymDense(d, nil)
	g.SymOuterK(1, st.a.T())
	var es mat.EigenSym
	if es.Factorize(g, false) {
		ev := es.Values(nil)
		res.SingularValues = make([]float64, d)
		for i := range ev {
			res.SingularValues[d-1-i] = math.Sqrt(math.Max(ev[i], 0))
		}
		res.Cond = condOf(res.SingularValues)
	}
	lam2 := st.sumW * ridge
	for j := 0; j < d; j++ {
		g.SetSym(j, j, g.At(j, j)+lam2/(st.scales[j]*st.scales[j]))
	}
	var ch mat.Cholesky
	ok := ch.Factorize(g)
	if !ok || ch.Cond() > 1/(float64(max(n, d))*eps) {
		return nil, nil, &SingularError{Cond: res.Cond * res.Cond}
	}
	// Rank: the Gram matrix's eigenvalues carry absolute error ≈ ε·σ₁², so
	// singular values below √(max(n,d)·ε)·σ₁ cannot be told from zero here.
	// Without a penalty such a design has already failed above.
	res.Rank = d
	if res.SingularValues != nil {
		tol := math.Sqrt(float64(max(n, d))*eps) * res.SingularValues[0]
		res.Rank = 0
		for res.Rank < d && res.SingularValues[res.Rank] > tol {
			res.Rank++
		}
		if res.Rank < d {
			res.Aliased = aliasedByQR(st.a, res.Rank)
		}
	}
	atb := mat.NewVecDense(d, nil)
	atb.MulVec(st.a.T(), mat.NewVecDense(n, st.b))
	gamma := mat.NewVecDense(d, nil)
	if err := ch.SolveVecTo(gamma, atb); err != nil {
		return nil, nil, &SingularError{Cond: ch.Cond()}
	}
	if ridge > 0 {
		return gamma.RawVector().Data, nil, nil
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, nil, &SingularError{Cond: ch.Cond()}
	}
	cov := make([][]float64, d)
	for i := range cov {
		cov[i] = make([]float64, d)
		for j := range cov[i] {
			cov[i][j] = inv.At(i, j)
		}
	}
	return gamma.RawVector().Data, cov, nil
}

// ridgeSVD returns argmin ‖b − Aβ‖² + λ‖β‖² = V·diag(σ/(σ²+λ))·Uᵀb
// (Hoerl & Kennard 1970; Hastie, Tibshirani & Friedman 2009, eq. 3.47).
func ridgeSVD(a *mat.Dense, b []float64, lam float64) []float64 {
	n, d := a.Dims()
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		panic("linear: SVD did not converge")
	}
	sv := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	beta := make([]float64, d)
	for p, s := range sv {
		var ub float64
		for i := 0; i < n; i++ {
			ub += u.At(i, p) * b[i]
		}
		f := s / (s*s + lam) * ub
		for j := 0; j < d; j++ {
			beta[j] += v.At(j, p) * f
		}
	}
	return beta
}

// unscaleSolution maps the solution on the standardised scale back to the
// original one: β_j = γ_j/s_j, and (X̃ᵀWX̃)⁻¹ from the standardised
// inverse cov (nil when there is none).
func unscaleSolution(res *Result, gamma []float64, cov [][]float64, scales, means []float64, sumW float64, intercept bool) {
	for j := range gamma {
		res.Coef[j] = gamma[j] / scales[j]
	}
	if cov == nil {
		return
	}
	for i := range cov {
		for j := range cov[i] {
			cov[i][j] /= scales[i] * scales[j]
		}
	}
	res.Unscaled = assembleUnscaledFloat(cov, means, sumW, intercept)
}

// interceptOf is b = ȳ − Σⱼ x̄ⱼβⱼ.
func interceptOf(my float64, means, coef []float64) float64 {
	b := my
	for j, c := range coef {
		b -= means[j] * c
	}
	return b
}
