package stream

import "gonum.org/v1/gonum/mat"

// rowReader returns a function giving row i of x. For a mat.RawMatrixer the
// row aliases x's storage; otherwise it is copied into a buffer reused
// between calls.
func rowReader(x mat.Matrix) func(i int) []float64 {
	_, cols := x.Dims()
	if raw, ok := x.(mat.RawMatrixer); ok {
		m := raw.RawMatrix()
		return func(i int) []float64 { return m.Data[i*m.Stride : i*m.Stride+cols] }
	}
	buf := make([]float64, cols)
	return func(i int) []float64 { return mat.Row(buf, i, x) }
}

// checkRows checks every row of a block, returning the first *DataError.
func checkRows(row func(int) []float64, rows int, y, w []float64) error {
	for i := 0; i < rows; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if err := checkRow(row(i), y[i], wi, i); err != nil {
			return err
		}
	}
	return nil
}
