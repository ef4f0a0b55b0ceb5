//go:build linux

package hugeheap

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestAdviseMarksTheHeap checks, on a kernel that gives huge pages by
// advice, that the mapping holding new heap objects is advised after
// Advise (VmFlags "hg" in /proc/self/smaps), and that GODEBUG=disablethp=1
// turns it off.
func TestAdviseMarksTheHeap(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "GODEBUG" {
				return v
			}
			return ""
		}
	}
	if Advise(env("gctrace=0,disablethp=1")) {
		t.Fatal("advised with GODEBUG=disablethp=1")
	}
	if !thpByAdvice() {
		if Advise(env("")) {
			t.Fatal("advised where the kernel does not take advice")
		}
		t.Skip("this kernel does not give transparent huge pages by advice; nothing to check")
	}
	if !Advise(env("")) {
		t.Fatal("not advised, on a kernel that takes advice")
	}
	obj := make([]byte, 1<<20)
	addr := uintptr(unsafe.Pointer(&obj[0]))
	if !advised(t, addr) {
		t.Fatalf("the mapping of a new heap object (%#x) is not advised", addr)
	}
	runtime.KeepAlive(obj)
}

// advised reads the VmFlags of the smaps entry that holds addr.
func advised(t *testing.T, addr uintptr) bool {
	lo, _, ok := mappingOf(addr)
	if !ok {
		t.Fatalf("no mapping holds %#x", addr)
	}
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		if r, _, found := strings.Cut(line, " "); found && strings.Contains(r, "-") && !strings.HasSuffix(r, ":") {
			start, _, _ := strings.Cut(r, "-")
			in = strings.TrimLeft(start, "0") == strconv.FormatUint(uint64(lo), 16)
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.Contains(line, " hg")
		}
	}
	return false
}
