package cli

import (
	"errors"
	"strings"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/formula"
	"github.com/lsqgo/lsq/modelio"
)

// formulaHelp is the help of --formula, for every command that takes one.
const formulaHelp = `R-style model, e.g. "y ~ x1 * g + I(x1^2) - 1" (+, :, *, -1/+0, I(), log(), exp(), sqrt(), poly(x, k[, raw = TRUE]), factor(), C(x, Treatment('b')), relevel(x, ref = 'b'))`

// loadFrame reads the data of an in-memory fit (loadInputs), and records
// its design in o.design for the model file.
func (o *fitOptions) loadFrame(stdio IO) (*data.Frame, *formula.Design, error) {
	fr, des, md, err := loadInputs(o.File, o.Formula, o.Data, o.NA, nil, o.changed, stdio)
	if err != nil {
		return nil, nil, err
	}
	o.design = md
	return fr, des, nil
}

// loadInputs reads the data of an in-memory fit, path or cross-validation:
// the design of the formula src, built from the file's text (factors,
// interactions, missing values), or without one the plain columns
// (loadColumns; exclude names columns that are not features). A formula
// names the response and the terms, so --target, --features and --degree
// beside it are refused. des is nil on the fast path; md is the model's
// design either way; a formula without intercept (- 1) has
// des.Intercept false.
func loadInputs(file, src string, df dataFlags, na naFlags, exclude []string, changed func(string) bool, stdio IO) (*data.Frame, *formula.Design, *modelio.Design, error) {
	if src == "" {
		return loadColumns(file, df, na, exclude, stdio)
	}
	for _, flag := range []string{"target", "features", "degree"} {
		if changed(flag) {
			return nil, nil, nil, usagef("--formula names the response and terms; drop --%s", flag)
		}
	}
	f, err := parseFormula(src)
	if err != nil {
		return nil, nil, nil, err
	}
	return loadDesign(file, f, df, na, stdio)
}

// loadColumns reads plain columns (the target on the features, by default
// every other column but the weights and those in exclude). A numeric file
// takes the fast reader; one it cannot read as numbers (missing values,
// text columns), or any file when --na-values is given, is read as text
// like a formula. des is nil on the fast path; md is the model's design
// either way.
func loadColumns(file string, df dataFlags, na naFlags, exclude []string, stdio IO) (fr *data.Frame, des *formula.Design, md *modelio.Design, err error) {
	if _, err := na.action(); err != nil {
		return nil, nil, nil, err
	}
	if !na.changedValues() {
		in, err := bufferInput(file, stdio)
		if err != nil {
			return nil, nil, nil, err
		}
		opts, err := df.options()
		if err != nil {
			return nil, nil, nil, err
		}
		fr, err := in.read(opts, stdio)
		if err == nil {
			if opts.Features == nil {
				for _, c := range exclude {
					dropFeature(fr, c)
				}
			}
			return fr, nil, &modelio.Design{Columns: fr.Features, NA: na.Action}, nil
		}
		if !notNumeric(err) {
			return nil, nil, nil, err
		}
		if file == "-" {
			// bufferInput held standard input in memory: read it again from there.
			stdio.In = strings.NewReader(string(in.buf))
		}
	}
	df.exclude = exclude
	return loadDesign(file, nil, df, na, stdio)
}

// parseFormula parses --formula, with a caret under a syntax error.
func parseFormula(src string) (*formula.Formula, error) {
	f, err := formula.Parse(src)
	if err != nil {
		var fe *formula.Error
		if errors.As(err, &fe) {
			return nil, usagef("--formula: %v\n  %s", err, strings.ReplaceAll(fe.Caret(), "\n", "\n  "))
		}
		return nil, usagef("--formula: %v", err)
	}
	if f.Response() == "" {
		return nil, usagef("--formula %q has no response: write it as \"y ~ x1 + x2\"", src)
	}
	return f, nil
}
