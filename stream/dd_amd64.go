package stream

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly double-double axpy where the CPU has AVX2 and
// FMA. It performs the same IEEE operations as ddAxpyGo in the same order,
// four elements at a time, so both give identical bits.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// ddAxpyAVX2 is ddAxpyGo(dst, dd{Hi: ah, Lo: al}, x) for len(x) a multiple of 4 and
// len(dst) ≥ len(x).
//
//go:noescape
func ddAxpyAVX2(dst []dd, ah, al float64, x []dd)
