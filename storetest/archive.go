package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

// testArchive moves a store's records and archive into a second, empty
// store in one import and reads back the same archive: accounts still sign
// in, tokens still resolve, lessons are still found, and new ids do not
// collide with the moved ones.
func testArchive(t *testing.T, open Opener) {
	src, dst := open(t), open(t)
	t.Cleanup(func() { src.Close(); dst.Close() })

	lessonsFixture(t, src)
	owner, err := src.CreateUser(ctx, cartera.User{Email: "olga@x.es", Name: "Olga", Role: cartera.RoleOwner,
		PasswordHash: "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", Lang: "es"})
	if err != nil {
		t.Fatal(err)
	}
	seller, err := src.CreateUser(ctx, cartera.User{Email: "Lucia@X.es", Name: "Lucía", Role: cartera.RoleSeller, PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	seller.Disabled = true
	if seller, err = src.UpdateUser(ctx, seller); err != nil {
		t.Fatal(err)
	}
	tok, err := src.CreateToken(ctx, cartera.APIToken{UserID: owner.ID, Name: "scripts", Prefix: "crt_abc"}, "token-hash")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.TokenUser(ctx, "token-hash", Now); err != nil { // records a last use
		t.Fatal(err)
	}
	if err := src.SetCalendarToken(ctx, owner.ID, "calendar-hash"); err != nil {
		t.Fatal(err)
	}
	if err := src.PutSetting(ctx, "custom.key", `{"a":1}`); err != nil {
		t.Fatal(err)
	}
	pol := cartera.DefaultPolicy()
	pol.MaxDaysLate = 45
	if err := src.SavePolicy(ctx, pol); err != nil {
		t.Fatal(err)
	}
	d1, _ := src.Deal(ctx, "D1")
	d1.Outcome, d1.Closed, d1.LostReason = cartera.OutcomeLost, d(2026, 11, 20), "precio"
	if _, err := src.MarkLost(ctx, d1, plan("D1", "Lucía", d(2026, 11, 20))); err != nil {
		t.Fatal(err)
	}
	d2, _ := src.Deal(ctx, "D2")
	d2.Stage, d2.StageSince = "qualified", d(2026, 11, 10)
	if _, err := src.SaveDeal(ctx, d2); err != nil {
		t.Fatal(err)
	}
	task, _ := src.Task(ctx, "recover:D1")
	task.Status, task.SnoozedUntil = cartera.TaskSnoozed, d(2026, 11, 28)
	if _, err := src.SaveTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	if _, err := src.CompleteReconnect(ctx, cartera.Reconnect{DealID: "D1", Day: d(2026, 11, 22), ReallyNo: cartera.Yes,
		Respected: true, Competitor: "Acme", DoorOpen: true, Note: "llamar en marzo"}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SaveReferral(ctx, cartera.Referral{ID: "R1", Service: "Diseño web", Name: "Estudio Norte",
		Email: "hola@norte.es"}); err != nil {
		t.Fatal(err)
	}
	if err := src.SaveHoliday(ctx, cartera.Holiday{Day: d(2026, 12, 8), Name: "Inmaculada"}); err != nil {
		t.Fatal(err)
	}
	// What capture keeps.
	if _, err := src.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchDomain, Value: "muñoz.es", Role: cartera.RoleClient,
		ClientID: "C1", ContactID: "P1", DealID: "D1"}); err != nil {
		t.Fatal(err)
	}
	ctx1, _ := src.BeginImport(ctx)
	at := time.Date(2026, 11, 15, 21, 40, 0, 0, time.UTC)
	for _, err := range []error{
		ctx1.PutUnmatched(ctx, []cartera.Unmatched{{Kind: cartera.MatchEmail, Value: "sara@x.es", Source: "mail", Hint: "Sara", Seen: 2, Last: d(2026, 11, 13)}}),
		ctx1.PutProvenance(ctx, []cartera.Provenance{{Entity: cartera.EntitySignals, RecordID: "S1", Source: "ics", Origin: "agenda.ics", OriginalID: "uid-1"}}),
		ctx1.PutMailMessages(ctx, []cartera.MailMessage{{ID: "m1", ClientID: "C1", ContactID: "P1", At: at, Key: "k1", ReplyTo: "k0"}}),
		ctx1.PutCandidates(ctx, []cartera.Candidate{
			{ID: "c1", ClientID: "C1", ContactID: "P1", At: at, Kind: cartera.KindOutOfHours, Reason: cartera.M("candidate.protected_hours"), Subject: "Urgente"},
			{ID: "c2", ClientID: "C1", At: at, Kind: cartera.KindScopeCreep, Reason: cartera.M("candidate.scope", "phrase", "de paso"), Excerpt: "…de paso…"},
		}),
		ctx1.Commit(ctx),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := src.DismissCandidate(ctx, "c2", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SaveDecision(ctx, cartera.Decision{ClientID: "C1", Day: d(2026, 11, 20), Policy: cartera.VerdictEnd,
		Decided: cartera.VerdictBoundaries, Reason: "Un cliente de diez años", By: "olga@x.es", At: at}); err != nil {
		t.Fatal(err)
	}
	want, err := src.Archive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.MatchRules) != 1 || len(want.Unmatched) != 1 || len(want.Provenance) != 1 || len(want.MailMessages) != 1 ||
		len(want.Candidates) != 2 || want.Candidates[1].Status != cartera.CandidateDismissed || len(want.Decisions) != 1 ||
		len(want.StageMoves) < 2 {
		t.Fatalf("the archive misses what capture keeps: %+v", want)
	}
	if len(want.Users) != 2 || len(want.Tokens) != 1 || want.Tokens[0].Hash != "token-hash" || want.Tokens[0].LastUsed.IsZero() ||
		len(want.CalendarTokens) != 1 || len(want.Tasks) != 4 || len(want.Reconnects) != 1 || len(want.Debriefs) != 3 ||
		len(want.Referrals) != 1 || len(want.Holidays) != 1 || want.Users[0].PasswordHash == "" {
		t.Fatalf("archive misses something: %+v", want)
	}

	// Into a store that has accounts already: refused, nothing written.
	other, err := dst.CreateUser(ctx, cartera.User{Email: "x@x.es", Name: "X", Role: cartera.RoleOwner, PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := dst.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.PutArchive(ctx, want); code(err) != cartera.ECONFLICT {
		t.Errorf("archive into a store with users: %v", err)
	}
	tx.Rollback()
	if us, err := dst.Users(ctx); err != nil || len(us) != 1 || us[0].ID != other.ID {
		t.Errorf("a refused archive wrote users: %+v %v", us, err)
	}
	dst.Close()
	dst = open(t)

	// Records and archive in one import.
	fix := Dump(t, src)
	tx, err = dst.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	tx.PutClients(ctx, fix.Clients, positions(len(fix.Clients)))
	tx.PutContacts(ctx, fix.Contacts, positions(len(fix.Contacts)))
	tx.PutInvoices(ctx, fix.Invoices, positions(len(fix.Invoices)))
	tx.PutTimeEntries(ctx, fix.Time, positions(len(fix.Time)))
	tx.PutConcessions(ctx, fix.Concessions, positions(len(fix.Concessions)))
	tx.PutIncidents(ctx, fix.Incidents, positions(len(fix.Incidents)))
	tx.PutDeals(ctx, fix.Deals, positions(len(fix.Deals)))
	tx.PutSignals(ctx, fix.Signals, positions(len(fix.Signals)))
	if err := tx.PutArchive(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := dst.Archive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("archive after the move:\n got %+v\nwant %+v", got, want)
	}
	if diff := Compare(fix, Dump(t, dst)); diff != "" {
		t.Errorf("records after the move: %s", diff)
	}

	// What the archive is for still works in the destination.
	if nd, err := dst.SaveDecision(ctx, cartera.Decision{ClientID: "C1", Day: d(2026, 11, 21), Policy: cartera.VerdictKeep,
		Decided: cartera.VerdictKeep, At: at}); err != nil || nd.ID <= want.Decisions[0].ID {
		t.Errorf("a new decision after the move: %+v %v", nd, err)
	}
	if u, err := dst.UserByEmail(ctx, "olga@x.es"); err != nil || u.ID != owner.ID || u.PasswordHash != owner.PasswordHash {
		t.Errorf("owner: %+v %v", u, err)
	}
	if _, u, err := dst.TokenUser(ctx, "token-hash", Now); err != nil || u.ID != owner.ID {
		t.Errorf("token: %+v %v", u, err)
	}
	if _, _, err := dst.TokenUser(ctx, "token-hash", Now); err != nil {
		t.Errorf("token %d: %v", tok.ID, err)
	}
	if u, err := dst.CalendarUser(ctx, "calendar-hash"); err != nil || u.ID != owner.ID {
		t.Errorf("calendar: %+v %v", u, err)
	}
	if p, err := dst.Policy(ctx); err != nil || p.MaxDaysLate != 45 {
		t.Errorf("policy: %+v %v", p.MaxDaysLate, err)
	}
	if hits, err := dst.SearchLessons(ctx, cartera.LessonQuery{Text: "gestion"}); err != nil || len(hits) != 1 {
		t.Errorf("lessons search after the move: %v %v", hitIDs(hits), err)
	}
	// New rows get new ids.
	nu, err := dst.CreateUser(ctx, cartera.User{Email: "nuevo@x.es", Name: "Nuevo", Role: cartera.RoleManager, PasswordHash: "h"})
	if err != nil || nu.ID == owner.ID || nu.ID == seller.ID {
		t.Errorf("a new user after the move: %+v %v", nu, err)
	}
	nt, err := dst.CreateToken(ctx, cartera.APIToken{UserID: nu.ID, Name: "n", Prefix: "crt_n"}, "new-hash")
	if err != nil || nt.ID == tok.ID {
		t.Errorf("a new token after the move: %+v %v", nt, err)
	}
	if _, err := dst.SaveDebrief(ctx, cartera.Debrief{DealID: "D1", Day: d(2026, 11, 23), Happened: "precio",
		Lessons: []cartera.Lesson{{Topic: "precio", Text: "Hablar de precio pronto"}}}); err != nil {
		t.Errorf("a new debrief after the move: %v", err)
	}
}
