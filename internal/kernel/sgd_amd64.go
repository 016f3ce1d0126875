package kernel

// prefetchSpan asks for every cache line of the n ≥ 1 bytes from p to be
// brought into the second-level cache (PREFETCHT1); it changes no value.
//
//go:noescape
func prefetchSpan(p *float64, n int)
