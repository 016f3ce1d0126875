package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The fault tests run the lsq binary (this test binary, which testscript
// puts in $PATH under the name lsq) as a separate process, as a user would.

const faultCSV = "x,y\n1,2.8\n2,3.4\n3,4\n4,4.6\n5,5.2\n"

func lsqBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("lsq")
	if err != nil {
		t.Fatalf("lsq is not in $PATH: %v", err)
	}
	return p
}

// dirNames lists the names in dir, sorted.
func dirNames(dir string) string {
	ents, _ := os.ReadDir(dir)
	var s []string
	for _, e := range ents {
		s = append(s, e.Name())
	}
	return strings.Join(s, " ")
}

// TestOutputToDevFull: every kind of output written to /dev/full (each
// write fails with ENOSPC) is exit 1 and one message naming the output,
// with nothing on standard output.
func TestOutputToDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "tut.csv")
	model := filepath.Join(dir, "m.json")
	os.WriteFile(data, []byte(faultCSV), 0o644)
	if out, err := exec.Command(lsqBinary(t), "fit", data, "-o", model).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, args := range [][]string{
		{"fit", data, "-o", "/dev/full"},
		{"fit", data, "--solver", "gd", "--checkpoint", "/dev/full"},
		{"fit", data, "--solver", "gd", "--trace", "/dev/full"},
		{"predict", model, data, "-o", "/dev/full"},
		{"curve", data, "--model", "a+b*x", "--start", "a=1,b=1", "-o", "/dev/full"},
	} {
		cmd := exec.Command(lsqBinary(t), args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		want := "lsq: cannot write /dev/full: no space left on device; free some space or choose another output file"
		if !errors.As(err, &ee) || ee.ExitCode() != ExitFailure || !strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("lsq %v: %v, stderr %q; want exit 1 and %q", args, err, stderr.String(), want)
		}
		if stdout.Len() != 0 {
			t.Errorf("lsq %v: stdout %q", args, stdout.String())
		}
	}
}

// TestFullFileSystem fills a 64 KiB tmpfs, mounted in a private mount
// namespace (unshare(1)) so that nothing outside the test sees it, and
// runs lsq writing a model, a checkpoint, an HTML report and predictions
// over existing files there: each run exits 1 naming the output and saying
// the disk is full, every previous file keeps its bytes, and no temporary
// file is left. It needs root (to mount); it skips saying why otherwise.
func TestFullFileSystem(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare(1) to mount a tmpfs in a private mount namespace")
	}
	work, mnt := t.TempDir(), t.TempDir()
	data, model := filepath.Join(work, "tut.csv"), filepath.Join(work, "m.json")
	os.WriteFile(data, []byte(faultCSV), 0o644)
	if out, err := exec.Command(lsqBinary(t), "fit", data, "-o", model).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// In the namespace: mount, put the previous outputs, fill the rest,
	// run each command (exit codes and messages to a log outside).
	script := `set -u
mount -t tmpfs -o size=64k lsqtest "$MNT" || exit 42
for f in m.json cp.json r.html p.csv; do echo "previous $f" > "$MNT/$f"; done
dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null
run() { lsq "$@" >/dev/null 2>>"$LOG.err"; echo $? >> "$LOG"; }
run fit "$DATA" -o "$MNT/m.json"
run fit "$DATA" --solver gd --epochs 5 --checkpoint "$MNT/cp.json"
run fit "$DATA" --report "$MNT/r.html"
run predict "$MODEL" "$DATA" -o "$MNT/p.csv"
for f in $(ls -A "$MNT"); do [ "$f" = fill ] || echo "$f: $(cat "$MNT/$f")"; done > "$LOG.files"
`
	log := filepath.Join(work, "log")
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "MNT="+mnt, "LOG="+log, "DATA="+data, "MODEL="+model)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 42 {
		t.Skipf("cannot mount a tmpfs here (no CAP_SYS_ADMIN?): %s", strings.TrimSpace(string(out)))
	}
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	codes, _ := os.ReadFile(log)
	if got := strings.Fields(string(codes)); strings.Join(got, " ") != "1 1 1 1" {
		t.Errorf("exit codes %v, want 1 for each", got)
	}
	msgs, _ := os.ReadFile(log + ".err")
	for _, f := range []string{"m.json", "cp.json", "r.html", "p.csv"} {
		want := fmt.Sprintf("lsq: cannot write %s: no space left on device; free some space", filepath.Join(mnt, f))
		if !strings.Contains(string(msgs), want) {
			t.Errorf("no message %q in\n%s", want, msgs)
		}
	}
	files, _ := os.ReadFile(log + ".files")
	want := "cp.json: previous cp.json\nm.json: previous m.json\np.csv: previous p.csv\nr.html: previous r.html\n"
	if string(files) != want {
		t.Errorf("the full file system holds\n%s\nwant only the previous files, unchanged:\n%s", files, want)
	}
}

// TestKilledRun: lsq killed with SIGKILL while its outputs are open (a long
// Adam fit writing a trace, a model and a checkpoint) leaves
// each previous file byte for byte and no temporary file; the next run
// writes all three. The test waits until the process holds its unnamed
// temporary file (O_TMPFILE shows in /proc/PID/fd as "…/#inode (deleted)").
func TestKilledRun(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc to see the open temporary file")
	}
	dir := t.TempDir()
	data := writeRegression(t, dir, 3000)
	outs := []string{"m.json", "cp.json", "trace.jsonl"}
	for _, f := range outs {
		os.WriteFile(filepath.Join(dir, f), []byte("previous "+f), 0o644)
	}
	args := func(epochs string) []string {
		return []string{"fit", data, "--solver", "adam", "--batch-size", "16", "--tol", "-1", "--epochs", epochs, "--quiet",
			"-o", filepath.Join(dir, "m.json"), "--checkpoint", filepath.Join(dir, "cp.json"), "--trace", filepath.Join(dir, "trace.jsonl")}
	}
	cmd := exec.Command(lsqBinary(t), args("100000000")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !holdsTempFile(cmd.Process.Pid, dir) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("lsq never opened its temporary file")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // some epochs into the trace
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	for _, f := range outs {
		if b, _ := os.ReadFile(filepath.Join(dir, f)); string(b) != "previous "+f {
			t.Errorf("%s holds %d bytes after SIGKILL, want the previous file", f, len(b))
		}
	}
	if got := dirNames(dir); got != "cp.json m.json reg.csv trace.jsonl" {
		t.Errorf("after SIGKILL the directory holds %s", got)
	}
	if out, err := exec.Command(lsqBinary(t), args("20")...).CombinedOutput(); err != nil {
		if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != ExitNotConverged {
			t.Fatalf("the next run: %v: %s", err, out)
		}
	}
	for _, f := range outs {
		if b, _ := os.ReadFile(filepath.Join(dir, f)); bytes.HasPrefix(b, []byte("previous")) || len(b) == 0 {
			t.Errorf("the next run did not write %s", f)
		}
	}
	if got := dirNames(dir); got != "cp.json m.json reg.csv trace.jsonl" {
		t.Errorf("after the next run the directory holds %s", got)
	}
}

// holdsTempFile reports whether process pid has an unnamed temporary file
// of dir open.
func holdsTempFile(pid int, dir string) bool {
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		l, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err == nil && strings.HasPrefix(l, dir+"/#") && strings.HasSuffix(l, "(deleted)") {
			return true
		}
	}
	return false
}

// TestConcurrentWriters: two lsq processes writing predictions to the same
// file at once (two models, 20000 rows) end with one complete file, exactly
// the output of one of them, and no temporary file.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "big.csv")
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "%d,%d\n", i, 3*i+1)
	}
	os.WriteFile(data, []byte(b.String()), 0o644)
	tut := filepath.Join(dir, "tut.csv")
	os.WriteFile(tut, []byte(faultCSV), 0o644)
	lsq := lsqBinary(t)
	var want [2][]byte
	for k, train := range []string{data, tut} {
		m := filepath.Join(dir, fmt.Sprintf("m%d.json", k))
		if out, err := exec.Command(lsq, "fit", train, "-o", m).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		ref := filepath.Join(dir, fmt.Sprintf("ref%d.csv", k))
		if out, err := exec.Command(lsq, "predict", m, data, "-o", ref).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		want[k], _ = os.ReadFile(ref)
	}
	if bytes.Equal(want[0], want[1]) {
		t.Fatal("the two models predict the same: the test cannot tell the writers apart")
	}
	out := filepath.Join(dir, "pred.csv")
	for round := 0; round < 5; round++ {
		var cmds [2]*exec.Cmd
		for k := range cmds {
			cmds[k] = exec.Command(lsq, "predict", filepath.Join(dir, fmt.Sprintf("m%d.json", k)), data, "-o", out)
			if err := cmds[k].Start(); err != nil {
				t.Fatal(err)
			}
		}
		for k, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Fatalf("round %d, writer %d: %v", round, k, err)
			}
		}
		got, _ := os.ReadFile(out)
		if !bytes.Equal(got, want[0]) && !bytes.Equal(got, want[1]) {
			t.Fatalf("round %d: the file (%d bytes) is neither writer's output (%d, %d bytes)", round, len(got), len(want[0]), len(want[1]))
		}
	}
	if got := dirNames(dir); got != "big.csv m0.json m1.json pred.csv ref0.csv ref1.csv tut.csv" {
		t.Errorf("the directory holds %s", got)
	}
}

// TestStreamInputChanges: `lsq fit --stream` on a file that another program
// appends to or truncates while lsq reads it fails, naming the file and
// both sizes, and writes no model. The change is made as soon as lsq has
// the file open (seen in /proc/PID/fd), while it reads the 15 MB.
func TestStreamInputChanges(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc to see when lsq has opened the file")
	}
	dir := t.TempDir()
	var b bytes.Buffer
	b.WriteString("a,b,y\n")
	for i := range 1_000_000 {
		fmt.Fprintf(&b, "%d.25,%d.5,%d\n", i%1000, i%77, i%101)
	}
	for _, c := range []struct {
		name   string
		change func(p string) error
	}{
		{"appended", func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteString("1,2,3\n")
			return err
		}},
		{"truncated", func(p string) error { return os.Truncate(p, 1000) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".csv")
			os.WriteFile(p, b.Bytes(), 0o644)
			model := filepath.Join(dir, c.name+".json")
			cmd := exec.Command(lsqBinary(t), "fit", p, "--stream", "-o", model)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for !holdsFile(cmd.Process.Pid, p) {
				time.Sleep(time.Millisecond)
			}
			if err := c.change(p); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			want := p + ": the file changed while it was read: " + fmt.Sprint(b.Len()) + " bytes when opened"
			if !errors.As(err, &ee) || ee.ExitCode() != ExitFailure || !strings.Contains(stderr.String(), want) {
				t.Fatalf("%v, stderr %q; want exit 1 and %q", err, stderr.String(), want)
			}
			if _, err := os.Stat(model); err == nil {
				t.Error("a model was written")
			}
		})
	}
}

// holdsFile reports whether process pid has the file path open.
func holdsFile(pid int, path string) bool {
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); err == nil && l == path {
			return true
		}
	}
	return false
}

// TestStreamInputChangesBetweenEpochs: an iterative streamed fit reads its
// file once per epoch; a file appended to while it runs fails the fit (the
// change is found in the pass it falls in, or at the start of the next).
func TestStreamInputChangesBetweenEpochs(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc to see when lsq has opened the file")
	}
	dir := t.TempDir()
	p := writeRegression(t, dir, 2000)
	model := filepath.Join(dir, "m.json")
	cmd := exec.Command(lsqBinary(t), "fit", p, "--stream", "--solver", "adam", "--tol", "-1", "--epochs", "1000000", "--quiet", "-o", model)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !holdsFile(cmd.Process.Pid, p) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("1,2,3,4\n")
	f.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the fit went on after its input changed")
	}
	var ee *exec.ExitError
	want := p + ": the file changed while it was read"
	if !errors.As(err, &ee) || ee.ExitCode() != ExitFailure || !strings.Contains(stderr.String(), want) {
		t.Fatalf("%v, stderr %q; want exit 1 and %q", err, stderr.String(), want)
	}
	t.Log(strings.TrimSpace(stderr.String()))
	if _, err := os.Stat(model); err == nil {
		t.Error("a model was written")
	}
}

// TestChangedSince: the check an iterative streamed fit makes before each
// pass over a file.
func TestChangedSince(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d.csv")
	os.WriteFile(p, []byte(faultCSV), 0o644)
	st0, _ := os.Stat(p)
	if err := changedSince(p, st0, "when the fit started"); err != nil {
		t.Fatalf("unchanged file: %v", err)
	}
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("6,5.8\n")
	f.Close()
	want := fmt.Sprintf("%s: the file changed while it was read: %d bytes when the fit started, %d now", p, len(faultCSV), len(faultCSV)+6)
	if err := changedSince(p, st0, "when the fit started"); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}
