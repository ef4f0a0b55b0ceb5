// Package hugeheap asks the kernel to back the Go heap with transparent
// huge pages during a bulk command.
//
// The Go runtime maps its heap in 4 KB pages and leaves huge pages to the
// system's default. Where that default is "madvise" (many distributions
// and cloud images), every 4 KB of fresh heap costs a page fault the
// first time it is touched: about 10 µs each on a virtual machine, which
// made faults an eighth of the CPU of a 1 GB mail import
// (docs/performance.md). Advising the heap's mapping once turns about
// 512 of those faults into one.
//
// It is an optimisation and nothing depends on it: where the kernel has
// no transparent huge pages, where they are already always on, on other
// systems and with GODEBUG=disablethp=1, Advise does nothing. It is for
// commands that start, work and end: a long-running server keeps the
// runtime's default, as the Go team chose for servers (a heap in huge
// pages returns memory to the system in larger pieces, and later).
package hugeheap

// Reserve is how much heap Advise maps and advises: enough for a bulk
// command's working set (a mail import peaks at about 50 MB of heap).
const Reserve = 64 << 20

// Advise maps Reserve bytes of heap, advises the mapping that holds them
// to use huge pages and runs a collection (about a millisecond on a new
// process). It reports whether it advised anything; it never fails.
func Advise(getenv func(string) string) bool {
	return advise(getenv)
}
