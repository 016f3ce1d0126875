package cli

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

func TestShellQuote(t *testing.T) {
	args := []string{"lsq", "fit", "data.csv", "--target", "y", "--model", "b1*(1-exp(-b2*x))", "", "it's", "a b", "$HOME", `back\slash`, "--alpha=0.1"}
	got := shellQuote(args)
	want := `lsq fit data.csv --target y --model 'b1*(1-exp(-b2*x))' '' 'it'\''s' 'a b' '$HOME' 'back\slash' --alpha=0.1`
	if got != want {
		t.Errorf("shellQuote = %s\nwant         %s", got, want)
	}
	// The shell must split the line back into the same words.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to check the quoting against")
	}
	out, err := exec.Command(sh, "-c", "set -- "+got+`; for a in "$@"; do printf '[%s]\n' "$a"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var wantOut strings.Builder
	for _, a := range args {
		fmt.Fprintf(&wantOut, "[%s]\n", a)
	}
	if string(out) != wantOut.String() {
		t.Errorf("sh split the quoted line into\n%s\nwant\n%s", out, wantOut.String())
	}
}
