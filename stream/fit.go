package stream

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Chunks is one partition of a data set: a function that calls yield with
// successive blocks of rows, x (r×d), y (len r) and w (len r, or nil for unit
// weights), and returns the first error yield returns (or its own error).
// The blocks may reuse their memory once yield has returned. A partition may
// yield no block at all.
type Chunks func(yield func(x *mat.Dense, y, w []float64) error) error

// Settings configure Fit, FoldQR and FoldGrad. A nil *Settings means all
// defaults.
type Settings struct {
	// NoIntercept fits without the column of ones. The default fits an
	// intercept.
	NoIntercept bool

	// Alpha is the ridge strength α ≥ 0 (see QR.Solve). The default 0 is
	// ordinary (weighted) least squares.
	Alpha float64

	// Raw puts the ridge penalty on the raw coefficients. By default it is
	// on the coefficients of the standardised features (QR.Standardization),
	// as in every lsq solver.
	Raw bool

	// Workers is the number of partitions folded at the same time. The
	// default 0 means runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int

	// Precision is the arithmetic of the QR factor. The default Auto is
	// NewQR's choice: double-double up to DoubleDoubleMaxFeatures features,
	// float64 above.
	Precision Precision
}

// Precision selects the arithmetic the QR accumulator carries its factor in
// (see the package documentation).
type Precision int

const (
	Auto         Precision = iota // double-double for d ≤ DoubleDoubleMaxFeatures, else float64
	Float64                       // float64, as NewQRFloat64: faster, accurate to about ε·κ
	DoubleDouble                  // double-double, as NewQRDoubleDouble
)

func (p Precision) String() string {
	switch p {
	case Auto:
		return "auto"
	case Float64:
		return "float64"
	case DoubleDouble:
		return "double-double"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

type settings struct {
	intercept bool
	alpha     float64
	raw       bool
	workers   int
	precision Precision
}

// newQR makes the accumulator the settings ask for.
func (s settings) newQR(d int) *QR {
	switch s.precision {
	case Float64:
		return NewQRFloat64(d, s.intercept)
	case DoubleDouble:
		return NewQRDoubleDouble(d, s.intercept)
	}
	return NewQR(d, s.intercept)
}

func resolve(s *Settings) settings {
	r := settings{intercept: true, workers: runtime.GOMAXPROCS(0)}
	if s == nil {
		return r
	}
	if s.Alpha < 0 || s.Workers < 0 || s.Precision < Auto || s.Precision > DoubleDouble {
		panic(fmt.Sprintf("stream: Settings with Alpha = %v, Workers = %d, Precision = %v", s.Alpha, s.Workers, s.Precision))
	}
	r.precision = s.Precision
	r.intercept = !s.NoIntercept
	r.alpha = s.Alpha
	r.raw = s.Raw
	if s.Workers > 0 {
		r.workers = s.Workers
	}
	return r
}

// Fit folds every partition into a QR accumulator, merges them in partition
// order and solves. It is FoldQR followed by QR.Solve with s.Alpha and the
// folded rows' standardisation (none when s.Raw).
func Fit(ctx context.Context, parts []Chunks, s *Settings) (*Result, error) {
	set := resolve(s)
	q, err := FoldQR(ctx, parts, s)
	if err != nil {
		return nil, err
	}
	var scale []float64
	if !set.raw {
		_, scale = q.Standardization()
	}
	return q.Solve(set.alpha, scale)
}

// FoldQR folds the partitions into QR accumulators, up to s.Workers at a time,
// each partition in its own order, and merges the partial factors in
// partition order, so the result is the same for any number of workers. The
// number of features is taken from the first block; a partition whose blocks
// have another width is an error. It returns ErrNoData if no partition yields
// a row.
func FoldQR(ctx context.Context, parts []Chunks, s *Settings) (*QR, error) {
	set := resolve(s)
	accs, err := foldParts(ctx, parts, set.workers,
		func(_, d int) *QR { return set.newQR(d) },
		func(q *QR) int { return q.d },
		func(q *QR, x *mat.Dense, y, w []float64) error { return q.Add(x, y, w) })
	if err != nil {
		return nil, err
	}
	var total *QR
	for i, q := range accs {
		if q == nil {
			continue
		}
		if total == nil {
			total = q
			continue
		}
		if err := total.Merge(q); err != nil {
			return nil, fmt.Errorf("partition %d: %w", i, err)
		}
	}
	if total == nil {
		return nil, ErrNoData
	}
	return total, nil
}

// FoldGrad accumulates the gradient sums at the parameters p over the
// partitions, like FoldQR. Only s.Workers is used from s. Every block must
// have len(p.Coef) columns. With no rows the accumulator is empty.
func FoldGrad(ctx context.Context, parts []Chunks, p *GradParams, s *Settings) (*Grad, error) {
	set := resolve(s)
	d := len(p.Coef)
	accs, err := foldParts(ctx, parts, set.workers,
		func(_, _ int) *Grad { return NewGrad(p) },
		func(*Grad) int { return d },
		func(g *Grad, x *mat.Dense, y, w []float64) error { return g.Add(x, y, w) })
	if err != nil {
		return nil, err
	}
	total := NewGrad(p)
	for _, g := range accs {
		if g != nil {
			// Same parameters by construction, so Merge cannot fail.
			if err := total.Merge(g); err != nil {
				panic(err)
			}
		}
	}
	return total, nil
}

// WidthError reports a block whose number of columns differs from the
// partition's first block (or from the model).
type WidthError struct {
	Got, Want int
}

func (e *WidthError) Error() string {
	return fmt.Sprintf("stream: block has %d feature columns, want %d", e.Got, e.Want)
}

// foldParts runs one accumulator per partition on up to workers goroutines.
// Accumulators are created on a partition's first block (nil if it has none),
// given the partition's index and the block's number of columns.
// The error returned is that of the lowest-numbered partition that failed for
// a reason of its own, so it does not depend on scheduling either.
func foldParts[A any](ctx context.Context, parts []Chunks, workers int,
	newAcc func(part, d int) A, width func(A) int, add func(A, *mat.Dense, []float64, []float64) error) ([]A, error) {

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	accs := make([]A, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i, part := range parts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var acc A
			started := false
			var stop error
			err := part(func(x *mat.Dense, y, w []float64) error {
				if stop != nil {
					return stop
				}
				if err := ctx.Err(); err != nil {
					stop = err
					return err
				}
				_, c := x.Dims()
				if !started {
					acc, started = newAcc(i, c), true
				}
				if want := width(acc); c != want {
					stop = &WidthError{Got: c, Want: want}
					return stop
				}
				if r, _ := x.Dims(); len(y) != r || (w != nil && len(w) != r) {
					stop = fmt.Errorf("stream: block has %d rows, %d responses and %d weights", r, len(y), len(w))
					return stop
				}
				if err := add(acc, x, y, w); err != nil {
					stop = err
					return err
				}
				return nil
			})
			if err == nil {
				err = stop
			}
			if err != nil {
				errs[i] = err
				cancel()
				return
			}
			if started {
				accs[i] = acc
			}
		}()
	}
	wg.Wait()
	var canceled error
	for i, err := range errs {
		if err == nil {
			continue
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			if canceled == nil {
				canceled = err
			}
			continue
		}
		return nil, fmt.Errorf("partition %d: %w", i, err)
	}
	if canceled != nil {
		return nil, canceled
	}
	return accs, nil
}
