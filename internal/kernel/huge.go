package kernel

// hugeMin is the smallest allocation Floats advises into huge pages: 4 MiB,
// numpy's threshold for the same advice (its default allocator calls
// madvise(MADV_HUGEPAGE) on arrays of at least 4 MiB on Linux).
const hugeMin = 4 << 20

// Floats returns a zeroed slice of n float64s for the rows of a data
// matrix. On Linux an allocation of at least 4 MiB is advised into
// transparent huge pages (MADV_HUGEPAGE) before it is first written, where
// the kernel allows it (/sys/kernel/mm/transparent_hugepage/enabled
// "always" or "madvise"); elsewhere, or when the advice is refused, it is
// plain make. Values are the same either way; only the translation of
// addresses changes.
//
// A pass that reads rows in a random order (stochastic gradient descent
// with batch size 1) misses the TLB at nearly every row with 4 KiB pages:
// an 800 MB matrix spans 200 000 of them. With 2 MiB pages it spans 400,
// which the second-level TLB holds. Measured on the reference machine
// (bench/README.md, "The steps"): a batch-1 step on 800-byte rows in
// 800 MB took 112–118 ns with huge pages against 176–271 ns without.
func Floats(n int) []float64 {
	x := make([]float64, n)
	if 8*n >= hugeMin {
		_ = AdviseHuge(x)
	}
	return x
}
