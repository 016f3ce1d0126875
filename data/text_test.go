package data

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestReadText: cells as text with their file lines (quoted newlines,
// blank lines and a BOM taken into account); a short record is an error
// naming its line.
func TestReadText(t *testing.T) {
	in := "\uFEFFa,b\n1, x \n\n\"2\n\",NA\n3,\n"
	tt, err := ReadText(strings.NewReader(in), "t.csv", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tt.Names, []string{"a", "b"}) || !reflect.DeepEqual(tt.Cells, [][]string{{"1", "2", "3"}, {"x", "NA", ""}}) ||
		!reflect.DeepEqual(tt.Lines, []int{2, 4, 6}) {
		t.Errorf("%q %q %v", tt.Names, tt.Cells, tt.Lines)
	}
	_, err = ReadText(strings.NewReader("a,b,a\n1,2,3\n"), "t.csv", 0)
	if err == nil || err.Error() != `t.csv:1:3: duplicate column name "a" (also column 1); rename one of them` {
		t.Errorf("duplicate: %v", err)
	}
	_, err = ReadText(strings.NewReader("a,b\n1,2\n3\n"), "t.csv", 0)
	var de *Error
	if !errors.As(err, &de) || de.Line != 3 || !strings.Contains(de.Msg, "1 fields where the header has 2") {
		t.Errorf("short record: %v", err)
	}
	for _, c := range []struct {
		s    string
		v    float64
		text bool
		bad  string
	}{{"1.5", 1.5, false, ""}, {"abc", 0, true, ""}, {"1_000", 0, true, ""}, {"Inf", 0, false, "is not a finite number"}, {"1e400", 0, false, "is too large for a float64"}} {
		v, text, bad := ParseNumber(c.s)
		if v != c.v || text != c.text || bad != c.bad {
			t.Errorf("ParseNumber(%q) = %v %v %q", c.s, v, text, bad)
		}
	}
}

// FuzzReadText: any input gives a table whose columns all have one cell
// per row and increasing line numbers, or an *Error; never a panic.
func FuzzReadText(f *testing.F) {
	for _, s := range []string{"a,b\n1,x\n", "\uFEFFa\n\"1\n2\"\n", "a,b\n1\n", "", "a,b\n\n\n1,2", "a\n\"x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tt, err := ReadText(strings.NewReader(src), "f.csv", 0)
		if err != nil {
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("not *Error: %v", err)
			}
			return
		}
		for j, c := range tt.Cells {
			if len(c) != tt.Rows() {
				t.Fatalf("column %d has %d cells for %d rows", j, len(c), tt.Rows())
			}
		}
		for i := 1; i < len(tt.Lines); i++ {
			if tt.Lines[i] <= tt.Lines[i-1] {
				t.Fatalf("lines %v not increasing", tt.Lines)
			}
		}
	})
}
