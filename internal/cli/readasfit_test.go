package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/modelio"
)

// TestNetTextColumn: lsq net of one target reads its data as lsq fit does:
// a text column becomes its dummies (g → gv, gw) and the model file keeps
// the design, from which predict rebuilds them on the raw file. Trained
// with one seed on the raw file and on a file holding the same columns as
// numbers, the two networks are the same bits, and so are their
// predictions, each from its own file. A row with a missing value is
// dropped (R's na.omit), as in lsq fit; several targets still read plain
// numeric columns, and --na with them is refused.
func TestNetTextColumn(t *testing.T) {
	dir := t.TempDir()
	writeFactorData(t, dir, 60, 71)
	train := func(file string, extra ...string) *modelio.Model {
		t.Helper()
		out := "$D/" + strings.TrimSuffix(file, ".csv") + ".json"
		args := append([]string{"net", "$D/" + file, "--target", "y", "--hidden", "4", "--activation", "tanh", "--epochs", "15", "--quiet", "-o", out}, extra...)
		if code, _, stderr := runLSQ(dir, nil, args...); code != ExitOK && code != 3 {
			t.Fatalf("net %s: exit %d: %s", file, code, stderr)
		}
		m, err := modelio.Load(strings.ReplaceAll(out, "$D", dir))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	raw := train("raw.csv")
	des := train("design.csv", "--features", "a,b,gv,gw,w")
	if strings.Join(raw.Features, ",") != "a,b,gv,gw,w" {
		t.Fatalf("features %v, want a,b,gv,gw,w", raw.Features)
	}
	for i, p := range raw.Net.Params {
		if math.Float64bits(p) != math.Float64bits(des.Net.Params[i]) {
			t.Fatalf("parameter %d: %v from the text column, %v from its dummies", i, p, des.Net.Params[i])
		}
	}
	predict := func(model, file string) string {
		t.Helper()
		code, stdout, stderr := runLSQ(dir, nil, "predict", "$D/"+model, "$D/"+file)
		if code != ExitOK {
			t.Fatalf("predict %s: %s", model, stderr)
		}
		return stdout
	}
	if a, b := predict("raw.json", "raw.csv"), predict("design.json", "design.csv"); a != b {
		t.Errorf("predictions from the raw file differ from those of the design's columns:\n%.200s\n%.200s", a, b)
	}
	// A missing value: the row is dropped, as from a file without it.
	b, err := os.ReadFile(filepath.Join(dir, "raw.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	holed := slices.Clone(lines)
	f := strings.Split(holed[5], ",")
	f[1] = "NA" // b
	holed[5] = strings.Join(f, ",")
	write := func(name string, ls []string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(ls, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("holed.csv", holed)
	write("without.csv", slices.Delete(slices.Clone(lines), 5, 6))
	h, w := train("holed.csv"), train("without.csv")
	for i, p := range h.Net.Params {
		if math.Float64bits(p) != math.Float64bits(w.Net.Params[i]) {
			t.Fatalf("parameter %d: %v with a missing value, %v without its row", i, p, w.Net.Params[i])
		}
	}
	code, _, stderr := runLSQ(dir, nil, "net", "$D/design.csv", "--target", "y,w", "--na", "error", "--epochs", "2")
	if code != ExitUsage || !strings.Contains(stderr, "--na and --na-values apply to a network of one target") {
		t.Errorf("several targets with --na: exit %d, %q", code, stderr)
	}
}

// TestLRFindReadsAsFit: lsq lr-find reads its data as lsq fit does (a text
// column's dummies, --formula), so the range test runs on the problem the
// fit will solve: on the raw file it gives the bits it gives on a file
// holding the dummies as numbers (it said the text was not a number), and
// with --formula those of the formula's columns.
func TestLRFindReadsAsFit(t *testing.T) {
	dir := t.TempDir()
	writeFactorData(t, dir, 60, 81)
	run := func(args ...string) map[string]any {
		t.Helper()
		code, stdout, stderr := runLSQ(dir, nil, append(append([]string{"lr-find"}, args...), "--json")...)
		if code != ExitOK {
			t.Fatalf("lr-find %v: exit %d: %s", args, code, stderr)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatal(err)
		}
		delete(out, "file")
		return out
	}
	same := func(what string, a, b map[string]any) {
		t.Helper()
		for _, k := range []string{"n", "losses", "smoothed", "suggested_lr", "L"} {
			if fmt.Sprint(a[k]) != fmt.Sprint(b[k]) {
				t.Errorf("%s: %s %v, want %v", what, k, a[k], b[k])
			}
		}
	}
	raw := run("$D/raw.csv", "--target", "y")
	num := run("$D/design.csv", "--target", "y", "--features", "a,b,gv,gw,w")
	same("text column", raw, num)
	if fmt.Sprint(raw["features"]) != "[a b gv gw w]" {
		t.Errorf("features %v, want a b gv gw w", raw["features"])
	}
	same("formula", run("$D/raw.csv", "--formula", "y ~ a*b + g"), run("$D/design.csv", "--target", "y", "--features", "a,b,gv,gw,ab"))
}
