//go:build !amd64

package kernel

// Without assembly every kernel is the Go code.
const useAVX512, useAVX2 = false, false
