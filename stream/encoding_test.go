package stream

import (
	"bytes"
	"math"
	"testing"
)

// A decoded accumulator is the same, bit for bit, and merging decoded
// accumulators gives the same bits as merging the originals, in both
// precisions.
func TestQRBinaryRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		intercept bool
		newQR     func(int, bool) *QR
	}{{true, NewQR}, {false, NewQR}, {true, NewQRFloat64}, {false, NewQRFloat64}} {
		intercept := tc.intercept
		x, y, w := synth(43, 300, 4, true)
		a, b := tc.newQR(4, intercept), tc.newQR(4, intercept)
		if err := a.Add(x.Slice(0, 130, 0, 4), y[:130], w[:130]); err != nil {
			t.Fatal(err)
		}
		if err := b.Add(x.Slice(130, 300, 0, 4), y[130:], w[130:]); err != nil {
			t.Fatal(err)
		}
		ab, _ := a.MarshalBinary()
		bb, _ := b.MarshalBinary()
		var a2, b2 QR
		if err := a2.UnmarshalBinary(ab); err != nil {
			t.Fatal(err)
		}
		if err := b2.UnmarshalBinary(bb); err != nil {
			t.Fatal(err)
		}
		if again, _ := a2.MarshalBinary(); !bytes.Equal(again, ab) {
			t.Error("re-encoding a decoded accumulator changed its bytes")
		}
		if err := a.Merge(b); err != nil {
			t.Fatal(err)
		}
		if err := a2.Merge(&b2); err != nil {
			t.Fatal(err)
		}
		m1, _ := a.MarshalBinary()
		m2, _ := a2.MarshalBinary()
		if !bytes.Equal(m1, m2) {
			t.Error("merge of decoded accumulators differs from merge of originals")
		}
		// A decoded accumulator keeps accepting rows.
		if err := a2.AddRow([]float64{1, 2, 3, 4}, 5, 1); err != nil {
			t.Fatal(err)
		}
		if a2.N() != 301 {
			t.Errorf("N after decode and add = %d, want 301", a2.N())
		}
		if a2.DoubleDouble() != a.DoubleDouble() {
			t.Errorf("decoded DoubleDouble() = %t, want %t", a2.DoubleDouble(), a.DoubleDouble())
		}
	}
}

func TestGradBinaryRoundTrip(t *testing.T) {
	x, y, w := synth(47, 200, 3, true)
	g := NewGrad(gradParams(x, 5))
	if err := g.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	enc, _ := g.MarshalBinary()
	var g2 Grad
	if err := g2.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}
	if again, _ := g2.MarshalBinary(); !bytes.Equal(again, enc) {
		t.Error("re-encoding changed the bytes")
	}
	a, ab := g.Gradient(nil)
	b, bb := g2.Gradient(nil)
	for j := range a {
		if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
			t.Errorf("gradient[%d] %v != %v", j, a[j], b[j])
		}
	}
	if ab != bb || g.Loss() != g2.Loss() {
		t.Error("intercept gradient or loss changed")
	}
	// Decoded accumulators merge with ones made at the same parameters.
	fresh := NewGrad(func() *GradParams { p := g2.Params(); return &p }())
	if err := fresh.Merge(&g2); err != nil {
		t.Errorf("merge with decoded: %v", err)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	q := NewQR(2, true)
	_ = q.AddRow([]float64{1, 2}, 3, 1)
	good, _ := q.MarshalBinary()
	g := NewGrad(&GradParams{Coef: []float64{1, 2}})
	goodG, _ := g.MarshalBinary()
	for name, data := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XXXX"), good[4:]...),
		"version":   append(append([]byte{}, good[:4]...), append([]byte{9}, good[5:]...)...),
		"flags":     append(append([]byte{}, good[:5]...), append([]byte{6}, good[6:]...)...),
		"truncated": good[:len(good)-1],
		"trailing":  append(append([]byte{}, good...), 0),
		"huge d":    append(append([]byte{}, good[:6]...), 0xff, 0xff, 0xff, 0xff),
		"grad data": goodG,
	} {
		var r QR
		if err := r.UnmarshalBinary(data); err == nil {
			t.Errorf("QR.UnmarshalBinary(%s) succeeded", name)
		}
	}
	for name, data := range map[string][]byte{
		"truncated": goodG[:len(goodG)-3],
		"qr data":   good,
	} {
		var r Grad
		if err := r.UnmarshalBinary(data); err == nil {
			t.Errorf("Grad.UnmarshalBinary(%s) succeeded", name)
		}
	}
}

// FuzzUnmarshal: decoding arbitrary bytes returns an error or an accumulator
// that can be solved, merged and re-encoded without panicking.
func FuzzUnmarshal(f *testing.F) {
	q := NewQR(2, true)
	_ = q.AddRow([]float64{1, 2}, 3, 1)
	enc, _ := q.MarshalBinary()
	f.Add(enc)
	g := NewGrad(&GradParams{Coef: []float64{1}})
	encG, _ := g.MarshalBinary()
	f.Add(encG)
	f.Fuzz(func(t *testing.T, data []byte) {
		var r QR
		if r.UnmarshalBinary(data) == nil {
			_, _ = r.Solve(0, nil)
			_ = r.Merge(NewQR(r.Features(), r.Intercept()))
			_, _ = r.MarshalBinary()
		}
		var gr Grad
		if gr.UnmarshalBinary(data) == nil {
			_, _ = gr.Gradient(nil)
			_ = gr.Loss()
		}
	})
}
