package keyset

import (
	"fmt"
	"testing"
)

func TestSet(t *testing.T) {
	var s Set
	if _, ok := s.Find("x"); ok || s.Len() != 0 {
		t.Fatal("empty set finds a key")
	}
	const n = 5000 // several times the first table
	for i := range n {
		k := fmt.Sprintf("O-%07d", i)
		j, added := s.Add(k)
		if !added || j != i {
			t.Fatalf("Add(%q) = %d, %v; want %d, true", k, j, added, i)
		}
		if j, added := s.Add(k); added || j != i {
			t.Fatalf("second Add(%q) = %d, %v; want %d, false", k, j, added, i)
		}
	}
	if s.Len() != n {
		t.Fatalf("Len = %d, want %d", s.Len(), n)
	}
	for i := range n {
		k := fmt.Sprintf("O-%07d", i)
		if j, ok := s.Find(k); !ok || j != i || s.Key(j) != k {
			t.Fatalf("Find(%q) = %d, %v", k, j, ok)
		}
	}
	for _, k := range []string{"", "O-", fmt.Sprintf("O-%07d", n), "O-0000001 "} {
		if _, ok := s.Find(k); ok {
			t.Errorf("Find(%q) found a key never added", k)
		}
	}
	if j, added := s.Add(""); !added || s.Key(j) != "" {
		t.Error("the empty key is a key like any other")
	}
	if _, ok := s.Find(""); !ok {
		t.Error("the empty key, once added, is found")
	}
}

func TestOffsetsPast4GiB(t *testing.T) {
	for _, tt := range []struct {
		offset int
		want   bool
	}{
		{0, true},
		{1<<32 - 1, true}, // the last byte a 32-bit offset reaches
		{1 << 32, false},
		{1<<32 + 1, false},
	} {
		if got := narrow(tt.offset); got != tt.want {
			t.Errorf("narrow(%d) = %v, want %v", tt.offset, got, tt.want)
		}
	}

	// A set that widens halfway keeps every key and goes on numbering.
	var s Set
	const n = 3000
	for i := range n {
		if i == n/2 {
			s.widen()
		}
		k := fmt.Sprintf("O-%07d", i)
		if j, added := s.Add(k); !added || j != i {
			t.Fatalf("Add(%q) = %d, %v; want %d, true", k, j, added, i)
		}
	}
	if s.start != nil || s.Len() != n {
		t.Fatalf("after widening: start %d offsets, Len %d", len(s.start), s.Len())
	}
	for i := range n {
		k := fmt.Sprintf("O-%07d", i)
		if j, ok := s.Find(k); !ok || j != i || s.Key(j) != k {
			t.Fatalf("Find(%q) = %d, %v", k, j, ok)
		}
	}
	if _, ok := s.Find(fmt.Sprintf("O-%07d", n)); ok {
		t.Error("a widened set finds a key never added")
	}
}
