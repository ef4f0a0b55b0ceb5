// Package storetest is the contract every cartera.Store implementation
// must pass. A backend's tests call Run with a function that opens a fresh,
// empty store; a new backend is done when the whole suite passes.
package storetest

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

// Opener returns a new, empty store; the suite closes it.
type Opener func(t *testing.T) cartera.Store

// Run runs the whole contract suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, cartera.Store)
	}{
		{"EmptyStore", testEmpty},
		{"ImportThenReadBackEveryEntity", testRoundTrip},
		{"ReimportIsIdempotentAndUpdates", testUpsert},
		{"DuplicateIDsWithinOneImportAreReported", testDuplicates},
		{"RollbackLeavesNothing", testRollback},
		{"ReferencesAreEnforced", testReferences},
		{"FactsAggregateTheWindow", testFacts},
		{"FactsDateBreachesAndDeriveDiscounts", testFactsBreachDates},
		{"DecisionsAreKeptNewestFirst", testDecisions},
		{"FactsFilterAndOrder", testFactsFilter},
		{"FactsFollowEveryWrite", testFactsFollowWrites},
		{"FindClientsIgnoresCaseAndAccents", testFind},
		{"ContactsMostSeniorFirst", testContacts},
		{"PolicyIsStoredAndValidated", testPolicy},
		{"KeysStreamEveryClientAndContact", testKeys},
		{"SingleSavesCheckVersionsAndReferences", testSaves},
		{"SaveWithoutVersionNeverOverwrites", testSaveWithoutVersion},
		{"FactsOutOfRangeAreReported", testFactsOutOfRange},
		{"SharedSettingsAreVersioned", testSharedSettingsVersions},
		{"DeleteKeepsReferencesWhole", testDelete},
		{"ListsPageWithACursor", testLists},
		{"UsersSessionsAndTokens", testUsers},
		{"SettingsCanBeTakenOnce", testSettings},
		{"SummariesListSortFilterAndPage", testSummaries},
		{"TimelineAndMonthlyFigures", testTimeline},
		{"DealsSaveListAndDelete", testDeals},
		{"WonNeedsVerifiedEvidence", testWonEvidence},
		{"EvidenceFollowsEverySignalWrite", testEvidence},
		{"DealFactsAsOf", testDealFactsAsOf},
		{"AsOfDoesNotLeak", testAsOfDoesNotLeak},
		{"StageHistoryIsImportedWithItsDeals", testImportStageHistory},
		{"ClosedStageUnknownLearnsFromItsHistory", testClosedStageFromHistory},
		{"PipelineIsStoredAndGuarded", testPipeline},
		{"ImportRefreshesEvidenceOfMovedSignals", testImportEvidence},
		{"MarkLostClosesTheDealWithItsPlan", testMarkLost},
		{"TasksSaveListSnoozeAndCheckReferences", testTasks},
		{"ReconnectOnlyForLostDeals", testReconnect},
		{"DebriefReplacesLessons", testDebrief},
		{"LessonsSearchIgnoresAccentsInBothLanguages", testSearchLessons},
		{"LessonsSearchDecomposedAccentsAndLongText", testSearchDecomposedAccents},
		{"WinLossAggregates", testWinLoss},
		{"ReferralsNeedContactData", testReferrals},
		{"HolidaysAreKeptByDay", testHolidays},
		{"CalendarTokensResolveToTheirUser", testCalendarTokens},
		{"IncidentAndFollowUpAreSavedTogether", testLogIncident},
		{"MatchTableUnmatchedAndProvenance", testMatchRules},
		{"MailMessagesAndCandidateReview", testMailAndCandidates},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := open(t)
			t.Cleanup(func() { st.Close() })
			tc.fn(t, st)
		})
	}
	t.Run("ArchiveMovesWithTheRecordsIntoAnEmptyStore", func(t *testing.T) {
		t.Parallel()
		testArchive(t, open)
	})
}

var ctx = context.Background()

// AsOf is the date the fixture is built around.
var AsOf = cartera.DateOf(2026, 11, 25)

// Now is the instant the suite runs at, noon UTC on AsOf, and Clock the
// clock every store under test is opened with: the contract means the same
// on any day the suite is run.
var (
	Now   = AsOf.Time(time.UTC).Add(12 * time.Hour)
	Clock = cartera.FixedClock(Now)
)

func d(y int, m time.Month, day int) cartera.Date { return cartera.DateOf(y, m, day) }

func eur(cents int64) cartera.Money { return cartera.Money{Amount: cents, Currency: "EUR"} }

// Fixture is a small portfolio whose facts are known by hand.
type Fixture struct {
	Clients     []cartera.Client
	Contacts    []cartera.Contact
	Invoices    []cartera.Invoice
	Time        []cartera.TimeEntry
	Concessions []cartera.Concession
	Incidents   []cartera.Incident
	Deals       []cartera.Deal
	Signals     []cartera.Signal
}

// NewFixture returns the suite's dataset.
func NewFixture() Fixture {
	asOf := AsOf
	return Fixture{
		Clients: []cartera.Client{
			{ID: "C1", Name: "Talleres Muñoz", Owner: "Lucía", Currency: "EUR", Service: "web", Since: d(2024, 1, 1), Email: "a@b.es", Phone: "+34 600", Notes: "nota"},
			{ID: "C2", Name: "Óptica 50% Sol_y_Luz", Owner: "Andrés", FamilyFriend: true, Currency: "EUR"},
			{ID: "C3", Name: "Boston Widgets", Owner: "Lucía", Currency: "USD"},
		},
		Contacts: []cartera.Contact{
			{ID: "P1", ClientID: "C1", Name: "Ana Muñoz", Role: "Gerente", Seniority: 5, Email: "ana@b.es"},
			{ID: "P2", ClientID: "C1", Name: "Beto Gil", Role: "Técnico", Seniority: 1},
			{ID: "P3", ClientID: "C1", Name: "Carla Ruiz", Role: "Directora", Seniority: 4},
		},
		Invoices: []cartera.Invoice{
			// Issued exactly at the window start: outside (the window is (from, asOf]).
			{ID: "F01", ClientID: "C1", Number: "1", Issued: asOf.AddMonths(-12), Due: asOf.AddMonths(-12).AddDays(30), Paid: asOf.AddMonths(-12).AddDays(30), Amount: eur(100000)},
			// Paid 3 days late: within the 5 days of grace.
			{ID: "F02", ClientID: "C1", Issued: d(2026, 1, 1), Due: d(2026, 1, 31), Paid: d(2026, 2, 3), Amount: eur(100000)},
			// 10 days late: late, not over the 30-day line.
			{ID: "F03", ClientID: "C1", Issued: d(2026, 3, 1), Due: d(2026, 3, 31), Paid: d(2026, 4, 10), Amount: eur(200000)},
			// 40 days late: over the line.
			{ID: "F04", ClientID: "C1", Issued: d(2026, 5, 1), Due: d(2026, 5, 31), Paid: d(2026, 7, 10), Amount: eur(300000)},
			// Unpaid, due 50 days before the as-of date: over the line and overdue.
			{ID: "F05", ClientID: "C1", Issued: asOf.AddDays(-80), Due: asOf.AddDays(-50), Amount: eur(150000)},
			// Paid after the as-of date: as of then, unpaid and 5 days overdue.
			{ID: "F06", ClientID: "C1", Issued: asOf.AddDays(-35), Due: asOf.AddDays(-5), Paid: asOf.AddDays(3), Amount: eur(50000)},
			// Not due yet.
			{ID: "F07", ClientID: "C1", Issued: asOf.AddDays(-2), Due: asOf.AddDays(28), Amount: eur(70000)},
			// Issued after the as-of date: ignored entirely.
			{ID: "F08", ClientID: "C1", Issued: asOf.AddDays(1), Due: asOf.AddDays(31), Amount: eur(999900)},
			// An old unpaid invoice, long before the window: still overdue.
			{ID: "F09", ClientID: "C1", Issued: d(2024, 6, 1), Due: d(2024, 7, 1), Amount: eur(25000)},
			{ID: "F10", ClientID: "C3", Issued: d(2026, 6, 1), Due: d(2026, 7, 1), Paid: d(2026, 7, 1), Amount: cartera.Money{Amount: 500000, Currency: "USD"}},
		},
		Time: []cartera.TimeEntry{
			{ID: "H1", ClientID: "C1", Day: d(2026, 2, 10), Hours: 250, Billable: true, Note: "maquetas"},
			{ID: "H2", ClientID: "C1", Day: d(2026, 6, 10), Hours: 125, Billable: false},
			{ID: "H3", ClientID: "C1", Day: asOf, Hours: 100, Billable: true},
			{ID: "H4", ClientID: "C1", Day: asOf.AddMonths(-12), Hours: 1000, Billable: true}, // at the window start: outside
			{ID: "H5", ClientID: "C2", Day: d(2026, 9, 1), Hours: 300, Billable: true},
		},
		Concessions: []cartera.Concession{
			{ID: "K1", ClientID: "C1", Day: d(2026, 4, 5), Kind: cartera.ConcessionDiscount, Amount: eur(20000), Percent: 2000, Note: "descuento"},
			{ID: "K2", ClientID: "C1", Day: d(2026, 8, 5), Kind: cartera.ConcessionDiscount, Amount: eur(5000), Percent: 1000},
			{ID: "K3", ClientID: "C1", Day: d(2026, 8, 10), Kind: cartera.ConcessionFreeHours, Hours: 300, Amount: eur(0)},
			{ID: "K4", ClientID: "C1", Day: d(2026, 8, 20), Kind: cartera.ConcessionFreeHours, Hours: 250, Amount: eur(0)},
			{ID: "K5", ClientID: "C1", Day: d(2026, 10, 1), Kind: cartera.ConcessionFreeHours, Hours: 100, Amount: eur(0)},
			{ID: "K6", ClientID: "C1", Day: d(2024, 1, 1), Kind: cartera.ConcessionDiscount, Amount: eur(99900), Percent: 5000}, // long ago
		},
		Incidents: []cartera.Incident{
			{ID: "I1", ClientID: "C1", ContactID: "P1", At: time.Date(2026, 10, 4, 18, 30, 0, 0, time.UTC), Kind: cartera.KindYelling, Severity: 3, Note: "gritos"},
			{ID: "I2", ClientID: "C1", At: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), Kind: cartera.KindScopeCreep, Severity: 1},
			{ID: "I3", ClientID: "C1", At: time.Date(2023, 2, 1, 9, 0, 0, 0, time.UTC), Kind: cartera.KindThreat, Severity: 5}, // before the look-back
			{ID: "I4", ClientID: "C2", At: time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC), Kind: cartera.KindOutOfHours, Severity: 2},
		},
		Deals: []cartera.Deal{
			{ID: "D1", ClientID: "C1", Title: "Rediseño tienda", Owner: "Lucía", Value: eur(1200000), Stage: "proposal",
				StageSince: d(2026, 10, 1), ExpectedClose: d(2026, 12, 15), Claimed: 8000, Category: cartera.CategoryCommit,
				Created: d(2026, 9, 1), Outcome: cartera.OutcomeOpen,
				Qualification: cartera.Qualification{Need: cartera.Yes, Capacity: cartera.Unknown, DecisionMaker: cartera.Yes}},
			{ID: "D2", Prospect: "Panadería Sol", Owner: "Andrés", Value: eur(300000), Stage: "lead", StageSince: d(2026, 11, 1),
				Created: d(2026, 11, 1), Outcome: cartera.OutcomeOpen,
				Qualification: cartera.Qualification{Need: cartera.Unknown, Capacity: cartera.Unknown, DecisionMaker: cartera.Unknown}},
			{ID: "D3", ClientID: "C3", Title: "Widgets 2026", Owner: "Lucía", Value: cartera.Money{Amount: 900000, Currency: "USD"},
				Stage: "negotiation", StageSince: d(2026, 5, 1), Created: d(2026, 3, 1), Closed: d(2026, 6, 1),
				Outcome: cartera.OutcomeWon, Qualification: cartera.Qualification{Need: cartera.Yes, Capacity: cartera.Yes, DecisionMaker: cartera.Yes}},
			{ID: "D4", Prospect: "Gestoría Ríos", Owner: "Andrés", Value: eur(450000), Stage: "proposal", StageSince: d(2026, 4, 1),
				Created: d(2026, 2, 1), Closed: d(2026, 7, 1), Outcome: cartera.OutcomeLost, LostReason: "precio", Competitor: "Acme",
				Qualification: cartera.Qualification{Need: cartera.Yes, Capacity: cartera.No, DecisionMaker: cartera.Unknown}},
		},
		Signals: []cartera.Signal{
			{ID: "S1", DealID: "D1", Kind: cartera.SignalVerbalIntent, Day: d(2026, 10, 10), Source: "call", Note: "dice que sí"},
			{ID: "S2", DealID: "D1", Kind: cartera.SignalMeetingHeld, Day: d(2026, 9, 20), Source: "meeting"},
			{ID: "S3", DealID: "D1", Kind: cartera.SignalNoReply, Day: d(2026, 11, 20), Source: "email", Days: 12},
			{ID: "S4", DealID: "D1", Kind: cartera.SignalNoReply, Day: d(2026, 11, 1), Source: "email", Days: 5},
			{ID: "S5", DealID: "D3", Kind: cartera.SignalContractSigned, Day: d(2026, 5, 30), Source: "document"},
			{ID: "S6", DealID: "D3", Kind: cartera.SignalMeetingHeld, Day: d(2026, 4, 1), Source: "meeting"},
			{ID: "S7", DealID: "D4", Kind: cartera.SignalCompetitorMentioned, Day: d(2026, 6, 28), Source: "call"},
		},
	}
}

// Load imports the fixture in one committed transaction.
func Load(t *testing.T, st cartera.Store, f Fixture) {
	t.Helper()
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	check := func(d []cartera.Duplicate, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if len(d) > 0 {
			t.Fatalf("unexpected duplicates %v", d)
		}
	}
	check(tx.PutClients(ctx, f.Clients, positions(len(f.Clients))))
	check(tx.PutContacts(ctx, f.Contacts, positions(len(f.Contacts))))
	check(tx.PutInvoices(ctx, f.Invoices, positions(len(f.Invoices))))
	check(tx.PutTimeEntries(ctx, f.Time, positions(len(f.Time))))
	check(tx.PutConcessions(ctx, f.Concessions, positions(len(f.Concessions))))
	check(tx.PutIncidents(ctx, f.Incidents, positions(len(f.Incidents))))
	check(tx.PutDeals(ctx, f.Deals, positions(len(f.Deals))))
	check(tx.PutSignals(ctx, f.Signals, positions(len(f.Signals))))
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func positions(n int) []int64 {
	p := make([]int64, n)
	for i := range p {
		p[i] = int64(i + 2) // line numbers after a header
	}
	return p
}

// Dump reads every record of a store, for comparisons.
func Dump(t *testing.T, st cartera.Store) Fixture {
	t.Helper()
	var f Fixture
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.EachClient(ctx, func(c cartera.Client) error { f.Clients = append(f.Clients, c); return nil }))
	must(st.EachContact(ctx, func(c cartera.Contact) error { f.Contacts = append(f.Contacts, c); return nil }))
	must(st.EachInvoice(ctx, func(v cartera.Invoice) error { f.Invoices = append(f.Invoices, v); return nil }))
	must(st.EachTimeEntry(ctx, func(e cartera.TimeEntry) error { f.Time = append(f.Time, e); return nil }))
	must(st.EachConcession(ctx, func(c cartera.Concession) error { f.Concessions = append(f.Concessions, c); return nil }))
	must(st.EachIncident(ctx, func(in cartera.Incident) error { f.Incidents = append(f.Incidents, in); return nil }))
	must(st.EachDeal(ctx, func(x cartera.Deal) error { f.Deals = append(f.Deals, x); return nil }))
	must(st.EachSignal(ctx, func(x cartera.Signal) error { f.Signals = append(f.Signals, x); return nil }))
	return f
}

func sorted[T any](xs []T, id func(T) string) []T {
	out := append([]T(nil), xs...)
	sort.Slice(out, func(i, j int) bool { return id(out[i]) < id(out[j]) })
	return out
}

// SortFixture orders every entity by id, as the Each methods return them.
func SortFixture(f Fixture) Fixture {
	return Fixture{
		Clients:     sorted(f.Clients, func(c cartera.Client) string { return c.ID }),
		Contacts:    sorted(f.Contacts, func(c cartera.Contact) string { return c.ID }),
		Invoices:    sorted(f.Invoices, func(v cartera.Invoice) string { return v.ID }),
		Time:        sorted(f.Time, func(e cartera.TimeEntry) string { return e.ID }),
		Concessions: sorted(f.Concessions, func(c cartera.Concession) string { return c.ID }),
		Incidents:   sorted(f.Incidents, func(in cartera.Incident) string { return in.ID }),
		Deals:       sorted(f.Deals, func(x cartera.Deal) string { return x.ID }),
		Signals:     sorted(f.Signals, func(x cartera.Signal) string { return x.ID }),
	}
}

func testEmpty(t *testing.T, st cartera.Store) {
	n, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cartera.Entities {
		if n[e] != 0 {
			t.Errorf("%s: %d records in a new store", e, n[e])
		}
	}
	p, err := st.Policy(ctx)
	if err != nil || !reflect.DeepEqual(p, cartera.DefaultPolicy()) {
		t.Errorf("a new store has the default policy: %+v, %v", p, err)
	}
	if _, err := st.Client(ctx, "nope"); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("missing client: want not found, got %v", err)
	}
	called := false
	if err := st.Facts(ctx, cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12)}, func(*cartera.ClientFacts) error {
		called = true
		return nil
	}); err != nil || called {
		t.Errorf("facts of an empty store: %v, called %v", err, called)
	}
}

func testRoundTrip(t *testing.T, st cartera.Store) {
	want := NewFixture()
	Load(t, st, want)
	got := Dump(t, st)
	if diff := Compare(SortFixture(want), got); diff != "" {
		t.Error(diff)
	}
	n, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n[cartera.EntityInvoices] != int64(len(want.Invoices)) || n[cartera.EntityClients] != 3 {
		t.Errorf("counts %v", n)
	}
	c, err := st.Client(ctx, "C1")
	if err != nil || !equalRecord(c, want.Clients[0]) || c.Version != 1 {
		t.Errorf("Client(C1) = %+v, %v", c, err)
	}
}

// Compare describes the first difference between two fixtures, or "".
func Compare(want, got Fixture) string {
	pairs := []struct {
		name      string
		want, got any
	}{
		{"clients", want.Clients, got.Clients}, {"contacts", want.Contacts, got.Contacts},
		{"invoices", want.Invoices, got.Invoices}, {"time", want.Time, got.Time},
		{"concessions", want.Concessions, got.Concessions}, {"incidents", want.Incidents, got.Incidents},
		{"deals", want.Deals, got.Deals}, {"signals", want.Signals, got.Signals},
	}
	for _, p := range pairs {
		wv, gv := reflect.ValueOf(p.want), reflect.ValueOf(p.got)
		if wv.Len() != gv.Len() {
			return p.name + ": " + itoa(gv.Len()) + " records, want " + itoa(wv.Len())
		}
		for i := 0; i < wv.Len(); i++ {
			w, g := wv.Index(i).Interface(), gv.Index(i).Interface()
			if !equalRecord(w, g) {
				return p.name + ": record " + itoa(i) + " differs:\n got  " + sprint(g) + "\n want " + sprint(w)
			}
		}
	}
	return ""
}

// equalRecord compares two records as data: versions are bookkeeping and
// instants compare as instants, whatever their location.
func equalRecord(a, b any) bool {
	a, b = withoutVersion(a), withoutVersion(b)
	if x, ok := a.(cartera.Incident); ok {
		y := b.(cartera.Incident)
		if !x.At.Equal(y.At) {
			return false
		}
		x.At, y.At = time.Time{}, time.Time{}
		return reflect.DeepEqual(x, y)
	}
	return reflect.DeepEqual(a, b)
}

func withoutVersion(x any) any {
	v := reflect.New(reflect.TypeOf(x)).Elem()
	v.Set(reflect.ValueOf(x))
	if f := v.FieldByName("Version"); f.IsValid() {
		f.SetInt(0)
	}
	return v.Interface()
}

func testUpsert(t *testing.T, st cartera.Store) {
	f := NewFixture()
	Load(t, st, f)
	// The same data again: nothing changes.
	Load(t, st, f)
	if diff := Compare(SortFixture(f), Dump(t, st)); diff != "" {
		t.Fatal("re-import changed data: " + diff)
	}
	// Changed values replace the stored ones.
	f.Clients[0].Name = "Talleres Muñoz e Hijos"
	f.Invoices[4].Paid = AsOf
	f.Time[0].ClientID = "C2" // an entry moved to another client
	Load(t, st, f)
	got := Dump(t, st)
	if diff := Compare(SortFixture(f), got); diff != "" {
		t.Fatal("update lost: " + diff)
	}
	n, _ := st.Counts(ctx)
	if n[cartera.EntityTime] != int64(len(f.Time)) {
		t.Errorf("time entries duplicated: %d", n[cartera.EntityTime])
	}
}

func testDuplicates(t *testing.T, st cartera.Store) {
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	cs := []cartera.Client{{ID: "A", Name: "A", Currency: "EUR"}, {ID: "B", Name: "B", Currency: "EUR"}, {ID: "A", Name: "A bis", Currency: "EUR"}}
	dups, err := tx.PutClients(ctx, cs, []int64{2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(dups) != 1 || dups[0].Index != 2 || dups[0].FirstPos != 2 {
		t.Errorf("within one call: %+v", dups)
	}
	// Across calls of the same import, and in a later chunk of a long call.
	many := make([]cartera.Client, 130)
	pos := make([]int64, 130)
	for i := range many {
		many[i] = cartera.Client{ID: "M" + itoa(i), Name: "M", Currency: "EUR"}
		pos[i] = int64(100 + i)
	}
	many[120].ID = "B"
	dups, err = tx.PutClients(ctx, many, pos)
	if err != nil {
		t.Fatal(err)
	}
	if len(dups) != 1 || dups[0].Index != 120 || dups[0].FirstPos != 3 {
		t.Errorf("across calls: %+v", dups)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := st.Client(ctx, "A")
	if err != nil || c.Name != "A" {
		t.Errorf("the first occurrence is the one kept: %+v %v", c, err)
	}
	// A later import may reuse the ids: that is an update, not a duplicate.
	tx2, _ := st.BeginImport(ctx)
	defer tx2.Rollback()
	dups, err = tx2.PutClients(ctx, cs[:2], []int64{2, 3})
	if err != nil || len(dups) != 0 {
		t.Errorf("a new import updates: %+v %v", dups, err)
	}
}

func testRollback(t *testing.T, st cartera.Store) {
	f := NewFixture()
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.PutClients(ctx, f.Clients, positions(len(f.Clients))); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.PutInvoices(ctx, f.Invoices, positions(len(f.Invoices))); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	n, _ := st.Counts(ctx)
	for _, e := range cartera.Entities {
		if n[e] != 0 {
			t.Errorf("%s: %d records survived the rollback", e, n[e])
		}
	}
	// The store is usable afterwards.
	Load(t, st, f)
}

func testReferences(t *testing.T, st cartera.Store) {
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = tx.PutInvoices(ctx, []cartera.Invoice{{ID: "X", ClientID: "ghost", Issued: AsOf, Due: AsOf, Amount: eur(1)}}, []int64{2})
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err == nil {
		t.Fatal("an invoice of an unknown client must be refused by the store too")
	}
}

func testFacts(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24),
		Mid: AsOf.AddMonths(-6), MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	got := map[string]cartera.ClientFacts{}
	// Twice: computed, then from the facts cache.
	for range 2 {
		if err := st.Facts(ctx, q, func(f *cartera.ClientFacts) error {
			c := *f
			c.FreeHoursMonth = append([]cartera.MonthHours(nil), f.FreeHoursMonth...)
			c.Incidents = append([]cartera.IncidentFact(nil), f.Incidents...)
			c.LateOver = append([]cartera.DayValue(nil), f.LateOver...)
			c.DiscountsOverAt = append([]cartera.DayValue(nil), f.DiscountsOverAt...)
			got[f.Client.ID] = c
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	c1 := got["C1"]
	checks := []struct {
		name      string
		got, want any
	}{
		// F02–F07 are issued in the window.
		{"revenue", c1.Revenue, int64(100000 + 200000 + 300000 + 150000 + 50000 + 70000)},
		{"invoices issued", c1.InvoicesIssued, 6},
		// Due in the window: F01? its due date is 30 days into it: yes. F02–F06.
		{"invoices due", c1.InvoicesDue, 6},
		// Late beyond 5 days of grace: F03 (10), F04 (40), F05 (50), F06 (5 → no).
		{"late", c1.LateInvoices, 3},
		{"over the line", c1.OverLimit, 2},
		{"days late summed", c1.DaysLateSum, 10 + 40 + 50},
		{"worst", c1.WorstDaysLate, 50},
		{"over the line, by due date", c1.LateOver, []cartera.DayValue{{Day: d(2026, 5, 31), Value: 40}, {Day: AsOf.AddDays(-50), Value: 50}}},
		// Due by 25 May (the middle of the window): F01 (on time), F02 (3
		// days), F03 (10); after it: F04 (40), F05 (unpaid, 50), F06 (5).
		{"delay by half", c1.Delay, [2]cartera.DelayHalf{{Invoices: 3, Days: 13}, {Invoices: 3, Days: 95}}},
		{"discounts over, by day", c1.DiscountsOverAt, []cartera.DayValue{{Day: d(2026, 4, 5), Value: 2000}}},
		// Overdue: F05, F06 (paid only after the as-of date), F09.
		{"overdue", c1.Overdue, int64(150000 + 50000 + 25000)},
		{"overdue count", c1.OverdueCount, 3},
		{"oldest overdue", c1.OldestOverdue, d(2024, 7, 1)},
		{"hours", c1.Hours, cartera.Hours(250 + 125 + 100)},
		{"billable", c1.BillableHours, cartera.Hours(350)},
		{"discounts", c1.Discounts, int64(25000)},
		{"discount count", c1.DiscountCount, 2},
		{"discounts over", c1.DiscountsOver, 1},
		{"max discount", c1.MaxDiscount, cartera.BasisPoints(2000)},
		{"free hours", c1.FreeHours, cartera.Hours(650)},
		{"free hours by month", c1.FreeHoursMonth, []cartera.MonthHours{{Month: d(2026, 8, 1), Hours: 550}, {Month: d(2026, 10, 1), Hours: 100}}},
		{"incidents in look-back", len(c1.Incidents), 2},
		{"incidents oldest first", c1.Incidents[0].ID, "I2"},
		{"incident contact", c1.Incidents[1].ContactID, "P1"},
		{"client", c1.Client.Name, "Talleres Muñoz"},
		{"C2 hours", got["C2"].Hours, cartera.Hours(300)},
		{"C2 incidents", len(got["C2"].Incidents), 1},
		{"C3 revenue in dollars", got["C3"].Revenue, int64(500000)},
		{"C3 paid on the due day", got["C3"].LateInvoices, 0},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if at := c1.Incidents[1].At; !at.Equal(time.Date(2026, 10, 4, 18, 30, 0, 0, time.UTC)) {
		t.Errorf("incident instant: %v", at)
	}
}

func testFactsFilter(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24), MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	var ids []string
	if err := st.Facts(ctx, q, func(f *cartera.ClientFacts) error { ids = append(ids, f.Client.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids, []string{"C1", "C2", "C3"}) {
		t.Errorf("all clients in id order: %v", ids)
	}
	ids = nil
	q.ClientIDs = []string{"C2"}
	var c2 cartera.ClientFacts
	if err := st.Facts(ctx, q, func(f *cartera.ClientFacts) error { ids = append(ids, f.Client.ID); c2 = *f; return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids, []string{"C2"}) || c2.Hours != 300 || c2.Revenue != 0 || len(c2.Incidents) != 1 {
		t.Errorf("filtered: %v %+v", ids, c2)
	}
	stop := errors.New("stop")
	if err := st.Facts(ctx, cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12)}, func(*cartera.ClientFacts) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("the callback's error is returned: %v", err)
	}
}

func testFind(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	tests := []struct {
		text string
		want []string
	}{
		{"munoz", []string{"C1"}},
		{"TALLERES MUÑOZ", []string{"C1"}},
		{"C3", []string{"C3"}},
		{"50%", []string{"C2"}},   // LIKE wildcards are literal
		{"sol_y", []string{"C2"}}, // so is the underscore
		{"o", []string{"C3", "C2", "C1"}},
		{"zzz", nil},
		{"", nil},
	}
	for _, tc := range tests {
		got, err := st.FindClients(ctx, tc.text, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if tc.text == "o" {
			sort.Strings(ids)
			sort.Strings(tc.want)
		}
		if !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("FindClients(%q) = %v, want %v", tc.text, ids, tc.want)
		}
	}
}

func testContacts(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	cs, err := st.Contacts(ctx, "C1")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	if !reflect.DeepEqual(names, []string{"Ana Muñoz", "Carla Ruiz", "Beto Gil"}) {
		t.Errorf("contacts %v", names)
	}
	if cs, _ := st.Contacts(ctx, "C3"); len(cs) != 0 {
		t.Errorf("C3 has no contacts: %v", cs)
	}
}

func testPolicy(t *testing.T, st cartera.Store) {
	p := cartera.DefaultPolicy()
	p.MaxDaysLate = 45
	p.SlowerDays, p.SlowerMinInvoices = 10, 4 // the watch settings are stored too
	p.HourlyCost = append(p.HourlyCost, cartera.Money{Amount: 4000, Currency: "USD"})
	if err := st.SavePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := st.Policy(ctx)
	p.Version = 1 // the first save
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("policy round trip: %+v, %v", got, err)
	}
	bad := p
	bad.MaxSeverity = 9
	if err := st.SavePolicy(ctx, bad); cartera.ErrorCode(err) != cartera.EINVALID {
		t.Errorf("invalid policy: %v", err)
	}
	if got, _ := st.Policy(ctx); got.MaxSeverity != p.MaxSeverity {
		t.Errorf("an invalid policy must not be stored")
	}
}

func testKeys(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	clients := map[string]cartera.Currency{}
	if err := st.ClientKeys(ctx, func(id string, c cartera.Currency) error { clients[id] = c; return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(clients, map[string]cartera.Currency{"C1": "EUR", "C2": "EUR", "C3": "USD"}) {
		t.Errorf("client keys %v", clients)
	}
	contacts := map[string]string{}
	if err := st.ContactKeys(ctx, func(id, c string) error { contacts[id] = c; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(contacts) != 3 || contacts["P2"] != "C1" {
		t.Errorf("contact keys %v", contacts)
	}
	owners, err := st.Owners(ctx)
	if err != nil || !reflect.DeepEqual(owners, []string{"Andrés", "Lucía"}) {
		t.Errorf("owners %v %v", owners, err)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	if neg {
		s = "-" + s
	}
	return s
}

func sprint(v any) string {
	return reflect.ValueOf(v).String() + " " + fmtValue(v)
}

// allFacts reads the facts of every client (the path a review takes).
func allFacts(t *testing.T, st cartera.Store, q cartera.FactsQuery) map[string]cartera.ClientFacts {
	t.Helper()
	out := map[string]cartera.ClientFacts{}
	if err := st.Facts(ctx, q, func(f *cartera.ClientFacts) error {
		c := *f
		c.FreeHoursMonth = append([]cartera.MonthHours(nil), f.FreeHoursMonth...)
		c.Incidents = append([]cartera.IncidentFact(nil), f.Incidents...)
		out[f.Client.ID] = c
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// Stores may remember facts between reviews; whatever they keep, a review
// must always see the events as they are now.
func testFactsFollowWrites(t *testing.T, st cartera.Store) {
	fx := NewFixture()
	Load(t, st, fx)
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24), MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	before := allFacts(t, st, q)
	if again := allFacts(t, st, q); !reflect.DeepEqual(before, again) {
		t.Fatal("two reads without writes differ")
	}
	// One more hour for C2, an entry moved from C1 to C3, and an invoice
	// paid: each client's facts must follow.
	fx.Time = append(fx.Time, cartera.TimeEntry{ID: "H9", ClientID: "C2", Day: AsOf.AddDays(-1), Hours: 100, Billable: true})
	fx.Time[1].ClientID = "C3"
	fx.Invoices[4].Paid = AsOf
	Load(t, st, fx)
	after := allFacts(t, st, q)
	if got, want := after["C2"].Hours, before["C2"].Hours+100; got != want {
		t.Errorf("C2 hours %d, want %d", got, want)
	}
	if got, want := after["C1"].Hours, before["C1"].Hours-125; got != want {
		t.Errorf("C1 hours %d after an entry moved away, want %d", got, want)
	}
	if got := after["C3"].Hours; got != 125 {
		t.Errorf("C3 hours %d after an entry moved in, want 125", got)
	}
	if got, want := after["C1"].OverdueCount, before["C1"].OverdueCount-1; got != want {
		t.Errorf("C1 overdue count %d after a payment, want %d", got, want)
	}
	// The same facts one client at a time.
	for id, f := range after {
		one := q
		one.ClientIDs = []string{id}
		direct := allFacts(t, st, one)[id]
		if !reflect.DeepEqual(direct, f) {
			t.Errorf("%s: facts for one client differ from facts for all:\n%+v\n%+v", id, direct, f)
		}
	}
	// Another as-of date gives that date's facts, and back again.
	earlier := q
	earlier.AsOf, earlier.From = AsOf.AddMonths(-6), AsOf.AddMonths(-18)
	e := allFacts(t, st, earlier)
	if e["C1"].Revenue == after["C1"].Revenue {
		t.Errorf("six months earlier the revenue must differ")
	}
	if again := allFacts(t, st, q); !reflect.DeepEqual(again, after) {
		t.Errorf("facts changed by reading another date")
	}
}

// testFactsBreachDates: the facts say when the latest invoice over the line
// was due and when the latest discount over the maximum was given, and a
// discount imported without its percentage gets one from the list price
// (the discount plus what was invoiced to the client that day).
func testFactsBreachDates(t *testing.T, st cartera.Store) {
	day := AsOf.AddDays(-100)
	Load(t, st, Fixture{
		Clients: []cartera.Client{{ID: "C1", Name: "Uno", Currency: "EUR"}},
		Invoices: []cartera.Invoice{
			{ID: "F1", ClientID: "C1", Issued: d(2026, 1, 1), Due: d(2026, 1, 31), Paid: d(2026, 3, 15), Amount: eur(70000)},
			{ID: "F2", ClientID: "C1", Issued: day.AddDays(-30), Due: day, Paid: day.AddDays(40), Amount: eur(70000)},
			{ID: "F3", ClientID: "C1", Issued: day, Due: day.AddDays(30), Paid: day.AddDays(30), Amount: eur(70000)},
			{ID: "F4", ClientID: "C1", Issued: day.AddDays(10), Due: day.AddDays(40), Paid: day.AddDays(40), Amount: eur(95000)},
		},
		Concessions: []cartera.Concession{
			// 300 off a list price of 1.000: 30 %, derived.
			{ID: "K1", ClientID: "C1", Day: day, Kind: cartera.ConcessionDiscount, Amount: eur(30000)},
			// 50 off 1.000: 5 %, under the line.
			{ID: "K2", ClientID: "C1", Day: day.AddDays(10), Kind: cartera.ConcessionDiscount, Amount: eur(5000)},
			// No invoice that day: the percentage stays unknown.
			{ID: "K3", ClientID: "C1", Day: day.AddDays(20), Kind: cartera.ConcessionDiscount, Amount: eur(90000)},
		},
	})
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24),
		MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	for _, ids := range [][]string{nil, {"C1"}} { // the cached and the direct paths
		q.ClientIDs = ids
		var got cartera.ClientFacts
		if err := st.Facts(ctx, q, func(f *cartera.ClientFacts) error { got = *f; return nil }); err != nil {
			t.Fatal(err)
		}
		if got.OverLimit != 2 || got.LastOverLimit != day {
			t.Errorf("ids %v: over the line %d, last due %v; want 2, %v", ids, got.OverLimit, got.LastOverLimit, day)
		}
		if got.DiscountsOver != 1 || got.MaxDiscount != 3000 || got.LastDiscountOver != day || got.DiscountsDerived != 2 {
			t.Errorf("ids %v: discounts over %d, max %v, last %v, derived %d; want 1, 30 %%, %v, 2", ids, got.DiscountsOver, got.MaxDiscount, got.LastDiscountOver, got.DiscountsDerived, day)
		}
	}
}

// testDecisions: a decision is stored with its id, listed newest first per
// client or for all, and refused when it overrides without a reason or
// names an unknown client.
func testDecisions(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	first, err := st.SaveDecision(ctx, cartera.Decision{ClientID: "C1", Day: AsOf, Policy: cartera.VerdictEnd,
		Decided: cartera.VerdictBoundaries, Reason: "  Diez años de cliente  ", By: "olga@x.es", At: at})
	if err != nil || first.ID == 0 || first.Reason != "Diez años de cliente" {
		t.Fatalf("save: %+v %v", first, err)
	}
	if _, err := st.SaveDecision(ctx, cartera.Decision{ClientID: "C2", Day: AsOf, Policy: cartera.VerdictKeep,
		Decided: cartera.VerdictKeep, At: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveDecision(ctx, cartera.Decision{ClientID: "C1", Day: AsOf, Policy: cartera.VerdictKeep,
		Decided: cartera.VerdictEnd, At: at}); code(err) != cartera.EINVALID {
		t.Errorf("an override without a reason: %v", err)
	}
	if _, err := st.SaveDecision(ctx, cartera.Decision{ClientID: "ghost", Day: AsOf, Policy: cartera.VerdictKeep,
		Decided: cartera.VerdictKeep, At: at}); err == nil {
		t.Errorf("a decision on an unknown client was stored")
	}
	all, err := st.Decisions(ctx, "", 0)
	if err != nil || len(all) != 2 || all[0].ClientID != "C2" || !all[1].At.Equal(at) || all[1].Day != AsOf ||
		all[1].Policy != cartera.VerdictEnd || all[1].Decided != cartera.VerdictBoundaries || all[1].By != "olga@x.es" {
		t.Errorf("all: %+v %v", all, err)
	}
	one, err := st.Decisions(ctx, "C1", 1)
	if err != nil || len(one) != 1 || one[0].ID != first.ID {
		t.Errorf("C1: %+v %v", one, err)
	}
}
