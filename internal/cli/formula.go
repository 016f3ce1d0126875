package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/formula"
)

// loadFormula reads the columns a formula needs and builds its design.
func loadFormula(path, src string, df dataFlags, stdio IO) (*data.Frame, bool, error) {
	f, err := formula.Parse(src)
	if err != nil {
		var fe *formula.Error
		if errors.As(err, &fe) {
			return nil, false, usagef("--formula: %v\n  %s", err, strings.ReplaceAll(fe.Caret(), "\n", "\n  "))
		}
		return nil, false, usagef("--formula: %v", err)
	}
	if f.Response() == "" {
		return nil, false, usagef("--formula %q has no response: write it as \"y ~ x1 + x2\"", src)
	}
	opts, err := df.options()
	if err != nil {
		return nil, false, err
	}
	in, err := bufferInput(path, stdio)
	if err != nil {
		return nil, false, err
	}
	var cols []string
	if !f.Dot() {
		cols = f.Columns()
	}
	if df.Weights != "" && cols != nil {
		cols = append(cols, df.Weights)
	}
	tab, err := in.table(cols, opts)
	if err != nil {
		return nil, false, err
	}
	m := tab.Map()
	if df.Weights != "" {
		delete(m, df.Weights)
	}
	names, x, y, err := f.Design(m, tab.N)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", in.name, err)
	}
	fr := &data.Frame{Features: names, Target: f.Response(), X: x, Y: y}
	if df.Weights != "" {
		fr.Weights = tab.Column(df.Weights)
	}
	return fr, f.Intercept(), nil
}
