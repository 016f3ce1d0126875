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

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/net"
)

// readCSVColumns reads a CSV file of numbers: its header and its columns.
func readCSVColumns(t *testing.T, path string, body string) ([]string, [][]float64) {
	t.Helper()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := make([][]float64, len(recs[0]))
	for _, r := range recs[1:] {
		for j, f := range r {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			cols[j] = append(cols[j], v)
		}
	}
	return recs[0], cols
}

// A network of several targets (--target y1,y2,y3) is used as a linear fit
// of several targets is: predict writes one column per target, named after
// it (predicted_NAME with --keep on data that holds the targets), and each
// value is the library's forward pass, net.Net.Predict on the network built
// from the model file's parameters, bit for bit (predict writes the
// shortest decimal that reads back as the same float64). eval scores each
// target: R², RMSE and MAE of those predictions by their definitions, to
// 1e-12 relative (sums of 120 terms, in another order and scaling: a few
// units of rounding each); RMSE² is also Net.MSE, the library's own sum.
func TestNetSeveralTargetsPredictEval(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 120, false)
	model := filepath.Join(dir, "net.json")
	if code, out, errOut := runLSQ(dir, nil, "net", data, "--target", "y1,y2,y3", "--hidden", "5", "--activation", "tanh",
		"--epochs", "30", "--quiet", "-o", model); code != ExitOK {
		t.Fatalf("net: exit %d\n%s%s", code, out, errOut)
	}
	m, err := modelio.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	mn := m.Net
	nn := &net.Net{Arch: net.Arch{Inputs: 4, Outputs: 3, Hidden: []int{5}, Activations: []net.Activation{net.Tanh}},
		Theta: mn.Params, InCenter: m.Scaling.Center, InScale: m.Scaling.Scale, OutCenter: mn.OutCenter, OutScale: mn.OutScale}
	_, cols := readCSVColumns(t, data, "")
	n := len(cols[0])
	x, y := mat.NewDense(n, 4, nil), mat.NewDense(n, 3, nil)
	for j := range 4 {
		x.SetCol(j, cols[j])
	}
	for k := range 3 {
		y.SetCol(k, cols[4+k])
	}
	want, err := nn.Predict(x)
	if err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runLSQ(dir, nil, "predict", model, data)
	if code != ExitOK {
		t.Fatalf("predict: exit %d: %s", code, errOut)
	}
	header, got := readCSVColumns(t, "", out)
	if strings.Join(header, ",") != "y1,y2,y3" || len(got[0]) != n {
		t.Fatalf("predict: header %v, %d rows; want y1,y2,y3 and %d rows", header, len(got[0]), n)
	}
	for k := range 3 {
		for i := range n {
			if got[k][i] != want.At(i, k) {
				t.Fatalf("predict: row %d, %s: %v; the forward pass gives %v", i+1, header[k], got[k][i], want.At(i, k))
			}
		}
	}
	kept := filepath.Join(dir, "kept.csv")
	if code, _, errOut := runLSQ(dir, nil, "predict", model, data, "--keep", "-o", kept); code != ExitOK {
		t.Fatalf("predict --keep: exit %d: %s", code, errOut)
	}
	header, got = readCSVColumns(t, kept, "")
	if strings.Join(header, ",") != "x1,x2,x3,x4,y1,y2,y3,predicted_y1,predicted_y2,predicted_y3" || got[8][n-1] != want.At(n-1, 1) {
		t.Errorf("predict --keep: header %v, last predicted_y2 %v (want %v)", header, got[8][n-1], want.At(n-1, 1))
	}

	code, out, errOut = runLSQ(dir, nil, "eval", model, data, "--json")
	var ev targetScores
	if err := json.Unmarshal([]byte(out), &ev); code != ExitOK || err != nil {
		t.Fatalf("eval --json: exit %d, %v: %s%s", code, err, out, errOut)
	}
	mse, err := nn.MSE(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }
	if strings.Join(ev.Targets, ",") != "y1,y2,y3" || len(ev.Scores) != 3 {
		t.Fatalf("eval: targets %v, %d scores", ev.Targets, len(ev.Scores))
	}
	for k, s := range ev.Scores {
		var mean, sse, sst, sae float64
		for i := range n {
			mean += y.At(i, k) / float64(n)
		}
		for i := range n {
			r := y.At(i, k) - want.At(i, k)
			sse += r * r
			sae += math.Abs(r)
			sst += (y.At(i, k) - mean) * (y.At(i, k) - mean)
		}
		r2, rmse, mae := 1-sse/sst, math.Sqrt(sse/float64(n)), sae/float64(n)
		if s.N != n || rel(float64(s.R2), r2) > 1e-12 || rel(s.RMSE, rmse) > 1e-12 || rel(s.MAE, mae) > 1e-12 || rel(s.RMSE*s.RMSE, mse[k]) > 1e-12 {
			t.Errorf("eval %s: %+v; want n %d, R² %v, RMSE %v (² = Net.MSE %v), MAE %v", ev.Targets[k], s, n, r2, rmse, mse[k], mae)
		}
	}
	// The table prints a row per target: its name, then R², RMSE and MAE.
	code, out, _ = runLSQ(dir, nil, "eval", model, data)
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) == 4 {
			rows = append(rows, f[0])
		}
	}
	if code != ExitOK || strings.Join(rows, ",") != "target,y1,y2,y3" {
		t.Errorf("eval: exit %d, rows %v:\n%s", code, rows, out)
	}
}

// --refit-head replaces the output layer; freezing it too is a usage error
// naming both flags, found before anything is written (no trace, no
// model), also when the layers come from an --init model (its one hidden
// layer makes the output layer 2). Freezing only the hidden layer with
// --refit-head trains.
func TestNetRefitHeadFrozenOutput(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 60, false)
	start := filepath.Join(dir, "start.json")
	if code, _, errOut := runLSQ(dir, nil, "net", data, "--target", "y1", "--features", "x1,x2", "--hidden", "3", "--epochs", "5", "--quiet", "-o", start); code != ExitOK {
		t.Fatalf("net: exit %d: %s", code, errOut)
	}
	out, trace := filepath.Join(dir, "out.json"), filepath.Join(dir, "t.jsonl")
	code, _, errOut := runLSQ(dir, nil, "net", data, "--init", start, "--freeze", "1,2", "--refit-head", "--epochs", "5", "--trace", trace, "-o", out)
	if code != ExitUsage || !strings.Contains(errOut, "--refit-head replaces the output layer (layer 2), which --freeze 1,2 keeps fixed") {
		t.Errorf("--init with --freeze 1,2 --refit-head: exit %d: %s", code, errOut)
	}
	for _, f := range []string{out, trace} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s written by a usage error (%v)", f, err)
		}
	}
	if code, _, errOut := runLSQ(dir, nil, "net", data, "--init", start, "--freeze", "1", "--refit-head", "--epochs", "5", "--quiet", "-o", out); code != ExitOK {
		t.Errorf("--freeze 1 --refit-head: exit %d: %s", code, errOut)
	}
}

// A network model whose parameters do not fit its shape is refused by
// predict and eval under the model file's name (not the data file's),
// before any output is written.
func TestNetModelBrokenNamed(t *testing.T) {
	dir := t.TempDir()
	data := writeTargets(t, dir, "m.csv", 30, false)
	model := filepath.Join(dir, "net.json")
	if code, out, errOut := runLSQ(dir, nil, "net", data, "--target", "y1,y2,y3", "--hidden", "3", "--epochs", "3", "--quiet", "-o", model); code != ExitOK {
		t.Fatalf("net: exit %d\n%s%s", code, out, errOut)
	}
	m, err := modelio.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	m.Net.Params = m.Net.Params[1:]
	bad := filepath.Join(dir, "bad.json")
	if err := modelio.Save(bad, m); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"predict", bad, data, "-o", "$D/p.csv"}, {"eval", bad, data}} {
		code, _, errOut := runLSQ(dir, nil, args...)
		want := "lsq: " + bad + ": the model has 26 parameters; its shape 4→3(relu)→3 needs 27"
		if code != ExitFailure || !strings.HasPrefix(errOut, want) {
			t.Errorf("%s: exit %d, %q; want exit %d and %q", args[0], code, errOut, ExitFailure, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "p.csv")); !os.IsNotExist(err) {
		t.Errorf("predict wrote p.csv for a broken model (%v)", err)
	}
}
