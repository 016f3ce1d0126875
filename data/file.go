package data

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
		st, err := f.Stat()
		if err != nil {
			return nil, &Error{File: path, Msg: err.Error()}
		}
		return ReadParquet(f, st.Size(), path, opts)
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
		st, err := f.Stat()
		if err != nil {
			return &Error{File: path, Msg: err.Error()}
		}
		return ScanParquet(f, st.Size(), path, opts, chunkRows, fn)
	}
	return ScanCSV(f, path, csvOpts(path, opts), chunkRows, fn)
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
		st, err := f.Stat()
		if err != nil {
			return nil, &Error{File: path, Msg: err.Error()}
		}
		return ReadParquetTable(f, st.Size(), path, columns)
	}
	return ReadTable(f, path, columns, csvOpts(path, opts))
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

func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		msg, hint := "cannot open the file", ""
		switch {
		case errors.Is(err, fs.ErrNotExist):
			msg, hint = "no such file", "check the path"
		case errors.Is(err, fs.ErrPermission):
			msg, hint = "permission denied", "check the file's permissions"
		}
		return nil, &Error{File: path, Msg: msg, Hint: hint}
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, &Error{File: path, Msg: "is a directory", Hint: "give a data file"}
	}
	return f, nil
}
