package net

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/schedule"
)

// sinData is y = sin(3x) + ε, x ~ U(−2, 2), ε ~ N(0, 0.1²), n rows; the
// last nVal rows are held out. It returns the mean of ε² over the held-out
// rows: the least mean squared error any function can reach there.
func sinData(n, nVal int, seed uint64) (x, y, vx, vy *mat.Dense, floor float64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	nt := n - nVal
	x, y = mat.NewDense(nt, 1, nil), mat.NewDense(nt, 1, nil)
	vx, vy = mat.NewDense(nVal, 1, nil), mat.NewDense(nVal, 1, nil)
	for i := range n {
		xi := 4*rng.Float64() - 2
		e := 0.1 * rng.NormFloat64()
		if i < nt {
			x.Set(i, 0, xi)
			y.Set(i, 0, math.Sin(3*xi)+e)
		} else {
			vx.Set(i-nt, 0, xi)
			vy.Set(i-nt, 0, math.Sin(3*xi)+e)
			floor += e * e / float64(nVal)
		}
	}
	return x, y, vx, vy, floor
}

// TestSineAdamAndLM is the check: a network fits y = sin(3x) + noise
// (n = 2000, a quarter held out) to within 1.1× the noise variance on the
// held-out rows, by Adam and by Levenberg–Marquardt, and LM needs fewer
// epochs (iterations) than Adam does epochs.
func TestSineAdamAndLM(t *testing.T) {
	x, y, vx, vy, floor := sinData(2000, 500, 1)
	base := Settings{Hidden: []int{16}, Activations: []Activation{Tanh}, Seed: 1, ValX: vx, ValY: vy}

	adam := base
	adam.Hidden = []int{32, 32}
	adam.Optim = optim.Settings{LearningRate: 0.01, BatchSize: 64, Epochs: 120, Seed: 1, Schedule: schedule.Cosine{Period: 120}}
	ra, err := Train(context.Background(), x, y, &adam)
	if err != nil {
		t.Fatal(err)
	}
	lm := base
	lm.LM = true
	lm.Optim.Epochs = 100
	rl, err := Train(context.Background(), x, y, &lm)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("noise floor %.5f; Adam %.5f in %d epochs; LM %.5f in %d iterations (%s)", floor, ra.ValMSE[0], ra.Epochs, rl.ValMSE[0], rl.Epochs, rl.Status)
	for _, r := range []struct {
		name string
		res  *Result
	}{{"adam", ra}, {"lm", rl}} {
		if r.res.ValMSE[0] > 1.1*floor {
			t.Errorf("%s: held-out MSE %.5f above 1.1× the noise variance %.5f", r.name, r.res.ValMSE[0], floor)
		}
	}
	if rl.Epochs >= ra.Epochs {
		t.Errorf("LM took %d iterations, Adam %d epochs", rl.Epochs, ra.Epochs)
	}
}

// TestDeepLinearReachesOLS: a deep linear network's optimum is the
// least-squares fit (Baldi & Hornik 1989), so L-BFGS must reach the OLS
// objective, computed independently by QR, at every depth. 1e-8 relative
// is the bound: about √ε of the objective, where the flat valleys
// of an over-parameterised product leave the last digits undetermined.
func TestDeepLinearReachesOLS(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	n, d := 300, 3
	x, y := mat.NewDense(n, d, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		s := 0.5
		for j := range d {
			v := rng.NormFloat64() * float64(j+1)
			x.Set(i, j, v+2)
			s += float64(j-1) * v
		}
		y.Set(i, 0, s+0.3*rng.NormFloat64())
	}
	for depth := 2; depth <= 5; depth++ {
		hidden := make([]int, depth-1)
		for i := range hidden {
			hidden[i] = 4
		}
		s := &Settings{Hidden: hidden, Activations: []Activation{Identity}, Seed: 2, Optimizer: &optim.LBFGS{},
			Optim: optim.Settings{Epochs: 2000}}
		res, err := Train(context.Background(), x, y, s)
		if err != nil {
			t.Fatal(err)
		}
		if res.Linear == nil {
			t.Fatalf("depth %d: no exact optimum for a linear network", depth)
		}
		t.Logf("depth %d: %s after %d iterations, gap %.3g", depth, res.Status, res.Epochs, res.Linear.Gap)
		if !(res.Linear.Gap <= 1e-8) || res.Linear.Gap < -1e-12 {
			t.Errorf("depth %d: relative gap to the OLS objective %.3g (%s after %d iterations)", depth, res.Linear.Gap, res.Status, res.Epochs)
		}
	}
}

// TestSameBitsAnyGOMAXPROCS trains the same network with 1 and 2 threads:
// the blocks are summed in a fixed order, so the weights must be the same
// bits.
func TestSameBitsAnyGOMAXPROCS(t *testing.T) {
	x, y, _, _, _ := sinData(701, 1, 3)
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s := &Settings{Hidden: []int{64, 64}, Seed: 5, Optim: optim.Settings{LearningRate: 1e-3, BatchSize: 300, Epochs: 3, Seed: 5}}
		res, err := Train(context.Background(), x, y, s)
		if err != nil {
			t.Fatal(err)
		}
		return res.Net.Theta
	}
	a, b := run(1), run(2)
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("θ[%d] = %v with 1 thread, %v with 2", i, a[i], b[i])
		}
	}
}

// TestPredictUnscales checks that predictions are on the original scale:
// a network trained on y and on 1000·y + 5 from the same start makes
// predictions related by the same map, since training sees the same
// scaled targets.
func TestPredictUnscales(t *testing.T) {
	x, y, _, _, _ := sinData(401, 1, 6)
	y2 := mat.NewDense(400, 1, nil)
	for i := range 400 {
		y2.Set(i, 0, 1000*y.At(i, 0)+5)
	}
	fit := func(y *mat.Dense) (*mat.Dense, *Result) {
		s := &Settings{Hidden: []int{8}, Activations: []Activation{Tanh}, Seed: 1, Optim: optim.Settings{LearningRate: 0.01, Epochs: 20}}
		res, err := Train(context.Background(), x, y, s)
		if err != nil {
			t.Fatal(err)
		}
		p, err := res.Net.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		return p, res
	}
	p1, r1 := fit(y)
	p2, r2 := fit(y2)
	for i := range 400 {
		// The scaled targets differ by rounding only (~1e-16 relative), so
		// the fits agree to ~1e-12 after 20 epochs; ×1000 on the original scale.
		if e := math.Abs(p2.At(i, 0) - (1000*p1.At(i, 0) + 5)); e > 1e-8 {
			t.Fatalf("row %d: %v vs 1000·%v + 5", i, p2.At(i, 0), p1.At(i, 0))
		}
	}
	if math.Abs(r2.TrainLoss-1e6*r1.TrainLoss) > 1e-9*r2.TrainLoss {
		t.Errorf("train loss %v, want 1e6 × %v", r2.TrainLoss, r1.TrainLoss)
	}
}

// TestL2SPFineTune continues a trained network on new data with the L2-SP
// penalty α/2‖w − w₀‖² (Li, Grandvalet & Davoine 2018): the objective the
// driver reports is the scaled loss plus exactly that penalty, and a strong
// pull keeps the weights nearer the start than no pull does.
func TestL2SPFineTune(t *testing.T) {
	x, y, vx, vy, _ := sinData(600, 300, 8)
	base := &Settings{Hidden: []int{8}, Activations: []Activation{Tanh}, Seed: 1, Optim: optim.Settings{LearningRate: 0.01, Epochs: 30}}
	start, err := Train(context.Background(), x, y, base)
	if err != nil {
		t.Fatal(err)
	}
	w0 := append([]float64(nil), start.Net.Theta[:start.Net.Weights()]...)
	dist := func(alpha float64) float64 {
		s := &Settings{Hidden: []int{8}, Activations: []Activation{Tanh}, Start: start.Net, Optim: optim.Settings{LearningRate: 0.01, Epochs: 30}}
		if alpha > 0 {
			s.Penalty = penalty.L2SP{Alpha: alpha}
		}
		res, err := Train(context.Background(), vx, vy, s)
		if err != nil {
			t.Fatal(err)
		}
		d2 := 0.0
		for j, v := range w0 {
			e := res.Net.Theta[j] - v
			d2 += e * e
		}
		// Objective = loss on the training scale + α/2‖w − w₀‖²; the loss
		// on the original scale is the scaled one times sd².
		sd := res.Net.OutScale[0]
		if e := res.Objective - (res.TrainLoss/(sd*sd) + alpha/2*d2); math.Abs(e) > 1e-12*res.Objective {
			t.Errorf("α = %v: objective %v, loss + penalty %v", alpha, res.Objective, res.TrainLoss/(sd*sd)+alpha/2*d2)
		}
		return math.Sqrt(d2)
	}
	free, pulled := dist(0), dist(10)
	t.Logf("‖w − w₀‖: free %.4g, α = 10: %.4g", free, pulled)
	if !(pulled < free/2) {
		t.Errorf("L2-SP pulled the weights to %.4g from the start, without it %.4g", pulled, free)
	}
}

// TestRefitHead: the refitted head is the exact minimiser of the network's
// objective over the output layer with the hidden layers frozen, so the
// backpropagated gradient of loss + α/2‖Wᴸ‖² with respect to the head
// vanishes (to rounding: 1e-10 of the gradient's size before the refit),
// and the objective is no larger than after training the whole network.
func TestRefitHead(t *testing.T) {
	x, y, _, _, _ := sinData(501, 1, 9)
	for _, alpha := range []float64{0, 0.01} {
		s := &Settings{Hidden: []int{12, 12}, Activations: []Activation{Tanh}, Seed: 1, Optim: optim.Settings{LearningRate: 0.01, Epochs: 20}}
		if alpha > 0 {
			s.Penalty = penalty.L2{Alpha: alpha}
		}
		res, err := Train(context.Background(), x, y, s)
		if err != nil {
			t.Fatal(err)
		}
		refit, err := RefitHead(res.Net, x, y, nil, alpha)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := newTrainer(x, y, &Settings{Hidden: s.Hidden, Activations: s.Activations, Start: refit})
		if err != nil {
			t.Fatal(err)
		}
		objective := func(theta []float64) (float64, []float64) {
			g := make([]float64, tr.m.dim)
			f := tr.m.loss(g, theta, tr.ds)
			for j := range tr.arch.Weights() {
				f += alpha / 2 * theta[j] * theta[j]
				g[j] += alpha * theta[j]
			}
			return f, g
		}
		f0, g0 := objective(res.Net.Theta)
		f1, g1 := objective(refit.Theta)
		head := tr.m.ls[len(tr.m.ls)-1]
		idx := []int{}
		for j := head.w; j < head.w+head.in*head.out; j++ {
			idx = append(idx, j)
		}
		idx = append(idx, head.b)
		before, after := 0.0, 0.0
		for _, j := range idx {
			before = math.Max(before, math.Abs(g0[j]))
			after = math.Max(after, math.Abs(g1[j]))
		}
		t.Logf("α = %v: objective %.6g → %.6g, head gradient %.3g → %.3g", alpha, f0, f1, before, after)
		if after > 1e-10*before || f1 > f0 {
			t.Errorf("α = %v: head gradient %.3g (before %.3g), objective %v → %v", alpha, after, before, f0, f1)
		}
	}
}

// TestFreeze: frozen layers keep their bits; with every hidden layer frozen
// the problem is linear least squares (ridge with L2) in the head, and
// L-BFGS reaches the exact head of RefitHead (gap ≤ 1e-8 relative, as for
// deep linear networks), the gap reported in Result.Head.
func TestFreeze(t *testing.T) {
	// Five inputs: hidden features of one input would be nearly collinear
	// (smooth functions of one variable), an ill-conditioned head.
	multi := func(n int, seed uint64) (x, y *mat.Dense) {
		rng := rand.New(rand.NewPCG(seed, 5))
		x, y = mat.NewDense(n, 5, nil), mat.NewDense(n, 1, nil)
		for i := range n {
			r := x.RawRowView(i)
			for j := range r {
				r[j] = rng.NormFloat64()
			}
			y.Set(i, 0, math.Sin(r[0])+r[1]*r[2]+0.1*rng.NormFloat64())
		}
		return x, y
	}
	x, y := multi(700, 1)
	vx, vy := multi(300, 2)
	start, err := Train(context.Background(), x, y, &Settings{Hidden: []int{10, 10}, Activations: []Activation{Tanh}, Seed: 3,
		Optim: optim.Settings{LearningRate: 0.01, Epochs: 10}})
	if err != nil {
		t.Fatal(err)
	}
	ls := start.Net.Arch.layers()
	same := func(res *Result, layer int) bool {
		l := ls[layer-1]
		for _, r := range [][2]int{{l.w, l.w + l.in*l.out}, {l.b, l.b + l.out}} {
			for j := r[0]; j < r[1]; j++ {
				if math.Float64bits(res.Net.Theta[j]) != math.Float64bits(start.Net.Theta[j]) {
					return false
				}
			}
		}
		return true
	}
	for _, alpha := range []float64{0, 0.01} {
		s := &Settings{Hidden: []int{10, 10}, Activations: []Activation{Tanh}, Start: start.Net, Freeze: []int{1, 2},
			Optimizer: &optim.LBFGS{}, Optim: optim.Settings{Epochs: 500}}
		if alpha > 0 {
			s.Penalty = penalty.L2{Alpha: alpha}
		}
		res, err := Train(context.Background(), vx, vy, s)
		if err != nil {
			t.Fatal(err)
		}
		if res.Head == nil || !(res.Head.Gap <= 1e-8) || !same(res, 1) || !same(res, 2) || same(res, 3) {
			t.Errorf("α = %v: head gap %+v, status %s; layers kept: %v %v %v", alpha, res.Head, res.Status, same(res, 1), same(res, 2), same(res, 3))
		}
	}
	res, err := Train(context.Background(), vx, vy, &Settings{Hidden: []int{10, 10}, Activations: []Activation{Tanh}, Start: start.Net,
		Freeze: []int{2}, Penalty: penalty.L2{Alpha: 0.1}, Optim: optim.Settings{LearningRate: 0.01, Epochs: 5, BatchSize: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if !same(res, 2) || same(res, 1) || same(res, 3) || res.Head != nil {
		t.Errorf("freezing layer 2 of 3 with Adam and L2: kept %v %v %v", same(res, 1), same(res, 2), same(res, 3))
	}
}

// TestDeepLinearPlateau: gradient descent on a deep linear network from a
// small initialisation sits on a plateau near the start before the loss
// falls, and the plateau lengthens as the initialisation shrinks — about
// as 1/u₀ for three layers (Saxe, McClelland & Ganguli 2014, §2: the time
// to learn a mode of strength s from scale u₀ grows like 1/(s·u₀) beyond two
// layers, up to a logarithm). Both runs still end at the least-squares
// optimum.
func TestDeepLinearPlateau(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	n := 500
	x, y := mat.NewDense(n, 3, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		a, b, c := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		x.SetRow(i, []float64{a, b, c})
		y.Set(i, 0, 3*a+b+0.3*c+0.1*rng.NormFloat64())
	}
	plateau := func(std float64) int {
		first, left := math.NaN(), 0
		s := &Settings{Hidden: []int{3, 3}, Activations: []Activation{Identity}, Init: Init{Kind: Normal, Scale: std}, Seed: 1,
			Optimizer: &optim.SGD{}, Optim: optim.Settings{LearningRate: 0.1, Epochs: 5000},
			Recorder: RecorderFunc(func(e Epoch) error {
				if math.IsNaN(first) {
					first = e.TrainLoss
				}
				if left == 0 && e.TrainLoss < 0.9*first {
					left = e.Epoch
				}
				return nil
			})}
		res, err := Train(context.Background(), x, y, s)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status.String() != "gap-tolerance" {
			t.Errorf("std %v: %s, gap %.3g", std, res.Status, res.Linear.Gap)
		}
		return left
	}
	p1, p2 := plateau(0.1), plateau(0.01)
	t.Logf("epochs on the plateau: %d from std 0.1, %d from std 0.01", p1, p2)
	if r := float64(p2) / float64(p1); !(r >= 5 && r <= 20) {
		t.Errorf("plateau %d → %d epochs (×%.3g) for a 10× smaller start; want ×5 to ×20", p1, p2, r)
	}
}
