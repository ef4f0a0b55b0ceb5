package storetest

import (
	"reflect"
	"testing"

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
