package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readmeExamples are the Example files the Go blocks of README.md are taken
// from.
var readmeExamples = []string{"fit/example_test.go", "fit/example_files_test.go", "modelio/example_test.go"}

// TestREADMEGoBlocks checks that every Go block of README.md is a run of
// lines of one of the Examples go test runs (blank lines and indentation
// aside), so the README's Go cannot fall out of date: a changed call, field
// or output there fails here. A block with one line changed is refused, so
// the check can fail.
func TestREADMEGoBlocks(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var examples [][]string
	for _, f := range readmeExamples {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		examples = append(examples, normLines(string(b)))
	}
	inExample := func(block []string) bool {
		for _, ex := range examples {
			if containsLines(ex, block) {
				return true
			}
		}
		return false
	}
	blocks := 0
	for _, m := range fence.FindAllStringSubmatch(string(readme), -1) {
		if m[1] != "go" {
			continue
		}
		blocks++
		block := normLines(m[2])
		if !inExample(block) {
			t.Errorf("README.md: this Go block is not a run of lines of %s:\n%s", strings.Join(readmeExamples, ", "), m[2])
			continue
		}
		changed := append([]string(nil), block...)
		changed[len(changed)-1] += " // changed"
		if inExample(changed) {
			t.Errorf("a changed block passes the check:\n%s", strings.Join(changed, "\n"))
		}
	}
	if blocks < 3 {
		t.Errorf("README.md has %d Go blocks; the library section shows at least 3 (in memory, streamed from files, saved and loaded)", blocks)
	}
}
