package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/stream"
)

// CSV says which columns of the input files are used. Every file must have a
// header row naming its columns.
type CSV struct {
	Target    string   // the response column; required
	Features  []string // the feature columns, in model order; nil means every other column except Weights
	Weights   string   // the column of observation weights; empty means unit weights
	Delimiter rune     // field separator; 0 means ','
}

func (c CSV) options() *data.Options {
	return &data.Options{Target: c.Target, Features: c.Features, Weights: c.Weights, Delimiter: c.Delimiter, Workers: 1}
}

// chunkRows is the number of rows parsed before they are folded: 4096 rows
// of 20 features is 640 KiB, and the fold is per block, so memory does not
// grow with the file.
const chunkRows = 4096

// scanFile calls fold with the feature names and each block of the file's rows.
func scanFile(ctx context.Context, file fileio.ReadableFile, c CSV, fold func(features []string, f *data.Frame) error) error {
	if c.Target == "" {
		return errors.New("pipeline: no target column given")
	}
	rc, err := file.Open(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", file.Metadata.Path, err)
	}
	defer rc.Close()
	row := 0
	err = data.ScanCSV(rc, file.Metadata.Path, c.options(), chunkRows, func(f *data.Frame) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fold(f.Features, f); err != nil {
			var de *stream.DataError
			if errors.As(err, &de) {
				return fmt.Errorf("%s: data row %d: %w", file.Metadata.Path, row+de.Row+1, err)
			}
			return fmt.Errorf("%s: %w", file.Metadata.Path, err)
		}
		row += f.Rows()
		return nil
	})
	return err
}

// foldQRFn folds one whole file into a QR accumulator.
type foldQRFn struct {
	CSV         CSV
	NoIntercept bool
}

func (fn *foldQRFn) ProcessElement(ctx context.Context, file fileio.ReadableFile) (QRAcc, error) {
	var q *stream.QR
	var names []string
	err := scanFile(ctx, file, fn.CSV, func(features []string, f *data.Frame) error {
		if q == nil {
			q = stream.NewQR(len(features), !fn.NoIntercept)
			names = append([]string(nil), features...)
		}
		return q.Add(f.X, f.Y, f.Weights)
	})
	if err != nil || q == nil {
		return QRAcc{}, err // a file without rows adds nothing
	}
	bin, err := q.MarshalBinary()
	if err != nil {
		return QRAcc{}, err
	}
	return QRAcc{Features: names, Parts: []Part{{Path: file.Metadata.Path, Files: 1, Bin: bin}}}, nil
}

// foldGradFn accumulates the gradient sums of one whole file at fixed
// parameters. The parameters travel with the DoFn as JSON, which
// round-trips float64 exactly, so every worker evaluates at the same bits.
type foldGradFn struct {
	CSV       CSV
	Coef      []float64
	Intercept float64
	Center    []float64
	Scale     []float64
}

func (fn *foldGradFn) params() *stream.GradParams {
	return &stream.GradParams{Coef: fn.Coef, Intercept: fn.Intercept, Center: fn.Center, Scale: fn.Scale}
}

func (fn *foldGradFn) ProcessElement(ctx context.Context, file fileio.ReadableFile) (GradAcc, error) {
	g := stream.NewGrad(fn.params())
	var names []string
	err := scanFile(ctx, file, fn.CSV, func(features []string, f *data.Frame) error {
		if names == nil {
			if len(features) != len(fn.Coef) {
				return fmt.Errorf("has %d feature columns, the model has %d", len(features), len(fn.Coef))
			}
			names = append([]string(nil), features...)
		}
		return g.Add(f.X, f.Y, f.Weights)
	})
	if err != nil || names == nil {
		return GradAcc{}, err // a file without rows adds nothing
	}
	bin, err := g.MarshalBinary()
	if err != nil {
		return GradAcc{}, err
	}
	return GradAcc{Features: names, Parts: []Part{{Path: file.Metadata.Path, Files: 1, Bin: bin}}}, nil
}
