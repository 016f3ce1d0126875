package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/net"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/report"
)

type netOptions struct {
	File        string
	Data        dataFlags
	Hidden      string
	Activation  string
	Init        string
	Residual    bool
	LayerNorm   bool
	Standardize bool

	Solver     string
	LR         string
	Epochs     int
	BatchSize  int
	Seed       uint64
	Schedule   string
	Warmup     int
	ClipNorm   float64
	ClipValue  float64
	ValFrac    float64
	Patience   int
	WeightDec  float64
	Penalty    penaltyFlags
	RefitHead  bool
	Freeze     string
	Checkpoint string
	Resume     string

	Trace  string
	Plot   string
	Report string
	Quiet  bool
	JSON   bool
	Output string

	NA            naFlags
	design        *modelio.Design // how the features were made from raw columns (one target)
	changed       func(string) bool
	startFeatures []string // the --init model's features
}

func newNetCmd(stdio IO) *cobra.Command {
	o := netOptions{}
	cmd := &cobra.Command{
		Use:   "net FILE",
		Short: "Fit a neural network (multilayer perceptron) on the least-squares loss",
		Long: `net fits a fully connected network, target ≈ f(features), by minimising
(1/2W)·Σ wᵢ Σₖ (fₖ(xᵢ) − yᵢₖ)² (+ an L2 or L2-SP penalty on the weight
matrices) with any optimiser of lsq fit, or by Levenberg–Marquardt (--solver
lm) for small networks. Inputs are standardised (unless --standardize=false)
and each target is scaled for training; every loss printed is on the
targets' original scale. Several targets (--target y1,y2) get one output each.

Every epoch the trace records each layer's gradient norm and activation RMS:
the numbers that show gradients vanishing or exploding with depth (see
lsq demo gradients). With --activation identity (a deep linear network) the
optimum is the least-squares fit, and with every hidden layer frozen
(--freeze) the exact head; net then reports the gap F − F* to it, relative
to F*, or, when F* is about 0 (the network fits the rows exactly), to 1e-8
of the gap at the start, as lsq fit judges its gap.

Exit codes: 0 ok (a network trained for its epochs), 1 failure or divergence,
2 usage error, 3 a network with a known optimum (deep linear, or a frozen
network's head) that did not reach it.`,
		Example: `  lsq net data.csv --target y --hidden 64,64 --solver adam --epochs 200
  lsq net data.csv --hidden 16 --activation tanh --solver lm --epochs 100
  lsq net data.csv --hidden 8,8,8 --activation identity --solver lbfgs`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.File = args[0]
			o.changed = cmd.Flags().Changed
			return runNet(cmd.Context(), o, stdio)
		},
	}
	f := cmd.Flags()
	o.Data.register(f, true)
	o.NA.register(f, "R's na.omit; one target only")
	f.StringVar(&o.Hidden, "hidden", "64,64", `hidden layer widths, input side first ("" for none)`)
	f.StringVar(&o.Activation, "activation", "relu", "relu, leaky_relu, tanh, sigmoid, gelu or identity; one for all layers or one per layer (relu,tanh)")
	f.StringVar(&o.Init, "init", "default", "initial weights: default (he for relu-type, xavier otherwise), he, xavier, orthogonal, normal:std=S, uniform:scale=S; or a net model file (.json) to continue from (fine-tuning; its shape and standardisation are kept)")
	f.BoolVar(&o.Residual, "residual", false, "skip connections around hidden layers whose input and output widths match")
	f.BoolVar(&o.LayerNorm, "layer-norm", false, "layer normalisation before each hidden activation")
	f.BoolVar(&o.Standardize, "standardize", true, "standardise the inputs (centre, unit variance)")
	f.StringVar(&o.Solver, "solver", "adam", "gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, lbfgs or lm (Levenberg–Marquardt)")
	f.StringVar(&o.LR, "lr", "auto", "learning rate: auto or a positive number")
	f.IntVar(&o.Epochs, "epochs", 200, "epoch limit (lm: residual evaluations)")
	f.IntVar(&o.BatchSize, "batch-size", 0, "mini-batch size (0: 32 for sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw; full batch otherwise)")
	f.Uint64Var(&o.Seed, "seed", 1, "seed of the initial weights, the mini-batches and the validation split")
	f.StringVar(&o.Schedule, "schedule", "constant", "learning-rate schedule, as for lsq fit")
	f.IntVar(&o.Warmup, "warmup", 0, "linear warm-up epochs before the schedule")
	f.Float64Var(&o.ClipNorm, "clip-norm", 0, "clip the gradient to this global norm (0: off)")
	f.Float64Var(&o.ClipValue, "clip-value", 0, "clip each gradient component to ±this value (0: off)")
	f.Float64Var(&o.ValFrac, "val-frac", 0, "hold out this fraction of rows for validation")
	f.IntVar(&o.Patience, "patience", 0, "early stopping: epochs without validation improvement (needs --val-frac)")
	f.Float64Var(&o.WeightDec, "weight-decay", 0, "adamw: decoupled weight decay")
	f.StringVar(&o.Penalty.Name, "penalty", "none", "none, l2, or l2sp (toward the --init model) on the weight matrices (biases are never penalised)")
	f.Float64Var(&o.Penalty.Alpha, "alpha", 0, "penalty strength α")
	f.StringVar(&o.Freeze, "freeze", "", "layers to keep fixed, e.g. 1,2 (1 is the first hidden layer; the output layer is the last); with every hidden layer frozen the gap to the exact head is printed")
	f.BoolVar(&o.RefitHead, "refit-head", false, "after training, refit the output layer exactly: least squares (ridge with --penalty l2) on the last hidden layer's outputs; the losses, gap and exit status are the refitted network's (the output layer must not be in --freeze)")
	f.StringVar(&o.Checkpoint, "checkpoint", "", "write the network with the optimiser's full state to this model file when interrupted (Ctrl-C, SIGTERM) and when training ends")
	f.StringVar(&o.Resume, "resume", "", "continue a checkpointed training from its file, bit for bit (same data and options; --epochs is the total)")
	f.StringVar(&o.Trace, "trace", "", "write a JSON-lines trace (loss, per-layer gradient norms and activation RMS per epoch)")
	f.StringVar(&o.Plot, "plot", "", "draw each layer's gradient norm per epoch on a log scale to a .png or .svg file")
	f.StringVar(&o.Report, "report", "", "write a self-contained HTML report of the run, with the gradient norm per layer and epoch")
	f.BoolVar(&o.Quiet, "quiet", false, "no progress display")
	f.BoolVar(&o.JSON, "json", false, "print one JSON object")
	f.StringVarP(&o.Output, "output", "o", "", "save the network to this model file")
	return cmd
}

// startFrom loads the --init model as the starting network: its shape and
// standardisation, which the shape flags must not contradict.
func (o *netOptions) startFrom(s *net.Settings, flag, path string) (*modelio.Model, error) {
	for _, name := range []string{"hidden", "activation", "residual", "layer-norm", "standardize", "target"} {
		if o.changed != nil && o.changed(name) {
			return nil, usagef("--%s does not apply with %s %s: the network keeps the model's shape and standardisation", name, flag, path)
		}
	}
	m, err := modelio.Load(path)
	if err != nil {
		return nil, err
	}
	if m.Kind != modelio.KindNet {
		return nil, fmt.Errorf("%s: a %s model, not a network; %s takes a model written by lsq net", path, m.Kind, flag)
	}
	nn, err := m.Network()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	s.Start = nn
	s.Hidden, s.Activations, s.Residual, s.LayerNorm, s.Raw = nn.Hidden, nn.Activations, nn.Residual, nn.LayerNorm, nn.InScale == nil
	o.startFeatures, o.Data.Target = m.Features, strings.Join(m.Net.Targets, ",")
	if o.Data.Features == "" {
		o.Data.Features = strings.Join(m.Features, ",")
	}
	return m, nil
}

// resumeFrom sets the optimiser state saved by --checkpoint.
func (o *netOptions) resumeFrom(s *net.Settings, m *modelio.Model) error {
	cp, err := checkpointOf(m)
	if err != nil {
		return fmt.Errorf("%s: %v", o.Resume, err)
	}
	if cp == nil || s.LM {
		return fmt.Errorf("%s: the file has no optimiser state to resume (write one with --checkpoint, or use --init to continue from its weights)", o.Resume)
	}
	if m.Solver.Name != o.Solver {
		return usagef("--resume %s: the training used --solver %s, not %s", o.Resume, m.Solver.Name, o.Solver)
	}
	s.Optim.Resume = cp
	return nil
}

// netSettings turns the flags into net.Settings.
func (o *netOptions) settings() (*net.Settings, error) {
	s := &net.Settings{Residual: o.Residual, LayerNorm: o.LayerNorm, Raw: !o.Standardize, Seed: o.Seed, RefitHead: o.RefitHead}
	var err error
	if s.Hidden, err = parseWidths(o.Hidden); err != nil {
		return nil, err
	}
	for _, a := range strings.Split(o.Activation, ",") {
		act, err := net.ParseActivation(a)
		if err != nil {
			return nil, usagef("--activation: %v", err)
		}
		s.Activations = append(s.Activations, act)
	}
	if n := len(s.Activations); n > 1 && n != len(s.Hidden) {
		return nil, usagef("--activation lists %d activations for %d hidden layers; give one, or one per layer", n, len(s.Hidden))
	}
	var resume *modelio.Model
	switch {
	case o.Resume != "":
		if o.changed != nil && o.changed("init") {
			return nil, usagef("--init does not apply with --resume: the training continues from the file")
		}
		if resume, err = o.startFrom(s, "--resume", o.Resume); err != nil {
			return nil, err
		}
	case strings.HasSuffix(strings.ToLower(o.Init), ".json"):
		if _, err := o.startFrom(s, "--init", o.Init); err != nil {
			return nil, err
		}
	default:
		if s.Init, err = net.ParseInit(o.Init); err != nil {
			return nil, usagef("--init: %v", err)
		}
	}
	if err := o.optimSettings(s); err != nil {
		return nil, err
	}
	if resume != nil {
		return s, o.resumeFrom(s, resume)
	}
	return s, nil
}

func parseWidths(spec string) ([]int, error) {
	var ws []int
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	for _, f := range strings.Split(spec, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 || v > 1<<16 {
			return nil, usagef("--hidden %q: want comma-separated widths between 1 and 65536", spec)
		}
		ws = append(ws, v)
	}
	return ws, nil
}

// optimSettings sets the solver, the update rule and the driver's settings.
func (o *netOptions) optimSettings(s *net.Settings) error {
	rates, grid, err := parseRates(o.LR)
	if err != nil || grid || len(rates) > 1 {
		return usagef("--lr %q: want auto or one positive number", o.LR)
	}
	if o.Epochs < 1 {
		return usagef("--epochs %d must be at least 1", o.Epochs)
	}
	if err := checkClipDecay(o.ClipNorm, o.ClipValue, o.WeightDec); err != nil {
		return err
	}
	if !(o.ValFrac >= 0 && o.ValFrac < 1) {
		return usagef("--val-frac %v must be in [0, 1)", o.ValFrac)
	}
	if o.Patience > 0 && o.ValFrac == 0 {
		return usagef("--patience needs --val-frac")
	}
	if o.Plot != "" {
		if _, err := report.FormatOf(o.Plot); err != nil {
			return usagef("--plot %s: %v", o.Plot, err)
		}
	}
	if s.Penalty, err = o.Penalty.build(o.changed != nil && o.changed("alpha")); err != nil {
		return err
	}
	switch o.Penalty.Name {
	case "", "none", "l2", "ridge":
	case "l2sp":
		if s.Start == nil {
			return usagef("--penalty l2sp needs --init MODEL.json, the network to stay close to")
		}
		s.Penalty = penalty.L2SP{Alpha: o.Penalty.Alpha}
	default:
		return usagef("--penalty %s does not apply to networks; use none, l2 or l2sp", o.Penalty.Name)
	}
	if o.RefitHead && o.Penalty.Name == "l2sp" {
		return usagef("--refit-head solves the head by least squares or ridge (--penalty l2), not with l2sp")
	}
	if o.Freeze != "" {
		if s.Freeze, err = parseWidths(o.Freeze); err != nil {
			return usagef("--freeze %q: want comma-separated layer numbers (1 is the first hidden layer)", o.Freeze)
		}
	}
	if o.RefitHead && s.FreezesOutput() {
		return usagef("--refit-head replaces the output layer (layer %d), which --freeze %s keeps fixed; drop one of them", len(s.Hidden)+1, o.Freeze)
	}
	if o.Solver == "lm" {
		for _, f := range []struct {
			name string
			set  bool
		}{{"--freeze", o.Freeze != ""}, {"--lr", rates != nil}, {"--batch-size", o.BatchSize != 0}, {"--schedule", o.Schedule != "constant"},
			{"--warmup", o.Warmup != 0}, {"--clip-norm", o.ClipNorm != 0}, {"--clip-value", o.ClipValue != 0}, {"--patience", o.Patience != 0},
			{"--weight-decay", o.WeightDec != 0}} {
			if f.set {
				return usagef("%s does not apply to --solver lm (Levenberg–Marquardt chooses its own steps)", f.name)
			}
		}
		s.LM, s.Optim.Epochs = true, o.Epochs
		return nil
	}
	solver, err := fit.ParseSolver(o.Solver)
	if err != nil || solver.Exact() || solver.Penalized() {
		return usagef("--solver %q: want gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, lbfgs or lm", o.Solver)
	}
	if o.WeightDec != 0 && solver != fit.AdamW {
		return usagef("--weight-decay applies to --solver adamw only")
	}
	s.Optimizer = fit.NewOptimizer(solver, &fit.Settings{WeightDecay: o.WeightDec})
	sch, err := parseSchedule(o.Schedule, o.Warmup)
	if err != nil {
		return err
	}
	s.Optim = optim.Settings{Epochs: o.Epochs, BatchSize: o.BatchSize, Seed: o.Seed, Schedule: sch,
		ClipNorm: o.ClipNorm, ClipValue: o.ClipValue, Patience: o.Patience}
	if rates != nil {
		s.Optim.LearningRate = rates[0]
	}
	if o.BatchSize == 0 && solver.Stochastic() {
		s.Optim.BatchSize = 32
	}
	return settingsUsage(fit.CheckOptim(solver, false, s.Optim), o.changed)
}

// netData reads the file and splits the targets from the features.
func (o *netOptions) netData(stdio IO) (x, y *mat.Dense, w []float64, features, targets []string, err error) {
	opts, err := o.Data.options()
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	targets = strings.Split(o.Data.Target, ",")
	for i := range targets {
		targets[i] = strings.TrimSpace(targets[i])
	}
	if len(targets) == 1 {
		// As lsq fit reads them: a text column becomes its dummies and a
		// row with a missing value is dropped, the design kept for the
		// model file, from which predict rebuilds it.
		fr, _, md, err := loadColumns(o.File, o.Data, o.NA, nil, stdio)
		if err != nil {
			return nil, nil, nil, nil, nil, err
		}
		o.design = md
		return fr.X, mat.NewDense(len(fr.Y), 1, fr.Y), fr.Weights, fr.Features, targets, nil
	}
	if o.changed("na") || o.changed("na-values") {
		return nil, nil, nil, nil, nil, usagef("--na and --na-values apply to a network of one target; several targets read plain numeric columns")
	}
	opts.Target = ""
	if opts.Features != nil {
		opts.Features = append(opts.Features, targets...)
	}
	fr, err := readData(o.File, opts, stdio)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	x, y, features, err = splitTargets(fr, targets, o.File)
	return x, y, fr.Weights, features, targets, err
}

// splitTargets moves the named columns of fr.X into y.
func splitTargets(fr *data.Frame, targets []string, file string) (x, y *mat.Dense, features []string, err error) {
	var tIdx, fIdx []int
	for _, t := range targets {
		j := slices.Index(fr.Features, t)
		if j < 0 {
			return nil, nil, nil, data.MissingColumn(file, fr.Features, t, "target")
		}
		tIdx = append(tIdx, j)
	}
	for j, name := range fr.Features {
		if !slices.Contains(tIdx, j) {
			fIdx = append(fIdx, j)
			features = append(features, name)
		}
	}
	if len(fIdx) == 0 {
		return nil, nil, nil, fmt.Errorf("%s: no feature columns besides the targets", file)
	}
	n := fr.Rows()
	x, y = mat.NewDense(n, len(fIdx), nil), mat.NewDense(n, len(tIdx), nil)
	for i := range n {
		row := fr.X.RawRowView(i)
		for k, j := range fIdx {
			x.Set(i, k, row[j])
		}
		for k, j := range tIdx {
			y.Set(i, k, row[j])
		}
	}
	return x, y, features, nil
}

// splitRows holds out a fraction of the rows for validation.
func splitRows(x, y *mat.Dense, w []float64, frac float64, seed uint64) (tx, ty *mat.Dense, tw []float64, vx, vy *mat.Dense, vw []float64) {
	n, _ := x.Dims()
	nv := int(math.Round(frac * float64(n)))
	perm := rand.New(rand.NewPCG(seed, 0x5eed)).Perm(n)
	val, train := perm[:nv], perm[nv:]
	slices.Sort(val)
	slices.Sort(train)
	pick := func(idx []int) (*mat.Dense, *mat.Dense, []float64) {
		if len(idx) == 0 {
			return nil, nil, nil
		}
		_, d := x.Dims()
		_, k := y.Dims()
		px, py := mat.NewDense(len(idx), d, nil), mat.NewDense(len(idx), k, nil)
		var pw []float64
		for r, i := range idx {
			copy(px.RawRowView(r), x.RawRowView(i))
			copy(py.RawRowView(r), y.RawRowView(i))
			if w != nil {
				pw = append(pw, w[i])
			}
		}
		return px, py, pw
	}
	tx, ty, tw = pick(train)
	vx, vy, vw = pick(val)
	return
}

// netProblem reads the data and builds the settings, with the validation
// split.
func (o *netOptions) netProblem(stdio IO) (s *net.Settings, x, y *mat.Dense, features, targets []string, err error) {
	if s, err = o.settings(); err != nil {
		return
	}
	var w []float64
	if x, y, w, features, targets, err = o.netData(stdio); err != nil {
		return
	}
	if o.startFeatures != nil && !slices.Equal(features, o.startFeatures) {
		err = fmt.Errorf("%s: features %s; the --init network was trained on %s", o.File, data.ListNames(features), data.ListNames(o.startFeatures))
		return
	}
	s.Weights = w
	if o.ValFrac > 0 {
		x, y, s.Weights, s.ValX, s.ValY, s.ValW = splitRows(x, y, w, o.ValFrac, o.Seed)
		if x == nil || s.ValX == nil {
			err = usagef("--val-frac %v leaves no rows for training or validation", o.ValFrac)
		}
	}
	return
}

// recorders sets the Recorder that writes --trace, keeps the gradient
// norms for --plot and shows the progress bar on a terminal.
func (o *netOptions) recorders(s *net.Settings, stdio IO) (*netTrace, *gradHistory, *progress, error) {
	var trace *netTrace
	if o.Trace != "" {
		var err error
		if trace, err = newNetTrace(o.Trace); err != nil {
			return nil, nil, nil, err
		}
	}
	var bar *progress
	if stdio.ErrTerminal && !o.Quiet && !o.JSON {
		bar = newProgress(stdio.Err, o.Epochs, o.Solver)
	}
	norms := &gradHistory{}
	s.Recorder = net.RecorderFunc(func(e net.Epoch) error {
		norms.add(e)
		if bar != nil {
			it := e.Iteration
			it.Loss = e.TrainLoss
			bar.Record(it)
		}
		if trace != nil {
			return trace.RecordEpoch(e)
		}
		return nil
	})
	return trace, norms, bar, nil
}

// trained handles the end of training: the trace, the checkpoint, and the
// error of a divergence. It returns the checkpoint file it wrote, if any.
func (o *netOptions) trained(res *net.Result, err error, trace *netTrace, features, targets []string, stdio IO) (string, error) {
	if ferr := trace.finish(err == nil || res != nil); ferr != nil && err == nil {
		err = ferr
	}
	saved := ""
	if o.Checkpoint != "" && res != nil && res.Optim != nil && res.Status != lsq.Diverged {
		if cerr := saveNet(o.Checkpoint, o.Solver, res.Net, features, targets, o.design, res); cerr != nil {
			return "", cerr
		}
		saved = o.Checkpoint
		if res.Status == lsq.Canceled {
			fmt.Fprintf(stdio.Err, "lsq: interrupted at epoch %d; state saved to %s (continue with --resume %s)\n", res.Epochs, o.Checkpoint, o.Checkpoint)
		}
	}
	var de *optim.DivergenceError
	if errors.As(err, &de) {
		return saved, fmt.Errorf("%v; for a network, a smaller --init also helps", err)
	}
	return saved, err
}

func runNet(ctx context.Context, o netOptions, stdio IO) error {
	s, x, y, features, targets, err := o.netProblem(stdio)
	if err != nil {
		return err
	}
	trace, norms, bar, err := o.recorders(s, stdio)
	if err != nil {
		return err
	}
	res, err := net.Train(ctx, x, y, s)
	bar.finish()
	checkpoint, err := o.trained(res, err, trace, features, targets, stdio)
	if err != nil {
		return err
	}
	if o.Plot != "" {
		if err := norms.write(o.Plot); err != nil {
			return err
		}
	}
	out := newNetOutput(o, res, features, targets)
	out.Trace, out.Checkpoint, out.Plot = o.Trace, checkpoint, o.Plot
	if o.Output != "" {
		if err := saveNet(o.Output, o.Solver, res.Net, features, targets, o.design, res); err != nil {
			return err
		}
		out.Model = o.Output
	}
	if o.Report != "" {
		if err := writeNetReport(&o, out, norms, stdio); err != nil {
			return err
		}
		out.Report = o.Report
	}
	if err := out.print(stdio, o.JSON); err != nil {
		return err
	}
	if err := notAtOptimum(res); err != nil {
		return err
	}
	if res.Status == lsq.Failure {
		return &silentError{code: ExitFailure}
	}
	return nil
}

// notAtOptimum is the error of a network with a known optimum that did not
// reach it: exit status 3, as for a linear fit.
func notAtOptimum(res *net.Result) error {
	what, lo := "the deep linear network", res.Linear
	if res.Head != nil {
		what, lo = "the fine-tuned output layer", res.Head
	}
	if lo == nil || res.Converged() {
		return nil
	}
	if res.PreRefitMSE != nil {
		what += ", its head refitted,"
	}
	return &NotConvergedError{Msg: fmt.Sprintf("%s stopped at a gap of %.3g, relative to %s, above its exact optimum (%s)", what, optim.ShownGap(lo.Gap), gapScaleName(lo), res.Status)}
}
