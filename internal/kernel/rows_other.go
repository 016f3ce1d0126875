//go:build !amd64

package kernel

func rowsK(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64, grad bool) (sr, sl float64) {
	return rowsGo(g, x, stride, rows, wp, bp, y, wt, grad)
}

func dotK(x, w []float64) float64 { return dotGo(x, w) }

func axpyK(g []float64, a float64, x []float64) { axpyGo(g, a, x) }

func sgdUpdateK(theta []float64, wr, lr float64, x []float64) { sgdUpdateGo(theta, wr, lr, x) }
