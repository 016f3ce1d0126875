package formula

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a syntax error in a formula. Col is the 1-based character
// position in the formula text.
type Error struct {
	Src string // the formula
	Col int    // 1-based column (in characters) of the problem
	Msg string
}

// Error returns "formula:1:COL: message".
func (e *Error) Error() string {
	return fmt.Sprintf("formula:1:%d: %s", e.Col, e.Msg)
}

// Caret returns the formula and, under it, a caret at the column of the
// error, for display under the message.
func (e *Error) Caret() string {
	return e.Src + "\n" + strings.Repeat(" ", max(e.Col-1, 0)) + "^"
}

type tokKind int

const (
	tEOF tokKind = iota
	tName
	tNum
	tOp  // one of ~ + - * / ^ : ( ) , . =
	tStr // a quoted string, 'b' or "b" (factor levels)
)

type token struct {
	kind tokKind
	text string // name (without backquotes), number text, or operator
	num  float64
	pos  int // byte offset in the source
	end  int // byte offset after the token
}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		r, w := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			return nil, errAt(src, i, "invalid UTF-8")
		case unicode.IsSpace(r):
			i += w
		case r == '`':
			j := strings.IndexByte(src[i+1:], '`')
			if j < 0 {
				return nil, errAt(src, i, "unterminated `quoted name`")
			}
			if j == 0 {
				return nil, errAt(src, i, "empty `quoted name`")
			}
			toks = append(toks, token{kind: tName, text: src[i+1 : i+1+j], pos: i, end: i + j + 2})
			i += j + 2
		case r == '\'' || r == '"':
			j := strings.IndexRune(src[i+1:], r)
			if j < 0 {
				return nil, errAt(src, i, "unterminated quoted string")
			}
			toks = append(toks, token{kind: tStr, text: src[i+1 : i+1+j], pos: i, end: i + j + 2})
			i += j + 2
		case r == '.' && !(i+1 < len(src) && isDigit(src[i+1])):
			toks = append(toks, token{kind: tOp, text: ".", pos: i, end: i + 1})
			i++
		case isDigit(byte(r)) || r == '.':
			j := i
			for j < len(src) && (isDigit(src[j]) || src[j] == '.') {
				j++
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && isDigit(src[k]) {
					for k < len(src) && isDigit(src[k]) {
						k++
					}
					j = k
				}
			}
			v, err := strconv.ParseFloat(src[i:j], 64)
			if err != nil {
				return nil, errAt(src, i, fmt.Sprintf("bad number %q", src[i:j]))
			}
			toks = append(toks, token{kind: tNum, text: src[i:j], num: v, pos: i, end: j})
			i = j
		case r == '_' || unicode.IsLetter(r):
			j := i + w
			for j < len(src) {
				r2, w2 := utf8.DecodeRuneInString(src[j:])
				if r2 == '_' || r2 == '.' || unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += w2
					continue
				}
				break
			}
			toks = append(toks, token{kind: tName, text: src[i:j], pos: i, end: j})
			i = j
		case strings.ContainsRune("~+-*/^:(),=", r):
			toks = append(toks, token{kind: tOp, text: string(r), pos: i, end: i + 1})
			i++
		default:
			return nil, errAt(src, i, fmt.Sprintf("unexpected character %q", r))
		}
	}
	toks = append(toks, token{kind: tEOF, pos: len(src), end: len(src)})
	return toks, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// errAt builds an Error at byte offset off of src.
func errAt(src string, off int, msg string) *Error {
	return &Error{Src: src, Col: utf8.RuneCountInString(src[:min(off, len(src))]) + 1, Msg: msg}
}

// Arithmetic expressions (inside I(), log(), exp(), poly() and the
// response).

type node struct {
	op   byte // 'n' number, 'v' variable, 'f' function call, '~' negation, or + - * / ^
	num  float64
	name string // variable or function name
	a, b *node
}

type parser struct {
	src  string
	toks []token
	p    int
	vars []string // the text of each factor, in order of first appearance
}

func (p *parser) peek() token { return p.toks[p.p] }
func (p *parser) next() token {
	t := p.toks[p.p]
	if t.kind != tEOF {
		p.p++
	}
	return t
}
func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == s
}
func (p *parser) expect(s string) (token, error) {
	t := p.peek()
	if t.kind != tOp || t.text != s {
		return t, p.unexpected(t, "expected "+strconv.Quote(s))
	}
	return p.next(), nil
}

func (p *parser) unexpected(t token, want string) *Error {
	what := "end of formula"
	if t.kind != tEOF {
		what = strconv.Quote(p.src[t.pos:t.end])
	}
	return errAt(p.src, t.pos, fmt.Sprintf("unexpected %s; %s", what, want))
}

// arithmetic functions allowed inside expressions.
var arithFuncs = map[string]bool{"log": true, "exp": true, "sqrt": true, "abs": true}

func (p *parser) arith() (*node, error) {
	n, err := p.aterm()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		op := p.next().text[0]
		m, err := p.aterm()
		if err != nil {
			return nil, err
		}
		n = &node{op: op, a: n, b: m}
	}
	return n, nil
}

func (p *parser) aterm() (*node, error) {
	n, err := p.aunary()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") {
		op := p.next().text[0]
		m, err := p.aunary()
		if err != nil {
			return nil, err
		}
		n = &node{op: op, a: n, b: m}
	}
	return n, nil
}

func (p *parser) aunary() (*node, error) {
	if p.isOp("-") || p.isOp("+") {
		neg := p.next().text == "-"
		n, err := p.aunary()
		if err != nil {
			return nil, err
		}
		if neg {
			return &node{op: '~', a: n}, nil
		}
		return n, nil
	}
	return p.apow()
}

func (p *parser) apow() (*node, error) {
	n, err := p.aprimary()
	if err != nil {
		return nil, err
	}
	if p.isOp("^") {
		p.next()
		m, err := p.aunary() // right-associative; 2^-1 allowed
		if err != nil {
			return nil, err
		}
		n = &node{op: '^', a: n, b: m}
	}
	return n, nil
}

func (p *parser) aprimary() (*node, error) {
	t := p.peek()
	switch {
	case t.kind == tNum:
		p.next()
		return &node{op: 'n', num: t.num}, nil
	case t.kind == tName:
		p.next()
		if p.isOp("(") {
			if !arithFuncs[t.text] {
				return nil, errAt(p.src, t.pos, fmt.Sprintf("unknown function %q inside an expression; use log, exp, sqrt or abs", t.text))
			}
			p.next()
			a, err := p.arith()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(")"); err != nil {
				return nil, err
			}
			return &node{op: 'f', name: t.text, a: a}, nil
		}
		return &node{op: 'v', name: t.text}, nil
	case p.isOp("("):
		p.next()
		n, err := p.arith()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
		return n, nil
	}
	return nil, p.unexpected(t, "expected a number, a column name or \"(\"")
}

// vars appends the variable names used by n.
func (n *node) vars(dst []string) []string {
	if n == nil {
		return dst
	}
	if n.op == 'v' {
		return append(dst, n.name)
	}
	return n.b.vars(n.a.vars(dst))
}

// squeeze removes white space outside `quoted names`, for display names.
func squeeze(s string) string {
	var b strings.Builder
	quoted := false
	for _, r := range s {
		if r == '`' {
			quoted = !quoted
		}
		if quoted || !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
