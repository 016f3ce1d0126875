package linear

import (
	"math/rand/v2"
	"testing"
)

// TestGramKernelsAgree runs the Gram update with each kernel this CPU
// supports (AVX-512, AVX2/FMA, Go) and requires identical bits: all
// accumulate every entry with fused multiply-adds in row order.
func TestGramKernelsAgree(t *testing.T) {
	has512, hasAVX := useAVX512, useAVX
	defer func() { useAVX512, useAVX = has512, hasAVX }()
	rng := rand.New(rand.NewPCG(17, 18))
	const d, rows = 45, 29
	m := gramWidth(d)
	p := make([]float64, rows*m)
	for i := range p {
		p[i] = rng.NormFloat64()
	}
	run := func(avx512, avx bool) []float64 {
		useAVX512, useAVX = avx512, avx
		c := make([]float64, m*m)
		gramUpdate(c, p, m, rows)
		gramUpdate(c, p, m, rows-3)
		return c
	}
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
	useAVX512 = false
	row, means, beta := p[:d], p[m:m+d], p[2*m:2*m+d]
	xc := make([]float64, d)
	if got, want := centredDot(xc, row, means, beta), centredDotGo(make([]float64, d), row, means, beta); got != want {
		t.Errorf("centredDot without AVX-512: %v, want %v", got, want)
	}
	if got, want := dot(row, beta), dotGo(row, beta); got != want {
		t.Errorf("dot without AVX-512: %v, want %v", got, want)
	}
}
