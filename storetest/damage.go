package storetest

import (
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/cartera/cartera"
)

// Exec runs one statement with ? placeholders on a store's own database,
// outside the store's methods: what a damaged disk or another program does.
type Exec func(st cartera.Store, query string, args ...any) error

// DamagedFactsCache checks that a facts cache is never a reason to fail: a
// chunk whose bytes do not parse, or whose entries do not decode, gives the
// same figures as a sound cache, read after read.
func DamagedFactsCache(t *testing.T, open Opener, exec Exec) {
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24),
		MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	// An entry for C1 whose figures are of no known version.
	badEntry := binary.AppendUvarint(nil, 2)
	badEntry = append(badEntry, "C1"...)
	badEntry = append(badEntry, 1, 0xEE)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"UnreadableChunk", []byte{0xFF}},
		{"TruncatedChunk", []byte{5, 'C'}},
		{"UndecodableEntry", badEntry},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := open(t)
			t.Cleanup(func() { st.Close() })
			Load(t, st, NewFixture())
			want := allFacts(t, st, q) // fills the cache
			if err := exec(st, `UPDATE facts_cache SET data = ? WHERE first_id = (SELECT min(first_id) FROM facts_cache)`, tc.data); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if got := allFacts(t, st, q); !reflect.DeepEqual(got, want) {
					t.Fatalf("read %d over a damaged cache:\n got %+v\nwant %+v", i+1, got, want)
				}
			}
		})
	}
}
