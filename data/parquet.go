package data

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/lsqgo/lsq/internal/kernel"

	"github.com/parquet-go/parquet-go"
)

// ReadParquet reads the target, feature and weight columns of a Parquet
// file into a Frame, column by column, straight into the final matrix.
// Columns must be flat (not lists) and of physical type DOUBLE, FLOAT,
// INT32 or INT64; nulls, NaN and infinite values are errors. Nested columns
// are named by their dotted path. name is the display name for errors;
// opts.Delimiter, Workers and MaxLineBytes do not apply (ReadFile, ScanFile
// and ReadTableFile refuse a Delimiter or MaxLineBytes for a *.parquet
// path). A corrupt file
// gives an *Error, never a panic.
func ReadParquet(r io.ReaderAt, size int64, name string, opts *Options) (fr *Frame, err error) {
	defer recoverParquet(name, &err)
	f, names, err := openParquet(r, size, name)
	if err != nil {
		return nil, err
	}
	lay, err := frameLayout(names, name, opts)
	if err != nil {
		return nil, noLine(err)
	}
	n := int(f.NumRows())
	if n == 0 {
		return nil, &Error{File: name, Msg: "no data rows", Hint: "the file has a schema but no rows"}
	}
	stores := make([]*store, len(lay.strides))
	for k, s := range lay.strides {
		stores[k] = &store{stride: s, data: kernel.Floats(n * s)}
	}
	for i, d := range lay.dest {
		if d.store < 0 {
			continue
		}
		s := stores[d.store]
		if err := readParquetColumn(f, name, names[i], i, n, s.data[d.off:], s.stride); err != nil {
			return nil, err
		}
	}
	fr = lay.frame(stores, 0, n)
	if err := checkWeights(name, opts.weights(), fr.Weights); err != nil {
		return nil, err
	}
	for i, d := range lay.dest {
		if d.weight {
			for r, v := range fr.Weights {
				if v < 0 {
					return nil, &Error{File: name, Column: names[i],
						Msg:  fmt.Sprintf("weight %v is negative (column %q, row %d)", v, names[i], r+1),
						Hint: "weights must be zero or positive"}
				}
			}
		}
	}
	return fr, nil
}

// ReadParquetTable reads the named numeric columns of a Parquet file (nil:
// all columns). See ReadParquet for the accepted types.
func ReadParquetTable(r io.ReaderAt, size int64, name string, columns []string) (t *Table, err error) {
	defer recoverParquet(name, &err)
	f, names, err := openParquet(r, size, name)
	if err != nil {
		return nil, err
	}
	idx, err := pickColumns(names, name, columns, "")
	if err != nil {
		return nil, noLine(err)
	}
	n := int(f.NumRows())
	if n == 0 {
		return nil, &Error{File: name, Msg: "no data rows", Hint: "the file has a schema but no rows"}
	}
	t = &Table{N: n}
	for _, i := range idx {
		col := make([]float64, n)
		if err := readParquetColumn(f, name, names[i], i, n, col, 1); err != nil {
			return nil, err
		}
		t.Names = append(t.Names, names[i])
		t.Columns = append(t.Columns, col)
	}
	return t, nil
}

// noLine drops the line number, which means nothing in a Parquet file, from
// an error raised by the shared column-picking code.
func noLine(err error) error {
	if e, ok := err.(*Error); ok {
		e.Line, e.Col = 0, 0
	}
	return err
}

func recoverParquet(name string, err *error) {
	if p := recover(); p != nil {
		*err = &Error{File: name, Msg: fmt.Sprintf("corrupt or unsupported Parquet file (%v)", p),
			Hint: "check that the file was written completely"}
	}
}

// openParquet opens the file and returns the leaf column names (dotted
// paths), in schema order.
func openParquet(r io.ReaderAt, size int64, name string) (*parquet.File, []string, error) {
	f, err := parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, nil, &Error{File: name, Msg: "not a readable Parquet file: " + err.Error(),
			Hint: "check the file, or give a CSV file a .csv name"}
	}
	var names []string
	for _, p := range f.Schema().Columns() {
		names = append(names, strings.Join(p, "."))
	}
	if len(names) == 0 {
		return nil, nil, &Error{File: name, Msg: "the Parquet file has no columns"}
	}
	seen := make(map[string]bool, len(names))
	for i, s := range names {
		if seen[s] {
			return nil, nil, &Error{File: name, Col: i + 1, Column: s, Msg: fmt.Sprintf("duplicate column name %q", s),
				Hint: "rename one of them"}
		}
		seen[s] = true
	}
	return f, names, nil
}

// checkParquetColumn verifies that leaf column ci, named col, is a flat
// numeric column.
func checkParquetColumn(f *parquet.File, name, col string, ci int) error {
	leaf, ok := f.Schema().Lookup(strings.Split(col, ".")...)
	if !ok || leaf.ColumnIndex != ci {
		return &Error{File: name, Column: col, Msg: fmt.Sprintf("column %q not found in the schema", col)}
	}
	if leaf.MaxRepetitionLevel > 0 {
		return &Error{File: name, Col: ci + 1, Column: col, Msg: fmt.Sprintf("column %q is a list, not a number", col),
			Hint: "flatten it, or leave it out of the model"}
	}
	kind := leaf.Node.Type().Kind()
	switch kind {
	case parquet.Double, parquet.Float, parquet.Int32, parquet.Int64:
	default:
		return &Error{File: name, Col: ci + 1, Column: col,
			Msg:  fmt.Sprintf("column %q has type %s, not a number", col, kind),
			Hint: "leave it out of the model, or convert it to a numeric type"}
	}
	return nil
}

// readParquetColumn reads leaf column ci into dst[r*stride] for each row r
// of the file.
func readParquetColumn(f *parquet.File, name, col string, ci, n int, dst []float64, stride int) error {
	if err := checkParquetColumn(f, name, col, ci); err != nil {
		return err
	}
	row := 0
	for _, rg := range f.RowGroups() {
		m := int(rg.NumRows())
		if m < 0 || row+m > n {
			return &Error{File: name, Column: col, Msg: fmt.Sprintf("row groups hold more rows than the file's %d", n)}
		}
		if err := readParquetChunk(rg, name, col, ci, row, m, dst[row*stride:], stride); err != nil {
			return err
		}
		row += m
	}
	if row != n {
		return &Error{File: name, Column: col, Msg: fmt.Sprintf("column %q has %d values, the file has %d rows", col, row, n)}
	}
	return nil
}

// readParquetChunk reads the m values of column ci in one row group into
// dst[r*stride]; base is the file row of the group's first row, for
// messages.
func readParquetChunk(rg parquet.RowGroup, name, col string, ci, base, m int, dst []float64, stride int) error {
	chunks := rg.ColumnChunks()
	if ci >= len(chunks) {
		return &Error{File: name, Column: col, Msg: "row group without column " + col}
	}
	pages := chunks[ci].Pages()
	defer pages.Close()
	buf := make([]parquet.Value, 4096)
	row := 0
	for {
		page, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &Error{File: name, Column: col, Msg: fmt.Sprintf("reading column %q: %v", col, err)}
		}
		vr := page.Values()
		for {
			k, err := vr.ReadValues(buf)
			for _, v := range buf[:k] {
				if row >= m {
					return &Error{File: name, Column: col, Msg: fmt.Sprintf("column %q has more values than its row group has rows (%d)", col, m)}
				}
				if v.IsNull() {
					return &Error{File: name, Column: col, Msg: fmt.Sprintf("null in column %q at row %d", col, base+row+1),
						Hint: "fill in the missing value or drop the row"}
				}
				var x float64
				switch v.Kind() {
				case parquet.Double:
					x = v.Double()
				case parquet.Float:
					x = float64(v.Float())
				case parquet.Int32:
					x = float64(v.Int32())
				case parquet.Int64:
					x = float64(v.Int64())
				default:
					return &Error{File: name, Column: col, Msg: fmt.Sprintf("value of kind %s in numeric column %q", v.Kind(), col)}
				}
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return &Error{File: name, Column: col, Msg: fmt.Sprintf("%v is not a finite number (column %q, row %d)", x, col, base+row+1),
						Hint: "replace or drop the row: NaN and infinite values cannot be fitted"}
				}
				dst[row*stride] = x
				row++
			}
			if errors.Is(err, io.EOF) || (err == nil && k == 0) {
				break
			}
			if err != nil {
				return &Error{File: name, Column: col, Msg: fmt.Sprintf("reading column %q: %v", col, err)}
			}
		}
		parquet.Release(page)
	}
	if row != m {
		return &Error{File: name, Column: col, Msg: fmt.Sprintf("column %q has %d values in a row group of %d rows", col, row, m)}
	}
	return nil
}

// ScanParquet reads a Parquet file one row group at a time and calls fn
// with blocks of at most chunkRows rows, in file order, like ScanCSV: the
// Frame passed to fn is reused after it returns. Memory is bounded by the
// largest row group. opts.Progress, if set, is called after each row group
// with the bytes of the file the rows read so far correspond to
// (proportionally). ScanParquet panics if chunkRows < 1.
func ScanParquet(r io.ReaderAt, size int64, name string, opts *Options, chunkRows int, fn func(chunk *Frame) error) (err error) {
	if chunkRows < 1 {
		panic("data: ScanParquet chunkRows must be positive")
	}
	defer recoverParquet(name, &err)
	f, names, err := openParquet(r, size, name)
	if err != nil {
		return err
	}
	lay, err := frameLayout(names, name, opts)
	if err != nil {
		return noLine(err)
	}
	for i, d := range lay.dest {
		if d.store >= 0 {
			if err := checkParquetColumn(f, name, names[i], i); err != nil {
				return err
			}
		}
	}
	total := int(f.NumRows())
	stores := make([]*store, len(lay.strides))
	for k, s := range lay.strides {
		stores[k] = &store{stride: s}
	}
	done := 0
	for _, rg := range f.RowGroups() {
		m := int(rg.NumRows())
		if m <= 0 {
			continue
		}
		for _, s := range stores {
			if len(s.data) < m*s.stride {
				s.data = kernel.Floats(m * s.stride)
			}
		}
		for i, d := range lay.dest {
			if d.store < 0 {
				continue
			}
			s := stores[d.store]
			if err := readParquetChunk(rg, name, names[i], i, done, m, s.data[d.off:], s.stride); err != nil {
				return err
			}
			if d.weight {
				for r := 0; r < m; r++ {
					if v := s.data[r]; v < 0 {
						return &Error{File: name, Column: names[i],
							Msg:  fmt.Sprintf("weight %v is negative (column %q, row %d)", v, names[i], done+r+1),
							Hint: "weights must be zero or positive"}
					}
				}
			}
		}
		for a := 0; a < m; a += chunkRows {
			if err := fn(lay.frame(stores, a, min(a+chunkRows, m))); err != nil {
				return err
			}
		}
		done += m
		if opts != nil && opts.Progress != nil && total > 0 {
			opts.Progress(int64(float64(size) * float64(done) / float64(total)))
		}
	}
	if done == 0 {
		return &Error{File: name, Msg: "no data rows", Hint: "the file has a schema but no rows"}
	}
	return nil
}
