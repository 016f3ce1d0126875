//go:build !amd64

package kernel

// prefetchSpan does nothing where there is no prefetch routine.
func prefetchSpan(p *float64, n int) {}
