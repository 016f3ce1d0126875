package net

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// Settings configures Train. The zero value trains a network without hidden
// layers (a linear model) by Adam; nil means all defaults.
type Settings struct {
	Hidden      []int        // hidden widths, input side first
	Activations []Activation // one for every hidden layer, or one per layer; nil means ReLU
	Residual    bool         // skip connections where a hidden layer's widths match
	LayerNorm   bool         // layer normalisation in the hidden layers
	Init        Init         // the zero value is Default (He for ReLU-type, Xavier otherwise)
	Seed        uint64       // seed of the initial weights (Optim.Seed draws the mini-batches)

	// Start, when not nil, is the starting θ (on the training scale of
	// Start's network, whose standardisation is then kept): a warm start.
	Start *Net

	// Raw turns off the standardisation of the inputs (the targets are
	// always scaled for training and unscaled in every output).
	Raw bool

	Weights []float64 // row weights; nil means all 1

	// Validation rows for early stopping (Optim.Patience) and the
	// validation loss. ValW, Optim.Patience and Optim.MinDelta without
	// them are an error.
	ValX, ValY *mat.Dense
	ValW       []float64

	// Penalty on the weight matrices: penalty.L2 or penalty.L2SP (whose nil
	// Ref means Start's weights). Biases and layer-norm parameters are not
	// penalised.
	Penalty penalty.Penalty

	// Optimizer is the update rule run by optim.Minimize with Optim; nil
	// means Adam. Optim.Penalty must be nil (the penalty is Penalty) and
	// Optim.Recorder sees the iterations on the training scale. A field of
	// Optim that cannot apply to Optimizer (optim.Settings.Applicable:
	// clipping with L-BFGS, say) is an error.
	Optimizer optim.Optimizer
	Optim     optim.Settings

	// Freeze lists layers (1-based; the output layer is len(Hidden)+1)
	// whose weights, biases and layer-norm parameters stay fixed: the
	// optimiser sees only the others. With every hidden layer frozen and
	// no penalty or L2, the problem is linear least squares in the head,
	// and Result.Head is its exact optimum (RefitHead), the fine-tune's
	// gap measured against it. Not with LM.
	Freeze []int

	// RefitHead, after training, replaces the output layer by the exact
	// head on the trained hidden layers (RefitHead; ridge with penalty.L2,
	// not with L2SP, and not when Freeze keeps the output layer fixed).
	// The Result then describes the refitted network: its losses,
	// objective, layer statistics, gap and verdict; PreRefitMSE keeps the
	// trained one's.
	RefitHead bool

	// LM trains by Levenberg–Marquardt (package nls) on the residuals
	// √(wᵢ/W)·rᵢₖ with the network's exact Jacobian instead: for small
	// networks (the Jacobian is rows·outputs × parameters). Optim.Epochs
	// then limits the residual evaluations; no other Optim field and no
	// Optimizer apply, and setting one is an error naming it.
	LM bool

	// GapTol is the relative gap to the exact optimum (Result.Linear or
	// Head) at which the network has converged, as optim.Optimum.Tol: 0
	// means 1e-10, negative turns the test off. A network without an exact
	// optimum refuses it, and one with it refuses an Optim.Optimum.
	GapTol float64

	// Recorder, when not nil, sees every epoch with the layer statistics.
	Recorder Recorder
}

// Net is a trained network: its shape, its parameters θ (on the training
// scale), and the standardisation that maps original inputs and targets to
// it. InCenter and InScale are nil for raw inputs.
type Net struct {
	Arch
	Theta               []float64
	InCenter, InScale   []float64
	OutCenter, OutScale []float64
}

// Epoch is what a Recorder sees after each epoch: the driver's iteration
// (loss and objective on the training scale), the data loss and validation
// loss (1/2W)Σwᵢ‖rᵢ‖² on the targets' original scale, and each layer's
// statistics at the epoch's full-batch evaluation.
type Epoch struct {
	lsq.Iteration
	TrainLoss float64      // original scale
	ValLoss   float64      // original scale; NaN without validation rows
	Layers    []LayerStats // input side first; the last is the output layer
}

// Recorder observes the epochs of Train. The Epoch's slices are reused: copy
// what you keep.
type Recorder interface {
	RecordEpoch(e Epoch) error
}

// RecorderFunc adapts a function to Recorder.
type RecorderFunc func(e Epoch) error

// RecordEpoch calls f(e).
func (f RecorderFunc) RecordEpoch(e Epoch) error { return f(e) }

// Result is the outcome of Train. Every loss is on the original scale of the
// targets.
type Result struct {
	Net       *Net
	Status    lsq.Status
	Message   string // why it stopped, in a sentence (LM), or empty
	Epochs    int    // epochs (LM: iterations)
	Steps     int    // parameter updates (LM: residual evaluations)
	Objective float64
	TrainLoss float64   // (1/2W) Σ wᵢ ‖rᵢ‖²
	TrainMSE  []float64 // per target, (1/W) Σ wᵢ rᵢₖ²
	ValLoss   float64   // NaN without validation rows
	ValMSE    []float64
	Layers    []LayerStats // at the final parameters
	Clipped   int          // clipped steps over the whole fit

	// Linear, for a deep linear network, is the exact optimum it is judged
	// against; nil otherwise.
	Linear *LinearOptimum
	// Head, when only the output layer was trained (Freeze) without a
	// penalty or with L2, is the exact head it is judged against.
	Head *LinearOptimum

	// PreRefitMSE is TrainMSE before Settings.RefitHead replaced the output
	// layer; nil without it.
	PreRefitMSE []float64

	Optim *optim.Result // the driver's result; nil for LM
}

// Converged reports whether the fit succeeded: with a known optimum (Linear
// or Head), whether the returned network reached it; otherwise whether the
// training converged (Status.Converged).
func (r *Result) Converged() bool {
	if o := r.exact(); o != nil {
		return o.Reached
	}
	return r.Status.Converged()
}

// exact is the known optimum the network is judged against, nil if none.
func (r *Result) exact() *LinearOptimum {
	if r.Head != nil {
		return r.Head
	}
	return r.Linear
}

// trainer holds one Train call's data and models.
type trainer struct {
	s        *Settings
	arch     Arch
	nn       *Net
	ds, val  *dataset
	m, vm    *model
	penalty  penalty.Penalty
	clipped  int
	linear   *LinearOptimum
	head     *LinearOptimum
	frozen   *frozen
	recorder Recorder
	first    float64 // F₀, the objective at the start of the fit
}

// Train fits a network to the rows of x and the columns of y (one output per
// column). It returns an error for data that cannot be fitted (shapes,
// non-finite values, settings that do not apply) and, with a non-nil Result,
// when the fit diverged or was cancelled. It panics on a nil x or y.
func Train(ctx context.Context, x, y *mat.Dense, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	t, err := newTrainer(x, y, s)
	if err != nil {
		return nil, err
	}
	var res *Result
	if s.LM {
		res, err = t.trainLM(ctx)
	} else {
		res, err = t.trainOptim(ctx)
	}
	if res == nil {
		return nil, err
	}
	if s.RefitHead && err == nil {
		if err := t.refitHead(res, x, y); err != nil {
			return nil, err
		}
	}
	// The gap and verdict of the network returned, after any refit.
	res.Linear, res.Head = t.linear, t.head
	if o := res.exact(); o != nil {
		o.judge(res.Objective, t.first, s.GapTol, res.Status)
	}
	return res, err
}

// refitHead replaces the trained output layer by the exact head and res's
// losses, statistics and objective by the refitted network's.
func (t *trainer) refitHead(res *Result, x, y *mat.Dense) error {
	nn, err := RefitHead(t.nn, x, y, t.s.Weights, t.headAlpha())
	if err != nil {
		return err
	}
	copy(t.nn.Theta, nn.Theta)
	r := t.finish(t.nn.Theta)
	res.PreRefitMSE = res.TrainMSE
	res.TrainLoss, res.TrainMSE, res.ValLoss, res.ValMSE, res.Layers = r.TrainLoss, r.TrainMSE, r.ValLoss, r.ValMSE, r.Layers
	res.Objective = t.objective(t.nn.Theta)
	return nil
}

// headAlpha is the ridge α of the exact head: the L2 penalty's, 0 without
// a penalty. It panics on another penalty (newTrainer refuses them).
func (t *trainer) headAlpha() float64 {
	switch p := t.penalty.(type) {
	case nil:
		return 0
	case penalty.L2:
		return p.Alpha
	}
	panic(fmt.Sprintf("net: no exact head with penalty %T", t.penalty))
}

// objective is the training objective at θ as the driver minimises it: the
// loss plus the penalty on the weights it trains (the free ones when layers
// are frozen).
func (t *trainer) objective(theta []float64) float64 {
	f := t.m.loss(nil, theta, t.ds)
	if t.penalty == nil {
		return f
	}
	p, w := t.penalty, theta[:t.arch.Weights()]
	if fr := t.frozen; fr != nil {
		free := make([]float64, len(fr.free))
		fr.gather(free, theta)
		p, w = fr.restrictPenalty(p), free[:fr.nw]
	}
	return f + p.Value(w)
}

// optimizer is the update rule Train runs: Optimizer, or Adam when nil.
func (s *Settings) optimizer() optim.Optimizer {
	if s.Optimizer == nil {
		return &optim.Adam{}
	}
	return s.Optimizer
}

func newTrainer(x, y *mat.Dense, s *Settings) (*trainer, error) {
	n, d := x.Dims()
	ny, k := y.Dims()
	if ny != n {
		return nil, fmt.Errorf("net: %d rows of inputs, %d of targets", n, ny)
	}
	if s.Weights != nil && len(s.Weights) != n {
		return nil, fmt.Errorf("net: %d weights for %d rows", len(s.Weights), n)
	}
	if s.Optim.Penalty != nil {
		return nil, errors.New("net: Settings.Optim.Penalty must be nil: the penalty is Settings.Penalty")
	}
	if s.LM && s.Optimizer != nil {
		return nil, errors.New("net: Settings.Optimizer does not apply with LM")
	}
	if !s.LM {
		if err := s.Optim.Applicable(s.optimizer()); err != nil {
			return nil, fmt.Errorf("net: %w", err)
		}
	}
	if _, sp := s.Penalty.(penalty.L2SP); sp && s.RefitHead {
		return nil, errors.New("net: RefitHead solves the head by least squares or ridge (penalty.L2), not with L2SP")
	}
	if s.RefitHead && s.FreezesOutput() {
		return nil, fmt.Errorf("net: RefitHead replaces the output layer (layer %d), which Freeze keeps fixed", len(s.Hidden)+1)
	}
	t := &trainer{s: s, recorder: s.Recorder}
	t.arch = Arch{Inputs: d, Outputs: k, Hidden: s.Hidden, Activations: s.Activations, Residual: s.Residual, LayerNorm: s.LayerNorm}
	if err := t.arch.Check(); err != nil {
		return nil, err
	}
	nn, err := t.standardisation(x, y)
	if err != nil {
		return nil, err
	}
	t.nn = nn
	t.ds = nn.dataset(x, y, s.Weights)
	if t.ds.sumW <= 0 {
		return nil, errors.New("net: the weights sum to zero")
	}
	if (s.ValX == nil) != (s.ValY == nil) {
		return nil, errors.New("net: ValX and ValY go together")
	}
	if s.ValX == nil && (s.ValW != nil || s.Optim.Patience != 0 || s.Optim.MinDelta != 0) {
		return nil, errors.New("net: ValW, Optim.Patience and Optim.MinDelta need validation rows (ValX, ValY)")
	}
	if s.ValX != nil {
		vn, vd := s.ValX.Dims()
		vny, vk := s.ValY.Dims()
		if vd != d || vk != k || vn != vny || vn == 0 {
			return nil, fmt.Errorf("net: validation rows are %d×%d and %d×%d; want n×%d and n×%d", vn, vd, vny, vk, d, k)
		}
		t.val = nn.dataset(s.ValX, s.ValY, s.ValW)
	}
	if err := t.setPenalty(); err != nil {
		return nil, err
	}
	t.m = newModel(t.arch)
	if t.val != nil {
		t.vm = newModel(t.arch)
	}
	if len(s.Freeze) > 0 {
		if s.LM {
			return nil, errors.New("net: Freeze does not apply with LM")
		}
		if t.frozen, err = newFrozen(&t.arch, t.nn.Theta, s.Freeze); err != nil {
			return nil, err
		}
		if t.head, err = t.headOptimum(x, y); err != nil {
			return nil, err
		}
	} else {
		t.linear = t.linearOptimum(x, y)
	}
	return t, t.checkOptimum()
}

// checkOptimum refuses GapTol for a network without an exact optimum, which
// has no gap to bound, and an Optim.Optimum for one with it, which Train
// computes itself (Result.Linear or Head) and would put in its place.
func (t *trainer) checkOptimum() error {
	exact := t.linear != nil || t.head != nil
	switch {
	case t.s.GapTol != 0 && !exact:
		return errors.New("net: GapTol bounds the gap to an exact optimum, which only a deep linear network or a trained head alone has; this network has none")
	case t.s.Optim.Optimum != nil && exact:
		return errors.New("net: Optim.Optimum: Train computes this network's exact optimum (Result.Linear or Head); the tolerance on the gap to it is GapTol")
	}
	return nil
}

// standardisation returns the untrained network with the moments of the
// data (or Start's), and its initial θ.
func (t *trainer) standardisation(x, y *mat.Dense) (*Net, error) {
	s := t.s
	nn := &Net{Arch: t.arch}
	if !lsq.Finite(x.RawMatrix().Data) || !lsq.Finite(y.RawMatrix().Data) {
		return nil, errors.New("net: the inputs or targets hold a value that is not finite")
	}
	if st := s.Start; st != nil {
		if s.Init != (Init{}) {
			return nil, errors.New("net: Init does not apply with a Start network, whose weights are the start")
		}
		if !sameArch(st.Arch, t.arch) {
			return nil, fmt.Errorf("net: the start network's shape (%s) differs from the settings' (%s)", st.Arch.String(), t.arch.String())
		}
		if (st.InScale == nil) != s.Raw {
			return nil, errors.New("net: Raw must match the start network's standardisation")
		}
		nn.InCenter, nn.InScale = st.InCenter, st.InScale
		nn.OutCenter, nn.OutScale = st.OutCenter, st.OutScale
		nn.Theta = append([]float64(nil), st.Theta...)
		return nn, nil
	}
	if !s.Raw {
		nn.InCenter, nn.InScale = lsq.Moments(x, s.Weights, true)
	}
	nn.OutCenter, nn.OutScale = lsq.Moments(y, s.Weights, true)
	nn.Theta = make([]float64, t.arch.Dim())
	t.arch.initialise(nn.Theta, s.Init, s.Seed)
	return nn, nil
}

// dataset standardises rows of x and y as the network sees them.
func (nn *Net) dataset(x, y *mat.Dense, w []float64) *dataset {
	n, d := x.Dims()
	_, k := y.Dims()
	ds := &dataset{x: make([]float64, n*d), y: make([]float64, n*k), w: w, n: n, d: d, k: k}
	for i := range n {
		nn.inputRow(ds.x[i*d:(i+1)*d], x.RawRowView(i))
		for j, v := range y.RawRowView(i) {
			ds.y[i*k+j] = (v - nn.OutCenter[j]) / nn.OutScale[j]
		}
		ds.sumW += ds.weight(i)
	}
	return ds
}

func (nn *Net) inputRow(dst, x []float64) {
	for j, v := range x {
		if nn.InScale != nil {
			v = (v - nn.InCenter[j]) / nn.InScale[j]
		}
		dst[j] = v
	}
}

func (t *trainer) setPenalty() error {
	switch p := t.s.Penalty.(type) {
	case nil:
	case penalty.L2:
		t.penalty = p
	case penalty.L2SP:
		if p.Ref == nil {
			if t.s.Start == nil {
				return errors.New("net: an L2SP penalty needs Ref or a Start network")
			}
			p.Ref = t.s.Start.Theta[:t.arch.Weights()]
		}
		if len(p.Ref) != t.arch.Weights() {
			return fmt.Errorf("net: L2SP reference has %d weights, the network %d", len(p.Ref), t.arch.Weights())
		}
		t.penalty = p
	default:
		return fmt.Errorf("net: penalty %T does not apply to networks; use penalty.L2 or penalty.L2SP", p)
	}
	return nil
}

// record turns the driver's iteration into an Epoch for the Recorder.
func (t *trainer) record(it lsq.Iteration) error {
	t.clipped += it.Clipped
	if t.recorder == nil {
		return nil
	}
	e := Epoch{Iteration: it, TrainLoss: t.unscaled(t.m, t.ds), ValLoss: math.NaN(), Layers: t.m.stats}
	if t.vm != nil {
		e.ValLoss = t.unscaled(t.vm, t.val)
	}
	return t.recorder.RecordEpoch(e)
}

// unscaled is the loss of m's last full pass over ds on the original scale.
func (t *trainer) unscaled(m *model, ds *dataset) float64 {
	s := 0.0
	for j, v := range m.tgtSS {
		s += v * t.nn.OutScale[j] * t.nn.OutScale[j]
	}
	return s / (2 * ds.sumW)
}

func (t *trainer) trainOptim(ctx context.Context) (*Result, error) {
	p := t.m.problem(t.ds)
	if t.val != nil {
		p.Validation = func(theta []float64) float64 { return t.vm.loss(nil, theta, t.val) }
	}
	set := t.s.Optim
	set.Penalty = t.penalty
	set.Recorder = lsq.Recorders{lsq.RecorderFunc(t.record), t.s.Optim.Recorder}
	exact := t.linear
	if t.head != nil {
		exact = t.head
	}
	if exact != nil {
		set.Optimum = &optim.Optimum{Objective: exact.Objective, Tol: t.s.GapTol}
	}
	o := t.s.optimizer()
	x0 := t.nn.Theta
	if f := t.frozen; f != nil {
		p = f.problem(p)
		set.Penalty = f.restrictPenalty(set.Penalty)
		if f.nw == 0 {
			set.Penalty = nil // every weight matrix is frozen: nothing to penalise
		}
		x0 = make([]float64, len(f.free))
		f.gather(x0, t.nn.Theta)
	}
	or, err := optim.Minimize(ctx, p, x0, &set, o)
	if f := t.frozen; f != nil {
		f.scatter(or.X)
		copy(t.nn.Theta, f.full)
	} else {
		copy(t.nn.Theta, or.X)
	}
	res := t.finish(t.nn.Theta)
	res.Optim = or
	res.Status, res.Epochs, res.Steps, res.Objective = or.Status, or.Epochs, or.Steps, or.Objective
	t.first = or.First
	return res, err
}

// finish evaluates the final parameters on the training and validation data.
func (t *trainer) finish(theta []float64) *Result {
	res := &Result{Net: t.nn, ValLoss: math.NaN(), Clipped: t.clipped}
	t.m.loss(make([]float64, t.m.dim), theta, t.ds)
	res.TrainLoss = t.unscaled(t.m, t.ds)
	res.TrainMSE = t.mse(t.m, t.ds)
	res.Layers = append([]LayerStats(nil), t.m.stats...)
	if t.vm != nil {
		t.vm.loss(nil, theta, t.val)
		res.ValLoss = t.unscaled(t.vm, t.val)
		res.ValMSE = t.mse(t.vm, t.val)
	}
	return res
}

func (t *trainer) mse(m *model, ds *dataset) []float64 {
	out := make([]float64, len(m.tgtSS))
	for j, v := range m.tgtSS {
		out[j] = v * t.nn.OutScale[j] * t.nn.OutScale[j] / ds.sumW
	}
	return out
}
