package kernel

import "github.com/lsqgo/lsq/internal/dd"

// ddAxpyAVX2 is ddAxpyGo(dst, dd.DD{Hi: ah, Lo: al}, x) for len(x) a multiple
// of 4 and len(dst) ≥ len(x). It performs the same IEEE operations as
// ddAxpyGo in the same order, four elements at a time, so both give
// identical bits.
//
//go:noescape
func ddAxpyAVX2(dst []dd.DD, ah, al float64, x []dd.DD)
