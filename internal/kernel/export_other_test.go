//go:build !amd64

package kernel

func hasAVX512() bool             { return false }
func hasAVX2() bool               { return false }
func setKernel(avx512, avx2 bool) {}
func saveKernel() func()          { return func() {} }
