package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
)

// localWorkers is set when the workers are processes that prism, running in
// this process, starts (--environment_type=PROCESS on the local prism).
var localWorkers bool

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

// stagePlaceholder gives a local PROCESS run a worker binary to stage when
// --worker_binary is not set. Beam's launcher stages one on every run
// (runnerlib.Execute), and prism keeps each job's artifacts in memory: this
// 130 MB executable cost 200-250 MB of memory per pipeline run, so gradient
// descent, a run per step, grew without bound. The workers never fetch it,
// being this executable (worker.go), so a small file stands in, as Beam's
// own loopback mode stages an empty one. The returned function removes it.
func stagePlaceholder() (func(), error) {
	if !localWorkers || *jobopts.WorkerBinary != "" {
		return func() {}, nil
	}
	f, err := os.CreateTemp("", "lsq-beam-worker-*")
	if err != nil {
		return nil, err
	}
	self, _ := os.Executable()
	fmt.Fprintf(f, "not a worker binary: the workers of this job run %s itself\n", self)
	if err := f.Close(); err != nil {
		return nil, err
	}
	*jobopts.WorkerBinary = f.Name()
	return func() { os.Remove(f.Name()) }, nil
}
