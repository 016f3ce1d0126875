package cli

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/linear"
)

type netGapJSON struct {
	Converged bool       `json:"converged"`
	TrainLoss float64    `json:"train_loss"`
	TrainRMSE []float64  `json:"train_rmse"`
	RefitFrom []float64  `json:"head_refit_from_rmse"`
	Linear    *netGapOpt `json:"linear_optimum"`
	Head      *netGapOpt `json:"exact_head"`
}

type netGapOpt struct {
	OLSLoss    float64 `json:"ols_loss"`
	Gap        float64 `json:"gap"`
	RelativeTo string  `json:"gap_relative_to"`
	Reached    bool    `json:"reached"`
}

// runNetGap runs lsq net with --json and without, and returns the exit
// status, the JSON and the gap printed in the text.
func runNetGap(t *testing.T, dir string, args ...string) (int, netGapJSON, float64) {
	t.Helper()
	code, out, errOut := runLSQ(dir, nil, append(args, "--json")...)
	var res netGapJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: exit %d, %v\n%s%s", args, code, err, out, errOut)
	}
	code2, text, _ := runLSQ(dir, nil, args...)
	m := regexp.MustCompile(`; (?:relative )?gap ([^\s;]+)`).FindStringSubmatch(text)
	if code2 != code || m == nil {
		t.Fatalf("%v: exit %d with --json, %d without; no gap in\n%s", args, code, code2, text)
	}
	printed, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return code, res, printed
}

// The first case: --refit-head after five epochs of Adam on a deep
// linear network (3 inputs, a hidden layer of 4: the refitted head spans
// every affine map of x) returns the least-squares fit, and the gap, verdict
// and exit status are that network's: its loss is RSS/2n of linear.Solve on
// the same rows to 1e-12 relative (two pivoted QR solves of a
// well-conditioned design), its gap within the default tolerance 1e-10,
// relative to the optimum; exit 0. The training alone stopped far above it
// (the RMSE before the refit is more than 3× the optimum's).
func TestNetRefitHeadGapIsAfterRefit(t *testing.T) {
	dir := t.TempDir()
	const n = 200
	rng := rand.New(rand.NewPCG(11, 1))
	cols := make([][]float64, 4)
	for j := range cols {
		cols[j] = make([]float64, n)
	}
	for i := range n {
		for j := range 3 {
			cols[j][i] = rng.NormFloat64()
		}
		cols[3][i] = 1 + 2*cols[0][i] - cols[1][i] + 0.5*cols[2][i] + 0.1*rng.NormFloat64()
	}
	writeCSV(t, dir, "lin.csv", []string{"x1", "x2", "x3", "y"}, cols...)
	x := mat.NewDense(n, 3, nil)
	for j := range 3 {
		x.SetCol(j, cols[j])
	}
	ols, err := linear.Solve(x, cols[3], nil)
	if err != nil {
		t.Fatal(err)
	}
	want := ols.RSS / (2 * n)

	code, res, printed := runNetGap(t, dir, "net", "$D/lin.csv", "--hidden", "4", "--epochs", "5", "--solver", "adam", "--refit-head", "--activation", "identity")
	lo := res.Linear
	if code != ExitOK || !res.Converged || lo == nil || !lo.Reached || lo.RelativeTo != "optimum" {
		t.Fatalf("exit %d, converged %v, optimum %+v; want exit 0 at the optimum", code, res.Converged, lo)
	}
	rel := func(a, b float64) float64 { return math.Abs(a-b) / b }
	if rel(res.TrainLoss, want) > 1e-12 || rel(lo.OLSLoss, want) > 1e-12 {
		t.Errorf("train loss %.15g, optimum %.15g; linear.Solve %.15g", res.TrainLoss, lo.OLSLoss, want)
	}
	if !(math.Abs(lo.Gap) <= 1e-10) || !(math.Abs(printed) <= 1e-10) {
		t.Errorf("gap %.3g (printed %.3g); want within 1e-10", lo.Gap, printed)
	}
	if len(res.RefitFrom) != 1 || !(res.RefitFrom[0] > 3*res.TrainRMSE[0]) {
		t.Errorf("RMSE %v before the refit, %v after: the test needs a refit that closes a large gap", res.RefitFrom, res.TrainRMSE)
	}
}

// The second case: the head of a network (8 hidden units, 9
// parameters) fine-tuned on 5 rows fits them exactly, so the optimum F* is
// about 0 and a gap relative to it is rounding over rounding. The gap is
// judged as optim.Optimum judges it, relative to 1e-8 of the start's gap
// F₀ − F*, and with F* ≈ 0 it is 1e8·(RMSE/RMSE₀)², RMSE₀ the start
// network's (lsq eval): the two agree to 1e-9 relative (the same sums of
// squares, F* below 1e-10 of F − F*; see net's TestHeadGapAtZeroOptimum),
// the printed gap to 5e-3 (three significant digits).
// Two L-BFGS steps stop short: exit 3; fifty reach the optimum within 1e-10:
// exit 0.
func TestNetHeadGapAtZeroOptimum(t *testing.T) {
	dir := t.TempDir()
	rows := func(name string, n int, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 2))
		a, b, y := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			a[i], b[i] = 4*rng.Float64()-2, 4*rng.Float64()-2
			y[i] = math.Sin(a[i]) + 0.5*b[i] + 0.1*rng.NormFloat64()
		}
		writeCSV(t, dir, name, []string{"a", "b", "y"}, a, b, y)
	}
	rows("base.csv", 40, 1)
	rows("few.csv", 5, 2)
	if code, out, errOut := runLSQ(dir, nil, "net", "$D/base.csv", "--hidden", "8", "--activation", "tanh", "--epochs", "20", "-o", "$D/m.json"); code != ExitOK {
		t.Fatalf("base network: exit %d\n%s%s", code, out, errOut)
	}
	_, out, _ := runLSQ(dir, nil, "eval", "$D/m.json", "$D/few.csv", "--json")
	var ev struct {
		RMSE float64 `json:"rmse"`
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil || !(ev.RMSE > 0) {
		t.Fatalf("eval: %v\n%s", err, out)
	}
	for _, c := range []struct {
		epochs string
		code   int
	}{{"2", ExitNotConverged}, {"50", ExitOK}} {
		code, res, printed := runNetGap(t, dir, "net", "$D/few.csv", "--init", "$D/m.json", "--freeze", "1", "--solver", "lbfgs", "--epochs", c.epochs)
		lo := res.Head
		if lo == nil {
			t.Fatalf("%s epochs: no exact head", c.epochs)
		}
		reached := c.code == ExitOK
		r := res.TrainRMSE[0] / ev.RMSE
		want := 1e8 * r * r
		t.Logf("%s epochs: exit %d, gap %.6g, printed %.3g, 1e8·(RMSE/RMSE₀)² %.6g", c.epochs, code, lo.Gap, printed, want)
		if code != c.code || res.Converged != reached || lo.Reached != reached || (lo.Gap <= 1e-10) != reached {
			t.Errorf("%s epochs: exit %d, converged %v, reached %v, gap %.3g; want exit %d", c.epochs, code, res.Converged, lo.Reached, lo.Gap, c.code)
		}
		if math.Abs(lo.Gap-want) > 1e-9*want || math.Abs(printed-want) > 5e-3*want || lo.RelativeTo != "start" {
			t.Errorf("%s epochs: gap %.6g relative to %q, printed %.3g; want 1e8·(RMSE/RMSE₀)² = %.6g relative to the start", c.epochs, lo.Gap, lo.RelativeTo, printed, want)
		}
	}
}
