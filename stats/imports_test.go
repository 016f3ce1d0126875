package stats

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportRule enforces the layering of DESIGN.md: algorithm packages do
// not depend on I/O, reporting, model files or the command line (nor, here,
// on the test problems outside tests).
func TestImportRule(t *testing.T) {
	forbidden := []string{"data", "report", "modelio", "internal/cli", "internal/testproblems", "fit"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if p := "github.com/lsqgo/lsq/" + bad; path == p || strings.HasPrefix(path, p+"/") {
					t.Errorf("%s imports %s", f, path)
				}
			}
		}
	}
}
