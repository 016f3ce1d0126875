package nls

import "math"

const (
	epsmch = 0x1p-52   // machine epsilon
	dwarf  = 0x1p-1022 // smallest positive normal number
)

// pivQR is a Householder QR factorisation with column pivoting of an m×n
// matrix A (m ≥ n): A·P = Q·R, after Businger and Golub (1965), the form
// MINPACK's qrfac uses. Columns are stored contiguously.
type pivQR struct {
	m, n  int
	a     [][]float64 // a[j] is column j: below the diagonal the Householder vectors, above it R
	rdiag []float64   // diagonal of R
	acnrm []float64   // Euclidean norms of the columns of the original A
	ipvt  []int       // column j of A·P is column ipvt[j] of A
	wa    []float64
	rnorm []float64
}

func newPivQR(m, n int) *pivQR {
	q := &pivQR{m: m, n: n, a: make([][]float64, n), rdiag: make([]float64, n),
		acnrm: make([]float64, n), ipvt: make([]int, n), wa: make([]float64, n), rnorm: make([]float64, n)}
	for j := range q.a {
		q.a[j] = make([]float64, m)
	}
	return q
}

func enorm(v []float64) float64 {
	// Scaled two-norm: no overflow or harmful underflow.
	scale, ssq := 0.0, 1.0
	for _, x := range v {
		if x == 0 {
			continue
		}
		ax := math.Abs(x)
		if scale < ax {
			ssq = 1 + ssq*(scale/ax)*(scale/ax)
			scale = ax
		} else {
			ssq += (ax / scale) * (ax / scale)
		}
	}
	return scale * math.Sqrt(ssq)
}

// factorize factorises the matrix whose columns q.a holds, in place.
func (q *pivQR) factorize() {
	m, n := q.m, q.n
	for j := 0; j < n; j++ {
		q.acnrm[j] = enorm(q.a[j])
		q.rnorm[j] = q.acnrm[j]
		q.wa[j] = q.acnrm[j]
		q.ipvt[j] = j
	}
	for j := 0; j < min(m, n); j++ {
		// Bring the column of largest remaining norm into the pivot position.
		kmax := j
		for k := j; k < n; k++ {
			if q.rnorm[k] > q.rnorm[kmax] {
				kmax = k
			}
		}
		if kmax != j {
			q.a[j], q.a[kmax] = q.a[kmax], q.a[j]
			q.rnorm[kmax] = q.rnorm[j]
			q.wa[kmax] = q.wa[j]
			q.ipvt[j], q.ipvt[kmax] = q.ipvt[kmax], q.ipvt[j]
		}
		aj := q.a[j]
		ajnorm := enorm(aj[j:])
		if ajnorm != 0 {
			if aj[j] < 0 {
				ajnorm = -ajnorm
			}
			for i := j; i < m; i++ {
				aj[i] /= ajnorm
			}
			aj[j]++
			for k := j + 1; k < n; k++ {
				ak := q.a[k]
				sum := 0.0
				for i := j; i < m; i++ {
					sum += aj[i] * ak[i]
				}
				t := sum / aj[j]
				for i := j; i < m; i++ {
					ak[i] -= t * aj[i]
				}
				if q.rnorm[k] != 0 {
					t := ak[j] / q.rnorm[k]
					q.rnorm[k] *= math.Sqrt(math.Max(0, 1-t*t))
					if r := q.rnorm[k] / q.wa[k]; 0.05*r*r <= epsmch {
						q.rnorm[k] = enorm(ak[j+1:])
						q.wa[k] = q.rnorm[k]
					}
				}
			}
		}
		q.rdiag[j] = -ajnorm
	}
}

// qtb overwrites b (length m) with Qᵀb.
func (q *pivQR) qtb(b []float64) {
	for j := 0; j < min(q.m, q.n); j++ {
		aj := q.a[j]
		if aj[j] == 0 {
			continue
		}
		sum := 0.0
		for i := j; i < q.m; i++ {
			sum += aj[i] * b[i]
		}
		t := -sum / aj[j]
		for i := j; i < q.m; i++ {
			b[i] += t * aj[i]
		}
	}
}

// r returns R[i][j] for i ≤ j.
func (q *pivQR) r(i, j int) float64 {
	if i == j {
		return q.rdiag[j]
	}
	return q.a[j][i]
}

// rank returns the number of leading diagonal elements of R above
// tol·|R₀₀| in magnitude.
func (q *pivQR) rank(tol float64) int {
	if q.n == 0 || q.rdiag[0] == 0 {
		return 0
	}
	lim := tol * math.Abs(q.rdiag[0])
	for j := 0; j < q.n; j++ {
		if math.Abs(q.rdiag[j]) <= lim {
			return j
		}
	}
	return q.n
}

// lmSolver holds the work space of the Levenberg–Marquardt subproblem.
type lmSolver struct {
	n        int
	t        [][]float64 // t[i][j], j ≥ i: the triangular factor S of [R; √λ·D·P] (qrsolv)
	sdiag    []float64
	wa1, wa2 []float64
	wa3, wa4 []float64
	x        []float64 // the solution of the subproblem (the step, negated)
}

func newLMSolver(n int) *lmSolver {
	s := &lmSolver{n: n, t: make([][]float64, n), sdiag: make([]float64, n),
		wa1: make([]float64, n), wa2: make([]float64, n), wa3: make([]float64, n),
		wa4: make([]float64, n), x: make([]float64, n)}
	for i := range s.t {
		s.t[i] = make([]float64, n)
	}
	return s
}

// qrsolv solves, in the least-squares sense,
//
//	[ R·Pᵀ  ]       [ qtb ]
//	[ D     ] · x ≈ [  0  ]
//
// for x, where A·P = Q·R and D is diagonal (MINPACK's qrsolv): the rows of D
// are rotated into R one at a time with Givens rotations, giving the upper
// triangular S with SᵀS = RᵀR + PᵀD²P, whose diagonal is left in sdiag and
// whose whole upper triangle is left in s.t.
func (s *lmSolver) qrsolv(q *pivQR, diag, qtb, x []float64) {
	n := s.n
	t := s.t
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			t[i][j] = q.r(i, j)
		}
	}
	z := s.wa4
	copy(z, qtb[:n])
	w := s.sdiag // the row being eliminated
	for j := 0; j < n; j++ {
		dj := diag[q.ipvt[j]]
		if dj == 0 {
			continue
		}
		for k := j; k < n; k++ {
			w[k] = 0
		}
		w[j] = dj
		beta := 0.0 // right-hand side of the added row
		for k := j; k < n; k++ {
			if w[k] == 0 {
				continue
			}
			// Rotation zeroing w[k] against t[k][k].
			var c, sn float64
			if math.Abs(t[k][k]) < math.Abs(w[k]) {
				cot := t[k][k] / w[k]
				sn = 0.5 / math.Sqrt(0.25+0.25*cot*cot)
				c = sn * cot
			} else {
				tn := w[k] / t[k][k]
				c = 0.5 / math.Sqrt(0.25+0.25*tn*tn)
				sn = c * tn
			}
			t[k][k] = c*t[k][k] + sn*w[k]
			tmp := c*z[k] + sn*beta
			beta = -sn*z[k] + c*beta
			z[k] = tmp
			for i := k + 1; i < n; i++ {
				tmp := c*t[k][i] + sn*w[i]
				w[i] = -sn*t[k][i] + c*w[i]
				t[k][i] = tmp
			}
		}
	}
	// Back-substitution, treating a singular S as rank deficient.
	nsing := n
	for j := 0; j < n; j++ {
		s.sdiag[j] = t[j][j]
		if t[j][j] == 0 && nsing == n {
			nsing = j
		}
	}
	for j := nsing; j < n; j++ {
		z[j] = 0
	}
	for j := nsing - 1; j >= 0; j-- {
		sum := 0.0
		for i := j + 1; i < nsing; i++ {
			sum += t[j][i] * z[i]
		}
		z[j] = (z[j] - sum) / t[j][j]
	}
	for j := 0; j < n; j++ {
		x[q.ipvt[j]] = z[j]
	}
}

// lmpar finds the Levenberg–Marquardt parameter λ ≥ 0 such that the solution
// x of min ‖J·x − f‖² + λ‖D·x‖² satisfies either λ = 0 and ‖D·x‖ ≤ 1.1·Δ, or
// λ > 0 and |‖D·x‖ − Δ| ≤ 0.1·Δ (Moré 1978, section 5; MINPACK's lmpar). It
// uses the safeguarded Newton iteration on φ(λ) = ‖D·x(λ)‖ − Δ with the
// bounds of Moré's Lemma 5.1. The solution is left in s.x; the new λ is
// returned.
func (s *lmSolver) lmpar(q *pivQR, diag, qtb []float64, delta, par float64) float64 {
	n := s.n
	x, wa1, wa2 := s.x, s.wa1, s.wa2

	// Gauss–Newton direction (minimum-norm on the leading nonsingular block).
	nsing := n
	for j := 0; j < n; j++ {
		wa1[j] = qtb[j]
		if q.rdiag[j] == 0 && nsing == n {
			nsing = j
		}
		if nsing < n {
			wa1[j] = 0
		}
	}
	for j := nsing - 1; j >= 0; j-- {
		wa1[j] /= q.rdiag[j]
		t := wa1[j]
		for i := 0; i < j; i++ {
			wa1[i] -= q.a[j][i] * t
		}
	}
	for j := 0; j < n; j++ {
		x[q.ipvt[j]] = wa1[j]
	}
	for j := 0; j < n; j++ {
		wa2[j] = diag[j] * x[j]
	}
	dxnorm := enorm(wa2)
	fp := dxnorm - delta
	if fp <= 0.1*delta {
		return 0
	}

	// Lower bound parl from the Newton step at λ = 0 (full rank only).
	parl := 0.0
	if nsing == n {
		for j := 0; j < n; j++ {
			l := q.ipvt[j]
			wa1[j] = diag[l] * (wa2[l] / dxnorm)
		}
		for j := 0; j < n; j++ {
			sum := 0.0
			for i := 0; i < j; i++ {
				sum += q.a[j][i] * wa1[i]
			}
			wa1[j] = (wa1[j] - sum) / q.rdiag[j]
		}
		t := enorm(wa1)
		parl = ((fp / delta) / t) / t
	}
	// Upper bound paru = ‖(J·D⁻¹)ᵀf‖ / Δ.
	for j := 0; j < n; j++ {
		sum := 0.0
		for i := 0; i <= j; i++ {
			sum += q.r(i, j) * qtb[i]
		}
		wa1[j] = sum / diag[q.ipvt[j]]
	}
	gnorm := enorm(wa1)
	paru := gnorm / delta
	if paru == 0 {
		paru = dwarf / math.Min(delta, 0.1)
	}
	par = math.Max(par, parl)
	par = math.Min(par, paru)
	if par == 0 {
		par = gnorm / dxnorm
	}
	for iter := 1; ; iter++ {
		if par == 0 {
			par = math.Max(dwarf, 0.001*paru)
		}
		sp := math.Sqrt(par)
		for j := 0; j < n; j++ {
			s.wa3[j] = sp * diag[j]
		}
		s.qrsolv(q, s.wa3, qtb, x)
		for j := 0; j < n; j++ {
			wa2[j] = diag[j] * x[j]
		}
		dxnorm = enorm(wa2)
		prev := fp
		fp = dxnorm - delta
		if math.Abs(fp) <= 0.1*delta || (parl == 0 && fp <= prev && prev < 0) || iter == 10 {
			return par
		}
		// Newton correction: φ(λ)/φ'(λ) through Sᵀ·w = P ᵀD²x/‖Dx‖.
		for j := 0; j < n; j++ {
			l := q.ipvt[j]
			wa1[j] = diag[l] * (wa2[l] / dxnorm)
		}
		for j := 0; j < n; j++ {
			wa1[j] /= s.sdiag[j]
			t := wa1[j]
			for i := j + 1; i < n; i++ {
				wa1[i] -= s.t[j][i] * t
			}
		}
		t := enorm(wa1)
		parc := ((fp / delta) / t) / t
		if fp > 0 {
			parl = math.Max(parl, par)
		}
		if fp < 0 {
			paru = math.Min(paru, par)
		}
		par = math.Max(parl, par+parc)
	}
}
