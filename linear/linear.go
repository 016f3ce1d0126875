package linear

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	xdd "github.com/lsqgo/lsq/internal/dd"
)

// Method selects the factorisation used by Solve.
type Method int

const (
	// QR is Householder QR with column pivoting of the standardised design
	// (Golub & Van Loan 2013, §5.4.2). It is the default.
	QR Method = iota
	// SVD is the singular value decomposition of the standardised design:
	// rank-revealing, giving the minimum-norm solution when the design is
	// rank-deficient. Always computed in float64.
	SVD
	// Cholesky solves the normal equations XᵀWX·β = XᵀWy of the
	// standardised design. It squares the condition number and is offered
	// only as an explicit fast option for well-conditioned problems; it
	// fails with a *SingularError when the Gram matrix is not numerically
	// positive definite. Always computed in float64.
	Cholesky
)

var methodNames = [...]string{QR: "qr", SVD: "svd", Cholesky: "cholesky"}

// String returns "qr", "svd" or "cholesky".
func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("method(%d)", int(m))
}

// Precision selects the working precision of the QR method.
type Precision int

const (
	// Auto uses DoubleDouble when n·d² ≤ AccurateLimit and
	// n·(d+1) ≤ AccurateMemoryLimit, and Double otherwise; a Double fit that finds the design rank-deficient is
	// redone in DoubleDouble when n·d² ≤ RecheckLimit.
	Auto Precision = iota
	// Double is plain float64: fast, with the accuracy of a
	// backward-stable solver (relative error of order cond·ε, ε = 2⁻⁵³,
	// plus cond²·ε·‖r‖/(‖X̃‖‖β̃‖)). For QR without ridge it first forms
	// the Gram matrix of the standardised design in one parallel,
	// vectorised pass, solves by Cholesky and refines with the corrected
	// semi-normal equations, one pass over X per correction (Björck 1996,
	// §2.4.6, §6.6.5), which reaches that accuracy while the condition
	// number is at most 10⁴; there Cond, SingularValues and Unscaled,
	// taken from the Cholesky factor, carry relative errors up to about
	// cond²·ε·√n_b (n_b ≈ n/64 rows per reduction block). Singular,
	// worse-conditioned or penalised designs, and an RCond near 1/cond,
	// take a QR factor R of the standardised design and dgeqp3 on R for the
	// rank decision. From 4096 rows on, R comes from Cholesky QR twice on
	// the same Gram kernel with the nearly dependent columns deflated
	// (cholqr.go: one more pass over X after the declined Gram attempt,
	// backward stable like Householder QR), or, when its checks fail, from
	// the parallel tall-skinny Householder QR of tsqr.go; below, from
	// LAPACK's dgeqrf. A rank-deficient design takes its minimum-norm
	// solution from the SVD of the small factor. Results are bit-identical
	// for any GOMAXPROCS.
	Double
	// DoubleDouble carries out centring, scaling, the pivoted Householder
	// QR, the solve, the residuals and the covariance in double-double
	// arithmetic (about 32 significant digits): the relative error before
	// the final rounding to float64 is of order cond·10⁻³², so results keep
	// nearly all their digits while the standardised condition number is
	// below about 10¹⁵ — the data themselves taken as exact. It costs
	// about 10–15 times Double (0.3 s against 0.024 s at n = 10⁴, d = 30).
	DoubleDouble
)

var precisionNames = [...]string{Auto: "auto", Double: "double", DoubleDouble: "double-double"}

// String returns "auto", "double" or "double-double".
func (p Precision) String() string {
	if p >= 0 && int(p) < len(precisionNames) {
		return precisionNames[p]
	}
	return fmt.Sprintf("precision(%d)", int(p))
}

// AccurateLimit is the problem size n·d² up to which Precision Auto works in
// double-double. At the limit the double-double fit takes about a third of
// a second on one core.
const AccurateLimit = 1e7

// AccurateMemoryLimit bounds n·(d+1), the number of values the double-double
// path holds twice at 16 bytes each (about 64 MB at the limit), for Precision
// Auto: tall, thin problems such as n = 10⁷, d = 1 use Double.
const AccurateMemoryLimit = 2e6

// autoDD reports whether Precision Auto uses double-double for n×d.
func autoDD(n, d int) bool {
	return float64(n)*float64(d)*float64(d) <= AccurateLimit && float64(n)*float64(d+1) <= AccurateMemoryLimit
}

// RecheckLimit is the problem size n·d² up to which Precision Auto, having
// used Double because n·d² > AccurateLimit, repeats a fit whose design
// looked rank-deficient in double-double before reporting aliased columns.
const RecheckLimit = 1e8

// Settings configures Solve. The zero value (and a nil *Settings) fits an
// intercept by pivoted QR with unit weights and no penalty.
type Settings struct {
	Method    Method
	Precision Precision // QR only: SVD and Cholesky work in float64, and DoubleDouble with them panics

	// NoIntercept, when set, fits y ≈ Xβ through the origin. By default an
	// intercept b is fitted, y ≈ b + Xβ, and never penalised.
	NoIntercept bool

	// Weights, if not nil, gives each row i a weight wᵢ ≥ 0 and the fit
	// minimises Σ wᵢ(yᵢ − b − xᵢβ)². nil means all weights 1.
	Weights []float64

	// Ridge is the L2 penalty α ≥ 0. The objective is
	//
	//	(1/2W)·Σ wᵢ(yᵢ − b − xᵢβ)² + (α/2)·‖β‖²,   W = Σ wᵢ
	//
	// (glmnet's scaling; W = n, the number of rows, without weights, which
	// is scikit-learn's), so that constant weights give the unweighted fit.
	// It is solved through the QR factorisation of the augmented matrix
	// [X; √(Wα)·I], never through XᵀX (for Method Cholesky, through
	// XᵀX + WαI).
	// Result.Unscaled is nil when α > 0.
	Ridge float64

	// RCond is the relative rank tolerance: with QR, column k of the
	// pivoted, standardised design is aliased when |R_kk| ≤ RCond·|R_11|;
	// with SVD, singular values σ_k ≤ RCond·σ_1 are treated as zero.
	// Zero means the default max(n,d)·ε, ε = 2⁻⁵³ (numpy's cut-off), n the
	// number of observations (rows with positive weight, Result.N). In
	// double-double the ratio compared is exact to many more digits, so a
	// float64 fit that finds the design deficient near the threshold is
	// decided again in double-double (see RecheckLimit). A negative value
	// panics, as does any with Cholesky, which has no rank tolerance.
	RCond float64
}

// Result is a fitted linear least-squares model with what inference needs.
type Result struct {
	Coef         []float64 // β, one per column of X
	Intercept    float64   // b; 0 when NoIntercept
	HasIntercept bool

	Method    Method
	Precision Precision // Double or DoubleDouble: the precision actually used

	// Rank is the numerical rank of the standardised design (not counting
	// the intercept). When Rank < d, Aliased lists the columns (0-based,
	// ascending) found to be linear combinations of the others: Coef is
	// then the minimum-norm solution min ‖β‖₂ (the intercept not counted,
	// i.e. the limit of ridge as α → 0, computed by SVD in float64), and
	// Unscaled is the Moore–Penrose pseudo-inverse, as statsmodels does.
	Rank    int
	Aliased []int

	// Cond is the 2-norm condition number σ_max/σ_min of the standardised
	// design: columns centred (weighted) when there is an intercept and
	// scaled to unit (weighted) population standard deviation, or, without
	// intercept, scaled to unit root mean square. +Inf when rank-deficient.
	// SingularValues are its singular values, descending.
	Cond           float64
	SingularValues []float64

	// RSS is the weighted residual sum of squares Σ wᵢrᵢ² and TSS the
	// weighted total sum of squares about the weighted mean of y (about
	// zero when there is no intercept, as R and NIST do).
	RSS, TSS float64

	// SSScale is a power of two s with RSS = s²·ScaledRSS and
	// TSS = s²·ScaledTSS. It is 1, with ScaledRSS = RSS and ScaledTSS = TSS
	// bit for bit, unless a sum of squares overflows float64 on finite data
	// (residuals or deviations of y beyond about 1e154). Then RSS and/or TSS
	// are +Inf, the honest float64 value of a sum beyond 1.8e308, while s
	// is of the order of the largest √wᵢ·|rᵢ| or √wᵢ·|yᵢ − ȳ| and ScaledRSS
	// and ScaledTSS are finite, so that R² = 1 − ScaledRSS/ScaledTSS and
	// σ̂ = s·√(ScaledRSS/DF) are finite (package stats uses them).
	SSScale, ScaledRSS, ScaledTSS float64

	// Residuals are rᵢ = yᵢ − b − xᵢβ (not multiplied by √wᵢ).
	Residuals []float64

	// N is the number of observations: the rows with positive weight, as
	// R's lm counts them (lm.wfit drops zero-weight rows before fitting).
	// A row of weight 0 adds nothing to the objective, so every number of
	// the fit and of its summary (package stats) is that of the data with
	// such rows deleted; only Residuals keeps one entry per row of X. N
	// equals the number of rows when there are no weights.
	N  int
	DF int // residual degrees of freedom N − Rank − (1 if intercept), floored at 0

	SumWeights float64 // Σ wᵢ (N when unweighted)

	// Unscaled is (X̃ᵀWX̃)⁻¹, X̃ the design with the column of ones first
	// when there is an intercept: its order is [b, β₁, …, β_d], or
	// [β₁, …, β_d] without intercept. The covariance of the estimates is
	// σ̂²·Unscaled with σ̂² = RSS/DF. nil when Ridge > 0.
	Unscaled *mat.SymDense
}

// SingularError reports that Cholesky could not factorise the normal
// equations; Cond is the condition number estimate of the standardised Gram
// matrix.
type SingularError struct {
	Cond float64
}

func (e *SingularError) Error() string {
	return fmt.Sprintf("linear: normal equations are not numerically positive definite (condition number of XᵀX ≈ %.3g); use QR or SVD", e.Cond)
}

// DataError reports a non-finite value or a negative weight in the input.
type DataError struct {
	Row, Col int    // 0-based; Col is -1 for y, -2 for the weight
	Value    string // the offending value as text
	Reason   string
}

func (e *DataError) Error() string {
	where := fmt.Sprintf("column %d", e.Col)
	switch e.Col {
	case -1:
		where = "y"
	case -2:
		where = "weight"
	}
	return fmt.Sprintf("linear: row %d, %s: %s (%s)", e.Row, where, e.Reason, e.Value)
}

// problem is the validated input in double-double, columns stored
// separately (cols[j][i] = x_ij).
type problem struct {
	n, d      int
	cols      [][]dd
	y         []dd
	w         []float64 // nil → unit weights
	intercept bool
	ridge     float64
	rcond     float64
}

func (s *Settings) orDefault() Settings {
	if s == nil {
		return Settings{}
	}
	return *s
}

func check(n int, s *Settings) {
	if s.Weights != nil && len(s.Weights) != n {
		panic(fmt.Sprintf("linear: %d weights for %d rows", len(s.Weights), n))
	}
	if !(s.Ridge >= 0) || math.IsInf(s.Ridge, 1) {
		panic(fmt.Sprintf("linear: Ridge must be finite and ≥ 0, got %v", s.Ridge))
	}
	if !(s.RCond >= 0) {
		panic(fmt.Sprintf("linear: RCond must be ≥ 0, got %v", s.RCond))
	}
	if s.Method < QR || s.Method > Cholesky {
		panic(fmt.Sprintf("linear: unknown method %d", int(s.Method)))
	}
	if s.Precision < Auto || s.Precision > DoubleDouble {
		panic(fmt.Sprintf("linear: unknown precision %d", int(s.Precision)))
	}
	if s.Precision == DoubleDouble && s.Method != QR {
		panic(fmt.Sprintf("linear: Precision %v applies to QR; %v works in float64", s.Precision, s.Method))
	}
	if s.RCond != 0 && s.Method == Cholesky {
		panic("linear: RCond decides the rank of QR and SVD; Cholesky has no rank tolerance (a singular design is a *SingularError)")
	}
}

func checkWeights(w []float64) error {
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 1) {
			return &DataError{Row: i, Col: -2, Value: fmt.Sprint(v), Reason: "weights must be finite and ≥ 0"}
		}
	}
	return nil
}

// Solve fits y ≈ b + Xβ by least squares (weighted and/or ridge-penalised per
// s; nil s means defaults). X is n×d with one row per observation. Solve
// panics if len(y) ≠ n or the settings are invalid, and returns a
// *DataError for non-finite data or negative weights and a *SingularError
// when Cholesky fails. A design with n ≤ d is allowed; it is then
// rank-deficient.
//
// With Method QR and Precision Auto or DoubleDouble the computation is in
// double-double and the float64 data are taken as exact. When the data are
// decimal numbers that float64 cannot hold (0.1, or the powers of a
// polynomial design), SolveText reads them exactly instead.
func Solve(x *mat.Dense, y []float64, s *Settings) (*Result, error) {
	res, err := solve(x, y, s)
	if err == nil {
		w, intercept := []float64(nil), true
		if s != nil {
			w, intercept = s.Weights, !s.NoIntercept
		}
		res.scaleSS(func(i int) float64 { return y[i] }, w, intercept)
	}
	return res, err
}

func solve(x *mat.Dense, y []float64, s *Settings) (*Result, error) {
	set := s.orDefault()
	n, d := x.Dims()
	if len(y) != n {
		panic(fmt.Sprintf("linear: y has %d values, X has %d rows", len(y), n))
	}
	check(n, &set)
	if n == 0 {
		return nil, fmt.Errorf("linear: no observations")
	}
	if err := checkWeights(set.Weights); err != nil {
		return nil, err
	}
	prec := set.Precision
	if set.Method != QR {
		prec = Double
	} else if prec == Auto {
		if autoDD(n, d) {
			prec = DoubleDouble
		} else {
			prec = Double
		}
	}
	checked := false
	var start *gramStart
	if prec == Double && gramEligible(n, d, &set) {
		// Tall, well-conditioned problems: Gram matrix, Cholesky and
		// refined semi-normal equations (gram.go), which also checks the
		// data; it declines the rest, which QR below handles, handing on
		// its moments and Gram matrix.
		res, st, ok, err := fitGramStart(x, y, &set)
		if ok {
			return res, err
		}
		start, checked = st, true
	}
	if raw := x.RawMatrix(); !checked {
		if i, j := firstNonFinite(raw.Data, raw.Stride, n, d, y); i >= 0 {
			v := y[i]
			if j >= 0 {
				v = raw.Data[i*raw.Stride+j]
			}
			return nil, &DataError{Row: i, Col: j, Value: fmt.Sprint(v), Reason: "not a finite number"}
		}
	}
	if prec == Double {
		var res *Result
		var err error
		if tsqrEligible(n, d, &set) {
			// Tall designs the Gram path declined: the triangular factor
			// by deflated CholeskyQR2 (cholqr.go), or parallel TSQR
			// (tsqr.go) when that declines.
			res, _, err = fitTall(x, y, &set, true, start)
		} else {
			res, err = fitFloat(x, y, &set)
		}
		// A design that looks rank-deficient in float64 may be merely
		// ill-conditioned: with Auto, decide again in double-double when
		// that costs at most a few seconds.
		if err != nil || set.Precision != Auto || set.Method != QR || res.Rank == d || set.Ridge > 0 ||
			float64(n)*float64(d)*float64(d) > RecheckLimit {
			return res, err
		}
	}
	p := &problem{n: n, d: d, w: set.Weights, intercept: !set.NoIntercept, ridge: set.Ridge, rcond: set.RCond}
	p.cols = make([][]dd, d)
	for j := range p.cols {
		c := make([]dd, n)
		for i := range c {
			c[i] = dd{Hi: x.At(i, j), Lo: 0}
		}
		p.cols[j] = c
	}
	p.y = make([]dd, n)
	for i, v := range y {
		p.y[i] = dd{Hi: v, Lo: 0}
	}
	return fitDD(p)
}

// SolvePolynomial fits the polynomial y ≈ b + β₁x + β₂x² + … + β_k x^k
// (k = degree ≥ 1; without b when s.NoIntercept). It is Solve on the design
// [x, x², …, x^k] except that, on the double-double path, the powers are
// formed in double-double from the float64 x: the powers a float64 design
// would hold are rounded, and for an ill-conditioned polynomial (NIST's
// Filip, condition number 4·10⁹ after standardising) that rounding alone
// changes the least-squares solution in the eighth digit, while x itself is
// harmless. It panics if degree < 1 or len(x) ≠ len(y).
func SolvePolynomial(x, y []float64, degree int, s *Settings) (*Result, error) {
	res, err := solvePolynomial(x, y, degree, s)
	if err == nil {
		w, intercept := []float64(nil), true
		if s != nil {
			w, intercept = s.Weights, !s.NoIntercept
		}
		res.scaleSS(func(i int) float64 { return y[i] }, w, intercept)
	}
	return res, err
}

func solvePolynomial(x, y []float64, degree int, s *Settings) (*Result, error) {
	set := s.orDefault()
	n := len(x)
	if len(y) != n {
		panic(fmt.Sprintf("linear: y has %d values, x has %d", len(y), n))
	}
	if degree < 1 {
		panic(fmt.Sprintf("linear: polynomial degree %d < 1", degree))
	}
	check(n, &set)
	prec := set.Precision
	if set.Method != QR {
		prec = Double
	} else if prec == Auto {
		prec = Double
		if autoDD(n, degree) {
			prec = DoubleDouble
		}
	}
	if prec == Double {
		xm := mat.NewDense(max(n, 1), degree, nil)
		for i, v := range x {
			p := 1.0
			for k := 0; k < degree; k++ {
				p *= v
				xm.Set(i, k, p)
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("linear: no observations")
		}
		set.Precision = Double
		return Solve(xm, y, &set)
	}
	if n == 0 {
		return nil, fmt.Errorf("linear: no observations")
	}
	if err := checkWeights(set.Weights); err != nil {
		return nil, err
	}
	p := &problem{n: n, d: degree, w: set.Weights, intercept: !set.NoIntercept, ridge: set.Ridge, rcond: set.RCond}
	p.cols = make([][]dd, degree)
	for k := range p.cols {
		p.cols[k] = make([]dd, n)
	}
	p.y = make([]dd, n)
	for i, v := range x {
		if !isFinite(v) {
			return nil, &DataError{Row: i, Col: 0, Value: fmt.Sprint(v), Reason: "not a finite number"}
		}
		if !isFinite(y[i]) {
			return nil, &DataError{Row: i, Col: -1, Value: fmt.Sprint(y[i]), Reason: "not a finite number"}
		}
		pw := dd{Hi: 1, Lo: 0}
		for k := 0; k < degree; k++ {
			pw = xdd.MulF(pw, v)
			p.cols[k][i] = pw
		}
		p.y[i] = dd{Hi: y[i], Lo: 0}
	}
	return fitDD(p)
}

// SolveText is Solve for data given as decimal text: x holds n rows of d
// numbers, y n numbers. Each value is read correctly rounded into
// double-double, so decimal fractions that float64 rounds (0.1) enter the
// computation to about 32 digits, and the fit is computed by pivoted QR in
// double-double. Use it when the certified answer is that of the decimal
// data (NIST StRD) and the design is ill-conditioned enough that float64
// rounding of the inputs alone would cost digits. s.Method and s.Precision
// must be zero (QR, Auto); SolveText panics otherwise, or if the rows are
// ragged or len(y) ≠ n. Unparsable text returns a *DataError.
func SolveText(x [][]string, y []string, s *Settings) (*Result, error) {
	var yf []float64
	res, err := solveText(x, y, s, &yf)
	if err == nil {
		w, intercept := []float64(nil), true
		if s != nil {
			w, intercept = s.Weights, !s.NoIntercept
		}
		res.scaleSS(func(i int) float64 { return yf[i] }, w, intercept)
	}
	return res, err
}

func solveText(x [][]string, y []string, s *Settings, yf *[]float64) (*Result, error) {
	set := s.orDefault()
	n := len(x)
	if len(y) != n {
		panic(fmt.Sprintf("linear: y has %d values, X has %d rows", len(y), n))
	}
	check(n, &set)
	if set.Method != QR || set.Precision != Auto {
		panic("linear: SolveText always uses QR in double-double; leave Method and Precision zero")
	}
	if n == 0 {
		return nil, fmt.Errorf("linear: no observations")
	}
	if err := checkWeights(set.Weights); err != nil {
		return nil, err
	}
	d := len(x[0])
	if d == 0 && set.NoIntercept {
		return nil, fmt.Errorf("linear: nothing to fit: no columns and no intercept")
	}
	p := &problem{n: n, d: d, w: set.Weights, intercept: !set.NoIntercept, ridge: set.Ridge, rcond: set.RCond}
	p.cols = make([][]dd, d)
	for j := range p.cols {
		p.cols[j] = make([]dd, n)
	}
	p.y = make([]dd, n)
	for i, row := range x {
		if len(row) != d {
			panic(fmt.Sprintf("linear: row %d has %d values, row 0 has %d", i, len(row), d))
		}
		for j, t := range row {
			v, err := xdd.Parse(t)
			if err != nil || !isFinite(v.Hi) {
				return nil, &DataError{Row: i, Col: j, Value: t, Reason: "not a finite number"}
			}
			p.cols[j][i] = v
		}
		v, err := xdd.Parse(y[i])
		if err != nil || !isFinite(v.Hi) {
			return nil, &DataError{Row: i, Col: -1, Value: y[i], Reason: "not a finite number"}
		}
		p.y[i] = v
	}
	*yf = make([]float64, n)
	for i, v := range p.y {
		(*yf)[i] = v.Float()
	}
	return fitDD(p)
}

// observations is the number of rows with positive weight among n rows
// (n when w is nil): Result.N.
func observations(w []float64, n int) int {
	if w == nil {
		return n
	}
	k := 0
	for _, v := range w {
		if v > 0 {
			k++
		}
	}
	return k
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// scaleSS sets SSScale, ScaledRSS and ScaledTSS (see Result), y(i) being
// the target of row i. When RSS and TSS are finite it only copies them.
// Otherwise the sums are formed again from the residuals and the deviations
// of y from its weighted mean, each divided by a power of two s near the
// largest, so that no square overflows; RSS and TSS become s²·ScaledRSS and
// s²·ScaledTSS (+Inf when beyond float64, never NaN).
func (r *Result) scaleSS(y func(int) float64, w []float64, intercept bool) {
	if r.SSScale != 0 {
		return // SolvePolynomial's float64 path goes through Fit
	}
	r.SSScale, r.ScaledRSS, r.ScaledTSS = 1, r.RSS, r.TSS
	if isFinite(r.RSS) && isFinite(r.TSS) {
		return
	}
	n := len(r.Residuals)
	wt := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	// The weighted mean, scaled by a power of two so that Σ wᵢyᵢ cannot
	// overflow either.
	var ym float64
	if intercept {
		var big, sw float64
		for i := 0; i < n; i++ {
			if wt(i) > 0 {
				big = math.Max(big, math.Abs(y(i)))
			}
		}
		if big > 0 {
			sy := math.Ldexp(1, math.Ilogb(big))
			var sm float64
			for i := 0; i < n; i++ {
				sm += wt(i) * (y(i) / sy)
				sw += wt(i)
			}
			ym = sm / sw * sy
		}
	}
	var big float64
	for i := 0; i < n; i++ {
		if wi := wt(i); wi > 0 {
			sw := math.Sqrt(wi)
			big = math.Max(big, sw*math.Max(math.Abs(r.Residuals[i]), math.Abs(y(i)-ym)))
		}
	}
	if !isFinite(big) || big == 0 {
		// A residual or deviation that is itself beyond float64: no
		// scaling helps; report the overflow rather than NaN.
		r.SSScale, r.RSS, r.TSS = 1, math.Inf(1), math.Inf(1)
		r.ScaledRSS, r.ScaledTSS = r.RSS, r.TSS
		return
	}
	s := math.Ldexp(1, math.Ilogb(big))
	var rss, tss float64
	for i := 0; i < n; i++ {
		wi := wt(i)
		if wi == 0 {
			continue
		}
		a, t := r.Residuals[i]/s, (y(i)-ym)/s
		rss += wi * a * a
		tss += wi * t * t
	}
	if isFinite(r.RSS) {
		rss = r.RSS / s / s // exact: s is a power of two
	}
	if isFinite(r.TSS) {
		tss = r.TSS / s / s
	}
	r.SSScale, r.ScaledRSS, r.ScaledTSS = s, rss, tss
	r.RSS, r.TSS = rss*s*s, tss*s*s
}

// Model returns the fit as an lsq.Linear with the given feature names (nil
// means "x1", "x2", …), by lsq.NewLinear.
func (r *Result) Model(features []string) *lsq.Linear {
	return lsq.NewLinear(features, r.Coef, r.Intercept)
}
