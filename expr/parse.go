package expr

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/lsqgo/lsq/internal/english"
)

// Error is a syntax or name error at a position of the source.
type Error struct {
	Src    string // the whole expression
	Offset int    // byte offset of the offending token in Src
	Msg    string
}

// Line returns the 1-based line of the error.
func (e *Error) Line() int {
	return strings.Count(e.Src[:e.Offset], "\n") + 1
}

// Column returns the 1-based column (in bytes) of the error on its line.
func (e *Error) Column() int {
	return e.Offset - (strings.LastIndex(e.Src[:e.Offset], "\n") + 1) + 1
}

// Error returns "line:column: message", for example `1:7: unknown function "foo"`.
func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line(), e.Column(), e.Msg)
}

// Caret returns the source line of the error and a second line with a caret
// under the offending column, for display under the message.
func (e *Error) Caret() string {
	start := strings.LastIndex(e.Src[:e.Offset], "\n") + 1
	end := strings.IndexByte(e.Src[start:], '\n')
	if end < 0 {
		end = len(e.Src)
	} else {
		end += start
	}
	line := e.Src[start:end]
	pad := make([]byte, 0, e.Offset-start)
	for _, c := range []byte(e.Src[start:e.Offset]) {
		if c == '\t' {
			pad = append(pad, '\t')
		} else {
			pad = append(pad, ' ')
		}
	}
	return line + "\n" + string(pad) + "^"
}

// op is an operation of the syntax tree and of the tape.
type op uint8

const (
	opNum op = iota
	opName
	opAdd
	opSub
	opMul
	opDiv
	opNeg
	opPow
	opExp
	opLog
	opSqrt
	opSin
	opCos
	opTan
	opAtan
	opAbs
)

var funcs = map[string]op{
	"exp": opExp, "log": opLog, "ln": opLog, "sqrt": opSqrt,
	"sin": opSin, "cos": opCos, "tan": opTan, "atan": opAtan, "arctan": opAtan,
	"abs": opAbs, "pow": opPow,
}

var opNames = [...]string{
	opAdd: "+", opSub: "-", opMul: "*", opDiv: "/", opPow: "^",
	opExp: "exp", opLog: "log", opSqrt: "sqrt", opSin: "sin", opCos: "cos",
	opTan: "tan", opAtan: "atan", opAbs: "abs",
}

// node is a node of the syntax tree.
type node struct {
	op   op
	num  float64 // opNum
	name string  // opName
	pos  int     // byte offset in the source
	args []*node
}

// Expr is a parsed expression.
type Expr struct {
	src   string
	root  *node
	names []string
}

// maxDepth bounds the depth of the syntax tree (each operator, function
// call and unary minus is a level), so that hostile input cannot exhaust the
// stack in the recursive passes that follow parsing. maxParse bounds the
// parser's own recursion; it is larger because one level of the tree may
// cost the parser a few calls, and the canonical form of any accepted
// expression (String) must parse again.
const (
	maxDepth = 1000
	maxParse = 4 * maxDepth
)

// Parse parses an expression. A syntax error is returned as an *Error.
func Parse(src string) (*Expr, error) {
	p := &parser{src: src}
	p.next()
	root := p.expr(0)
	if p.err == nil && p.tok != tokEOF {
		p.fail(p.tokPos, "unexpected %s", p.describe())
	}
	if p.err != nil {
		return nil, p.err
	}
	if d, at := depth(root); d > maxDepth {
		return nil, &Error{Src: src, Offset: at.pos, Msg: fmt.Sprintf("expression nested deeper than %d levels", maxDepth)}
	}
	seen := map[string]bool{}
	var names []string
	walk(root, func(n *node) {
		if n.op == opName && !seen[n.name] {
			seen[n.name] = true
			names = append(names, n.name)
		}
	})
	sort.Strings(names)
	return &Expr{src: src, root: root, names: names}, nil
}

// MustParse is like Parse but panics on error; it is for expressions fixed in code.
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic("expr: " + err.Error())
	}
	return e
}

// Names returns the identifiers the expression uses (columns and parameters,
// not functions or pi), sorted and without repeats.
func (e *Expr) Names() []string { return append([]string(nil), e.names...) }

// String returns the expression fully parenthesised in a canonical form that
// Parse reads back to the same tree.
func (e *Expr) String() string {
	var b strings.Builder
	format(&b, e.root)
	return b.String()
}

func format(b *strings.Builder, n *node) {
	switch n.op {
	case opNum:
		s := strconv.FormatFloat(n.num, 'g', -1, 64)
		if n.num < 0 || strings.HasPrefix(s, "-") {
			b.WriteString("(" + s + ")")
		} else {
			b.WriteString(s)
		}
	case opName:
		if plainName(n.name) {
			b.WriteString(n.name)
		} else {
			b.WriteString("`" + n.name + "`")
		}
	case opNeg:
		b.WriteString("(-")
		format(b, n.args[0])
		b.WriteString(")")
	case opAdd, opSub, opMul, opDiv, opPow:
		b.WriteString("(")
		format(b, n.args[0])
		b.WriteString(" " + opNames[n.op] + " ")
		format(b, n.args[1])
		b.WriteString(")")
	default:
		b.WriteString(opNames[n.op] + "(")
		format(b, n.args[0])
		b.WriteString(")")
	}
}

// plainName reports whether a name can be written without backquotes.
func plainName(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	_, reserved := funcs[s]
	return !reserved && s != "pi"
}

// depth returns the depth of the tree and its deepest node.
func depth(n *node) (int, *node) {
	best, at := 0, n
	for _, a := range n.args {
		if d, x := depth(a); d > best {
			best, at = d, x
		}
	}
	return best + 1, at
}

func walk(n *node, f func(*node)) {
	f(n)
	for _, a := range n.args {
		walk(a, f)
	}
}

type token int

const (
	tokEOF token = iota
	tokNum
	tokName
	tokOp // one of + - * / ^ ** ( ) [ ] ,
	tokBad
)

type parser struct {
	src    string
	pos    int // offset of the next unread byte
	tok    token
	tokPos int
	text   string
	num    float64
	depth  int
	quoted bool // the name token was written in backquotes
	err    *Error
}

func (p *parser) fail(pos int, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{Src: p.src, Offset: pos, Msg: fmt.Sprintf(format, args...)}
	}
	// Stop scanning: every later call sees EOF.
	p.tok = tokEOF
	p.pos = len(p.src)
}

func (p *parser) describe() string {
	switch p.tok {
	case tokEOF:
		return "end of expression"
	case tokNum:
		return "number " + p.text
	case tokName:
		return "name " + strconv.Quote(p.text)
	}
	return strconv.Quote(p.text)
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// next scans the next token.
func (p *parser) next() {
	if p.err != nil {
		return
	}
	s := p.src
	for p.pos < len(s) && (s[p.pos] == ' ' || s[p.pos] == '\t' || s[p.pos] == '\n' || s[p.pos] == '\r') {
		p.pos++
	}
	p.tokPos = p.pos
	p.quoted = false
	if p.pos >= len(s) {
		p.tok, p.text = tokEOF, ""
		return
	}
	c := s[p.pos]
	switch {
	case isLetter(c):
		i := p.pos
		for i < len(s) && (isLetter(s[i]) || isDigit(s[i])) {
			i++
		}
		p.tok, p.text, p.pos = tokName, s[p.pos:i], i
	case c == '`':
		end := strings.IndexByte(s[p.pos+1:], '`')
		if end < 0 {
			p.tok, p.text = tokBad, s[p.pos:]
			p.fail(p.pos, "unclosed quoted name: a name in backquotes needs a closing `")
			return
		}
		name := s[p.pos+1 : p.pos+1+end]
		if name == "" {
			p.tok, p.text = tokBad, "``"
			p.fail(p.pos, "empty quoted name")
			return
		}
		p.tok, p.text, p.pos, p.quoted = tokName, name, p.pos+end+2, true
		return
	case isDigit(c) || c == '.':
		i := p.pos
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '.' {
			i++
			for i < len(s) && isDigit(s[i]) {
				i++
			}
		}
		if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
			j := i + 1
			if j < len(s) && (s[j] == '+' || s[j] == '-') {
				j++
			}
			if j < len(s) && isDigit(s[j]) {
				for j < len(s) && isDigit(s[j]) {
					j++
				}
				i = j
			} else {
				p.tok, p.text = tokBad, s[p.pos:j]
				p.fail(p.pos, "malformed number %q: exponent has no digits", s[p.pos:j])
				return
			}
		}
		text := s[p.pos:i]
		if text == "." {
			p.tok, p.text = tokBad, text
			p.fail(p.pos, "malformed number \".\"")
			return
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			p.fail(p.pos, "malformed number %q", text)
			return
		}
		if math.IsInf(v, 0) {
			p.fail(p.pos, "number %s is out of the float64 range", text)
			return
		}
		if i < len(s) && isLetter(s[i]) {
			p.fail(i, "unexpected %q after number %s (write * for multiplication)", s[i], text)
			return
		}
		p.tok, p.text, p.num, p.pos = tokNum, text, v, i
	case c == '*' && p.pos+1 < len(s) && s[p.pos+1] == '*':
		p.tok, p.text, p.pos = tokOp, "**", p.pos+2
	case strings.IndexByte("+-*/^()[],", c) >= 0:
		p.tok, p.text, p.pos = tokOp, s[p.pos:p.pos+1], p.pos+1
	default:
		r := []rune(s[p.pos:])[0]
		p.tok, p.text = tokBad, string(r)
		p.fail(p.pos, "unexpected character %q", r)
	}
}

func (p *parser) is(text string) bool { return p.tok == tokOp && p.text == text }

// Binding powers.
const (
	precAdd = 1
	precMul = 2
)

// expr parses a sum (prec 0) or a product (prec 1).
func (p *parser) expr(prec int) *node {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxParse {
		p.fail(p.tokPos, "expression nested deeper than %d levels", maxDepth)
		return nil
	}
	var left *node
	if prec < precAdd {
		left = p.expr(precAdd)
	} else {
		left = p.unary()
	}
	for p.err == nil {
		var o op
		switch {
		case prec < precAdd && p.is("+"):
			o = opAdd
		case prec < precAdd && p.is("-"):
			o = opSub
		case prec == precAdd && p.is("*"):
			o = opMul
		case prec == precAdd && p.is("/"):
			o = opDiv
		default:
			return left
		}
		pos := p.tokPos
		p.next()
		var right *node
		if prec < precAdd {
			right = p.expr(precAdd)
		} else {
			right = p.unary()
		}
		left = &node{op: o, pos: pos, args: []*node{left, right}}
	}
	return left
}

// unary parses [+-]* power.
func (p *parser) unary() *node {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxParse {
		p.fail(p.tokPos, "expression nested deeper than %d levels", maxDepth)
		return nil
	}
	if p.is("-") || p.is("+") {
		neg, pos := p.is("-"), p.tokPos
		p.next()
		x := p.unary()
		if neg {
			return &node{op: opNeg, pos: pos, args: []*node{x}}
		}
		return x
	}
	base := p.primary()
	if p.err == nil && (p.is("^") || p.is("**")) {
		pos := p.tokPos
		p.next()
		exp := p.unary() // right-associative, and allows 2^-1
		return &node{op: opPow, pos: pos, args: []*node{base, exp}}
	}
	return base
}

func closer(open string) string {
	if open == "[" {
		return "]"
	}
	return ")"
}

func (p *parser) primary() *node {
	if p.err != nil {
		return nil
	}
	switch p.tok {
	case tokNum:
		n := &node{op: opNum, num: p.num, pos: p.tokPos}
		p.next()
		return n
	case tokName:
		name, pos, quoted := p.text, p.tokPos, p.quoted
		p.next()
		if quoted {
			return &node{op: opName, name: name, pos: pos}
		}
		if p.is("(") || p.is("[") {
			o, ok := funcs[name]
			if !ok {
				p.fail(pos, "unknown function %q", name)
				return nil
			}
			open := p.text
			p.next()
			var args []*node
			if !p.is(closer(open)) {
				args = append(args, p.expr(0))
				for p.err == nil && p.is(",") {
					p.next()
					args = append(args, p.expr(0))
				}
			}
			if p.err != nil {
				return nil
			}
			if !p.is(closer(open)) {
				p.fail(p.tokPos, "expected %q or \",\" in call of %s, found %s", closer(open), name, p.describe())
				return nil
			}
			p.next()
			want := 1
			if o == opPow {
				want = 2
			}
			if len(args) != want {
				p.fail(pos, "%s takes %s, got %d", name, english.Count(want, "argument"), len(args))
				return nil
			}
			return &node{op: o, pos: pos, args: args}
		}
		if name == "pi" {
			return &node{op: opNum, num: math.Pi, pos: pos}
		}
		if _, ok := funcs[name]; ok {
			p.fail(pos, "function %s needs an argument list: %s(...)", name, name)
			return nil
		}
		return &node{op: opName, name: name, pos: pos}
	case tokOp:
		if p.is("(") || p.is("[") {
			open, pos := p.text, p.tokPos
			p.next()
			x := p.expr(0)
			if p.err != nil {
				return nil
			}
			if !p.is(closer(open)) {
				if p.tok == tokEOF {
					p.fail(pos, "unclosed %q", open)
				} else {
					p.fail(p.tokPos, "expected %q, found %s", closer(open), p.describe())
				}
				return nil
			}
			p.next()
			return x
		}
	}
	if p.tok == tokEOF {
		p.fail(p.tokPos, "unexpected end of expression")
	} else {
		p.fail(p.tokPos, "unexpected %s", p.describe())
	}
	return nil
}
