package kernel

func hasAVX512() bool { return useAVX512 }
func hasAVX2() bool   { return useAVX2 }

func setKernel(avx512, avx2 bool) { useAVX512, useAVX2 = avx512, avx2 }

func saveKernel() func() {
	a, b := useAVX512, useAVX2
	return func() { useAVX512, useAVX2 = a, b }
}
