//go:build !amd64

package stream

const useAVX2 = false

func ddAxpyAVX2(dst []dd, ah, al float64, x []dd) { panic("stream: no assembly kernel") }
