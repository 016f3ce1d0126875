package fsutil

import (
	"errors"
	"io/fs"
	"syscall"
)

// ReadProblem says why an input file could not be opened, and what to do,
// in the words every input (data, model, checkpoint) uses: "no such file"
// with "check the path", "permission denied" with "check the file's
// permissions", "is a directory" with "give a file", or, for any other error, "cannot open the file" and no hint.
func ReadProblem(err error) (msg, hint string) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file", "check the path"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied", "check the file's permissions"
	case errors.Is(err, syscall.EISDIR):
		return "is a directory", "give a file"
	}
	return "cannot open the file", ""
}
