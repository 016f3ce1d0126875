// Package cli is the lsq command line: one file per subcommand, each an
// Options struct filled by cobra and a run function that never sees cobra,
// writing only to the injected streams.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lsqgo/lsq"
)

// Exit codes, documented in the README and docs/errors.md.
const (
	ExitOK           = 0 // success
	ExitFailure      = 1 // bad data, a failed solve, an I/O error
	ExitUsage        = 2 // bad flags or arguments
	ExitNotConverged = 3 // an iterative fit stopped without converging (diverged, limit reached)
	ExitInterrupted  = 130
)

// IO are the streams a command reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer // results: text or JSON
	Err io.Writer // diagnostics and progress
	// ErrTerminal reports whether Err is a terminal (progress bars are drawn only then).
	ErrTerminal bool
	// Args is the command line as typed (without the program name), for
	// reports that record how to reproduce a run.
	Args []string
}

// UsageError is a mistake in the command line: exit code 2, with a hint to --help.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// NotConvergedError marks an iterative fit whose result was written but which
// did not converge: exit code 3.
type NotConvergedError struct{ Msg string }

func (e *NotConvergedError) Error() string { return e.Msg }

// silentError carries an exit code for a failure already reported.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs the lsq command line with args (without the program name) and
// returns the process exit code.
func Main(ctx context.Context, args []string, stdio IO) (code int) {
	defer func() {
		// A panic is a bug in lsq, not a usage error (the runtime's exit
		// code 2): say so, keep the stack for the report, exit 1.
		if r := recover(); r != nil {
			fmt.Fprintf(stdio.Err, "lsq: internal error: %v\n%s\nThis is a bug in lsq; please report it with the command line that caused it.\n", r, debug.Stack())
			code = ExitFailure
		}
	}()
	stdio.Args = args
	out := &stickyWriter{w: stdio.Out}
	stdio.Out = out
	root := newRoot(stdio)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil && out.err != nil {
		err = fmt.Errorf("writing the results to standard output: %w", out.err)
	}
	help := root.CommandPath()
	if cmd != nil {
		help = cmd.CommandPath()
	}
	return exitCode(err, stdio.Err, ctx, help)
}

// stickyWriter remembers the first write error, so that a command whose
// results could not all be written (a full disk behind a redirection) fails
// with exit 1 instead of reporting success over a truncated output.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

// exitCode reports err on stderr and returns its exit code; a usage error
// points to the --help of command, the command path that failed ("lsq fit").
func exitCode(err error, stderr io.Writer, ctx context.Context, command string) int {
	if err == nil {
		return ExitOK
	}
	var se *silentError
	if errors.As(err, &se) {
		return se.code
	}
	var nc *NotConvergedError
	if errors.As(err, &nc) {
		fmt.Fprintf(stderr, "lsq: %s\n", nc.Msg)
		return ExitNotConverged
	}
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		fmt.Fprintln(stderr, "lsq: interrupted")
		return ExitInterrupted
	}
	var ue *UsageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(stderr, "lsq: %v\nRun '%s --help' for usage.\n", err, command)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "lsq: %v\n", err)
	return ExitFailure
}

// isCobraUsage recognises the flag and argument errors cobra and pflag return
// as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "invalid argument", "flag needs an argument", "accepts ", "requires at least", "requires at most", "bad flag syntax", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func newRoot(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "lsq",
		Short: "Least-squares fitting: exact, iterative and nonlinear, side by side",
		Long: `lsq fits least-squares models: exactly (pivoted QR, SVD, Cholesky) and by the
gradient-descent family (GD, SGD, momentum, Adam, L-BFGS, ...), always reporting
how far an iterative fit is from the exact optimum and why.

Exit codes: 0 ok, 1 failure, 2 usage error, 3 did not converge.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       lsq.Version,
	}
	root.SetVersionTemplate(versionLine() + "\n")
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &UsageError{err} })
	for _, add := range commands {
		root.AddCommand(add(stdio))
	}
	explainArgs(root)
	strictHelp(root)
	return root
}

// strictHelp makes `lsq help TOPIC` a usage error when TOPIC is not a
// command: cobra's help command prints the usage and succeeds, so a typo
// would pass for help that was found.
func strictHelp(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	help, _, err := root.Find([]string{"help"})
	if err != nil || help == root {
		return
	}
	show := help.Run
	help.Run = nil
	help.RunE = func(c *cobra.Command, args []string) error {
		if err := helpTopic(root, args); err != nil {
			return err
		}
		show(c, args)
		return nil
	}
}

// helpTopic returns a usage error naming the first word of args that is not
// a command, with the commands there are, or nil.
func helpTopic(root *cobra.Command, args []string) error {
	found, rest, err := root.Find(args)
	if err == nil && len(rest) == 0 {
		return nil
	}
	if err != nil || found == nil {
		found = root
	}
	unknown := args[len(args)-1]
	if len(rest) > 0 {
		unknown = rest[0]
	}
	return unknownCommand("help: ", found, unknown)
}

// unknownCommand is the usage error of a word that is not a subcommand of
// c, naming the subcommands there are; prefix says who read the word.
func unknownCommand(prefix string, c *cobra.Command, unknown string) error {
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	if len(names) == 0 {
		return usagef("%sunknown command %q for %q, which has no subcommands", prefix, unknown, c.CommandPath())
	}
	return usagef("%sunknown command %q for %q; its commands are %s", prefix, unknown, c.CommandPath(), strings.Join(names, ", "))
}

// explainArgs makes the argument-count errors of cmd and its subcommands
// (cobra's "accepts 2 arg(s), received 1") say what the arguments are, by
// the command's usage line.
func explainArgs(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		explainArgs(c)
	}
	check := cmd.Args
	if check == nil || !cmd.Runnable() {
		return
	}
	cmd.Args = func(c *cobra.Command, args []string) error {
		if err := check(c, args); err != nil {
			if len(args) > 0 && c.HasAvailableSubCommands() {
				return unknownCommand("", c, args[0])
			}
			return &UsageError{fmt.Errorf("%v; usage: %s", err, c.UseLine())}
		}
		return nil
	}
}

// commands lists the subcommand constructors; each file adds its own in an
// init-free way by appearing in this list.
var commands = []func(IO) *cobra.Command{
	newCurveCmd,
	newDemoCmd,
	newFitCmd,
	newPredictCmd,
	newEvalCmd,
	newSelftestCmd,
	newVersionCmd,
	newPathCmd,
	newCVCmd,
	newLRFindCmd,
	newAnovaCmd,
	newNetCmd,
}

// stdioFromOS returns the process's streams.
func StdIO() IO {
	return IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, ErrTerminal: isTerminal(os.Stderr)}
}

// checkClipDecay checks --clip-norm, --clip-value and --weight-decay, in
// that order: each a finite number ≥ 0 (0 turns it off).
func checkClipDecay(clipNorm, clipValue, weightDecay float64) error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"--clip-norm", clipNorm}, {"--clip-value", clipValue}, {"--weight-decay", weightDecay}} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return usagef("%s %v must be a finite number ≥ 0", f.name, f.v)
		}
	}
	return nil
}
