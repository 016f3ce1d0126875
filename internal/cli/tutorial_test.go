package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateTutorialDocs = flag.Bool("update-tutorial", false, "rewrite the output blocks of docs/tutorial*.md from the commands' actual output")

// The tutorials the docs test runs, relative to the repository root.
var tutorialFiles = []string{"docs/tutorial.md", "docs/tutorial.zh.md"}

// volatile, in an output block of the tutorial, stands for any text within
// its line (a timing, say): the line matches when the rest matches.
const volatile = "[…]"

// docCommand is one checked command block of a tutorial: a ```sh block
// whose lines are commands "$ lsq ...", and the ```text block after it.
type docCommand struct {
	line     int      // 1-based line of the sh block's fence
	commands []string // the command lines without "$ "
	want     string   // the text block
	wantAt   [2]int   // byte offsets of the text block's body in the file
}

var fence = regexp.MustCompile("(?m)^```([a-z]*)\n((?:.*\n)*?)```\n")

// parseTutorial returns the command blocks of a tutorial and its Go blocks.
// A ```sh block that holds "$ " lines must hold only those and be followed,
// after blank lines at most, by a ```text block: a command whose output is
// not shown is an error, so no command goes unchecked.
func parseTutorial(src string) (cmds []docCommand, goBlocks []string, err error) {
	blocks := fence.FindAllStringSubmatchIndex(src, -1)
	for k, b := range blocks {
		lang, body := src[b[2]:b[3]], src[b[4]:b[5]]
		line := 1 + strings.Count(src[:b[0]], "\n")
		switch {
		case lang == "go":
			goBlocks = append(goBlocks, body)
		case lang == "sh" && strings.HasPrefix(body, "$ "):
			c := docCommand{line: line}
			for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
				if !strings.HasPrefix(l, "$ lsq ") {
					return nil, nil, fmt.Errorf("line %d: %q: a command block holds only lines \"$ lsq ...\"", line, l)
				}
				c.commands = append(c.commands, strings.TrimPrefix(l, "$ "))
			}
			if k+1 >= len(blocks) || src[blocks[k+1][2]:blocks[k+1][3]] != "text" || strings.TrimSpace(src[b[1]:blocks[k+1][0]]) != "" {
				return nil, nil, fmt.Errorf("line %d: the command block is not followed by a ```text block with its output", line)
			}
			n := blocks[k+1]
			c.want, c.wantAt = src[n[4]:n[5]], [2]int{n[4], n[5]}
			cmds = append(cmds, c)
		}
	}
	return cmds, goBlocks, nil
}

// splitCommand splits a command line into words as a POSIX shell does for
// the plain words, 'single' and "double" quotes the tutorial uses.
func splitCommand(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case '\'', '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("%s: unclosed %c", s, c)
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// runDocCommand runs one command as a terminal shows it: standard output
// and standard error in the order written, and "[exit N]" after a non-zero
// exit.
func runDocCommand(line string) (string, error) {
	words, err := splitCommand(line)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	code := Main(context.Background(), words[1:], IO{Out: &buf, Err: &buf})
	out := buf.String()
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	if code != ExitOK {
		out += fmt.Sprintf("[exit %d]\n", code)
	}
	return out, nil
}

// outputMatches compares an output block with the actual output line by
// line, trailing spaces ignored, the volatile marker matching any text.
func outputMatches(want, got string) (bool, int) {
	w := strings.Split(strings.TrimRight(want, "\n"), "\n")
	g := strings.Split(strings.TrimRight(got, "\n"), "\n")
	for i := range max(len(w), len(g)) {
		if i >= len(w) || i >= len(g) {
			return false, i + 1
		}
		wl, gl := strings.TrimRight(w[i], " "), strings.TrimRight(g[i], " ")
		if !strings.Contains(wl, volatile) {
			if wl != gl {
				return false, i + 1
			}
			continue
		}
		parts := strings.Split(wl, volatile)
		for k := range parts {
			parts[k] = regexp.QuoteMeta(parts[k])
		}
		if !regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(gl) {
			return false, i + 1
		}
	}
	return true, 0
}

// TestTutorial runs every command of the tutorials, from the repository
// root on the data in docs/data, and compares what it prints with the
// output block the tutorial shows; and checks that every Go block of the
// tutorials is an Example of package tutorial (which go test runs). Run
// with -update-tutorial to rewrite the output blocks after a deliberate
// change (then review the diff).
func TestTutorial(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	t.Setenv("LC_ALL", "C") // the demos' language comes from --lang in the commands
	t.Setenv("LANG", "C")
	examples, err := os.ReadFile(filepath.Join("tutorial", "example_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	exampleLines := normLines(string(examples))
	for _, file := range tutorialFiles {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		src := string(raw)
		cmds, goBlocks, err := parseTutorial(src)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(cmds) < 10 {
			t.Errorf("%s: only %d command blocks; a section per question and exercise has at least one", file, len(cmds))
		}
		updated, shift := src, 0
		for _, c := range cmds {
			var got strings.Builder
			for _, line := range c.commands {
				out, err := runDocCommand(line)
				if err != nil {
					t.Fatalf("%s:%d: %v", file, c.line, err)
				}
				got.WriteString(out)
			}
			if *updateTutorialDocs {
				updated = updated[:c.wantAt[0]+shift] + got.String() + updated[c.wantAt[1]+shift:]
				shift += got.Len() - (c.wantAt[1] - c.wantAt[0])
				continue
			}
			if ok, line := outputMatches(c.want, got.String()); !ok {
				t.Errorf("%s:%d: $ %s\noutput differs from the tutorial at its line %d; it prints:\n%s",
					file, c.line, strings.Join(c.commands, "; "), line, got.String())
			}
		}
		if *updateTutorialDocs && updated != src {
			if err := os.WriteFile(file, []byte(updated), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, g := range goBlocks {
			if !containsLines(exampleLines, normLines(g)) {
				t.Errorf("%s: this Go block is not an Example of tutorial/example_test.go:\n%s", file, g)
			}
		}
	}
}

// normLines returns the non-blank lines of s without surrounding space.
func normLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// containsLines reports whether sub occurs in lines as a contiguous run.
func containsLines(lines, sub []string) bool {
	if len(sub) == 0 {
		return false
	}
	for i := 0; i+len(sub) <= len(lines); i++ {
		ok := true
		for j := range sub {
			if lines[i+j] != sub[j] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// TestTutorialCheckFails makes sure the docs test can fail: an output
// block with one digit changed, a line dropped or a line added does not
// match; the volatile marker matches any text but only within its line.
func TestTutorialCheckFails(t *testing.T) {
	got := "slope 0.696355   intercept 1.852128\nfit time 0.0123 s\n[exit 3]\n"
	for _, c := range []struct {
		want string
		ok   bool
	}{
		{got, true},
		{"slope 0.696355   intercept 1.852128\nfit time [volatile] s\n[exit 3]\n", false},
		{"slope 0.696355   intercept 1.852128\nfit time " + volatile + " s\n[exit 3]\n", true},
		{"slope 0.696356   intercept 1.852128\nfit time " + volatile + " s\n[exit 3]\n", false},
		{"slope 0.696355   intercept 1.852128\nfit time " + volatile + " s\n", false},
		{"slope 0.696355   intercept 1.852128\n" + volatile + "\n", false},
		{got + "more\n", false},
	} {
		if ok, _ := outputMatches(c.want, got); ok != c.ok {
			t.Errorf("want %q: match %v, expected %v", c.want, ok, c.ok)
		}
	}
	// A command without its output is refused.
	if _, _, err := parseTutorial("```sh\n$ lsq demo\n```\n\ntext\n"); err == nil {
		t.Error("a command block without output was accepted")
	}
	words, err := splitCommand(`lsq curve f.csv --model "b1*(1-exp(-b2*x))" --start 'a=1,b=2'`)
	if err != nil || len(words) != 7 || words[4] != "b1*(1-exp(-b2*x))" || words[6] != "a=1,b=2" {
		t.Errorf("split: %q, %v", words, err)
	}
}

// TestTutorialNumPy: the tutorials show the output of the tutorial's own
// code under NumPy (bench/peers/tutorial_numpy.py, committed in
// testdata/tutorial_numpy.txt) as it is, and lsq's textbook run agrees with
// NumPy's fixed run to the six decimals NumPy printed.
func TestTutorialNumPy(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "tutorial_numpy.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range tutorialFiles {
		doc, err := os.ReadFile(filepath.Join("..", "..", file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), "```\n"+string(want)+"```\n") {
			t.Errorf("%s does not show testdata/tutorial_numpy.txt as it is", file)
		}
	}
	var icpt, slope float64
	for _, line := range strings.Split(string(want), "\n") {
		if strings.HasPrefix(line, "theta = np.zeros(2): ") {
			fmt.Sscanf(strings.TrimPrefix(line, "theta = np.zeros(2): "), "intercept %g slope %g", &icpt, &slope)
		}
	}
	if !strings.Contains(string(want), "Cannot cast ufunc 'subtract' output from dtype('float64') to dtype('int64')") {
		t.Errorf("NumPy's output lacks the casting error of integer parameters")
	}
	out := demoOut(t, "demo", "--lang", "en")
	if w := fmt.Sprintf("slope %.6f   intercept %.6f", slope, icpt); !strings.Contains(out, w) || slope == 0 {
		t.Errorf("lsq demo does not print NumPy's %q", w)
	}
}
