package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
)

// localPrism is set when prism runs in this process (--runner prism or
// unset, no --endpoint).
var localPrism bool

// localWorkers is set when the workers are processes that prism, running in
// this process, starts (--environment_type=PROCESS on the local prism).
var localWorkers bool

// workersDir is where the workers of a local PROCESS run register.
var workersDir string

// setupRunner checks --local-network against Beam's runner flags and fills in
// the defaults of a local prism run. It reports whether this run must be in
// a private network namespace: prism started in this process (--runner
// prism or unset, no --endpoint), with --local-network=private, the default.
//
// For --environment_type=PROCESS on that local prism, the worker command
// defaults to this executable: prism then runs every worker as a separate
// lsq-beam process (see worker.go), as a cluster runner would.
func setupRunner() (private bool, err error) {
	local := *jobopts.Endpoint == ""
	switch *runners.Runner {
	case "", "prism", "PrismRunner":
	default:
		local = false
	}
	switch *localNet {
	case "private", "host":
	default:
		return false, fmt.Errorf("--local-network %q: want private or host", *localNet)
	}
	localPrism = local
	if !local {
		if flagSet("local-network") {
			return false, fmt.Errorf("--local-network applies only to the local prism runner (--runner prism, no --endpoint); runner %q, endpoint %q", *runners.Runner, *jobopts.Endpoint)
		}
		return false, nil
	}
	if strings.EqualFold(*jobopts.EnvironmentType, "process") {
		self, err := os.Executable()
		if err != nil {
			return false, err
		}
		if *jobopts.EnvironmentConfig == "" {
			cfg, _ := json.Marshal(map[string]string{"command": self})
			*jobopts.EnvironmentConfig = string(cfg)
		}
		localWorkers = true
	}
	return *localNet == "private", nil
}

// prepareLocal readies a run on the local prism. It points $TMPDIR at a
// directory of its own, removed at the end: Beam's launcher leaves an empty
// beamloopbackworker-* file there on every loopback run. For PROCESS
// workers it also makes the directory in which they register for the
// watchdog (watchdog.go), and a worker binary to stage when --worker_binary
// is not set. Beam's launcher stages one on every run (runnerlib.Execute),
// and prism keeps each job's artifacts in memory: this 130 MB executable
// cost 200-250 MB of memory per pipeline run, so gradient descent, a run
// per step, grew without bound. The workers never fetch it, being this
// executable (worker.go), so a small file stands in, as Beam's own loopback
// mode stages an empty one. It returns the workers' directory and a
// function that removes what it made.
func prepareLocal() (workers string, cleanup func(), err error) {
	if !localPrism {
		return "", func() {}, nil
	}
	base, err := os.MkdirTemp("", "lsq-beam-local-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(base) }
	os.Setenv("TMPDIR", base)
	if !localWorkers {
		return "", cleanup, nil
	}
	workers = filepath.Join(base, "workers")
	if err := os.Mkdir(workers, 0o700); err != nil {
		cleanup()
		return "", nil, err
	}
	os.Setenv(workersEnv, workers)
	if *jobopts.WorkerBinary != "" {
		return workers, cleanup, nil
	}
	self, _ := os.Executable()
	placeholder := filepath.Join(base, "staged-worker")
	msg := fmt.Sprintf("not a worker binary: the workers of this job run %s itself\n", self)
	if err := os.WriteFile(placeholder, []byte(msg), 0o600); err != nil {
		cleanup()
		return "", nil, err
	}
	*jobopts.WorkerBinary = placeholder
	return workers, cleanup, nil
}
