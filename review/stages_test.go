package review_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/review"
	"github.com/cartera/cartera/sqlite"
)

// A closed deal imported "stage unknown" learns, in the backtest and in
// the live stage rates alike, from the last stage its history entered on
// or before its close: never from a move after it, never from a deal
// closed after the day asked about, and without a history it stays
// unknown (the first stage, which every deal reached).
func TestClosedStageUnknownLearnsFromItsHistory(t *testing.T) {
	t.Parallel()
	day := func(m time.Month, d int) cartera.Date { return cartera.DateOf(2026, m, d) }
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "stages.db"), cartera.FixedClock(asOf.Time(time.UTC).Add(12*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	closed := func(id string, outcome cartera.Outcome, on cartera.Date) cartera.Deal {
		return cartera.Deal{ID: id, Prospect: "Acme " + id, Owner: "Ana", Value: cartera.Money{Amount: 1000, Currency: "EUR"},
			Created: day(2, 1), StageSince: day(2, 1), Outcome: outcome, Closed: on}
	}
	deals := []cartera.Deal{
		closed("A", cartera.OutcomeWon, day(3, 10)),  // negotiation from 1 March
		closed("B", cartera.OutcomeLost, day(3, 10)), // proposal; negotiation logged after the close
		closed("C", cartera.OutcomeWon, day(3, 10)),  // no history
		closed("E", cartera.OutcomeLost, day(5, 10)), // qualified, closed after 15 April
	}
	moves := []cartera.StageMove{
		{DealID: "A", Day: day(2, 1), Stage: "lead", Seq: 1}, {DealID: "A", Day: day(3, 1), Stage: "negotiation", Seq: 2},
		{DealID: "B", Day: day(2, 1), Stage: "lead", Seq: 1}, {DealID: "B", Day: day(3, 5), Stage: "proposal", Seq: 2},
		{DealID: "B", Day: day(3, 20), Stage: "negotiation", Seq: 3},
		{DealID: "E", Day: day(2, 1), Stage: "lead", Seq: 1}, {DealID: "E", Day: day(4, 1), Stage: "qualified", Seq: 2},
	}
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.PutDeals(ctx, deals, []int64{2, 3, 4, 5}); err != nil {
		t.Fatal(err)
	}
	if err := tx.PutStageHistory(ctx, moves); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		asOf   cartera.Date
		stages bool
		want   []cartera.Stage // in id order: A, B, C, E
	}{
		{"every closed deal", 0, true, []cartera.Stage{"negotiation", "proposal", "", "qualified"}},
		{"as of 15 April: E had not closed", day(4, 15), true, []cartera.Stage{"negotiation", "proposal", ""}},
		{"the live model does not read the histories", 0, false, []cartera.Stage{"", "", "", ""}},
	}
	for _, tc := range tests {
		got, err := review.ClosedDeals(ctx, st, tc.asOf, tc.stages)
		if err != nil {
			t.Fatal(err)
		}
		var stages []cartera.Stage
		for _, c := range got {
			stages = append(stages, c.Stage)
		}
		if len(stages) != len(tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, stages, tc.want)
			continue
		}
		for i := range stages {
			if stages[i] != tc.want[i] {
				t.Errorf("%s: %q, want %q", tc.name, stages, tc.want)
				break
			}
		}
	}

	// The live rates as of 15 April count the same: negotiation reached by
	// A (won), proposal by A and B, lead by all three.
	m, err := review.ModelAsOf(ctx, st, day(4, 15))
	if err != nil {
		t.Fatal(err)
	}
	want := map[cartera.Stage][2]int{"lead": {3, 2}, "qualified": {2, 1}, "proposal": {2, 1}, "negotiation": {1, 1}}
	for _, r := range m.Rates() {
		if w := want[r.Stage]; r.Reached != w[0] || r.Won != w[1] {
			t.Errorf("rate of %s: %d of %d won, want %d of %d", r.Stage, r.Won, r.Reached, w[1], w[0])
		}
	}
}
