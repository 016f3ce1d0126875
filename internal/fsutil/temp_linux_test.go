//go:build linux

package fsutil

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// tmpfileSupported reports whether the file system of dir creates unnamed
// temporary files.
func tmpfileSupported(dir string) bool {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}

// TestNamedTempIsLocked: where the file system cannot make unnamed files,
// the named temporary file is locked while its writer lives (so that no
// other write removes it as stale) and unlocked once it is closed.
func TestNamedTempIsLocked(t *testing.T) {
	dir := t.TempDir()
	f, name, err := createNamedTemp(dir, "out.json")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := filepath.Match(filepath.Join(dir, ".out.json.tmp-*"), name); !ok {
		t.Errorf("temporary file %s", name)
	}
	other, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if tryLock(other) {
		t.Fatal("a live writer's temporary file could be locked: another write would remove it")
	}
	removeStale(dir, "out.json")
	if _, err := os.Stat(name); err != nil {
		t.Fatalf("a live writer's temporary file was removed: %v", err)
	}
	f.Close()
	removeStale(dir, "out.json")
	if _, err := os.Stat(name); err == nil {
		t.Fatal("a dead writer's temporary file was kept")
	}
}
