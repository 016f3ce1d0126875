package kernel

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// Floats advises a large allocation into huge pages: the mapping that
// holds it carries the kernel's "hg" flag (MADV_HUGEPAGE) in
// /proc/self/smaps, and a small one is left alone; both are zeroed.
func TestFloatsAdvisesHugePages(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("this kernel has no transparent huge pages")
	}
	big := Floats(16 << 20) // 128 MiB: whole 2 MiB pages inside it
	mid := uintptr(unsafe.Pointer(&big[len(big)/2]))
	flags, err := vmFlags(mid)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the mapping of a 128 MiB Floats has VmFlags %q, want hg (MADV_HUGEPAGE)", flags)
	}
	for _, v := range big[:1024] {
		if v != 0 {
			t.Fatal("Floats is not zeroed")
		}
	}
	if small := Floats(100); len(small) != 100 || small[99] != 0 {
		t.Errorf("Floats(100): len %d", len(small))
	}
}

// vmFlags returns the VmFlags line of the mapping of /proc/self/smaps that
// contains the address a.
func vmFlags(a uintptr) (string, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inside := false
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &lo, &hi); n == 2 && strings.Contains(line[:strings.IndexByte(line, ' ')], "-") {
			inside = lo <= a && a < hi
			continue
		}
		if inside && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:")), nil
		}
	}
	return "", fmt.Errorf("no mapping holds %#x", a)
}
