package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeRows writes a CSV file of n rows x,y.
func writeRows(t *testing.T, path string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%d\n", i, 2*i+1)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestScanFileDetectsChange: a file appended to or truncated while ScanFile
// streams it is an error naming the file and both sizes, not rows from two
// versions of it. The blocks are small (1 KiB) so that the change happens
// between reads; the change is made when the first chunk arrives.
func TestScanFileDetectsChange(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		change func(path string) error
	}{
		{"appended", func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteString(strings.Repeat("7,15\n", 1000))
			return err
		}},
		{"truncated", func(p string) error { return os.Truncate(p, 5000) }},
		{"truncated_mid_row", func(p string) error { return os.Truncate(p, 5003) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".csv")
			writeRows(t, p, 5000)
			st, _ := os.Stat(p)
			first := true
			err := ScanFile(p, &Options{Target: "y", blockSize: 1024, minPiece: 64}, 10, func(*Frame) error {
				if first {
					first = false
					return c.change(p)
				}
				return nil
			})
			now, _ := os.Stat(p)
			want := fmt.Sprintf("%s: the file changed while it was read: %d bytes when opened, %d now", p, st.Size(), now.Size())
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("err = %v, want %q", err, want)
			}
		})
	}
	// Unchanged: read whole, no error, every row.
	p := filepath.Join(dir, "still.csv")
	writeRows(t, p, 5000)
	rows := 0
	if err := ScanFile(p, &Options{Target: "y", blockSize: 1024, minPiece: 64}, 10, func(fr *Frame) error { rows += fr.Rows(); return nil }); err != nil || rows != 5000 {
		t.Fatalf("unchanged file: %d rows, %v", rows, err)
	}
}
