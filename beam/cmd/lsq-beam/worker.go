package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/container/tools"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/util/grpcx"
	"golang.org/x/sys/unix"
)

// provisionEndpoint is how a runner's PROCESS environment starts a worker:
// `lsq-beam --id=ID --provision_endpoint=HOST:PORT`, the contract of Beam's
// Go container boot program (sdks/go/container/boot.go). With it, lsq-beam
// is its own boot program: it asks the runner's provision service for the
// control and logging endpoints and the pipeline options, then runs Beam's
// SDK harness in this process (beam.Init in worker mode) instead of
// downloading and executing the staged binary, which is this same binary.
var provisionEndpoint = flag.String("provision_endpoint", "", "worker mode: the runner's provision service (set by a PROCESS environment, not by users)")

// The rest of the boot contract's flags: --id, --logging_endpoint,
// --control_endpoint and --semi_persist_dir are Beam's harness flags;
// --artifact_endpoint, where a boot program downloads the worker binary, is
// accepted and not used, as this binary is the worker.
var _ = flag.String("artifact_endpoint", "", "worker mode: the runner's artifact service (set by a PROCESS environment; not used: lsq-beam is its own worker binary)")

// runWorker serves one runner worker until the runner stops it. It returns
// only on an error; on success Beam's harness waits to be killed.
func runWorker(ctx context.Context) error {
	// Die with the runner. prism starts workers with exec.CommandContext
	// and kills them at the end of each job, but a worker whose runner
	// exited first would wait forever: Beam's harness sleeps once its
	// control stream ends.
	ppid := os.Getppid()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return fmt.Errorf("worker mode: %w", err)
	}
	if os.Getppid() != ppid {
		return errors.New("worker mode: the runner exited")
	}
	if err := registerWorker(); err != nil {
		return fmt.Errorf("worker mode: %w", err)
	}
	idFlag := flag.Lookup("id")
	if idFlag == nil {
		return errors.New("worker mode: Beam's harness flags are not linked in")
	}
	// prism v2.77.0 passes --id='ID' with the quotes inside the value
	// (environments.go); the provision and control services match the id
	// without them, so a quoted id would hang the job.
	id := strings.Trim(idFlag.Value.String(), `'"`)
	if id == "" {
		return errors.New("worker mode: --provision_endpoint needs --id")
	}
	info, err := tools.ProvisionInfo(grpcx.WriteWorkerID(ctx, id), *provisionEndpoint)
	if err != nil {
		return fmt.Errorf("worker %s: provision service %s: %w", id, *provisionEndpoint, err)
	}
	options, err := tools.ProtoToJSON(info.GetPipelineOptions())
	if err != nil {
		return fmt.Errorf("worker %s: pipeline options: %w", id, err)
	}
	// As Beam's boot program does, the provision service's endpoints take
	// precedence over those on the command line.
	set := map[string]string{
		"worker":           "true",
		"id":               id,
		"control_endpoint": info.GetControlEndpoint().GetUrl(),
		"logging_endpoint": info.GetLoggingEndpoint().GetUrl(),
		"options":          options,
	}
	for name, v := range set {
		if v == "" {
			continue
		}
		if err := flag.Set(name, v); err != nil {
			return fmt.Errorf("worker mode: --%s: %w", name, err)
		}
	}
	for _, name := range []string{"control_endpoint", "logging_endpoint"} {
		if flag.Lookup(name).Value.String() == "" {
			return fmt.Errorf("worker %s: the runner gave no %s", id, name)
		}
	}
	if caps := info.GetRunnerCapabilities(); len(caps) > 0 {
		os.Setenv("RUNNER_CAPABILITIES", strings.Join(caps, " "))
	}
	if ep := info.GetStatusEndpoint().GetUrl(); ep != "" {
		os.Setenv("STATUS_ENDPOINT", ep)
	}
	// The runner passes the worker's stdout through as its own (prism: as
	// lsq-beam's, where the model summary goes); Beam's harness prints
	// diagnostics there, so send them to stderr.
	os.Stdout = os.Stderr
	beam.Init() // runs the SDK harness: exits on failure, waits to be killed after success
	return errors.New("worker mode: Beam's harness returned")
}
