//go:build !amd64

package kernel

func columnSumsK(acc, x []float64, stride, rows int, mean, w []float64, kind SumKind) {
	columnSumsGo(acc, x, stride, rows, mean, w, kind)
}
