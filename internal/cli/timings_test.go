package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPathCVTimings: lsq path and lsq cv report, as fit does, the seconds
// spent loading the data and fitting in --json's "timings".
func TestPathCVTimings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ab.csv")
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := range 40 {
		a, c := float64(i%7), float64((i*5)%11)
		fmt.Fprintf(&b, "%g,%g,%g\n", a, c, 1+2*a-c+0.1*float64(i%3))
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	for _, args := range [][]string{{"path", path, "--json"}, {"cv", path, "--json"}} {
		var out, errb bytes.Buffer
		if code := Main(context.Background(), args, IO{Out: &out, Err: &errb}); code != ExitOK {
			t.Fatalf("lsq %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
		}
		var res struct {
			Timings *struct {
				LoadS *float64 `json:"load_s"`
				FitS  *float64 `json:"fit_s"`
			} `json:"timings"`
		}
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		// Durations of work that was done: present, non-negative, and the
		// fit (a path of 100 α, or 10 folds of it) took some time.
		if tm := res.Timings; tm == nil || tm.LoadS == nil || tm.FitS == nil || *tm.LoadS < 0 || !(*tm.FitS > 0) {
			t.Errorf("lsq %s: timings %s", args[0], out.String()[:min(200, out.Len())])
		}
	}
}
