package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"   // gs:// paths
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // plain paths

	"github.com/lsqgo/lsq/internal/fsutil"
)

// hasScheme reports whether path names a Beam file system other than the
// local one (gs://bucket/..., s3://...).
func hasScheme(path string) bool { return strings.Contains(path, "://") }

// writeFile writes the bytes produced by fill to path: atomically (temporary
// file, fsync, rename) for a local path, through Beam's file system for a
// path with a scheme, so a worker on a cluster can write to shared storage.
func writeFile(ctx context.Context, path string, fill func(io.Writer) error) error {
	if !hasScheme(path) {
		return fsutil.WriteFile(path, fill)
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := fill(w); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// readFile reads a whole file through Beam's file system.
func readFile(ctx context.Context, path string) ([]byte, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer r.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b.Bytes(), nil
}
