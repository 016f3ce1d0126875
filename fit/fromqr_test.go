package fit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stream"
)

// Stream is FoldQR followed by FromQR for qr and cd: FromQR of the folded
// accumulator, sent through its binary form as a distributed fold hands it
// over, gives Stream's result to the bit — coefficients, intercept,
// objective, MSE, duality gap, standardisation, status and iterations — for
// least squares and ridge (qr), lasso, elastic net and ridge (cd), weighted
// and not, with and without intercept and standardisation.
func TestFromQREqualsStream(t *testing.T) {
	const n, d = 400, 3
	x, y := problem(n, d)
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.25 + float64(i%5)/2
	}
	ctx := context.Background()
	type solve struct {
		solver Solver
		pen    penalty.Penalty
	}
	for _, sv := range []solve{{QR, nil}, {QR, penalty.L2{Alpha: 0.3}}, {CD, penalty.L1{Alpha: 0.05}},
		{CD, penalty.ElasticNet{Alpha: 0.1, L1Ratio: 0.5}}, {CD, penalty.L2{Alpha: 0.1}}} {
		for _, weights := range [][]float64{nil, w} {
			for _, noInt := range []bool{false, true} {
				for _, raw := range []bool{false, true} {
					name := fmt.Sprintf("%v %v weighted %t no intercept %t raw %t", sv.solver, sv.pen, weights != nil, noInt, raw)
					s := Settings{Solver: sv.solver, Penalty: sv.pen, NoIntercept: noInt, Raw: raw}
					parts := partitions(x, y, weights, 3)
					want, err := Stream(ctx, parts, &s)
					if err != nil {
						t.Fatal(name, err)
					}
					q, err := stream.FoldQR(ctx, parts, &stream.Settings{NoIntercept: noInt})
					if err != nil {
						t.Fatal(name, err)
					}
					bin, err := q.MarshalBinary()
					if err != nil {
						t.Fatal(name, err)
					}
					var dec stream.QR
					if err := dec.UnmarshalBinary(bin); err != nil {
						t.Fatal(name, err)
					}
					got, err := FromQR(ctx, &dec, &s)
					if err != nil {
						t.Fatal(name, err)
					}
					same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
					if !slices.Equal(got.Coef, want.Coef) || !same(got.Intercept, want.Intercept) || !same(got.Objective, want.Objective) ||
						!same(got.MSE, want.MSE) || !same(got.DualityGap, want.DualityGap) || !same(got.ExactObjective, want.ExactObjective) ||
						!slices.Equal(got.Center, want.Center) || !slices.Equal(got.Scale, want.Scale) ||
						got.Status != want.Status || got.Iterations != want.Iterations || got.N != want.N || got.Solver != want.Solver {
						t.Errorf("%s:\nFromQR %+v\nStream %+v", name, got, want)
					}
				}
			}
		}
	}
}

// FromQR refuses what it cannot solve from the accumulator alone, naming
// the field: the iterative solvers and svd/cholesky (Solver), an intercept
// setting the accumulator was not folded with (NoIntercept), the settings
// a stream refuses (Weights); and a nil accumulator has no data.
func TestFromQRRefuses(t *testing.T) {
	x, y := problem(50, 2)
	ctx := context.Background()
	q, err := stream.FoldQR(ctx, partitions(x, y, nil, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s     Settings
		field string
	}{
		{Settings{Solver: GD}, "Solver"},
		{Settings{Solver: LBFGS}, "Solver"},
		{Settings{Solver: Adam}, "Solver"},
		{Settings{Solver: SVD}, "Solver"},
		{Settings{Solver: Cholesky}, "Solver"},
		{Settings{Solver: QR, NoIntercept: true}, "NoIntercept"},
		{Settings{Solver: CD, Penalty: penalty.L1{Alpha: 0.1}, NoIntercept: true}, "NoIntercept"},
		{Settings{Solver: CD, Penalty: penalty.L1{Alpha: 0.1}, Weights: make([]float64, 50)}, "Weights"},
		{Settings{Solver: QR, Penalty: penalty.L1{Alpha: 0.1}}, "Penalty"},
	} {
		res, err := FromQR(ctx, q, &c.s)
		var se *SettingsError
		if !errors.As(err, &se) || se.Field != c.field || res != nil {
			t.Errorf("%v %v no intercept %t: got %v, %v; want a SettingsError naming %s", c.s.Solver, c.s.Penalty, c.s.NoIntercept, res, err, c.field)
		}
	}
	if _, err := FromQR(ctx, nil, &Settings{Solver: CD, Penalty: penalty.L1{Alpha: 0.1}}); !errors.Is(err, stream.ErrNoData) {
		t.Errorf("nil accumulator: %v, want stream.ErrNoData", err)
	}
	// An accumulator with no rows folded is as empty as a nil one, for
	// both solvers FromQR runs.
	for _, s := range []Settings{{Solver: CD, Penalty: penalty.L1{Alpha: 0.1}}, {Solver: QR}} {
		if _, err := FromQR(ctx, stream.NewQR(2, true), &s); !errors.Is(err, stream.ErrNoData) {
			t.Errorf("%v on an empty accumulator: %v, want stream.ErrNoData", s.Solver, err)
		}
	}
}

// StartFromQR is Matrix's default start (start.go), from the accumulator's
// moments instead of the rows: with an intercept on standardised features
// the intercept starts at the weighted mean of y and the adaptive rate scale
// is its weighted standard deviation (targetMoments of the same rows); raw
// or without an intercept the start is 0 and the Problem is left alone.
//
// Tolerance 1e-12 relative: a weighted mean and a root mean square of n = 400
// O(1) numbers, each path accurate to ≲ n·u ≈ 5e-14.
func TestStartFromQR(t *testing.T) {
	const n, d = 400, 3
	x, y := problem(n, d)
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.25 + float64(i%5)/2
	}
	mean, sd := targetMoments(y, w)
	for _, c := range []struct {
		name           string
		intercept, raw bool
	}{{"standardised", true, false}, {"raw", true, true}, {"nointercept", false, false}} {
		q := stream.NewQR(d, c.intercept)
		if err := q.Add(x, y, w); err != nil {
			t.Fatal(err)
		}
		var center, scale []float64
		if !c.raw {
			center, scale = q.Standardization()
		}
		prob := q.Problem(center, scale, nil)
		x0 := StartFromQR(q, &prob, center, scale)
		want := make([]float64, prob.Dim)
		wantScale := 0.0
		if c.intercept && !c.raw {
			want[d], wantScale = x0[d], sd
			if math.Abs(x0[d]-mean) > 1e-12*math.Abs(mean) {
				t.Errorf("%s: intercept starts at %v, weighted mean of y %v", c.name, x0[d], mean)
			}
		}
		if !slices.Equal(x0, want) || math.Abs(prob.Scale-wantScale) > 1e-12*wantScale {
			t.Errorf("%s: start %v, Scale %v; want %v, %v", c.name, x0, prob.Scale, want, wantScale)
		}
	}
}
