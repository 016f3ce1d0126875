package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/schedule"
)

type fitOptions struct {
	File          string
	Files         []string // several files (or patterns) are partitions of one data set
	Stream        bool
	Memory        string
	ShuffleBuffer int
	ShuffleBlock  int
	Data          dataFlags

	NoIntercept bool
	Solver      string
	Standardize bool

	LR         string
	Epochs     int
	BatchSize  int
	Seed       uint64
	Schedule   string
	Warmup     int
	LineSearch bool
	ClipNorm   float64
	ClipValue  float64
	Tol        float64
	GradTol    float64
	Average    bool
	ValFrac    float64
	Patience   int
	WeightDec  float64
	Penalty    penaltyFlags
	Proximal   bool

	Visual visualFlags

	Init       string
	Resume     string
	Checkpoint string

	Degree  int
	Formula string
	NA      naFlags
	design  *modelio.Design // how the features were made from raw columns
	Summary bool
	Robust  string
	Cluster string
	DF      string
	// clusters are the --cluster labels of the rows, read with the data.
	clusters []int

	Inference inferenceFlags

	Trace  string
	Quiet  bool
	JSON   bool
	Output string

	Rank      int
	LoRAAlpha float64

	changed func(string) bool
	visited func() []string // the flags given, by name
}

// changedFlags lists the flags given on the command line.
func (o *fitOptions) changedFlags() []string {
	if o.visited == nil {
		return nil
	}
	return o.visited()
}

func newFitCmd(stdio IO) *cobra.Command {
	opts := fitOptions{}
	cmd := &cobra.Command{
		Use:   "fit FILE [FILE...]",
		Short: "Fit a linear least-squares model, exactly or by gradient descent",
		Long: `fit reads FILE (.csv, .tsv, .parquet, or - for standard input) and fits
target ≈ intercept + Σ coef·feature.

Exact solvers: qr (default; pivoted Householder QR, in double-double precision
for small problems), svd (minimum-norm, for rank-deficient designs), cholesky
(normal equations: fast, squares the condition number).

Penalised: --penalty l2 (ridge; exact), l1 and elasticnet (coordinate
descent, --solver cd, or fista), l2sp (toward the --init model).

Iterative solvers: gd (batch gradient descent), sgd, momentum, nesterov,
adagrad, rmsprop, adam, adamw, lbfgs. They work on standardised inputs unless
--standardize=false, and every iterative fit also solves the problem exactly
and reports the gap: how far it stopped from the optimum and why.

Several files, or a pattern, are partitions of one data set and are streamed
(one pass, memory independent of the rows), as is a file larger than --memory.
A streamed fit prints what the in-memory fit prints, plus a "streamed:" line;
what needs every residual (residual tests, influential rows) is NA.

Exit codes: 0 ok, 1 failure, 2 usage error, 3 an iterative fit that did not
converge (the model is still written unless it diverged), 130 interrupted.`,
		Example: `  lsq fit data.csv --target y
  lsq fit data.csv --solver gd --lr 0.01 --epochs 1000 --standardize=false
  lsq fit data.csv --solver adam --batch-size 32 --seed 1 --trace trace.jsonl -o model.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.Files = args
			opts.changed = func(name string) bool { return cmd.Flags().Changed(name) }
			opts.visited = func() (names []string) {
				cmd.Flags().Visit(func(f *pflag.Flag) { names = append(names, f.Name) })
				return names
			}
			return settingsUsage(runFit(cmd.Context(), opts, stdio), opts.changed)
		},
	}
	f := cmd.Flags()
	opts.Data.register(f, true)
	opts.NA.register(f, "R's na.omit")
	opts.registerModel(f)
	opts.registerSolver(f)
	opts.registerPenalty(f)
	opts.registerInference(f)
	opts.registerRun(f)
	return cmd
}

// registerModel registers the flags that say which model is fitted: its terms
// and, for several targets, its rank.
func (o *fitOptions) registerModel(f *pflag.FlagSet) {
	f.StringVar(&o.Formula, "formula", "", formulaHelp)
	f.IntVar(&o.Degree, "degree", 0, "expand the single feature x into x, x², …, x^N (raw powers)")
	f.IntVar(&o.Rank, "rank", 0, "several targets (--target y1,y2,...): the best coefficient matrix of rank ≤ r (reduced-rank regression), r from 1 to min(features, targets) (the unconstrained fit); with --init, the best rank-r update of that model, or LoRA with an iterative --solver")
	f.Float64Var(&o.LoRAAlpha, "lora-alpha", 0, "LoRA's α: the update is scaled by α/r (default r, a scale of 1)")
}

// registerSolver registers the flags of the solver: which one, and the
// settings of the iterative ones (rate, schedule, epochs, batches, clipping,
// stopping).
func (o *fitOptions) registerSolver(f *pflag.FlagSet) {
	f.BoolVar(&o.NoIntercept, "no-intercept", false, "fit through the origin (no intercept)")
	f.StringVar(&o.Solver, "solver", "qr", "qr, svd, cholesky, cd, fista, gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw or lbfgs")
	f.BoolVar(&o.Standardize, "standardize", true, "iterative solvers: work on centred, unit-variance inputs; with a penalty, penalise the standardised coefficients (glmnet; false: on the original scale). Coefficients are reported on the original scale; an exact fit without a penalty does not take it")
	f.StringVar(&o.LR, "lr", "auto", "learning rate: auto (1/L from the data), a number, a comma-separated list, or grid (chosen on a validation split)")
	f.IntVar(&o.Epochs, "epochs", 0, "epoch limit for iterative solvers (0: automatic, 1000, or more for small data: as many passes as 1e8 multiply-adds pay for, at most 1e6)")
	f.IntVar(&o.BatchSize, "batch-size", 0, "mini-batch size for stochastic solvers (0 or n: full batch; default 32 for sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)")
	f.Uint64Var(&o.Seed, "seed", 1, "seed for mini-batches and the validation split")
	f.StringVar(&o.Schedule, "schedule", "constant", "learning-rate schedule: constant, step:every=K,gamma=G, exponential:gamma=G, invscaling:power=P, cosine:period=T[,min=M,restarts=true,mult=2], plateau[:factor=F,patience=P]; not for lbfgs, whose line search starts from a step of 1")
	f.IntVar(&o.Warmup, "warmup", 0, "linear warm-up epochs before the schedule")
	f.BoolVar(&o.LineSearch, "line-search", false, "gd: backtracking (Armijo) line search")
	f.Float64Var(&o.ClipNorm, "clip-norm", 0, "clip the gradient to this global norm (0: off); not for lbfgs or --line-search, whose line search bounds the step")
	f.Float64Var(&o.ClipValue, "clip-value", 0, "clip each gradient component to ±this value (0: off); not for lbfgs or --line-search")
	f.Float64Var(&o.Tol, "tol", 1e-10, "success of an iterative fit: relative objective gap to the exact optimum, (F − F*)/max(|F*|, 1e-8·(F₀ − F*)) (cd, fista: relative duality gap); 1e-6 for sgd, momentum, nesterov, adagrad, rmsprop, adam and adamw unless given (a gap ε certifies the coefficients to about √ε); 0 or negative: no gap test, the fit runs to --epochs unless it stops at the optimum to working precision")
	f.BoolVar(&o.Average, "average", true, "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw: report the average of the iterates over the last half to three quarters of the epochs (Polyak–Ruppert averaging)")
	f.Float64Var(&o.GradTol, "grad-tol", 0, "also count as converged when the gradient norm on the standardised scale is below this")
	f.Float64Var(&o.ValFrac, "val-frac", 0, "hold out this fraction of rows for validation (early stopping, --lr lists)")
	f.IntVar(&o.Patience, "patience", 0, "early stopping: epochs without validation improvement (needs --val-frac)")
	f.Float64Var(&o.WeightDec, "weight-decay", 0, "adamw: decoupled weight decay")
	f.IntVar(&o.ShuffleBlock, "shuffle-block", 0, "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw on rows in memory: visit the rows in blocks of this many consecutive rows, the blocks in a random order (0: a random permutation of the rows); faster on data larger than the caches, but neighbouring rows stay together (see optim.Settings.ShuffleBlock)")
}

// registerPenalty registers the flags of the penalty.
func (o *fitOptions) registerPenalty(f *pflag.FlagSet) {
	f.StringVar(&o.Penalty.Name, "penalty", "none", "none, l2, l1, elasticnet or l2sp")
	f.Float64Var(&o.Penalty.Alpha, "alpha", 0, "penalty strength α")
	f.Float64Var(&o.Penalty.L1Ratio, "l1-ratio", 0.5, "elastic net mixing ρ in α(ρ‖w‖₁ + (1−ρ)/2‖w‖²)")
	f.BoolVar(&o.Proximal, "proximal", false, "apply the penalty by its proximal step (exact zeros for L1) instead of its subgradient")
}

// registerInference registers the flags of the inference --summary prints.
func (o *fitOptions) registerInference(f *pflag.FlagSet) {
	f.BoolVar(&o.Summary, "summary", false, "print standard errors, t, p, intervals, R², F, AIC/BIC and design diagnostics")
	f.StringVar(&o.Robust, "robust", "", "robust standard errors: HC0, HC1, HC2, HC3 (heteroskedasticity), hac or hac:lags=L|auto,prewhite=true|false (Newey–West, Bartlett kernel, rows in time order; R's NeweyWest(fit) is hac:lags=auto,prewhite=true)")
	f.StringVar(&o.Cluster, "cluster", "", "cluster-robust (CR1) standard errors, clusters labelled by this column")
	f.StringVar(&o.DF, "df", "", "reference distribution of --summary's tests: t (residual df, as R's coeftest) or z; default t, z with --robust or --cluster (statsmodels)")
	o.Inference.register(f)
}

// registerRun registers the flags of the run itself: its inputs beyond the
// data (a start model, a checkpoint), streaming, and what it writes.
func (o *fitOptions) registerRun(f *pflag.FlagSet) {
	f.StringVar(&o.Visual.Plot, "plot", "", "draw the fit (data and line, residuals, Q-Q, loss per epoch) to a .png or .svg file")
	f.StringVar(&o.Visual.Report, "report", "", "write a self-contained HTML report of the run")
	f.StringVar(&o.Init, "init", "", "start from a saved model (warm start; continues its optimiser and schedule when the solver matches); with --penalty l2sp, the model to stay close to")
	f.StringVar(&o.Resume, "resume", "", "continue an interrupted or checkpointed fit from its file, bit for bit (same data and options; --epochs is the total)")
	f.StringVar(&o.Checkpoint, "checkpoint", "", "write the fit's full state to this model file when interrupted (Ctrl-C, SIGTERM) and when it ends")
	f.BoolVar(&o.Stream, "stream", false, "fit in one pass over the file(s) with memory independent of the rows (exact least squares or ridge; the lasso and elastic net by --solver cd on the moments of that pass; --solver gd reads them once per epoch); implied by several files or a file larger than --memory")
	f.StringVar(&o.Memory, "memory", "4GiB", "memory budget: larger inputs are streamed")
	f.IntVar(&o.ShuffleBuffer, "shuffle-buffer", 65536, "--stream with a stochastic solver: rows held at a time, from which mini-batches are drawn at random")
	f.StringVar(&o.Trace, "trace", "", "write a JSON-lines training trace to this file")
	f.BoolVar(&o.Quiet, "quiet", false, "no progress display")
	f.BoolVar(&o.JSON, "json", false, "print one JSON object")
	f.StringVarP(&o.Output, "output", "o", "", "save the model to this file (JSON, written atomically)")
}

// fitPlan is the validated form of fitOptions.
type fitPlan struct {
	settings fit.Settings
	rates    []float64 // several: choose on validation
	grid     bool
	start    *modelio.Model // the --init or --resume model, loaded once
}

func (o *fitOptions) plan() (*fitPlan, error) {
	p := &fitPlan{}
	s := &p.settings
	var err error
	if s.Solver, err = fit.ParseSolver(o.Solver); err != nil {
		names := make([]string, len(fit.Solvers))
		for i, v := range fit.Solvers {
			names[i] = v.String()
		}
		return nil, usagef("--solver %q: unknown solver; want one of %s", o.Solver, strings.Join(names, ", "))
	}
	s.NoIntercept = o.NoIntercept
	s.Raw = !o.Standardize
	s.LineSearch = o.LineSearch
	s.WeightDecay = o.WeightDec
	if p.rates, p.grid, err = parseRates(o.LR); err != nil {
		return nil, err
	}
	if o.Robust != "" || o.Cluster != "" || o.DF != "" {
		o.Summary = true // robust errors and the choice of test are printed in the summary
	}
	if err := o.checkNumbers(); err != nil {
		return nil, err
	}
	if (len(p.rates) > 1 || p.grid) && o.ValFrac == 0 {
		o.ValFrac = 0.2
	}
	sch, err := parseSchedule(o.Schedule, o.Warmup)
	if err != nil {
		return nil, err
	}
	pen, err := o.Penalty.build(o.changed("alpha"))
	if err != nil {
		return nil, err
	}
	if o.Init != "" && o.Resume != "" {
		return nil, usagef("--init and --resume both give a starting model; use one")
	}
	if start := o.Init + o.Resume; start != "" {
		if p.start, err = modelio.Load(start); err != nil {
			return nil, err
		}
	}
	o.chooseSolver(s, p.start)
	if o.Penalty.Name == "l2sp" {
		if o.Init == "" && o.Resume == "" {
			return nil, usagef("--penalty l2sp pulls toward a starting model: give it with --init MODEL")
		}
		pen = penalty.L2SP{Alpha: o.Penalty.Alpha} // toward the --init model
	}
	o.optimSettings(s, pen, sch, p.rates)
	if err := o.checkApplies(s); err != nil {
		return nil, err
	}
	return p, nil
}

// checkNumbers refuses flag values out of their range.
func (o *fitOptions) checkNumbers() error {
	given := o.changed != nil && o.changed("degree") // 0 is the default: no expansion
	if o.Degree < 0 || o.Degree > 30 || given && o.Degree < 1 {
		return usagef("--degree %d must be between 1 and 30", o.Degree)
	}
	if err := o.robustFlags().check(o); err != nil {
		return err
	}
	if o.Epochs < 0 {
		return usagef("--epochs %d must be positive, or 0 for the automatic limit", o.Epochs)
	}
	if o.BatchSize < 0 {
		return usagef("--batch-size %d must be 0 (full batch) or positive", o.BatchSize)
	}
	if err := checkClipDecay(o.ClipNorm, o.ClipValue, o.WeightDec); err != nil {
		return err
	}
	if !(o.ValFrac >= 0 && o.ValFrac < 1) {
		return usagef("--val-frac %v must be in [0, 1)", o.ValFrac)
	}
	if o.Patience < 0 {
		return usagef("--patience %d must be 0 or more", o.Patience)
	}
	if o.Patience > 0 && o.ValFrac == 0 {
		return usagef("--patience needs a validation split: add --val-frac (e.g. 0.2)")
	}
	return nil
}

// chooseSolver follows the penalty when --solver was not given: coordinate
// descent for L1 and elastic net (no closed form), L-BFGS for L2-SP; a fit
// started from a model continues with the model's iterative solver.
func (o *fitOptions) chooseSolver(s *fit.Settings, start *modelio.Model) {
	if o.changed("solver") {
		return
	}
	if start != nil {
		if sv, err := fit.ParseSolver(start.Solver.Name); err == nil && !sv.Exact() && !sv.Penalized() {
			s.Solver = sv
		} else {
			s.Solver = fit.GD
		}
	}
	switch o.Penalty.Name {
	case "l1", "lasso", "elasticnet", "enet":
		s.Solver = fit.CD
	case "l2sp":
		s.Solver = fit.LBFGS
	}
}

// gapTol is --tol as fit.Settings.GapTol (gapTolFlag).
func (o *fitOptions) gapTol() float64 {
	return gapTolFlag(o.changed("tol"), o.Tol)
}

// gapTolFlag is a --tol flag (given: on the command line) as the gap
// tolerance optim.Optimum.Tol takes, for lsq fit and lsq curve. An explicit
// --tol 0 asks for no tolerance: the fit runs to its epoch limit, or until
// its objective stops at the optimum to working precision, which
// optim.Optimum spells as a negative Tol (its 0 is the default, 1e-10).
func gapTolFlag(given bool, tol float64) float64 {
	if given && tol == 0 {
		return -1
	}
	return tol
}

// optimSettings fills the penalty, the gap tolerance and the optimiser's
// settings: all of them for an iterative solver, the epoch limit alone for
// cd and fista (which run to a duality gap), none for an exact one.
func (o *fitOptions) optimSettings(s *fit.Settings, pen penalty.Penalty, sch schedule.Schedule, rates []float64) {
	s.Penalty = pen
	s.GapTol = o.gapTol()
	switch {
	case s.Solver.Exact():
		s.GapTol, s.Optim = 0, optim.Settings{}
		return
	case s.Solver.Penalized():
		s.Optim = optim.Settings{Epochs: o.Epochs}
		return
	}
	// A solver given alone runs with fit.Defaults: for the stochastic ones
	// mini-batches of 32, averaged iterates and the gap tolerance 1e-6.
	def := fit.Defaults(s.Solver)
	batch, tol, average := o.BatchSize, o.gapTol(), def.Optim.Average && o.Average
	if !o.changed("batch-size") {
		batch = def.Optim.BatchSize
	}
	if !o.changed("tol") && def.GapTol != 0 {
		tol = def.GapTol
	}
	s.GapTol = tol
	seed := o.Seed // the validation split's too (splitFrame)
	if !s.Solver.Stochastic() {
		seed = 0 // no mini-batches: fit.Settings refuses a seed it would ignore
	}
	s.Optim = optim.Settings{
		Schedule: sch, Epochs: o.Epochs, BatchSize: batch, Seed: seed, Average: average,
		ClipNorm: o.ClipNorm, ClipValue: o.ClipValue,
		Patience: o.Patience, Proximal: o.Proximal, ShuffleBlock: o.ShuffleBlock,
	}
	if o.changed("grad-tol") {
		// An explicit gradient tolerance is a second test of success beside
		// the gap (optim.Optimum).
		s.Optim.GradTol = o.GradTol
	}
	if len(rates) == 1 {
		s.Optim.LearningRate = rates[0]
	}
}

// checkBatch refuses a mini-batch size for a solver that steps on the full
// batch, before any data are read: fit.CheckOptim's rule and reason, with
// the flag named (settingsUsage).
func (o *fitOptions) checkBatch(solver fit.Solver) error {
	return settingsUsage(fit.CheckOptim(solver, false, optim.Settings{BatchSize: o.BatchSize}), o.changed)
}

// standardizeUnused refuses --standardize where it cannot change the
// answer, an exact fit without a penalty (what says which): least squares
// is invariant to the scale of the inputs, and the exact solvers judge rank
// and condition on the standardised design whatever the flag.
func standardizeUnused(what string) error {
	return usagef("--standardize does not apply to %s: exact least squares does not depend on the scale of the inputs (rank and condition are judged on the standardised design either way); it sets the scale an iterative solver works on, or that a penalty applies to", what)
}

// notForExact and notForPenalized are the flags an exact solver, and cd and
// fista, do not use.
var (
	notForExact     = []string{"lr", "epochs", "batch-size", "schedule", "warmup", "line-search", "clip-norm", "clip-value", "patience", "trace", "proximal", "tol", "grad-tol", "weight-decay", "val-frac", "seed", "shuffle-buffer", "shuffle-block", "average", "checkpoint"}
	notForPenalized = []string{"lr", "batch-size", "schedule", "warmup", "line-search", "clip-norm", "clip-value", "patience", "trace", "proximal", "grad-tol", "weight-decay", "val-frac", "seed", "shuffle-buffer", "shuffle-block", "init", "resume", "average", "checkpoint"}
)

// checkApplies refuses a flag the chosen solver would not use, naming it:
// nothing is silently ignored.
func (o *fitOptions) checkApplies(s *fit.Settings) error {
	pen := s.Penalty
	if o.changed("l1-ratio") && o.Penalty.Name != "elasticnet" && o.Penalty.Name != "enet" {
		return usagef("--l1-ratio mixes L1 and L2 in --penalty elasticnet; --penalty %s has no mixing (drop --l1-ratio, or use --penalty elasticnet)", o.Penalty.Name)
	}
	if s.Solver.Penalized() && !isL1(o.Penalty.Name) && o.Penalty.Name != "l2" && o.Penalty.Name != "ridge" {
		return usagef("--solver %s needs --penalty l1, elasticnet or l2 (with --alpha)", s.Solver)
	}
	switch {
	case s.Solver.Exact():
		switch pen.(type) {
		case penalty.L1, penalty.ElasticNet:
			return usagef("--solver %s solves --penalty l2 and l2sp exactly; --penalty %s has no closed form: use --solver cd (coordinate descent), fista, or an iterative solver", s.Solver, o.Penalty.Name)
		}
		if o.Init != "" && o.Penalty.Name != "l2sp" || o.Resume != "" {
			return usagef("--init and --resume start an iterative solver; --solver %s is exact", s.Solver)
		}
		for _, flag := range notForExact {
			if o.changed(flag) {
				return usagef("--%s applies to iterative solvers; --solver %s is exact (try --solver gd)", flag, s.Solver)
			}
		}
		if pen == nil && o.changed("standardize") {
			return standardizeUnused(fmt.Sprintf("--solver %s without a penalty", s.Solver))
		}
	case s.Solver.Penalized():
		if o.changed("tol") && !(o.Tol > 0 && o.Tol < 1) {
			return usagef("--tol %v: --solver %s runs to a relative duality gap, which must be in (0, 1) (e.g. 1e-10)", o.Tol, s.Solver)
		}
		for _, flag := range notForPenalized {
			if o.changed(flag) {
				return usagef("--%s does not apply to --solver %s, which runs to a duality gap (--tol) within --epochs iterations", flag, s.Solver)
			}
		}
	}
	if o.changed("average") && o.Average && !s.Solver.Stochastic() {
		return usagef("--average averages the iterates of a stochastic solver (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw), not --solver %s", s.Solver)
	}
	if o.changed("shuffle-block") && !s.Solver.Stochastic() {
		return usagef("--shuffle-block orders the rows of a stochastic solver (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw), not --solver %s", s.Solver)
	}
	if o.ShuffleBlock < 0 {
		return usagef("--shuffle-block %d must be ≥ 0 (0: a random permutation of the rows)", o.ShuffleBlock)
	}
	if o.changed("seed") && !s.Solver.Stochastic() && o.ValFrac == 0 {
		return usagef("--seed draws the mini-batches of a stochastic solver (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw) and the validation split (--val-frac, a list of --lr); --solver %s steps on the full batch and there is no split", s.Solver)
	}
	if err := o.checkBatch(s.Solver); err != nil {
		return err
	}
	if o.LineSearch && s.Solver != fit.GD {
		return usagef("--line-search applies to --solver gd only, not %s", s.Solver)
	}
	if o.WeightDec != 0 && s.Solver != fit.AdamW {
		return usagef("--weight-decay applies to --solver adamw only, not %s (adam's L2 penalty is --penalty l2)", s.Solver)
	}
	if err := o.Inference.check(o, s); err != nil {
		return err
	}
	if o.Proximal {
		switch {
		case s.Solver == fit.GD && !o.LineSearch, s.Solver == fit.SGD, s.Solver == fit.Momentum, s.Solver == fit.Nesterov:
		default:
			return usagef("--proximal works with gd (without --line-search), sgd, momentum and nesterov; for --solver %s use --solver fista or cd for exact zeros", s.Solver)
		}
		if pen == nil {
			return usagef("--proximal applies a penalty: add --penalty l1 (or elasticnet, l2) and --alpha")
		}
	}
	return nil
}

// settingsUsage turns a *fit.SettingsError on a field that a flag set into
// a usage error naming the flag, with fit's reason: fit.Settings decides
// what applies to which solver, for the library and the command line
// (lsq fit and lsq net) alike. Other errors are returned as they are.
// changed reports whether a flag was given.
func settingsUsage(err error, changed func(string) bool) error {
	var se *fit.SettingsError
	if errors.As(err, &se) {
		if flag := optimFlag(se.Field, changed); flag != "" {
			return usagef("%s %s", flag, se.Reason)
		}
	}
	return err
}

// optimFlag names the flag that sets a field of fit.Settings' Optim that
// only fit refuses (fit.CheckOptim; checkApplies refuses the others first),
// for lsq fit and lsq net alike, or returns "". changed reports whether a
// flag was given.
func optimFlag(field string, changed func(string) bool) string {
	switch field {
	case "Optim.BatchSize":
		return "--batch-size"
	case "Optim.ClipNorm":
		return "--clip-norm"
	case "Optim.ClipValue":
		return "--clip-value"
	case "Optim.Schedule":
		if changed != nil && !changed("schedule") && changed("warmup") {
			return "--warmup"
		}
		return "--schedule"
	}
	return ""
}

// fitOutput is the JSON form of a fit.
type fitOutput struct {
	File       string    `json:"file"`
	Target     string    `json:"target"`
	Features   []string  `json:"features"`
	Coef       []float64 `json:"coef"`
	Intercept  float64   `json:"intercept"`
	Solver     string    `json:"solver"`
	Status     string    `json:"status"`
	Converged  bool      `json:"converged"`
	Iterations int       `json:"iterations"`
	Loss       jsonFloat `json:"loss"`
	RMSE       jsonFloat `json:"rmse"`
	Objective  jsonFloat `json:"objective"`
	// R2 is the summary's R² where there is a summary (setSummary: for an
	// iterative fit, that of the exact solution, as the summary's other
	// numbers), else the fit's own at its coefficients (fitR2: a penalised
	// fit, which has no summary). It hides the summary's r2, which it
	// repeats.
	R2         *jsonFloat  `json:"r2,omitempty"`
	N          int         `json:"n"`
	Rank       *int        `json:"rank,omitempty"`
	Cond       *jsonFloat  `json:"cond,omitempty"`
	Aliased    []string    `json:"aliased,omitempty"`
	Timings    timings     `json:"timings"`
	Exact      *exactOut   `json:"exact,omitempty"`
	ExactNote  string      `json:"exact_note,omitempty"`
	Gap        *gapOut     `json:"gap,omitempty"`
	LR         *lrOut      `json:"learning_rate,omitempty"`
	LRSearch   []lrTrial   `json:"lr_search,omitempty"`
	Validation *jsonFloat  `json:"val_loss,omitempty"`
	ValN       int         `json:"val_n,omitempty"` // rows held out for validation (--val-frac, a list of --lr); n counts the others
	Model      string      `json:"model,omitempty"`
	Trace      string      `json:"trace,omitempty"`
	Checkpoint string      `json:"checkpoint,omitempty"`
	Plot       string      `json:"plot,omitempty"`
	Report     string      `json:"report,omitempty"`
	Divergence *divergence `json:"divergence,omitempty"`
	DualityGap *jsonFloat  `json:"duality_gap,omitempty"`
	Notes      []string    `json:"notes,omitempty"`
	// Missing reports the rows left out for missing values; Statsmodels
	// names the features as statsmodels (patsy) does.
	Missing     *missingOut `json:"missing,omitempty"`
	Statsmodels []string    `json:"statsmodels_names,omitempty"`
	*summaryOut
	SummaryNote string `json:"summary_note,omitempty"`
	*inferenceOut

	// streamed says how a streamed fit read its data (passes, shuffle
	// buffer, precision of the accumulator): a line of the text output
	// only, so that the JSON keys of a fit are the same in memory and
	// streamed.
	streamed string
}

type timings struct {
	LoadS float64 `json:"load_s"`
	FitS  float64 `json:"fit_s"`
}

type exactOut struct {
	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
	Solver    string    `json:"solver,omitempty"`
}

// gapOut is the gap in --json: objective_rel is the raw (F − F*)/D of
// optim.Optimum.Gap, which may be a few units of rounding below zero; the
// text output prints a gap within rounding as 0 (optim.ShownGap).
type gapOut struct {
	ObjectiveRel jsonFloat `json:"objective_rel"`
	CoefRel      jsonFloat `json:"coef_rel"`
	GradNorm     jsonFloat `json:"grad_norm"`
	Tol          jsonFloat `json:"tol"` // the tolerance on objective_rel that decided success
}

type lrOut struct {
	LR           jsonFloat `json:"lr"`
	L            jsonFloat `json:"L"`
	Bound        jsonFloat `json:"bound_2_over_L"`
	Mu           jsonFloat `json:"mu"`
	Cond         jsonFloat `json:"hessian_cond"`
	Contraction  jsonFloat `json:"contraction_per_step"`
	StepsFor1e6  jsonFloat `json:"steps_for_1e-6"`
	Standardized bool      `json:"standardized"`
}

type lrTrial struct {
	LR      float64   `json:"lr"`
	ValLoss jsonFloat `json:"val_loss"`
	Status  string    `json:"status"`
}

type divergence struct {
	Epoch   int       `json:"epoch"`
	LR      jsonFloat `json:"lr"`
	Bound   jsonFloat `json:"bound_2_over_L"`
	Feature string    `json:"largest_scale_feature,omitempty"`
	Scale   jsonFloat `json:"largest_scale,omitempty"`
}

// advice names the flags that address why an iterative fit stopped short.
func advice(res *fit.Result, o *fitOptions) string {
	var tips []string
	switch {
	case res.Solver.Penalized():
		tips = append(tips, "raise --epochs (the iteration limit)")
	case isL1(o.Penalty.Name) && !o.Proximal:
		tips = append(tips, "use --proximal, or --solver cd (coordinate descent) for the exact lasso")
	case res.Status == lsq.Stalled && res.Optim != nil && res.Optim.FinalLR < 1e-3*res.Optim.LR:
		tips = append(tips, "use a schedule that decays less (--schedule constant, or a larger gamma or patience)")
	case res.Status == lsq.Stalled:
		tips = append(tips, "the steps no longer change the objective: try --solver lbfgs, or a larger --batch-size")
	case res.Status == lsq.IterationLimit && noiseFloor(res, o):
		tips = append(tips, "at a constant rate the mini-batch noise keeps the last iterate in a cloud about the optimum, which more epochs do not shrink: keep --average (the default), use a decaying --schedule, or a larger --batch-size",
			"or try --solver lbfgs")
	default:
		tips = append(tips, "raise --epochs")
		if o.changed("lr") {
			tips = append(tips, "use --lr auto")
		}
		if !o.Standardize {
			tips = append(tips, "drop --standardize=false")
		}
		if res.Solver != fit.LBFGS {
			tips = append(tips, "or try --solver lbfgs")
		}
	}
	return "; " + strings.Join(tips, ", ")
}

// noiseFloor reports whether a stochastic fit reported its last iterate
// (not the average) of mini-batches smaller than the data at an undecayed
// rate: the case where the gradient noise, not the epoch limit, sets the
// distance to the optimum (Polyak & Juditsky 1992; lsq demo lr, part 3).
func noiseFloor(res *fit.Result, o *fitOptions) bool {
	if !res.Solver.Stochastic() || res.Optim == nil || res.Optim.Averaged || res.Optim.FinalLR < res.Optim.LR {
		return false
	}
	batch := o.BatchSize
	if !o.changed("batch-size") {
		batch = fit.Defaults(res.Solver).Optim.BatchSize
	}
	return batch > 0 && batch < res.N
}

func divergenceAdvice(d *optim.DivergenceError, features []string, s *fit.Settings) string {
	var b strings.Builder
	fmt.Fprintf(&b, "diverged at epoch %d: learning rate %.3g", d.Epoch, d.LR)
	if !math.IsNaN(d.Bound) {
		fmt.Fprintf(&b, " against the stability bound 2/L = %.3g", d.Bound)
		if d.LR > d.Bound {
			fmt.Fprintf(&b, " (%.3g× too large)", d.LR/d.Bound)
		}
	}
	if d.Feature >= 0 && d.Feature < len(features) {
		fmt.Fprintf(&b, "; the largest input scale is %q (rms %.3g", features[d.Feature], d.Scale)
		if d.MinScale > 0 && d.Scale/d.MinScale > 1.5 {
			fmt.Fprintf(&b, ", %.3g× the smallest", d.Scale/d.MinScale)
		}
		b.WriteString(")")
	}
	b.WriteString(". Try --lr auto")
	if s.Raw {
		b.WriteString(", drop --standardize=false")
	}
	b.WriteString(", or --clip-norm")
	return b.String()
}

// setSummary attaches the summary, whose R² becomes the JSON's r2.
func (out *fitOutput) setSummary(so *summaryOut) {
	out.summaryOut = so
	if so != nil {
		v := so.R2
		out.R2 = &v
	}
}

func fillFitOutput(out *fitOutput, res *fit.Result, load time.Duration) {
	out.Coef, out.Intercept = res.Coef, res.Intercept
	out.Solver = res.Solver.String()
	out.Status = res.Status.String()
	out.Converged = res.Status.Converged()
	out.Iterations = res.Iterations
	out.Loss = jsonFloat(res.MSE)
	out.RMSE = jsonFloat(res.RMSE)
	out.Objective = jsonFloat(res.Objective)
	if r2, ok := fitR2(res); ok {
		v := jsonFloat(r2)
		out.R2 = &v
	}
	out.N = res.N
	out.Timings = timings{LoadS: load.Seconds(), FitS: res.FitTime.Seconds()}
	if ex := exactOf(res); ex != nil {
		rank, cond := ex.Rank, jsonFloat(ex.Cond)
		out.Rank, out.Cond = &rank, &cond
		for _, j := range ex.Aliased {
			out.Aliased = append(out.Aliased, res.Features[j])
		}
	}
	if ref := res.Reference; ref != nil && !res.Solver.Exact() && !res.Solver.Penalized() {
		out.Exact = &exactOut{Coef: ref.Coef, Intercept: ref.Intercept, Solver: res.ReferenceSolver}
	}
	if !math.IsNaN(res.DualityGap) {
		g := jsonFloat(res.DualityGap)
		out.DualityGap = &g
	}
	out.ExactNote = res.ExactNote
	if g := res.Gap; g != nil {
		out.Gap = &gapOut{ObjectiveRel: jsonFloat(g.ObjectiveRel), CoefRel: jsonFloat(g.CoefRel), GradNorm: jsonFloat(g.GradNorm), Tol: jsonFloat(res.GapTol)}
	} else if res.Optim != nil {
		out.Gap = &gapOut{ObjectiveRel: jsonFloat(math.NaN()), CoefRel: jsonFloat(math.NaN()), GradNorm: jsonFloat(res.Optim.GradNorm)}
	}
	if w := res.Why; w != nil {
		out.LR = &lrOut{LR: jsonFloat(w.LR), L: jsonFloat(w.L), Bound: jsonFloat(w.Bound), Mu: jsonFloat(w.Mu), Cond: jsonFloat(w.Cond), Contraction: jsonFloat(w.Contraction), StepsFor1e6: jsonFloat(w.StepsFor1e6), Standardized: w.Standardized}
	}
	if res.Optim != nil && !math.IsNaN(res.Optim.ValLoss) {
		v := jsonFloat(res.Optim.ValLoss)
		out.Validation = &v
	}
}

func modelFromFit(res *fit.Result, fr *data.Frame, o *fitOptions, s *fit.Settings) *modelio.Model {
	m := &modelio.Model{
		Kind: modelio.KindLinear, Target: fr.Target, Features: fr.Features,
		Coef: res.Coef, Intercept: res.Intercept, FitIntercept: !s.NoIntercept, Design: o.design,
		Solver: modelio.Solver{Name: res.Solver.String(), Settings: map[string]any{
			"standardize": !s.Raw,
		}},
		Training: map[string]any{
			"file": o.File, "n": res.N, "mse": finiteOr(res.MSE, 0), "objective": finiteOr(res.Objective, 0),
			"status": res.Status.String(), "iterations": res.Iterations,
		},
	}
	m.Inference = linearInference(res, s)
	if !res.Solver.Exact() {
		st := m.Solver.Settings
		if res.Optim != nil { // nil for cd and fista, which have no learning rate
			st["lr"] = res.Optim.LR
		}
		st["epochs"] = s.Optim.Epochs
		if s.Optim.Epochs == 0 && res.Optim != nil {
			st["epochs"] = epochLimit(o, res) // the automatic limit, as used
		}
		st["batch_size"] = s.Optim.BatchSize
		st["seed"] = s.Optim.Seed
		st["schedule"] = o.Schedule
		st["warmup"] = o.Warmup
		st["penalty"] = o.Penalty.Name
		st["alpha"] = o.Penalty.Alpha
		st["l1_ratio"] = o.Penalty.L1Ratio
		if res.Scale != nil {
			m.Scaling = &modelio.Scaling{Center: res.Center, Scale: res.Scale}
			if m.Scaling.Center == nil {
				m.Scaling.Center = make([]float64, len(res.Scale))
			}
		}
		if res.Optim != nil && res.Optim.Checkpoint != nil {
			m.State = checkpointState(res.Optim.Checkpoint)
		}
	} else if s.Penalty != nil {
		m.Solver.Settings["alpha"] = o.Penalty.Alpha
		m.Solver.Settings["penalty"] = o.Penalty.Name
	}
	return m
}

// splitFrame holds out a fraction of rows, drawn with the seed.
func splitFrame(fr *data.Frame, frac float64, seed uint64) (x *mat.Dense, y, w []float64, vx *mat.Dense, vy, vw []float64) {
	n := fr.Rows()
	nv := int(math.Round(frac * float64(n)))
	perm := rand.New(rand.NewPCG(seed, 0x5eed)).Perm(n)
	val, train := perm[:nv], perm[nv:]
	pick := func(idx []int) (*mat.Dense, []float64, []float64) {
		if len(idx) == 0 {
			return nil, nil, nil
		}
		_, d := fr.X.Dims()
		m := mat.NewDense(len(idx), d, nil)
		yy := make([]float64, len(idx))
		var ww []float64
		if fr.Weights != nil {
			ww = make([]float64, len(idx))
		}
		for k, i := range idx {
			copy(m.RawRowView(k), fr.X.RawRowView(i))
			yy[k] = fr.Y[i]
			if ww != nil {
				ww[k] = fr.Weights[i]
			}
		}
		return m, yy, ww
	}
	slices.Sort(val) // keep file order within each part
	slices.Sort(train)
	x, y, w = pick(train)
	vx, vy, vw = pick(val)
	return
}

// chooseRate fits with each rate on the training rows and keeps the one with
// the lowest validation loss.
func chooseRate(ctx context.Context, x *mat.Dense, y []float64, s fit.Settings, rates []float64) (float64, []lrTrial, error) {
	best, bestLoss := math.NaN(), math.Inf(1)
	var trials []lrTrial
	for _, r := range rates {
		t := s
		t.Optim.LearningRate = r
		t.Optim.Recorder = nil
		t.SkipExact = true
		res, err := fit.Matrix(ctx, x, y, &t)
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		if se := (*fit.SettingsError)(nil); errors.As(err, &se) {
			return 0, nil, err // the settings, not the rate: every trial would be refused alike
		}
		vl := math.Inf(1)
		status := "failure"
		if res != nil {
			status = res.Status.String()
			if res.Optim != nil && err == nil {
				vl = res.Optim.ValLoss
			}
		}
		trials = append(trials, lrTrial{LR: r, ValLoss: jsonFloat(vl), Status: status})
		if vl < bestLoss {
			best, bestLoss = r, vl
		}
	}
	if math.IsNaN(best) {
		return 0, trials, errors.New("every learning rate diverged or failed on the training split; try smaller rates or --lr auto")
	}
	return best, trials, nil
}

// rateGrid is a log grid of 7 rates, a factor √10 apart, centred on the
// automatic rate 1/L of the training rows.
func rateGrid(ctx context.Context, x *mat.Dense, y []float64, s fit.Settings) ([]float64, error) {
	t := s
	t.Optim.Epochs = 1
	t.Optim.Recorder = nil
	t.Optim.LearningRate = 0
	t.SkipExact = true
	res, err := fit.Matrix(ctx, x, y, &t)
	if res == nil || res.Optim == nil {
		return nil, err
	}
	base := res.Optim.LR
	var rates []float64
	for k := -3; k <= 3; k++ {
		rates = append(rates, base*math.Pow(10, float64(k)/2))
	}
	return rates, nil
}

func printRateTable(w io.Writer, trials []lrTrial, best float64) {
	fmt.Fprintln(w, "learning rate   validation loss   status")
	for _, t := range trials {
		mark := ""
		if t.LR == best {
			mark = "  ← chosen"
		}
		fmt.Fprintf(w, "%-14.4g  %-16.6g  %s%s\n", t.LR, float64(t.ValLoss), t.Status, mark)
	}
}
