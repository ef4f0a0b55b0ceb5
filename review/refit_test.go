package review_test

import (
	"context"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/review"
)

// countingStore counts the writes of the fit's setting.
type countingStore struct {
	cartera.Store
	puts int
}

func (c *countingStore) PutSetting(ctx context.Context, key, value string) error {
	if key == "forecast_fit" {
		c.puts++
	}
	return c.Store.PutSetting(ctx, key, value)
}

// The scheduled refit runs when the deals changed since the stored
// decision, and only then; a refit that finds the same decision stored
// writes nothing (a write would rebuild every cached page).
func TestRefitIfChangedRunsOnlyWhenDealsChanged(t *testing.T) {
	t.Parallel()
	st := &countingStore{Store: demoStore(t)}
	// No decision yet and deals: the first night makes one.
	ran, err := review.RefitIfChanged(ctx, st, asOf)
	if err != nil || !ran || st.puts != 1 {
		t.Fatalf("first night: ran %v, %d writes, %v", ran, st.puts, err)
	}
	snap, ok, err := review.LoadFit(ctx, st)
	stamp, _ := review.DealsStamp(ctx, st)
	if err != nil || !ok || snap.AsOf != asOf || snap.Deals != stamp || stamp[:4] != "150:" {
		t.Fatalf("stored: %+v (stamp %s) %v", snap, stamp, err)
	}
	// Nothing changed: the next night does not replay.
	if ran, err := review.RefitIfChanged(ctx, st, asOf.AddDays(1)); err != nil || ran || st.puts != 1 {
		t.Errorf("unchanged deals: ran %v, %d writes, %v", ran, st.puts, err)
	}
	// A deal closes: the night after replays as of its day.
	d, err := st.Deal(ctx, "O-0002")
	if err != nil {
		t.Fatal(err)
	}
	d.Outcome, d.Closed = cartera.OutcomeLost, asOf
	if _, err := st.SaveDeal(ctx, d); err != nil {
		t.Fatal(err)
	}
	next := asOf.AddDays(1)
	if ran, err := review.RefitIfChanged(ctx, st, next); err != nil || !ran || st.puts != 2 {
		t.Errorf("a deal closed: ran %v, %d writes, %v", ran, st.puts, err)
	}
	if snap, _, _ := review.LoadFit(ctx, st); snap.AsOf != next || snap.Deals == stamp {
		t.Errorf("after the change: %+v", snap)
	}
	// The same replay again finds the same decision stored: no write.
	if _, err := review.Refit(ctx, st, next); err != nil || st.puts != 2 {
		t.Errorf("the same decision was written again (%d writes, %v)", st.puts, err)
	}
}

// After an import, the fit is made again only when a decision is stored;
// an empty store has nothing to refit at night either.
func TestRefitIfFittedNeedsADecision(t *testing.T) {
	t.Parallel()
	st := &countingStore{Store: demoStore(t)}
	if ran, err := review.RefitIfFitted(ctx, st, asOf); err != nil || ran || st.puts != 0 {
		t.Errorf("no decision stored: ran %v, %d writes, %v", ran, st.puts, err)
	}
	if _, err := review.Refit(ctx, st, asOf); err != nil {
		t.Fatal(err)
	}
	if ran, err := review.RefitIfFitted(ctx, st, asOf); err != nil || !ran {
		t.Errorf("a decision stored: ran %v, %v", ran, err)
	}
}
