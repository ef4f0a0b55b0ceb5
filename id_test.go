package cartera

import "testing"

func TestNewIDIsAValidIDAndVaries(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID("REF")
		if len(id) != len("REF-")+8 || id[:4] != "REF-" {
			t.Fatalf("NewID = %q", id)
		}
		if err := validID("id", id); err != nil {
			t.Fatalf("NewID = %q: %v", id, err)
		}
		if seen[id] {
			t.Fatalf("NewID repeated %q within 1000 draws", id)
		}
		seen[id] = true
	}
}
