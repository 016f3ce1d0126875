package formula

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file writes the labels of terms as R's terms() does
// (attr(terms(fit), "term.labels"), the row names of anova(lm)): each
// factor deparsed as R's deparse() writes the call, the factors of an
// interaction in the order of the formula's variables (R: the order in
// which they first appear in the formula, so y ~ b:a + a has the terms
// a and b:a), joined by ":".

// labelOrder returns the rank of each factor's text in R's order of
// variables: the written order, "." standing for the columns it expanded
// to (terms, after expandDotNames) that are not written elsewhere.
func (f *Formula) labelOrder(terms []term) map[string]int {
	rank := map[string]int{}
	see := func(text string) {
		if _, ok := rank[text]; !ok {
			rank[text] = len(rank)
		}
	}
	for _, v := range f.vars {
		if v != "." {
			see(v)
			continue
		}
		for _, t := range terms {
			for _, fa := range t {
				if !slices.Contains(f.vars, fa.text) {
					see(fa.text)
				}
			}
		}
	}
	return rank
}

// label returns the term's label as R writes it: "Species", "poly(x, 3)",
// "a:b".
func label(t term, rank map[string]int) string {
	fs := slices.Clone(t)
	slices.SortStableFunc(fs, func(a, b *factor) int { return rank[a.text] - rank[b.text] })
	parts := make([]string, len(fs))
	for i, fa := range fs {
		if fa.expr != nil && fa.expr.op == 'v' && fa.cat == catAuto {
			parts[i] = rName(fa.text) // a bare column, maybe with spaces
		} else {
			parts[i] = deparse(fa.text)
		}
	}
	return strings.Join(parts, ":")
}

// deparse writes the text of a call as R's deparse() does: spaces around
// the binary operators + - * and around = of named arguments, none around
// / ^ and after a unary sign, ", " between arguments, strings in double
// quotes, numbers to 15 significant digits (rNumber), names in backquotes
// when they are not syntactic. Parentheses stay as written, as they do in
// R's parse tree. The text is one lsq has lexed before.
func deparse(text string) string {
	toks, err := lex(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	prev := token{kind: tOp, text: "("} // at the start a sign is unary
	for _, t := range toks {
		switch t.kind {
		case tName:
			b.WriteString(rName(t.text))
		case tNum:
			b.WriteString(rNumber(t.num))
		case tStr:
			b.WriteString(strconv.Quote(t.text))
		case tOp:
			unary := prev.kind == tOp && prev.text != ")"
			switch {
			case (t.text == "+" || t.text == "-") && unary:
				b.WriteString(t.text)
			case t.text == "+" || t.text == "-" || t.text == "*" || t.text == "=":
				b.WriteString(" " + t.text + " ")
			case t.text == ",":
				b.WriteString(", ")
			default:
				b.WriteString(t.text)
			}
		}
		prev = t
	}
	return b.String()
}

// rReserved are R's reserved words, which deparse writes in backquotes
// when they name a variable.
var rReserved = map[string]bool{
	"if": true, "else": true, "repeat": true, "while": true, "function": true, "for": true, "next": true, "break": true,
	"TRUE": true, "FALSE": true, "NULL": true, "Inf": true, "NaN": true, "NA": true, "in": true,
	"NA_integer_": true, "NA_real_": true, "NA_character_": true, "NA_complex_": true,
}

// rName writes a name as R's deparse writes a symbol: as is when it is
// syntactic (a letter, or a dot not followed by a digit, then letters,
// digits, dots and underscores; not a reserved word), else in backquotes.
func rName(s string) string {
	ok := s != "" && !rReserved[s]
	for i, r := range s {
		switch {
		case !ok:
		case i == 0 && r == '.':
			next, _ := utf8.DecodeRuneInString(s[1:])
			ok = !unicode.IsDigit(next)
		case i == 0:
			ok = unicode.IsLetter(r)
		default:
			ok = unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_'
		}
	}
	if ok {
		return s
	}
	return "`" + s + "`"
}

// rNumber writes a non-negative number as R's deparse does: rounded to 15
// significant digits, with as few digits as show that value, in fixed
// notation unless scientific notation is narrower (R's formatReal with
// scipen 0): 2, 0.001, 1e+05, 1e-04.
func rNumber(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	e := strconv.FormatFloat(v, 'e', 14, 64) // d.dddddddddddddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	x, _ := strconv.Atoi(exp)
	nsig := len(strings.ReplaceAll(mant, ".", ""))
	sign := "+"
	if x < 0 {
		sign = "-"
	}
	ax := x
	if ax < 0 {
		ax = -ax
	}
	sci := mant + "e" + sign + strings.Repeat("0", max(0, 2-len(strconv.Itoa(ax)))) + strconv.Itoa(ax)
	v15, _ := strconv.ParseFloat(e, 64)
	fixed := strconv.FormatFloat(v15, 'f', max(0, nsig-1-x), 64)
	if len(fixed) <= len(sci) {
		return fixed
	}
	return sci
}
