package kernel

// prefetchLines asks for lines ≥ 1 cache lines from the one holding p to be
// brought into the caches (PREFETCHT0); it changes no value.
//
//go:noescape
func prefetchLines(p *float64, lines int)
