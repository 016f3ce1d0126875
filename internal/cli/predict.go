package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/internal/fsutil"
	"github.com/lsqgo/lsq/modelio"
)

type predictOptions struct {
	Model, File string
	Output      string
	Keep        bool
	Delimiter   string
	Interval    intervalFlags
	NA          naFlags

	changed func(string) bool
}

func newPredictCmd(stdio IO) *cobra.Command {
	var opts predictOptions
	cmd := &cobra.Command{
		Use:   "predict MODEL FILE",
		Short: "Write predictions of a saved model for a data file as CSV",
		Long: `predict reads a model file written by 'lsq fit -o' (or 'lsq curve -o', or
'lsq net -o') and a data file holding the model's feature columns, and writes
CSV with a header and one 'prediction' column last (to standard output, or
atomically to -o); a model of several targets (a fit, or a network, of
--target y1,y2) writes one column per target, named after it.
With --keep the input's columns come first, and a prediction column whose
name the input already has is written predicted_NAME.
FILE may be - for standard input. With --interval confidence or prediction
the last columns are fit, lwr and upr, as R's predict.lm writes them (for a
curve model by the delta method).`,
		Example: "  lsq fit train.csv --target y -o model.json\n  lsq predict model.json new.csv --keep -o predictions.csv",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Model, opts.File = args[0], args[1]
			opts.changed = cmd.Flags().Changed
			if err := opts.Interval.check(cmd.Flags().Changed); err != nil {
				return err
			}
			return runPredict(opts, stdio)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the CSV to this file (atomically) instead of standard output")
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "copy the input columns before the prediction column")
	opts.NA.register(cmd.Flags(), "an empty prediction for the row")
	cmd.Flags().StringVar(&opts.Delimiter, "delimiter", "", "field delimiter of FILE (default \",\")")
	opts.Interval.register(cmd.Flags())
	return cmd
}

func runPredict(opts predictOptions, stdio IO) error {
	if err := refuseOverwrite(opts.Output, opts.File, opts.Model); err != nil {
		return err
	}
	if opts.Keep && strings.EqualFold(filepath.Ext(opts.File), ".parquet") {
		return usagef("--keep copies the columns of a CSV input; %s is Parquet (drop --keep, or convert it to CSV)", opts.File)
	}
	m, err := loadModel(opts.Model)
	if err != nil {
		return err
	}
	if err := refuseIntervals(m, opts.changed); err != nil {
		return err
	}
	p, err := predictFile(m, opts.Model, opts.File, opts.Delimiter, opts.NA, opts.Interval.PredWeights, stdio)
	if err != nil {
		return err
	}
	n := len(p.cols[0])
	if p.missing != nil {
		p.missing.warn(stdio.Err, p.in.name, n, missingEmpty)
	}
	var lwr, upr []float64
	if opts.Interval.kind != 0 {
		if lwr, upr, err = intervals(p, &opts.Interval, stdio); err != nil {
			return err
		}
	}
	write := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		write := func() error { return writeColumns(bw, p.names, p.cols, n, opts.Keep, p.in, p.opts) }
		if lwr != nil {
			write = func() error { return writeIntervals(bw, p, lwr, upr, opts.Keep) }
		}
		if err := write(); err != nil {
			return err
		}
		return bw.Flush()
	}
	if opts.Output == "" {
		return write(stdio.Out)
	}
	if err := fsutil.WriteFile(opts.Output, write); err != nil {
		return err
	}
	printWritten(stdio.Out, outFile{"predictions", opts.Output})
	return nil
}

// namedInput is an input file held in memory (stdin, or a file that must be
// read twice for --keep) or named on disk.
type namedInput struct {
	name string
	path string // "" when held in memory
	buf  []byte
}

func (in namedInput) read(opts *data.Options, stdio IO) (*data.Frame, error) {
	if in.path != "" {
		return readData(in.path, opts, stdio)
	}
	return data.ReadCSV(bytes.NewReader(in.buf), in.name, opts)
}

func bufferInput(path string, stdio IO) (namedInput, error) {
	if path != "-" {
		return namedInput{name: path, path: path}, nil
	}
	b, err := io.ReadAll(&lineBound{r: stdio.In, name: "<stdin>", max: maxBufferedLine, line: 1})
	if err != nil {
		var de *data.Error
		if errors.As(err, &de) {
			return namedInput{}, err
		}
		return namedInput{}, fmt.Errorf("reading standard input: %w", err)
	}
	return namedInput{name: "<stdin>", buf: b}, nil
}

// maxBufferedLine bounds one line of standard input held in memory, the same
// bound the CSV reader puts on one record (data.Options.MaxLineBytes' default),
// so that a stream without newlines stops with an error instead of filling memory.
const maxBufferedLine = 64 << 20

// lineBound passes r through and fails once a line grows longer than max bytes.
type lineBound struct {
	r    io.Reader
	name string
	max  int
	run  int // bytes since the last newline
	line int // 1-based line being read
}

func (l *lineBound) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	chunk := p[:n]
	if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
		l.line += bytes.Count(chunk, []byte{'\n'})
		l.run = n - 1 - i
	} else {
		l.run += n
	}
	if l.run > l.max {
		return n, &data.Error{File: l.name, Line: l.line,
			Msg:  fmt.Sprintf("line longer than %d MiB", l.max>>20),
			Hint: "is this really a CSV file? records must end with a newline"}
	}
	return n, err
}

// predictModel returns the model's predictions for every row of the input,
// one column per target, NaN where an input is missing, and the design
// they were made on (its rows kept and its report of the rows left out).
// A weights column, when named, counts as an input.
func predictModel(m *modelio.Model, in namedInput, dopts *data.Options, na naFlags, weights string) ([][]float64, *modelDesign, error) {
	var extra []string
	if weights != "" {
		extra = []string{weights}
	}
	md, err := buildForModel(m, in, dopts, na, nil, extra...)
	if err != nil {
		return nil, nil, err
	}
	kept, err := keptPredictions(m, md, in.name)
	if err != nil {
		return nil, nil, err
	}
	cols := make([][]float64, len(kept))
	for t, c := range kept {
		cols[t] = md.spread(c)
	}
	return cols, md, nil
}

// keptPredictions are the model's predictions on the kept rows of its
// design, one column per target.
func keptPredictions(m *modelio.Model, md *modelDesign, file string) ([][]float64, error) {
	var p []float64
	var err error
	switch m.Kind {
	case modelio.KindLinear:
		p, err = linearPredictions(m, md, file)
	case modelio.KindCurve:
		p, err = curvePredictions(m, md, file)
	case modelio.KindNet:
		return netPredictions(m, md, file)
	case modelio.KindTargets:
		return targetsPredictions(m, md, file)
	default:
		return nil, fmt.Errorf("cannot predict with a %q model", m.Kind)
	}
	if err != nil {
		return nil, err
	}
	return [][]float64{p}, nil
}

// linearPredictions are a linear model's predictions on the kept rows.
func linearPredictions(m *modelio.Model, md *modelDesign, file string) ([]float64, error) {
	lin := m.Linear()
	pred := make([]float64, len(md.rows))
	for i, r := range md.rows {
		p := lin.Predict(md.x.RawRowView(i))
		if md.offset != nil {
			p += md.offset[i]
		}
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("%s: data row %d: the prediction overflows float64 (%v); rescale the features of that row, or refit on data of its scale", file, r+1, p)
		}
		pred[i] = p
	}
	return pred, nil
}

// predictionNames are the header of predict's columns: "prediction" for a
// model of one target, each target's name for a model of several.
func predictionNames(m *modelio.Model) []string {
	if t := severalTargets(m); t != nil {
		return t
	}
	return []string{"prediction"}
}

// forModel adds to a missing-column error that the column is one the model needs.
func forModel(err error, m *modelio.Model) error {
	if de, ok := err.(*data.Error); ok && de.Line <= 1 && de.Column != "" && strings.Contains(de.Msg, "no column") {
		if m.Design != nil && len(m.Design.Columns) > 0 {
			return fmt.Errorf("%w (the model reads the columns %s)", err, data.ListNames(m.Design.Columns))
		}
		return fmt.Errorf("%w (the model was trained on the features %s)", err, data.ListNames(m.Features))
	}
	return err
}

// keptNames are the names of the prediction columns written after the
// input's columns (--keep): a name the input already has ("y1" of a model
// of several targets scored on test data that holds y1) is written as
// predicted_NAME, so that no header names two columns.
func keptNames(header, names []string) []string {
	taken := make(map[string]bool, len(header)+len(names))
	for _, h := range header {
		taken[h] = true
	}
	out := make([]string, len(names))
	for i, name := range names {
		for taken[name] {
			name = "predicted_" + name
		}
		taken[name] = true
		out[i] = name
	}
	return out
}

// writeColumns writes CSV with the named columns of n values each, after
// the input's own columns when keep.
func writeColumns(w io.Writer, names []string, cols [][]float64, n int, keep bool, in namedInput, dopts *data.Options) error {
	if !keep {
		if _, err := io.WriteString(w, strings.Join(names, ",")+"\n"); err != nil {
			return err
		}
		var b []byte
		for i := range n {
			b = b[:0]
			for j, c := range cols {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendPrediction(b, c[i])
			}
			if len(b) == 0 {
				// A lone empty field is written "" (as encoding/csv does), so
				// that readers do not skip the line as blank.
				b = append(b, `""`...)
			}
			b = append(b, '\n')
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}
	var r io.Reader
	if in.path != "" {
		f, err := os.Open(in.path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	} else {
		r = bytes.NewReader(in.buf)
	}
	cr := csv.NewReader(bufio.NewReader(r))
	if dopts.Delimiter != 0 {
		cr.Comma = dopts.Delimiter
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // as lenient as the reader that parsed the features: a stray quote in an unused column is copied
	cw := csv.NewWriter(w)
	if dopts.Delimiter != 0 {
		cw.Comma = dopts.Delimiter
	}
	row := 0
	for header := true; ; header = false {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", in.name, err)
		}
		if header && len(rec) > 0 {
			rec[0] = trimBOM(rec[0])
		}
		if isBlank(rec) {
			continue
		}
		if header {
			rec = append(rec, keptNames(rec, names)...)
		} else {
			if row >= n {
				return fmt.Errorf("%s: more rows than were read for prediction", in.name)
			}
			for _, c := range cols {
				rec = append(rec, string(appendPrediction(nil, c[row])))
			}
			row++
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// appendPrediction writes a prediction, or nothing for a row with a
// missing input (NaN), as pandas and R write NA in CSV.
func appendPrediction(b []byte, p float64) []byte {
	if math.IsNaN(p) {
		return b
	}
	return strconv.AppendFloat(b, p, 'g', -1, 64)
}

func trimBOM(s string) string {
	if len(s) >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF {
		return s[3:]
	}
	return s
}

func isBlank(rec []string) bool { return len(rec) == 1 && rec[0] == "" }

// refuseIntervals refuses the interval flags for a model that has no
// intervals: one of several targets, or a network, whose weights have no
// covariance (an older file or an iterative fit of one target is refused
// later, by intervals, with the reason).
func refuseIntervals(m *modelio.Model, changed func(string) bool) error {
	var what string
	switch {
	case severalTargets(m) != nil:
		what = "a model of several targets"
	case m.Kind == modelio.KindNet:
		what = "a network (its weights have no covariance)"
	default:
		return nil
	}
	for _, f := range []string{"interval", "level", "pred-weights"} {
		if changed != nil && changed(f) {
			return usagef("--%s does not apply to %s", f, what)
		}
	}
	return nil
}

// refuseOverwrite stops a command from writing its output over one of its
// inputs, and checks before any work is done that the output can be created
// where it is asked for, so that a bad output path does not fail a run after
// other outputs have been written.
func refuseOverwrite(output string, inputs ...string) error {
	if output == "" || output == "-" {
		return nil
	}
	if st, err := os.Stat(output); err == nil && st.IsDir() {
		return usagef("%s is a directory; give a file name for the output", output)
	}
	if dir := filepath.Dir(output); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usagef("cannot write %s: the directory %s does not exist; create it or choose another output file", output, dir)
		}
	}
	for _, in := range inputs {
		if in != "-" && fsutil.SameFile(output, in) {
			return usagef("refusing to write %s over the input %s; choose another output file", output, in)
		}
	}
	return nil
}

// prediction is a model's predictions for an input file, with what was
// needed to make them.
type prediction struct {
	model     *modelio.Model
	modelPath string
	in        namedInput
	opts      *data.Options
	names     []string    // the prediction columns' header
	cols      [][]float64 // one column per target, NaN where an input is missing
	design    *modelDesign
	missing   *missingOut
}

// predictFile predicts every row of an input file with a loaded model.
func predictFile(m *modelio.Model, modelPath, file, delimiter string, na naFlags, weights string, stdio IO) (*prediction, error) {
	in, err := bufferInput(file, stdio)
	if err != nil {
		return nil, err
	}
	dopts, err := (&dataFlags{Delimiter: delimiter}).options()
	if err != nil {
		return nil, err
	}
	cols, md, err := predictModel(m, in, dopts, na, weights)
	if err != nil {
		return nil, err
	}
	return &prediction{model: m, modelPath: modelPath, in: in, opts: dopts, names: predictionNames(m), cols: cols, design: md, missing: md.missing}, nil
}
