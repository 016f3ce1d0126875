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
	"syscall"
)

// File is an output file being written atomically. Write to it, then call
// Commit to publish it under its final name, or Abort to discard it. Abort
// after Commit is a no-op, so `defer f.Abort()` is always safe.
//
// On Linux the temporary file is created without a name (O_TMPFILE) and is
// given one only at Commit, just before the rename, so a process killed
// while writing (SIGKILL, a crash, a power cut) leaves no file behind at
// all. Where the file system cannot do that, the temporary file is named
// from the start. Either way it holds an exclusive lock (flock) for the
// life of the writer, and Create removes the unlocked temporary files a
// dead writer left for the same target, so none outlives the next run.
type File struct {
	*os.File
	path   string
	tmp    string // the temporary file's name; "" while it has none
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
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base)
	f, tmp, err := createTemp(dir, base)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	return &File{File: f, path: path, tmp: tmp}, nil
}

// tempPattern is the name pattern of the temporary files for target base,
// for os.CreateTemp and filepath.Glob.
func tempPattern(base string) string { return "." + base + ".tmp-*" }

// removeStale removes the temporary files of earlier writes to dir/base
// whose writer is gone: those no process holds the lock of. It is best
// effort: a file it cannot open or lock is left alone.
func removeStale(dir, base string) {
	names, _ := filepath.Glob(filepath.Join(dir, tempPattern(base)))
	for _, name := range names {
		if st, err := os.Lstat(name); err != nil || !st.Mode().IsRegular() {
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		if tryLock(f) {
			os.Remove(name)
		}
		f.Close()
	}
}

// Write writes to the temporary file; an error names the target, and says
// what to do when the disk is full.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	return n, f.wrap(err)
}

// WriteString is Write for a string (so that io.WriteString gets the same
// errors).
func (f *File) WriteString(s string) (int, error) {
	n, err := f.File.WriteString(s)
	return n, f.wrap(err)
}

// ReadFrom copies r into the file (so that io.Copy gets the same errors).
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.Copy(struct{ io.Writer }{f.File}, r)
	return n, f.wrap(err)
}

// wrap turns an error of the temporary file into one about the target.
func (f *File) wrap(err error) error {
	if err == nil {
		return nil
	}
	var we *WriteError
	if errors.As(err, &we) {
		return err
	}
	return &WriteError{Path: f.path, Err: unwrapPath(err)}
}

// WriteError is a failed write of an output file.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string {
	msg := fmt.Sprintf("cannot write %s: %v", e.Path, e.Err)
	if errors.Is(e.Err, syscall.ENOSPC) || errors.Is(e.Err, syscall.EDQUOT) {
		msg += "; free some space or choose another output file (any earlier file of that name is left as it was)"
	}
	return msg
}

func (e *WriteError) Unwrap() error { return e.Err }

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
			return f.wrap(err)
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
	if err == nil && f.tmp == "" {
		f.tmp, err = linkTemp(f.File, filepath.Dir(f.path), filepath.Base(f.path))
	}
	if err == nil {
		// Renamed while still open, so the lock is held until the name
		// is the target's and no temporary name is left.
		if err = os.Rename(f.tmp, f.path); err == nil {
			f.tmp = ""
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if f.tmp != "" {
			os.Remove(f.tmp)
		}
		return f.wrap(err)
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
	if !f.direct && f.tmp != "" {
		os.Remove(f.tmp)
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
