package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// naTrain is a small training file: x1, x2, a curve target y, two linear
// targets y1 and y2, and a column no model reads. Its values are smooth
// functions of the row with a wiggle, so that every fit is determined.
func naTrain(n int) string {
	var b strings.Builder
	b.WriteString("x1,x2,y,y1,y2,note\n")
	for i := range n {
		x1, x2 := 0.1*float64(i+1), math.Sin(float64(i))
		y := 3*(1-math.Exp(-0.8*x1)) + 0.05*math.Cos(7*float64(i))
		y1 := 2 + 1.5*x1 - x2 + 0.1*math.Cos(5*float64(i))
		y2 := -1 + 0.5*x1 + 2*x2 + 0.1*math.Sin(3*float64(i))
		fmt.Fprintf(&b, "%.6g,%.6g,%.6g,%.6g,%.6g,n%d\n", x1, x2, y, y1, y2, i)
	}
	return b.String()
}

// naHoles are the missing cells put into the test file: data row (1-based)
// → column → cell. Every missing-value spelling appears, -999 only with
// --na-values -999, and row 13's hole is in a column no model reads.
var naHoles = map[int]map[string]string{
	2:  {"x1": ""},
	5:  {"x2": "NA"},
	7:  {"y": "NaN"},
	9:  {"y2": "null"},
	11: {"x2": "-999"},
	13: {"note": ""},
	15: {"x1": "NULL", "y1": "NA"},
}

// naFiles writes the training file's first 20 rows with the holes, and
// returns its records.
func naFiles(t *testing.T, dir string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(naTrain(20))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for row, cells := range naHoles {
		for col, v := range cells {
			recs[row][slices.Index(recs[0], col)] = v
		}
	}
	writeRecords(t, filepath.Join(dir, "holes.csv"), recs)
	return recs
}

func writeRecords(t *testing.T, path string, recs [][]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// without returns the records without the given data rows (1-based).
func without(recs [][]string, rows []int) [][]string {
	var out [][]string
	for i, r := range recs {
		if !slices.Contains(rows, i) {
			out = append(out, r)
		}
	}
	return out
}

// naKind is one kind of model and the rows its predict and eval leave
// out of holes.csv: those with a hole in a column it reads (predict), or
// in one of those or a target (eval).
type naKind struct {
	name        string
	fit         []string
	predictDrop []int
	evalDrop    []int
	byColumn    map[string]int // eval's count of holes by column
}

var naKinds = []naKind{
	{"linear", []string{"fit", "$D/train.csv", "--target", "y", "--features", "x1,x2"},
		[]int{2, 5, 11, 15}, []int{2, 5, 7, 11, 15}, map[string]int{"x1": 2, "x2": 2, "y": 1}},
	// The curve reads x1 only: a hole in x2 does not count.
	{"curve", []string{"curve", "$D/train.csv", "--target", "y", "--model", "a*(1-exp(-b*x1))", "--start", "a=1,b=1"},
		[]int{2, 15}, []int{2, 7, 15}, map[string]int{"x1": 2, "y": 1}},
	{"net", []string{"net", "$D/train.csv", "--target", "y", "--features", "x1,x2", "--hidden", "3", "--epochs", "20", "--seed", "1"},
		[]int{2, 5, 11, 15}, []int{2, 5, 7, 11, 15}, map[string]int{"x1": 2, "x2": 2, "y": 1}},
	{"targets", []string{"fit", "$D/train.csv", "--target", "y1,y2", "--features", "x1,x2"},
		[]int{2, 5, 11, 15}, []int{2, 5, 9, 11, 15}, map[string]int{"x1": 2, "x2": 2, "y1": 1, "y2": 1}},
}

// TestMissingValuesEveryModel: predict and eval treat missing values
// alike for a linear, a curve, a network and a several-target model. With
// --na drop (and by default) the predictions on holes.csv are exactly
// those on the same file without the rows holding a hole in a column the
// model reads, with an empty prediction at those rows; eval's metrics are
// exactly those of the file without the rows holding a hole in an input or
// a target; --na error stops at the first hole, naming its cell.
// "Exactly": each row's prediction is the same arithmetic on the same
// parsed numbers whichever rows are around it, so the bits agree.
func TestMissingValuesEveryModel(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "train.csv"), []byte(naTrain(40)), 0o644); err != nil {
		t.Fatal(err)
	}
	recs := naFiles(t, dir)
	na := []string{"--na-values", "-999"}
	for _, k := range naKinds {
		t.Run(k.name, func(t *testing.T) {
			model := filepath.Join(dir, k.name+".json")
			if code, _, errs := runLSQ(dir, nil, append(k.fit, "-o", model)...); code != ExitOK && code != ExitNotConverged {
				t.Fatalf("%v: exit %d: %s", k.fit, code, errs)
			}
			pfile := filepath.Join(dir, k.name+"-p.csv")
			writeRecords(t, pfile, without(recs, k.predictDrop))
			_, want, _ := runOK(t, dir, "predict", model, pfile)
			for _, flags := range [][]string{{"--na", "drop"}, nil, {"--na", "omit"}} {
				_, got, errs := runOK(t, dir, append([]string{"predict", model, "$D/holes.csv"}, append(flags, na...)...)...)
				checkHoleyPredictions(t, got, want, k.predictDrop, len(recs)-1)
				if msg := fmt.Sprintf("holes.csv: %d of %d rows have a missing value (", len(k.predictDrop), len(recs)-1); !strings.Contains(errs, msg) || !strings.Contains(errs, "): their predictions are empty; --na error to stop instead\n") {
					t.Errorf("predict %v: stderr %q, want %q", flags, errs, msg)
				}
			}
			checkKeep(t, dir, model, recs, k.predictDrop)
			if k.name == "linear" || k.name == "curve" { // the kinds with intervals
				_, want, _ := runOK(t, dir, "predict", model, pfile, "--interval", "confidence")
				_, got, _ := runOK(t, dir, append([]string{"predict", model, "$D/holes.csv", "--interval", "confidence"}, na...)...)
				checkHoleyPredictions(t, got, want, k.predictDrop, len(recs)-1)
			}

			efile := filepath.Join(dir, k.name+"-e.csv")
			writeRecords(t, efile, without(recs, k.evalDrop))
			_, want, _ = runOK(t, dir, "eval", model, efile, "--json")
			_, got, errs := runOK(t, dir, append([]string{"eval", model, "$D/holes.csv", "--json"}, na...)...)
			checkHoleyScores(t, got, want, k)
			if msg := fmt.Sprintf("holes.csv: %d of %d rows have a missing value (", len(k.evalDrop), len(recs)-1); !strings.Contains(errs, msg) || !strings.Contains(errs, "): dropped; --na error to stop instead\n") {
				t.Errorf("eval: stderr %q, want %q", errs, msg)
			}

			for _, cmd := range []string{"predict", "eval"} {
				code, out, errs := runLSQ(dir, nil, cmd, model, "$D/holes.csv", "--na", "error")
				if want := `holes.csv:3:1: missing value ""; drop such rows with --na drop, or fill them in (column "x1")`; code != ExitFailure || out != "" || !strings.Contains(errs, want) {
					t.Errorf("%s --na error: exit %d, stdout %q, stderr %q; want %s", cmd, code, out, errs, want)
				}
			}
		})
	}
}

func runOK(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	code, out, errs := runLSQ(dir, nil, args...)
	if code != ExitOK {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	return code, out, errs
}

// checkHoleyPredictions: got has an empty prediction at the dropped rows
// and, at the others in order, the lines of want.
func checkHoleyPredictions(t *testing.T, got, want string, drop []int, n int) {
	t.Helper()
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	if len(g) != n+2 || len(w) != n-len(drop)+2 || g[0] != w[0] {
		t.Fatalf("%d lines (header %q), want %d (header %q):\n%s", len(g), g[0], n+2, w[0], got)
	}
	empty := `""` // a lone empty field
	if strings.Contains(g[0], ",") {
		empty = strings.Repeat(",", strings.Count(g[0], ","))
	}
	j := 1
	for i := 1; i <= n; i++ {
		if slices.Contains(drop, i) {
			if g[i] != empty {
				t.Errorf("row %d: %q, want %q", i, g[i], empty)
			}
			continue
		}
		if g[i] != w[j] {
			t.Errorf("row %d: %q, want %q (the same file without the rows with holes)", i, g[i], w[j])
		}
		j++
	}
}

// checkKeep: with --keep each row is the input's record followed by its
// prediction, empty at the dropped rows.
func checkKeep(t *testing.T, dir, model string, recs [][]string, drop []int) {
	t.Helper()
	_, plain, _ := runOK(t, dir, "predict", model, "$D/holes.csv", "--na-values", "-999")
	_, kept, _ := runOK(t, dir, "predict", model, "$D/holes.csv", "--na-values", "-999", "--keep")
	p, err := csv.NewReader(strings.NewReader(plain)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rd := csv.NewReader(strings.NewReader(kept))
	rd.FieldsPerRecord = -1
	k, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(k) != len(recs) {
		t.Fatalf("--keep: %d records, want %d", len(k), len(recs))
	}
	for i, r := range k {
		want := slices.Concat(recs[i], p[i])
		if i == 0 { // a target the input holds too is written predicted_NAME
			want = slices.Concat(recs[0], keptNames(recs[0], p[0]))
		}
		if i > 0 && slices.Contains(drop, i) && slices.ContainsFunc(p[i], func(s string) bool { return s != "" }) {
			t.Errorf("--keep row %d: prediction %q at a dropped row", i, p[i])
		}
		if !slices.Equal(r, want) {
			t.Errorf("--keep row %d: %q, want %q", i, r, want)
		}
	}
}

// checkHoleyScores: eval on holes.csv gives the metrics of the file
// without the rows with holes, and counts those rows by column.
func checkHoleyScores(t *testing.T, got, want string, k naKind) {
	t.Helper()
	var g, w targetScores
	if k.name != "targets" {
		var gs, ws scores
		if json.Unmarshal([]byte(got), &gs) != nil || json.Unmarshal([]byte(want), &ws) != nil {
			t.Fatalf("eval --json: %s / %s", got, want)
		}
		g = targetScores{Scores: []scores{gs}, Missing: gs.Missing}
		g.Scores[0].Missing = nil
		w = targetScores{Scores: []scores{ws}, Missing: ws.Missing}
	} else if json.Unmarshal([]byte(got), &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
		t.Fatalf("eval --json: %s / %s", got, want)
	}
	if w.Missing != nil || len(g.Scores) != len(w.Scores) {
		t.Fatalf("eval: %s, want %s", got, want)
	}
	for i := range w.Scores {
		if g.Scores[i] != w.Scores[i] {
			t.Errorf("eval, target %d: %+v, want %+v (the same file without the rows with holes)", i, g.Scores[i], w.Scores[i])
		}
	}
	if m := g.Missing; m == nil || m.Action != "drop" || m.Dropped != len(k.evalDrop) || !maps.Equal(m.ByColumn, k.byColumn) {
		t.Errorf("eval: missing %+v, want %d rows dropped, by column %v", m, len(k.evalDrop), k.byColumn)
	}
}

// TestMissingValuesPredictErrors: the messages of predict and eval on
// missing values are the same for every kind of model: a file whose every
// row misses an input names a cell and says the model reads that column;
// a target of words names its first word.
func TestMissingValuesPredictErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "train.csv"), []byte(naTrain(40)), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"allna.csv": "x1,x2,y,y1,y2\n,1,1,1,1\nNA,2,2,2,2\n",
		"words.csv": "x1,x2,y,y1,y2\n1,1,NA,NA,1\n2,2,b,c,2\n", // y and y1 hold words only
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range naKinds {
		model := filepath.Join(dir, k.name+".json")
		if code, _, errs := runLSQ(dir, nil, append(k.fit, "-o", model)...); code != ExitOK && code != ExitNotConverged {
			t.Fatalf("%v: exit %d: %s", k.fit, code, errs)
		}
		target := map[string]string{"targets": "y1"}[k.name]
		if target == "" {
			target = "y"
		}
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"predict", model, "$D/allna.csv"}, `allna.csv:2:1: no rows left: every row has a missing value in a column the model uses (this one: ""); fill them in: the model reads every one of these columns (column "x1")`},
			{[]string{"eval", model, "$D/allna.csv"}, `allna.csv:2:1: no rows left`},
			{[]string{"eval", model, "$D/words.csv"}, fmt.Sprintf(`words.csv:3:%d: %q is not a number (column %q); it must hold numbers; name a numeric column`,
				map[string]int{"y": 3, "y1": 4}[target], map[string]string{"y": "b", "y1": "c"}[target], target)},
		} {
			code, out, errs := runLSQ(dir, nil, c.args...)
			if code != ExitFailure || out != "" || !strings.Contains(errs, c.want) {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want %s", k.name, c.args, code, out, errs, c.want)
			}
		}
	}
	// A curve of its parameters alone reads no column: the numeric reader
	// reads them all, and says so at a missing value.
	if code, _, errs := runLSQ(dir, nil, "curve", "$D/train.csv", "--target", "y", "--model", "a", "--start", "a=1", "-o", "$D/const.json"); code != ExitOK {
		t.Fatalf("curve --model a: exit %d: %s", code, errs)
	}
	want := `allna.csv:2:1: empty value in column "x1"; the model reads no data column, so every column is read as numbers; fill in the value or remove its column`
	if code, out, errs := runLSQ(dir, nil, "predict", "$D/const.json", "$D/allna.csv"); code != ExitFailure || out != "" || !strings.Contains(errs, want) {
		t.Errorf("constant curve: exit %d, stdout %q, stderr %q; want %s", code, out, errs, want)
	}
	want = "--na-values: the model a reads no data column"
	if code, _, errs := runLSQ(dir, nil, "predict", "$D/const.json", "$D/allna.csv", "--na-values", "-999"); code != ExitUsage || !strings.Contains(errs, want) {
		t.Errorf("constant curve --na-values: exit %d, stderr %q; want %s", code, errs, want)
	}
}

// TestMissingPredWeights: --pred-weights' column counts as an input of the
// intervals: a row missing its weight gets an empty interval, counted,
// and the other rows' intervals are those of the file without that row.
func TestMissingPredWeights(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "train.csv"), []byte(naTrain(40)), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"w.csv":  "x1,x2,w\n1,0.5,1\n2,0.1,NA\n0.3,-0.4,2\n",
		"w2.csv": "x1,x2,w\n1,0.5,1\n0.3,-0.4,2\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range naKinds[:2] { // linear and curve: the kinds with intervals
		model := filepath.Join(dir, k.name+".json")
		if code, _, errs := runLSQ(dir, nil, append(k.fit, "-o", model)...); code != ExitOK {
			t.Fatalf("%v: exit %d: %s", k.fit, code, errs)
		}
		args := []string{"--interval", "prediction", "--pred-weights", "w"}
		_, want, _ := runOK(t, dir, append([]string{"predict", model, "$D/w2.csv"}, args...)...)
		_, got, errs := runOK(t, dir, append([]string{"predict", model, "$D/w.csv"}, args...)...)
		checkHoleyPredictions(t, got, want, []int{2}, 3)
		if !strings.Contains(errs, "w.csv: 1 of 3 rows have a missing value (w 1): their predictions are empty") {
			t.Errorf("%s: stderr %q", k.name, errs)
		}
	}
}

// TestMissingValueLineShared: predict, eval and fit word the same rows with
// a missing value in one line, "FILE: k of n rows have a missing value
// (col count, …): FATE; --na error to stop instead", differing only in
// what became of the rows: predict keeps them with an empty prediction,
// eval and fit drop them.
func TestMissingValueLineShared(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "train.csv"), []byte(naTrain(40)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Holes in inputs only (rows 2 and 4, x1 and x2), so that predict and
	// eval leave out the same rows.
	holes := "x1,x2,y\n0.1,0.5,1\nNA,0.2,1.2\n0.3,0.1,1.5\n0.4,,1.7\n0.5,0.3,1.9\n"
	if err := os.WriteFile(filepath.Join(dir, "holes.csv"), []byte(holes), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "m.json")
	runOK(t, dir, "fit", "$D/train.csv", "--target", "y", "--features", "x1,x2", "-o", model)
	const common = "lsq: $D/holes.csv: 2 of 5 rows have a missing value (x1 1, x2 1): "
	want := func(fate string) string {
		return strings.ReplaceAll(common, "$D", dir) + fate + "; --na error to stop instead\n"
	}
	for _, c := range []struct {
		args []string
		fate string
	}{
		{[]string{"predict", model, "$D/holes.csv"}, "their predictions are empty"},
		{[]string{"eval", model, "$D/holes.csv"}, "dropped"},
		{[]string{"fit", "$D/holes.csv", "--target", "y"}, "dropped"},
	} {
		_, _, errs := runOK(t, dir, c.args...)
		if errs != want(c.fate) {
			t.Errorf("lsq %s: stderr %q, want %q", strings.Join(c.args, " "), errs, want(c.fate))
		}
	}
}
