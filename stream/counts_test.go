package stream

import (
	"context"
	"strings"
	"testing"
)

// zeroEveryFifth sets every fifth weight (rows 4, 9, 14, …) to zero and
// returns the number of rows left with a positive weight.
func zeroEveryFifth(w []float64) int64 {
	for i := 4; i < len(w); i += 5 {
		w[i] = 0
	}
	return int64(len(w) - len(w)/5)
}

// counts is what an accumulator says about its rows.
type counts struct{ rows, n int64 }

func qrCounts(q *QR) counts     { return counts{q.Rows(), q.N()} }
func gradCounts(g *Grad) counts { return counts{g.Rows(), g.N()} }

// Rows counts every row folded and N those of positive weight, and both
// survive every way an accumulator is made from others: Merge, Select, the
// binary form and the parallel fold of partitions; Reset empties both.
func TestQRCountsZeroWeights(t *testing.T) {
	const n, d = 130, 3
	x, y, w := synth(61, n, d, true)
	want := counts{n, zeroEveryFifth(w)} // 130 rows, 104 of positive weight
	for _, newQR := range []func(int, bool) *QR{NewQRDoubleDouble, NewQRFloat64} {
		whole := newQR(d, true)
		if err := whole.Add(x, y, w); err != nil {
			t.Fatal(err)
		}
		if got := qrCounts(whole); got != want {
			t.Fatalf("Add: counts %+v, want %+v", got, want)
		}
		a, b := newQR(d, true), newQR(d, true)
		if err := a.Add(x.Slice(0, 57, 0, d), y[:57], w[:57]); err != nil {
			t.Fatal(err)
		}
		if err := b.Add(x.Slice(57, n, 0, d), y[57:], w[57:]); err != nil {
			t.Fatal(err)
		}
		if err := a.Merge(b); err != nil {
			t.Fatal(err)
		}
		if got := qrCounts(a); got != want {
			t.Errorf("Merge: counts %+v, want %+v", got, want)
		}
		if got := qrCounts(whole.Select(1, 2)); got != want {
			t.Errorf("Select: counts %+v, want %+v", got, want)
		}
		enc, _ := whole.MarshalBinary()
		var dec QR
		if err := dec.UnmarshalBinary(enc); err != nil {
			t.Fatal(err)
		}
		if got := qrCounts(&dec); got != want {
			t.Errorf("binary round trip: counts %+v, want %+v", got, want)
		}
		// A row of weight zero read after decoding counts in Rows only.
		if err := dec.AddRow([]float64{1, 2, 3}, 4, 0); err != nil {
			t.Fatal(err)
		}
		if got := qrCounts(&dec); got != (counts{want.rows + 1, want.n}) {
			t.Errorf("decoded, then a row of weight 0: counts %+v, want %+v", got, counts{want.rows + 1, want.n})
		}
		// The result carries both.
		res, err := whole.Solve(0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != want.rows || res.N != want.n || res.DF != want.n-d-1 {
			t.Errorf("Solve: Rows %d, N %d, DF %d; want %d, %d, %d", res.Rows, res.N, res.DF, want.rows, want.n, want.n-d-1)
		}
		whole.Reset()
		if got := qrCounts(whole); got != (counts{}) {
			t.Errorf("Reset: counts %+v, want zeros", got)
		}
	}
	// Partitions folded in parallel, an empty one and small blocks included.
	parts := partitions(x, y, w, []int{0, 40, 40, 101, n}, 16)
	q, err := FoldQR(context.Background(), parts, &Settings{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := qrCounts(q); got != want {
		t.Errorf("FoldQR: counts %+v, want %+v", got, want)
	}
	// The loss's epoch is the rows read, weight zero included, as in memory
	// (optim.LeastSquares' Samples is the rows of x): Shuffle draws them all.
	if got := q.Problem(nil, nil, nil).Samples; int64(got) != want.rows {
		t.Errorf("Problem.Samples = %d, want the %d rows read", got, want.rows)
	}
}

// The gradient accumulator counts as QR does, through Merge and its binary
// form.
func TestGradCountsZeroWeights(t *testing.T) {
	const n, d = 130, 3
	x, y, w := synth(67, n, d, true)
	want := counts{n, zeroEveryFifth(w)}
	p := gradParams(x, 3)
	a, b := NewGrad(p), NewGrad(p)
	if err := a.Add(x.Slice(0, 77, 0, d), y[:77], w[:77]); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(x.Slice(77, n, 0, d), y[77:], w[77:]); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	if got := gradCounts(a); got != want {
		t.Errorf("Add and Merge: counts %+v, want %+v", got, want)
	}
	enc, _ := a.MarshalBinary()
	var dec Grad
	if err := dec.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}
	if got := gradCounts(&dec); got != want {
		t.Errorf("binary round trip: counts %+v, want %+v", got, want)
	}
	dec.Reset()
	if got := gradCounts(&dec); got != (counts{}) {
		t.Errorf("Reset: counts %+v, want zeros", got)
	}
}

// A binary form of format version 1, which had no count of the rows of
// weight zero, is refused with an error that says so and what to do; so
// are a newer version, naming the lsq to read it with, and a form claiming
// more rows of positive weight than rows.
func TestUnmarshalOldVersion(t *testing.T) {
	q := NewQR(2, true)
	_ = q.AddRow([]float64{1, 2}, 3, 1)
	qb, _ := q.MarshalBinary()
	g := NewGrad(&GradParams{Coef: []float64{1, 2}})
	gb, _ := g.MarshalBinary()
	for _, tc := range []struct {
		what string
		enc  []byte
		dec  interface{ UnmarshalBinary([]byte) error }
	}{{"QR", qb, new(QR)}, {"gradient", gb, new(Grad)}} {
		old := append([]byte{}, tc.enc...)
		old[4] = 1
		err := tc.dec.UnmarshalBinary(old)
		if err == nil {
			t.Fatalf("%s: version 1 accepted", tc.what)
		}
		for _, part := range []string{tc.what + " accumulator in format version 1", "did not count the rows of weight zero", "fold its rows again"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("%s: version 1 error %q does not say %q", tc.what, err, part)
			}
		}
	}
	// A newer version is the newer lsq's to read.
	newer := append([]byte{}, qb...)
	newer[4] = formatVersion + 1
	var r QR
	if err := r.UnmarshalBinary(newer); err == nil || !strings.Contains(err.Error(), "written by a newer lsq") {
		t.Errorf("newer version: err = %v", err)
	}
	// rows = 0 < n = 1: the row counts of QR's form start after the
	// magic, version, flags and d (10 bytes).
	bad := append([]byte{}, qb...)
	clear(bad[10:18])
	if err := r.UnmarshalBinary(bad); err == nil || !strings.Contains(err.Error(), "0 rows, 1 of positive weight") {
		t.Errorf("fewer rows than rows of positive weight: err = %v", err)
	}
}
