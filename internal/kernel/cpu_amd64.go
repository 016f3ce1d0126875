package kernel

import "golang.org/x/sys/cpu"

// The kernel every assembly routine of the package selects, read once at
// start-up: AVX-512 where the CPU and the operating system support it, else
// AVX2 with FMA, else the Go code. Tests switch them to compare the kernels.
var (
	useAVX512 = cpu.X86.HasAVX512F
	useAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)
