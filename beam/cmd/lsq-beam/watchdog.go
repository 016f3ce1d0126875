package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// workerGrace is how long a run may go on after one of its worker processes
// exited before the watchdog stops it. prism fails the job by itself within
// milliseconds when it notices; at the normal end of a job prism kills the
// workers and the run returns at once, so 3 s is far beyond both.
var workerGrace = 3 * time.Second

// watchWorkers guards one pipeline run on the local prism runner with a
// PROCESS environment, whose workers are child processes of this one. If a
// worker that started during the run exits while the run goes on, the
// returned context is canceled after workerGrace with an error saying so.
//
// prism (Beam v2.77.0) usually fails the job when a worker dies ("SDK worker
// disconnected"), but not always: its control handler
// (runners/prism/internal/worker, W.Control) selects at random between the
// end of the stream and the end of its context, and only the latter fails
// the worker's outstanding instructions, so in about a third of our trials
// the job waited forever for a bundle of the dead worker.
func watchWorkers(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	before := workerChildren()
	done := make(chan struct{})
	go func() {
		seen := map[int]bool{}
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
			now := workerChildren()
			for pid := range now {
				if !before[pid] {
					seen[pid] = true
				}
			}
			for pid := range seen {
				if !now[pid] && gone == 0 {
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

// workerChildren returns the running child processes of this one that are
// Beam workers (started with --provision_endpoint), from /proc.
func workerChildren() map[int]bool {
	self := os.Getpid()
	out := map[int]bool{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 2 || f[0] == "Z" || f[1] != strconv.Itoa(self) {
			continue
		}
		cmd, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if strings.Contains(string(cmd), "\x00--provision_endpoint=") {
			out[pid] = true
		}
	}
	return out
}
