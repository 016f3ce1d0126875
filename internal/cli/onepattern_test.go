package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPatternOfOneFile: a file pattern that matches one file within
// --memory is read in memory, as that file, by fit, cv and path alike (it
// used to be opened by its pattern, "no such file").
func TestPatternOfOneFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "d1.csv"), []byte("x,y\n1,2\n2,4\n3,5\n4,4\n5,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"fit", "$D/d*.csv"}, {"cv", "$D/d*.csv", "--folds", "2"}, {"path", "$D/d*.csv"}} {
		code, out, errOut := runLSQ(dir, nil, args...)
		if code != ExitOK || !strings.Contains(out, "d1.csv: 5 rows, 1 feature, target y") {
			t.Errorf("lsq %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
}
