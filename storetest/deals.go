package storetest

import (
	"fmt"
	"testing"

	"github.com/cartera/cartera"
)

// dealFacts collects DealFacts by deal id (copies: the store reuses them).
func dealFacts(t *testing.T, st cartera.Store, q cartera.DealFactsQuery) map[string]cartera.DealFacts {
	t.Helper()
	out := map[string]cartera.DealFacts{}
	var last string
	err := st.DealFacts(ctx, q, func(f *cartera.DealFacts) error {
		if f.Deal.ID <= last {
			t.Errorf("DealFacts out of order: %s after %s", f.Deal.ID, last)
		}
		last = f.Deal.ID
		out[f.Deal.ID] = *f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func testDeals(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	// A new deal fills in its stage day and starts at version 1.
	x, err := st.SaveDeal(ctx, cartera.Deal{ID: "D9", ClientID: "C2", Title: "Escaparate", Owner: "Andrés",
		Value: eur(50000), Stage: "lead", Created: d(2026, 11, 2)})
	if err != nil || x.Version != 1 || x.StageSince != d(2026, 11, 2) || x.Outcome != cartera.OutcomeOpen {
		t.Fatalf("new deal: %+v %v", x, err)
	}
	x.Stage = "proposal"
	if x, err = st.SaveDeal(ctx, x); err != nil || x.Version != 2 || x.StageSince <= d(2026, 11, 2) {
		t.Fatalf("a stage change moves the stage day: %+v %v", x, err)
	}
	x.Version = 1
	if _, err := st.SaveDeal(ctx, x); code(err) != cartera.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	bad := []struct {
		name  string
		edit  func(*cartera.Deal)
		field string
	}{
		{"unknown stage", func(d *cartera.Deal) { d.Stage = "signed" }, "stage"},
		{"closed before created", func(x *cartera.Deal) {
			x.Outcome, x.Closed = cartera.OutcomeLost, d(2026, 10, 1)
		}, "closed"},
		{"probability over 100", func(d *cartera.Deal) { d.Claimed = 14000 }, "claimed"},
		{"currency mismatch with the client", func(d *cartera.Deal) { d.Value.Currency = "USD" }, "currency"},
		{"unknown client", func(d *cartera.Deal) { d.ClientID = "nope" }, "client_id"},
		{"no name", func(d *cartera.Deal) { d.Title, d.Prospect = "", "" }, "title"},
		{"bad answer", func(d *cartera.Deal) { d.Qualification.Need = "quizá" }, "need"},
	}
	for _, b := range bad {
		y := x
		y.Version = 2 // the stored one: only the edit is wrong
		b.edit(&y)
		if _, err := st.SaveDeal(ctx, y); code(err) != cartera.EINVALID || field(err) != b.field {
			t.Errorf("%s: want invalid %s, got %v", b.name, b.field, err)
		}
	}
	if got, _ := st.Deal(ctx, "D9"); got.Stage != "proposal" || got.Version != 2 {
		t.Errorf("refused saves changed the deal: %+v", got)
	}
	// Lists filter by seller, stage and outcome.
	page, next, err := st.ListDeals(ctx, cartera.DealQuery{Owner: "ANDRÉS", Outcome: cartera.OutcomeOpen, Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != "D2" || next == "" {
		t.Fatalf("first page: %v %q %v", page, next, err)
	}
	page, next, err = st.ListDeals(ctx, cartera.DealQuery{Owner: "andres", Outcome: cartera.OutcomeOpen, After: next, Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != "D9" || next != "" {
		t.Fatalf("second page: %v %q %v", page, next, err)
	}
	if page, _, _ := st.ListDeals(ctx, cartera.DealQuery{Stage: "proposal"}); len(page) != 3 {
		t.Errorf("deals in proposal: %v", page)
	}
	owners, err := st.DealOwners(ctx)
	if err != nil || len(owners) != 2 || owners[0] != "Andrés" || owners[1] != "Lucía" {
		t.Errorf("owners: %v %v", owners, err)
	}
	tally, err := st.ClosedByStage(ctx, 0)
	if err != nil || len(tally) != 2 {
		t.Fatalf("closed by stage: %v %v", tally, err)
	}
	for _, x := range tally {
		if (x.Stage == "negotiation" && (x.Won != 1 || x.Lost != 0)) || (x.Stage == "proposal" && (x.Won != 0 || x.Lost != 1)) {
			t.Errorf("tally %+v", x)
		}
	}
	if tally, _ := st.ClosedByStage(ctx, d(2026, 6, 15)); len(tally) != 1 || tally[0].Stage != "negotiation" {
		t.Errorf("closed before 15 June: %v", tally)
	}
	// Signals: unknown deal refused; a deal's signals newest first.
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S9", DealID: "nope", Kind: cartera.SignalMeetingHeld, Day: d(2026, 11, 3)}); code(err) != cartera.EINVALID || field(err) != "deal_id" {
		t.Errorf("signal on an unknown deal: %v", err)
	}
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S9", DealID: "D9", Kind: "rumour", Day: d(2026, 11, 3)}); field(err) != "kind" {
		t.Errorf("unknown kind: %v", err)
	}
	sigs, err := st.Signals(ctx, "D1")
	if err != nil || len(sigs) != 4 || sigs[0].ID != "S3" || sigs[3].ID != "S2" {
		t.Errorf("signals of D1: %v %v", sigs, err)
	}
	ls, _, err := st.ListSignals(ctx, cartera.RecordQuery{Owner: "andrés"})
	if err != nil || len(ls) != 1 || ls[0].ID != "S7" {
		t.Errorf("Andrés's signals: %v %v", ls, err)
	}
	// A client with deals cannot be deleted; a deal goes with its signals.
	if err := st.Delete(ctx, cartera.EntityClients, "C3", 0); code(err) != cartera.ECONFLICT {
		t.Errorf("deleting a client with a deal: %v", err)
	}
	if err := st.Delete(ctx, cartera.EntityDeals, "D1", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Signal(ctx, "S1"); code(err) != cartera.ENOTFOUND {
		t.Errorf("a deleted deal's signals remain: %v", err)
	}
	n, _ := st.Counts(ctx)
	if n[cartera.EntityDeals] != 4 || n[cartera.EntitySignals] != 3 {
		t.Errorf("counts after delete: %v", n)
	}
}

func testWonEvidence(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	d2, err := st.Deal(ctx, "D2")
	if err != nil {
		t.Fatal(err)
	}
	won := d2
	won.Outcome, won.Closed = cartera.OutcomeWon, d(2026, 11, 20)
	if _, err := st.SaveDeal(ctx, won); code(err) != cartera.EINVALID || field(err) != "outcome" {
		t.Fatalf("won without evidence: %v", err)
	}
	// Words are not evidence.
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S20", DealID: "D2", Kind: cartera.SignalVerbalIntent, Day: d(2026, 11, 10)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveDeal(ctx, won); code(err) != cartera.EINVALID {
		t.Fatalf("won on a verbal promise: %v", err)
	}
	// A purchase order dated after the close day does not count either.
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S21", DealID: "D2", Kind: cartera.SignalPurchaseOrder, Day: d(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveDeal(ctx, won); code(err) != cartera.EINVALID {
		t.Fatalf("won on later evidence: %v", err)
	}
	won.Closed = d(2026, 11, 22)
	got, err := st.SaveDeal(ctx, won)
	if err != nil || got.Outcome != cartera.OutcomeWon {
		t.Fatalf("won with a purchase order: %+v %v", got, err)
	}
	if err := st.Delete(ctx, cartera.EntitySignals, "S21", 0); code(err) != cartera.ECONFLICT {
		t.Errorf("deleting the only proof of a won deal: %v", err)
	}
	if err := st.Delete(ctx, cartera.EntitySignals, "S20", 0); err != nil {
		t.Errorf("deleting another signal: %v", err)
	}
	// Lost needs no evidence.
	d1, _ := st.Deal(ctx, "D1")
	d1.Outcome, d1.Closed, d1.LostReason = cartera.OutcomeLost, d(2026, 11, 21), "sin presupuesto"
	if _, err := st.SaveDeal(ctx, d1); err != nil {
		t.Errorf("lost: %v", err)
	}
}

func testEvidence(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	f := dealFacts(t, st, cartera.DealFactsQuery{})
	if len(f) != 4 {
		t.Fatalf("%d deals", len(f))
	}
	ev := f["D1"].Evidence
	nr := ev.Of(cartera.SignalNoReply)
	if nr.Count != 2 || nr.First != d(2026, 11, 1) || nr.Last != d(2026, 11, 20) || nr.Days != 12 {
		t.Errorf("no_reply evidence after import: %+v", nr)
	}
	if ev.Total() != 4 || ev.Of(cartera.SignalMeetingHeld).Last != d(2026, 9, 20) {
		t.Errorf("D1 evidence: %+v", ev)
	}
	if e := f["D2"].Evidence; e.Total() != 0 {
		t.Errorf("D2 has no signals: %+v", e)
	}
	// A single save, a move to another deal and a delete all show.
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S30", DealID: "D2", Kind: cartera.SignalBudgetConfirmed, Day: d(2026, 11, 5), Source: "email"}); err != nil {
		t.Fatal(err)
	}
	s1, err := st.Signal(ctx, "S1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S1", DealID: "D2", Kind: cartera.SignalVerbalIntent, Day: d(2026, 10, 10), Source: "call",
		Version: s1.Version}); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, cartera.EntitySignals, "S3", 0); err != nil {
		t.Fatal(err)
	}
	f = dealFacts(t, st, cartera.DealFactsQuery{Outcome: cartera.OutcomeOpen})
	if len(f) != 2 {
		t.Fatalf("open deals: %d", len(f))
	}
	if e := f["D2"].Evidence; e.Total() != 2 || e.Of(cartera.SignalBudgetConfirmed).Count != 1 {
		t.Errorf("D2 after saves: %+v", e)
	}
	if e := f["D1"].Evidence; e.Total() != 2 || e.Of(cartera.SignalNoReply).Days != 5 || e.Of(cartera.SignalVerbalIntent).Count != 0 {
		t.Errorf("D1 after the move and delete: %+v", e)
	}
	// Filters by seller and by ids.
	if f := dealFacts(t, st, cartera.DealFactsQuery{Owner: "lucia"}); len(f) != 2 {
		t.Errorf("Lucía's deals: %d", len(f))
	}
	if f := dealFacts(t, st, cartera.DealFactsQuery{IDs: []string{"D4", "D2"}}); len(f) != 2 || f["D4"].Deal.ID != "D4" {
		t.Errorf("by ids: %v", f)
	}
}

func testDealFactsAsOf(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	// Calibration sees a closed deal as it stood Horizon days before it
	// closed: D3's contract (signed two days before) is not known yet.
	f := dealFacts(t, st, cartera.DealFactsQuery{Outcome: cartera.OutcomeClosed, Horizon: 7})
	if len(f) != 2 {
		t.Fatalf("closed deals: %d", len(f))
	}
	d3 := f["D3"]
	if d3.AsOf != d(2026, 5, 25) {
		t.Errorf("D3 as of %v", d3.AsOf)
	}
	if d3.Evidence.Of(cartera.SignalContractSigned).Count != 0 || d3.Evidence.Of(cartera.SignalMeetingHeld).Count != 1 {
		t.Errorf("D3 evidence as of a week before closing: %+v", d3.Evidence)
	}
	if d4 := f["D4"]; d4.Evidence.Total() != 0 {
		t.Errorf("D4's competitor came up 3 days before it closed: %+v", d4.Evidence)
	}
	// With no horizon, everything is known.
	all := dealFacts(t, st, cartera.DealFactsQuery{Outcome: cartera.OutcomeClosed})
	if ev := all["D3"].Evidence; ev.Of(cartera.SignalContractSigned).Count != 1 {
		t.Errorf("D3 without horizon: %+v", ev)
	}
}

func testPipeline(t *testing.T, st cartera.Store) {
	p, err := st.Pipeline(ctx)
	if err != nil || len(p.Stages) != len(cartera.DefaultPipeline().Stages) {
		t.Fatalf("default pipeline: %+v %v", p, err)
	}
	Load(t, st, NewFixture())
	p.Stages = append(p.Stages, cartera.StageConfig{ID: "demo", Prior: 3000, MaxAge: 7})
	if err := st.SavePipeline(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Pipeline(ctx); !got.Has("demo") {
		t.Errorf("stored pipeline: %+v", got)
	}
	// Dropping a stage with deals in it is refused.
	p.Stages = p.Stages[1:]
	if err := st.SavePipeline(ctx, p); code(err) != cartera.ECONFLICT {
		t.Errorf("dropping the lead stage with deals in it: %v", err)
	}
	p.Stages = nil
	if err := st.SavePipeline(ctx, p); code(err) != cartera.EINVALID {
		t.Errorf("empty pipeline: %v", err)
	}
}

// A large import computes every touched deal's evidence in one statement
// at commit, and a signal moved to another deal leaves its old deal's
// evidence right too.
func testImportEvidence(t *testing.T, st cartera.Store) {
	const n = 2500
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
	load := func(deals []cartera.Deal, sigs []cartera.Signal) {
		t.Helper()
		tx, err := st.BeginImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.PutDeals(ctx, deals, positions(len(deals))); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.PutSignals(ctx, sigs, positions(len(sigs))); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	load(deals, sigs)
	// S00001-0, one of D00001's two signals, moves to D00000.
	load(nil, []cartera.Signal{{ID: "S00001-0", DealID: "D00000", Kind: cartera.SignalNoReply, Day: cartera.DateOf(2026, 2, 1)}})
	seen := 0
	err := st.DealFacts(ctx, cartera.DealFactsQuery{}, func(f *cartera.DealFacts) error {
		var i int
		fmt.Sscanf(f.Deal.ID, "D%05d", &i)
		nr := f.Evidence.Of(cartera.SignalNoReply)
		want := 0
		if i%3 != 0 {
			want = 1 + i%4
		}
		switch i {
		case 0:
			want = 1
		case 1:
			want = 1 // of its two
		}
		if nr.Count != want || (want > 1 && (nr.Last != cartera.DateOf(2026, 2, want) || nr.Days != 10*(want-1))) {
			t.Errorf("%s: %+v, want %d signals", f.Deal.ID, nr, want)
		}
		seen++
		return nil
	})
	if err != nil || seen != n {
		t.Fatalf("%d deals, %v", seen, err)
	}
}
