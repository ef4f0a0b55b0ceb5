package capture

import (
	"os"
	"syscall"
)

// mappedFile is an mbox mapped into memory, read-only.
type mappedFile struct {
	data []byte
}

// mapFile maps a file into memory. Reading it then costs no copy from
// the kernel's cache into a buffer (a third of the time grep-like search
// takes); its pages count as the process's memory while they are mapped,
// so each worker gives back what it has read (release).
func mapFile(f *os.File, size int64) (*mappedFile, error) {
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	return &mappedFile{data: data}, nil
}

// release tells the kernel the bytes [from, to) will not be read again:
// their pages leave the process (they stay in the file cache).
func (m *mappedFile) release(from, to int64) {
	page := int64(os.Getpagesize())
	from = (from + page - 1) / page * page
	to = min(to, int64(len(m.data)))
	if to > from {
		syscall.Madvise(m.data[from:to], syscall.MADV_DONTNEED)
	}
}

func (m *mappedFile) close() { syscall.Munmap(m.data) }
