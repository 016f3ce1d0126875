package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

const eps = 0x1p-53

// gramWidth is package linear's Gram width for d columns: d plus the
// intercept and y columns, rounded up to a multiple of 8.
func gramWidth(d int) int { return (d + 2 + 7) &^ 7 }

// TestGramUpdateMatchesFMA checks the Gram kernel (assembly where the CPU
// has it) against the definition evaluated with the same fused
// multiply-adds in row order: the bits must agree exactly.
func TestGramUpdateMatchesFMA(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 6, 7, 30, 61} {
		m := gramWidth(d)
		rows := 37 // not a multiple of anything the kernels unroll by
		p := make([]float64, rows*m)
		for i := range p {
			p[i] = rng.NormFloat64()
		}
		c := make([]float64, m*m)
		for i := range c {
			c[i] = rng.NormFloat64()
		}
		want := append([]float64(nil), c...)
		for j := 0; j < m; j++ {
			for k := j; k < m; k++ {
				s := want[j*m+k]
				for i := 0; i < rows; i++ {
					s = math.FMA(p[i*m+j], p[i*m+k], s)
				}
				want[j*m+k] = s
			}
		}
		GramUpdate(c, p, m, rows)
		for j := 0; j < m; j++ {
			for k := j; k < m; k++ {
				if c[j*m+k] != want[j*m+k] {
					t.Fatalf("d=%d: C[%d][%d] = %v, want %v", d, j, k, c[j*m+k], want[j*m+k])
				}
			}
		}
	}
}

// TestGramUpdatePackedSameBits checks that the packed panel gives
// GramUpdate's bits: PackRow's copy of the same rows, then
// GramUpdatePacked, on top of the same C (upper triangle compared; the
// full-width panels included, and panels of fewer rows than a block).
func TestGramUpdatePackedSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	for _, d := range []int{1, 7, 30, 126} {
		for _, rows := range []int{1, 37, 128} {
			m := gramWidth(d)
			p := make([]float64, rows*m)
			for i := range p {
				p[i] = rng.NormFloat64()
			}
			packed := make([]float64, rows*m)
			for i := 0; i < rows; i++ {
				PackRow(packed, rows, i, p[i*m:(i+1)*m])
			}
			c := make([]float64, m*m)
			for i := range c {
				c[i] = rng.NormFloat64()
			}
			want := append([]float64(nil), c...)
			GramUpdate(want, p, m, rows)
			GramUpdatePacked(c, packed, m, rows)
			for j := 0; j < m; j++ {
				for k := j; k < m; k++ {
					if c[j*m+k] != want[j*m+k] {
						t.Fatalf("d=%d rows=%d: C[%d][%d] = %v, GramUpdate %v", d, rows, j, k, c[j*m+k], want[j*m+k])
					}
				}
			}
		}
	}
}

// TestPanelSameBits: Panel.AddGram, by rows and packed, adds to C the bits
// of GramUpdate on the same rows, over several panels of one pass (fewer
// rows than a panel holds, a count that is not a multiple of packRows, and
// the full panel); the padding columns, which fill leaves unwritten, must
// stay zero, their entries of C compared too.
func TestPanelSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const d, capRows = 61, 40
	m := gramWidth(d)
	counts := []int{1, 37, capRows}
	total := 0
	for _, r := range counts {
		total += r
	}
	p := make([]float64, total*m) // all the rows, by rows, padding zero
	for i := range total {
		for j := range d + 2 {
			p[i*m+j] = rng.NormFloat64()
		}
	}
	want := make([]float64, m*m)
	GramUpdate(want, p, m, total)
	for _, packed := range []bool{false, true} {
		pn := NewPanel(m, capRows, packed)
		c := make([]float64, m*m)
		first := 0
		for _, rows := range counts {
			pn.AddGram(c, rows, func(dst []float64, i0, i1 int) {
				for i := i0; i < i1; i++ {
					copy(dst[(i-i0)*m:][:d+2], p[(first+i)*m:])
				}
			})
			first += rows
		}
		for j := 0; j < m; j++ {
			for k := j; k < m; k++ {
				if c[j*m+k] != want[j*m+k] {
					t.Fatalf("packed %v: C[%d][%d] = %v, GramUpdate %v", packed, j, k, c[j*m+k], want[j*m+k])
				}
			}
		}
	}
}

// TestGramKernelsAgree runs the Gram update with each kernel this CPU
// supports (AVX-512, AVX2/FMA, Go) and requires identical bits: all
// accumulate every entry with fused multiply-adds in row order.
func TestGramKernelsAgree(t *testing.T) {
	defer saveKernel()()
	rng := rand.New(rand.NewPCG(17, 18))
	const d, rows = 45, 29
	m := gramWidth(d)
	p := make([]float64, rows*m)
	for i := range p {
		p[i] = rng.NormFloat64()
	}
	run := func(avx512, avx bool) []float64 {
		setKernel(avx512, avx)
		c := make([]float64, m*m)
		GramUpdate(c, p, m, rows)
		GramUpdate(c, p, m, rows-3)
		return c
	}
	has512, hasAVX := hasAVX512(), hasAVX2()
	ref := run(false, false)
	modes := []struct {
		name        string
		avx512, avx bool
		ok          bool
	}{
		{"avx512", true, false, has512},
		{"avx2", false, true, hasAVX},
	}
	for _, md := range modes {
		if !md.ok {
			t.Logf("%s: not supported here", md.name)
			continue
		}
		got := run(md.avx512, md.avx)
		for j := 0; j < m; j++ {
			for k := j; k < m; k++ {
				if got[j*m+k] != ref[j*m+k] {
					t.Fatalf("%s: C[%d][%d] = %v, Go kernel %v", md.name, j, k, got[j*m+k], ref[j*m+k])
				}
			}
		}
	}
	// The row kernels' Go forms, as used without AVX-512.
	setKernel(false, hasAVX)
	row, means, beta := p[:d], p[m:m+d], p[2*m:2*m+d]
	xc := make([]float64, d)
	if got, want := CentredDot(xc, row, means, beta), centredDotGo(make([]float64, d), row, means, beta); got != want {
		t.Errorf("CentredDot without AVX-512: %v, want %v", got, want)
	}
	if got, want := Dot(row, beta), dot4Go(row, beta); got != want {
		t.Errorf("Dot without AVX-512: %v, want %v", got, want)
	}
}

// TestGramRowKernels checks the vector row kernels of package linear's
// refinement and residual passes against the Go ones: centred copies
// exactly, sums to the rounding error of a different summation order
// (n·ε·Σ|terms|), and the update to one rounding of each product (fused or
// not).
func TestGramRowKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for n := 0; n <= 37; n++ {
		row, means, beta := make([]float64, n), make([]float64, n), make([]float64, n)
		for j := range row {
			row[j], means[j], beta[j] = rng.NormFloat64()*10, rng.NormFloat64(), rng.NormFloat64()
		}
		xc, xg := make([]float64, n), make([]float64, n)
		got := CentredDot(xc, row, means, beta)
		want := centredDotGo(xg, row, means, beta)
		var abs float64
		for j := range xg {
			abs += math.Abs(xg[j] * beta[j])
			if xc[j] != xg[j] {
				t.Fatalf("n=%d: centred copy differs at %d", n, j)
			}
		}
		if math.Abs(got-want) > float64(n)*eps*abs {
			t.Errorf("n=%d: CentredDot %v, Go %v", n, got, want)
		}
		if d, dg := Dot(row, beta), dot4Go(row, beta); math.Abs(d-dg) > float64(n)*eps*abs*10 {
			t.Errorf("n=%d: Dot %v, Go %v", n, d, dg)
		}
		h, hg := append([]float64(nil), beta...), append([]float64(nil), beta...)
		Axpy(h, 0.37, row)
		axpy4Go(hg, 0.37, row)
		for j := range h {
			if math.Abs(h[j]-hg[j]) > 2*eps*(math.Abs(hg[j])+math.Abs(0.37*row[j])) {
				t.Fatalf("n=%d: Axpy differs at %d: %v, %v", n, j, h[j], hg[j])
			}
		}
	}
}
