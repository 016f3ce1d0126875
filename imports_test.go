package lsq_test

import (
	"go/build"
	"strings"
	"testing"
)

const module = "github.com/lsqgo/lsq"

// deps returns the transitive imports of pkg that lie inside this module,
// and whether pkg imports anything outside the standard library.
func deps(t *testing.T, pkg string) (inModule map[string]bool, external []string) {
	t.Helper()
	inModule = map[string]bool{}
	var walk func(string)
	walk = func(path string) {
		p, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range p.Imports {
			switch {
			case imp == "C" || !strings.Contains(strings.Split(imp, "/")[0], "."):
				// standard library
			case imp == module || strings.HasPrefix(imp, module+"/"):
				if !inModule[imp] {
					inModule[imp] = true
					walk(imp)
				}
			default:
				external = append(external, imp)
			}
		}
	}
	walk(module + "/" + pkg)
	return inModule, external
}

// TestImportRule enforces the layering of the design: the algorithm
// packages never depend, even indirectly, on data loading, reporting, model
// files or the command line; penalty and schedule use only the standard
// library.
func TestImportRule(t *testing.T) {
	algorithms := []string{"linear", "penalty", "schedule", "optim", "nls", "expr", "stats", "enet", "stream", "fit", "net"}
	forbidden := []string{"data", "report", "modelio", "internal/cli", "formula", "internal/testproblems"}
	for _, a := range algorithms {
		in, ext := deps(t, a)
		for _, f := range forbidden {
			if in[module+"/"+f] {
				t.Errorf("%s depends on %s", a, f)
			}
		}
		if (a == "penalty" || a == "schedule") && (len(ext) > 0 || len(in) > 0) {
			t.Errorf("%s must use only the standard library; it imports %v %v", a, ext, in)
		}
	}
}
