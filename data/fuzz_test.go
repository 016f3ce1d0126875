package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// FuzzReadCSV feeds arbitrary bytes to the reader with tiny chunks and
// several workers: it must return an *Error or a valid frame, never panic
// or hang; a frame must agree with encoding/csv and strconv on the same
// bytes, and the result must not depend on the worker count.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"y,x\n1,2\n3,4\n", "y,x\r\n1,\"2\"\r\n", "\xEF\xBB\xBFy,x\n1,2", "y,x\n1,\"2\n\"\n",
		"y,x\n\"1\"\"\",2\n", "y,x\n1,\n", "y\n1\n", "", "\x00", "y,x\n1e400,2\n", "y,x,y\n1,2,3\n",
		"y,x\n1,2,3\n", "y,x\n\n\n1,2\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		one, err1 := ReadCSV(bytes.NewReader(src), "f.csv", &Options{Target: "y", Workers: 1, blockSize: 7, minPiece: 3, MaxLineBytes: 1 << 12})
		many, err2 := ReadCSV(bytes.NewReader(src), "f.csv", &Options{Target: "y", Workers: 3, blockSize: 16, minPiece: 2, MaxLineBytes: 1 << 12})
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("worker count changes the outcome: %v vs %v", err1, err2)
		}
		if err1 != nil {
			var e *Error
			if !errors.As(err1, &e) || !errors.As(err2, &e) {
				t.Fatalf("not *Error: %v / %v", err1, err2)
			}
			if err1.Error() != err2.Error() {
				t.Fatalf("worker count changes the error: %v vs %v", err1, err2)
			}
			return
		}
		a, b := one.X.RawMatrix().Data, many.X.RawMatrix().Data
		if len(a) != len(b) || len(one.Y) != len(many.Y) {
			t.Fatal("worker count changes the shape")
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatal("worker count changes the values")
			}
		}
		// Peer check with encoding/csv where its dialect is ours: no
		// quotes (its lazy rules differ), no lone \r, no BOM.
		if bytes.ContainsAny(src, "\"\r") || bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
			return
		}
		r := csv.NewReader(bytes.NewReader(src))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil || len(recs) < 2 {
			return
		}
		yi := -1
		for i, h := range recs[0] {
			if strings.TrimSpace(h) == "y" {
				yi = i
			}
		}
		var ys []float64
		for _, rec := range recs[1:] {
			v, err := strconv.ParseFloat(strings.Trim(rec[yi], " \t"), 64)
			if err != nil {
				t.Fatalf("accepted %q, strconv says %v", rec[yi], err)
			}
			ys = append(ys, v)
		}
		if len(ys) != len(one.Y) {
			t.Fatalf("%d rows, encoding/csv has %d", len(one.Y), len(ys))
		}
		for i := range ys {
			if ys[i] != one.Y[i] {
				t.Fatalf("row %d: y = %v, encoding/csv+strconv %v", i, one.Y[i], ys[i])
			}
		}
	})
}
