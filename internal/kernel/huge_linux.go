package kernel

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// AdviseHuge asks the kernel to back the whole 2 MiB pages inside x with
// transparent huge pages (madvise MADV_HUGEPAGE). It takes effect for the
// pages x has not yet touched: call it before x is first written.
func AdviseHuge(x []float64) error {
	const page = 2 << 20
	if len(x) == 0 {
		return nil
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 8*len(x))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := int((p+page-1)&^(page-1) - p)
	hi := int((p+uintptr(len(b)))&^(page-1) - p)
	if hi <= lo {
		return nil
	}
	return unix.Madvise(b[lo:hi], unix.MADV_HUGEPAGE)
}
