package report

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestImports keeps the package's API on plain data: besides the standard
// library, gonum and gonum/plot, it may import only the root package lsq,
// never the solver, data or CLI packages, which are built in parallel
// and must be free to change.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			switch {
			case path == "github.com/lsqgo/lsq":
			case strings.HasPrefix(path, "gonum.org/v1/"):
			case !strings.Contains(strings.SplitN(path, "/", 2)[0], "."): // standard library
			default:
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
