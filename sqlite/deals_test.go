package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cartera/cartera"
)

// A large import recomputes evidence in one pass over the signal index
// instead of one query per deal; both must give the same summaries.
func TestBulkEvidenceMatchesPerDeal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	const n = 2500 // above the bulk threshold
	var deals []cartera.Deal
	var sigs []cartera.Signal
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("D%05d", i)
		deals = append(deals, cartera.Deal{ID: id, Title: "x", Value: cartera.Money{Amount: 100, Currency: "EUR"}, Stage: "lead",
			Created: cartera.DateOf(2026, 1, 1), Outcome: cartera.OutcomeOpen})
		if i%3 == 0 {
			continue // some deals without signals
		}
		for j := 0; j < 1+i%4; j++ {
			sigs = append(sigs, cartera.Signal{ID: fmt.Sprintf("S%05d-%d", i, j), DealID: id, Kind: cartera.SignalNoReply,
				Day: cartera.DateOf(2026, 2, 1+j), Days: 10 * j})
		}
	}
	pos := func(k int) []int64 {
		p := make([]int64, k)
		for i := range p {
			p[i] = int64(i + 2)
		}
		return p
	}
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.PutDeals(ctx, deals, pos(len(deals))); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.PutSignals(ctx, sigs, pos(len(sigs))); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	seen := 0
	err = st.DealFacts(ctx, cartera.DealFactsQuery{}, func(f *cartera.DealFacts) error {
		var i int
		fmt.Sscanf(f.Deal.ID, "D%05d", &i)
		nr := f.Evidence.Of(cartera.SignalNoReply)
		want := 0
		if i%3 != 0 {
			want = 1 + i%4
		}
		if nr.Count != want || (want > 0 && (nr.Last != cartera.DateOf(2026, 2, want) || nr.Days != 10*(want-1))) {
			t.Errorf("%s: %+v, want %d signals", f.Deal.ID, nr, want)
		}
		seen++
		return nil
	})
	if err != nil || seen != n {
		t.Fatalf("%d deals, %v", seen, err)
	}
}
