package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `lsq cv --stream` prints the in-memory cross-validation: the same folds
// (--save-folds files byte for byte), grid, CV means and standard errors,
// α_min, α_1se and refit within cliTol (the streamed and in-memory fold
// fits solve the same problems from moments that agree to rounding; see
// stream's TestFoldCVMatchesCV for the library's bounds, well below it),
// for the lasso and a comparison of two elastic-net mixings, weighted and
// not, with and without intercept, from one file and from three
// partitions.
func TestStreamCVMatchesInMemory(t *testing.T) {
	dir := t.TempDir()
	whole, parts := writeStreamParts(t, dir, 3000)
	type cvJSON struct {
		N        int       `json:"n"`
		L1Ratio  float64   `json:"l1_ratio"`
		Alphas   []float64 `json:"alphas"`
		CVMean   []float64 `json:"cv_mean"`
		CVSE     []float64 `json:"cv_se"`
		AlphaMin float64   `json:"alpha_min"`
		Alpha1SE float64   `json:"alpha_1se"`
		Chosen   float64   `json:"chosen_alpha"`
		Coef     []float64 `json:"coef"`
		Icpt     float64   `json:"intercept"`
		Loss     float64   `json:"loss"`
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, pen := range [][]string{{"--penalty", "l1"}, {"--l1-ratio", "0.3,0.8", "--choose", "1se"}} {
		for _, extra := range [][]string{{"--features", "a,b,c"}, {"--weights", "w"}, {"--features", "a,b,c", "--no-intercept"}} {
			args := append(append([]string{"--json", "--folds", "5", "--seed", "7", "--n-alphas", "30", "--tol", "1e-14"}, pen...), extra...)
			what := strings.Join(args[1:], " ")
			var mem cvJSON
			memFolds := filepath.Join(dir, "mem-folds.csv")
			runJSON(t, &mem, append([]string{"cv", whole, "--save-folds", memFolds}, args...)...)
			for _, in := range [][]string{{whole, "--stream"}, {parts}} {
				var str cvJSON
				strFolds := filepath.Join(dir, "str-folds.csv")
				runJSON(t, &str, append(append([]string{"cv"}, in...), append(args, "--save-folds", strFolds)...)...)
				name := fmt.Sprintf("%s (%s)", what, strings.Join(in, " "))
				if str.N != mem.N || str.L1Ratio != mem.L1Ratio || len(str.Alphas) != len(mem.Alphas) {
					t.Fatalf("%s: n %d / %d, ρ %v / %v, %d / %d values of α", name, str.N, mem.N, str.L1Ratio, mem.L1Ratio, len(str.Alphas), len(mem.Alphas))
				}
				if !bytes.Equal(read(strFolds), read(memFolds)) {
					t.Errorf("%s: --save-folds differ", name)
				}
				for k, pair := range [][2][]float64{
					{str.Alphas, mem.Alphas}, {str.CVMean, mem.CVMean}, {str.CVSE, mem.CVSE},
					{{str.AlphaMin, str.Alpha1SE, str.Chosen, str.Loss}, {mem.AlphaMin, mem.Alpha1SE, mem.Chosen, mem.Loss}},
					{append(str.Coef, str.Icpt), append(mem.Coef, mem.Icpt)},
				} {
					if e := relDiff(pair[0], pair[1]); e > cliTol {
						t.Errorf("%s: %s differ by %.2g: %v, in memory %v", name, []string{"grids", "CV means", "CV standard errors", "α_min, α_1se, chosen α, loss", "refits"}[k], e, pair[0], pair[1])
					}
				}
			}
		}
	}
}
