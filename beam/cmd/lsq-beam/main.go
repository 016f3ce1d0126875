// Command lsq-beam fits a linear least-squares model to CSV files with Apache
// Beam: on the embedded prism runner by default, or on Flink, Spark or
// Dataflow through Beam's runner flags (see the module's README).
//
//	lsq-beam --input 'data/part-*.csv' --target y --output model.json
//	lsq-beam --input 'data/part-*.csv' --target y --solver gd --workdir /tmp/gd --output model.json
//	lsq-beam --input 'data/part-*.csv' --target y --solver cd --penalty l1 --alpha 0.1 --output model.json
//
// Exit codes: 0 success, 1 failure, 2 usage error (among them a flag that
// does not apply to the solver), 3 gradient descent did not reach --gap-tol
// (it stalled, diverged or ran out of --epochs) or coordinate descent did
// not converge.
//
// On the local prism runner lsq-beam runs itself in a network namespace
// with only the loopback (--local-network=private, the default), since
// prism's job server listens on every interface; with
// --environment_type=PROCESS prism runs the workers as separate lsq-beam
// processes, lsq-beam being its own worker boot program (worker.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/beam/internal/localnet"
	"github.com/lsqgo/lsq/beam/pipeline"
	"github.com/lsqgo/lsq/modelio"
)

var (
	input       = flag.String("input", "", "glob of the input CSV files, each with a header row (required)")
	target      = flag.String("target", "", "name of the response column (required)")
	features    = flag.String("features", "", "comma-separated feature columns; default every other column")
	weights     = flag.String("weights", "", "column of observation weights; default none")
	output      = flag.String("output", "", "model file to write (required)")
	solver      = flag.String("solver", "exact", "exact (TSQR, one pass), cd (lasso, elastic net or ridge by coordinate descent on the moments of the one pass) or gd (full-batch gradient descent, one pass per step)")
	alpha       = flag.Float64("alpha", 0, "penalty strength α: exact, the ridge α of (1/2W)Σw·r² + (α/2)‖β‖²; cd, that of --penalty")
	penaltyFlag = flag.String("penalty", "", "cd: l1 (lasso), elasticnet or l2 (ridge)")
	l1Ratio     = flag.Float64("l1-ratio", 0.5, "cd with --penalty elasticnet: mixing ρ in α(ρ‖β‖₁ + (1−ρ)/2‖β‖²)")
	standardize = flag.Bool("standardize", true, "exact and cd: penalise the coefficients of the standardised features; false penalises them on the original scale")
	noIntercept = flag.Bool("no-intercept", false, "fit without an intercept")
	lr          = flag.Float64("lr", 0, "gd: learning rate; 0 computes 1/λ_max from the data")
	epochs      = flag.Int("epochs", 100, "gd: maximum number of steps")
	gapTol      = flag.Float64("gap-tol", 0, "gd: succeed when the loss is within this relative gap of the exact optimum; cd: the relative duality gap to stop at; 0 means each one's default")
	_           = flag.Float64("tol", 0, "no longer applies (gd stops on the gap to the exact optimum, not on the gradient norm): use --gap-tol")
	workdir     = flag.String("workdir", "", "gd: directory (local or gs://) for per-step results; default a temporary local directory")
	verbose     = flag.Bool("v", false, "log the runner's progress on stderr")
	localNet    = flag.String("local-network", "private", "local prism runner: private (a network namespace with only the loopback, so no other host can reach prism's job server) or host (this machine's network; prism listens on every interface)")
)

func main() {
	flag.Parse()
	if *provisionEndpoint != "" {
		err := runWorker(context.Background())
		fmt.Fprintln(os.Stderr, "lsq-beam:", err)
		os.Exit(1)
	}
	code, err := launch()
	if err != nil {
		fmt.Fprintln(os.Stderr, "lsq-beam:", err)
	}
	os.Exit(code)
}

// launch sets up the runner (see runner.go) and fits: in a private network
// namespace, by running this program again there, when prism runs here.
func launch() (int, error) {
	if err := checkFlags(*solver, *penaltyFlag, flagSet); err != nil {
		return 2, err
	}
	private, err := setupRunner()
	if err != nil {
		return 2, err
	}
	if private && !localnet.Inside() {
		code, err := localnet.Rerun()
		if errors.Is(err, localnet.ErrUnavailable) {
			err = fmt.Errorf("%w; or pass --local-network=host to let prism's job server listen on every interface", err)
		}
		return code, err
	}
	if private {
		if err := localnet.LoopbackUp(); err != nil {
			return 1, fmt.Errorf("private network namespace: %w", err)
		}
	}
	dir, cleanup, err := prepareLocal()
	if err != nil {
		return 1, err
	}
	defer cleanup()
	workersDir = dir
	beam.Init()
	slog.SetDefault(slog.New(quietHandler{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Stdout)
}

func run(ctx context.Context, stdout io.Writer) (int, error) {
	if *input == "" || *target == "" || *output == "" {
		return 2, errors.New("--input, --target and --output are required")
	}
	csv := pipeline.CSV{Target: *target, Weights: *weights}
	if *features != "" {
		for _, f := range strings.Split(*features, ",") {
			csv.Features = append(csv.Features, strings.TrimSpace(f))
		}
	}
	if flagSet("tol") {
		return 2, errors.New("--tol no longer applies: gd stops when the loss is within --gap-tol (relative) of the exact optimum, not on the gradient norm")
	}
	runner := func(ctx context.Context, p *beam.Pipeline) error {
		if !localWorkers {
			return beamx.Run(ctx, p)
		}
		ctx, stop := watchWorkers(ctx, workersDir)
		defer stop()
		err := beamx.Run(ctx, p)
		if err != nil && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return err
	}
	switch *solver {
	case "exact", "cd":
		o := fitOptions(csv)
		if err := o.Validate(); err != nil {
			return 2, err
		}
		m, err := pipeline.RunFit(ctx, runner, *input, *output, o)
		if err != nil {
			return 1, err
		}
		printModel(stdout, m)
		if st, ok := m.Training["status"].(string); ok {
			fmt.Fprintf(stdout, "status %s after %v sweeps, duality gap %v\n", st, m.Training["iterations"], m.Training["duality_gap"])
			if st != lsq.Converged.String() {
				return 3, nil
			}
		}
		return 0, nil
	case "gd":
		dir := *workdir
		if dir == "" {
			tmp, err := os.MkdirTemp("", "lsq-beam-gd-")
			if err != nil {
				return 1, err
			}
			defer os.RemoveAll(tmp)
			dir = tmp
		}
		res, err := pipeline.RunGD(ctx, runner, *input, *output, pipeline.GDOptions{
			CSV: csv, NoIntercept: *noIntercept, LR: *lr, Epochs: *epochs, GapTol: *gapTol, WorkDir: dir,
		})
		if res == nil {
			return 1, err
		}
		if err == nil {
			printModel(stdout, res.Model)
		}
		fmt.Fprintf(stdout, "status %s after %d steps (lr %.4g, %d pipeline runs): loss %.6g, exact %.6g, gap %.3g\n",
			res.Status, res.Epochs, res.LR, res.Runs, res.Loss, res.ExactLoss, res.LossGap)
		switch {
		case res.Status == lsq.Diverged:
			return 3, err
		case err != nil:
			return 1, err
		case !res.Status.Converged():
			return 3, nil
		}
		return 0, nil
	default:
		return 2, fmt.Errorf("unknown --solver %q (want exact, cd or gd)", *solver)
	}
}

// notFor lists, for each solver, the flags that do not apply to it.
var notFor = map[string][]string{
	"exact": {"penalty", "l1-ratio", "gap-tol", "lr", "epochs", "workdir"},
	"cd":    {"lr", "epochs", "workdir"},
	"gd":    {"alpha", "penalty", "l1-ratio", "standardize"},
}

// checkFlags refuses, naming it, a flag that does not apply to the solver
// (given reports whether a flag was on the command line), and cd without
// --penalty or --l1-ratio without --penalty elasticnet.
func checkFlags(solver, penalty string, given func(string) bool) error {
	bad, ok := notFor[solver]
	if !ok {
		return fmt.Errorf("unknown --solver %q (want exact, cd or gd)", solver)
	}
	for _, f := range bad {
		if given(f) {
			return fmt.Errorf("--%s does not apply to --solver %s", f, solver)
		}
	}
	switch {
	case !(*alpha >= 0) || math.IsInf(*alpha, 1):
		return fmt.Errorf("--alpha %v must be a finite number ≥ 0", *alpha)
	case !(*l1Ratio >= 0 && *l1Ratio <= 1):
		return fmt.Errorf("--l1-ratio %v must be between 0 and 1", *l1Ratio)
	case !(*gapTol >= 0):
		return fmt.Errorf("--gap-tol %v must be ≥ 0", *gapTol)
	}
	if solver == "cd" && !given("penalty") {
		return errors.New("--solver cd needs --penalty l1, elasticnet or l2")
	}
	if given("l1-ratio") && penalty != "elasticnet" && penalty != "enet" {
		return fmt.Errorf("--l1-ratio applies to --penalty elasticnet only, not %q", penalty)
	}
	return nil
}

// fitOptions are the pipeline options of the exact and cd solvers.
func fitOptions(csv pipeline.CSV) pipeline.FitOptions {
	o := pipeline.FitOptions{CSV: csv, NoIntercept: *noIntercept, Solver: *solver, Alpha: *alpha, Raw: !*standardize}
	if *solver == "cd" {
		o.Penalty, o.GapTol = *penaltyFlag, *gapTol
		if *penaltyFlag == "elasticnet" || *penaltyFlag == "enet" {
			o.L1Ratio = *l1Ratio
		}
	}
	return o
}

// flagSet reports whether the flag was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func printModel(w io.Writer, m *modelio.Model) {
	if m.FitIntercept {
		fmt.Fprintf(w, "%-20s %14.8g\n", "(intercept)", m.Intercept)
	}
	for j, f := range m.Features {
		fmt.Fprintf(w, "%-20s %14.8g\n", f, m.Coef[j])
	}
	for _, k := range []string{"n", "r2", "adj_r2", "residual_sd"} {
		if v, ok := m.Training[k]; ok {
			fmt.Fprintf(w, "%s = %v\n", k, v)
		}
	}
}
