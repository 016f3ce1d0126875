//go:build !linux

package fsutil

func tmpfileSupported(dir string) bool { return false }
