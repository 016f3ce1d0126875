package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWrittenLines: every command that writes files on request ends its
// text output with one "WHAT written to FILE" line per file, in the same
// words, and its JSON output names the same files instead.
func TestWrittenLines(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tut.csv"), []byte("x,y\n1,2\n2,4\n3,5\n4,4\n5,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		lines []string          // the last lines of the text output
		json  map[string]string // the JSON fields naming the files
	}{
		{[]string{"fit", "$D/tut.csv", "--solver", "gd", "-o", "$D/m.json", "--checkpoint", "$D/c.json", "--trace", "$D/t.jsonl",
			"--diagnostics", "$D/d.csv", "--plot", "$D/f.svg", "--report", "$D/f.html"},
			[]string{"model written to $D/m.json", "checkpoint written to $D/c.json", "trace written to $D/t.jsonl",
				"diagnostics written to $D/d.csv", "plot written to $D/f.svg", "report written to $D/f.html"},
			map[string]string{"model": "$D/m.json", "checkpoint": "$D/c.json", "trace": "$D/t.jsonl", "diagnostics": "$D/d.csv", "plot": "$D/f.svg", "report": "$D/f.html"}},
		{[]string{"fit", "$D/tut.csv", "--plot", "$D/q.svg"}, []string{"plot written to $D/q.svg"}, map[string]string{"plot": "$D/q.svg"}},
		{[]string{"curve", "$D/tut.csv", "--model", "a*x+b", "--start", "a=1,b=1", "-o", "$D/cm.json", "--plot", "$D/c.svg"},
			[]string{"model written to $D/cm.json", "plot written to $D/c.svg"}, map[string]string{"model_file": "$D/cm.json", "plot": "$D/c.svg"}},
		{[]string{"net", "$D/tut.csv", "--hidden", "2", "--epochs", "3", "-o", "$D/n.json", "--checkpoint", "$D/nc.json", "--trace", "$D/nt.jsonl",
			"--plot", "$D/n.svg", "--report", "$D/n.html"},
			[]string{"model written to $D/n.json", "checkpoint written to $D/nc.json", "trace written to $D/nt.jsonl",
				"plot written to $D/n.svg", "report written to $D/n.html"},
			map[string]string{"model": "$D/n.json", "checkpoint": "$D/nc.json", "trace": "$D/nt.jsonl", "plot": "$D/n.svg", "report": "$D/n.html"}},
		{[]string{"demo", "q5", "--plot", "$D/q5.svg", "--report", "$D/q5.html"},
			[]string{"report written to $D/q5.html", "plot written to $D/q5.svg"}, nil},
	} {
		name := strings.Join(c.args, " ")
		code, stdout, stderr := runLSQ(dir, nil, c.args...)
		if code != ExitOK {
			t.Fatalf("lsq %s: exit %d\n%s", name, code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		want := strings.ReplaceAll(strings.Join(c.lines, "\n"), "$D", dir)
		if len(lines) < len(c.lines) || strings.Join(lines[len(lines)-len(c.lines):], "\n") != want {
			t.Errorf("lsq %s: output ends\n%s\nwant\n%s", name, strings.Join(lines[max(0, len(lines)-len(c.lines)):], "\n"), want)
		}
		if c.json == nil {
			continue
		}
		code, stdout, stderr = runLSQ(dir, nil, append(c.args, "--json")...)
		if code != ExitOK {
			t.Fatalf("lsq %s --json: exit %d\n%s", name, code, stderr)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("lsq %s --json: %v", name, err)
		}
		for k, v := range c.json {
			if w := strings.ReplaceAll(v, "$D", dir); got[k] != w {
				t.Errorf("lsq %s --json: %q = %v, want %q", name, k, got[k], w)
			}
		}
		if strings.Contains(stdout, "written to") {
			t.Errorf("lsq %s --json prints a written line", name)
		}
	}
}
