package cli

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/modelio"
)

// rCase is one lm fit of testdata/rdata/formulas.json, written by
// bench/peers/formula_reference.R.
type rCase struct {
	Data      string     `json:"data"`
	Formula   string     `json:"formula"`
	NObs      int        `json:"nobs"`
	Dropped   int        `json:"dropped"`
	Names     []string   `json:"names"`
	Coef      []float64  `json:"coef"`
	SE        []float64  `json:"se"`
	Fitted    []float64  `json:"fitted"`
	Predict   []*float64 `json:"predict"`
	PolyAlpha []float64  `json:"poly_alpha"`
	PolyNorm2 []float64  `json:"poly_norm2"`
}

func loadRCases(t *testing.T) []rCase {
	t.Helper()
	b, err := os.ReadFile("testdata/rdata/formulas.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Cases []rCase }
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref.Cases
}

// relClose: |a−b| ≤ tol·max(1, |b|).
func relClose(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestRFormulas fits each formula of R's reference on R's own data sets
// (airquality with NA rows, iris with Species, mtcars with factor(cyl) and
// poly(wt, 2), trees with logs) and checks the coefficient names, the
// coefficients and standard errors, then predicts on the raw file with the
// saved model: R's predict on the same file, an empty cell where R gives NA.
func TestRFormulas(t *testing.T) {
	// 1e-10 relative: the bar of ten digits. lm (Householder QR,
	// LINPACK dqrdc2) and lsq's QR agree to 12–15 digits on these
	// well-conditioned designs; 1e-10 leaves room for the conditioning
	// of the interaction and raw-poly designs (cond < 1e4).
	const tol = 1e-10
	dir := t.TempDir()
	for i, c := range loadRCases(t) {
		t.Run(c.Formula, func(t *testing.T) {
			file := filepath.Join("testdata", "rdata", c.Data)
			model := filepath.Join(dir, "m"+strconv.Itoa(i)+".json")
			code, out, errs := runLSQ(dir, nil, "fit", file, "--formula", c.Formula, "--summary", "--json", "-o", model)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var got struct {
				Features, Statsmodels []string
				Coef, StdErr          []float64
				Intercept             float64
				InterceptStdErr       *float64 `json:"intercept_stderr"`
				N                     int
				Missing               *missingOut
			}
			got.Statsmodels = nil
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			names, coef, se := c.Names, c.Coef, c.SE
			if names[0] == "(Intercept)" {
				if !relClose(got.Intercept, coef[0], tol) || got.InterceptStdErr == nil || !relClose(*got.InterceptStdErr, se[0], tol) {
					t.Errorf("intercept %v (se %v), R %v (se %v)", got.Intercept, got.InterceptStdErr, coef[0], se[0])
				}
				names, coef, se = names[1:], coef[1:], se[1:]
			}
			if len(got.Features) != len(names) {
				t.Fatalf("features %q, R %q", got.Features, names)
			}
			for j := range names {
				// R deparses calls with spaces ("poly(wt, 2)1"); lsq writes
				// them without.
				if got.Features[j] != strings.ReplaceAll(names[j], " ", "") {
					t.Errorf("feature %d: %q, R %q", j, got.Features[j], names[j])
				}
				if !relClose(got.Coef[j], coef[j], tol) || !relClose(got.StdErr[j], se[j], tol) {
					t.Errorf("%s: coef %v se %v, R %v se %v", names[j], got.Coef[j], got.StdErr[j], coef[j], se[j])
				}
			}
			if got.N != c.NObs || (c.Dropped > 0) != (got.Missing != nil) || got.Missing != nil && got.Missing.Dropped != c.Dropped {
				t.Errorf("n %d missing %+v, R nobs %d dropped %d", got.N, got.Missing, c.NObs, c.Dropped)
			}
			checkRPredict(t, dir, model, file, c, tol)
			if c.PolyAlpha != nil {
				checkRPoly(t, model, c)
			}
		})
	}
}

// checkRPredict predicts with the saved model on the raw file and compares
// with R's predict(fit, newdata) and, on the rows of the fit, with fitted().
func checkRPredict(t *testing.T, dir, model, file string, c rCase, tol float64) {
	t.Helper()
	code, out, errs := runLSQ(dir, nil, "predict", model, file)
	if code != ExitOK {
		t.Fatalf("predict: exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	recs = recs[1:]
	if len(recs) != len(c.Predict) {
		t.Fatalf("%d predictions, R %d", len(recs), len(c.Predict))
	}
	var fitted []float64
	for i, r := range recs {
		want := c.Predict[i]
		if want == nil {
			if r[0] != "" {
				t.Errorf("row %d: %q where R predicts NA", i+1, r[0])
			}
			continue
		}
		v, err := strconv.ParseFloat(r[0], 64)
		if err != nil || !relClose(v, *want, tol) {
			t.Errorf("row %d: prediction %q, R %v", i+1, r[0], *want)
		}
		fitted = append(fitted, v)
	}
	// Where the response is present too, the rows are the fit's: the
	// predictions are R's fitted values.
	if c.Dropped == 0 {
		for i, f := range c.Fitted {
			if !relClose(fitted[i], f, tol) {
				t.Errorf("row %d: fitted %v, R %v", i+1, fitted[i], f)
			}
		}
	}
}

// TestPredictRawErrors: a level not seen in training, a missing input with
// --na error, a missing raw column: exit 1, a message naming file, line and
// column, and no output file.
func TestPredictRawErrors(t *testing.T) {
	dir := t.TempDir()
	iris := filepath.Join("testdata", "rdata", "iris.csv")
	if code, _, errs := runLSQ(dir, nil, "fit", iris, "--formula", "Sepal.Length ~ Species + Petal.Length", "-o", "$D/m.json"); code != ExitOK {
		t.Fatal(errs)
	}
	files := map[string]string{
		"unseen.csv":  "Sepal.Length,Petal.Length,Species\n5,1.4,setosa\n6,4.5,unknown\n",
		"na.csv":      "Sepal.Length,Petal.Length,Species\n5,1.4,setosa\n6,NA,virginica\n",
		"nocol.csv":   "Sepal.Length,Species\n5,setosa\n",
		"numtext.csv": "Sepal.Length,Petal.Length,Species\n5,1.4,setosa\n6,four,virginica\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"predict", "$D/m.json", "$D/unseen.csv", "-o", "$D/p.csv"}, `unseen.csv:3:3: level "unknown" of Species was not seen in training (the levels are "setosa", "versicolor", "virginica")`},
		{[]string{"eval", "$D/m.json", "$D/unseen.csv"}, `unseen.csv:3:3: level "unknown" of Species was not seen`},
		{[]string{"predict", "$D/m.json", "$D/na.csv", "--na", "error", "-o", "$D/p.csv"}, `na.csv:3:2: missing value "NA"; drop such rows with --na drop, or fill them in (column "Petal.Length")`},
		{[]string{"predict", "$D/m.json", "$D/nocol.csv", "-o", "$D/p.csv"}, `nocol.csv:1: no column named "Petal.Length"; the columns are "Sepal.Length", "Species" (the model reads the columns "Species", "Petal.Length")`},
		{[]string{"predict", "$D/m.json", "$D/numtext.csv", "-o", "$D/p.csv"}, `numtext.csv:3:2: "four" is not a number (column "Petal.Length"); fix the value`},
	} {
		code, out, errs := runLSQ(dir, nil, c.args...)
		if code != ExitFailure || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q\nwant %s", c.args, code, out, errs, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "p.csv")); err == nil {
			t.Fatalf("%v wrote p.csv", c.args)
		}
	}
	// Without --na error the row with a missing input gets an empty
	// prediction, rows stay aligned, and the count is on stderr.
	code, out, errs := runLSQ(dir, nil, "predict", "$D/m.json", "$D/na.csv")
	if code != ExitOK || !strings.HasSuffix(out, "\n\"\"\n") || strings.Count(out, "\n") != 3 || !strings.Contains(errs, "1 of 2 rows have a missing value") {
		t.Errorf("exit %d stdout %q stderr %q", code, out, errs)
	}
}

// TestModelsCarryDesign: a model fitted each way (--degree, plain columns
// with NA rows, old model files without a design) predicts on the raw file
// what R's lm predicts for the same model.
func TestModelsCarryDesign(t *testing.T) {
	const tol = 1e-10 // as in TestRFormulas
	cases := map[string]rCase{}
	for _, c := range loadRCases(t) {
		cases[c.Formula] = c
	}
	dir := t.TempDir()
	cars := filepath.Join("testdata", "rdata", "cars.csv")
	air := filepath.Join("testdata", "rdata", "airquality.csv")
	for _, c := range []struct {
		args []string
		ref  string
	}{
		{[]string{"fit", cars, "--target", "dist", "--features", "speed", "--degree", "2"}, "dist ~ speed + I(speed^2)"},
		{[]string{"fit", air, "--target", "Ozone", "--features", "Solar.R,Wind,Temp"}, "Ozone ~ Solar.R + Wind + Temp"},
	} {
		model := filepath.Join(dir, "m.json")
		if code, _, errs := runLSQ(dir, nil, append(c.args, "-o", model)...); code != ExitOK {
			t.Fatalf("%v: %s", c.args, errs)
		}
		checkRPredict(t, dir, model, c.args[1], cases[c.ref], tol)
		// eval scores the rows with every value present, and says how
		// many it left out.
		ref := cases[c.ref]
		code, out, errs := runLSQ(dir, nil, "eval", model, c.args[1], "--json")
		var ev scores
		if code != ExitOK || json.Unmarshal([]byte(out), &ev) != nil || ev.N != ref.NObs || (ref.Dropped > 0) != (ev.Missing != nil) ||
			ev.Missing != nil && ev.Missing.Dropped != ref.Dropped {
			t.Errorf("eval %v: exit %d %s %s", c.args, code, out, errs)
		}
	}
	// Model files written before designs were saved (by lsq 0.1.0 at
	// commit c5de993): a plain fit, --degree 2, and a formula with logs.
	old := filepath.Join("testdata", "oldmodels")
	checkRPredict(t, dir, filepath.Join(old, "cars_degree2_v1.json"), cars, cases["dist ~ speed + I(speed^2)"], tol)
	trees := filepath.Join("testdata", "rdata", "trees.csv")
	checkRPredict(t, dir, filepath.Join(old, "trees_log_v1.json"), trees, cases["log(Volume) ~ log(Girth) + log(Height)"], tol)
	// eval of the old formula model scores its target log(Volume), a term
	// rather than a column, as a refit of the same formula scores it
	// (coefficients equal to R's within tol both, so RMSE within tol too).
	if code, _, errs := runLSQ(dir, nil, "fit", trees, "--formula", "log(Volume) ~ log(Girth) + log(Height)", "-o", "$D/trees.json"); code != ExitOK {
		t.Fatal(errs)
	}
	var oldEv, newEv scores
	code, out, errs := runLSQ(dir, nil, "eval", filepath.Join(old, "trees_log_v1.json"), trees, "--json")
	code2, out2, errs2 := runLSQ(dir, nil, "eval", "$D/trees.json", trees, "--json")
	if code != ExitOK || code2 != ExitOK || json.Unmarshal([]byte(out), &oldEv) != nil || json.Unmarshal([]byte(out2), &newEv) != nil ||
		oldEv.N != 31 || newEv.N != 31 || !relClose(oldEv.RMSE, newEv.RMSE, tol) {
		t.Errorf("eval of the old log model: exit %d %s %s; refit: exit %d %s %s", code, out, errs, code2, out2, errs2)
	}
	code, out, errs = runLSQ(dir, nil, "predict", filepath.Join(old, "cars_linear_v1.json"), cars)
	// The file's own coefficients at the first row (speed 4): R's
	// lm(dist ~ speed) gives −17.579095 + 3.932409·4 = −1.849460.
	lines := strings.Split(out, "\n")
	if code != ExitOK || len(lines) != 52 {
		t.Fatalf("old plain model: exit %d, %d lines, %s", code, len(lines), errs)
	}
	if v, _ := strconv.ParseFloat(lines[1], 64); !relClose(v, -17.5790948905108948+3.9324087591240855*4, tol) {
		t.Errorf("old plain model: first prediction %s", lines[1])
	}
}

// checkRPoly compares the orthogonal basis saved in the model file with
// the "coefs" attribute of R's poly (what predict.poly uses).
func checkRPoly(t *testing.T, model string, c rCase) {
	t.Helper()
	m, err := modelio.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	if m.Design == nil || len(m.Design.Poly) != 1 {
		t.Fatalf("design %+v", m.Design)
	}
	pl := m.Design.Poly[0]
	// 1e-13: the three-term recurrence and R's QR compute the same sums
	// of 32 terms; they differ by a few ulps.
	for j, a := range c.PolyAlpha {
		if !relClose(pl.Alpha[j], a, 1e-13) {
			t.Errorf("alpha[%d] = %v, R %v", j, pl.Alpha[j], a)
		}
	}
	for j, v := range c.PolyNorm2 {
		if !relClose(pl.Norm2[j], v, 1e-13) {
			t.Errorf("norm2[%d] = %v, R %v", j, pl.Norm2[j], v)
		}
	}
}

// TestFormulaDotWeights: the weights column is no term of "y ~ .", and a
// row with a missing weight is dropped like any other missing value.
func TestFormulaDotWeights(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "w.csv"), []byte("y,x,w,g\n1,1,1,a\n2,2,2,b\n3,2,1,a\n5,4,NA,b\n6,5,1,a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runLSQ(dir, nil, "fit", "$D/w.csv", "--formula", "y ~ .", "--weights", "w", "--json")
	var got struct {
		Features []string
		N        int
		Missing  *missingOut
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("exit %d %s", code, errs)
	}
	if strings.Join(got.Features, ",") != "x,gb" || got.N != 4 || got.Missing == nil || got.Missing.ByColumn["w"] != 1 {
		t.Errorf("features %v n %d missing %+v", got.Features, got.N, got.Missing)
	}
}
