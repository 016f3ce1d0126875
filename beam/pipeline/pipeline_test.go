package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/beam/internal/localnet"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/stream"
)

// TestMain runs the pipelines on ptest's default runner, prism; pass
// -args --runner=direct to use the direct runner instead. prism's job server
// listens on every interface, so the tests run again in a network namespace
// of their own, with only the loopback (package localnet), unless this
// machine cannot make one.
func TestMain(m *testing.M) {
	if !localnet.Inside() {
		code, err := localnet.Rerun()
		if err == nil {
			os.Exit(code)
		}
		if !errors.Is(err, localnet.ErrUnavailable) {
			panic(err)
		}
		fmt.Fprintf(os.Stderr, "pipeline tests: %v: prism's job server will listen on every interface\n", err)
	} else if err := localnet.LoopbackUp(); err != nil {
		panic(err)
	}
	// prism logs every job at INFO; keep the test output to warnings.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	// Beam's loopback worker leaves an empty beamloopbackworker-* file in
	// the temporary directory on every run; give it one we remove.
	tmp, err := os.MkdirTemp("", "lsq-beam-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("TMPDIR", tmp)
	code := ptest.MainRet(m)
	os.RemoveAll(tmp)
	os.Exit(code)
}

func testRunner(_ context.Context, p *beam.Pipeline) error { return ptest.Run(p) }

// dataset is a small regression problem with known structure.
type dataset struct {
	names []string
	x     *mat.Dense
	y, w  []float64
}

func makeData(seed uint64, n, d int, weighted bool) dataset {
	rng := rand.New(rand.NewPCG(seed, 11))
	ds := dataset{x: mat.NewDense(n, d, nil), y: make([]float64, n)}
	for j := 0; j < d; j++ {
		ds.names = append(ds.names, fmt.Sprintf("x%d", j+1))
	}
	for i := 0; i < n; i++ {
		s := 2.0
		for j := 0; j < d; j++ {
			v := float64(j+1)*rng.NormFloat64() + float64(j)
			ds.x.Set(i, j, v)
			s += float64(j+1) * 0.5 * v
		}
		ds.y[i] = s + rng.NormFloat64()
	}
	if weighted {
		ds.w = make([]float64, n)
		for i := range ds.w {
			ds.w[i] = 0.5 + rng.Float64()
		}
	}
	return ds
}

// writeParts writes the rows, split at cuts, as CSV files part-0.csv, ...
// in dir. Values are written with the shortest representation that parses
// back to the same float64, so the pipeline sees the in-memory numbers.
func writeParts(t *testing.T, dir string, ds dataset, cuts []int, header []string) {
	t.Helper()
	if header == nil {
		header = append(append([]string(nil), ds.names...), "y")
		if ds.w != nil {
			header = append(header, "w")
		}
	}
	_, d := ds.x.Dims()
	for k := 0; k+1 < len(cuts); k++ {
		var b strings.Builder
		b.WriteString(strings.Join(header, ",") + "\n")
		for i := cuts[k]; i < cuts[k+1]; i++ {
			for j := 0; j < d; j++ {
				b.WriteString(strconv.FormatFloat(ds.x.At(i, j), 'g', -1, 64) + ",")
			}
			b.WriteString(strconv.FormatFloat(ds.y[i], 'g', -1, 64))
			if ds.w != nil {
				b.WriteString("," + strconv.FormatFloat(ds.w[i], 'g', -1, 64))
			}
			b.WriteString("\n")
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%d.csv", k)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeDataset writes the rows of ds, split at cuts, to a new temporary
// directory (writeParts with the default header) and returns it with the
// CSV options that read them: the target y, and the weights w when ds has
// weights.
func writeDataset(t *testing.T, ds dataset, cuts []int) (dir string, csv CSV) {
	t.Helper()
	dir = t.TempDir()
	writeParts(t, dir, ds, cuts, nil)
	csv = CSV{Target: "y"}
	if ds.w != nil {
		csv.Weights = "w"
	}
	return dir, csv
}

// oneShot is the in-memory exact fit: gonum's Householder QR of the whole
// weighted design [1 X] at once.
func oneShot(t *testing.T, ds dataset) []float64 {
	t.Helper()
	n, d := ds.x.Dims()
	a := mat.NewDense(n, d+1, nil)
	b := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		s := 1.0
		if ds.w != nil {
			s = math.Sqrt(ds.w[i])
		}
		a.Set(i, 0, s)
		for j := 0; j < d; j++ {
			a.Set(i, j+1, s*ds.x.At(i, j))
		}
		b.SetVec(i, s*ds.y[i])
	}
	var qr mat.QR
	qr.Factorize(a)
	var sol mat.VecDense
	if err := qr.SolveVecTo(&sol, false, b); err != nil {
		t.Fatal(err)
	}
	return sol.RawVector().Data
}

func maxRel(a, b []float64) float64 {
	var m, s float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
		s = math.Max(s, math.Abs(b[i]))
	}
	return m / s
}

// The pipeline over four CSV files (one element per file, merged by the
// CombineFn) matches the in-memory exact fit to 1e-10, and its summary
// matches the in-process streaming fit of the same rows.
func TestRunFitMatchesInMemory(t *testing.T) {
	const n, d = 3000, 4
	ds := makeData(1, n, d, true)
	dir := t.TempDir()
	writeParts(t, dir, ds, []int{0, 500, 1400, 2200, n}, nil)
	out := filepath.Join(dir, "model.json")
	accPath := filepath.Join(dir, "acc.json")
	m, err := RunFit(context.Background(), testRunner, filepath.Join(dir, "part-*.csv"), out,
		FitOptions{CSV: CSV{Target: "y", Weights: "w"}, AccumulatorPath: accPath})
	if err != nil {
		t.Fatal(err)
	}
	got := append([]float64{m.Intercept}, m.Coef...)
	want := oneShot(t, ds)
	// 1e-10: both are backward-stable least-squares solves, each within
	// about (κ + κ²·‖r‖/(‖X‖‖b‖))·(n+d)ε relative of the exact coefficients;
	// with κ ≈ 10 here and the residual ratio at most 1, that is at most
	// 110·3004·1.1e-16 ≈ 3.7e-11, a factor of 2.7 below.
	if e := maxRel(got, want); e > 1e-10 {
		t.Errorf("pipeline %v\n in-memory %v\n rel %.3g", got, want, e)
	}
	if strings.Join(m.Features, ",") != "x1,x2,x3,x4" || m.Target != "y" || !m.FitIntercept {
		t.Errorf("model metadata: features %v target %q intercept %t", m.Features, m.Target, m.FitIntercept)
	}
	var acc QRAcc
	if err := ReadAccumulator(context.Background(), accPath, &acc); err != nil {
		t.Fatal(err)
	}
	if acc.Files() != 4 {
		t.Errorf("accumulator merged %d files, want 4: the merge path was not used", acc.Files())
	}
	// The factor is the bits of folding the files in the order of their
	// paths, as lsq fit --stream does with the same glob, whatever order
	// the runner merged them in.
	fq, err := acc.Decode()
	if err != nil {
		t.Fatal(err)
	}
	folded, err := stream.FoldQR(context.Background(), []stream.Chunks{
		chunks(ds, 0, 500), chunks(ds, 500, 1400), chunks(ds, 1400, 2200), chunks(ds, 2200, n)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := fq.MarshalBinary()
	fb, _ := folded.MarshalBinary()
	if !bytes.Equal(gb, fb) {
		t.Error("the pipeline's factor differs from folding the files in path order")
	}
	// So the model file's summary is that of the in-process streamed fit
	// of the same partitions (lsq fit --stream), to the bit: the file
	// carries float64s, which JSON round-trips exactly.
	sr, err := fit.Stream(context.Background(), []stream.Chunks{
		chunks(ds, 0, 500), chunks(ds, 500, 1400), chunks(ds, 1400, 2200), chunks(ds, 2200, n)}, &fit.Settings{Solver: fit.QR})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{
		"r2": sr.Streamed.R2, "adj_r2": sr.Streamed.AdjR2, "residual_sd": sr.Streamed.ResidualSD, "rss": sr.Streamed.RSS,
		"intercept_std_err": sr.Streamed.InterceptStdErr,
	} {
		if g, ok := m.Training[name].(float64); !ok || g != want {
			t.Errorf("training[%q] = %v, fit.Stream's %v", name, m.Training[name], want)
		}
	}
	if !slices.Equal(m.Coef, sr.Coef) || m.Intercept != sr.Intercept {
		t.Errorf("coefficients %v %v, fit.Stream's %v %v", m.Intercept, m.Coef, sr.Intercept, sr.Coef)
	}
	q := stream.NewQR(d, true)
	if err := q.Add(ds.x, ds.y, ds.w); err != nil {
		t.Fatal(err)
	}
	local, err := q.Solve(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Summary fields survive the model file (JSON numbers are float64).
	for name, want := range map[string]float64{
		"r2": local.R2, "adj_r2": local.AdjR2, "residual_sd": local.ResidualSD, "rss": local.RSS,
		"n": float64(local.Rows), "nobs": float64(local.N), "df": float64(local.DF), "intercept_std_err": local.InterceptStdErr,
	} {
		g, ok := m.Training[name].(float64)
		// 1e-10: merges in another order than the single accumulator.
		if !ok || math.Abs(g-want) > 1e-10*math.Abs(want) {
			t.Errorf("training[%q] = %v, want %v", name, m.Training[name], want)
		}
	}
}

// Ridge and no-intercept fits go through the same pipeline.
func TestRunFitRidgeNoIntercept(t *testing.T) {
	const n, d = 1200, 3
	ds := makeData(2, n, d, false)
	dir := t.TempDir()
	writeParts(t, dir, ds, []int{0, 300, 800, n}, nil)
	glob := filepath.Join(dir, "part-*.csv")
	for _, o := range []FitOptions{
		{CSV: CSV{Target: "y"}, Alpha: 0.3},
		{CSV: CSV{Target: "y", Features: []string{"x3", "x1"}}, NoIntercept: true},
	} {
		m, err := RunFit(context.Background(), testRunner, glob, filepath.Join(dir, "m.json"), o)
		if err != nil {
			t.Fatal(err)
		}
		// The same options in process, through stream.Fit.
		cols := []int{0, 1, 2}
		if o.CSV.Features != nil {
			cols = []int{2, 0}
		}
		x := mat.NewDense(n, len(cols), nil)
		for i := 0; i < n; i++ {
			for k, j := range cols {
				x.Set(i, k, ds.x.At(i, j))
			}
		}
		part := func(yield func(*mat.Dense, []float64, []float64) error) error { return yield(x, ds.y, nil) }
		r, err := stream.Fit(context.Background(), []stream.Chunks{part}, &stream.Settings{NoIntercept: o.NoIntercept, Alpha: o.Alpha})
		if err != nil {
			t.Fatal(err)
		}
		// 1e-10 as above.
		if e := maxRel(append([]float64{m.Intercept}, m.Coef...), append([]float64{r.Intercept}, r.Coef...)); e > 1e-10 {
			t.Errorf("%+v: pipeline %v %v, in process %v %v", o, m.Intercept, m.Coef, r.Intercept, r.Coef)
		}
		if o.Alpha > 0 && m.Solver.Settings["alpha"] != o.Alpha {
			t.Errorf("solver settings %v lack alpha", m.Solver.Settings)
		}
	}
}

func TestRunFitErrors(t *testing.T) {
	ds := makeData(4, 100, 2, false)
	dir := t.TempDir()
	writeParts(t, dir, ds, []int{0, 50}, []string{"x1", "x2", "y"})
	// A second file whose second column has another name.
	if err := os.WriteFile(filepath.Join(dir, "part-9.csv"), []byte("x1,z,y\n1,2,3\n4,5,7\n2,2,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := RunFit(context.Background(), testRunner, filepath.Join(dir, "part-*.csv"), filepath.Join(dir, "m.json"),
		FitOptions{CSV: CSV{Target: "y"}})
	if err == nil || !strings.Contains(err.Error(), "different feature columns") {
		t.Errorf("mismatched headers: %v", err)
	}
	_, err = RunFit(context.Background(), testRunner, filepath.Join(dir, "none-*.csv"), filepath.Join(dir, "m.json"),
		FitOptions{CSV: CSV{Target: "y"}})
	if err == nil || !strings.Contains(err.Error(), ErrNoFiles.Error()) {
		t.Errorf("no files: %v", err)
	}
}

// MergeQR is associative and commutative to the bit — its parts are folded
// in the order of their paths whatever order a runner merges them in — and
// the empty accumulator is its identity; no runner involved.
func TestMergeQR(t *testing.T) {
	ds := makeData(5, 600, 3, true)
	var parts []QRAcc
	for k, c := range [][2]int{{0, 100}, {100, 350}, {350, 600}} {
		q := stream.NewQR(3, true)
		if err := q.Add(ds.x.Slice(c[0], c[1], 0, 3), ds.y[c[0]:c[1]], ds.w[c[0]:c[1]]); err != nil {
			t.Fatal(err)
		}
		bin, _ := q.MarshalBinary()
		parts = append(parts, QRAcc{Features: ds.names, Parts: []Part{{Path: fmt.Sprintf("part-%d.csv", k), Files: 1, Bin: bin}}})
	}
	must := func(a QRAcc, err error) QRAcc {
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	left := must(MergeQR(must(MergeQR(parts[0], parts[1])), parts[2]))
	right := must(MergeQR(parts[2], must(MergeQR(QRAcc{}, must(MergeQR(parts[1], parts[0]))))))
	// A combine that folded part of the way (its output merged again).
	mid := must(MergeQR(parts[0], must(MergeQR(parts[1], parts[2])).folded()))
	factor := func(a QRAcc) []byte {
		q, err := a.folded().Decode()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := q.MarshalBinary()
		return b
	}
	// The order of paths part-0, part-1, part-2, folded as stream.FoldQR
	// folds partitions.
	q, err := stream.FoldQR(context.Background(), []stream.Chunks{
		chunks(ds, 0, 100), chunks(ds, 100, 350), chunks(ds, 350, 600)}, &stream.Settings{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := q.MarshalBinary()
	for name, a := range map[string]QRAcc{"left": left, "right": right} {
		if !bytes.Equal(factor(a), want) || a.Files() != 3 {
			t.Errorf("%s: the factor differs from folding in path order (files %d)", name, a.Files())
		}
	}
	if got := mid.Files(); got != 3 {
		t.Errorf("a fold merged again holds %d files, want 3", got)
	}
	bad := parts[0]
	bad.Features = []string{"a", "b", "c"}
	if _, err := MergeQR(parts[1], bad); err == nil {
		t.Error("merged accumulators with different feature names")
	}
	if _, _, err := Model(context.Background(), QRAcc{}, FitOptions{}); !errors.Is(err, ErrNoFiles) {
		t.Errorf("empty accumulator: %v", err)
	}
}

// chunks is rows [lo, hi) of ds as one partition of a streamed fit.
func chunks(ds dataset, lo, hi int) stream.Chunks {
	_, d := ds.x.Dims()
	return func(yield func(x *mat.Dense, y, w []float64) error) error {
		x := ds.x.Slice(lo, hi, 0, d).(*mat.Dense)
		var w []float64
		if ds.w != nil {
			w = ds.w[lo:hi]
		}
		return yield(x, ds.y[lo:hi], w)
	}
}

// MergeGrad gives the same bits in any merge order: the sums of the files
// in the order of their paths, as stream.FoldGrad adds its partitions.
func TestMergeGradOrder(t *testing.T) {
	ds := makeData(8, 900, 3, true)
	p := &stream.GradParams{Coef: []float64{0.3, -1, 2}, Intercept: 0.5}
	bounds := []int{0, 200, 410, 700, 900}
	var parts []GradAcc
	var cs []stream.Chunks
	for k := range len(bounds) - 1 {
		g := stream.NewGrad(p)
		lo, hi := bounds[k], bounds[k+1]
		if err := g.Add(ds.x.Slice(lo, hi, 0, 3), ds.y[lo:hi], ds.w[lo:hi]); err != nil {
			t.Fatal(err)
		}
		bin, _ := g.MarshalBinary()
		parts = append(parts, GradAcc{Features: ds.names, Parts: []Part{{Path: fmt.Sprintf("part-%d.csv", k), Files: 1, Bin: bin}}})
		cs = append(cs, chunks(ds, lo, hi))
	}
	want, err := stream.FoldGrad(context.Background(), cs, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := want.MarshalBinary()
	for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}} {
		var acc GradAcc
		for _, k := range order {
			if acc, err = MergeGrad(acc, parts[k]); err != nil {
				t.Fatal(err)
			}
		}
		g, err := acc.folded().Decode()
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := g.MarshalBinary()
		if !bytes.Equal(gb, wb) || acc.Files() != 4 {
			t.Errorf("merge order %v: the sums differ from adding the files in path order (files %d)", order, acc.Files())
		}
	}
}
