package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// fakeWorker starts a child process whose command line carries
// --provision_endpoint=, as prism's PROCESS workers do (sh keeps its own
// command line: with two commands it does not exec sleep in its place).
func fakeWorker(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sh", "-c", "sleep 30; exit 0", "--provision_endpoint=localhost:1")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sh: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// The watchdog stops a run when a worker that started during it exits and
// the run goes on for workerGrace; it leaves the run alone while its workers
// live, and when a worker that was there before the run (a previous job's,
// which prism kills late) exits.
func TestWatchWorkers(t *testing.T) {
	defer func(g time.Duration) { workerGrace = g }(workerGrace)
	workerGrace = 200 * time.Millisecond // shortened from 3 s for the test

	old := fakeWorker(t)
	ctx, stop := watchWorkers(context.Background())
	defer stop()
	w := fakeWorker(t)
	time.Sleep(300 * time.Millisecond) // the watch sees w (it polls every 50 ms)
	old.Process.Kill()
	old.Wait()
	time.Sleep(2 * workerGrace)
	if ctx.Err() != nil {
		t.Fatalf("run stopped while its worker lives: %v", context.Cause(ctx))
	}
	w.Process.Kill()
	w.Wait()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("run not stopped 5 s after its worker exited")
	}
	want := fmt.Sprintf("worker process %d exited during the run", w.Process.Pid)
	if err := context.Cause(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("cause %v, want %q", err, want)
	}
}
