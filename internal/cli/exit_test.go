package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes pins the documented exit codes: 0 ok, 1 failure, 2 usage,
// 3 not converged.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	tut := filepath.Join(dir, "tut.csv")
	os.WriteFile(tut, []byte("x,y\n1,2\n2,4\n3,5\n4,4\n5,5\n"), 0o644)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("x,y\n1,abc\n"), 0o644)
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"fit", tut}, ExitOK},
		{[]string{"fit", bad}, ExitFailure},
		{[]string{"fit", tut, "--solver", "nope"}, ExitUsage},
		{[]string{"fit", tut, "--epochs", "x"}, ExitUsage},
		{[]string{"fit"}, ExitUsage},
		{[]string{"fit", tut, "--solver", "gd", "--lr", "0.01", "--epochs", "10", "--standardize=false"}, ExitNotConverged},
		// 1.0 is 5.9× the stability bound 2/L = 0.169 on raw inputs: diverges.
		{[]string{"fit", tut, "--solver", "gd", "--lr", "1", "--standardize=false"}, ExitNotConverged},
		{[]string{"demo"}, ExitOK},
		{[]string{"version"}, ExitOK},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		got := Main(context.Background(), c.args, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
		if got != c.code {
			t.Errorf("lsq %s: exit %d, want %d\nstderr: %s", strings.Join(c.args, " "), got, c.code, errb.String())
		}
	}
}

// TestDivergenceMessage checks the advice given when GD diverges.
func TestDivergenceMessage(t *testing.T) {
	dir := t.TempDir()
	tut := filepath.Join(dir, "tut.csv")
	os.WriteFile(tut, []byte("x,y\n1,2\n2,4\n3,5\n4,4\n5,5\n"), 0o644)
	var out, errb bytes.Buffer
	Main(context.Background(), []string{"fit", tut, "--solver", "gd", "--lr", "1", "--standardize=false", "-o", filepath.Join(dir, "m.json")}, IO{Out: &out, Err: &errb})
	msg := errb.String()
	for _, want := range []string{"diverged at epoch", "2/L = 0.169", "--lr auto", "standardize"} {
		if !strings.Contains(msg, want) {
			t.Errorf("divergence message %q lacks %q", msg, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "m.json")); err == nil {
		t.Error("a diverged fit must not write a model")
	}
}

// TestVersionFlag: `lsq --version` and `-v` print what `lsq version`
// prints, exit 0.
func TestVersionFlag(t *testing.T) {
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
		return code, out.String() + errb.String()
	}
	_, want := run("version")
	if !strings.HasPrefix(want, "lsq ") {
		t.Fatalf("lsq version printed %q", want)
	}
	for _, flag := range []string{"--version", "-v"} {
		if code, got := run(flag); code != ExitOK || got != want {
			t.Errorf("lsq %s: exit %d, %q; want exit 0, %q", flag, code, got, want)
		}
	}
}
