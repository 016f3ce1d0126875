package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type curveRCase struct {
	Name         string    `json:"name"`
	Kind         string    `json:"kind"`
	Model        string    `json:"model"`
	X            string    `json:"x"`
	Xs           []float64 `json:"xs"`
	Y            []float64 `json:"y"`
	Names        []string  `json:"names"`
	Coef         []float64 `json:"coef"`
	SE           []float64 `json:"se"`
	ExactLow     []float64 `json:"exact_low"`
	ExactHigh    []float64 `json:"exact_high"`
	InitialTight []float64 `json:"initial_tight"`
}

// curveRCases reads the R references of package nls
// (nls/testdata/r_inference.json, made by bench/peers/nls_inference.R) and
// writes each case's data to dir as NAME.csv with columns x-name and y.
func curveRCases(t *testing.T, dir string) map[string]curveRCase {
	t.Helper()
	b, err := os.ReadFile("../../nls/testdata/r_inference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []curveRCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	out := map[string]curveRCase{}
	for _, c := range ref.Cases {
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s,y\n", c.X)
		for i, x := range c.Xs {
			fmt.Fprintf(&sb, "%.17g,%.17g\n", x, c.Y[i])
		}
		if err := os.WriteFile(filepath.Join(dir, c.Name+".csv"), []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		out[c.Name] = c
	}
	return out
}

type curveJSON struct {
	Params      map[string]float64 `json:"params"`
	StdErr      map[string]float64 `json:"stderr"`
	DF          int                `json:"df_resid"`
	AtBound     []string           `json:"at_bound"`
	ProfileLow  map[string]float64 `json:"profile_low"`
	ProfileHigh map[string]float64 `json:"profile_high"`
	SelfStart   map[string]float64 `json:"self_start"`
	Notes       []string           `json:"notes"`
}

func runCurveJSON(t *testing.T, dir string, args ...string) curveJSON {
	t.Helper()
	code, stdout, stderr := runLSQ(dir, nil, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	var out curveJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCurveSelfStartProfileBoundsR runs lsq curve with a self-starting
// model for each of R's five (no --start), with --profile, and with a bound
// that holds, and compares with R (the references of nls's
// TestSelfStartR, TestProfileR and TestBoundsAsRPort). Tolerance 1e-10
// relative, the target: the library tests measure 1e-14 on the
// same data, and the JSON carries 17 digits.
func TestCurveSelfStartProfileBoundsR(t *testing.T) {
	dir := t.TempDir()
	cases := curveRCases(t, dir)
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-10*math.Abs(want) {
			t.Errorf("%s = %.15g, R %.15g", what, got, want)
		}
	}
	for _, name := range []string{"dnase1_SSlogis", "puromycin_SSmicmen", "loblolly329_SSasymp", "dnase1_SSgompertz", "chick1_SSfpl"} {
		c := cases[name]
		out := runCurveJSON(t, dir, "curve", "$D/"+name+".csv", "--model", c.Model)
		for i, p := range c.Names {
			near(name+" start "+p, out.SelfStart[p], c.InitialTight[i])
			near(name+" "+p, out.Params[p], c.Coef[i])
			near(name+" se "+p, out.StdErr[p], c.SE[i])
		}
	}
	c := cases["puromycin_profile"]
	out := runCurveJSON(t, dir, "curve", "$D/puromycin_profile.csv", "--model", c.Model, "--start", "Vm=200,K=0.05", "--profile")
	for i, p := range c.Names {
		near("profile low "+p, out.ProfileLow[p], c.ExactLow[i])
		near("profile high "+p, out.ProfileHigh[p], c.ExactHigh[i])
	}
	c = cases["puromycin_port_upper_K"]
	out = runCurveJSON(t, dir, "curve", "$D/puromycin_port_upper_K.csv", "--model", c.Model, "--start", "Vm=200,K=0.05", "--bounds", "K=-inf:0.05")
	for i, p := range c.Names {
		near("bounded se "+p, out.StdErr[p], c.SE[i])
	}
	if strings.Join(out.AtBound, ",") != "K" || out.DF != 10 || len(out.Notes) != 1 || !strings.Contains(out.Notes[0], `as R's nls with algorithm = "port"`) {
		t.Errorf("bounded: at_bound %v, df %d, notes %q", out.AtBound, out.DF, out.Notes)
	}
}

// TestCurveSelfStartErrors: misuse of self-starting models is a usage error
// (exit 2) naming what to do; data the initial function cannot use is a
// failure (exit 1) that says to give --start.
func TestCurveSelfStartErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.csv"), []byte("x,y\n1,1\n2,2\n3,3\n4,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--model", "a*exp(b*x)", "--start", "auto"}, 2, "--start auto computes starting values for a self-starting model"},
		{[]string{"--model", "SSlogis(x, a, b)"}, 2, "SSlogis takes the input and 3 parameter names"},
		{[]string{"--model", "SSfpl(x)"}, 1, "4 distinct input values; its starting values need at least 5; give --start"},
		{[]string{"--model", "SSlogis(log(z))"}, 1, `"z"`},
		{[]string{"--model", "a*x", "--start", "a=1", "--profile", "--method", "adam"}, 2, "--profile refits the other parameters"},
	} {
		code, _, stderr := runLSQ(dir, nil, append([]string{"curve", "$D/s.csv"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}
