package kernel

// PackWidth is the least panel width m from which a Gram pass packs its
// panels (Packs): a row of 512 values fills a 4 KiB page, and beyond it
// each 8×8 tile reads its two strips of a row-major panel a page or more
// apart per row, where the hardware prefetchers, which follow strides
// within a page, lose them. At d = 1000 the packed kernel runs ≈ 15%
// faster (BenchmarkGramUpdate). Package linear's passes
// (BenchmarkPanelLayout: CPU time per pass, medians, by rows → packed)
// gain less there, −5% (Gram path) and −13% (CholeskyQR2), but −12% to
// −27% at widths 512 and 1024, whose row-major strips fall on few cache
// sets. Narrower rows gain little or nothing from packing and pay for the
// copy: ≈ +15% CPU time for package enet's moment pass and linear's Gram
// pass at d = 100, alike at d ≈ 380.
const PackWidth = 512

// Packs reports whether a Gram panel of width m is packed.
func Packs(m int) bool { return m >= PackWidth }

// Panel is the scratch panel of a Gram pass: up to a fixed number of rows
// of m values (m a multiple of 8), whose Gram matrix AddGram adds to an
// accumulator, stored by rows (GramUpdate) or packed (PackRow,
// GramUpdatePacked). The layout changes the speed only: each entry takes
// the same fused multiply-adds in the same order either way.
type Panel struct {
	m      int
	packed bool
	p      []float64 // the panel, by rows or packed
	rows   []float64 // packRows rows being written, when packed
}

// packRows is the number of rows a packed panel has written at a time,
// into scratch rows that are then packed: 8, one cache line of a column,
// so that a caller gathering its rows from a transposed panel (package
// linear's CholeskyQR2 pass) reads each line once, not once per row (at
// d = 1000 that pass, packed one row at a time, took ≈ 18% more CPU time
// than by rows; 8 at a time, ≈ 3%).
const packRows = 8

// NewPanel returns a zeroed panel of up to rows rows of width m, packed
// if packed (Packs(m), or a test's choice).
func NewPanel(m, rows int, packed bool) *Panel {
	pn := &Panel{m: m, packed: packed, p: make([]float64, rows*m)}
	if packed {
		pn.rows = make([]float64, packRows*m)
	}
	return pn
}

// AddGram writes rows rows into the panel by fill and adds their Gram
// matrix PᵀP to the upper triangle of the m×m row-major c, with
// GramUpdate's bits. fill(dst, i0, i1) writes rows i0 … i1−1, row i at
// dst[(i−i0)·m:][:m]: in one call for all rows of a panel by rows, packRows
// at a time (into scratch rows, then packed) of a packed one. Values that
// fill leaves unwritten keep what they last held there, zero at first (the
// padding columns of a width rounded up to 8).
func (pn *Panel) AddGram(c []float64, rows int, fill func(dst []float64, i0, i1 int)) {
	m := pn.m
	p := pn.p[:rows*m]
	if !pn.packed {
		fill(p, 0, rows)
		GramUpdate(c, p, m, rows)
		return
	}
	for i0 := 0; i0 < rows; i0 += packRows {
		i1 := min(rows, i0+packRows)
		fill(pn.rows, i0, i1)
		for i := i0; i < i1; i++ {
			PackRow(p, rows, i, pn.rows[(i-i0)*m:][:m])
		}
	}
	GramUpdatePacked(c, p, m, rows)
}
