package hugeheap

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// madvHugepage is MADV_HUGEPAGE, which package syscall does not name.
const madvHugepage = 14

func advise(getenv func(string) string) bool {
	if strings.Contains(getenv("GODEBUG"), "disablethp=1") || !thpByAdvice() {
		return false
	}
	// A large allocation makes the runtime map that much heap at once;
	// it is then free again for the command's small objects, in the same
	// mapping, now advised.
	block := make([]byte, Reserve)
	lo, hi, ok := mappingOf(uintptr(unsafe.Pointer(&block[0])))
	runtime.KeepAlive(block)
	block = nil
	if !ok {
		return false
	}
	lo = (lo + hugePage - 1) &^ (hugePage - 1)
	hi &^= hugePage - 1
	if hi <= lo {
		return false
	}
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, madvHugepage)
	// The block was live when the collector last looked: collecting now
	// sets the next target from the command's own heap, not from it.
	runtime.GC()
	return errno == 0
}

// thpByAdvice says whether the kernel gives transparent huge pages only
// to memory that asks for them ("[madvise]" in its setting).
func thpByAdvice() bool {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && strings.Contains(string(b), "[madvise]")
}

// mappingOf finds the mapping of /proc/self/maps that holds addr.
func mappingOf(addr uintptr) (lo, hi uintptr, ok bool) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		r, _, _ := strings.Cut(sc.Text(), " ")
		a, b, found := strings.Cut(r, "-")
		if !found {
			continue
		}
		l, err1 := strconv.ParseUint(a, 16, 64)
		h, err2 := strconv.ParseUint(b, 16, 64)
		if err1 == nil && err2 == nil && uintptr(l) <= addr && addr < uintptr(h) {
			return uintptr(l), uintptr(h), true
		}
	}
	return 0, 0, false
}
