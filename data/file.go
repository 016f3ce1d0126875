package data

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lsqgo/lsq/internal/fsutil"
)

// Stdin is the path that names standard input in ReadFile and ReadTableFile,
// and StdinName its display name in error messages.
const (
	Stdin     = "-"
	StdinName = "<stdin>"
)

// ReadFile reads a data file into a Frame, choosing the reader from the
// name: Stdin ("-") is CSV on standard input, *.parquet is Parquet, *.tsv is
// tab-separated (unless opts.Delimiter is set), anything else is CSV.
// Errors, including a missing file, are *Error values naming the path.
func ReadFile(path string, opts *Options) (*Frame, error) {
	if path == Stdin {
		return ReadCSV(os.Stdin, StdinName, opts)
	}
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if isParquet(path) {
		size, err := parquetSize(f, path, opts)
		if err != nil {
			return nil, err
		}
		return ReadParquet(f, size, path, opts)
	}
	return ReadCSV(f, path, csvOpts(path, opts))
}

// ScanFile streams a data file in blocks of at most chunkRows rows, choosing
// the reader from the name as ReadFile does: ScanCSV for CSV and standard
// input, ScanParquet (one row group at a time) for *.parquet.
func ScanFile(path string, opts *Options, chunkRows int, fn func(chunk *Frame) error) error {
	if path == Stdin {
		return ScanCSV(os.Stdin, StdinName, opts, chunkRows, fn)
	}
	f, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if isParquet(path) {
		size, err := parquetSize(f, path, opts)
		if err != nil {
			return err
		}
		return ScanParquet(f, size, path, opts, chunkRows, fn)
	}
	st0, err := f.Stat()
	if err != nil || !st0.Mode().IsRegular() {
		return ScanCSV(f, path, csvOpts(path, opts), chunkRows, fn)
	}
	cr := &countingReader{r: f}
	err = ScanCSV(cr, path, csvOpts(path, opts), chunkRows, fn)
	// A file that changed while it was read (appended to, truncated,
	// rewritten) gave rows from two versions of itself: that is the error
	// to report, also when it made the reader fail (a row cut short).
	if cerr := checkUnchanged(f, path, st0, cr.n, err == nil); cerr != nil {
		return cerr
	}
	return err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

// checkUnchanged compares the open file f with st0, its state when opened:
// size and modification time, and, when the whole file was read (complete),
// the bytes read against the size.
func checkUnchanged(f *os.File, path string, st0 fs.FileInfo, read int64, complete bool) error {
	st1, err := f.Stat()
	if err != nil {
		return nil
	}
	if st1.Size() == st0.Size() && st1.ModTime().Equal(st0.ModTime()) && (!complete || read == st0.Size()) {
		return nil
	}
	msg := fmt.Sprintf("the file changed while it was read: %d bytes when opened, %d now", st0.Size(), st1.Size())
	if complete && read != st0.Size() {
		msg += fmt.Sprintf(", %d read", read)
	}
	if st1.Size() == st0.Size() {
		msg += " (rewritten in place)"
	}
	return &Error{File: path, Msg: msg, Hint: "fit a file that no other program is writing to; copy it first if it is still growing"}
}

// ReadTableFile reads the named columns of a data file (nil: all columns),
// choosing the reader from the name as ReadFile does.
func ReadTableFile(path string, columns []string, opts *Options) (*Table, error) {
	if path == Stdin {
		return ReadTable(os.Stdin, StdinName, columns, opts)
	}
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if isParquet(path) {
		size, err := parquetSize(f, path, opts)
		if err != nil {
			return nil, err
		}
		return ReadParquetTable(f, size, path, columns)
	}
	return ReadTable(f, path, columns, csvOpts(path, opts))
}

// parquetSize is what every reader of an open *.parquet file f does before
// reading it: refuse the CSV options it would leave unused
// (parquetOptions), then take its size, which the Parquet reader needs.
func parquetSize(f *os.File, path string, opts *Options) (int64, error) {
	if err := parquetOptions(path, opts); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, &Error{File: path, Msg: err.Error()}
	}
	return st.Size(), nil
}

// parquetOptions refuses the options of the CSV reader that a Parquet file
// would leave unused, naming the file: Delimiter and MaxLineBytes. (Workers,
// how many goroutines parse, changes no value.)
func parquetOptions(path string, opts *Options) error {
	switch {
	case opts == nil:
	case opts.Delimiter != 0:
		return &Error{File: path, Msg: "a field delimiter was given, but a Parquet file has no delimiter", Hint: "drop the delimiter (--delimiter): it applies to CSV files"}
	case opts.MaxLineBytes != 0:
		return &Error{File: path, Msg: "a limit on the length of a CSV record was given, but a Parquet file has no records of text", Hint: "drop Options.MaxLineBytes for Parquet files"}
	}
	return nil
}

func isParquet(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".parquet")
}

func csvOpts(path string, opts *Options) *Options {
	if strings.EqualFold(filepath.Ext(path), ".tsv") && (opts == nil || opts.Delimiter == 0) {
		var o Options
		if opts != nil {
			o = *opts
		}
		o.Delimiter = '\t'
		return &o
	}
	return opts
}

// Stat is os.Stat of a data file, with openFile's error when it fails: for a
// reader that looks at its files before it opens them.
func Stat(path string) (fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, openError(path, err)
	}
	return st, nil
}

// openError is the error of a data file that cannot be opened.
func openError(path string, err error) *Error {
	msg, hint := fsutil.ReadProblem(err)
	return &Error{File: path, Msg: msg, Hint: hint}
}

func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, &Error{File: path, Msg: "is a directory", Hint: "give a data file"}
	}
	return f, nil
}
