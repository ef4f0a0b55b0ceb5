//go:build !linux

package capture

import (
	"errors"
	"os"
)

// mappedFile is only used on Linux; elsewhere an mbox is read with
// positioned reads.
type mappedFile struct{ data []byte }

func mapFile(*os.File, int64) (*mappedFile, error) {
	return nil, errors.New("not mapped on this system")
}

func (m *mappedFile) release(from, to int64) {}

func (m *mappedFile) close() {}
