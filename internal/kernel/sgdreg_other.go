//go:build !amd64

package kernel

// sgdRowsReg takes no steps where there is no assembly: SGDRows takes them
// all on the general path.
func (k *LS) sgdRowsReg(theta []float64, rows []int, lr float64) int { return 0 }
