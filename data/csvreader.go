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

	"github.com/lsqgo/lsq/internal/kernel"
)

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
		nd := kernel.Floats(capRows * s.stride)
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
		e.Hint = "fill in the missing value or drop the row, or leave the column out of the model"
	case fieldNonFinite:
		e.Msg = fmt.Sprintf("%s is not a finite number (column %q)", strconv.Quote(s), col)
		e.Hint = "replace or drop the row: NaN and infinite values cannot be fitted"
	case fieldOverflow:
		e.Msg = fmt.Sprintf("%s is too large for a float64 (column %q)", strconv.Quote(s), col)
		e.Hint = "rescale the column"
	case fieldHex:
		e.Msg = fmt.Sprintf("%s is not a number (column %q): hexadecimal is not read in data files", strconv.Quote(s), col)
		e.Hint = "write the value in decimal"
	case fieldSeparator:
		e.Msg = fmt.Sprintf("%s is not a number (column %q): digit separators are not read in data files", strconv.Quote(s), col)
		e.Hint = "remove the underscores"
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
	return ZeroWeightsError(name, col)
}

// ZeroWeightsError is the error for data whose weights, in column col of
// the file (or files) name, are all zero: no row is an observation. A
// reader of the whole file reports it; a stream, which cannot tell before
// its last row, reports it after the pass.
func ZeroWeightsError(name, col string) *Error {
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
