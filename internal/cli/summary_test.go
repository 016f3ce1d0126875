package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/internal/testproblems"
)

// TestFitDegreeCertified runs `lsq fit --degree N --json` on the NIST StRD
// polynomial problems written out as CSV (the shortest decimal form of each
// float64 value, so the reader sees exactly the problem's numbers) and
// demands the certified coefficients, standard errors, residual SD and R² to
// 12 digits, the goal of the StRD issue.
func TestFitDegreeCertified(t *testing.T) {
	for _, p := range testproblems.LinearProblems() {
		if len(p.X) != 1 {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("x,y\n")
			for i := range p.Y {
				fmt.Fprintf(&b, "%s,%s\n", strconv.FormatFloat(p.X[0][i], 'g', -1, 64), strconv.FormatFloat(p.Y[i], 'g', -1, 64))
			}
			path := filepath.Join(t.TempDir(), p.Name+".csv")
			os.WriteFile(path, []byte(b.String()), 0o644)
			args := []string{"fit", path, "--json", "--degree", strconv.Itoa(p.Degree)}
			if !p.Intercept {
				args = append(args, "--no-intercept")
			}
			var out, errb bytes.Buffer
			if code := Main(context.Background(), args, IO{Out: &out, Err: &errb}); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var got struct {
				Coef       []float64
				Intercept  float64
				StdErr     []float64 `json:"stderr"`
				InterSE    float64   `json:"intercept_stderr"`
				ResidualSD float64   `json:"residual_sd"`
				R2         float64   `json:"r2"`
			}
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			coef, se := got.Coef, got.StdErr
			if p.Intercept {
				coef = append([]float64{got.Intercept}, coef...)
				se = append([]float64{got.InterSE}, se...)
			}
			acc := p.Accuracy(coef, se, got.ResidualSD, got.R2)
			if acc.Min < 12 || math.IsNaN(acc.Min) {
				t.Errorf("min LRE %.1f < 12: %+v", acc.Min, acc)
			}
		})
	}
}
