package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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
	if hint := c.countRows(); hint > 0 {
		c.reserve(hint)
	}
	for {
		more, err := c.next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	if c.rows == 0 {
		return nil, c.noRows()
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
	if hint := c.countRows(); hint > 0 {
		c.reserve(hint)
	}
	for {
		more, err := c.next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	if c.rows == 0 {
		return nil, c.noRows()
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
			return nil, &Error{File: name, Line: 1, Msg: "no feature columns: the file has only " + listNames(header),
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
			role := ""
			if what != "" {
				role = " (" + what + ")"
			}
			return nil, &Error{File: name, Line: 1, Column: w,
				Msg:  fmt.Sprintf("no column named %q%s", w, role),
				Hint: "the columns are " + listNames(header)}
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

// csvReader holds the state of one pass over a CSV stream.
type csvReader struct {
	r        io.Reader
	name     string
	delim    byte
	workers  int
	maxLine  int
	progress func(int64)
	block    int // bytes per parallel round
	piece    int // smallest piece given to a worker

	buf   []byte // unparsed input is buf[:n]
	spare []byte // the next block is read here while buf is parsed
	n     int
	eof   bool
	line  int   // line number of buf[0]
	read  int64 // bytes consumed from r

	header []string
	dest   []dest
	stores []*store
	rows   int
}

func newCSVReader(r io.Reader, name string, opts *Options) (*csvReader, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	c := &csvReader{r: r, name: name, delim: ',', workers: o.Workers, maxLine: o.MaxLineBytes, progress: o.Progress, line: 1}
	if o.Delimiter != 0 {
		if o.Delimiter >= utf8.RuneSelf || o.Delimiter == '"' || o.Delimiter == '\r' || o.Delimiter == '\n' {
			panic(fmt.Sprintf("data: invalid CSV delimiter %q", o.Delimiter))
		}
		c.delim = byte(o.Delimiter)
	}
	if c.workers <= 0 {
		c.workers = runtime.GOMAXPROCS(0)
	}
	if c.maxLine <= 0 {
		c.maxLine = defaultMaxLine
	}
	c.block, c.piece = blockSize, minPiece
	if o.blockSize > 0 {
		c.block = o.blockSize
	}
	if o.minPiece > 0 {
		c.piece = o.minPiece
	}
	if err := c.readHeader(); err != nil {
		return nil, err
	}
	return c, nil
}

// fill reads until the buffer holds at least want bytes or the input ends.
func (c *csvReader) fill(want int) error {
	if want > len(c.buf) {
		nb := make([]byte, max(want, 2*len(c.buf)))
		copy(nb, c.buf[:c.n])
		c.buf = nb
	}
	n, eof, err := readInto(c.r, c.buf, c.n, want)
	c.read += int64(n - c.n)
	c.n = n
	c.eof = c.eof || eof
	if err != nil {
		return &Error{File: c.name, Msg: "read error: " + err.Error()}
	}
	return nil
}

// readInto reads from r into buf[n:want] until n ≥ want or the input ends,
// and returns the new n and whether the input ended. A reader that returns
// no data and no error 100 times in a row gets io.ErrNoProgress.
func readInto(r io.Reader, buf []byte, n, want int) (int, bool, error) {
	empty := 0
	for n < want {
		m, err := r.Read(buf[n:want])
		n += m
		if m == 0 && err == nil {
			if empty++; empty == 100 {
				err = io.ErrNoProgress
			}
		}
		if err == io.EOF {
			return n, true, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}

// consume drops the first k bytes of the buffer, which held nl newlines.
func (c *csvReader) consume(k, nl int) {
	copy(c.buf, c.buf[k:c.n])
	c.n -= k
	c.line += nl
}

func (c *csvReader) readHeader() error {
	if err := c.fill(64 << 10); err != nil {
		return err
	}
	if c.n >= 3 && c.buf[0] == 0xEF && c.buf[1] == 0xBB && c.buf[2] == 0xBF {
		c.consume(3, 0)
	}
	if c.n >= 2 && (c.buf[0] == 0xFF && c.buf[1] == 0xFE || c.buf[0] == 0xFE && c.buf[1] == 0xFF) {
		return &Error{File: c.name, Msg: "UTF-16 text, not UTF-8", Hint: "save the file as UTF-8 CSV"}
	}
	var end int
	for {
		if i := bytes.IndexByte(c.buf[:c.n], 0); i >= 0 {
			return c.binary(i)
		}
		cuts, last := recordEnds(c.buf[:c.n], c.delim, nil, true)
		_ = cuts
		if last > 0 {
			end = last
			break
		}
		if c.eof {
			end = c.n
			break
		}
		if c.n >= c.maxLine {
			return c.tooLong()
		}
		if err := c.fill(min(2*c.n, c.maxLine+1)); err != nil {
			return err
		}
	}
	rec := c.buf[:end]
	if len(bytes.Trim(rec, " \t\r\n")) == 0 {
		if c.eof && len(bytes.Trim(c.buf[:c.n], " \t\r\n")) == 0 {
			return &Error{File: c.name, Msg: "empty file", Hint: "a CSV file needs a header row naming the columns, then rows of numbers"}
		}
		return &Error{File: c.name, Line: 1, Msg: "the first line is empty", Hint: "the first line must be the header row naming the columns"}
	}
	h, err := splitRecord(rec, c.delim)
	if err != nil {
		return &Error{File: c.name, Line: 1, Msg: err.Error(), Hint: "close the quote, and double any quote inside a quoted name (\"\")"}
	}
	seen := make(map[string]int, len(h))
	for i, s := range h {
		if j, dup := seen[s]; dup {
			return &Error{File: c.name, Line: 1, Col: i + 1, Column: s,
				Msg: fmt.Sprintf("duplicate column name %q (also column %d)", s, j+1), Hint: "rename one of them"}
		}
		seen[s] = i
	}
	c.header = h
	c.consume(end, bytes.Count(rec, []byte{'\n'}))
	return nil
}

// splitRecord splits one record (possibly ending in a newline) into
// unquoted, space-trimmed fields.
func splitRecord(rec []byte, delim byte) ([]string, error) {
	rec = bytes.TrimSuffix(rec, []byte{'\n'})
	rec = bytes.TrimSuffix(rec, []byte{'\r'})
	var out []string
	i := 0
	for {
		var f []byte
		if i < len(rec) && rec[i] == '"' {
			j := i + 1
			var b []byte
			for {
				k := bytes.IndexByte(rec[j:], '"')
				if k < 0 {
					return nil, errors.New("quoted field never ends")
				}
				b = append(b, rec[j:j+k]...)
				j += k
				if j+1 < len(rec) && rec[j+1] == '"' {
					b = append(b, '"')
					j += 2
					continue
				}
				break
			}
			f = b
			i = j + 1
			if i < len(rec) && rec[i] != delim {
				return nil, fmt.Errorf("unexpected %q after a closing quote", rec[i])
			}
		} else {
			k := bytes.IndexByte(rec[i:], delim)
			if k < 0 {
				k = len(rec) - i
			}
			f = rec[i : i+k]
			i += k
		}
		out = append(out, strings.TrimSpace(string(f)))
		if i >= len(rec) {
			return out, nil
		}
		i++ // delimiter
	}
}

// recordEnds scans b from a record start and returns the index just after
// the last newline that ends a record (0 if none). For each target offset it
// also returns the first record end at or after it. When first is true it
// stops at the first record end.
func recordEnds(b []byte, delim byte, targets []int, first bool) (cuts []int, last int) {
	if bytes.IndexByte(b, '"') < 0 {
		if first {
			return nil, bytes.IndexByte(b, '\n') + 1
		}
		last = bytes.LastIndexByte(b, '\n') + 1
		for _, t := range targets {
			if t >= last {
				break
			}
			k := bytes.IndexByte(b[t:last], '\n')
			if k < 0 {
				break
			}
			if c := t + k + 1; len(cuts) == 0 || c > cuts[len(cuts)-1] {
				cuts = append(cuts, c)
			}
		}
		return cuts, last
	}
	// A quote opens a quoted field only at the start of a field; inside,
	// "" is an escaped quote and a lone " closes the field.
	inQuote, fieldStart := false, true
	next := 0
	for i := 0; i < len(b); i++ {
		ch := b[i]
		if inQuote {
			if ch == '"' {
				if i+1 < len(b) && b[i+1] == '"' {
					i++
				} else {
					inQuote = false
				}
			}
			continue
		}
		switch {
		case ch == '"' && fieldStart:
			inQuote = true
			fieldStart = false
		case ch == '\n':
			last = i + 1
			fieldStart = true
			if first {
				return nil, last
			}
			for next < len(targets) && targets[next] <= i {
				if len(cuts) == 0 || last > cuts[len(cuts)-1] {
					cuts = append(cuts, last)
				}
				next++
			}
		case ch == delim:
			fieldStart = true
		default:
			fieldStart = false
		}
	}
	return cuts, last
}

func (c *csvReader) setLayout(d []dest, strides []int) {
	c.dest = d
	c.stores = make([]*store, len(strides))
	for k, s := range strides {
		c.stores[k] = &store{stride: s}
	}
}

// countRows returns an upper bound on the number of data rows still to
// come when the input can seek back, or 0.
func (c *csvReader) countRows() int {
	s, ok := c.r.(io.Seeker)
	if !ok {
		return 0
	}
	pos, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0
	}
	count := bytes.Count(c.buf[:c.n], []byte{'\n'}) + 1
	if !c.eof {
		// Count in the free part of the read buffer, grown now to the block
		// size it will need anyway, so the count pass allocates nothing.
		if len(c.buf) < c.block {
			nb := make([]byte, c.block)
			copy(nb, c.buf[:c.n])
			c.buf = nb
		}
		tmp := c.buf[c.n:]
		if len(tmp) < 64<<10 {
			tmp = make([]byte, 64<<10)
		}
		for {
			m, err := c.r.Read(tmp)
			count += bytes.Count(tmp[:m], []byte{'\n'})
			if err != nil {
				break
			}
		}
		if _, err := s.Seek(pos, io.SeekStart); err != nil {
			// Cannot go back: this reader is unusable.
			c.eof = true
			c.n = 0
			return 0
		}
	}
	return count
}

// reserve makes room for rows more rows.
func (c *csvReader) reserve(rows int) {
	need := c.rows + rows
	for _, s := range c.stores {
		if len(s.data) >= need*s.stride {
			continue
		}
		capRows := max(need, len(s.data)/max(s.stride, 1)*5/4)
		nd := make([]float64, capRows*s.stride)
		copy(nd, s.data[:c.rows*s.stride])
		s.data = nd
	}
}

// dropRows removes the first k rows from the stores.
func (c *csvReader) dropRows(k int) {
	if k == 0 {
		return
	}
	for _, s := range c.stores {
		copy(s.data, s.data[k*s.stride:c.rows*s.stride])
	}
	c.rows -= k
}

// next parses one block of records into the stores. It reports whether
// more input may follow.
func (c *csvReader) next() (bool, error) {
	if c.n == 0 && c.eof {
		return false, nil
	}
	if err := c.fill(c.block); err != nil {
		return false, err
	}
	// Find the end of the last whole record, reading more if one record is
	// longer than the buffer.
	var cuts []int
	var end int
	for {
		b := c.buf[:c.n]
		if i := bytes.IndexByte(b, 0); i >= 0 {
			return false, c.binary(i)
		}
		p := min(c.workers, max(1, len(b)/c.piece))
		targets := make([]int, 0, p)
		for k := 1; k < p; k++ {
			targets = append(targets, k*len(b)/p)
		}
		cuts, end = recordEnds(b, c.delim, targets, false)
		if c.eof {
			end = c.n
			break
		}
		if end > 0 {
			break
		}
		if c.n > c.maxLine {
			return false, c.tooLong()
		}
		if err := c.fill(min(2*len(c.buf), c.maxLine+2)); err != nil {
			return false, err
		}
	}
	blk := c.buf[:end]
	bounds := append(append([]int{0}, cuts...), end)
	np := len(bounds) - 1
	lines := make([]int, np)
	rowOff := make([]int, np)
	ub := 0
	nl := 0
	for k := 0; k < np; k++ {
		piece := blk[bounds[k]:bounds[k+1]]
		cnt := bytes.Count(piece, []byte{'\n'})
		lines[k] = c.line + nl
		rowOff[k] = c.rows + ub
		nl += cnt
		ub += cnt
		if len(piece) > 0 && piece[len(piece)-1] != '\n' {
			ub++
		}
	}
	c.reserve(ub)
	tg := make([]target, len(c.dest))
	for i, d := range c.dest {
		if d.store >= 0 {
			s := c.stores[d.store]
			tg[i] = target{data: s.data, stride: s.stride, off: d.off, weight: d.weight}
		}
	}
	// Read the next block while this one is parsed: the unparsed tail goes
	// to the front of the spare buffer and the reader fills the rest.
	var (
		ahead    sync.WaitGroup
		aheadN   int
		aheadEOF bool
		aheadErr error
	)
	if !c.eof {
		rem := c.buf[end:c.n]
		if len(c.spare) < max(c.block, len(rem)) {
			c.spare = make([]byte, max(c.block, len(rem)))
		}
		copy(c.spare, rem)
		ahead.Go(func() {
			aheadN, aheadEOF, aheadErr = readInto(c.r, c.spare, len(rem), c.block)
		})
	}
	got := make([]int, np)
	errs := make([]*Error, np)
	if np == 1 {
		got[0], errs[0] = c.parsePiece(blk, tg, lines[0], rowOff[0])
	} else {
		var wg sync.WaitGroup
		for k := 0; k < np; k++ {
			wg.Go(func() {
				got[k], errs[k] = c.parsePiece(blk[bounds[k]:bounds[k+1]], tg, lines[k], rowOff[k])
			})
		}
		wg.Wait()
	}
	ahead.Wait()
	for k := 0; k < np; k++ {
		if errs[k] != nil {
			return false, errs[k]
		}
		if rowOff[k] != c.rows {
			for _, s := range c.stores {
				copy(s.data[c.rows*s.stride:], s.data[rowOff[k]*s.stride:(rowOff[k]+got[k])*s.stride])
			}
		}
		c.rows += got[k]
	}
	if c.eof {
		c.consume(end, nl)
	} else {
		c.line += nl
		c.read += int64(aheadN - (c.n - end))
		c.buf, c.spare = c.spare, c.buf
		c.n, c.eof = aheadN, aheadEOF
		if aheadErr != nil {
			return false, &Error{File: c.name, Msg: "read error: " + aheadErr.Error()}
		}
	}
	if c.progress != nil {
		c.progress(c.read - int64(c.n))
	}
	return !(c.eof && c.n == 0), nil
}

// target is a resolved dest for one block.
type target struct {
	data        []float64 // nil: skip the field
	stride, off int
	weight      bool
}

// fieldEnd returns the end of the unquoted field starting at i: the index
// of the delimiter or of the line terminator ("\n" or "\r\n") after it.
func fieldEnd(b []byte, i int, delim byte) int {
	for i < len(b) && b[i] != delim && b[i] != '\n' {
		i++
	}
	if i > 0 && b[i-1] == '\r' && (i == len(b) || b[i] == '\n') {
		i--
	}
	return i
}

// parsePiece parses whole records from b, whose first line is number line,
// writing row r of the output at stores row r. It returns the number of
// rows written.
func (c *csvReader) parsePiece(b []byte, tg []target, line, row int) (int, *Error) {
	delim := c.delim
	nf := len(tg)
	n := len(b)
	row0 := row
	var skip target
	i := 0
	for i < n {
		ch := b[i]
		if ch == '\n' {
			line++
			i++
			continue
		}
		if ch == '\r' && (i+1 == n || b[i+1] == '\n') {
			i++
			continue
		}
		recLine := line
		f := 0
		for {
			t := &skip
			if f < nf {
				t = &tg[f]
			}
			if i < n && b[i] == '"' {
				j := i + 1
				for {
					k := bytes.IndexByte(b[j:], '"')
					if k < 0 {
						return 0, c.fieldErr(line, f, "quoted field never ends",
							"close the quote, and double any quote inside a quoted field (\"\")")
					}
					j += k
					if j+1 < n && b[j+1] == '"' {
						j += 2
						continue
					}
					break
				}
				content := b[i+1 : j]
				fline := line
				line += bytes.Count(content, []byte{'\n'})
				i = j + 1
				if t.data != nil {
					v, prob := parseField(content)
					if prob != fieldOK {
						return 0, c.valueErr(fline, f, prob, bytes.ReplaceAll(content, []byte(`""`), []byte(`"`)))
					}
					if t.weight && v < 0 {
						return 0, c.negWeight(fline, f, v)
					}
					t.data[row*t.stride+t.off] = v
				}
				if i < n && b[i] != delim && b[i] != '\n' && !(b[i] == '\r' && (i+1 == n || b[i+1] == '\n')) {
					return 0, c.fieldErr(line, f, fmt.Sprintf("unexpected %q after a closing quote", b[i]),
						"double any quote inside a quoted field (\"\")")
				}
			} else if t.data != nil {
				v, j, ok := scanFloat(b, i)
				// The common case first: a number that ends at a delimiter
				// or at the end of the line.
				if ok && j < n && !t.weight {
					if b[j] == delim {
						t.data[row*t.stride+t.off] = v
						i = j + 1
						f++
						continue
					}
					if b[j] == '\n' {
						t.data[row*t.stride+t.off] = v
						i = j + 1
						f++
						line++
						break
					}
				}
				if ok && (j == n || b[j] == delim || b[j] == '\n' || (b[j] == '\r' && (j+1 == n || b[j+1] == '\n'))) {
					i = j
				} else {
					j = fieldEnd(b, i, delim)
					var prob fieldProblem
					if v, prob = parseField(b[i:j]); prob != fieldOK {
						return 0, c.valueErr(line, f, prob, b[i:j])
					}
					i = j
				}
				if t.weight && v < 0 {
					return 0, c.negWeight(line, f, v)
				}
				t.data[row*t.stride+t.off] = v
			} else {
				i = fieldEnd(b, i, delim)
			}
			f++
			if i >= n {
				break
			}
			if b[i] == delim {
				i++
				continue
			}
			if b[i] == '\r' {
				i++
			}
			if i < n {
				i++ // '\n'
				line++
			}
			break
		}
		if f != nf {
			return 0, &Error{File: c.name, Line: recLine,
				Msg:  fmt.Sprintf("row has %d fields, the header has %d", f, nf),
				Hint: "check for a missing or extra delimiter, and quote fields that contain one"}
		}
		row++
	}
	return row - row0, nil
}

func (c *csvReader) column(f int) string {
	if f < len(c.header) {
		return c.header[f]
	}
	return ""
}

func (c *csvReader) fieldErr(line, f int, msg, hint string) *Error {
	return &Error{File: c.name, Line: line, Col: f + 1, Column: c.column(f), Msg: msg, Hint: hint}
}

func (c *csvReader) valueErr(line, f int, prob fieldProblem, field []byte) *Error {
	col := c.column(f)
	s := string(bytes.TrimSuffix(field, []byte{'\r'}))
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	e := &Error{File: c.name, Line: line, Col: f + 1, Column: col}
	switch prob {
	case fieldEmpty:
		e.Msg = fmt.Sprintf("empty value in column %q", col)
		e.Hint = "fill in the missing value or drop the row"
	case fieldNonFinite:
		e.Msg = fmt.Sprintf("%s is not a finite number (column %q)", strconv.Quote(s), col)
		e.Hint = "replace or drop the row: NaN and infinite values cannot be fitted"
	case fieldOverflow:
		e.Msg = fmt.Sprintf("%s is too large for a float64 (column %q)", strconv.Quote(s), col)
		e.Hint = "rescale the column"
	default:
		e.Msg = fmt.Sprintf("%s is not a number (column %q)", strconv.Quote(s), col)
		e.Hint = "fix the value, or leave the column out of the model"
	}
	return e
}

func (c *csvReader) negWeight(line, f int, v float64) *Error {
	return &Error{File: c.name, Line: line, Col: f + 1, Column: c.column(f),
		Msg:  fmt.Sprintf("weight %v is negative (column %q)", v, c.column(f)),
		Hint: "weights must be zero or positive"}
}

// checkWeights reports weights that sum to zero.
func checkWeights(name, col string, w []float64) error {
	if w == nil {
		return nil
	}
	for _, v := range w {
		if v > 0 {
			return nil
		}
	}
	return &Error{File: name, Column: col, Msg: fmt.Sprintf("the weights in column %q are all zero", col),
		Hint: "give at least one row a positive weight"}
}

func (c *csvReader) binary(at int) *Error {
	return &Error{File: c.name, Line: c.line + bytes.Count(c.buf[:at], []byte{'\n'}),
		Msg: "not a text CSV file (it contains NUL bytes)", Hint: "give a CSV file, or a Parquet file named *.parquet"}
}

func (c *csvReader) tooLong() *Error {
	e := &Error{File: c.name, Line: c.line,
		Msg:  fmt.Sprintf("record longer than %d MiB", c.maxLine>>20),
		Hint: "is this really a CSV file? records must end with a newline"}
	if bytes.IndexByte(c.buf[:c.n], '"') >= 0 {
		e.Hint = "look for a quoted field that is never closed; records must end with a newline"
	}
	return e
}

func (c *csvReader) noRows() *Error {
	return &Error{File: c.name, Line: 1, Msg: "header only, no data rows",
		Hint: "add rows of numbers under the header"}
}
