package cli

import (
	"errors"
	"strings"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/formula"
	"github.com/lsqgo/lsq/modelio"
)

// loadFrame reads the data of an in-memory fit. A formula is built from
// the file's text (factors, missing values); plain columns are read by the
// fast numeric reader, and a file it cannot read as numbers (missing
// values, text columns) is read as text like a formula. Either way the
// design is recorded in o.design for the model file. des is nil on the
// fast path.
func (o *fitOptions) loadFrame(stdio IO) (*data.Frame, *formula.Design, error) {
	if _, err := o.NA.action(); err != nil {
		return nil, nil, err
	}
	var f *formula.Formula
	if o.Formula != "" {
		for _, flag := range []string{"target", "features", "degree"} {
			if o.changed(flag) {
				return nil, nil, usagef("--formula names the response and terms; drop --%s", flag)
			}
		}
		var err error
		if f, err = parseFormula(o.Formula); err != nil {
			return nil, nil, err
		}
	} else {
		fr, des, md, err := loadColumns(o.File, o.Data, o.NA, nil, stdio)
		if err != nil {
			return nil, nil, err
		}
		o.design = md
		return fr, des, nil
	}
	fr, des, md, err := loadDesign(o.File, f, o.Data, o.NA, stdio)
	if err != nil {
		return nil, nil, err
	}
	o.design = md
	return fr, des, nil
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
