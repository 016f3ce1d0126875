// Command lsq fits least-squares models from the command line. Run
// `lsq --help` for the commands, or `lsq demo` for a first look.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/lsqgo/lsq/internal/cli"
)

func main() {
	// The first Ctrl-C or SIGTERM cancels the context: iterative solvers stop
	// at the next iteration boundary and write what they must. A second one
	// kills the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	os.Exit(cli.Main(ctx, os.Args[1:], cli.StdIO()))
}
