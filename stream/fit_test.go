package stream

import (
	"bytes"
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// partitions splits the rows at cuts into partitions that yield blocks of at
// most chunk rows, reusing one buffer per partition as a reader would.
func partitions(x *mat.Dense, y, w []float64, cuts []int, chunk int) []Chunks {
	_, d := x.Dims()
	var parts []Chunks
	for i := 0; i+1 < len(cuts); i++ {
		lo, hi := cuts[i], cuts[i+1]
		parts = append(parts, func(yield func(*mat.Dense, []float64, []float64) error) error {
			buf := mat.NewDense(chunk, d, nil)
			for s := lo; s < hi; s += chunk {
				e := min(s+chunk, hi)
				blk := buf.Slice(0, e-s, 0, d).(*mat.Dense)
				blk.Copy(x.Slice(s, e, 0, d))
				var ws []float64
				if w != nil {
					ws = w[s:e]
				}
				if err := yield(blk, y[s:e], ws); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return parts
}

// The driver's result is bit-identical for any number of workers, and equals
// folding the partitions by hand and merging them in order.
func TestFoldQRDeterministic(t *testing.T) {
	const n, d = 5000, 4
	x, y, w := synth(53, n, d, true)
	cuts := []int{0, 700, 700, 2100, 4000, n} // includes an empty partition
	parts := partitions(x, y, w, cuts, 333)
	var want []byte
	for _, workers := range []int{1, 2, 3, 8} {
		q, err := FoldQR(context.Background(), parts, &Settings{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := q.MarshalBinary()
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Errorf("workers=%d gives different bits from workers=1", workers)
		}
	}
	var byHand *QR
	for i := 0; i+1 < len(cuts); i++ {
		if cuts[i] == cuts[i+1] {
			continue
		}
		q := NewQR(d, true)
		if err := q.Add(x.Slice(cuts[i], cuts[i+1], 0, d), y[cuts[i]:cuts[i+1]], w[cuts[i]:cuts[i+1]]); err != nil {
			t.Fatal(err)
		}
		if byHand == nil {
			byHand = q
		} else if err := byHand.Merge(q); err != nil {
			t.Fatal(err)
		}
	}
	hand, _ := byHand.MarshalBinary()
	if !bytes.Equal(hand, want) {
		t.Error("driver differs from folding by hand in partition order")
	}
}

// Fit over partitions agrees with the one-shot QR to 1e-10, for least squares
// and without weights or intercept.
func TestFitMatchesOneShot(t *testing.T) {
	const n, d = 3000, 5
	x, y, _ := synth(59, n, d, false)
	parts := partitions(x, y, nil, []int{0, 1000, 1500, n}, 256)
	for _, intercept := range []bool{true, false} {
		r, err := Fit(context.Background(), parts, &Settings{NoIntercept: !intercept, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		beta, rss := oneShot(t, x, y, nil, intercept)
		got := r.Coef
		if intercept {
			got = coefs(r)
		}
		// 1e-10: the brief's streaming-vs-one-shot tolerance.
		if e := maxRel(got, beta); e > 1e-10 || relDiff(r.RSS, rss) > 1e-10 {
			t.Errorf("intercept=%t: coef rel %.3g, RSS %v vs %v", intercept, e, r.RSS, rss)
		}
	}
	// Settings.Alpha reaches Solve.
	ridge, err := Fit(context.Background(), parts, &Settings{Alpha: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if ridge.Alpha != 0.5 || ridge.StdErr != nil {
		t.Errorf("ridge result has Alpha %v and standard errors %v", ridge.Alpha, ridge.StdErr)
	}
}

func TestFoldGradDeterministic(t *testing.T) {
	const n, d = 4000, 3
	x, y, w := synth(61, n, d, true)
	p := gradParams(x, 9)
	parts := partitions(x, y, w, []int{0, 1234, 2500, n}, 100)
	var want []byte
	for _, workers := range []int{1, 2, 5} {
		g, err := FoldGrad(context.Background(), parts, p, &Settings{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := g.MarshalBinary()
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Errorf("workers=%d gives different bits", workers)
		}
	}
	one := NewGrad(p)
	if err := one.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	var g Grad
	if err := g.UnmarshalBinary(want); err != nil {
		t.Fatal(err)
	}
	a, ab := g.Gradient(nil)
	b, bb := one.Gradient(nil)
	// 1e-12: different block sums of the same terms.
	if e := maxRel(append(a, ab), append(b, bb)); e > 1e-12 {
		t.Errorf("partitioned gradient differs from one pass by %.3g", e)
	}
}

func TestFitErrors(t *testing.T) {
	ctx := context.Background()
	x, y, _ := synth(67, 100, 2, false)
	good := partitions(x, y, nil, []int{0, 50, 100}, 20)

	bad := x.Slice(0, 10, 0, 2).(*mat.Dense)
	badX := mat.DenseCopyOf(bad)
	badX.Set(4, 1, math.Inf(-1))
	nanPart := func(yield func(*mat.Dense, []float64, []float64) error) error {
		return yield(badX, y[:10], nil)
	}
	_, err := Fit(ctx, []Chunks{good[0], nanPart, good[1]}, nil)
	var de *DataError
	if !errors.As(err, &de) || de.Row != 4 || de.Column != 1 {
		t.Errorf("non-finite data: %v, want a DataError at row 4, column 1", err)
	}
	if err == nil || err.Error()[:11] != "partition 1" {
		t.Errorf("error %q does not name partition 1", err)
	}

	wide := func(yield func(*mat.Dense, []float64, []float64) error) error {
		if err := yield(mat.NewDense(1, 2, []float64{1, 2}), []float64{1}, nil); err != nil {
			return err
		}
		return yield(mat.NewDense(1, 3, []float64{1, 2, 3}), []float64{1}, nil)
	}
	var we *WidthError
	if _, err := Fit(ctx, []Chunks{wide}, nil); !errors.As(err, &we) || we.Got != 3 || we.Want != 2 {
		t.Errorf("width change: %v, want WidthError 3 vs 2", err)
	}
	three := func(yield func(*mat.Dense, []float64, []float64) error) error {
		return yield(mat.NewDense(1, 3, []float64{1, 2, 3}), []float64{1}, nil)
	}
	if _, err := Fit(ctx, []Chunks{good[0], three}, nil); err == nil {
		t.Error("partitions of different widths merged")
	}

	empty := func(func(*mat.Dense, []float64, []float64) error) error { return nil }
	if _, err := Fit(ctx, []Chunks{empty, empty}, nil); !errors.Is(err, ErrNoData) {
		t.Errorf("no data: %v, want ErrNoData", err)
	}

	readErr := errors.New("disk on fire")
	failing := func(func(*mat.Dense, []float64, []float64) error) error { return readErr }
	if _, err := Fit(ctx, []Chunks{good[0], failing}, nil); !errors.Is(err, readErr) {
		t.Errorf("reader error: %v, want %v", err, readErr)
	}

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Fit(canceled, good, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v", err)
	}
	if _, err := FoldGrad(ctx, []Chunks{three}, &GradParams{Coef: []float64{1, 2}}, nil); !errors.As(err, &we) {
		t.Errorf("FoldGrad width: %v, want WidthError", err)
	}
}

// Settings.Precision picks the accumulator FoldQR folds into; out-of-range
// values are programmer errors.
func TestFoldQRPrecision(t *testing.T) {
	x, y, _ := synth(61, 200, 3, false)
	parts := partitions(x, y, nil, []int{0, 100, 200}, 64)
	for _, tc := range []struct {
		p    Precision
		want bool // DoubleDouble()
	}{{Auto, true}, {Float64, false}, {DoubleDouble, true}} {
		q, err := FoldQR(context.Background(), parts, &Settings{Precision: tc.p})
		if err != nil {
			t.Fatal(err)
		}
		if q.DoubleDouble() != tc.want {
			t.Errorf("Precision %v: DoubleDouble() = %t, want %t", tc.p, q.DoubleDouble(), tc.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Precision(7) did not panic")
		}
	}()
	_, _ = FoldQR(context.Background(), parts, &Settings{Precision: 7})
}
