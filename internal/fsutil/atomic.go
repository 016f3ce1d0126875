// Package fsutil writes files the way every lsq output is written: into a
// temporary file in the target's directory, synced, then renamed over the
// target, so an existing file is never truncated before the new one is
// complete and a failed run leaves it as it was.
package fsutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File is an output file being written atomically. Write to it, then call
// Commit to publish it under its final name, or Abort to discard it. Abort
// after Commit is a no-op, so `defer f.Abort()` is always safe.
type File struct {
	*os.File
	path   string
	done   bool
	direct bool // the target is not a regular file: written in place
}

// Create starts an atomic write of path. The temporary file lives in the same
// directory so that the final rename cannot cross file systems. A target
// that exists and is not a regular file (/dev/stdout, /dev/null, a FIFO) is
// written directly: renaming over it would replace the device node.
func Create(path string) (*File, error) {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return nil, fmt.Errorf("cannot write %s: it is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
		}
		return &File{File: f, path: path, direct: true}, nil
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	return &File{File: tmp, path: path}, nil
}

// Commit flushes the file to stable storage and renames it over the target.
// The file mode is 0644 (less the umask is not applied by CreateTemp, so it
// is set explicitly), or the mode of the file being replaced.
func (f *File) Commit() error {
	if f.done {
		return errors.New("fsutil: Commit after Commit or Abort")
	}
	f.done = true
	if f.direct {
		if err := f.Close(); err != nil {
			return fmt.Errorf("cannot write %s: %w", f.path, unwrapPath(err))
		}
		return nil
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(f.path); err == nil && st.Mode().IsRegular() {
		mode = st.Mode().Perm()
	}
	err := f.Chmod(mode)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cannot write %s: %w", f.path, unwrapPath(err))
	}
	if d, err := os.Open(filepath.Dir(f.path)); err == nil {
		d.Sync() // best effort: make the rename itself durable
		d.Close()
	}
	return nil
}

// Abort discards the temporary file; the target is left untouched.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	if !f.direct {
		os.Remove(f.Name())
	}
}

// Path returns the final path of the file.
func (f *File) Path() string { return f.path }

// WriteFile writes path atomically with the bytes that write produces. If
// write returns an error, nothing is published and the error is returned.
func WriteFile(path string, write func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return err
	}
	return f.Commit()
}

// SameFile reports whether a and b name the same existing file (following
// links). It is how lsq refuses to write over its own input.
func SameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(sa, sb)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
