package fit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/stream"
)

// Rows read from files, one partition per file, a block of rows at a time
// (data.ScanFile reads CSV or Parquet by the file's name): only the blocks
// and a (d+2)×(d+2) factor are ever held. The weights come with the rows,
// from a column of the file. The answer is ExampleMatrix_weighted's: the
// weighted R² is 1 − RSS/Σwᵢ(yᵢ − ȳ_w)² = 1 − 2.7133/7.5.
func ExampleStream_files() {
	dir, err := os.MkdirTemp("", "parts")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	paths := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")}
	for k, rows := range []string{"1,2,1\n2,4,2\n3,5,1\n", "4,4,1\n5,5,3\n"} {
		if err := os.WriteFile(paths[k], []byte("x,y,w\n"+rows), 0o644); err != nil {
			panic(err)
		}
	}

	opts := &data.Options{Target: "y", Features: []string{"x"}, Weights: "w"}
	var parts []stream.Chunks
	for _, path := range paths {
		parts = append(parts, func(yield func(x *mat.Dense, y, w []float64) error) error {
			return data.ScanFile(path, opts, 2, func(f *data.Frame) error { return yield(f.X, f.Y, f.Weights) })
		})
	}
	res, err := fit.Stream(context.Background(), parts, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("slope %.6f intercept %.6f from %d rows (R² %.4f)\n", res.Coef[0], res.Intercept, res.N, res.Streamed.R2)
	// Output:
	// slope 0.517483 intercept 2.503497 from 5 rows (R² 0.6382)
}
