package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// anovaRows runs lsq anova with --json and returns its rows.
func anovaRows(t *testing.T, dir string, args ...string) []anovaRowOut {
	t.Helper()
	code, stdout, stderr := runLSQ(dir, nil, append(append([]string{"anova"}, args...), "--json")...)
	if code != ExitOK {
		t.Fatalf("anova %v: exit %d: %s", args, code, stderr)
	}
	var out struct {
		Anova []anovaRowOut `json:"anova"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	return out.Anova
}

// TestAnovaFormulaModels: models fitted from formulas (a factor and an
// interaction) are compared on their own designs, rebuilt from the file
// as predict rebuilds them (it read the formula's column names, gv or a:b,
// as columns of the file and failed). The table equals that of the same
// models fitted by --features on a file holding the design's columns
// (the factor's dummies and the product), to the bit (the design holds the
// same floats in the same order), with and without weights; and on a file with missing values it equals the table
// on the file without those rows, exactly: every model is refitted to the
// rows all of them can use.
func TestAnovaFormulaModels(t *testing.T) {
	dir := t.TempDir()
	rows := writeFactorData(t, dir, 60, 51)
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fit := func(args ...string) {
		if code, _, stderr := runLSQ(dir, nil, append([]string{"fit"}, args...)...); code != ExitOK {
			t.Fatalf("fit %v: %s", args, stderr)
		}
	}
	fit("$D/raw.csv", "--formula", "y ~ a", "-o", "$D/f1.json")
	fit("$D/raw.csv", "--formula", "y ~ a*b + g", "-o", "$D/f2.json")
	fit("$D/design.csv", "--target", "y", "--features", "a", "-o", "$D/d1.json")
	fit("$D/design.csv", "--target", "y", "--features", "a,b,gv,gw,ab", "-o", "$D/d2.json")
	for _, weights := range [][]string{nil, {"--weights", "w"}} {
		got := anovaRows(t, dir, append([]string{"$D/f1.json", "$D/f2.json", "$D/raw.csv"}, weights...)...)
		want := anovaRows(t, dir, append([]string{"$D/d1.json", "$D/d2.json", "$D/design.csv"}, weights...)...)
		if len(got) != 2 || got[1].ResDF != want[1].ResDF || got[1].DF != want[1].DF {
			t.Fatalf("%v: rows %+v, want %+v", weights, got, want)
		}
		for k := range got {
			for _, q := range [][2]jsonFloat{{got[k].RSS, want[k].RSS}, {got[k].SumSq, want[k].SumSq}, {got[k].F, want[k].F}, {got[k].PValue, want[k].PValue}} {
				g, w := float64(q[0]), float64(q[1])
				if !(math.IsNaN(g) && math.IsNaN(w)) && g != w {
					t.Errorf("%v row %d: %v, from the design's columns %v", weights, k, g, w)
				}
			}
		}
		if got[1].Model != "y ~ a + b + g + a:b" {
			t.Errorf("model named %q, want the formula", got[1].Model)
		}
	}
	// An offset: y ~ a + offset(b) is least squares of y − b on a (lm's
	// fit), so its table is that of the models of a column yb = y − b,
	// to the bit (the same subtraction, printed and read back exactly).
	var off strings.Builder
	off.WriteString("a,b,g,w,y,yb\n")
	for _, r := range rows {
		f := strings.Split(r, ",")
		var b, y float64
		fmt.Sscan(f[1], &b)
		fmt.Sscan(f[4], &y)
		fmt.Fprintf(&off, "%s,%v\n", r, y-b)
	}
	write("off.csv", off.String())
	fit("$D/off.csv", "--formula", "y ~ a + offset(b)", "-o", "$D/o1.json")
	fit("$D/off.csv", "--formula", "y ~ a + g + offset(b)", "-o", "$D/o2.json")
	fit("$D/off.csv", "--formula", "yb ~ a", "-o", "$D/y1.json")
	fit("$D/off.csv", "--formula", "yb ~ a + g", "-o", "$D/y2.json")
	got := anovaRows(t, dir, "$D/o1.json", "$D/o2.json", "$D/off.csv")
	want := anovaRows(t, dir, "$D/y1.json", "$D/y2.json", "$D/off.csv")
	for k := range got {
		g, w := got[k], want[k]
		if g.ResDF != w.ResDF || g.RSS != w.RSS || g.DF != w.DF || g.SumSq != w.SumSq || g.F != w.F && !math.IsNaN(float64(g.F)) {
			t.Errorf("offset row %d: %+v, on y − b %+v", k, g, w)
		}
	}
	if got[1].F <= 0 {
		t.Errorf("offset: F %v", got[1].F)
	}

	// Missing values: b missing in row 3 (only the larger model reads it)
	// and g in row 8.
	var holes, kept strings.Builder
	holes.WriteString("a,b,g,w,y\n")
	kept.WriteString("a,b,g,w,y\n")
	for i, r := range rows {
		f := strings.Split(r, ",")
		switch i {
		case 3:
			f[1] = "NA"
		case 8:
			f[2] = ""
		default:
			kept.WriteString(r + "\n")
		}
		holes.WriteString(strings.Join(f, ",") + "\n")
	}
	write("holes.csv", holes.String())
	write("kept.csv", kept.String())
	got = anovaRows(t, dir, "$D/f1.json", "$D/f2.json", "$D/holes.csv")
	want = anovaRows(t, dir, "$D/f1.json", "$D/f2.json", "$D/kept.csv")
	same := func(a, b jsonFloat) bool { return math.Float64bits(float64(a)) == math.Float64bits(float64(b)) }
	for k := range got {
		g, w := got[k], want[k]
		if g.Model != w.Model || g.ResDF != w.ResDF || !same(g.RSS, w.RSS) || !same(g.DF, w.DF) || !same(g.SumSq, w.SumSq) || !same(g.F, w.F) || !same(g.PValue, w.PValue) {
			t.Errorf("row %d with missing values %+v, on the file without those rows %+v", k, g, w)
		}
	}
}

// writeFactorData writes n rows of y = 1 + 2a − b + 0.4ab + 0.3·level + noise
// with a three-level factor g (u, v, w) and weights w, twice: raw.csv with
// the raw columns a, b, g, w, y, and design.csv with the columns R's
// model.matrix(y ~ a*b + g) makes of them (a, b, gv, gw, ab = a·b), plus
// gu, w and y. It returns raw.csv's data lines.
func writeFactorData(t *testing.T, dir string, n int, seed uint64) []string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	var raw, design strings.Builder
	raw.WriteString("a,b,g,w,y\n")
	design.WriteString("a,b,gu,gv,gw,ab,w,y\n")
	levels := []string{"u", "v", "w"}
	var rows []string
	for i := range n {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		g := levels[i%3]
		w := 0.5 + rng.Float64()
		y := 1 + 2*a - b + 0.4*a*b + 0.3*float64(i%3) + rng.NormFloat64()
		row := fmt.Sprintf("%v,%v,%s,%v,%v", a, b, g, w, y)
		rows = append(rows, row)
		raw.WriteString(row + "\n")
		dummy := [3]float64{}
		dummy[i%3] = 1
		fmt.Fprintf(&design, "%v,%v,%v,%v,%v,%v,%v,%v\n", a, b, dummy[0], dummy[1], dummy[2], a*b, w, y)
	}
	for name, body := range map[string]string{"raw.csv": raw.String(), "design.csv": design.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return rows
}
