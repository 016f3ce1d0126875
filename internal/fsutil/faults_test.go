package fsutil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// The fault tests run writers in child processes: the test binary run
// again with FSUTIL_HELPER set, executing TestHelperWriter, which writes
// FSUTIL_SIZE bytes of FSUTIL_BYTE to FSUTIL_PATH through WriteFile, says
// "ready" on standard output with half of them written, waits for a line on
// standard input, writes the rest and commits.

func TestHelperWriter(t *testing.T) {
	path := os.Getenv("FSUTIL_HELPER")
	if path == "" {
		t.Skip("run as a child process by the fault tests")
	}
	var size int
	fmt.Sscan(os.Getenv("FSUTIL_SIZE"), &size)
	data := bytes.Repeat([]byte(os.Getenv("FSUTIL_BYTE")), size)
	err := WriteFile(path, func(w io.Writer) error {
		if _, err := w.Write(data[:size/2]); err != nil {
			return err
		}
		fmt.Println("ready")
		bufio.NewReader(os.Stdin).ReadString('\n')
		_, err := w.Write(data[size/2:])
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

type writer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startWriter starts a child writing size bytes of b to path and waits
// until it has written half of them.
func startWriter(t *testing.T, path string, b byte, size int) *writer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	cmd.Env = append(os.Environ(), "FSUTIL_HELPER="+path, fmt.Sprintf("FSUTIL_SIZE=%d", size), "FSUTIL_BYTE="+string(b))
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("writer did not start: %q %v", line, err)
	}
	return &writer{cmd, stdin}
}

// TestKilledWriterLeavesOldFile: SIGKILL in the middle of a write leaves the
// previous file byte for byte, and the next write leaves no temporary file.
func TestKilledWriterLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "model.json")
	os.WriteFile(p, []byte("previous"), 0o644)
	w := startWriter(t, p, 'n', 1<<20)
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	w.cmd.Wait()
	if b, _ := os.ReadFile(p); string(b) != "previous" {
		t.Fatalf("after SIGKILL the file holds %d bytes, want the previous 8", len(b))
	}
	if tmpfileSupported(dir) {
		// The temporary file had no name (O_TMPFILE on ext4, tmpfs, xfs,
		// btrfs): nothing at all is left, even before the next write.
		assertOnlyFile(t, dir, "model.json")
	}
	if err := WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "next"); return err }); err != nil {
		t.Fatal(err)
	}
	assertOnlyFile(t, dir, "model.json")
	if b, _ := os.ReadFile(p); string(b) != "next" {
		t.Fatalf("file holds %q, want next", b)
	}
}

// TestStaleTemporaryRemoved: a named temporary file that no process holds
// (a writer killed on a file system without O_TMPFILE, or between naming
// and renaming) is removed by the next write to the same target; one whose
// writer is alive (it holds the lock) is not, nor are other targets'.
func TestStaleTemporaryRemoved(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("stale temporary files are recognised by flock, on Linux")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	stale := filepath.Join(dir, ".out.csv.tmp-123")
	live := filepath.Join(dir, ".out.csv.tmp-456")
	other := filepath.Join(dir, ".other.csv.tmp-789")
	for _, f := range []string{stale, live, other} {
		os.WriteFile(f, []byte("half"), 0o600)
	}
	lf, err := os.Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(names(dir), " ")
	if want := ".other.csv.tmp-789 .out.csv.tmp-456 out.csv"; got != want {
		t.Fatalf("directory holds %s, want %s", got, want)
	}
}

// TestConcurrentWriters: two processes writing the same output at once end
// with one complete file, one or the other, and no temporary file.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pred.csv")
	const size = 1 << 20
	for round := 0; round < 3; round++ {
		a := startWriter(t, p, 'a', size)
		b := startWriter(t, p, 'b', size)
		// Both hold half a file; release them together.
		a.stdin.Write([]byte("\n"))
		b.stdin.Write([]byte("\n"))
		if err := a.cmd.Wait(); err != nil {
			t.Fatalf("writer a: %v", err)
		}
		if err := b.cmd.Wait(); err != nil {
			t.Fatalf("writer b: %v", err)
		}
		got, _ := os.ReadFile(p)
		if len(got) != size || (!bytes.Equal(got, bytes.Repeat([]byte("a"), size)) && !bytes.Equal(got, bytes.Repeat([]byte("b"), size))) {
			t.Fatalf("round %d: the file is not one writer's complete output (%d bytes, starts %q)", round, len(got), got[:min(len(got), 8)])
		}
		assertOnlyFile(t, dir, "pred.csv")
	}
}

// TestFullDevice: writing to /dev/full (every write fails with ENOSPC) is an
// error that names the target and says what to do.
func TestFullDevice(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	err := WriteFile("/dev/full", func(w io.Writer) error {
		_, err := w.Write(make([]byte, 4096))
		return err
	})
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "cannot write /dev/full: no space left on device; free some space") {
		t.Fatalf("err = %v, want ENOSPC naming /dev/full", err)
	}
}

// TestFullFileSystem fills a 64 KiB tmpfs, mounted in a private mount
// namespace (unshare) so that nothing outside the test sees it, and writes
// over an existing file there: the write fails with ENOSPC naming the
// target, the previous file is untouched, and no temporary file is left.
// It needs root (to mount) and unshare(1), and skips saying so otherwise.
func TestFullFileSystem(t *testing.T) {
	if os.Getenv("FSUTIL_FULLFS") != "" {
		fullFileSystemChild(t, os.Getenv("FSUTIL_FULLFS"))
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare(1) to mount a tmpfs in a private mount namespace")
	}
	mnt := t.TempDir()
	script := `mount -t tmpfs -o size=64k lsqtest "$1" || exit 42; exec "$2" -test.run='^TestFullFileSystem$' -test.v`
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", mnt, os.Args[0])
	cmd.Env = append(os.Environ(), "FSUTIL_FULLFS="+mnt)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 42 {
		t.Skipf("cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?): %s", strings.TrimSpace(string(out)))
	}
	if err != nil || !bytes.Contains(out, []byte("--- PASS: TestFullFileSystem")) {
		t.Fatalf("in the private namespace: %v\n%s", err, out)
	}
}

func fullFileSystemChild(t *testing.T, mnt string) {
	p := filepath.Join(mnt, "model.json")
	if err := os.WriteFile(p, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Fill what is left.
	fill, _ := os.Create(filepath.Join(mnt, "fill"))
	io.Copy(fill, io.LimitReader(zeros{}, 1<<20))
	fill.Close()
	err := WriteFile(p, func(w io.Writer) error {
		_, err := w.Write(bytes.Repeat([]byte("new"), 10000))
		return err
	})
	if !errors.Is(err, syscall.ENOSPC) || !strings.HasPrefix(err.Error(), "cannot write "+p+": no space left on device") {
		t.Fatalf("err = %v, want ENOSPC naming %s", err, p)
	}
	if b, _ := os.ReadFile(p); string(b) != "previous" {
		t.Fatalf("the previous file now holds %q", b)
	}
	if got := strings.Join(names(mnt), " "); got != "fill model.json" {
		t.Fatalf("the file system holds %s, want fill model.json", got)
	}
	// Room again: the write goes through.
	os.Remove(filepath.Join(mnt, "fill"))
	if err := WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func names(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var s []string
	for _, e := range ents {
		s = append(s, e.Name())
	}
	return s
}
