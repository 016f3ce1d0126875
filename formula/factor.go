package formula

import (
	"fmt"
	"strconv"
)

// catCall parses factor(x), as.factor(x), C(x), C(x, Treatment('b')),
// C(x, Treatment(reference = 'b')), relevel(x, 'b') and relevel(x, ref = 'b');
// the name token is consumed and the parser is after "(". The argument is a
// column name.
func (p *parser) catCall(name token) (*factor, error) {
	ct := p.next()
	if ct.kind != tName {
		return nil, p.unexpected(ct, fmt.Sprintf("expected a column name inside %s()", name.text))
	}
	fa := &factor{expr: &node{op: 'v', name: ct.text}, cat: catAlways}
	switch name.text {
	case "C":
		if p.isOp(",") {
			p.next()
			tt := p.next()
			if tt.kind != tName || tt.text != "Treatment" {
				return nil, errAt(p.src, tt.pos, "only treatment contrasts are offered: write C(x, Treatment('level'))")
			}
			if _, err := p.expect("("); err != nil {
				return nil, err
			}
			ref, err := p.level("reference")
			if err != nil {
				return nil, err
			}
			fa.ref = ref
			if _, err := p.expect(")"); err != nil {
				return nil, err
			}
		}
	case "relevel":
		if _, err := p.expect(","); err != nil {
			return nil, err
		}
		ref, err := p.level("ref")
		if err != nil {
			return nil, err
		}
		fa.ref = ref
	}
	end, err := p.expect(")")
	if err != nil {
		return nil, err
	}
	fa.text = squeeze(p.src[name.pos:end.end])
	return fa, nil
}

// level parses a level, 'b', "b" or a number, optionally named: key = 'b'.
func (p *parser) level(key string) (string, error) {
	if t := p.peek(); t.kind == tName && t.text == key {
		p.next()
		if _, err := p.expect("="); err != nil {
			return "", err
		}
	}
	t := p.next()
	switch t.kind {
	case tStr:
		return t.text, nil
	case tNum:
		return strconv.FormatFloat(t.num, 'g', -1, 64), nil
	}
	return "", p.unexpected(t, "expected a level in quotes, such as 'b'")
}
