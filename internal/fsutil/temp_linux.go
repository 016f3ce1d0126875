//go:build linux

package fsutil

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// createTemp opens the temporary file for dir/base, locked: unnamed
// (O_TMPFILE) where the file system allows, else named by os.CreateTemp.
// It returns the name, "" for an unnamed file.
func createTemp(dir, base string) (*os.File, string, error) {
	var err error = unix.EOPNOTSUPP
	fd := -1
	if procFD() {
		fd, err = unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	}
	if err == nil {
		f := os.NewFile(uintptr(fd), filepath.Join(dir, "."+base+".tmp"))
		if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
			f.Close()
			return nil, "", err
		}
		return f, "", nil
	}
	if !errors.Is(err, unix.EOPNOTSUPP) && !errors.Is(err, unix.EISDIR) && !errors.Is(err, unix.EINVAL) {
		return nil, "", &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return createNamedTemp(dir, base)
}

// createNamedTemp opens a named temporary file for dir/base, locked.
func createNamedTemp(dir, base string) (*os.File, string, error) {
	f, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return nil, "", err
	}
	// Between creation and lock another writer's removeStale could take
	// the file for a dead writer's: then the rename at Commit fails and the
	// write is reported as failed, never published half-written.
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, "", err
	}
	return f, f.Name(), nil
}

// linkTemp gives the unnamed temporary file f a name in dir, for the rename
// over the target (linkat through /proc/self/fd, which needs no privilege).
func linkTemp(f *os.File, dir, base string) (string, error) {
	src := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	for {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d", base, rand.Uint32()))
		err := unix.Linkat(unix.AT_FDCWD, src, unix.AT_FDCWD, name, unix.AT_SYMLINK_FOLLOW)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return "", &os.PathError{Op: "link", Path: name, Err: err}
		}
		return name, nil
	}
}

// tryLock reports whether it took the exclusive lock of f without waiting:
// then no live writer holds it.
func tryLock(f *os.File) bool {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil
}

// procFD reports whether /proc/self/fd is there, which linkTemp needs to
// give an unnamed file a name (without /proc, in some containers, the
// temporary file is named from the start).
func procFD() bool {
	_, err := os.Stat("/proc/self/fd")
	return err == nil
}
