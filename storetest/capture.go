package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

func testMatchRules(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	// An import lists what it could not match; a rule takes it off.
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.PutUnmatched(ctx, []cartera.Unmatched{
		{Kind: cartera.MatchEmail, Value: "pepe@muñoz.es", Source: "mail", Hint: "Pepe", Seen: 3, Last: d(2026, 11, 2)},
		{Kind: cartera.MatchEmail, Value: "luis@muñoz.es", Source: "mail", Seen: 1, Last: d(2026, 11, 1)},
		{Kind: cartera.MatchProject, Value: "web 2026", Source: "tracker", Hint: "Talleres", Seen: 7},
		{Kind: cartera.MatchTaxID, Value: "B12345678", Source: "invoice", Hint: "Otra S.L.", Seen: 1, Last: d(2026, 10, 1)},
	}); err != nil {
		t.Fatal(err)
	}
	if err := tx.PutProvenance(ctx, []cartera.Provenance{{Entity: cartera.EntityTime, RecordID: "H1", Source: "toggl",
		Origin: "toggl.csv", OriginalID: "ana 2026-02-10 09:00"}}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	un, err := st.UnmatchedItems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 4 || un[0].Value != "web 2026" || un[1].Value != "pepe@muñoz.es" || un[1].Hint != "Pepe" || un[1].Last != d(2026, 11, 2) {
		t.Fatalf("unmatched = %+v", un)
	}
	p, err := st.Provenance(ctx, cartera.EntityTime, "H1")
	if err != nil || p.Source != "toggl" || p.OriginalID != "ana 2026-02-10 09:00" || p.Origin != "toggl.csv" {
		t.Fatalf("provenance = %+v, %v", p, err)
	}
	if _, err := st.Provenance(ctx, cartera.EntityTime, "H2"); code(err) != cartera.ENOTFOUND {
		t.Fatalf("missing provenance: %v", err)
	}

	// A later import replaces the count and keeps the latest day.
	tx, _ = st.BeginImport(ctx)
	if err := tx.PutUnmatched(ctx, []cartera.Unmatched{{Kind: cartera.MatchEmail, Value: "pepe@muñoz.es", Source: "calendar",
		Hint: "Pepe M.", Seen: 1, Last: d(2026, 10, 1)}}); err != nil {
		t.Fatal(err)
	}
	tx.Commit(ctx)
	un, _ = st.UnmatchedItems(ctx)
	for _, u := range un {
		if u.Value == "pepe@muñoz.es" && (u.Seen != 1 || u.Last != d(2026, 11, 2) || u.Source != "calendar") {
			t.Fatalf("re-listed = %+v", u)
		}
	}

	// Rules check what they point to.
	bad := []struct {
		name  string
		r     cartera.MatchRule
		code  string
		field string
	}{
		{"unknown client", cartera.MatchRule{Kind: cartera.MatchDomain, Value: "x.es", Role: cartera.RoleClient, ClientID: "NOPE"}, cartera.EINVALID, "client_id"},
		{"another client's contact", cartera.MatchRule{Kind: cartera.MatchEmail, Value: "a@x.es", Role: cartera.RoleClient, ClientID: "C2", ContactID: "P1"}, cartera.EINVALID, "contact_id"},
		{"another client's deal", cartera.MatchRule{Kind: cartera.MatchEmail, Value: "a@x.es", Role: cartera.RoleClient, ClientID: "C2", DealID: "D1"}, cartera.EINVALID, "deal_id"},
		{"not normalised", cartera.MatchRule{Kind: cartera.MatchEmail, Value: "A@X.es", Role: cartera.RoleClient, ClientID: "C1"}, cartera.EINVALID, "value"},
		{"self with a client", cartera.MatchRule{Kind: cartera.MatchDomain, Value: "x.es", Role: cartera.RoleSelf, ClientID: "C1"}, cartera.EINVALID, "client_id"},
	}
	for _, tc := range bad {
		if _, err := st.SaveMatchRule(ctx, tc.r); code(err) != tc.code || field(err) != tc.field {
			t.Errorf("%s: %v (field %q)", tc.name, err, field(err))
		}
	}

	r, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchDomain, Value: "muñoz.es", Role: cartera.RoleClient, ClientID: "C1", DealID: "D1"})
	if err != nil || r.Version != 1 {
		t.Fatalf("save: %+v %v", r, err)
	}
	if _, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchProject, Value: "web 2026", Role: cartera.RoleClient,
		ClientID: "C1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchEmail, Value: "yo@agencia.es", Role: cartera.RoleSelf}); err != nil {
		t.Fatal(err)
	}
	un, _ = st.UnmatchedItems(ctx)
	if len(un) != 1 || un[0].Kind != cartera.MatchTaxID {
		t.Fatalf("a domain rule takes its addresses off the list, a project rule its project: %+v", un)
	}
	// Versions guard updates.
	r.ContactID = "P1"
	r.Version = 7
	if _, err := st.SaveMatchRule(ctx, r); code(err) != cartera.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	r.Version = 1
	if r, err = st.SaveMatchRule(ctx, r); err != nil || r.Version != 2 || r.ContactID != "P1" {
		t.Fatalf("update: %+v %v", r, err)
	}
	rules, err := st.MatchRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []cartera.MatchRule{
		{Kind: cartera.MatchDomain, Value: "muñoz.es", Role: cartera.RoleClient, ClientID: "C1", ContactID: "P1", DealID: "D1", Version: 2},
		{Kind: cartera.MatchEmail, Value: "yo@agencia.es", Role: cartera.RoleSelf, Version: 1},
		{Kind: cartera.MatchProject, Value: "web 2026", Role: cartera.RoleClient, ClientID: "C1", Version: 1},
	}
	if !reflect.DeepEqual(rules, want) {
		t.Fatalf("rules:\n got %+v\nwant %+v", rules, want)
	}
	// Deleting the deal leaves the rule on the client.
	if err := st.Delete(ctx, cartera.EntityDeals, "D1", 0); err != nil {
		t.Fatal(err)
	}
	rules, _ = st.MatchRules(ctx)
	if rules[0].DealID != "" || rules[0].ClientID != "C1" {
		t.Fatalf("after deleting the deal: %+v", rules[0])
	}
	if err := st.DeleteMatchRule(ctx, cartera.MatchEmail, "yo@agencia.es", 3); code(err) != cartera.ECONFLICT {
		t.Fatalf("stale delete: %v", err)
	}
	if err := st.DeleteMatchRule(ctx, cartera.MatchEmail, "yo@agencia.es", 1); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteMatchRule(ctx, cartera.MatchEmail, "yo@agencia.es", 0); code(err) != cartera.ENOTFOUND {
		t.Fatalf("deleted twice: %v", err)
	}
	if rules, _ = st.MatchRules(ctx); len(rules) != 2 {
		t.Fatalf("after delete: %+v", rules)
	}
}

func testMailAndCandidates(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msgs := []cartera.MailMessage{
		{ID: "m2", ClientID: "C1", ContactID: "P1", At: at(3, 10), Key: "k2", ReplyTo: "k1"},
		{ID: "m1", ClientID: "C1", At: at(2, 9), Outbound: true, Key: "k1"},
		{ID: "m3", ClientID: "C2", At: at(4, 9), Outbound: true, Key: "k3"},
	}
	if err := tx.PutMailMessages(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	cands := []cartera.Candidate{
		{ID: "c1", ClientID: "C1", ContactID: "P1", At: at(8, 22), Kind: cartera.KindOutOfHours, Reason: cartera.M("candidate.protected_hours"),
			Subject: "Urgente", Source: "mbox", Origin: "correo.mbox"},
		{ID: "c2", ClientID: "C2", At: at(9, 11), Kind: cartera.KindScopeCreep, Reason: cartera.M("candidate.scope", "phrase", "ya que estás"),
			Subject: "Otra cosa", Excerpt: "…y ya que estás, añade una tienda…", Source: "mbox", Origin: "correo.mbox"},
	}
	if err := tx.PutCandidates(ctx, cands); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := st.EachMailMessage(ctx, []string{"C1", "C2"}, func(m cartera.MailMessage) error {
		got = append(got, fmtValue(m))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !strings.HasPrefix(got[0], "{ID:m1 ") || !strings.Contains(got[1], "ContactID:P1") || !strings.Contains(got[2], "ID:m3") {
		t.Fatalf("messages: %v", got)
	}
	// A message put again replaces the stored one (here it lost its
	// contact), next to a new one; the rest stay as they were.
	tx, err = st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.PutMailMessages(ctx, []cartera.MailMessage{{ID: "m4", ClientID: "C1", At: at(5, 9), Outbound: true, Key: "k4"},
		{ID: "m2", ClientID: "C1", At: at(3, 11), Key: "k2", ReplyTo: "k1"}}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	if err := st.EachMailMessage(ctx, []string{"C1"}, func(m cartera.MailMessage) error {
		got = append(got, m.ID+"/"+m.ContactID+"/"+m.At.Format("02T15"))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(got, " "); s != "m1//02T09 m2//03T11 m4//05T09" {
		t.Fatalf("after putting m2 again: %s", s)
	}
	list, err := st.Candidates(ctx, cartera.CandidateQuery{Status: cartera.CandidatePending})
	if err != nil || len(list) != 2 || list[0].ID != "c2" || list[0].Excerpt == "" {
		t.Fatalf("pending: %+v %v", list, err)
	}
	if p, _ := list[0].Reason.Get("phrase"); p != "ya que estás" {
		t.Fatalf("reason: %+v", list[0].Reason)
	}
	if list, _ = st.Candidates(ctx, cartera.CandidateQuery{Owner: "andres"}); len(list) != 1 || list[0].ClientID != "C2" {
		t.Fatalf("by owner: %+v", list)
	}
	if known, err := st.StoredCandidates(ctx, []string{"c2", "nope", "c1"}); err != nil || len(known) != 2 || !known["c1"] || !known["c2"] {
		t.Fatalf("stored candidates: %v %v", known, err)
	}
	// Confirming writes the incident with it; a second answer conflicts.
	in := cartera.Incident{ID: "cand-c1", ClientID: "C1", ContactID: "P1", At: at(8, 22), Kind: cartera.KindOutOfHours, Severity: 2}
	c, err := st.ConfirmCandidate(ctx, "c1", 1, in)
	if err != nil || c.Status != cartera.CandidateConfirmed || c.IncidentID != "cand-c1" || c.Version != 2 {
		t.Fatalf("confirm: %+v %v", c, err)
	}
	if _, err := st.Incident(ctx, "cand-c1"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DismissCandidate(ctx, "c1", 0); code(err) != cartera.ECONFLICT {
		t.Fatalf("dismiss a confirmed one: %v", err)
	}
	if _, err := st.DismissCandidate(ctx, "c2", 5); code(err) != cartera.ECONFLICT {
		t.Fatalf("stale dismiss: %v", err)
	}
	c, err = st.DismissCandidate(ctx, "c2", 1)
	if err != nil || c.Status != cartera.CandidateDismissed || c.Subject != "" || c.Excerpt != "" {
		t.Fatalf("dismiss: %+v %v", c, err)
	}
	if _, err := st.ConfirmCandidate(ctx, "nope", 0, in); code(err) != cartera.ENOTFOUND {
		t.Fatalf("unknown: %v", err)
	}
	if known, _ := st.StoredCandidates(ctx, []string{"c1", "c2"}); len(known) != 2 {
		t.Fatalf("answered candidates are still stored: %v", known)
	}
	// A later import does not bring a dismissed candidate back.
	tx, _ = st.BeginImport(ctx)
	if err := tx.PutCandidates(ctx, cands); err != nil {
		t.Fatal(err)
	}
	tx.Commit(ctx)
	if list, _ = st.Candidates(ctx, cartera.CandidateQuery{Status: cartera.CandidatePending}); len(list) != 0 {
		t.Fatalf("back in the queue: %+v", list)
	}
	// An incident that fails its checks leaves the candidate pending.
	tx, _ = st.BeginImport(ctx)
	tx.PutCandidates(ctx, []cartera.Candidate{{ID: "c3", ClientID: "C1", At: at(10, 23), Kind: cartera.KindOutOfHours,
		Reason: cartera.M("candidate.protected_hours")}})
	tx.Commit(ctx)
	bad := in
	bad.ID, bad.ContactID = "cand-c3", "P9"
	if _, err := st.ConfirmCandidate(ctx, "c3", 1, bad); code(err) != cartera.EINVALID {
		t.Fatalf("bad incident: %v", err)
	}
	if c, _ := st.Candidate(ctx, "c3"); c.Status != cartera.CandidatePending {
		t.Fatalf("after a failed confirm: %+v", c)
	}
}
