package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestReadCSVErrors checks the exact message, line and column of every
// kind of bad input.
func TestReadCSVErrors(t *testing.T) {
	for _, c := range []struct {
		name, in  string
		opts      *Options
		line, col int
		msg       string // the whole Error() text
	}{
		{"not a number", "y,x1,x2\n1,2,3\n4,abc,6\n", nil, 3, 2,
			`data.csv:3:2: "abc" is not a number (column "x1"); fix the value, or leave the column out of the model`},
		{"not a number in target", "y,x1\n1,2\nz,4\n", nil, 3, 1,
			`data.csv:3:1: "z" is not a number (column "y"); fix the value, or leave the column out of the model`},
		{"empty cell", "y,x1,x2\n1,2,3\n4,,6\n", nil, 3, 2,
			`data.csv:3:2: empty value in column "x1"; fill in the missing value or drop the row, or leave the column out of the model`},
		{"empty last cell", "y,x1,x2\n1,2,3\n4,5,\n", nil, 3, 3,
			`data.csv:3:3: empty value in column "x2"; fill in the missing value or drop the row, or leave the column out of the model`},
		{"empty last cell crlf", "y,x1,x2\r\n1,2,3\r\n4,5,\r\n", nil, 3, 3,
			`data.csv:3:3: empty value in column "x2"; fill in the missing value or drop the row, or leave the column out of the model`},
		{"NaN", "y,x1\n1,2\n3,NaN\n", nil, 3, 2,
			`data.csv:3:2: "NaN" is not a finite number (column "x1"); replace or drop the row: NaN and infinite values cannot be fitted`},
		{"Inf", "y,x1\n1,2\n-inf,4\n", nil, 3, 1,
			`data.csv:3:1: "-inf" is not a finite number (column "y"); replace or drop the row: NaN and infinite values cannot be fitted`},
		{"overflow", "y,x1\n1,2\n3,1e400\n", nil, 3, 2,
			`data.csv:3:2: "1e400" is too large for a float64 (column "x1"); rescale the column`},
		{"quoted bad", "y,x1\n1,\"2 3\"\n", nil, 2, 2,
			`data.csv:2:2: "2 3" is not a number (column "x1"); fix the value, or leave the column out of the model`},
		{"short row", "y,x1,x2\n1,2,3\n4,5\n", nil, 3, 0,
			`data.csv:3: row has 2 fields, the header has 3; check for a missing or extra delimiter, and quote fields that contain one`},
		{"long row", "y,x1\n1,2\n\n4,5,6\n", nil, 4, 0,
			`data.csv:4: row has 3 fields, the header has 2; check for a missing or extra delimiter, and quote fields that contain one`},
		{"line after quoted newline", "y,s,x\n1,\"a\nb\",2\n3,c,x\n", &Options{Target: "y", Features: []string{"x"}}, 4, 3,
			`data.csv:4:3: "x" is not a number (column "x"); fix the value, or leave the column out of the model`},
		{"unterminated quote", "y,x\n1,2\n3,\"4\n", nil, 3, 2,
			`data.csv:3:2: quoted field never ends; close the quote, and double any quote inside a quoted field ("")`},
		{"junk after quote", "y,x\n1,\"2\"3\n", nil, 2, 2,
			`data.csv:2:2: unexpected '3' after a closing quote; double any quote inside a quoted field ("")`},
		{"missing target", "a,b\n1,2\n", &Options{Target: "y"}, 1, 0,
			`data.csv:1: no column named "y" (target); the columns are "a", "b"`},
		{"semicolons read with commas", "y;a;b\n1;2;3\n", nil, 1, 0,
			`data.csv:1: no column named "y" (target); the columns are "y;a;b"; the header is one column: if ";" separates the fields, read the file with that delimiter (lsq: --delimiter ';')`},
		{"tabs read with commas", "y\ta\n1\t2\n", nil, 1, 0,
			`data.csv:1: no column named "y" (target); the columns are "y\ta"; the header is one column: if "\t" separates the fields, read the file with that delimiter (lsq: --delimiter tab)`},
		{"one column without a separator", "a\n1\n", nil, 1, 0,
			`data.csv:1: no column named "y" (target); the columns are "a"`},
		{"missing feature", "y,a,b\n1,2,3\n", &Options{Target: "y", Features: []string{"a", "c"}}, 1, 0,
			`data.csv:1: no column named "c" (feature); the columns are "y", "a", "b"`},
		{"missing weights", "y,a\n1,2\n", &Options{Target: "y", Weights: "w"}, 1, 0,
			`data.csv:1: no column named "w" (weight); the columns are "y", "a"`},
		{"target is feature", "y,a\n1,2\n", &Options{Target: "y", Features: []string{"a", "y"}}, 1, 1,
			`data.csv:1:1: column "y" is used twice (as target and as a feature or target); give each column one role`},
		{"duplicate names", "y,a,b,a\n1,2,3,4\n", nil, 1, 4,
			`data.csv:1:4: duplicate column name "a" (also column 2); rename one of them`},
		{"only target", "y\n1\n", nil, 1, 0,
			`data.csv:1: no feature columns: the file has only "y"; add at least one column of inputs`},
		{"header only", "y,x\n", nil, 1, 0,
			`data.csv:1: header only, no data rows; add rows of numbers under the header`},
		{"header only no newline", "y,x", nil, 1, 0,
			`data.csv:1: header only, no data rows; add rows of numbers under the header`},
		{"no data rows", "y,x\r\n\r\n\n", nil, 1, 0,
			`data.csv:1: header only, no data rows; add rows of numbers under the header`},
		{"empty file", "", nil, 0, 0,
			`data.csv: empty file; a CSV file needs a header row naming the columns, then rows of numbers`},
		{"blank file", "\n\n", nil, 0, 0,
			`data.csv: empty file; a CSV file needs a header row naming the columns, then rows of numbers`},
		{"bom only", "\xEF\xBB\xBF", nil, 0, 0,
			`data.csv: empty file; a CSV file needs a header row naming the columns, then rows of numbers`},
		{"negative weight", "y,x,w\n1,2,1\n3,4,-2\n", &Options{Target: "y", Weights: "w"}, 3, 3,
			`data.csv:3:3: weight -2 is negative (column "w"); weights must be zero or positive`},
		{"zero weights", "y,x,w\n1,2,0\n3,4,0\n", &Options{Target: "y", Weights: "w"}, 0, 0,
			`data.csv: the weights in column "w" are all zero; give at least one row a positive weight`},
		{"utf16", "\xFF\xFEy\x00,\x00x\x00\n\x00", nil, 0, 0,
			`data.csv: UTF-16 text, not UTF-8; save the file as UTF-8 CSV`},
		{"binary", "PAR1\x00\x01\x02", nil, 1, 0,
			`data.csv:1: not a text CSV file (it contains NUL bytes); give a CSV file, or a Parquet file named *.parquet`},
		{"binary later", "y,x\n1,2\n3,\x00\n", nil, 3, 0,
			`data.csv:3: not a text CSV file (it contains NUL bytes); give a CSV file, or a Parquet file named *.parquet`},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := c.opts
			if opts == nil {
				opts = &Options{Target: "y"}
			}
			_, err := ReadCSV(strings.NewReader(c.in), "data.csv", opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error", err)
			}
			if e.Line != c.line || e.Col != c.col || e.Error() != c.msg {
				t.Errorf("got %d:%d %q\nwant %d:%d %q", e.Line, e.Col, e.Error(), c.line, c.col, c.msg)
			}
			// The same error through the streaming reader and the table reader.
			err2 := ScanCSV(strings.NewReader(c.in), "data.csv", opts, 1, func(*Frame) error { return nil })
			if c.name == "zero weights" {
				return // a property of the whole file: the scanner cannot know
			}
			if err2 == nil || err2.Error() != c.msg {
				t.Errorf("ScanCSV: %v", err2)
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	// A file without newlines: the reader must stop near MaxLineBytes
	// instead of reading the whole (here endless) stream.
	endless := &repeatReader{b: []byte("1234567,")}
	_, err := ReadCSV(endless, "big.csv", &Options{MaxLineBytes: 1 << 20, Target: "y"})
	want := "big.csv:1: record longer than 1 MiB; is this really a CSV file? records must end with a newline"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if endless.n > 16<<20 {
		t.Errorf("read %d bytes before giving up", endless.n)
	}
	// An unclosed quote makes the rest of the file one record.
	r0 := io.MultiReader(strings.NewReader("y,x\n1,\"2\n"), &repeatReader{b: []byte("1234567\n")})
	_, err = ReadCSV(r0, "q.csv", &Options{MaxLineBytes: 1 << 20, Target: "y"})
	want = "q.csv:2: record longer than 1 MiB; look for a quoted field that is never closed; records must end with a newline"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	// The same in a data line.
	r := io.MultiReader(strings.NewReader("y,x\n1,2\n"), &repeatReader{b: []byte("1234567,")})
	_, err = ReadCSV(r, "big.csv", &Options{MaxLineBytes: 1 << 20, Target: "y"})
	want = "big.csv:3: record longer than 1 MiB; is this really a CSV file? records must end with a newline"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

type repeatReader struct {
	b []byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.b[(r.n+i)%len(r.b)]
	}
	r.n += len(p)
	return len(p), nil
}

func TestUnnamedColumn(t *testing.T) {
	// pandas' to_csv writes the index as a first column with no name.
	in := ",x,y\n0,1.5,2\n1,2.5,3\n"
	f, err := ReadCSV(strings.NewReader(in), "p.csv", &Options{Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Features, []string{"x"}) || !reflect.DeepEqual(f.X.RawMatrix().Data, []float64{1.5, 2.5}) {
		t.Errorf("features %q X %v", f.Features, f.X.RawMatrix().Data)
	}
}

func TestReadCSVDialect(t *testing.T) {
	in := "\xEF\xBB\xBF name ;y;\"x;1\";w;x2\r\n" +
		"a;1;\"2.5\";1;-3e2\r\n" +
		"\"b;\"\"q\"\"\n\";2; 3 ;0.5;4\r\n" +
		"\r\n" +
		"c;3;4;2;5" // no final newline
	f, err := ReadCSV(strings.NewReader(in), "semi.csv", &Options{Target: "y", Weights: "w", Features: []string{"x2", "x;1"}, Delimiter: ';'})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Features, []string{"x2", "x;1"}) {
		t.Errorf("features %q", f.Features)
	}
	wantX := []float64{-300, 2.5, 4, 3, 5, 4}
	if got := f.X.RawMatrix().Data; !reflect.DeepEqual(got, wantX) {
		t.Errorf("X = %v, want %v", got, wantX)
	}
	if !reflect.DeepEqual(f.Y, []float64{1, 2, 3}) || !reflect.DeepEqual(f.Weights, []float64{1, 0.5, 2}) {
		t.Errorf("Y = %v, W = %v", f.Y, f.Weights)
	}
	// The name column is text and is skipped because no one asked for it.
	if f.Target != "y" || f.Rows() != 3 {
		t.Errorf("target %q rows %d", f.Target, f.Rows())
	}
}

// referenceParse reads src with encoding/csv and strconv: the peer result.
func referenceParse(t *testing.T, src []byte, target string) (feat []string, x, y []float64) {
	r := csv.NewReader(bytes.NewReader(src))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ti := -1
	for i, h := range recs[0] {
		if h == target {
			ti = i
		} else {
			feat = append(feat, h)
		}
	}
	for _, rec := range recs[1:] {
		for i, s := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				t.Fatal(err)
			}
			if i == ti {
				y = append(y, v)
			} else {
				x = append(x, v)
			}
		}
	}
	return feat, x, y
}

// quotedCSV writes random numbers, some quoted, some quoted with embedded
// newlines in a text column, with CRLF or LF endings and blank lines.
func quotedCSV(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.WriteString("y,x1,x2\n")
	for i := 0; i < n; i++ {
		for j := 0; j < 3; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			s := strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(6))), 'g', -1, 64)
			if rng.IntN(10) == 0 {
				s = `"` + s + `"`
			}
			b.WriteString(s)
		}
		switch rng.IntN(20) {
		case 0:
			b.WriteString("\r\n")
		case 1:
			b.WriteString("\n\n")
		default:
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// TestReadCSVMatchesEncodingCSV compares the parallel reader, with tiny
// chunks so that records straddle chunk and piece boundaries, against
// encoding/csv on the same bytes, for several worker counts.
func TestReadCSVMatchesEncodingCSV(t *testing.T) {
	for _, src := range [][]byte{genCSV(3000, 5, -1, 3), quotedCSV(3000, 4)} {
		feat, x, y := referenceParse(t, src, "y")
		for _, workers := range []int{1, 2, 3, 8} {
			for _, block := range []int{100, 4097, 1 << 20} {
				opts := &Options{Target: "y", Workers: workers, blockSize: block, minPiece: 64}
				f, err := ReadCSV(bytes.NewReader(src), "r.csv", opts)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(f.Features, feat) || !reflect.DeepEqual(f.X.RawMatrix().Data, x) || !reflect.DeepEqual(f.Y, y) {
					t.Fatalf("workers=%d block=%d: result differs from encoding/csv", workers, block)
				}
				// A reader that cannot seek takes the growing-store path.
				f, err = ReadCSV(io.MultiReader(bytes.NewReader(src)), "r.csv", opts)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(f.X.RawMatrix().Data, x) || !reflect.DeepEqual(f.Y, y) {
					t.Fatalf("workers=%d block=%d, no seek: result differs from encoding/csv", workers, block)
				}
			}
		}
	}
}

// TestErrorLineGlobal puts a bad value deep in a file read in small chunks
// by several workers: the line number must still be the file's.
func TestErrorLineGlobal(t *testing.T) {
	src := quotedCSV(2000, 9)
	lines := bytes.Split(src, []byte{'\n'})
	lines[1234] = []byte("1,oops,3")
	src = bytes.Join(lines, []byte{'\n'})
	want := `r.csv:1235:2: "oops" is not a number (column "x1"); fix the value, or leave the column out of the model`
	for _, workers := range []int{1, 2, 5} {
		_, err := ReadCSV(bytes.NewReader(src), "r.csv", &Options{Target: "y", Workers: workers, blockSize: 777, minPiece: 50})
		if err == nil || err.Error() != want {
			t.Errorf("workers=%d: got %v", workers, err)
		}
	}
}

func TestScanCSV(t *testing.T) {
	src := genCSV(1003, 4, -1, 5)
	whole, err := ReadCSV(bytes.NewReader(src), "s.csv", &Options{Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	var x, y []float64
	var sizes []int
	var progress []int64
	opts := &Options{Target: "y", blockSize: 1000, Progress: func(n int64) { progress = append(progress, n) }}
	err = ScanCSV(bytes.NewReader(src), "s.csv", opts, 100, func(c *Frame) error {
		sizes = append(sizes, c.Rows())
		x = append(x, c.X.RawMatrix().Data...)
		y = append(y, c.Y...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 1003 rows in blocks of 100: ten full blocks and one of 3.
	if len(sizes) != 11 || sizes[10] != 3 {
		t.Errorf("chunk sizes %v", sizes)
	}
	if !reflect.DeepEqual(x, whole.X.RawMatrix().Data) || !reflect.DeepEqual(y, whole.Y) {
		t.Error("streamed values differ from ReadCSV")
	}
	if len(progress) == 0 || progress[len(progress)-1] != int64(len(src)) {
		t.Errorf("progress ended at %v, want %d", progress[len(progress)-1:], len(src))
	}
	for i := 1; i < len(progress); i++ {
		if progress[i] < progress[i-1] {
			t.Fatalf("progress went backwards: %v", progress)
		}
	}
	stop := errors.New("stop")
	if err := ScanCSV(bytes.NewReader(src), "s.csv", opts, 100, func(*Frame) error { return stop }); err != stop {
		t.Errorf("callback error not returned: %v", err)
	}
}

func TestReadTable(t *testing.T) {
	in := "x,label,x1,y\n1,a,2,3\n4,b,5,6\n"
	tab, err := ReadTable(strings.NewReader(in), "t.csv", []string{"y", "x"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tab.N != 2 || !reflect.DeepEqual(tab.Names, []string{"y", "x"}) ||
		!reflect.DeepEqual(tab.Column("y"), []float64{3, 6}) || !reflect.DeepEqual(tab.Map()["x"], []float64{1, 4}) {
		t.Errorf("table %+v", tab)
	}
	if tab.Column("zz") != nil {
		t.Error("missing column not nil")
	}
	_, err = ReadTable(strings.NewReader("x,w\n1,2\n3,-1\n"), "t.csv", nil, &Options{Weights: "w"})
	if want := `t.csv:3:2: weight -1 is negative (column "w"); weights must be zero or positive`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	_, err = ReadTable(strings.NewReader(in), "t.csv", nil, nil)
	want := `t.csv:2:2: "a" is not a number (column "label"); fix the value, or leave the column out of the model`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "d.tsv")
	if err := os.WriteFile(p, []byte("y\tx\n1\t2\n3\t4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(p, &Options{Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Y, []float64{1, 3}) || !reflect.DeepEqual(f.X.RawMatrix().Data, []float64{2, 4}) {
		t.Errorf("got %v %v", f.Y, f.X.RawMatrix().Data)
	}
	_, err = ReadFile(filepath.Join(dir, "nope.csv"), nil)
	var e *Error
	if !errors.As(err, &e) || !strings.HasSuffix(e.File, "nope.csv") {
		t.Errorf("missing file: %v", err)
	}
}

// TestReadCSVMemory checks the memory claim of the package documentation:
// from a seekable source the matrix is allocated once at its final size,
// so everything ReadCSV allocates is the matrix, y, and the read buffer.
func TestReadCSVMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates tens of MB")
	}
	const n, d = 100000, 20
	src := genCSV(n, d, -1, 8)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := ReadCSV(bytes.NewReader(src), "m.csv", &Options{Target: "y", Workers: 2})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	final := float64(8 * n * d) // X (n×19) plus y (n)
	// Bound: the final arrays plus 1% (the row count is an upper bound by
	// one row per block) plus the fixed buffers: two 4 MiB read blocks
	// (blockSize: one parsed while the next is read) and 1 MiB for headers
	// and bookkeeping.
	limit := 1.01*final + 2*float64(blockSize) + 1<<20
	if got := float64(after.TotalAlloc - before.TotalAlloc); got > limit {
		t.Errorf("allocated %.1f MB for a %.1f MB result, limit %.1f MB", got/1e6, final/1e6, limit/1e6)
	}
	if f.Rows() != n {
		t.Fatalf("rows %d", f.Rows())
	}
}

func TestLongLineDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	endless := &repeatReader{b: []byte("1234567,")}
	_, err := ReadCSV(endless, "big.csv", nil)
	want := "big.csv:1: record longer than 64 MiB; is this really a CSV file? records must end with a newline"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	// The limit stops the reading: at most the limit plus one read block.
	if endless.n > 64<<20+8<<20 {
		t.Errorf("read %d MiB", endless.n>>20)
	}
}

type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

func TestStuckReader(t *testing.T) {
	_, err := ReadCSV(stuckReader{}, "s.csv", nil)
	if err == nil || !strings.Contains(err.Error(), "multiple Read calls return no data or error") {
		t.Errorf("got %v", err)
	}
}
