//go:build linux

package fsutil

import "golang.org/x/sys/unix"

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
