//go:build !linux

package fsutil

import (
	"errors"
	"os"
)

// createTemp opens a named temporary file for dir/base. Without Linux's
// O_TMPFILE and flock a killed writer's file is left behind and not
// recognised as stale.
func createTemp(dir, base string) (*os.File, string, error) {
	f, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return nil, "", err
	}
	return f, f.Name(), nil
}

func linkTemp(f *os.File, dir, base string) (string, error) {
	return "", errors.New("fsutil: no unnamed temporary files here")
}

// tryLock reports false: without locks no temporary file is known stale.
func tryLock(f *os.File) bool { return false }
