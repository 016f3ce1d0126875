package data

import (
	"fmt"
	"io"

	"gonum.org/v1/gonum/mat"
)

const (
	defaultMaxLine = 64 << 20 // 64 MiB: no sane CSV record is longer
	blockSize      = 4 << 20  // bytes parsed per parallel round
	minPiece       = 256 << 10
)

// Options selects the columns to load and tunes the readers. A nil *Options
// means all defaults: no target, every column a feature, comma-separated.
type Options struct {
	// Target is the response column. Empty means no response: Frame.Y is nil
	// (for prediction on new data).
	Target string
	// Features are the columns of X, in this order. Nil means every column
	// other than Target and Weights, in file order, leaving out unnamed
	// columns (an empty header field, like the index column pandas writes).
	Features []string
	// Weights is the column of observation weights; empty means none.
	Weights string

	// Delimiter separates the fields of a CSV record. Zero means ',', except
	// that ReadFile uses '\t' for files named *.tsv. It must be an ASCII
	// character other than '"', '\r' and '\n'; anything else panics.
	Delimiter rune
	// Workers is the number of goroutines that parse CSV chunks. Zero means
	// runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
	// MaxLineBytes bounds the length of one CSV record. Zero means 64 MiB. A
	// longer record stops the reader with an error instead of reading an
	// unbounded amount of memory (a binary file or a file without newlines).
	MaxLineBytes int
	// Progress, when not nil, is called from the reading goroutine after
	// each chunk with the total number of bytes consumed so far.
	Progress func(bytesRead int64)

	// blockSize and minPiece override the chunking constants in tests.
	blockSize, minPiece int
}

func (o *Options) weights() string {
	if o == nil {
		return ""
	}
	return o.Weights
}

// Frame is a loaded data set: a dense row-major design matrix X with one
// column per feature, the response Y and the observation weights.
type Frame struct {
	Features []string   // names of the columns of X
	Target   string     // name of the response column, "" when none
	X        *mat.Dense // n×d, row-major
	Y        []float64  // length n, nil when no target was requested
	Weights  []float64  // length n, nil when no weight column was requested
}

// Rows returns the number of observations.
func (f *Frame) Rows() int {
	r, _ := f.X.Dims()
	return r
}

// Table is a set of named numeric columns of equal length.
type Table struct {
	Names   []string    // column names, in the order requested (or file order)
	Columns [][]float64 // Columns[j] holds the values of Names[j]
	N       int         // number of rows
}

// Column returns the values of the named column, or nil if there is none.
func (t *Table) Column(name string) []float64 {
	for j, n := range t.Names {
		if n == name {
			return t.Columns[j]
		}
	}
	return nil
}

// Map returns the columns keyed by name. The slices are shared, not copied.
func (t *Table) Map() map[string][]float64 {
	m := make(map[string][]float64, len(t.Names))
	for j, n := range t.Names {
		m[n] = t.Columns[j]
	}
	return m
}

// ReadCSV reads a CSV stream with a header row into a Frame. name is the
// display name used in error messages (the file name, or "<stdin>"). Only
// the target, feature and weight columns must be numeric; other columns are
// skipped without being parsed. Problems with the input are returned as
// *Error.
//
// If r implements io.Seeker and can seek (a regular file), ReadCSV first
// counts its newlines and allocates the matrix once at its final size; see
// the package documentation for the memory bound.
func ReadCSV(r io.Reader, name string, opts *Options) (*Frame, error) {
	c, err := newCSVReader(r, name, opts)
	if err != nil {
		return nil, err
	}
	lay, err := frameLayout(c.header, name, opts)
	if err != nil {
		return nil, err
	}
	c.setLayout(lay.dest, lay.strides)
	if err := c.readAll(); err != nil {
		return nil, err
	}
	fr := lay.frame(c.stores, 0, c.rows)
	if err := checkWeights(name, opts.weights(), fr.Weights); err != nil {
		return nil, err
	}
	return fr, nil
}

// ScanCSV reads a CSV stream in blocks of at most chunkRows rows and calls fn
// with each block, in file order, so that data larger than memory can be
// processed in one pass. The Frame passed to fn, and its slices, are reused
// after fn returns: copy what must be kept. Errors carry global line
// numbers, as in ReadCSV; blocks before the one holding a bad line have
// already been delivered when the error is returned. An error returned by
// fn stops the scan and is returned as is. ScanCSV panics if chunkRows < 1.
func ScanCSV(r io.Reader, name string, opts *Options, chunkRows int, fn func(chunk *Frame) error) error {
	if chunkRows < 1 {
		panic("data: ScanCSV chunkRows must be positive")
	}
	c, err := newCSVReader(r, name, opts)
	if err != nil {
		return err
	}
	lay, err := frameLayout(c.header, name, opts)
	if err != nil {
		return err
	}
	c.setLayout(lay.dest, lay.strides)
	total := 0
	for {
		more, err := c.next()
		if err != nil {
			return err
		}
		start := 0
		for c.rows-start >= chunkRows || (!more && c.rows > start) {
			end := min(start+chunkRows, c.rows)
			if err := fn(lay.frame(c.stores, start, end)); err != nil {
				return err
			}
			total += end - start
			start = end
		}
		c.dropRows(start)
		if !more {
			break
		}
	}
	if total == 0 {
		return c.noRows()
	}
	return nil
}

// ReadTable reads the named numeric columns of a CSV stream. Nil columns
// means every column, in file order, all of which must then be numeric.
// Only the named columns are parsed. opts may be nil; its Target and
// Features fields are ignored, and if its Weights column is among the
// columns read, its values are checked as ReadCSV checks weights (none
// negative, not all zero).
func ReadTable(r io.Reader, name string, columns []string, opts *Options) (*Table, error) {
	c, err := newCSVReader(r, name, opts)
	if err != nil {
		return nil, err
	}
	idx, err := pickColumns(c.header, name, columns, "")
	if err != nil {
		return nil, err
	}
	dest := make([]dest, len(c.header))
	for i := range dest {
		dest[i].store = -1
	}
	strides := make([]int, len(idx))
	names := make([]string, len(idx))
	wk := -1
	for k, i := range idx {
		dest[i] = destOf(k, 0)
		strides[k] = 1
		names[k] = c.header[i]
		if opts.weights() != "" && names[k] == opts.weights() {
			dest[i].weight = true
			wk = k
		}
	}
	c.setLayout(dest, strides)
	if err := c.readAll(); err != nil {
		return nil, err
	}
	t := &Table{Names: names, Columns: make([][]float64, len(idx)), N: c.rows}
	for k := range idx {
		t.Columns[k] = c.stores[k].data[:c.rows:c.rows]
	}
	if wk >= 0 {
		if err := checkWeights(name, names[wk], t.Columns[wk]); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// dest says where the value of one CSV field goes: store −1 means the field
// is skipped.
type dest struct {
	store, off int
	weight     bool // values must be ≥ 0
}

func destOf(store, off int) dest { return dest{store: store, off: off} }

// store is a growing row-major backing array with stride values per row.
type store struct {
	stride int
	data   []float64 // len(data) == capacity rows × stride
}

// frameLay maps header fields to X, Y and weights.
type frameLay struct {
	features []string
	target   string
	dest     []dest
	strides  []int // store 0: X (stride d), then Y, then weights
	yStore   int   // −1 when absent
	wStore   int
}

func frameLayout(header []string, name string, opts *Options) (*frameLay, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	var fidx []int
	var err error
	if o.Features == nil {
		for i, h := range header {
			// Unnamed columns (an empty header field, as in the index column
			// pandas writes by default) are not features unless named.
			if h != "" && h != o.Target && h != o.Weights {
				fidx = append(fidx, i)
			}
		}
		if len(fidx) == 0 {
			return nil, &Error{File: name, Line: 1, Msg: "no feature columns: the file has only " + ListNames(header),
				Hint: "add at least one column of inputs"}
		}
	} else {
		if len(o.Features) == 0 {
			return nil, &Error{File: name, Msg: "no feature columns requested", Hint: "name at least one feature"}
		}
		if fidx, err = pickColumns(header, name, o.Features, "feature"); err != nil {
			return nil, err
		}
	}
	lay := &frameLay{target: o.Target, yStore: -1, wStore: -1}
	lay.dest = make([]dest, len(header))
	for i := range lay.dest {
		lay.dest[i].store = -1
	}
	for j, i := range fidx {
		lay.dest[i] = destOf(0, j)
		lay.features = append(lay.features, header[i])
	}
	lay.strides = append(lay.strides, len(fidx))
	for _, role := range []struct {
		col  string
		what string
		st   *int
	}{{o.Target, "target", &lay.yStore}, {o.Weights, "weight", &lay.wStore}} {
		if role.col == "" {
			continue
		}
		idx, err := pickColumns(header, name, []string{role.col}, role.what)
		if err != nil {
			return nil, err
		}
		i := idx[0]
		if lay.dest[i].store >= 0 {
			return nil, &Error{File: name, Line: 1, Col: i + 1, Column: role.col,
				Msg:  fmt.Sprintf("column %q is used twice (as %s and as a feature or target)", role.col, role.what),
				Hint: "give each column one role"}
		}
		*role.st = len(lay.strides)
		lay.dest[i] = destOf(*role.st, 0)
		lay.dest[i].weight = role.st == &lay.wStore
		lay.strides = append(lay.strides, 1)
	}
	return lay, nil
}

// frame wraps rows [a, b) of the stores, without copying.
func (l *frameLay) frame(st []*store, a, b int) *Frame {
	d := l.strides[0]
	f := &Frame{Features: l.features, Target: l.target}
	f.X = mat.NewDense(b-a, d, st[0].data[a*d:b*d:b*d])
	if l.yStore >= 0 {
		f.Y = st[l.yStore].data[a:b:b]
	}
	if l.wStore >= 0 {
		f.Weights = st[l.wStore].data[a:b:b]
	}
	return f
}

// pickColumns returns the header indices of the wanted columns, or an
// *Error listing the columns that exist. what names the role for messages.
func pickColumns(header []string, name string, want []string, what string) ([]int, error) {
	if want == nil {
		idx := make([]int, len(header))
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	pos := make(map[string]int, len(header))
	for i, h := range header {
		pos[h] = i
	}
	seen := make(map[string]bool, len(want))
	idx := make([]int, len(want))
	for k, w := range want {
		i, ok := pos[w]
		if !ok {
			return nil, MissingColumn(name, header, w, what)
		}
		if seen[w] {
			return nil, &Error{File: name, Column: w, Msg: fmt.Sprintf("column %q requested twice", w),
				Hint: "list each column once"}
		}
		seen[w] = true
		idx[k] = i
	}
	return idx, nil
}

// readAll reads every record into the layout's stores, sized from a count
// of the lines when the input can seek; a file without data rows is an error.
func (c *csvReader) readAll() error {
	if hint := c.countRows(); hint > 0 {
		c.reserve(hint)
	}
	for {
		more, err := c.next()
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if c.rows == 0 {
		return c.noRows()
	}
	return nil
}
