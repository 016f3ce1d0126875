package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeWorker starts a child process and registers it in dir, as a worker
// does (registerWorker).
func fakeWorker(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(cmd.Process.Pid)), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// The watchdog stops a run when a worker that started during it exits and
// the run goes on for workerGrace; it leaves the run alone while its workers
// live, and when a worker that was there before the run (a previous job's,
// which prism kills late) exits.
func TestWatchWorkers(t *testing.T) {
	defer func(g time.Duration) { workerGrace = g }(workerGrace)
	workerGrace = 200 * time.Millisecond // shortened from 3 s for the test

	dir := t.TempDir()
	old := fakeWorker(t, dir)
	ctx, stop := watchWorkers(context.Background(), dir)
	defer stop()
	w := fakeWorker(t, dir)
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
