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
