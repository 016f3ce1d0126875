package stream

import "gonum.org/v1/gonum/mat"

// rowSource gives the rows of a matrix. For a mat.RawMatrixer a row aliases
// the matrix's storage; otherwise it is copied into buf, reused between
// calls. It is a value type so that reading a block allocates nothing.
type rowSource struct {
	data        []float64
	stride, col int
	m           mat.Matrix
	buf         []float64
}

func newRowSource(x mat.Matrix, buf []float64) rowSource {
	_, cols := x.Dims()
	if raw, ok := x.(mat.RawMatrixer); ok {
		m := raw.RawMatrix()
		return rowSource{data: m.Data, stride: m.Stride, col: cols}
	}
	if cap(buf) < cols {
		buf = make([]float64, cols)
	}
	return rowSource{m: x, col: cols, buf: buf[:cols]}
}

func (s *rowSource) row(i int) []float64 {
	if s.m == nil {
		return s.data[i*s.stride : i*s.stride+s.col]
	}
	return mat.Row(s.buf, i, s.m)
}

// checkRows checks every row of a block, returning the first *DataError.
func checkRows(src *rowSource, rows int, y, w []float64) error {
	for i := 0; i < rows; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if err := checkRow(src.row(i), y[i], wi, i); err != nil {
			return err
		}
	}
	return nil
}
