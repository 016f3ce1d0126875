package optim

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportRule checks the layering of DESIGN.md: penalty and schedule use
// the standard library only, and no algorithm package imports data, report,
// modelio or the CLI.
func TestImportRule(t *testing.T) {
	forbidden := []string{"/data", "/report", "/modelio", "/internal/cli"}
	for _, dir := range []string{"../penalty", "../schedule", ".", "../internal/kernel"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				stdlib := !strings.Contains(strings.SplitN(path, "/", 2)[0], ".")
				if (dir == "../penalty" || dir == "../schedule") && !stdlib {
					t.Errorf("%s imports %s: must be stdlib only", f, path)
				}
				for _, bad := range forbidden {
					if strings.HasPrefix(path, "github.com/lsqgo/lsq") && strings.HasSuffix(path, bad) {
						t.Errorf("%s imports %s", f, path)
					}
				}
			}
		}
	}
}
