package data

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

var update = flag.Bool("update", false, "rewrite the fixtures in testdata/csv and testdata/parquet")

type pqRow struct {
	Y  float64  `parquet:"y"`
	X1 float32  `parquet:"x1"`
	X2 int32    `parquet:"x2"`
	X3 int64    `parquet:"x3"`
	W  float64  `parquet:"w"`
	S  string   `parquet:"s"`
	O  *float64 `parquet:"o,optional"`
}

func pqRows(n int) []pqRow {
	rows := make([]pqRow, n)
	for i := range rows {
		v := float64(i) / 4
		rows[i] = pqRow{Y: 1 + 2*v, X1: float32(v), X2: int32(i - 3), X3: int64(i) << 40, W: 1 + float64(i%3), S: "r", O: &v}
	}
	return rows
}

func writePQ[T any](t *testing.T, rows []T, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := parquet.Write(&b, rows, opts...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadParquet(t *testing.T) {
	rows := pqRows(10)
	// Several row groups, so that columns are assembled across groups.
	src := writePQ(t, rows, parquet.MaxRowsPerRowGroup(3), parquet.PageBufferSize(64))
	f, err := ReadParquet(bytes.NewReader(src), int64(len(src)), "t.parquet",
		&Options{Target: "y", Features: []string{"x3", "x1", "x2", "o"}, Weights: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Rows() != 10 || !reflect.DeepEqual(f.Features, []string{"x3", "x1", "x2", "o"}) {
		t.Fatalf("rows %d features %v", f.Rows(), f.Features)
	}
	for i, r := range rows {
		want := []float64{float64(r.X3), float64(r.X1), float64(r.X2), *r.O}
		if got := f.X.RawRowView(i); !reflect.DeepEqual(got, want) {
			t.Errorf("row %d: %v, want %v", i, got, want)
		}
		if f.Y[i] != r.Y || f.Weights[i] != r.W {
			t.Errorf("row %d: y %v w %v", i, f.Y[i], f.Weights[i])
		}
	}
	tab, err := ReadParquetTable(bytes.NewReader(src), int64(len(src)), "t.parquet", []string{"x2"})
	if err != nil {
		t.Fatal(err)
	}
	if tab.N != 10 || tab.Column("x2")[0] != -3 {
		t.Errorf("table %+v", tab)
	}
}

func TestReadParquetErrors(t *testing.T) {
	good := writePQ(t, pqRows(5))
	nan := pqRows(3)
	nan[2].Y = math.NaN()
	nulls := pqRows(3)
	nulls[1].O = nil
	neg := pqRows(3)
	neg[1].W = -1
	for _, c := range []struct {
		name string
		src  []byte
		opts *Options
		want string
	}{
		{"missing target", good, &Options{Target: "z", Features: []string{"x1"}},
			`t.parquet: no column named "z" (target); the columns are "y", "x1", "x2", "x3", "w", "s", "o"`},
		{"text column", good, &Options{Target: "y", Features: []string{"s"}},
			`t.parquet: column "s" has type BYTE_ARRAY, not a number; leave it out of the model, or convert it to a numeric type`},
		{"null", writePQ(t, nulls), &Options{Target: "y", Features: []string{"o"}},
			`t.parquet: null in column "o" at row 2; fill in the missing value or drop the row`},
		{"nan", writePQ(t, nan), &Options{Target: "y", Features: []string{"x1"}},
			`t.parquet: NaN is not a finite number (column "y", row 3); replace or drop the row: NaN and infinite values cannot be fitted`},
		{"negative weight", writePQ(t, neg), &Options{Target: "y", Features: []string{"x1"}, Weights: "w"},
			`t.parquet: weight -1 is negative (column "w", row 2); weights must be zero or positive`},
		{"not parquet", []byte("y,x\n1,2\n"), nil, ""},
		{"truncated", good[:len(good)/2], nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadParquet(bytes.NewReader(c.src), int64(len(c.src)), "t.parquet", c.opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error", err)
			}
			if c.want != "" && e.Error() != c.want {
				t.Errorf("got  %s\nwant %s", e, c.want)
			}
		})
	}
}

// TestFixtures writes (with -update) and checks the small fixtures shared
// with the command-line tests: the same data as CSV and Parquet, where
// y = 1 + 2·x1 − 0.5·x2 exactly.
func TestFixtures(t *testing.T) {
	type row struct {
		X1 float64 `parquet:"x1"`
		X2 float64 `parquet:"x2"`
		Y  float64 `parquet:"y"`
	}
	var rows []row
	var csv strings.Builder
	csv.WriteString("x1,x2,y\n")
	for i := 0; i < 20; i++ {
		x1, x2 := float64(i), float64((i*7)%11)
		r := row{x1, x2, 1 + 2*x1 - 0.5*x2}
		rows = append(rows, r)
		csv.WriteString(strings.Join([]string{ftoa(r.X1), ftoa(r.X2), ftoa(r.Y)}, ",") + "\n")
	}
	csvPath := filepath.Join("..", "testdata", "csv", "small.csv")
	pqPath := filepath.Join("..", "testdata", "parquet", "small.parquet")
	if *update {
		if err := os.WriteFile(csvPath, []byte(csv.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := parquet.WriteFile(pqPath, rows); err != nil {
			t.Fatal(err)
		}
	}
	a, err := ReadFile(csvPath, &Options{Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadFile(pqPath, &Options{Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.X.RawMatrix().Data, b.X.RawMatrix().Data) || !reflect.DeepEqual(a.Y, b.Y) ||
		!reflect.DeepEqual(a.Features, b.Features) {
		t.Error("CSV and Parquet fixtures differ")
	}
}

// TestReadParquetCorrupt damages a good file at random places: every
// outcome must be a frame or an *Error, never a panic (parquet-go panics on
// some malformed input; the reader recovers).
func TestReadParquetCorrupt(t *testing.T) {
	good := writePQ(t, pqRows(50), parquet.MaxRowsPerRowGroup(20))
	rng := rand.New(rand.NewPCG(3, 9))
	for i := 0; i < 300; i++ {
		b := bytes.Clone(good)
		switch i % 3 {
		case 0:
			b = b[:rng.IntN(len(b))]
		default:
			for k := 0; k < 1+rng.IntN(4); k++ {
				b[rng.IntN(len(b))] = byte(rng.Uint32())
			}
		}
		_, err := ReadParquet(bytes.NewReader(b), int64(len(b)), "c.parquet", &Options{Target: "y", Features: []string{"x1", "x3"}})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("mutation %d: %T %v", i, err, err)
			}
		}
	}
}

func TestScanParquet(t *testing.T) {
	src := writePQ(t, pqRows(10), parquet.MaxRowsPerRowGroup(3))
	opts := &Options{Target: "y", Features: []string{"x1", "x3"}, Weights: "w"}
	whole, err := ReadParquet(bytes.NewReader(src), int64(len(src)), "s.parquet", opts)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var x, y, w []float64
	var last int64
	o := *opts
	o.Progress = func(n int64) { last = n }
	err = ScanParquet(bytes.NewReader(src), int64(len(src)), "s.parquet", &o, 2, func(c *Frame) error {
		sizes = append(sizes, c.Rows())
		x = append(x, c.X.RawMatrix().Data...)
		y = append(y, c.Y...)
		w = append(w, c.Weights...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Row groups of 3, 3, 3, 1 rows, each cut in blocks of at most 2.
	if !reflect.DeepEqual(sizes, []int{2, 1, 2, 1, 2, 1, 1}) {
		t.Errorf("block sizes %v", sizes)
	}
	if !reflect.DeepEqual(x, whole.X.RawMatrix().Data) || !reflect.DeepEqual(y, whole.Y) || !reflect.DeepEqual(w, whole.Weights) {
		t.Error("streamed values differ from ReadParquet")
	}
	if last != int64(len(src)) {
		t.Errorf("progress ended at %d of %d", last, len(src))
	}
	// ScanFile dispatches on the name.
	for _, p := range []string{"../testdata/csv/small.csv", "../testdata/parquet/small.parquet"} {
		rows := 0
		if err := ScanFile(p, &Options{Target: "y"}, 7, func(c *Frame) error { rows += c.Rows(); return nil }); err != nil || rows != 20 {
			t.Errorf("%s: %d rows, %v", p, rows, err)
		}
	}
}

// TestParquetRefusesCSVOptions: a Delimiter or MaxLineBytes given for a
// *.parquet path is an *Error naming the file and the option, from every
// reader that chooses by the name, before anything is read; without them
// the same file reads.
func TestParquetRefusesCSVOptions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.parquet")
	if err := os.WriteFile(path, writePQ(t, pqRows(5)), 0o644); err != nil {
		t.Fatal(err)
	}
	read := map[string]func(*Options) error{
		"ReadFile":      func(o *Options) error { _, err := ReadFile(path, o); return err },
		"ReadTableFile": func(o *Options) error { _, err := ReadTableFile(path, []string{"y", "x1"}, o); return err },
		"ScanFile": func(o *Options) error {
			return ScanFile(path, o, 2, func(*Frame) error { return nil })
		},
	}
	for name, f := range read {
		for _, c := range []struct {
			opts Options
			word string
		}{{Options{Target: "y", Features: []string{"x1"}, Delimiter: ';'}, "delimiter"}, {Options{Target: "y", Features: []string{"x1"}, MaxLineBytes: 1 << 10}, "MaxLineBytes"}} {
			var e *Error
			if err := f(&c.opts); !errors.As(err, &e) || e.File != path || !strings.Contains(e.Error(), c.word) {
				t.Errorf("%s with %+v: %v, want an *Error naming %s and the file", name, c.opts, err, c.word)
			}
		}
		if err := f(&Options{Target: "y", Features: []string{"x1"}}); err != nil {
			t.Errorf("%s without CSV options: %v", name, err)
		}
	}
}
