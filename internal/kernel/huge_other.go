//go:build !linux

package kernel

// AdviseHuge does nothing outside Linux: transparent huge pages are a Linux
// feature.
func AdviseHuge(x []float64) error { return nil }
