package expr

import (
	"fmt"
	"math"
	"sort"
)

// block is the number of rows evaluated together: each tape slot holds one
// block of values (and one block per parameter derivative), small enough to
// stay in cache.
const block = 64

type slotKind uint8

const (
	kindCompute slotKind = iota
	kindConst
	kindParam
	kindColumn
)

type slot struct {
	kind  slotKind
	index int     // parameter or column index for kindParam / kindColumn
	num   float64 // value for kindConst
	deps  []int   // sorted parameter indices the slot depends on
}

// instr is one tape instruction: slots[out] = op(slots[a], slots[b]).
type instr struct {
	op     op
	powc   bool    // opPow with a constant exponent c
	c      float64 // the constant exponent
	a, b   int     // operand slots (b is -1 for unary operations)
	out    int
	da, db []int // for each dependency of out, its index among a's (b's) dependencies, or -1
}

// Program is a compiled expression. It is not safe for concurrent use; see Clone.
type Program struct {
	params  []string
	columns []string
	slots   []slot
	tape    []instr
	root    int

	// Work space, allocated on first use.
	val  [][]float64   // val[s] is slot s's block of values
	der  [][][]float64 // der[s][j] is d slot s / d param slots[s].deps[j]
	ones []float64
	tmp1 []float64
	tmp2 []float64
}

// Compile resolves the names of e: each must appear in params or in columns
// (and not in both). The order of params and columns fixes the order of the
// parameter vector and of the column slices passed to the Program's methods.
// Names listed but not used by the expression are allowed: the model does not
// depend on them, so their derivatives are zero.
//
// A name of the expression that is in neither list is returned as an *Error
// pointing at its first use. Compile panics if a name is repeated in params
// and columns.
func (e *Expr) Compile(params, columns []string) (*Program, error) {
	pIndex := map[string]int{}
	cIndex := map[string]int{}
	for i, n := range params {
		if _, dup := pIndex[n]; dup {
			panic(fmt.Sprintf("expr: parameter %q listed twice", n))
		}
		pIndex[n] = i
	}
	for i, n := range columns {
		if _, dup := cIndex[n]; dup {
			panic(fmt.Sprintf("expr: column %q listed twice", n))
		}
		if _, dup := pIndex[n]; dup {
			panic(fmt.Sprintf("expr: %q listed both as a parameter and as a column", n))
		}
		cIndex[n] = i
	}
	var bad *node
	walk(e.root, func(n *node) {
		if bad != nil || n.op != opName {
			return
		}
		_, okp := pIndex[n.name]
		_, okc := cIndex[n.name]
		if !okp && !okc {
			bad = n
		}
	})
	if bad != nil {
		return nil, &Error{Src: e.src, Offset: bad.pos, Msg: fmt.Sprintf("unknown name %q: neither a parameter nor a data column", bad.name)}
	}
	c := &compiler{
		p:      &Program{params: append([]string(nil), params...), columns: append([]string(nil), columns...)},
		pIndex: pIndex,
		cIndex: cIndex,
		memo:   map[memoKey]int{},
	}
	c.p.root = c.emit(e.root)
	return c.p, nil
}

type memoKey struct {
	op   op
	kind slotKind
	num  uint64
	a, b int
}

type compiler struct {
	p              *Program
	pIndex, cIndex map[string]int
	memo           map[memoKey]int
}

func (c *compiler) slot(k memoKey, s slot) int {
	if i, ok := c.memo[k]; ok {
		return i
	}
	c.p.slots = append(c.p.slots, s)
	i := len(c.p.slots) - 1
	c.memo[k] = i
	return i
}

func (c *compiler) constSlot(v float64) int {
	return c.slot(memoKey{kind: kindConst, num: math.Float64bits(v), a: -1, b: -1}, slot{kind: kindConst, num: v})
}

// emit compiles n and returns the slot holding its value. Subtrees without
// names are folded to constants; identical subtrees share one slot.
func (c *compiler) emit(n *node) int {
	switch n.op {
	case opNum:
		return c.constSlot(n.num)
	case opName:
		if i, ok := c.pIndex[n.name]; ok {
			return c.slot(memoKey{kind: kindParam, a: i, b: -1}, slot{kind: kindParam, index: i, deps: []int{i}})
		}
		i := c.cIndex[n.name]
		return c.slot(memoKey{kind: kindColumn, a: i, b: -1}, slot{kind: kindColumn, index: i})
	}
	a := c.emit(n.args[0])
	b := -1
	if len(n.args) == 2 {
		b = c.emit(n.args[1])
	}
	sa := c.p.slots[a]
	if sa.kind == kindConst && (b < 0 || c.p.slots[b].kind == kindConst) {
		var vb float64
		if b >= 0 {
			vb = c.p.slots[b].num
		}
		return c.constSlot(scalar(n.op, sa.num, vb))
	}
	in := instr{op: n.op, a: a, b: b}
	key := memoKey{op: n.op, kind: kindCompute, a: a, b: b}
	if n.op == opPow && c.p.slots[b].kind == kindConst {
		in.powc, in.c = true, c.p.slots[b].num
		key.num = math.Float64bits(in.c)
	}
	if i, ok := c.memo[key]; ok {
		return i
	}
	deps := sa.deps
	if b >= 0 {
		deps = union(deps, c.p.slots[b].deps)
	}
	out := c.slot(key, slot{kind: kindCompute, deps: deps})
	in.out = out
	in.da = positions(deps, sa.deps)
	if b >= 0 {
		in.db = positions(deps, c.p.slots[b].deps)
	}
	c.p.tape = append(c.p.tape, in)
	return out
}

func union(a, b []int) []int {
	m := map[int]bool{}
	for _, v := range a {
		m[v] = true
	}
	for _, v := range b {
		m[v] = true
	}
	out := make([]int, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	sort.Ints(out)
	return out
}

// positions returns, for each element of deps, its index in sub or -1.
func positions(deps, sub []int) []int {
	out := make([]int, len(deps))
	for i, d := range deps {
		out[i] = -1
		for j, s := range sub {
			if s == d {
				out[i] = j
			}
		}
	}
	return out
}

// scalar evaluates one operation on numbers (constant folding).
func scalar(o op, a, b float64) float64 {
	switch o {
	case opAdd:
		return a + b
	case opSub:
		return a - b
	case opMul:
		return a * b
	case opDiv:
		return a / b
	case opNeg:
		return -a
	case opPow:
		return pow(a, b)
	}
	return unary(o, a)
}

func pow(a, b float64) float64 {
	switch b {
	case 2:
		return a * a
	case 1:
		return a
	case -1:
		return 1 / a
	}
	return math.Pow(a, b)
}

func unary(o op, a float64) float64 {
	switch o {
	case opExp:
		return math.Exp(a)
	case opLog:
		return math.Log(a)
	case opSqrt:
		return math.Sqrt(a)
	case opSin:
		return math.Sin(a)
	case opCos:
		return math.Cos(a)
	case opTan:
		return math.Tan(a)
	case opAtan:
		return math.Atan(a)
	case opAbs:
		return math.Abs(a)
	case opNeg:
		return -a
	}
	panic("expr: bad unary op")
}

// Params returns the parameter names in the order of the parameter vector.
func (p *Program) Params() []string { return append([]string(nil), p.params...) }

// Columns returns the column names in the order of the column slices.
func (p *Program) Columns() []string { return append([]string(nil), p.columns...) }

// Clone returns a Program with the same tape and its own work space, for use
// in another goroutine.
func (p *Program) Clone() *Program {
	return &Program{params: p.params, columns: p.columns, slots: p.slots, tape: p.tape, root: p.root}
}

func (p *Program) alloc() {
	if p.val != nil {
		return
	}
	p.val = make([][]float64, len(p.slots))
	p.der = make([][][]float64, len(p.slots))
	p.ones = make([]float64, block)
	for i := range p.ones {
		p.ones[i] = 1
	}
	p.tmp1 = make([]float64, block)
	p.tmp2 = make([]float64, block)
	for s, sl := range p.slots {
		switch sl.kind {
		case kindConst:
			v := make([]float64, block)
			for i := range v {
				v[i] = sl.num
			}
			p.val[s] = v
		case kindParam:
			p.val[s] = make([]float64, block)
			p.der[s] = [][]float64{p.ones}
		case kindCompute:
			p.val[s] = make([]float64, block)
			p.der[s] = make([][]float64, len(sl.deps))
			for j := range sl.deps {
				p.der[s][j] = make([]float64, block)
			}
		}
	}
}

// rows checks the arguments and returns the number of rows.
func (p *Program) rows(n int, params []float64, cols [][]float64) {
	if len(params) != len(p.params) {
		panic(fmt.Sprintf("expr: got %d parameters, program has %d", len(params), len(p.params)))
	}
	if len(cols) != len(p.columns) {
		panic(fmt.Sprintf("expr: got %d columns, program has %d", len(cols), len(p.columns)))
	}
	for i, c := range cols {
		if len(c) != n {
			panic(fmt.Sprintf("expr: column %q has %d rows, want %d", p.columns[i], len(c), n))
		}
	}
}

// Eval sets dst[i] to the value of the expression at row i of cols, for the
// parameter values params. It panics if the lengths do not match the program.
func (p *Program) Eval(dst, params []float64, cols [][]float64) {
	p.rows(len(dst), params, cols)
	p.run(dst, nil, params, cols)
}

// Jacobian sets jac, an n×len(params) matrix stored row-major (as
// mat.NewDense(n, len(params), jac) reads it), to the partial derivatives of
// the expression with respect to the parameters at each row. n is the number
// of rows of cols; when the program has no columns it is len(jac)/len(params).
func (p *Program) Jacobian(jac, params []float64, cols [][]float64) {
	n := p.jacRows(len(jac), params, cols)
	p.rows(n, params, cols)
	p.run(nil, jac, params, cols)
}

// EvalJacobian computes the values into dst and the Jacobian into jac in one
// pass; see Eval and Jacobian.
func (p *Program) EvalJacobian(dst, jac, params []float64, cols [][]float64) {
	p.rows(len(dst), params, cols)
	if len(jac) != len(dst)*len(params) {
		panic(fmt.Sprintf("expr: Jacobian has length %d, want %d×%d", len(jac), len(dst), len(params)))
	}
	p.run(dst, jac, params, cols)
}

func (p *Program) jacRows(l int, params []float64, cols [][]float64) int {
	np := len(params)
	var n int
	switch {
	case len(cols) > 0:
		n = len(cols[0])
	case np > 0:
		n = l / np
	}
	if l != n*np {
		panic(fmt.Sprintf("expr: Jacobian has length %d, want %d×%d", l, n, np))
	}
	return n
}

// run evaluates the tape block by block. dst or jac may be nil.
func (p *Program) run(dst, jac []float64, params []float64, cols [][]float64) {
	p.alloc()
	n := len(dst)
	if dst == nil {
		if len(cols) > 0 {
			n = len(cols[0])
		} else if len(params) > 0 {
			n = len(jac) / len(params)
		}
	}
	np := len(params)
	for s, sl := range p.slots {
		if sl.kind == kindParam {
			v := p.val[s]
			for i := range v {
				v[i] = params[sl.index]
			}
		}
	}
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		m := hi - lo
		for s, sl := range p.slots {
			if sl.kind == kindColumn {
				p.val[s] = cols[sl.index][lo:hi]
			}
		}
		for k := range p.tape {
			p.step(&p.tape[k], m, jac != nil)
		}
		root := p.val[p.root][:m]
		if dst != nil {
			copy(dst[lo:hi], root)
		}
		if jac != nil {
			deps := p.slots[p.root].deps
			rows := jac[lo*np : hi*np]
			for i := range rows {
				rows[i] = 0
			}
			for j, k := range deps {
				d := p.der[p.root][j][:m]
				for i, v := range d {
					rows[i*np+k] = v
				}
			}
		}
	}
	// Drop the references to the caller's columns.
	for s, sl := range p.slots {
		if sl.kind == kindColumn {
			p.val[s] = nil
		}
	}
}

// step executes one instruction on a block of m rows; with deriv it also
// propagates the derivatives (forward mode).
func (p *Program) step(in *instr, m int, deriv bool) {
	a := p.val[in.a][:m]
	out := p.val[in.out][:m]
	var b []float64
	if in.b >= 0 {
		b = p.val[in.b][:m]
	}
	switch {
	case in.op == opAdd:
		for i := range out {
			out[i] = a[i] + b[i]
		}
	case in.op == opSub:
		for i := range out {
			out[i] = a[i] - b[i]
		}
	case in.op == opMul:
		for i := range out {
			out[i] = a[i] * b[i]
		}
	case in.op == opDiv:
		for i := range out {
			out[i] = a[i] / b[i]
		}
	case in.op == opNeg:
		for i := range out {
			out[i] = -a[i]
		}
	case in.op == opPow && in.powc:
		c := in.c
		switch c {
		case 2:
			for i := range out {
				out[i] = a[i] * a[i]
			}
		case 0.5:
			for i := range out {
				out[i] = math.Sqrt(a[i])
			}
		default:
			for i := range out {
				out[i] = pow(a[i], c)
			}
		}
	case in.op == opPow:
		for i := range out {
			out[i] = math.Pow(a[i], b[i])
		}
	case in.op == opExp:
		for i := range out {
			out[i] = math.Exp(a[i])
		}
	default:
		for i := range out {
			out[i] = unary(in.op, a[i])
		}
	}
	if !deriv || len(in.da) == 0 {
		return
	}
	da := p.der[in.a]
	var db [][]float64
	if in.b >= 0 {
		db = p.der[in.b]
	}
	dout := p.der[in.out]
	switch in.op {
	case opAdd, opSub:
		sign := 1.0
		if in.op == opSub {
			sign = -1
		}
		for j, d := range dout {
			d = d[:m]
			ia, ib := in.da[j], in.db[j]
			switch {
			case ia >= 0 && ib >= 0:
				x, y := da[ia][:m], db[ib][:m]
				for i := range d {
					d[i] = x[i] + sign*y[i]
				}
			case ia >= 0:
				copy(d, da[ia][:m])
			default:
				y := db[ib][:m]
				for i := range d {
					d[i] = sign * y[i]
				}
			}
		}
		return
	case opMul:
		// d(a·b) = b·da + a·db
		chainRule(dout, da, db, in.da, in.db, b, a, m)
		return
	case opDiv:
		// d(a/b) = (da − (a/b)·db) / b
		for j, d := range dout {
			d = d[:m]
			ia, ib := in.da[j], in.db[j]
			switch {
			case ia >= 0 && ib >= 0:
				x, y := da[ia][:m], db[ib][:m]
				for i := range d {
					d[i] = (x[i] - out[i]*y[i]) / b[i]
				}
			case ia >= 0:
				x := da[ia][:m]
				for i := range d {
					d[i] = x[i] / b[i]
				}
			default:
				y := db[ib][:m]
				for i := range d {
					d[i] = -out[i] * y[i] / b[i]
				}
			}
		}
		return
	case opPow:
		if !in.powc {
			// d(a^b) = b·a^(b−1)·da + a^b·log(a)·db
			t1, t2 := p.tmp1[:m], p.tmp2[:m]
			aDep, bDep := len(p.slots[in.a].deps) > 0, len(p.slots[in.b].deps) > 0
			if aDep {
				for i := range t1 {
					if a[i] != 0 && out[i] != 0 && !math.IsInf(out[i], 0) {
						t1[i] = b[i] * (out[i] / a[i]) // b·a^(b−1) without a second pow
					} else {
						t1[i] = b[i] * math.Pow(a[i], b[i]-1)
					}
				}
			}
			if bDep {
				for i := range t2 {
					if out[i] == 0 {
						t2[i] = 0 // a^b·log a → 0 as a → 0⁺ with b > 0
					} else {
						t2[i] = out[i] * math.Log(a[i])
					}
				}
			}
			chainRule(dout, da, db, in.da, in.db, t1, t2, m)
			return
		}
	}
	// Unary operations (and a^c): d out = f'(a)·da.
	t := p.tmp1[:m]
	switch in.op {
	case opNeg:
		for i := range t {
			t[i] = -1
		}
	case opPow:
		c := in.c
		switch c {
		case 2:
			for i := range t {
				t[i] = 2 * a[i]
			}
		case 0.5:
			for i := range t {
				t[i] = 0.5 / out[i]
			}
		default:
			for i := range t {
				t[i] = c * pow(a[i], c-1)
			}
		}
	case opExp:
		copy(t, out)
	case opLog:
		for i := range t {
			t[i] = 1 / a[i]
		}
	case opSqrt:
		for i := range t {
			t[i] = 0.5 / out[i]
		}
	case opSin:
		for i := range t {
			t[i] = math.Cos(a[i])
		}
	case opCos:
		for i := range t {
			t[i] = -math.Sin(a[i])
		}
	case opTan:
		for i := range t {
			t[i] = 1 + out[i]*out[i]
		}
	case opAtan:
		for i := range t {
			t[i] = 1 / (1 + a[i]*a[i])
		}
	case opAbs:
		for i := range t {
			switch {
			case a[i] > 0:
				t[i] = 1
			case a[i] < 0:
				t[i] = -1
			default:
				t[i] = 0
			}
		}
	}
	for j, d := range dout {
		x := da[in.da[j]][:m]
		d = d[:m]
		for i := range d {
			d[i] = t[i] * x[i]
		}
	}
}

// FirstNonFinite returns the index of the first NaN or ±Inf in v, or -1.
func FirstNonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// chainRule sets, for each parameter j, d_j = ca·da_j + cb·db_j row by row
// (the derivative of a binary operation whose partial derivatives with
// respect to its operands are ca and cb), using only the terms whose
// operand depends on the parameter: ias[j] or ibs[j] is −1 when it does not.
func chainRule(dout, da, db [][]float64, ias, ibs []int, ca, cb []float64, m int) {
	for j, d := range dout {
		d = d[:m]
		ia, ib := ias[j], ibs[j]
		switch {
		case ia >= 0 && ib >= 0:
			x, y := da[ia][:m], db[ib][:m]
			for i := range d {
				d[i] = ca[i]*x[i] + cb[i]*y[i]
			}
		case ia >= 0:
			x := da[ia][:m]
			for i := range d {
				d[i] = ca[i] * x[i]
			}
		default:
			y := db[ib][:m]
			for i := range d {
				d[i] = cb[i] * y[i]
			}
		}
	}
}
