package cli

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestCVPathFormula: lsq cv and lsq path take --formula, built from the
// file as lsq fit builds it (a factor's dummies, an interaction), and give
// what they give on a file holding those columns with --features: the same
// folds, curve, chosen α and refit, and the same path, to the bit (the
// formula builds the same floats, a·b included, in the same column order).
// A formula without intercept (- 1) is --no-intercept on R's full dummy
// coding (gu, gv, gw). The model cv writes predicts, from the raw file, the
// refit's own fitted values, to 1e-9 relative (a sum of six products,
// taken here in another order than predict's).
func TestCVPathFormula(t *testing.T) {
	dir := t.TempDir()
	writeFactorData(t, dir, 90, 61)
	type cvJSON struct {
		Features    []string
		CVMean      []float64 `json:"cv_mean"`
		ChosenAlpha float64   `json:"chosen_alpha"`
		Coef        []float64
		Intercept   float64
	}
	run := func(v any, args ...string) {
		t.Helper()
		code, stdout, stderr := runLSQ(dir, nil, append(args, "--json")...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), v); err != nil {
			t.Fatal(err)
		}
	}
	same := func(what string, a, b []float64) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("%s: %d values, want %d", what, len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%s[%d] = %v from the formula, %v from the columns", what, i, a[i], b[i])
			}
		}
	}
	for _, c := range []struct {
		formula, features string
		extra             []string
	}{
		{"y ~ a*b + g", "a,b,gv,gw,ab", nil},
		{"y ~ a*b + g - 1", "a,b,gu,gv,gw,ab", []string{"--no-intercept"}},
	} {
		var f, d cvJSON
		run(&f, "cv", "$D/raw.csv", "--formula", c.formula, "--folds", "5", "-o", "$D/m.json")
		run(&d, append([]string{"cv", "$D/design.csv", "--target", "y", "--features", c.features, "--folds", "5"}, c.extra...)...)
		if strings.Join(f.Features, ",") != strings.ReplaceAll(c.features, "ab", "a:b") {
			t.Errorf("%s: features %v", c.formula, f.Features)
		}
		same(c.formula+" cv mean", f.CVMean, d.CVMean)
		same(c.formula+" coef", f.Coef, d.Coef)
		same(c.formula+" intercept, α", []float64{f.Intercept, f.ChosenAlpha}, []float64{d.Intercept, d.ChosenAlpha})

		var fp, dp struct {
			Coef      [][]float64
			Intercept []float64
		}
		run(&fp, "path", "$D/raw.csv", "--formula", c.formula)
		run(&dp, append([]string{"path", "$D/design.csv", "--target", "y", "--features", c.features}, c.extra...)...)
		if len(fp.Coef) != len(dp.Coef) || len(fp.Coef) == 0 {
			t.Fatalf("%s: %d points on the path, %d from the columns", c.formula, len(fp.Coef), len(dp.Coef))
		}
		for k := range fp.Coef {
			same(c.formula+" path coef", append(fp.Coef[k], fp.Intercept[k]), append(dp.Coef[k], dp.Intercept[k]))
		}

		// The saved model rebuilds the formula on the raw file: its
		// predictions are the refit's fitted values.
		code, stdout, stderr := runLSQ(dir, nil, "predict", "$D/m.json", "$D/raw.csv")
		if code != ExitOK {
			t.Fatalf("predict: %s", stderr)
		}
		_, pred := readCSVColumns(t, "", stdout)
		got := pred[len(pred)-1]
		_, cols := readCSVColumns(t, dir+"/design.csv", "")
		idx := map[string]int{"a": 0, "b": 1, "gu": 2, "gv": 3, "gw": 4, "ab": 5}
		for i := range got {
			want := d.Intercept
			for j, name := range strings.Split(c.features, ",") {
				want += d.Coef[j] * cols[idx[name]][i]
			}
			if math.Abs(got[i]-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Fatalf("%s row %d: predicted %v, the refit gives %v", c.formula, i, got[i], want)
			}
		}
	}
	// What a formula cannot go with is refused, naming it.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cv", "$D/raw.csv", "--formula", "y ~ a", "--target", "y"}, "--formula names the response and terms; drop --target"},
		{[]string{"cv", "$D/raw.csv", "--formula", "y ~ a", "--stream"}, "--stream reads plain columns"},
		{[]string{"path", "$D/raw.csv", "--formula", "y ~ a", "--stream"}, "--stream reads plain columns"},
		{[]string{"cv", "$D/raw.csv", "--formula", "y ~ a", "--rank", "1"}, "--formula names one response"},
	} {
		code, _, stderr := runLSQ(dir, nil, c.args...)
		if code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want a usage error saying %q", c.args, code, stderr, c.want)
		}
	}
}
