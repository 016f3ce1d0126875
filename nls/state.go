package nls

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/lsqgo/lsq"
)

// state is the solver state shared by the methods, the refinement and the
// inference.
type state struct {
	ev     *evaluator
	s      settings
	m, n   int
	x      []float64 // current point
	r      []float64 // residuals at x
	fnorm  float64   // ‖r‖
	qr     *pivQR
	sub    *lmSolver
	fixed  []bool      // parameters held at an active bound in the current iteration
	jc     [][]float64 // with bounds: the columns of J, kept for refactor
	iter   int
	start  time.Time
	names  []string // parameter names for messages, or nil
	badJac string   // where the Jacobian was last found not finite (set by factor)
	first  float64  // a first-order optimiser's objective at its start, set by descend once its final point is accepted; NaN before

	// work space
	xt, rt, qtf, w, p, diag, g []float64
	rq                         []float64
}

func newState(p *Problem, x0 []float64, s settings) *state {
	n, m := len(x0), p.M
	st := &state{ev: newEvaluator(p, n), s: s, m: m, n: n,
		x: append([]float64(nil), x0...), r: make([]float64, m),
		qr: newPivQR(m, n), sub: newLMSolver(n), fixed: make([]bool, n),
		xt: make([]float64, n), rt: make([]float64, m), qtf: make([]float64, n),
		w: make([]float64, n), p: make([]float64, n), diag: make([]float64, n),
		g: make([]float64, n), rq: make([]float64, m), start: time.Now(), first: math.NaN()}
	st.project(st.x)
	return st
}

// project clamps x into the box.
func (st *state) project(x []float64) bool {
	if st.s.lower == nil {
		return false
	}
	moved := false
	for j := range x {
		if x[j] < st.s.lower[j] {
			x[j] = st.s.lower[j]
			moved = true
		} else if x[j] > st.s.upper[j] {
			x[j] = st.s.upper[j]
			moved = true
		}
	}
	return moved
}

// factor evaluates J at st.x, finds the active bounds, factorises J with
// the columns of the fixed parameters zeroed, and sets st.qtf = (Qᵀr)[:n]
// and st.g = Jᵀr (zero for fixed parameters). It returns false when J is
// not finite.
func (st *state) factor() bool {
	j := st.ev.jacobian(st.x)
	raw := j.RawMatrix()
	// One pass over the rows of J, writing the n columns side by side.
	for i := 0; i < st.m; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+st.n]
		for c, v := range row {
			st.qr.a[c][i] = v
		}
	}
	for c := 0; c < st.n; c++ {
		col := st.qr.a[c]
		if i := firstBad(col); i >= 0 {
			st.badJac = fmt.Sprintf("the Jacobian is %v at residual %d, parameter %s", col[i], i+1, st.name(c))
			return false
		}
		st.g[c] = dot(col, st.r)
	}
	for c := 0; c < st.n; c++ {
		st.fixed[c] = false
		if st.s.lower != nil {
			// A parameter is held when it sits on a bound and the negative
			// gradient points out of the box.
			if (st.x[c] <= st.s.lower[c] && st.g[c] > 0) || (st.x[c] >= st.s.upper[c] && st.g[c] < 0) {
				st.fixed[c] = true
			}
		}
	}
	if st.s.lower != nil {
		if st.jc == nil {
			st.jc = make([][]float64, st.n)
			for c := range st.jc {
				st.jc[c] = make([]float64, st.m)
			}
		}
		for c := range st.jc {
			copy(st.jc[c], st.qr.a[c])
		}
	}
	st.refactor()
	return true
}

// refactor factorises the Jacobian of the last factor call with the columns
// of the fixed parameters zeroed, and sets st.qtf = (Qᵀr)[:n] and st.g = Jᵀr
// (zero for fixed parameters).
func (st *state) refactor() {
	if st.jc != nil {
		for c := range st.jc {
			copy(st.qr.a[c], st.jc[c])
			st.g[c] = dot(st.jc[c], st.r)
		}
	}
	for c := 0; c < st.n; c++ {
		if st.fixed[c] {
			st.g[c] = 0
			col := st.qr.a[c]
			for i := range col {
				col[i] = 0
			}
		}
	}
	st.qr.factorize()
	copy(st.rq, st.r)
	st.qr.qtb(st.rq)
	copy(st.qtf, st.rq[:st.n])
}

// blocked holds, in addition, the free parameters that sit on a bound and
// that the step p would move out of the box, and reports whether there were
// any: the step must then be recomputed without them (otherwise projection
// would cut it to nothing).
func (st *state) blocked(p []float64) bool {
	if st.s.lower == nil {
		return false
	}
	any := false
	for j := 0; j < st.n; j++ {
		if !st.fixed[j] && ((st.x[j] <= st.s.lower[j] && p[j] < 0) || (st.x[j] >= st.s.upper[j] && p[j] > 0)) {
			st.fixed[j] = true
			any = true
		}
	}
	return any
}

// gradCos returns max_j |J_jᵀr| / (‖J_j‖·‖r‖): the cosine of the largest
// angle between r and a column of J (MINPACK's gnorm).
func (st *state) gradCos() float64 {
	if st.fnorm == 0 {
		return 0
	}
	g := 0.0
	q := st.qr
	for j := 0; j < st.n; j++ {
		l := q.ipvt[j]
		if q.acnrm[l] == 0 {
			continue
		}
		sum := 0.0
		for i := 0; i <= j; i++ {
			sum += q.r(i, j) * (st.qtf[i] / st.fnorm)
		}
		g = math.Max(g, math.Abs(sum/q.acnrm[l]))
	}
	return g
}

func (st *state) record() error {
	if st.s.rec == nil {
		return nil
	}
	half := 0.5 * st.fnorm * st.fnorm
	return st.s.rec.Record(lsq.Iteration{
		Epoch: st.iter, Step: st.ev.nfev, Loss: half, Objective: half,
		GradNorm: enorm(st.g), ValLoss: math.NaN(), Gap: math.NaN(), Elapsed: time.Since(st.start),
	})
}

// evalTrial evaluates the residuals at st.xt into st.rt and returns their
// norm, +Inf when one is not finite.
func (st *state) evalTrial() float64 {
	st.ev.residuals(st.rt, st.xt)
	if firstBad(st.rt) >= 0 {
		return math.Inf(1)
	}
	return enorm(st.rt)
}

func (st *state) accept(fnorm float64) {
	copy(st.x, st.xt)
	copy(st.r, st.rt)
	st.fnorm = fnorm
}

// jacFailure explains a stop at st.x, where factor found the Jacobian not
// finite: where (residual, parameter), at which parameter values, and what
// to do. atStart says whether st.x is the starting point.
func (st *state) jacFailure(atStart bool) string {
	var vals []string
	for j, v := range st.x {
		vals = append(vals, fmt.Sprintf("%s=%g", st.name(j), v))
	}
	point := strings.Join(vals, ", ")
	if atStart {
		return fmt.Sprintf("%s, at the starting point %s: the derivatives are not finite there (an overflow, e.g. exp of a large argument, "+
			"or a singular point such as sqrt at 0), so no step can be taken; try other starting values, nearer the data", st.badJac, point)
	}
	return fmt.Sprintf("%s, at iteration %d, at %s: the iteration reached a point where the derivatives are not finite "+
		"(an overflow or a singular point), not a minimum; try other starting values, or bounds that keep the parameters out of that region", st.badJac, st.iter, point)
}

func (st *state) name(j int) string {
	if st.names != nil {
		return st.names[j]
	}
	return fmt.Sprintf("x[%d]", j)
}
