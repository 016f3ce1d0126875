package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// workerGrace is how long a run may go on after one of its worker processes
// exited before the watchdog stops it. prism fails the job by itself within
// milliseconds when it notices; at the normal end of a job prism kills the
// workers and the run returns at once, so 3 s is far beyond both.
var workerGrace = 3 * time.Second

// workersEnv names the directory in which every worker that prism, running
// in this process, starts records itself (registerWorker): prism passes its
// environment on to the workers.
const workersEnv = "LSQ_BEAM_WORKERS_DIR"

// registerWorker records this worker process, by its id, in the directory
// named by workersEnv, if any. A worker does so before it does any work, so
// the watchdog knows of it however soon it dies.
func registerWorker() error {
	dir := os.Getenv(workersEnv)
	if dir == "" {
		return nil
	}
	return os.WriteFile(filepath.Join(dir, strconv.Itoa(os.Getpid())), nil, 0o600)
}

// watchWorkers guards one pipeline run on the local prism runner with a
// PROCESS environment. If a worker that registered in dir during the run
// exits while the run goes on, the returned context is canceled after
// workerGrace with an error saying so. Records of earlier runs' workers are
// removed first: prism kills those at the end of their job, which may fall
// in this run.
//
// prism (Beam v2.77.0) usually fails the job when a worker dies ("SDK worker
// disconnected"), but not always: its control handler
// (runners/prism/internal/worker, W.Control) selects at random between the
// end of the stream and the end of its context, and only the latter fails
// the worker's outstanding instructions, so in 1 of 3 to 1 of 10 of our
// trials the job waited forever for a bundle of the dead worker.
func watchWorkers(ctx context.Context, dir string) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	done := make(chan struct{})
	go func() {
		var gone int
		var since time.Time
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				pid, err := strconv.Atoi(e.Name())
				if err == nil && gone == 0 && !running(pid) {
					gone, since = pid, time.Now()
				}
			}
			if gone != 0 && time.Since(since) > workerGrace {
				cancel(fmt.Errorf("worker process %d exited during the run, and %v later the runner had not failed the job: run stopped", gone, workerGrace))
				return
			}
		}
	}()
	return ctx, func() { close(done); cancel(nil) }
}

// running reports whether the process exists and is not a zombie, from
// /proc/PID/stat.
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state ...; comm may hold spaces and parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}
