package storetest

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
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
	// As of 15 May: D3 (won 1 June) and D4 (lost 1 July) are open, their
	// outcomes kept apart; D1 and D2 did not exist yet. D3's contract
	// (30 May) and D4's competitor (28 June) are not known.
	f := dealFacts(t, st, cartera.DealFactsQuery{Cut: d(2026, 5, 15)})
	if len(f) != 2 {
		t.Fatalf("deals as of 15 May: %v", f)
	}
	d3, d4 := f["D3"], f["D4"]
	if d3.Deal.Outcome != cartera.OutcomeOpen || !d3.Deal.Closed.IsZero() || d3.Truth != cartera.OutcomeWon || d3.TruthClosed != d(2026, 6, 1) {
		t.Errorf("D3 as of 15 May: %+v", d3)
	}
	if d4.Deal.Outcome != cartera.OutcomeOpen || d4.Deal.LostReason != "" || d4.Deal.Competitor != "" || d4.Truth != cartera.OutcomeLost {
		t.Errorf("D4 as of 15 May: %+v", d4.Deal)
	}
	if d3.AsOf != d(2026, 5, 15) || d3.Evidence.Of(cartera.SignalContractSigned).Count != 0 || d3.Evidence.Of(cartera.SignalMeetingHeld).Count != 1 {
		t.Errorf("D3 evidence as of 15 May: %+v", d3.Evidence)
	}
	if d4.Evidence.Total() != 0 {
		t.Errorf("D4's competitor came up on 28 June: %+v", d4.Evidence)
	}
	// The stage is the one the history gives: D3 entered negotiation on
	// 1 May; before that its history says nothing, and nothing is guessed.
	if d3.Deal.Stage != "negotiation" || d3.Deal.StageSince != d(2026, 5, 1) {
		t.Errorf("D3 stage as of 15 May: %s since %v", d3.Deal.Stage, d3.Deal.StageSince)
	}
	if e := dealFacts(t, st, cartera.DealFactsQuery{Cut: d(2026, 4, 15)})["D3"]; e.Deal.Stage != "" {
		t.Errorf("D3 stage as of 15 April: %q, want unknown", e.Deal.Stage)
	}
	// Outcome filters read the outcome as known that day.
	if open := dealFacts(t, st, cartera.DealFactsQuery{Cut: d(2026, 6, 15), Outcome: cartera.OutcomeOpen}); len(open) != 1 || open["D4"].Deal.ID == "" {
		t.Errorf("open on 15 June: %v", open)
	}
	if closed := dealFacts(t, st, cartera.DealFactsQuery{Cut: d(2026, 6, 15), Outcome: cartera.OutcomeClosed}); len(closed) != 1 || closed["D3"].Deal.Outcome != cartera.OutcomeWon {
		t.Errorf("closed on 15 June: %v", closed)
	}
	// A CRM's stage history fills in what was unknown: D3 was in proposal
	// from 10 April.
	if err := putStageHistory(st, nil, []cartera.StageMove{{DealID: "D3", Day: d(2026, 4, 10), Stage: "proposal", Seq: 1},
		{DealID: "D3", Day: d(2026, 5, 1), Stage: "negotiation", Seq: 2}}); err != nil {
		t.Fatal(err)
	}
	if e := dealFacts(t, st, cartera.DealFactsQuery{Cut: d(2026, 4, 15)})["D3"]; e.Deal.Stage != "proposal" || e.Deal.StageSince != d(2026, 4, 10) {
		t.Errorf("D3 as of 15 April with its history: %s since %v", e.Deal.Stage, e.Deal.StageSince)
	}
	if h, err := st.StageHistory(ctx, "D3"); err != nil || len(h) != 2 {
		t.Errorf("D3's history, the move already recorded kept once: %+v %v", h, err)
	}
	// Without a cut, everything stored is known.
	all := dealFacts(t, st, cartera.DealFactsQuery{Outcome: cartera.OutcomeClosed})
	if ev := all["D3"].Evidence; ev.Of(cartera.SignalContractSigned).Count != 1 || all["D3"].Truth != "" {
		t.Errorf("D3 without a cut: %+v", all["D3"])
	}
}

// asOfFigures is everything an as-of reading of day cut yields: each deal
// as known then, the stage rates learned by then, and each deal's grounded
// probability.
func asOfFigures(t *testing.T, st cartera.Store, cut cartera.Date) string {
	t.Helper()
	p, err := st.Pipeline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tallies, err := st.ClosedByStage(ctx, cut+1)
	if err != nil {
		t.Fatal(err)
	}
	m := forecast.New(p, forecast.LearnRates(p, tallies))
	out := fmt.Sprintf("rates %+v\n", m.Rates())
	for id, f := range dealFacts(t, st, cartera.DealFactsQuery{Cut: cut}) {
		g := m.Ground(&f, cut)
		f.Truth, f.TruthClosed, f.Deal.Version = "", 0, 0
		out += fmt.Sprintf("%s %+v %+v grounded %v\n", id, f.Deal, f.Evidence, g.P)
	}
	return out
}

// Nothing that happens after a day can change what is known as of it: a
// deal's later outcome, later signals, later stage moves and deals closed
// later.
func testAsOfDoesNotLeak(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	cut := d(2026, 10, 15)
	before := asOfFigures(t, st, cut)
	// A stage move after the cut is recorded in the history…
	d1, err := st.Deal(ctx, "D1")
	if err != nil {
		t.Fatal(err)
	}
	d1.Stage, d1.StageSince = "negotiation", d(2026, 11, 2)
	if d1, err = st.SaveDeal(ctx, d1); err != nil {
		t.Fatal(err)
	}
	h, err := st.StageHistory(ctx, "D1")
	if err != nil || len(h) != 2 || h[0].Stage != "proposal" || h[0].Day != d(2026, 10, 1) || h[1].Stage != "negotiation" || h[1].Day != d(2026, 11, 2) {
		t.Fatalf("D1's stage history: %+v %v", h, err)
	}
	// …a signal after the cut, and the deal's outcome after the cut…
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S9", DealID: "D1", Kind: cartera.SignalBudgetConfirmed, Day: d(2026, 11, 3)}); err != nil {
		t.Fatal(err)
	}
	d1.Outcome, d1.Closed, d1.LostReason = cartera.OutcomeLost, d(2026, 11, 24), "precio"
	if _, err := st.SaveDeal(ctx, d1); err != nil {
		t.Fatal(err)
	}
	// …and a deal that opened before the cut and closed after it, won.
	old := cartera.Deal{ID: "D7", Prospect: "Hotel Mar", Owner: "Lucía", Value: eur(100000), Stage: "lead", Created: d(2026, 9, 1)}
	if _, err := st.SaveDeal(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S10", DealID: "D7", Kind: cartera.SignalPurchaseOrder, Day: d(2026, 11, 10)}); err != nil {
		t.Fatal(err)
	}
	old, _ = st.Deal(ctx, "D7")
	old.Outcome, old.Closed = cartera.OutcomeWon, d(2026, 11, 10)
	if _, err := st.SaveDeal(ctx, old); err != nil {
		t.Fatal(err)
	}
	after := asOfFigures(t, st, cut)
	// D7 existed on the cut day (open, in lead, no signal): it is the only
	// new line, and nothing else moved.
	d7, err := st.Deal(ctx, "D7")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("D7 %+v", cartera.Deal{ID: "D7", Prospect: "Hotel Mar", Owner: "Lucía", Value: eur(100000), Stage: "lead",
		StageSince: d7.Created, Created: d(2026, 9, 1), Outcome: cartera.OutcomeOpen, Qualification: d7.Qualification}); !strings.Contains(after, want) {
		t.Errorf("D7 as of the cut: want %s in\n%s", want, after)
	}
	kept := ""
	for _, line := range strings.Split(after, "\n") {
		if !strings.HasPrefix(line, "D7 ") {
			kept += line + "\n"
		}
	}
	if sortLines(kept) != sortLines(before+"\n") {
		t.Errorf("as of %v, later events changed the figures:\nbefore\n%s\nafter\n%s", cut, before, kept)
	}
}

func sortLines(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
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

// A closed deal imported "stage unknown" counts, for learned stage rates,
// in the last stage its history entered on or before its close — not in
// a later one, and not at all before it closed. Without a history it
// stays unknown; a stage the deal's own row gives wins over its history.
func testClosedStageFromHistory(t *testing.T, st cartera.Store) {
	closed := func(id string, stage cartera.Stage, outcome cartera.Outcome) cartera.Deal {
		return cartera.Deal{ID: id, Prospect: "Acme " + id, Value: eur(100000), Stage: stage, StageSince: d(2026, 5, 1), Created: d(2026, 5, 1),
			Outcome: outcome, Closed: d(2026, 6, 10)}
	}
	deals := []cartera.Deal{
		closed("U1", "", cartera.OutcomeWon),  // negotiation entered on the close day
		closed("U2", "", cartera.OutcomeLost), // proposal; a move logged after the close does not count
		closed("U3", "", cartera.OutcomeWon),  // no history: unknown
		closed("K1", "qualified", cartera.OutcomeLost),
	}
	moves := []cartera.StageMove{
		{DealID: "U1", Day: d(2026, 5, 1), Stage: "lead", Seq: 1},
		{DealID: "U1", Day: d(2026, 5, 20), Stage: "proposal", Seq: 2},
		{DealID: "U1", Day: d(2026, 6, 10), Stage: "negotiation", Seq: 3},
		{DealID: "U2", Day: d(2026, 5, 1), Stage: "lead", Seq: 1},
		{DealID: "U2", Day: d(2026, 5, 20), Stage: "proposal", Seq: 2},
		{DealID: "U2", Day: d(2026, 6, 20), Stage: "negotiation", Seq: 3},
		{DealID: "K1", Day: d(2026, 5, 20), Stage: "proposal", Seq: 1},
	}
	if err := putStageHistory(st, deals, moves); err != nil {
		t.Fatal(err)
	}
	tallies := func(before cartera.Date) string {
		t.Helper()
		tl, err := st.ClosedByStage(ctx, before)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, x := range tl {
			parts = append(parts, fmt.Sprintf("%q %d/%d", x.Stage, x.Won, x.Won+x.Lost))
		}
		sort.Strings(parts)
		return strings.Join(parts, ", ")
	}
	for _, tc := range []struct {
		name   string
		before cartera.Date
		want   string
	}{
		{"every closed deal", 0, `"" 1/1, "negotiation" 1/1, "proposal" 0/1, "qualified" 0/1`},
		{"as of a day after the close, the later move included", d(2026, 7, 1), `"" 1/1, "negotiation" 1/1, "proposal" 0/1, "qualified" 0/1`},
		{"as of the day before the close", d(2026, 6, 10), ""},
	} {
		if got := tallies(tc.before); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// The deal itself keeps what its source said: stage unknown.
	if u1, err := st.Deal(ctx, "U1"); err != nil || u1.Stage != "" {
		t.Errorf("U1 stored: %q %v", u1.Stage, err)
	}
}

// putStageHistory imports deals, then stage moves, in one transaction.
func putStageHistory(st cartera.Store, deals []cartera.Deal, moves []cartera.StageMove) error {
	tx, err := st.BeginImport(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if len(deals) > 0 {
		if _, err := tx.PutDeals(ctx, deals, positions(len(deals))); err != nil {
			return err
		}
	}
	if err := tx.PutStageHistory(ctx, moves); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// historyOf writes a deal's stage history as "day stage, …".
func historyOf(t *testing.T, st cartera.Store, id string) string {
	t.Helper()
	h, err := st.StageHistory(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, m := range h {
		parts = append(parts, m.Day.String()+" "+string(m.Stage))
	}
	return strings.Join(parts, ", ")
}

// A CRM's stage history is imported with the deals it belongs to, in the
// same transaction: all of it or none, once however often it is imported,
// and a logged row that does not change the stage is no move.
func testImportStageHistory(t *testing.T, st cartera.Store) {
	deal := cartera.Deal{ID: "H1", Prospect: "Acme", Value: eur(500000), Stage: "negotiation", Created: d(2026, 3, 1),
		StageSince: d(2026, 3, 20), Outcome: cartera.OutcomeOpen}
	moves := []cartera.StageMove{
		{DealID: "H1", Day: d(2026, 3, 1), Stage: "lead", Seq: 1},
		{DealID: "H1", Day: d(2026, 3, 5), Stage: "lead", Seq: 2}, // the amount changed, not the stage
		{DealID: "H1", Day: d(2026, 3, 10), Stage: "proposal", Seq: 3},
		{DealID: "H1", Day: d(2026, 3, 20), Stage: "negotiation", Seq: 4},
		{DealID: "H1", Day: d(2026, 3, 20), Stage: "negotiation", Seq: 5}, // the same row twice
	}
	// A move of an unknown deal rolls back everything, the deal included.
	bad := append(append([]cartera.StageMove(nil), moves...), cartera.StageMove{DealID: "ghost", Day: d(2026, 3, 2), Stage: "lead", Seq: 1})
	if err := putStageHistory(st, []cartera.Deal{deal}, bad); err == nil {
		t.Fatal("a move of an unknown deal was written")
	}
	if _, err := st.Deal(ctx, "H1"); code(err) != cartera.ENOTFOUND {
		t.Fatalf("the deal of a failed import was kept: %v", err)
	}
	want := "2026-03-01 lead, 2026-03-10 proposal, 2026-03-20 negotiation"
	for i := 0; i < 2; i++ {
		if err := putStageHistory(st, []cartera.Deal{deal}, moves); err != nil {
			t.Fatal(err)
		}
		if got := historyOf(t, st, "H1"); got != want {
			t.Fatalf("import %d: history %q, want %q", i+1, got, want)
		}
	}
	// As of 12 March the deal was in proposal, since the 10th.
	f := dealFacts(t, st, cartera.DealFactsQuery{Cut: d(2026, 3, 12)})["H1"]
	if f.Deal.Stage != "proposal" || f.Deal.StageSince != d(2026, 3, 10) {
		t.Errorf("as of 12 March: %s since %v", f.Deal.Stage, f.Deal.StageSince)
	}
	// A later import of moves alone, for a deal stored before, adds to
	// its history.
	if err := putStageHistory(st, nil, []cartera.StageMove{{DealID: "H1", Day: d(2026, 3, 3), Stage: "qualified", Seq: 1}}); err != nil {
		t.Fatal(err)
	}
	if got := historyOf(t, st, "H1"); got != "2026-03-01 lead, 2026-03-03 qualified, 2026-03-10 proposal, 2026-03-20 negotiation" {
		t.Errorf("after adding a move: %q", got)
	}
	// A deal row whose stage_since is only its creation day says nothing
	// of that day that the history does not say better.
	h2 := cartera.Deal{ID: "H2", Prospect: "Beta", Value: eur(100000), Stage: "negotiation", Created: d(2026, 3, 1),
		StageSince: d(2026, 3, 1), Outcome: cartera.OutcomeOpen}
	if err := putStageHistory(st, []cartera.Deal{h2}, []cartera.StageMove{{DealID: "H2", Day: d(2026, 3, 1), Stage: "lead", Seq: 1},
		{DealID: "H2", Day: d(2026, 3, 15), Stage: "negotiation", Seq: 2}}); err != nil {
		t.Fatal(err)
	}
	if got := historyOf(t, st, "H2"); got != "2026-03-01 lead, 2026-03-15 negotiation" {
		t.Errorf("H2: %q", got)
	}
	// Every history streams, deal by deal, oldest first.
	var all []string
	if err := st.EachStageMove(ctx, func(m cartera.StageMove) error {
		all = append(all, m.DealID+" "+m.Day.String()+" "+string(m.Stage))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(all, ", "), "H1 2026-03-01 lead, H1 2026-03-03 qualified, H1 2026-03-10 proposal, H1 2026-03-20 negotiation, "+
		"H2 2026-03-01 lead, H2 2026-03-15 negotiation"; got != want {
		t.Errorf("EachStageMove:\n got %s\nwant %s", got, want)
	}
}
