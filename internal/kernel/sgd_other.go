//go:build !amd64

package kernel

// prefetchLines does nothing where there is no prefetch routine.
func prefetchLines(p *float64, lines int) {}
