package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCVFoldIDGlmnet: lsq cv --foldid on the folds stored with the enet
// peer data reproduces cv.glmnet(foldid = fold) (testdata/enet/glmnet.json,
// written by bench/peers/enet_reference.R).
func TestCVFoldIDGlmnet(t *testing.T) {
	var ref struct {
		CV struct {
			Lambda, Cvm, Cvsd []float64
			LambdaMin         float64 `json:"lambda_min"`
			Lambda1SE         float64 `json:"lambda_1se"`
		}
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "enet", "glmnet.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join("..", "..", "testdata", "enet", "data.csv")
	code, out, errs := runLSQ(dir, nil, "cv", file, "--target", "y", "--features", "x1,x2,x3,x4,x5,x6,x7,x8",
		"--foldid", "fold", "--tol", "1e-13", "--save-folds", "$D/folds.csv", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Alphas, CVMean, CVSE []float64
		AlphaMin             float64 `json:"alpha_min"`
		Alpha1SE             float64 `json:"alpha_1se"`
	}
	got.CVMean, got.CVSE = nil, nil
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(raw["alphas"], &got.Alphas)
	json.Unmarshal(raw["cv_mean"], &got.CVMean)
	json.Unmarshal(raw["cv_se"], &got.CVSE)
	json.Unmarshal(raw["alpha_min"], &got.AlphaMin)
	json.Unmarshal(raw["alpha_1se"], &got.Alpha1SE)
	if string(raw["folds"]) != "5" { // the fold column holds 1…5
		t.Errorf("folds %s, want 5", raw["folds"])
	}
	// 1e-6 relative, as the enet package's glmnet test (peerTol): glmnet
	// stops each fit at thresh = 1e-14 on its own criterion; the curve
	// agrees to 3e-8 (mean) and 3e-7 (standard error) here.
	if len(got.Alphas) != len(ref.CV.Lambda) {
		t.Fatalf("%d alphas, glmnet %d", len(got.Alphas), len(ref.CV.Lambda))
	}
	for k := range got.Alphas {
		if !relClose(got.Alphas[k], ref.CV.Lambda[k], 1e-12) || !relClose(got.CVMean[k], ref.CV.Cvm[k], 1e-6) || !relClose(got.CVSE[k], ref.CV.Cvsd[k], 1e-6) {
			t.Errorf("α[%d] %v: cvm %v se %v; glmnet λ %v cvm %v cvsd %v", k, got.Alphas[k], got.CVMean[k], got.CVSE[k], ref.CV.Lambda[k], ref.CV.Cvm[k], ref.CV.Cvsd[k])
		}
	}
	if !relClose(got.AlphaMin, ref.CV.LambdaMin, 1e-12) || !relClose(got.Alpha1SE, ref.CV.Lambda1SE, 1e-12) {
		t.Errorf("α_min %v α_1se %v, glmnet %v %v", got.AlphaMin, got.Alpha1SE, ref.CV.LambdaMin, ref.CV.Lambda1SE)
	}
	// --save-folds writes the folds given, numbered from 1 as the column.
	saved, err := os.ReadFile(filepath.Join(dir, "folds.csv"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(file)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	folds := strings.Split(strings.TrimSpace(string(saved)), "\n")
	if len(folds) != len(lines) || folds[0] != "row,fold" {
		t.Fatalf("folds.csv has %d lines, data %d", len(folds), len(lines))
	}
	for i := 1; i < len(lines); i++ {
		f := lines[i][strings.LastIndexByte(lines[i], ',')+1:]
		if folds[i] != strconv.Itoa(i)+","+f {
			t.Fatalf("line %d: %q, fold column %q", i, folds[i], f)
		}
	}
}

// TestCVSaveFoldsRoundTrip: the folds written by --save-folds, given back
// with --foldid, give the same curve bit for bit.
func TestCVSaveFoldsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join("..", "..", "testdata", "enet", "data.csv")
	args := []string{"--target", "y", "--features", "x1,x2,x3,x4,x5,x6,x7,x8", "--json"}
	code, out1, errs := runLSQ(dir, nil, append([]string{"cv", file, "--folds", "5", "--seed", "7", "--save-folds", "$D/f.csv"}, args...)...)
	if code != ExitOK {
		t.Fatal(errs)
	}
	data, _ := os.ReadFile(file)
	folds, _ := os.ReadFile(filepath.Join(dir, "f.csv"))
	dl := strings.Split(strings.TrimSpace(string(data)), "\n")
	fl := strings.Split(strings.TrimSpace(string(folds)), "\n")
	var b strings.Builder
	for i := range dl {
		b.WriteString(dl[i] + "," + fl[i][strings.IndexByte(fl[i], ',')+1:] + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "withfolds.csv"), []byte(strings.Replace(b.String(), ",fold,fold\n", ",fold,myfold\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out2, errs := runLSQ(dir, nil, append([]string{"cv", "$D/withfolds.csv", "--foldid", "myfold"}, args...)...)
	if code != ExitOK {
		t.Fatal(errs)
	}
	curve := func(s string) string {
		var m map[string]json.RawMessage
		json.Unmarshal([]byte(s), &m)
		return string(m["cv_mean"]) + string(m["cv_se"]) + string(m["coef"])
	}
	if curve(out1) != curve(out2) || curve(out1) == "" {
		t.Errorf("the curve with the saved folds differs")
	}
}

// TestFoldAndNAUsageErrors: options that contradict each other or are out
// of range are usage errors naming the flag.
func TestFoldAndNAUsageErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join("..", "..", "testdata", "enet", "data.csv")
	iris := filepath.Join("testdata", "rdata", "iris.csv")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cv", file, "--foldid", "fold", "--folds", "5"}, "--foldid gives the folds; drop --folds and --seed"},
		{[]string{"cv", file, "--foldid", "fold", "--features", "x1,fold"}, "--foldid fold is also in --features; the fold column is not a feature"},
		{[]string{"path", file, "--tol", "0"}, "--tol 0 must be in (0, 1)"},
		{[]string{"fit", iris, "--target", "Sepal.Length", "--na", "keep"}, `--na "keep": want drop or error`},
		{[]string{"fit", iris, "--target", "Sepal.Length", "--stream", "--na", "error"}, "--stream reads numbers only: a missing value stops it; drop --na and --na-values"},
	} {
		code, out, errs := runLSQ(dir, nil, c.args...)
		if code != ExitUsage || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errs, c.want)
		}
	}
}

// TestCVPathRawData: cv and path read data as fit does. Rows with a missing
// value are dropped (and their --foldid entries with them): the curve is
// that of the file without those rows, bit for bit; a text column is a
// factor, and the model cv saves predicts from the raw file.
func TestCVPathRawData(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile(filepath.Join("testdata", "rdata", "airquality.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var all, clean strings.Builder
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		fold := "fold"
		if i > 0 {
			fold = strconv.Itoa(i%5 + 1)
		}
		row := line + "," + fold + "\n"
		all.WriteString(row)
		// Ozone and Solar.R are the columns with NA among those used.
		if f := strings.Split(line, ","); f[0] != "NA" && f[1] != "NA" {
			clean.WriteString(row)
		}
	}
	os.WriteFile(filepath.Join(dir, "all.csv"), []byte(all.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "clean.csv"), []byte(clean.String()), 0o644)
	var outs []string
	for _, f := range []string{"all.csv", "clean.csv"} {
		for _, cmd := range []string{"cv", "path"} {
			args := []string{cmd, "$D/" + f, "--target", "Ozone", "--features", "Solar.R,Wind,Temp", "--json"}
			if cmd == "cv" {
				args = append(args, "--foldid", "fold", "--save-folds", "$D/folds-"+f)
			}
			code, out, errs := runLSQ(dir, nil, args...)
			if code != ExitOK {
				t.Fatalf("%v: exit %d %s", args, code, errs)
			}
			var m map[string]json.RawMessage
			json.Unmarshal([]byte(out), &m)
			delete(m, "file")
			delete(m, "timings")
			b, _ := json.Marshal(m)
			outs = append(outs, string(b))
		}
	}
	if outs[0] != outs[2] || outs[1] != outs[3] {
		t.Errorf("cv or path on the file with NA rows differs from the file without them")
	}
	// The saved folds name the file's data rows: rows 5 and 6 of
	// airquality (Solar.R NA) are not among them, row 7 is, in its fold
	// 7%5+1 = 3.
	saved, _ := os.ReadFile(filepath.Join(dir, "folds-all.csv"))
	if lines := strings.Split(string(saved), "\n"); len(lines) != 113 || lines[5] != "7,3" || strings.Contains(string(saved), "\n5,") || strings.Contains(string(saved), "\n6,") {
		t.Errorf("saved folds: %d lines, %q", len(lines), lines[:7])
	}

	iris := filepath.Join("testdata", "rdata", "iris.csv")
	code, out, errs := runLSQ(dir, nil, "cv", iris, "--target", "Sepal.Length", "--json", "-o", "$D/m.json")
	if code != ExitOK {
		t.Fatal(errs)
	}
	var cv struct {
		Features  []string
		Coef      []float64
		Intercept float64
	}
	json.Unmarshal([]byte(out), &cv)
	if strings.Join(cv.Features, ",") != "Sepal.Width,Petal.Length,Petal.Width,Speciesversicolor,Speciesvirginica" {
		t.Fatalf("features %v", cv.Features)
	}
	code, pred, errs := runLSQ(dir, nil, "predict", "$D/m.json", iris)
	lines := strings.Split(pred, "\n")
	// Row 1 of iris: Sepal.Width 3.5, Petal.Length 1.4, Petal.Width 0.2,
	// setosa (the reference level); 1e-14: the same sum in another order.
	want := cv.Intercept + 3.5*cv.Coef[0] + 1.4*cv.Coef[1] + 0.2*cv.Coef[2]
	if v, _ := strconv.ParseFloat(lines[1], 64); code != ExitOK || len(lines) != 152 || !relClose(v, want, 1e-14) {
		t.Errorf("predict: exit %d, %d lines, first %s want %v %s", code, len(lines), lines[1], want, errs)
	}
}
