//go:build !amd64

package kernel

import "github.com/lsqgo/lsq/internal/dd"

func ddAxpyAVX2(dst []dd.DD, ah, al float64, x []dd.DD) { panic("kernel: no assembly kernel") }
