package stream

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// GradParams are the parameters at which a Grad accumulator evaluates the
// residuals, on the standardised scale zⱼ = (xⱼ − Center[j]) / Scale[j]:
//
//	r = Σⱼ Coef[j]·zⱼ + Intercept − y
//
// which equals Xβ' + b' − y with β'ⱼ = Coef[j]/Scale[j] and
// b' = Intercept − Σⱼ Center[j]·Coef[j]/Scale[j]. A nil Center means zeros and
// a nil Scale means ones (no standardisation). Set Intercept to 0 and ignore
// the intercept gradient for a model without intercept.
type GradParams struct {
	Coef      []float64
	Intercept float64
	Center    []float64
	Scale     []float64
}

// Grad accumulates, for fixed parameters, the sums one full-batch gradient
// step needs: Σwr·z, Σwr, Σwr², Σw and the numbers of rows (read, and of
// positive weight, as QR counts them). The objective is
// the loss L = (1/2W)Σwᵢrᵢ², W = Σw, whose gradient is ∂L/∂βⱼ = Σwrzⱼ/W and
// ∂L/∂b = Σwr/W. The sums are accumulated on the standardised scale, so they
// do not lose digits to large column means.
//
// The zero value is not usable; create one with NewGrad. A Grad is not safe
// for concurrent use.
type Grad struct {
	d         int
	coef      []float64
	intercept float64
	center    []float64
	scale     []float64

	g     []float64 // Σ w·r·z_j
	sumR  float64   // Σ w·r
	sumR2 float64   // Σ w·r²
	sumW  float64
	rows  int64     // rows read, weight zero included
	n     int64     // rows with positive weight
	gb    []float64 // per-block scratch sums
}

// NewGrad returns an empty gradient accumulator at the parameters p, which are
// copied. It panics if Center or Scale is not nil and has a length different
// from len(Coef), or if a scale is zero.
func NewGrad(p *GradParams) *Grad {
	d := len(p.Coef)
	g := &Grad{
		d:         d,
		coef:      append([]float64(nil), p.Coef...),
		intercept: p.Intercept,
		center:    make([]float64, d),
		scale:     make([]float64, d),
		g:         make([]float64, d),
		gb:        make([]float64, d),
	}
	if p.Center != nil {
		if len(p.Center) != d {
			panic(fmt.Sprintf("stream: GradParams has %d centres for %d coefficients", len(p.Center), d))
		}
		copy(g.center, p.Center)
	}
	if p.Scale != nil {
		if len(p.Scale) != d {
			panic(fmt.Sprintf("stream: GradParams has %d scales for %d coefficients", len(p.Scale), d))
		}
		copy(g.scale, p.Scale)
	} else {
		for j := range g.scale {
			g.scale[j] = 1
		}
	}
	for j, s := range g.scale {
		if s == 0 {
			panic(fmt.Sprintf("stream: GradParams scale %d is zero", j))
		}
	}
	return g
}

// Params returns a copy of the parameters the accumulator evaluates at.
func (g *Grad) Params() GradParams {
	return GradParams{
		Coef:      append([]float64(nil), g.coef...),
		Intercept: g.intercept,
		Center:    append([]float64(nil), g.center...),
		Scale:     append([]float64(nil), g.scale...),
	}
}

// Reset empties the sums, keeping the parameters.
func (g *Grad) Reset() {
	clear(g.g)
	g.sumR, g.sumR2, g.sumW, g.rows, g.n = 0, 0, 0, 0, 0
}

// Add accumulates the rows of x (r×d) with responses y and weights w (nil for
// unit weights). It checks every row first and, on error, returns a
// *DataError and leaves the sums unchanged. It panics if dimensions disagree.
func (g *Grad) Add(x mat.Matrix, y, w []float64) error {
	rows, cols := x.Dims()
	if cols != g.d || len(y) != rows || (w != nil && len(w) != rows) {
		panic(fmt.Sprintf("stream: Grad.Add got x %d×%d, len(y)=%d, len(w)=%d; accumulator has %d features", rows, cols, len(y), len(w), g.d))
	}
	src := newRowSource(x, nil)
	if err := checkRows(&src, rows, y, w); err != nil {
		return err
	}
	// Sums of this block first, then added to the totals: pairwise-like
	// grouping that keeps the rounding of long passes small.
	var sr, sr2, sw float64
	var n int64
	gb := g.gb
	clear(gb)
	for i := 0; i < rows; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if wi == 0 {
			continue
		}
		xi := src.row(i)
		r := g.intercept - y[i]
		for j, v := range xi {
			r += g.coef[j] * ((v - g.center[j]) / g.scale[j])
		}
		wr := wi * r
		for j, v := range xi {
			gb[j] += wr * ((v - g.center[j]) / g.scale[j])
		}
		sr += wr
		sr2 += wr * r
		sw += wi
		n++
	}
	for j := range gb {
		g.g[j] += gb[j]
	}
	g.sumR += sr
	g.sumR2 += sr2
	g.sumW += sw
	g.rows += int64(rows)
	g.n += n
	return nil
}

// Merge adds o's sums into g. It returns an error if the two accumulators
// were made with different parameters (compared bit for bit).
func (g *Grad) Merge(o *Grad) error {
	if !g.sameParams(o) {
		return fmt.Errorf("stream: cannot merge gradient accumulators evaluated at different parameters")
	}
	for j := range g.g {
		g.g[j] += o.g[j]
	}
	g.sumR += o.sumR
	g.sumR2 += o.sumR2
	g.sumW += o.sumW
	g.rows += o.rows
	g.n += o.n
	return nil
}

func (g *Grad) sameParams(o *Grad) bool {
	if g.d != o.d || math.Float64bits(g.intercept) != math.Float64bits(o.intercept) {
		return false
	}
	for _, pair := range [][2][]float64{{g.coef, o.coef}, {g.center, o.center}, {g.scale, o.scale}} {
		for j := range pair[0] {
			if math.Float64bits(pair[0][j]) != math.Float64bits(pair[1][j]) {
				return false
			}
		}
	}
	return true
}

// Rows returns the number of rows accumulated, rows of weight zero
// included (QR.Rows).
func (g *Grad) Rows() int64 { return g.rows }

// N returns the number of rows with positive weight accumulated (QR.N).
func (g *Grad) N() int64 { return g.n }

// SumWeights returns W = Σw.
func (g *Grad) SumWeights() float64 { return g.sumW }

// Loss returns L = (1/2W)Σwr², or NaN when W = 0.
func (g *Grad) Loss() float64 {
	if g.sumW == 0 {
		return math.NaN()
	}
	return g.sumR2 / (2 * g.sumW)
}

// Gradient writes ∂L/∂β (on the standardised scale) into dst and returns
// ∂L/∂b. If dst is nil a new slice is allocated. It panics if dst is not nil
// and len(dst) != d. With W = 0 the gradient is NaN.
func (g *Grad) Gradient(dst []float64) (coef []float64, intercept float64) {
	if dst == nil {
		dst = make([]float64, g.d)
	}
	if len(dst) != g.d {
		panic(fmt.Sprintf("stream: Gradient dst has length %d, want %d", len(dst), g.d))
	}
	inv := 1 / g.sumW
	if g.sumW == 0 {
		inv = math.NaN()
	}
	for j, v := range g.g {
		dst[j] = v * inv
	}
	return dst, g.sumR * inv
}

// Sums returns the raw sums Σw·r·zⱼ (a copy), Σw·r and Σw·r².
func (g *Grad) Sums() (rz []float64, r, r2 float64) {
	return append([]float64(nil), g.g...), g.sumR, g.sumR2
}
