// Package keyset numbers a large set of string keys (record ids) in a few
// flat slices instead of a Go map: the keys back to back in one byte slice,
// where each starts in another, and an open-addressing table of numbers.
//
// An import keeps such sets for the whole run: the deal ids signals are
// checked against, the deals whose evidence the commit recomputes. A
// million ids of ten bytes cost about 22 MB here against some 60 MB in a
// map[string]…, plus the map's growth and the strings the garbage
// collector scans on every cycle; these slices hold no pointers.
package keyset

import (
	"hash/maphash"
	"math"
)

// Set numbers distinct keys 0, 1, 2, … in the order they are first added.
// The zero value is an empty set ready to use.
type Set struct {
	seed maphash.Seed
	// data holds the keys back to back; key i is data[start(i):start(i+1)].
	data []byte
	// start holds where each key starts in data as 32-bit offsets: half
	// the memory of ints for ids of a few bytes. Past 4 GiB of keys the
	// offsets move to wide, which then holds them all, and start is
	// dropped.
	start []uint32
	wide  []int
	// slots is the hash table: 0 for an empty slot, else a key's number
	// plus one. Its length is a power of two, at least twice the keys.
	slots []uint32
}

// Len is the number of keys.
func (s *Set) Len() int {
	if s.wide != nil {
		return len(s.wide) - 1
	}
	return max(len(s.start)-1, 0)
}

// Key returns key number i.
func (s *Set) Key(i int) string { return string(s.key(i)) }

// key returns key number i in place.
func (s *Set) key(i int) []byte {
	if s.wide != nil {
		return s.data[s.wide[i]:s.wide[i+1]]
	}
	return s.data[s.start[i]:s.start[i+1]]
}

// Find returns the number of key, if the set has it.
func (s *Set) Find(key string) (int, bool) {
	if len(s.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(s.slots) - 1)
	for h := maphash.String(s.seed, key) & mask; ; h = (h + 1) & mask {
		n := s.slots[h]
		if n == 0 {
			return 0, false
		}
		if i := int(n - 1); string(s.key(i)) == key {
			return i, true
		}
	}
}

// Add adds key if it is new and returns its number either way.
func (s *Set) Add(key string) (i int, added bool) {
	if i, ok := s.Find(key); ok {
		return i, false
	}
	if s.wide == nil && len(s.start) == 0 {
		s.seed = maphash.MakeSeed()
		s.start = append(s.start, 0)
	}
	i = s.Len()
	s.data = append(s.data, key...)
	if s.wide == nil && !narrow(len(s.data)) {
		s.widen()
	}
	if s.wide != nil {
		s.wide = append(s.wide, len(s.data))
	} else {
		s.start = append(s.start, uint32(len(s.data)))
	}
	if 2*(i+1) > len(s.slots) {
		s.grow()
	} else {
		s.place(i)
	}
	return i, true
}

// narrow is whether an offset fits the 32 bits of start.
func narrow(offset int) bool { return uint64(offset) <= math.MaxUint32 }

// widen moves the offsets from start to wide, for keys past 4 GiB.
func (s *Set) widen() {
	s.wide = make([]int, len(s.start), len(s.start)+len(s.start)/4+1)
	for i, o := range s.start {
		s.wide[i] = int(o)
	}
	s.start = nil
}

// place puts key number i in the table.
func (s *Set) place(i int) {
	mask := uint64(len(s.slots) - 1)
	h := maphash.Bytes(s.seed, s.key(i)) & mask
	for s.slots[h] != 0 {
		h = (h + 1) & mask
	}
	s.slots[h] = uint32(i + 1)
}

// grow doubles the table and places every key again.
func (s *Set) grow() {
	s.slots = make([]uint32, max(2*len(s.slots), 1024))
	for i := range s.Len() {
		s.place(i)
	}
}
