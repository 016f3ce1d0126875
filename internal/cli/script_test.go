package cli

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the txtar scripts in testdata/script run `lsq` in-process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lsq": func() { os.Exit(Main(context.Background(), os.Args[1:], StdIO())) },
	})
}

// TestScripts runs every command-line scenario in testdata/script: each
// command, each bad input, with its exit code, output and files.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}
