package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

func code(err error) string { return cartera.ErrorCode(err) }

func field(err error) string {
	var e *cartera.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

func generation(t *testing.T, st cartera.Store) int64 {
	t.Helper()
	g, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func testSaves(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	g0 := generation(t, st)
	c, err := st.SaveClient(ctx, cartera.Client{ID: "C9", Name: "Nuevo", Currency: "EUR", Owner: "Andrés"})
	if err != nil || c.Version != 1 || c.Name != "Nuevo" {
		t.Fatalf("new client: %+v %v", c, err)
	}
	if generation(t, st) <= g0 {
		t.Errorf("a save must count in the generation")
	}
	c.Name = "Nuevo bis"
	if c, err = st.SaveClient(ctx, c); err != nil || c.Version != 2 {
		t.Fatalf("update with the right version: %+v %v", c, err)
	}
	c.Version = 1
	if _, err := st.SaveClient(ctx, c); code(err) != cartera.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	c.Version = 2
	c.Currency = "USD"
	if _, err := st.SaveClient(ctx, c); err != nil {
		t.Errorf("a client without amounts may change currency: %v", err)
	}
	c1, _ := st.Client(ctx, "C1")
	c1.Currency = "USD"
	if _, err := st.SaveClient(ctx, c1); code(err) != cartera.EINVALID || field(err) != "currency" {
		t.Errorf("a client with invoices keeps its currency: %v", err)
	}
	if _, err := st.SaveClient(ctx, cartera.Client{ID: "C8", Currency: "EUR"}); field(err) != "name" {
		t.Errorf("validation: %v", err)
	}

	v := cartera.Invoice{ID: "FX", ClientID: "C9", Issued: AsOf, Due: AsOf.AddDays(30), Amount: cartera.Money{Amount: 100, Currency: "USD"}}
	if v, err = st.SaveInvoice(ctx, v); err != nil || v.Version != 1 {
		t.Fatalf("invoice: %+v %v", v, err)
	}
	bad := v
	bad.ClientID = "nadie"
	if _, err := st.SaveInvoice(ctx, bad); field(err) != "client_id" {
		t.Errorf("unknown client: %v", err)
	}
	bad = v
	bad.Amount.Currency = "EUR"
	if _, err := st.SaveInvoice(ctx, bad); field(err) != "currency" {
		t.Errorf("currency mismatch: %v", err)
	}
	in := cartera.Incident{ID: "IX", ClientID: "C2", ContactID: "P1", At: Now.Add(-time.Hour), Kind: cartera.KindYelling, Severity: 3}
	if _, err := st.SaveIncident(ctx, in); field(err) != "contact_id" {
		t.Errorf("contact of another client: %v", err)
	}
	in.ContactID = ""
	if _, err := st.SaveIncident(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := st.Incident(ctx, "IX")
	if err != nil || got.Kind != cartera.KindYelling || got.Version != 1 {
		t.Errorf("read back: %+v %v", got, err)
	}
	if _, err := st.SaveTimeEntry(ctx, cartera.TimeEntry{ID: "HX", ClientID: "C2", Day: AsOf, Hours: 200, Billable: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveConcession(ctx, cartera.Concession{ID: "KX", ClientID: "C2", Day: AsOf, Kind: cartera.ConcessionFreeHours,
		Hours: 100, Amount: cartera.Money{Currency: "EUR"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveContact(ctx, cartera.Contact{ID: "PX", ClientID: "C2", Name: "Eva", Seniority: 3}); err != nil {
		t.Fatal(err)
	}
	for _, get := range []func() error{
		func() error { _, err := st.Contact(ctx, "nope"); return err },
		func() error { _, err := st.Invoice(ctx, "nope"); return err },
		func() error { _, err := st.TimeEntry(ctx, "nope"); return err },
		func() error { _, err := st.Concession(ctx, "nope"); return err },
		func() error { _, err := st.Incident(ctx, "nope"); return err },
	} {
		if code(get()) != cartera.ENOTFOUND {
			t.Errorf("missing record: want not found")
		}
	}
	// The facts of every client follow single saves too.
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24), MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	all := allFacts(t, st, q)
	if all["C2"].Hours != 500 || all["C2"].FreeHours != 100 || len(all["C2"].Incidents) != 2 {
		t.Errorf("C2 facts after saves: %+v", all["C2"])
	}
	e, _ := st.TimeEntry(ctx, "HX")
	e.Hours = 50
	if _, err := st.SaveTimeEntry(ctx, e); err != nil {
		t.Fatal(err)
	}
	if h := allFacts(t, st, q)["C2"].Hours; h != 350 {
		t.Errorf("C2 hours after an edit: %d", h)
	}
}

// A save without a version creates and never overwrites: whoever sends an
// id that is taken gets ECONFLICT "record.exists" and the stored row stays
// as it was, for every kind of record saved one at a time. A version that
// names no stored record is ENOTFOUND, and nothing is created.
func testSaveWithoutVersion(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	d0, _, err := st.ListDeals(ctx, cartera.DealQuery{Limit: 1})
	if err != nil || len(d0) == 0 {
		t.Fatalf("the fixture has no deal: %v", err)
	}
	task := cartera.Task{ID: "T-V", Kind: cartera.TaskFollowUp, Owner: "Andrés", ClientID: "C1", Due: AsOf, Created: AsOf,
		Status: cartera.TaskOpen}
	if _, err := st.SaveTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveReferral(ctx, cartera.Referral{ID: "R-V", Service: "SEO", Name: "Buscadores", Email: "a@b.es"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSignal(ctx, cartera.Signal{ID: "S-V", DealID: d0[0].ID, Kind: cartera.SignalMeetingHeld, Day: AsOf}); err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		c, _ := st.Client(ctx, "C1")
		p, _ := st.Contact(ctx, "P1")
		v, _ := st.Invoice(ctx, "F02")
		h, _ := st.TimeEntry(ctx, "H1")
		i, _ := st.Incident(ctx, "I1")
		dl, _ := st.Deal(ctx, d0[0].ID)
		sg, _ := st.Signal(ctx, "S-V")
		tk, _ := st.Task(ctx, "T-V")
		rf, _ := st.Referral(ctx, "R-V")
		return fmt.Sprint(c, p, v, h, i, dl, sg, tk, rf)
	}
	before := snapshot()
	over := []struct {
		name string
		save func() error
	}{
		{"client", func() error {
			_, err := st.SaveClient(ctx, cartera.Client{ID: "C1", Name: "Otro", Currency: "EUR", Owner: "Nadie"})
			return err
		}},
		{"contact", func() error {
			_, err := st.SaveContact(ctx, cartera.Contact{ID: "P1", ClientID: "C2", Name: "Otra", Seniority: 1})
			return err
		}},
		{"invoice", func() error {
			_, err := st.SaveInvoice(ctx, cartera.Invoice{ID: "F02", ClientID: "C2", Issued: AsOf, Due: AsOf,
				Amount: cartera.Money{Amount: 1, Currency: "EUR"}})
			return err
		}},
		{"time entry", func() error {
			_, err := st.SaveTimeEntry(ctx, cartera.TimeEntry{ID: "H1", ClientID: "C2", Day: AsOf, Hours: 1})
			return err
		}},
		{"incident", func() error {
			_, err := st.SaveIncident(ctx, cartera.Incident{ID: "I1", ClientID: "C2", At: Now.Add(-time.Hour),
				Kind: cartera.KindYelling, Severity: 1})
			return err
		}},
		{"incident with its tasks", func() error {
			_, err := st.LogIncident(ctx, cartera.Incident{ID: "I1", ClientID: "C2", At: Now.Add(-time.Hour),
				Kind: cartera.KindYelling, Severity: 1}, nil)
			return err
		}},
		{"deal", func() error {
			d := d0[0]
			d.Version, d.Title = 0, "Otro"
			_, err := st.SaveDeal(ctx, d)
			return err
		}},
		{"signal", func() error {
			_, err := st.SaveSignal(ctx, cartera.Signal{ID: "S-V", DealID: d0[0].ID, Kind: cartera.SignalBudgetConfirmed, Day: AsOf})
			return err
		}},
		{"task", func() error {
			x := task
			x.Owner = "Otra"
			_, err := st.SaveTask(ctx, x)
			return err
		}},
		{"referral", func() error {
			_, err := st.SaveReferral(ctx, cartera.Referral{ID: "R-V", Service: "SEO", Name: "Otro", Email: "c@d.es"})
			return err
		}},
	}
	for _, o := range over {
		if err := o.save(); code(err) != cartera.ECONFLICT || cartera.ErrorMessage(err).Key != "record.exists" {
			t.Errorf("%s saved without a version over a stored one: %v, want ECONFLICT record.exists", o.name, err)
		}
	}
	if after := snapshot(); after != before {
		t.Errorf("a save without a version changed stored records:\nbefore %s\nafter  %s", before, after)
	}
	if _, err := st.SaveInvoice(ctx, cartera.Invoice{ID: "F-NEW", ClientID: "C1", Issued: AsOf, Due: AsOf, Version: 3,
		Amount: cartera.Money{Amount: 1, Currency: "EUR"}}); code(err) != cartera.ENOTFOUND {
		t.Errorf("a version for a record that does not exist: %v, want ENOTFOUND", err)
	}
	if _, err := st.Invoice(ctx, "F-NEW"); code(err) != cartera.ENOTFOUND {
		t.Errorf("a save with the version of nothing created the record")
	}
}

// Amounts beyond cartera's bounds can only come from before they were
// enforced (imports write what the importer validated); if they are there,
// the sums that overflow are reported as ErrFiguresOutOfRange, and the
// other clients' facts still come back when asked for by id.
func testFactsOutOfRange(t *testing.T, st cartera.Store) {
	f := NewFixture()
	huge := cartera.Money{Amount: 1 << 62, Currency: "USD"}
	f.Invoices = append(f.Invoices,
		cartera.Invoice{ID: "FH1", ClientID: "C3", Issued: AsOf.AddDays(-10), Due: AsOf.AddDays(20), Amount: huge},
		cartera.Invoice{ID: "FH2", ClientID: "C3", Issued: AsOf.AddDays(-9), Due: AsOf.AddDays(21), Amount: huge})
	Load(t, st, f)
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24), MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	err := st.Facts(ctx, q, func(*cartera.ClientFacts) error { return nil })
	if !errors.Is(err, cartera.ErrFiguresOutOfRange) {
		t.Errorf("every client, one of them out of range: %v, want ErrFiguresOutOfRange", err)
	}
	q.ClientIDs = []string{"C3"}
	if err := st.Facts(ctx, q, func(*cartera.ClientFacts) error { return nil }); !errors.Is(err, cartera.ErrFiguresOutOfRange) {
		t.Errorf("the client out of range: %v, want ErrFiguresOutOfRange", err)
	}
	q.ClientIDs = []string{"C1", "C2"}
	n := 0
	if err := st.Facts(ctx, q, func(*cartera.ClientFacts) error { n++; return nil }); err != nil || n != 2 {
		t.Errorf("the other clients: %d, %v", n, err)
	}
}

// The policy, the pipeline and other shared settings are versioned like
// records: 0 only when none is stored, then the stored version, or
// ECONFLICT "setting.stale" and nothing written.
func testSharedSettingsVersions(t *testing.T, st cartera.Store) {
	pol, err := st.Policy(ctx)
	if err != nil || pol.Version != 0 {
		t.Fatalf("the defaults: version %d, %v", pol.Version, err)
	}
	pol.MaxDaysLate = 40
	if err := st.SavePolicy(ctx, pol); err != nil {
		t.Fatal(err)
	}
	mine, _ := st.Policy(ctx)
	if mine.Version != 1 || mine.MaxDaysLate != 40 {
		t.Fatalf("after the first save: %d %d", mine.Version, mine.MaxDaysLate)
	}
	theirs := pol // read before the save: version 0
	theirs.MaxDaysLate = 90
	if err := st.SavePolicy(ctx, theirs); code(err) != cartera.ECONFLICT {
		t.Errorf("a policy saved from the defaults over a stored one: %v, want ECONFLICT", err)
	}
	mine.MaxDaysLate = 50
	if err := st.SavePolicy(ctx, mine); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Policy(ctx); got.Version != 2 || got.MaxDaysLate != 50 {
		t.Errorf("after the second save: %d %d", got.Version, got.MaxDaysLate)
	}
	pl, _ := st.Pipeline(ctx)
	if err := st.SavePipeline(ctx, pl); err != nil || pl.Version != 0 {
		t.Fatalf("first pipeline save: %v (version %d)", err, pl.Version)
	}
	if err := st.SavePipeline(ctx, pl); code(err) != cartera.ECONFLICT {
		t.Errorf("a stale pipeline: %v, want ECONFLICT", err)
	}
	if v, err := st.PutSettingAt(ctx, "shared.x", "a", 0); err != nil || v != 1 {
		t.Fatalf("new setting: %d %v", v, err)
	}
	if _, err := st.PutSettingAt(ctx, "shared.x", "b", 0); code(err) != cartera.ECONFLICT {
		t.Errorf("a new setting over a stored one: %v", err)
	}
	if v, err := st.PutSettingAt(ctx, "shared.x", "c", 1); err != nil || v != 2 {
		t.Errorf("update: %d %v", v, err)
	}
	if s, v, err := st.SettingAt(ctx, "shared.x"); s != "c" || v != 2 || err != nil {
		t.Errorf("read back: %q %d %v", s, v, err)
	}
}

func testDelete(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24), MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	before := allFacts(t, st, q)["C1"].Hours
	if err := st.Delete(ctx, cartera.EntityClients, "C1", 0); code(err) != cartera.ECONFLICT {
		t.Errorf("a client with records: %v", err)
	}
	if err := st.Delete(ctx, cartera.EntityContacts, "P1", 0); code(err) != cartera.ECONFLICT {
		t.Errorf("a contact in an incident: %v", err)
	}
	if err := st.Delete(ctx, cartera.EntityTime, "H1", 7); code(err) != cartera.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	if err := st.Delete(ctx, cartera.EntityTime, "H1", 1); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, cartera.EntityTime, "H1", 0); code(err) != cartera.ENOTFOUND {
		t.Errorf("already gone: %v", err)
	}
	if after := allFacts(t, st, q)["C1"].Hours; after != before-250 {
		t.Errorf("facts after a delete: %d, want %d", after, before-250)
	}
	if err := st.Delete(ctx, cartera.EntityContacts, "P2", 0); err != nil {
		t.Errorf("an unused contact: %v", err)
	}
	if err := st.Delete(ctx, cartera.Entity("nope"), "x", 0); code(err) != cartera.EINVALID {
		t.Errorf("unknown entity: %v", err)
	}
	if _, err := st.SaveClient(ctx, cartera.Client{ID: "C7", Name: "Vacío", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, cartera.EntityClients, "C7", 0); err != nil {
		t.Errorf("an empty client: %v", err)
	}
}

func testLists(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		page, next, err := st.ListInvoices(ctx, cartera.RecordQuery{ClientID: "C1", After: cursor, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 4 || pages > 5 {
			t.Fatalf("page of %d", len(page))
		}
		for _, v := range page {
			ids = append(ids, v.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	want := []string{"F01", "F02", "F03", "F04", "F05", "F06", "F07", "F08", "F09"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("walked %v", ids)
	}
	cs, _, err := st.ListClients(ctx, cartera.RecordQuery{Owner: "lucia"})
	if err != nil || len(cs) != 2 || cs[0].ID != "C1" || cs[1].ID != "C3" {
		t.Errorf("clients of an owner: %+v %v", cs, err)
	}
	inv, _, err := st.ListInvoices(ctx, cartera.RecordQuery{Owner: "Andrés"})
	if err != nil || len(inv) != 0 {
		t.Errorf("Andrés has no invoices: %v %v", inv, err)
	}
	in, _, _ := st.ListIncidents(ctx, cartera.RecordQuery{Owner: "Andrés"})
	if len(in) != 1 || in[0].ID != "I4" {
		t.Errorf("Andrés's incidents: %+v", in)
	}
	if _, _, err := st.ListTimeEntries(ctx, cartera.RecordQuery{After: "%%%"}); code(err) != cartera.EINVALID {
		t.Errorf("bad cursor: %v", err)
	}
	for name, n := range map[string]func() (int, error){
		"contacts":    func() (int, error) { x, _, err := st.ListContacts(ctx, cartera.RecordQuery{}); return len(x), err },
		"time":        func() (int, error) { x, _, err := st.ListTimeEntries(ctx, cartera.RecordQuery{}); return len(x), err },
		"concessions": func() (int, error) { x, _, err := st.ListConcessions(ctx, cartera.RecordQuery{}); return len(x), err },
	} {
		got, err := n()
		if err != nil || got == 0 {
			t.Errorf("%s: %d %v", name, got, err)
		}
	}
}

func testUsers(t *testing.T, st cartera.Store) {
	if n, err := st.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("users in a new store: %d %v", n, err)
	}
	u, err := st.CreateUser(ctx, cartera.User{Email: "Ana@Example.com", Name: "Ana", Role: cartera.RoleOwner, PasswordHash: "h"})
	if err != nil || u.ID == 0 || u.Version != 1 || u.Created.IsZero() {
		t.Fatalf("create: %+v %v", u, err)
	}
	if _, err := st.CreateUser(ctx, cartera.User{Email: "ana@example.COM", Name: "Otra", Role: cartera.RoleSeller}); code(err) != cartera.ECONFLICT {
		t.Errorf("e-mail taken, whatever the case: %v", err)
	}
	if _, err := st.CreateUser(ctx, cartera.User{Email: "no-es-correo", Name: "X", Role: cartera.RoleSeller}); field(err) != "email" {
		t.Errorf("bad e-mail: %v", err)
	}
	got, err := st.UserByEmail(ctx, "ANA@example.com")
	if err != nil || got.ID != u.ID || got.PasswordHash != "h" {
		t.Errorf("by e-mail: %+v %v", got, err)
	}
	s2, _ := st.CreateUser(ctx, cartera.User{Email: "beto@example.com", Name: "Beto", Role: cartera.RoleSeller})
	list, err := st.Users(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "Ana" {
		t.Errorf("users: %+v %v", list, err)
	}
	now := Now
	sess := cartera.Session{ID: "s1", UserID: s2.ID, Created: now, Expires: now.Add(time.Hour), CSRF: "c"}
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if s, su, err := st.Session(ctx, "s1", now); err != nil || su.ID != s2.ID || s.CSRF != "c" {
		t.Errorf("session: %+v %+v %v", s, su, err)
	}
	if _, _, err := st.Session(ctx, "s1", now.Add(2*time.Hour)); code(err) != cartera.EUNAUTHORIZED {
		t.Errorf("expired session: %v", err)
	}
	s2.Role = cartera.RoleManager
	if s2, err = st.UpdateUser(ctx, s2); err != nil || s2.Version != 2 || s2.Role != cartera.RoleManager {
		t.Fatalf("update: %+v %v", s2, err)
	}
	stale := s2
	stale.Version = 1
	if _, err := st.UpdateUser(ctx, stale); code(err) != cartera.ECONFLICT {
		t.Errorf("stale update: %v", err)
	}
	s2.Disabled = true
	if _, err := st.UpdateUser(ctx, s2); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Session(ctx, "s1", now); code(err) != cartera.EUNAUTHORIZED {
		t.Errorf("a disabled user is signed out: %v", err)
	}
	tok, err := st.CreateToken(ctx, cartera.APIToken{UserID: u.ID, Name: "script", Prefix: "crt_ab"}, "hash1")
	if err != nil || tok.ID == 0 {
		t.Fatal(err)
	}
	if got, gu, err := st.TokenUser(ctx, "hash1", now); err != nil || gu.ID != u.ID || got.Name != "script" || got.LastUsed.IsZero() {
		t.Errorf("token: %+v %+v %v", got, gu, err)
	}
	if _, _, err := st.TokenUser(ctx, "nope", now); code(err) != cartera.EUNAUTHORIZED {
		t.Errorf("unknown token: %v", err)
	}
	if ts, err := st.Tokens(ctx, u.ID); err != nil || len(ts) != 1 {
		t.Errorf("tokens: %v %v", ts, err)
	}
	if err := st.DeleteToken(ctx, s2.ID, tok.ID); code(err) != cartera.ENOTFOUND {
		t.Errorf("someone else's token: %v", err)
	}
	if err := st.DeleteToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.TokenUser(ctx, "hash1", now); code(err) != cartera.EUNAUTHORIZED {
		t.Errorf("revoked token: %v", err)
	}
	if err := st.CreateSession(ctx, cartera.Session{ID: "s2", UserID: u.ID, Created: now, Expires: now.Add(time.Hour), CSRF: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Session(ctx, "s2", now); code(err) != cartera.EUNAUTHORIZED {
		t.Errorf("signed out everywhere: %v", err)
	}
}

func testSettings(t *testing.T, st cartera.Store) {
	if _, err := st.Setting(ctx, "x"); code(err) != cartera.ENOTFOUND {
		t.Errorf("missing setting: %v", err)
	}
	if err := st.PutSetting(ctx, "x", "1"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutSetting(ctx, "x", "2"); err != nil {
		t.Fatal(err)
	}
	if v, err := st.Setting(ctx, "x"); v != "2" || err != nil {
		t.Errorf("got %q %v", v, err)
	}
	if v, err := st.TakeSetting(ctx, "x"); v != "2" || err != nil {
		t.Errorf("take: %q %v", v, err)
	}
	if _, err := st.TakeSetting(ctx, "x"); code(err) != cartera.ENOTFOUND {
		t.Errorf("a taken setting is gone: %v", err)
	}
}

// summaryFixture is 25 clients whose summaries are known, for the list.
func summaryFixture(t *testing.T, st cartera.Store) []cartera.Summary {
	t.Helper()
	f := Fixture{}
	var sums []cartera.Summary
	verdicts := cartera.Verdicts
	for i := 0; i < 25; i++ {
		id := fmt.Sprintf("S%02d", i)
		owner := []string{"Lucía", "Andrés"}[i%2]
		f.Clients = append(f.Clients, cartera.Client{ID: id, Name: fmt.Sprintf("Cliente %c%02d", 'Z'-rune(i), i), Owner: owner, Currency: "EUR"})
		sums = append(sums, cartera.Summary{
			ClientID: id, Verdict: verdicts[i%4], Currency: "EUR", Revenue: int64(1000 * (i % 7)), Margin: int64(100 * (i % 5)),
			MarginPct: cartera.BasisPoints(i * 10), HasRevenue: true, Discounts: int64(i), Concessions: int64(2 * i), Score: cartera.Tenths(i % 3 * 10), Level: "low",
			Breaches: i % 3, Reason: summaryReason(i),
		})
	}
	Load(t, st, f)
	return sums
}

// summaryReason is a first reason with facts of several types, or none:
// the store keeps them as they are, for the reader's language later.
func summaryReason(i int) cartera.Message {
	switch i % 3 {
	case 0:
		return cartera.Message{}
	case 1:
		return cartera.M("reason.late_payments", "n", i, "of", int64(i+1), "days", 30,
			"overdue", cartera.Money{Amount: int64(1000 * i), Currency: "EUR"}, "since", cartera.DateOf(2026, 3, 1+i))
	}
	return cartera.M("reason.concessions", "line", cartera.M("breach.discount", "pct", cartera.BasisPoints(100*i)),
		"kinds", []string{"insult", "threat"}, "h", cartera.Hours(i*50), "at", time.Date(2026, 5, 2, 8, 30, 0, 0, time.UTC))
}

func testSummaries(t *testing.T, st cartera.Store) {
	sums := summaryFixture(t, st)
	missing, total, err := st.StaleSummaries(ctx, "k1")
	if err != nil || total != 25 || len(missing) != 25 {
		t.Fatalf("stale: %d of %d, %v", len(missing), total, err)
	}
	if err := st.SaveSummaries(ctx, "k1", sums, true); err != nil {
		t.Fatal(err)
	}
	if missing, _, _ := st.StaleSummaries(ctx, "k1"); len(missing) != 0 {
		t.Errorf("still stale: %v", missing)
	}
	if missing, _, _ := st.StaleSummaries(ctx, "k2"); len(missing) != 25 {
		t.Errorf("another key: %d stale", len(missing))
	}
	for _, c := range []struct {
		key          string
		stale, total int
	}{{"k1", 0, 25}, {"k2", 25, 25}} {
		if stale, total, err := st.CountStaleSummaries(ctx, c.key); err != nil || stale != c.stale || total != c.total {
			t.Errorf("count under %s: %d stale of %d (%v), want %d of %d", c.key, stale, total, err, c.stale, c.total)
		}
	}
	byID := map[string]cartera.Summary{}
	for _, s := range sums {
		byID[s.ClientID] = s
	}
	// The stored summaries stream in id order, figures as saved and no
	// reasons' text, and an owner's alone when asked.
	for _, owner := range []string{"", "LUCIA"} {
		var ids []string
		err := st.EachStoredSummary(ctx, owner, func(s cartera.Summary) error {
			want := byID[s.ClientID]
			want.Reason = cartera.Message{}
			if !reflect.DeepEqual(s, want) {
				t.Errorf("stored %+v, want %+v", s, want)
			}
			ids = append(ids, s.ClientID)
			return nil
		})
		n := map[string]int{"": 25, "LUCIA": 13}[owner]
		if err != nil || len(ids) != n || !sort.StringsAreSorted(ids) {
			t.Errorf("stored summaries of %q: %v (%v), want %d in id order", owner, ids, err, n)
		}
	}
	less := map[cartera.ClientSort]func(a, b cartera.ClientRow) bool{
		cartera.SortName: func(a, b cartera.ClientRow) bool { return cartera.Fold(a.Client.Name) < cartera.Fold(b.Client.Name) },
		cartera.SortMargin: func(a, b cartera.ClientRow) bool {
			return a.Summary.Margin < b.Summary.Margin || (a.Summary.Margin == b.Summary.Margin && a.Client.ID < b.Client.ID)
		},
		cartera.SortRevenue: func(a, b cartera.ClientRow) bool {
			return a.Summary.Revenue < b.Summary.Revenue || (a.Summary.Revenue == b.Summary.Revenue && a.Client.ID < b.Client.ID)
		},
		cartera.SortRelational: func(a, b cartera.ClientRow) bool {
			return a.Summary.Score < b.Summary.Score || (a.Summary.Score == b.Summary.Score && a.Client.ID < b.Client.ID)
		},
		cartera.SortUrgency: func(a, b cartera.ClientRow) bool {
			ua, ub := a.Summary.Verdict.Urgency(), b.Summary.Verdict.Urgency()
			if ua != ub {
				return ua < ub
			}
			if a.Summary.Score != b.Summary.Score {
				return a.Summary.Score > b.Summary.Score
			}
			return cartera.Fold(a.Client.Name) < cartera.Fold(b.Client.Name)
		},
	}
	for _, sortBy := range cartera.ClientSorts {
		for _, desc := range []bool{false, true} {
			var rows []cartera.ClientRow
			cursor := ""
			for pages := 0; pages < 10; pages++ {
				page, err := st.Clients(ctx, cartera.ClientQuery{Sort: sortBy, Desc: desc, After: cursor, Limit: 7})
				if err != nil {
					t.Fatalf("%s: %v", sortBy, err)
				}
				rows = append(rows, page.Rows...)
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
			if len(rows) != 25 {
				t.Errorf("%s desc=%v: walked %d rows", sortBy, desc, len(rows))
				continue
			}
			ordered := sort.SliceIsSorted(rows, func(i, j int) bool {
				if desc {
					return less[sortBy](rows[j], rows[i])
				}
				return less[sortBy](rows[i], rows[j])
			})
			if !ordered {
				t.Errorf("%s desc=%v: out of order", sortBy, desc)
			}
			for _, r := range rows {
				if !reflect.DeepEqual(r.Summary, byID[r.Client.ID]) {
					t.Errorf("%s: summary %+v, want %+v", r.Client.ID, r.Summary, byID[r.Client.ID])
					break
				}
			}
		}
	}
	count := func(q cartera.ClientQuery) int {
		q.Limit = 200
		p, err := st.Clients(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Rows)
	}
	if n := count(cartera.ClientQuery{Verdict: cartera.VerdictEnd}); n != 7 {
		t.Errorf("verdict filter: %d", n)
	}
	if n := count(cartera.ClientQuery{Owner: "LUCIA"}); n != 13 {
		t.Errorf("owner filter: %d", n)
	}
	if n := count(cartera.ClientQuery{Breached: true}); n != 16 {
		t.Errorf("breach filter: %d", n)
	}
	if n := count(cartera.ClientQuery{Search: "cliente z00"}); n != 1 {
		t.Errorf("search: %d", n)
	}
	if n := count(cartera.ClientQuery{Search: "S03"}); n != 1 {
		t.Errorf("search by id: %d", n)
	}
	if _, err := st.Clients(ctx, cartera.ClientQuery{Sort: "nope"}); code(err) != cartera.EINVALID {
		t.Errorf("bad sort: %v", err)
	}
	if _, err := st.Clients(ctx, cartera.ClientQuery{After: "garbage!"}); code(err) != cartera.EINVALID {
		t.Errorf("bad cursor: %v", err)
	}
	// A write to one client makes its summary stale, and only its.
	if _, err := st.SaveTimeEntry(ctx, cartera.TimeEntry{ID: "HS", ClientID: "S04", Day: AsOf, Hours: 100}); err != nil {
		t.Fatal(err)
	}
	if missing, _, _ := st.StaleSummaries(ctx, "k1"); !reflect.DeepEqual(missing, []string{"S04"}) {
		t.Errorf("after a write: stale %v", missing)
	}
	if stale, total, err := st.CountStaleSummaries(ctx, "k1"); err != nil || stale != 1 || total != 25 {
		t.Errorf("after a write: counted %d stale of %d (%v)", stale, total, err)
	}
	// A stale summary still streams, with its figures.
	n := 0
	if err := st.EachStoredSummary(ctx, "", func(cartera.Summary) error { n++; return nil }); err != nil || n != 25 {
		t.Errorf("after a write: %d stored summaries (%v)", n, err)
	}
}

func testTimeline(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	items, err := st.Timeline(ctx, "C1", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 9+4+6+3 {
		t.Errorf("timeline of C1: %d items", len(items))
	}
	for i := 1; i < len(items); i++ {
		if items[i].At.After(items[i-1].At) {
			t.Errorf("not newest first at %d", i)
		}
	}
	if items[0].Invoice == nil || items[0].Invoice.ID != "F08" {
		t.Errorf("newest: %+v", items[0])
	}
	if few, _ := st.Timeline(ctx, "C1", 3); len(few) != 3 {
		t.Errorf("limit: %d", len(few))
	}
	months, err := st.Monthly(ctx, "C1", cartera.DateOf(2026, 1, 15), cartera.DateOf(2026, 10, 2))
	if err != nil {
		t.Fatal(err)
	}
	if len(months) != 10 || months[0].Month != cartera.DateOf(2026, 1, 1) {
		t.Fatalf("months: %+v", months)
	}
	if months[0].Revenue != 100000 || months[1].Hours != 250 || months[9].Incidents != 1 || months[9].MaxSeverity != 3 {
		t.Errorf("figures: %+v", months)
	}
}
