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

// An import into a database without signals sums each deal's evidence as
// its signals go by, and leaves the deals whose signals come apart to the
// commit's pass over the stored signals. Both must store what the SQL
// gives: here the same signals imported into a database that already had
// one signal, which takes the SQL path for every deal.
func TestEvidenceSummedInOrderMatchesSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const n = 2500 // above the bulk threshold
	var deals []cartera.Deal
	var together, apart []cartera.Signal
	kinds := []cartera.SignalKind{cartera.SignalNoReply, cartera.SignalMeetingHeld, cartera.SignalNoReply, cartera.SignalStatusCheck}
	for i := n - 1; i >= 0; i-- { // not in id order
		id := fmt.Sprintf("D%05d", i)
		deals = append(deals, cartera.Deal{ID: id, Title: "x", Value: cartera.Money{Amount: 100, Currency: "EUR"}, Stage: "lead",
			Created: cartera.DateOf(2026, 1, 1), Outcome: cartera.OutcomeOpen})
		if i%5 == 0 {
			continue // no signals
		}
		for j := 0; j < 1+i%9; j++ {
			// Days out of order, several signals of a kind on its last
			// day with different unanswered days.
			s := cartera.Signal{ID: fmt.Sprintf("S%05d-%d", i, j), DealID: id, Kind: kinds[(i+j)%len(kinds)],
				Day: cartera.DateOf(2026, 2, 1+(i*7+j*5)%4), Days: (i*3 + j*11) % 17}
			if i%7 == 0 && j%2 == 1 {
				apart = append(apart, s) // this deal's signals come apart
			} else {
				together = append(together, s)
			}
		}
	}
	sigs := append(together, apart...)
	pos := func(k int) []int64 {
		p := make([]int64, k)
		for i := range p {
			p[i] = int64(i + 2)
		}
		return p
	}
	load := func(st cartera.Store, deals []cartera.Deal, sigs []cartera.Signal) {
		tx, err := st.BeginImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.PutDeals(ctx, deals, pos(len(deals))); err != nil {
			t.Fatal(err)
		}
		for start := 0; start < len(sigs); start += 1000 { // batches as an import sends them
			part := sigs[start:min(start+1000, len(sigs))]
			if _, err := tx.PutSignals(ctx, part, pos(len(part))); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	summed := open(t)
	load(summed, deals, sigs)
	bySQL := open(t)
	other := cartera.Deal{ID: "Z", Title: "x", Value: cartera.Money{Amount: 1, Currency: "EUR"}, Stage: "lead",
		Created: cartera.DateOf(2026, 1, 1), Outcome: cartera.OutcomeOpen}
	load(bySQL, []cartera.Deal{other}, []cartera.Signal{{ID: "Z1", DealID: "Z", Kind: cartera.SignalNoReply, Day: cartera.DateOf(2026, 2, 1)}})
	load(bySQL, deals, sigs)
	evidence := func(st cartera.Store) map[string]cartera.Evidence {
		out := map[string]cartera.Evidence{}
		if err := st.DealFacts(ctx, cartera.DealFactsQuery{}, func(f *cartera.DealFacts) error {
			out[f.Deal.ID] = f.Evidence
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got, want := evidence(summed), evidence(bySQL)
	if len(got) != n {
		t.Fatalf("%d deals, want %d", len(got), n)
	}
	withTies := 0
	for id, ev := range got {
		if ev != want[id] {
			t.Errorf("%s: summed %+v, SQL %+v", id, ev, want[id])
		}
		if ev.Of(cartera.SignalNoReply).Count > 1 {
			withTies++
		}
	}
	if withTies == 0 {
		t.Fatal("no deal has several no_reply signals: the test checks nothing")
	}
}
