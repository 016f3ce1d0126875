package kernel

// fmaChains512 and fmaChains256 issue iters rounds of twelve independent
// fused multiply-adds on 8-lane (zmm) and 4-lane (ymm) registers: the
// instruction stream of the core's peak double-precision rate, which
// BenchmarkFMAPeak times to compare the Gram kernel with. They compute
// nothing that is kept.
//
//go:noescape
func fmaChains512(iters int)

//go:noescape
func fmaChains256(iters int)
