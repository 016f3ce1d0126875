package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The reference numbers of these tests are R's, in
// testdata/stats/lm_inference.json (bench/peers/lm_inference.R): the
// CLI must print what package stats computes, and package stats is
// compared with R number by number in stats/inference_test.go; here the
// comparisons go through the whole command line (CSV in, model file,
// CSV or text out).

type rInference struct {
	Predict struct {
		X           [][]float64                     `json:"x"`
		Y           []float64                       `json:"y"`
		Weights     []float64                       `json:"weights"`
		NewX        [][]float64                     `json:"new_x"`
		PredWeights []float64                       `json:"pred_weights"`
		OLS         map[string]map[string][]float64 `json:"ols"`
		WLS         map[string]map[string][]float64 `json:"wls"`
	} `json:"predict"`
	Influence struct {
		X     [][]float64 `json:"x"`
		Y     []float64   `json:"y"`
		Cases []struct {
			Name        string     `json:"name"`
			Weights     []float64  `json:"weights"`
			Hat         []*float64 `json:"hat"`
			RStudent    []*float64 `json:"rstudent"`
			Cooks       []*float64 `json:"cooks"`
			DFFITS      []*float64 `json:"dffits"`
			Influential []int      `json:"influential"`
		} `json:"cases"`
	} `json:"influence"`
	Anova struct {
		X                 [][]float64 `json:"x"`
		Y                 []float64   `json:"y"`
		PrintedNested     []string    `json:"printed_nested"`
		PrintedSequential []string    `json:"printed_sequential"`
	} `json:"anova"`
	AnovaTerms []struct {
		Data    string  `json:"data"`
		Formula string  `json:"formula"`
		Weights *string `json:"weights"`
		Table   struct {
			Terms []string   `json:"terms"`
			DF    []int      `json:"df"`
			SS    []float64  `json:"ss"`
			MS    []float64  `json:"ms"`
			F     []*float64 `json:"f"`
			P     []*float64 `json:"p"`
		} `json:"table"`
		Printed []string `json:"printed"`
	} `json:"anova_terms"`
	NLS struct {
		Conc    []float64 `json:"conc"`
		Rate    []float64 `json:"rate"`
		NewConc []float64 `json:"new_conc"`
		Fit     []float64 `json:"fit"`
		ConfLwr []float64 `json:"conf_lwr"`
		ConfUpr []float64 `json:"conf_upr"`
		PredLwr []float64 `json:"pred_lwr"`
		PredUpr []float64 `json:"pred_upr"`
	} `json:"nls"`
}

func readRInference(t *testing.T) *rInference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "stats", "lm_inference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc rInference
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

// writeCSV writes a header and rows (columns given as slices) to dir/name.
func writeCSV(t *testing.T, dir, name string, header []string, cols ...[]float64) {
	t.Helper()
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for i := range cols[0] {
		for j, c := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(c[i], 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func testColumn(rows [][]float64, j int) []float64 {
	c := make([]float64, len(rows))
	for i, r := range rows {
		c[i] = r[j]
	}
	return c
}

// readOutCSV parses CSV output into named columns.
func readOutCSV(t *testing.T, s string) map[string][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	out := map[string][]string{}
	for _, r := range recs[1:] {
		for j, name := range recs[0] {
			out[name] = append(out[name], r[j])
		}
	}
	return out
}

func near(got string, want, rel float64) bool {
	g, err := strconv.ParseFloat(got, 64)
	return err == nil && math.Abs(g-want) <= rel*math.Max(1, math.Abs(want))
}

// TestPredictIntervalsMatchR: lsq fit -o then lsq predict --interval on
// mtcars' mpg ~ wt + hp, unweighted and weighted (weights 100/disp, new
// rows' weights by --pred-weights), against R's predict.lm. Tolerance
// 1e-11 relative, as TestPredictIntervalsR in package stats: the model file
// keeps (X̃ᵀWX̃)⁻¹ and σ̂ to the last bit (shortest round-trip JSON), and
// the CSV output prints every digit.
func TestPredictIntervalsMatchR(t *testing.T) {
	doc := readRInference(t)
	p := doc.Predict
	dir := t.TempDir()
	writeCSV(t, dir, "cars.csv", []string{"wt", "hp", "mpg", "w"}, testColumn(p.X, 0), testColumn(p.X, 1), p.Y, p.Weights)
	writeCSV(t, dir, "new.csv", []string{"wt", "hp", "pw"}, testColumn(p.NewX, 0), testColumn(p.NewX, 1), p.PredWeights)
	for _, c := range []struct {
		name string
		fit  []string
		ref  map[string]map[string][]float64
	}{
		{"ols", nil, p.OLS},
		{"wls", []string{"--weights", "w"}, p.WLS},
	} {
		args := append([]string{"fit", "$D/cars.csv", "--target", "mpg", "--features", "wt,hp", "-o", "$D/" + c.name + ".json"}, c.fit...)
		if code, _, stderr := runLSQ(dir, nil, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		for _, kind := range []string{"confidence", "prediction"} {
			for _, level := range []string{"95", "90"} {
				args := []string{"predict", "$D/" + c.name + ".json", "$D/new.csv", "--interval", kind, "--level", "0." + level}
				if kind == "prediction" && c.name == "wls" {
					args = append(args, "--pred-weights", "pw")
				}
				code, stdout, stderr := runLSQ(dir, nil, args...)
				if code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, stderr)
				}
				got := readOutCSV(t, stdout)
				want := c.ref[kind+"_"+level]
				for _, col := range []string{"fit", "lwr", "upr"} {
					for i, w := range want[col] {
						if !near(got[col][i], w, 1e-11) {
							t.Errorf("%s %s %s %s row %d: %s, R %.17g", c.name, kind, level, col, i+1, got[col][i], w)
						}
					}
				}
			}
		}
	}
	// A weighted model without --pred-weights: weight 1, as R, with a note.
	code, stdout, stderr := runLSQ(dir, nil, "predict", "$D/wls.json", "$D/new.csv", "--interval", "prediction")
	if code != 0 || !strings.Contains(stderr, "assume weight 1") || !strings.HasPrefix(stdout, "fit,lwr,upr\n") {
		t.Errorf("weighted model, no --pred-weights: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestCurvePredictDeltaMatchesR: lsq curve -o on Puromycin (treated,
// Michaelis–Menten) then predict --interval: the delta-method intervals R
// computes from nls' vcov and the exact gradient (deriv), as investr's
// predFit does. Tolerance 1e-7 relative: R's nls stops on its
// relative-offset criterion (1e-9 here) and lsq's Levenberg–Marquardt on
// its own; the estimates agree to about 1e-9, and the intervals inherit it.
func TestCurvePredictDeltaMatchesR(t *testing.T) {
	doc := readRInference(t)
	n := doc.NLS
	dir := t.TempDir()
	writeCSV(t, dir, "pur.csv", []string{"conc", "rate"}, n.Conc, n.Rate)
	writeCSV(t, dir, "new.csv", []string{"conc"}, n.NewConc)
	if code, _, stderr := runLSQ(dir, nil, "curve", "$D/pur.csv", "--model", "Vm*conc/(K+conc)", "--target", "rate", "--start", "Vm=200,K=0.05", "-o", "$D/mm.json"); code != 0 {
		t.Fatalf("curve: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		kind     string
		lwr, upr []float64
	}{{"confidence", n.ConfLwr, n.ConfUpr}, {"prediction", n.PredLwr, n.PredUpr}} {
		code, stdout, stderr := runLSQ(dir, nil, "predict", "$D/mm.json", "$D/new.csv", "--interval", c.kind)
		if code != 0 {
			t.Fatalf("predict: exit %d: %s", code, stderr)
		}
		got := readOutCSV(t, stdout)
		for i := range n.Fit {
			if !near(got["fit"][i], n.Fit[i], 1e-7) || !near(got["lwr"][i], c.lwr[i], 1e-7) || !near(got["upr"][i], c.upr[i], 1e-7) {
				t.Errorf("%s row %d: %s %s %s, R %.12g %.12g %.12g", c.kind, i+1, got["fit"][i], got["lwr"][i], got["upr"][i], n.Fit[i], c.lwr[i], c.upr[i])
			}
		}
	}
}

// TestAnovaPrintsAsR: lsq anova on three nested mtcars models and
// lsq fit --anova print R's tables line for line (print.anova's layout
// and rounding: R's captured output is in the reference file).
func TestAnovaPrintsAsR(t *testing.T) {
	doc := readRInference(t)
	a := doc.Anova
	dir := t.TempDir()
	writeCSV(t, dir, "cars.csv", []string{"wt", "hp", "qsec", "mpg"}, testColumn(a.X, 0), testColumn(a.X, 1), testColumn(a.X, 2), a.Y)
	for k, f := range []string{"wt", "wt,hp", "wt,hp,qsec"} {
		if code, _, stderr := runLSQ(dir, nil, "fit", "$D/cars.csv", "--target", "mpg", "--features", f, "-o", fmt.Sprintf("$D/m%d.json", k+1)); code != 0 {
			t.Fatalf("fit %s: %s", f, stderr)
		}
	}
	code, stdout, stderr := runLSQ(dir, nil, "anova", "$D/m1.json", "$D/m2.json", "$D/m3.json", "$D/cars.csv")
	if code != 0 || stderr != "" {
		t.Fatalf("anova: exit %d: %s", code, stderr)
	}
	if want := strings.Join(a.PrintedNested, "\n") + "\n"; stdout != want {
		t.Errorf("lsq anova printed\n%s\nR printed\n%s", stdout, want)
	}
	code, stdout, stderr = runLSQ(dir, nil, "fit", "$D/cars.csv", "--target", "mpg", "--features", "wt,hp,qsec", "--anova")
	if code != 0 {
		t.Fatalf("fit --anova: exit %d: %s", code, stderr)
	}
	if want := strings.Join(a.PrintedSequential, "\n") + "\n"; !strings.HasSuffix(stdout, "\n"+want) {
		t.Errorf("fit --anova printed\n%s\nR's table is\n%s", stdout, want)
	}
	// JSON: the same numbers, unrounded.
	code, stdout, _ = runLSQ(dir, nil, "anova", "$D/m1.json", "$D/m3.json", "$D/cars.csv", "--json")
	var out struct {
		Anova []struct {
			Model string   `json:"model"`
			ResDF int      `json:"res_df"`
			F     *float64 `json:"f"`
		} `json:"anova"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &out) != nil || len(out.Anova) != 2 || out.Anova[0].F != nil || out.Anova[1].Model != "mpg ~ wt + hp + qsec" || out.Anova[1].ResDF != 28 {
		t.Errorf("anova --json: exit %d\n%s", code, stdout)
	}
}

// TestDiagnosticsFileMatchesR: fit --diagnostics on stackloss, with
// weights that include zeros, writes R's hat values, rstudent, Cook's
// distances and DFFITS per row (NA for the rows of weight 0, as R drops
// them), and --summary lists the rows R's influence.measures flags.
// Tolerance 1e-11 relative, as TestInfluenceR in package stats.
func TestDiagnosticsFileMatchesR(t *testing.T) {
	doc := readRInference(t)
	inf := doc.Influence
	c := inf.Cases[1]
	dir := t.TempDir()
	writeCSV(t, dir, "stack.csv", []string{"air", "water", "acid", "loss", "w"}, testColumn(inf.X, 0), testColumn(inf.X, 1), testColumn(inf.X, 2), inf.Y, c.Weights)
	code, stdout, stderr := runLSQ(dir, nil, "fit", "$D/stack.csv", "--target", "loss", "--weights", "w", "--summary", "--diagnostics", "$D/diag.csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "diag.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := readOutCSV(t, string(b))
	for i := range inf.Y {
		for _, q := range []struct {
			col  string
			want *float64
		}{{"hat", c.Hat[i]}, {"student_resid", c.RStudent[i]}, {"cooks_d", c.Cooks[i]}, {"dffits", c.DFFITS[i]}} {
			g := got[q.col][i]
			if q.want == nil {
				if g != "NA" {
					t.Errorf("row %d %s: %s, R NA (weight 0)", i+1, q.col, g)
				}
			} else if !near(g, *q.want, 1e-11) {
				t.Errorf("row %d %s: %s, R %.15g", i+1, q.col, g, *q.want)
			}
		}
	}
	var want []string
	for _, r := range c.Influential {
		want = append(want, strconv.Itoa(r)+" (")
	}
	line := ""
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "influential rows") {
			line = l
		}
	}
	_, list, _ := strings.Cut(line, "hat > 3k/n): ")
	if n := strings.Count(list, "("); n != len(want) {
		t.Errorf("influential rows %q, R flags %v", list, c.Influential)
	}
	for _, w := range want {
		if !strings.Contains(list, " "+w) && !strings.HasPrefix(list, w) {
			t.Errorf("influential rows %q lack %q (R flags %v)", list, w, c.Influential)
		}
	}
	for _, s := range []string{"Omnibus:", "Durbin-Watson:", "Jarque-Bera (JB):", "Breusch-Pagan (LM, 3 df):"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("--summary lacks %q:\n%s", s, stdout)
		}
	}
}

// TestICConvention: --ic r adds σ² to the parameters counted: AIC 2 and BIC
// log n above the default (statsmodels'), which is named in the JSON.
func TestICConvention(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tut.csv"), []byte(errorFixtures["tut.csv"]), 0o644)
	get := func(extra ...string) map[string]any {
		code, stdout, stderr := runLSQ(dir, nil, append([]string{"fit", "$D/tut.csv", "--json"}, extra...)...)
		var m map[string]any
		if code != 0 || json.Unmarshal([]byte(stdout), &m) != nil {
			t.Fatalf("exit %d: %s%s", code, stdout, stderr)
		}
		return m
	}
	sm, r := get(), get("--ic", "r")
	// R: AIC(lm(y ~ x)) = 16.51954, BIC 15.34785 on these five rows
	// (ExampleSummary_InfoCriteria in package stats).
	if sm["ic"] != "statsmodels" || r["ic"] != "r" || math.Abs(r["aic"].(float64)-16.519539) > 1e-6 || math.Abs(r["bic"].(float64)-15.347853) > 1e-6 ||
		math.Abs(r["aic"].(float64)-sm["aic"].(float64)-2) > 1e-12 || math.Abs(r["bic"].(float64)-sm["bic"].(float64)-math.Log(5)) > 1e-12 {
		t.Errorf("statsmodels: ic %v aic %v bic %v; r: ic %v aic %v bic %v", sm["ic"], sm["aic"], sm["bic"], r["ic"], r["aic"], r["bic"])
	}
}

// TestNoSilentSummary: --summary with an L1 penalty (and with ridge) says
// why there are no standard errors and what is available; --robust alone
// prints the summary with its robust errors.
func TestNoSilentSummary(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tut.csv"), []byte(errorFixtures["tut.csv"]), 0o644)
	code, stdout, stderr := runLSQ(dir, nil, "fit", "$D/tut.csv", "--penalty", "l1", "--alpha", "0.1", "--summary")
	if code != 0 || !strings.Contains(stdout, "no summary: no standard errors") || !strings.Contains(stdout, "bootstrap") || !strings.Contains(stdout, "selective inference") {
		t.Errorf("l1 --summary: exit %d\n%s%s", code, stdout, stderr)
	}
	// What the note calls available above is printed above it.
	above, note, _ := strings.Cut(stdout, "no summary:")
	for _, item := range []struct{ named, printed string }{{"the loss", "loss (MSE)"}, {"R²", "R²"}, {"the duality gap", "duality gap"}} {
		if strings.Contains(note, item.named) && !strings.Contains(above, item.printed) {
			t.Errorf("l1 --summary names %s as available above, but it is not printed:\n%s", item.named, stdout)
		}
	}
	code, stdout, stderr = runLSQ(dir, nil, "fit", "$D/tut.csv", "--penalty", "elasticnet", "--alpha", "0.1", "--summary", "--json")
	if code != 0 || !strings.Contains(stdout, `"summary_note": "no standard errors`) {
		t.Errorf("elasticnet --summary --json: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runLSQ(dir, nil, "fit", "$D/tut.csv", "--penalty", "l2", "--alpha", "0.1", "--summary")
	if code != 0 || !strings.Contains(stdout, "no summary: no standard errors, t, p or intervals for a ridge or L2-SP fit") || strings.Contains(stdout, "L1") {
		t.Errorf("l2 --summary: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runLSQ(dir, nil, "fit", "$D/tut.csv", "--robust", "HC3")
	if code != 0 || !strings.Contains(stdout, "std err") || !strings.Contains(stdout, "heteroskedasticity-robust HC3") {
		t.Errorf("--robust without --summary: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestInferenceUsageErrors: options of the inference that do not apply
// are usage errors naming the option (exit 2), and a model file without
// a covariance cannot give intervals (exit 1).
func TestInferenceUsageErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tut.csv"), []byte(errorFixtures["tut.csv"]), 0o644)
	os.WriteFile(filepath.Join(dir, "x.csv"), []byte("x\n6\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "tut2.csv"), []byte("x,z,y\n1,2,2\n2,1,4\n3,5,5\n4,3,4\n5,4,5\n"), 0o644)
	for _, f := range []string{"x", "z"} {
		runLSQ(dir, nil, "fit", "$D/tut2.csv", "--features", f, "-o", "$D/m_"+f+".json")
	}
	runLSQ(dir, nil, "fit", "$D/tut.csv", "--solver", "gd", "-o", "$D/gd.json")
	runLSQ(dir, nil, "fit", "$D/tut.csv", "--penalty", "l1", "--alpha", "0.1", "-o", "$D/l1.json")
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ic", []string{"fit", "$D/tut.csv", "--ic", "aic"}, 2, `--ic "aic": want r or statsmodels`},
		{"ic_without_summary", []string{"fit", "$D/tut.csv", "--ic", "r"}, 2, "--ic sets how --summary counts the parameters of AIC and BIC: add --summary"},
		{"diagnostics_penalty", []string{"fit", "$D/tut.csv", "--penalty", "l1", "--alpha", "0.1", "--diagnostics", "$D/d.csv"}, 2, "--diagnostics applies to least-squares fits; --penalty l1"},
		{"anova_penalty", []string{"fit", "$D/tut.csv", "--penalty", "l2", "--alpha", "0.1", "--anova"}, 2, "--anova applies to least-squares fits; --penalty l2"},
		{"diagnostics_parquet", []string{"fit", "$D/tut.csv", "--diagnostics", "$D/d.parquet"}, 2, "--diagnostics writes CSV"},
		{"diagnostics_over_input", []string{"fit", "$D/tut.csv", "--diagnostics", "$D/tut.csv"}, 2, "refusing to write"},
		{"diagnostics_val_frac", []string{"fit", "$D/tut.csv", "--solver", "gd", "--val-frac", "0.2", "--diagnostics", "$D/d.csv"}, 2, "--diagnostics describes every row of the data; drop --val-frac"},
		{"diagnostics_stream", []string{"fit", "$D/tut.csv", "--stream", "--anova"}, 2, "--anova needs the rows in memory"},
		{"level_without_interval", []string{"predict", "$D/m_x.json", "$D/x.csv", "--level", "0.9"}, 2, "--level applies to intervals"},
		{"level_range", []string{"predict", "$D/m_x.json", "$D/x.csv", "--interval", "confidence", "--level", "95"}, 2, "--level 95 must be in (0, 1)"},
		{"interval_kind", []string{"predict", "$D/m_x.json", "$D/x.csv", "--interval", "tolerance"}, 2, `--interval "tolerance": want none, confidence or prediction`},
		{"pred_weights_confidence", []string{"predict", "$D/m_x.json", "$D/x.csv", "--interval", "confidence", "--pred-weights", "w"}, 2, "--pred-weights weights new observations"},
		{"interval_no_covariance", []string{"predict", "$D/gd.json", "$D/x.csv", "--interval", "confidence"}, 1, "gd.json has no covariance for intervals"},
		{"interval_penalized", []string{"predict", "$D/l1.json", "$D/x.csv", "--interval", "prediction"}, 1, "l1.json has no covariance for intervals"},
		{"anova_not_nested", []string{"anova", "$D/m_x.json", "$D/m_z.json", "$D/tut2.csv"}, 2, "m_x.json and " + dir + "/m_z.json are not nested"},
		{"anova_penalized", []string{"anova", "$D/m_x.json", "$D/l1.json", "$D/tut.csv"}, 2, "l1.json was fitted with --penalty l1"},
		{"anova_one_model", []string{"anova", "$D/m_x.json", "$D/tut2.csv"}, 2, "requires at least 3 arg(s)"},
	} {
		code, stdout, stderr := runLSQ(dir, nil, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("%s: exit %d (want %d)\nstdout %q\nstderr %q\nwant %q", c.name, code, c.code, stdout, stderr, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "d.csv")); err == nil {
			t.Errorf("%s: wrote the diagnostics file", c.name)
		}
	}
}

// TestSummaryDiagnosis: the condition number of the standardised design
// of two features with correlation ρ is √((1 + |ρ|)/(1 − |ρ|)) (the
// singular values of the standardised pair are proportional to
// √(1 ± ρ)); above 30 the summary says collinearity.
func TestSummaryDiagnosis(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		x2     []float64
		phrase string
	}{
		{"mild", []float64{2, 1, 4, 3, 6, 5}, "well conditioned"},
		{"collinear", []float64{1.001, 2, 2.999, 4.001, 5, 5.999}, "collinearity (condition number"},
	} {
		x1 := []float64{1, 2, 3, 4, 5, 6}
		y := []float64{1, 3, 2, 5, 4, 6}
		writeCSV(t, dir, c.name+".csv", []string{"x1", "x2", "y"}, x1, c.x2, y)
		var mx, my, sxy, sxx, syy float64
		for i := range x1 {
			mx += x1[i] / 6
			my += c.x2[i] / 6
		}
		for i := range x1 {
			sxy += (x1[i] - mx) * (c.x2[i] - my)
			sxx += (x1[i] - mx) * (x1[i] - mx)
			syy += (c.x2[i] - my) * (c.x2[i] - my)
		}
		rho := math.Abs(sxy / math.Sqrt(sxx*syy))
		want := math.Sqrt((1 + rho) / (1 - rho))
		code, stdout, _ := runLSQ(dir, nil, "fit", "$D/"+c.name+".csv", "--json")
		var out struct {
			Cond      float64 `json:"cond"`
			Diagnosis string  `json:"diagnosis"`
		}
		// 1e-10 for the singular values of a 6×2 standardised design, plus
		// the rounding of 1 − ρ in the reference itself, about
		// 2⁻⁵²/(1 − ρ) relative (ρ ≈ 1 − 4e-8 for the collinear pair).
		tol := 1e-10 + 4*0x1p-52/(1-rho)
		if code != 0 || json.Unmarshal([]byte(stdout), &out) != nil || math.Abs(out.Cond-want) > tol*want || !strings.Contains(out.Diagnosis, c.phrase) {
			t.Errorf("%s: cond %v, want %v; diagnosis %q, want %q", c.name, out.Cond, want, out.Diagnosis, c.phrase)
		}
	}
}

// TestSummaryQuantitiesInREADME: every quantity --summary prints has a
// row, with its formula, in the README's table.
func TestSummaryQuantitiesInREADME(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var first []string // the first cells of the table's rows
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "| ") {
			cells := strings.Split(l, " | ")
			first = append(first, strings.TrimPrefix(cells[0], "| "))
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("x,z,y\n1,2,2.1\n2,1,3.9\n3,5,6.2\n4,3,7.8\n5,4,10.1\n6,8,12.2\n7,6,13.8\n8,7,16.3\n9,9,17.9\n"), 0o644)
	code, stdout, stderr := runLSQ(dir, nil, "fit", "$D/d.csv", "--summary")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, q := range []struct{ printed, row string }{
		{"coef", "coef"}, {"std err", "std err"}, {"P>|t|", "P>\\|t\\|"}, {"[0.025", "[0.025 0.975]"},
		{"residual SD", "residual SD, degrees of freedom"}, {"adjusted R²", "R², adjusted R²"},
		{"F ", "F on (p − 1, n − p) df, p"}, {"log-likelihood", "log-likelihood"}, {"AIC", "AIC, BIC"},
		{"design: well conditioned (condition number", "design: condition number"},
		{"Omnibus:", "Omnibus, Prob(Omnibus)"}, {"Prob(Omnibus):", "Omnibus, Prob(Omnibus)"},
		{"Skew:", "Skew, Kurtosis"}, {"Kurtosis:", "Skew, Kurtosis"},
		{"Jarque-Bera (JB):", "Jarque-Bera (JB), Prob(JB)"}, {"Prob(JB):", "Jarque-Bera (JB), Prob(JB)"},
		{"Durbin-Watson:", "Durbin-Watson"}, {"Breusch-Pagan (LM, 2 df):", "Breusch-Pagan (LM, q df), Prob(BP)"},
		{"influential rows", "influential rows"},
	} {
		if !strings.Contains(stdout, q.printed) {
			t.Errorf("--summary does not print %q:\n%s", q.printed, stdout)
		}
		found := false
		for _, f := range first {
			found = found || f == q.row
		}
		if !found {
			t.Errorf("README's table has no row %q (for %q)", q.row, q.printed)
		}
	}
}

// TestPredictRankDeficient: for a model with an aliased feature (c = a + b)
// the interval at a row that keeps the dependence equals R's
//
//	d <- data.frame(a = 1:7, b = c(2, 1, 4, 3, 6, 5, 8), y = c(1.1, 2.3, 2.9, 4.2, 5.1, 5.8, 7.2))
//	d$c <- d$a + d$b
//	predict(lm(y ~ a + b + c, d), data.frame(a = 2, b = 3, c = 5), interval = "confidence")
//
// (2.1107142857142867, 1.7430237859165716, 2.4784047855120015), to 1e-11
// as TestPredictIntervalsMatchR; and predict says, as R warns, that rows
// breaking the dependence are not identified.
func TestPredictRankDeficient(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "rd.csv"), []byte("a,b,c,y\n1,2,3,1.1\n2,1,3,2.3\n3,4,7,2.9\n4,3,7,4.2\n5,6,11,5.1\n6,5,11,5.8\n7,8,15,7.2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "new.csv"), []byte("a,b,c\n2,3,5\n"), 0o644)
	if code, _, stderr := runLSQ(dir, nil, "fit", "$D/rd.csv", "-o", "$D/rd.json"); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := runLSQ(dir, nil, "predict", "$D/rd.json", "$D/new.csv", "--interval", "confidence")
	got := readOutCSV(t, stdout)
	if code != 0 || !near(got["fit"][0], 2.1107142857142867, 1e-11) || !near(got["lwr"][0], 1.7430237859165716, 1e-11) || !near(got["upr"][0], 2.4784047855120015, 1e-11) ||
		!strings.Contains(stderr, "rank-deficient (aliased: c)") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestPredictIntervalsStreamedAsInMemory: a model fitted with --stream
// gives the intervals of the in-memory fit (both from QR factors formed in
// double-double; 1e-12 relative) and so R's predict.lm, weighted or not.
func TestPredictIntervalsStreamedAsInMemory(t *testing.T) {
	doc := readRInference(t)
	p := doc.Predict
	dir := t.TempDir()
	writeCSV(t, dir, "cars.csv", []string{"wt", "hp", "mpg", "w"}, testColumn(p.X, 0), testColumn(p.X, 1), p.Y, p.Weights)
	writeCSV(t, dir, "new.csv", []string{"wt", "hp", "pw"}, testColumn(p.NewX, 0), testColumn(p.NewX, 1), p.PredWeights)
	for _, weights := range [][]string{nil, {"--weights", "w"}} {
		var outs []map[string][]string
		for _, mode := range [][]string{nil, {"--stream"}} {
			args := append(append([]string{"fit", "$D/cars.csv", "--target", "mpg", "--features", "wt,hp", "-o", "$D/m.json"}, weights...), mode...)
			if code, _, stderr := runLSQ(dir, nil, args...); code != 0 {
				t.Fatalf("%v: %s", args, stderr)
			}
			code, stdout, stderr := runLSQ(dir, nil, "predict", "$D/m.json", "$D/new.csv", "--interval", "prediction", "--pred-weights", "pw")
			if code != 0 {
				t.Fatalf("%v: predict: %s", mode, stderr)
			}
			outs = append(outs, readOutCSV(t, stdout))
		}
		for _, col := range []string{"fit", "lwr", "upr"} {
			for i, v := range outs[0][col] {
				want, _ := strconv.ParseFloat(v, 64)
				if !near(outs[1][col][i], want, 1e-12) {
					t.Errorf("weights %v %s row %d: streamed %s, in memory %s", weights != nil, col, i+1, outs[1][col][i], v)
				}
			}
		}
	}
}

// TestReportInference: with --summary, the HTML report carries the
// residual tests and the influential rows, and the leverage panel.
func TestReportInference(t *testing.T) {
	doc := readRInference(t)
	inf := doc.Influence
	dir := t.TempDir()
	writeCSV(t, dir, "stack.csv", []string{"air", "water", "acid", "loss"}, testColumn(inf.X, 0), testColumn(inf.X, 1), testColumn(inf.X, 2), inf.Y)
	code, _, stderr := runLSQ(dir, nil, "fit", "$D/stack.csv", "--target", "loss", "--summary", "--report", "$D/r.html")
	b, _ := os.ReadFile(filepath.Join(dir, "r.html"))
	page := string(b)
	// R flags rows 17 and 21 of the unweighted fit (influence.measures).
	for _, want := range []string{"Residual tests: Omnibus", "Durbin-Watson 1.49", "influential rows", "17 (", "21 (", "Residuals against leverage"} {
		if code != 0 || !strings.Contains(page, want) {
			t.Errorf("exit %d %s: report lacks %q", code, stderr, want)
		}
	}
}

// TestREADMEDataFiles: every path in the repository the README names (in
// backquotes) exists, patterns matching at least one file, and the
// README's summary commands run on the mtcars.csv it points to (R's
// mtcars: mpg against wt, hp and qsec).
func TestREADMEDataFiles(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	paths := regexp.MustCompile("`((?:docs|internal|bench|testdata|stats|beam)/[^` ]+)`").FindAllStringSubmatch(string(b), -1)
	if len(paths) < 5 {
		t.Fatalf("found %d paths in the README; the pattern no longer reads it", len(paths))
	}
	for _, p := range paths {
		m, _ := filepath.Glob(filepath.Join("..", "..", p[1]))
		if len(m) == 0 {
			t.Errorf("the README names %s, which does not exist", p[1])
		}
	}
	rdata, err := filepath.Abs(filepath.Join("testdata", "rdata"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"fit", "$D/mtcars.csv", "--target", "mpg", "--summary"},
		{"fit", "$D/mtcars.csv", "--target", "mpg", "--features", "wt,hp,qsec", "--anova"},
	} {
		if code, _, stderr := runLSQ(rdata, nil, args...); code != ExitOK {
			t.Errorf("lsq %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
	}
}
