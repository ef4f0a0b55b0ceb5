package web

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/sqlite"
)

// The findings of the hostile-user probe (issue 12), one test each. The
// seller is Lucía Ferrer (C-001 is hers); the other seller is Carmen Ortega
// (C-004 is hers).

// plantRecords stores one record of each client-record kind on a client,
// with ids that start with prefix, and returns them by API path segment.
func plantRecords(t testing.TB, f *fixture, clientID, prefix string) map[string]any {
	t.Helper()
	cl, err := f.st.Client(bg, clientID)
	if err != nil {
		t.Fatal(err)
	}
	cur := cl.Currency
	day := cartera.DateFromTime(now).AddDays(-3)
	out := map[string]any{}
	ct, err := f.st.SaveContact(bg, cartera.Contact{ID: prefix + "-P", ClientID: clientID, Name: "Secreta Persona",
		Email: "secreta@" + strings.ToLower(prefix) + ".example", Phone: "+34 699 000 111", Seniority: 3})
	if err != nil {
		t.Fatal(err)
	}
	out["contacts"] = ct
	inv, err := f.st.SaveInvoice(bg, cartera.Invoice{ID: prefix + "-F", ClientID: clientID, Number: "SECRETO-77",
		Issued: day, Due: day.AddDays(30), Amount: cartera.Money{Amount: 7654321, Currency: cur}})
	if err != nil {
		t.Fatal(err)
	}
	out["invoices"] = inv
	te, err := f.st.SaveTimeEntry(bg, cartera.TimeEntry{ID: prefix + "-H", ClientID: clientID, Day: day, Hours: 1234,
		Billable: true, Note: "nota secreta de horas"})
	if err != nil {
		t.Fatal(err)
	}
	out["time-entries"] = te
	k, err := f.st.SaveConcession(bg, cartera.Concession{ID: prefix + "-K", ClientID: clientID, Day: day,
		Kind: cartera.ConcessionDiscount, Amount: cartera.Money{Amount: 43210, Currency: cur}, Note: "descuento secreto"})
	if err != nil {
		t.Fatal(err)
	}
	out["concessions"] = k
	in, err := f.st.SaveIncident(bg, cartera.Incident{ID: prefix + "-I", ClientID: clientID, ContactID: ct.ID,
		At: now.Add(-time.Hour), Kind: cartera.KindYelling, Severity: 4, Note: "gritos secretos"})
	if err != nil {
		t.Fatal(err)
	}
	out["incidents"] = in
	return out
}

// movedTo is a record's JSON with another client (and that client's
// currency, and no contact).
func movedTo(t *testing.T, rec any, clientID string, cur cartera.Currency, version int64) string {
	t.Helper()
	b, _ := json.Marshal(rec)
	var m map[string]any
	json.Unmarshal(b, &m)
	m["client_id"] = clientID
	if _, ok := m["contact_id"]; ok {
		m["contact_id"] = ""
	}
	if a, ok := m["amount"].(map[string]any); ok {
		a["currency"] = string(cur)
	}
	if version < 0 {
		delete(m, "version")
	} else {
		m["version"] = version
	}
	out, _ := json.Marshal(m)
	return string(out)
}

func recordID(rec any) string {
	b, _ := json.Marshal(rec)
	var m struct {
		ID string `json:"id"`
	}
	json.Unmarshal(b, &m)
	return m.ID
}

// storedJSON reads a record back from the store as JSON ("" when gone).
func storedJSON(t *testing.T, f *fixture, kind, id string) string {
	t.Helper()
	var x any
	var err error
	switch kind {
	case "contacts":
		x, err = f.st.Contact(bg, id)
	case "invoices":
		x, err = f.st.Invoice(bg, id)
	case "time-entries":
		x, err = f.st.TimeEntry(bg, id)
	case "concessions":
		x, err = f.st.Concession(bg, id)
	case "incidents":
		x, err = f.st.Incident(bg, id)
	}
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(x)
	return string(b)
}

// S1: a seller PUTs another seller's record with her own client in it —
// with the stored version, with none, with If-Match — and then DELETEs it.
// Every attempt is "not found" and the record stays as it was, on its
// client.
func TestS1ASellerCannotMoveOrDeleteAnotherSellersRecord(t *testing.T) {
	f := newFixture(t)
	theirs := plantRecords(t, f, "C-004", "CARMEN")
	mine, _ := f.st.Client(bg, "C-001")
	for kind, rec := range theirs {
		id := recordID(rec)
		before := storedJSON(t, f, kind, id)
		for _, try := range []struct {
			name    string
			version int64
			header  []string
		}{
			{"version 1 in the body", 1, nil},
			{"no version at all", -1, nil},
			{"If-Match", -1, []string{"If-Match", `"1"`}},
		} {
			res, body := f.api("seller", "PUT", "/api/v1/"+kind+"/"+id, movedTo(t, rec, "C-001", mine.Currency, try.version), try.header...)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("PUT %s %s, %s: %d %.200s, want 404", kind, id, try.name, res.StatusCode, body)
			}
		}
		res, body := f.api("seller", "DELETE", "/api/v1/"+kind+"/"+id, "")
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("DELETE %s %s: %d %.200s, want 404", kind, id, res.StatusCode, body)
		}
		if after := storedJSON(t, f, kind, id); after != before {
			t.Errorf("%s %s was changed by another seller:\nbefore %s\nafter  %s", kind, id, before, after)
		}
	}
	// Clients and deals hold to the same rule.
	res, _ := f.api("seller", "PUT", "/api/v1/clients/C-004", `{"name":"Mía","currency":"EUR","owner":"Lucía Ferrer","version":1}`)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("PUT another seller's client: %d, want 404", res.StatusCode)
	}
}

// leaks lists the values of a planted record that must never reach the
// other seller.
var leaks = []string{"Secreta Persona", "secreta@", "+34 699 000 111", "SECRETO-77", "7654321", "1234", "43210",
	"descuento secreto", "gritos secretos", "nota secreta", "C-004", "Carmen"}

func leaked(body string) []string {
	var out []string
	for _, s := range leaks {
		if strings.Contains(body, s) {
			out = append(out, s)
		}
	}
	return out
}

// S2: nothing of a record the caller may not see comes back in any body:
// a stale-version PUT is "not found" (no `current`), a validation error
// does not name the other seller's client, and creating with a taken id
// answers exactly as for an id taken by one of the caller's own records.
func TestS2NothingOfAnUnseenRecordLeaksThroughErrors(t *testing.T) {
	f := newFixture(t)
	theirs := plantRecords(t, f, "C-004", "CARMEN")
	ours := plantRecords(t, f, "C-001", "LUCIA")
	mine, _ := f.st.Client(bg, "C-001")
	for kind, rec := range theirs {
		id := recordID(rec)
		res, body := f.api("seller", "PUT", "/api/v1/"+kind+"/"+id, movedTo(t, rec, "C-001", mine.Currency, 7))
		if res.StatusCode != http.StatusNotFound || strings.Contains(body, `"current"`) {
			t.Errorf("stale PUT on %s %s: %d %.300s, want 404 without current", kind, id, res.StatusCode, body)
		}
		if l := leaked(body); len(l) > 0 {
			t.Errorf("stale PUT on %s %s leaks %q", kind, id, l)
		}
		// Creating with the other seller's id, and with one of our own.
		theirsRes, theirsBody := f.api("seller", "POST", "/api/v1/"+kind, movedTo(t, rec, "C-001", mine.Currency, -1))
		if l := leaked(theirsBody); len(l) > 0 {
			t.Errorf("POST %s with a taken id leaks %q: %s", kind, l, theirsBody)
		}
		ownRes, ownBody := f.api("seller", "POST", "/api/v1/"+kind, movedTo(t, ours[kind], "C-001", mine.Currency, -1))
		norm := func(s, id string) string { return strings.ReplaceAll(s, id, "ID") }
		if theirsRes.StatusCode != ownRes.StatusCode || norm(theirsBody, id) != norm(ownBody, recordID(ours[kind])) {
			t.Errorf("POST %s: an id taken by another seller (%d %s) answers differently from one of ours (%d %s)",
				kind, theirsRes.StatusCode, theirsBody, ownRes.StatusCode, ownBody)
		}
	}
	// A contact of the other seller's client, named on an incident of ours.
	res, body := f.api("seller", "POST", "/api/v1/incidents",
		`{"id":"I-LEAK","client_id":"C-001","contact_id":"CARMEN-P","at":"2026-11-20T10:00:00Z","kind":"yelling","severity":2}`)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("incident with another client's contact: %d %s", res.StatusCode, body)
	}
	if l := leaked(body); len(l) > 0 {
		t.Errorf("the validation error leaks %q: %s", l, body)
	}
	// The other seller's deal, with a stale version.
	deals, _, _ := f.st.ListDeals(bg, cartera.DealQuery{Owner: "Carmen Ortega", Limit: 1})
	if len(deals) == 0 {
		t.Fatal("no deal of Carmen's in the demo")
	}
	res, body = f.api("seller", "PUT", "/api/v1/deals/"+deals[0].ID,
		`{"title":"Mío","owner":"Lucía Ferrer","value":{"amount":100,"currency":"EUR"},"version":99}`)
	if res.StatusCode != http.StatusNotFound || strings.Contains(body, deals[0].Title) {
		t.Errorf("stale PUT on another seller's deal: %d %.300s", res.StatusCode, body)
	}
}

// S3: amounts are bounded when written, so that no sum can overflow; and a
// row that is out of bounds all the same (written before the bounds, or
// by hand) degrades its own client, with an explanation, and no page.
func TestS3HugeAmountsAreRefused(t *testing.T) {
	f := newFixture(t)
	for _, amount := range []string{"4611686018427387904", "9223372036854775807", "-9223372036854775808", "100000000000000000"} {
		res, body := f.api("seller", "POST", "/api/v1/invoices",
			`{"id":"F-BIG-`+amount[:4]+`","client_id":"C-001","issued":"2026-11-01","due":"2026-12-01","amount":{"amount":`+amount+`,"currency":"EUR"}}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field": "amount"`) {
			t.Errorf("invoice of %s minor units: %d %.300s, want 422 on amount", amount, res.StatusCode, body)
		}
	}
	for _, tc := range []struct{ path, body, field string }{
		{"/api/v1/concessions", `{"id":"K-BIG","client_id":"C-001","date":"2026-11-01","kind":"discount","amount":{"amount":4611686018427387904,"currency":"EUR"}}`, "amount"},
		{"/api/v1/concessions", `{"id":"K-BIG2","client_id":"C-001","date":"2026-11-01","kind":"free_hours","hours":4611686018427387904,"amount":{"currency":"EUR"}}`, "hours"},
		{"/api/v1/time-entries", `{"id":"H-BIG","client_id":"C-001","date":"2026-11-01","hours":4611686018427387904}`, "hours"},
		{"/api/v1/deals", `{"id":"D-BIG","title":"Enorme","value":{"amount":4611686018427387904,"currency":"EUR"}}`, "value"},
	} {
		res, body := f.api("seller", "POST", tc.path, tc.body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, fmt.Sprintf(`"field": %q`, tc.field)) {
			t.Errorf("POST %s: %d %.300s, want 422 on %s", tc.path, res.StatusCode, body, tc.field)
		}
	}
	// Nothing else broke: everyone's pages still answer.
	for _, role := range []string{"owner", "seller", "other"} {
		for _, p := range []string{"/api/v1/assessments", "/api/v1/clients", "/api/v1/clients/C-001/assessment"} {
			if res, body := f.api(role, "GET", p, ""); res.StatusCode >= 500 {
				t.Errorf("%s %s: %d %.200s", role, p, res.StatusCode, body)
			}
		}
	}
}

// S3, the other half: a row out of bounds all the same (written before the
// bounds, or by hand in the database) degrades its own client, with an
// explanation, and takes no page down for anyone.
func TestS3ABadRowDegradesOnlyItsClient(t *testing.T) {
	path := filepath.Join(t.TempDir(), "web.db")
	f := newFixtureOn(t, func(t testing.TB) cartera.Store {
		st, err := sqlite.Open(bg, path, cartera.FixedClock(now))
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
	if res, _ := f.api("owner", "GET", "/api/v1/assessments", ""); res.StatusCode != 200 {
		t.Fatalf("before: %d", res.StatusCode)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	day := cartera.DateFromTime(now).AddDays(-10).UnixDay()
	if _, err := raw.Exec(`INSERT INTO invoices (id, client_id, number, issued, due, amount, currency) VALUES
		('F-HUGE1', 'C-001', '', ?1, ?2, 4611686018427387904, 'EUR'), ('F-HUGE2', 'C-001', '', ?1, ?2, 4611686018427387904, 'EUR')`,
		day, day+30); err != nil {
		t.Fatal(err)
	}
	// Any write on the client makes its figures stale, as an edit would.
	if _, err := f.st.SaveTimeEntry(bg, cartera.TimeEntry{ID: "H-TOUCH", ClientID: "C-001", Day: cartera.DateFromTime(now), Hours: 100}); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"owner", "manager", "seller", "other"} {
		for _, p := range []string{"/api/v1/assessments", "/api/v1/clients?limit=200", "/api/v1/clients/C-004/assessment",
			"/api/v1/clients/C-002/assessment"} {
			if res, body := f.api(role, "GET", p, ""); res.StatusCode >= 500 {
				t.Errorf("%s GET %s: %d %.200s", role, p, res.StatusCode, body)
			}
		}
		b := f.signIn(role)
		for _, p := range []string{"/dashboard", "/clients", "/clients/C-004"} {
			if res, _ := b.get(p); res.StatusCode >= 500 {
				t.Errorf("%s page %s: %d", role, p, res.StatusCode)
			}
		}
	}
	// The client itself: no server error, and a reason that says why.
	res, body := f.api("owner", "GET", "/api/v1/clients/C-001/assessment", "", "Accept-Language", "en")
	if res.StatusCode >= 500 || !strings.Contains(body, "cannot be computed") {
		t.Errorf("the client's assessment: %d %.300s, want an explanation", res.StatusCode, body)
	}
	res, body = f.api("owner", "GET", "/api/v1/clients?q=C-001", "", "Accept-Language", "en")
	if res.StatusCode != 200 || !strings.Contains(body, "cannot be computed") {
		t.Errorf("the client list row: %d %.400s, want a reason that explains", res.StatusCode, body)
	}
	if res, _ := f.signIn("owner").get("/clients/C-001"); res.StatusCode >= 500 {
		t.Errorf("the client's page: %d", res.StatusCode)
	}
}

// Every answer carries the security headers: the pages, the API, and what
// no route answers (the fallback 404, a wrong method, a static file).
func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/login"}, {"GET", "/api/v1/me"}, {"GET", "/no/such/page"}, {"GET", "/api/v1/no-such-thing"},
		{"PUT", "/login"}, {"GET", "/static/no-such-file.css"}, {"GET", "/static/app.css"},
	} {
		res, _ := f.api("", tc.method, tc.path, "")
		for _, hdr := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy"} {
			if res.Header.Get(hdr) == "" {
				t.Errorf("%s %s (%d): no %s", tc.method, tc.path, res.StatusCode, hdr)
			}
		}
	}
}

// Text is checked and normalised where it enters: invisible names,
// direction overrides, control bytes and invalid UTF-8 are refused, and
// what is kept is in NFC.
func TestTextIsNormalisedAndCheckedAtTheBoundary(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ name, body, field string }{
		{"zero-width name", `{"id":"C-ZW","name":"\u200b\u200b\u200b","currency":"EUR"}`, "name"},
		{"only spaces and joiners", `{"id":"C-ZW2","name":" \u200d\u2060 ","currency":"EUR"}`, "name"},
		{"right-to-left override", `{"id":"C-RLO","name":"Talleres \u202eoiraM","currency":"EUR"}`, "name"},
		{"isolate", `{"id":"C-FSI","name":"A\u2068B","currency":"EUR"}`, "name"},
		{"NUL", `{"id":"C-NUL","name":"Talleres\u0000Ruiz","currency":"EUR"}`, "name"},
		{"escape in notes", `{"id":"C-ESC","name":"Talleres","notes":"\u001b[31mrojo","currency":"EUR"}`, "notes"},
		{"slash in the id", `{"id":"C/001","name":"Talleres","currency":"EUR"}`, "id"},
		{"space in the id", `{"id":"C 001","name":"Talleres","currency":"EUR"}`, "id"},
		{"dot-dot id", `{"id":"..","name":"Talleres","currency":"EUR"}`, "id"},
		{"question mark in the id", `{"id":"C?1","name":"Talleres","currency":"EUR"}`, "id"},
	} {
		res, body := f.api("owner", "POST", "/api/v1/clients", tc.body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, fmt.Sprintf(`"field": %q`, tc.field)) {
			t.Errorf("%s: %d %.300s, want 422 on %s", tc.name, res.StatusCode, body, tc.field)
		}
	}
	// Invalid UTF-8 is refused, not replaced.
	res, body := f.api("owner", "POST", "/api/v1/clients", "{\"id\":\"C-BAD\",\"name\":\"Tall\xffres\",\"currency\":\"EUR\"}")
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Errorf("invalid UTF-8: %d %s", res.StatusCode, body)
	}
	if _, err := f.st.Client(bg, "C-BAD"); err == nil {
		t.Errorf("a body with invalid UTF-8 was stored")
	}
	// Decomposed accents are stored composed, from the API and the forms.
	res, body = f.api("owner", "POST", "/api/v1/clients", `{"id":"C-NFD","name":"Jose\u0301 Pe\u0301rez","notes":"cafe\u0301","currency":"EUR"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("decomposed name: %d %s", res.StatusCode, body)
	}
	if c, _ := f.st.Client(bg, "C-NFD"); c.Name != "José Pérez" || c.Notes != "café" {
		t.Errorf("stored %q / %q, want NFC", c.Name, c.Notes)
	}
	b := f.signIn("owner")
	form := url.Values{"csrf": {b.csrf("/clients/C-001/incidents/new")}, "kind": {"yelling"}, "severity": {"2"},
		"note": {"grito \u202eotircse"}}
	if res := b.post("/clients/C-001/incidents", form); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bidi override in a form: %d, want 422", res.StatusCode)
	}
	form.Set("note", "Jose\u0301 grito\u0301")
	if res := b.post("/clients/C-001/incidents", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a decomposed note in a form: %d", res.StatusCode)
	}
	ins, _, _ := f.st.ListIncidents(bg, cartera.RecordQuery{ClientID: "C-001", Limit: 500})
	found := false
	for _, in := range ins {
		found = found || in.Note == "José gritó"
	}
	if !found {
		t.Errorf("the form's note was not stored in NFC")
	}
}

// A password change ends the user's other sessions and revokes their API
// keys; the browser that changed it stays signed in (on a new session id).
func TestPasswordChangeEndsOtherSessionsAndKeys(t *testing.T) {
	f := newFixture(t)
	a, b := f.signIn("seller"), f.signIn("seller")
	res := a.post("/settings/account", url.Values{"csrf": {a.csrf("/settings")}, "password": {testPassword},
		"new_password": {"otra clave muy larga"}, "new_password2": {"otra clave muy larga"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d", res.StatusCode)
	}
	if res, _ := a.get("/dashboard"); res.StatusCode != http.StatusOK {
		t.Errorf("the browser that changed the password: %d, want 200", res.StatusCode)
	}
	if res, _ := b.get("/dashboard"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another session after a password change: %d, want a redirect to sign in", res.StatusCode)
	}
	if res, _ := f.api("seller", "GET", "/api/v1/me", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("an API key after a password change: %d, want 401", res.StatusCode)
	}
	// An owner setting someone's password through the API ends theirs.
	o := f.signIn("other")
	body := fmt.Sprintf(`{"email":%q,"name":%q,"role":"seller","password":"una clave nueva y larga","version":%d}`,
		f.users["other"].Email, f.users["other"].Name, f.users["other"].Version)
	if res, body := f.api("owner", "PUT", "/api/v1/users/"+fmt.Sprint(f.users["other"].ID), body); res.StatusCode != http.StatusOK {
		t.Fatalf("owner sets a password: %d %s", res.StatusCode, body)
	}
	if res, _ := o.get("/dashboard"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the user's session after the owner set their password: %d", res.StatusCode)
	}
	if res, _ := f.api("other", "GET", "/api/v1/me", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the user's API key after the owner set their password: %d", res.StatusCode)
	}
}

// "Sign out everywhere" ends every other session and every API key, on
// the settings page and through the API.
func TestSignOutEverywhere(t *testing.T) {
	f := newFixture(t)
	a, b := f.signIn("manager"), f.signIn("manager")
	res := a.post("/settings/signout", url.Values{"csrf": {a.csrf("/settings")}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", res.StatusCode)
	}
	if res, _ := a.get("/dashboard"); res.StatusCode != http.StatusOK {
		t.Errorf("the browser that asked: %d, want 200", res.StatusCode)
	}
	if res, _ := b.get("/dashboard"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another browser: %d, want a redirect to sign in", res.StatusCode)
	}
	if res, _ := f.api("manager", "GET", "/api/v1/me", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("an API key: %d, want 401", res.StatusCode)
	}
	c := f.signIn("owner")
	if res, body := f.api("owner", "DELETE", "/api/v1/sessions", ""); res.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE /api/v1/sessions: %d %s", res.StatusCode, body)
	}
	if res, _ := c.get("/dashboard"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a browser after the API signed out everywhere: %d", res.StatusCode)
	}
	if res, _ := f.api("owner", "GET", "/api/v1/me", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the key that asked: %d, want 401", res.StatusCode)
	}
}

// The policy is versioned like a record: two owners editing it at once do
// not overwrite each other; the pipeline and saved mappings likewise.
func TestSharedSettingsAreVersioned(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("owner", "GET", "/api/v1/policy", "")
	var pol map[string]any
	json.Unmarshal([]byte(body), &pol)
	etag := res.Header.Get("ETag")
	if etag == "" || pol["version"] == nil {
		t.Fatalf("the policy has no version: ETag %q, body %.200s", etag, body)
	}
	pol["max_days_late"] = 45
	b1, _ := json.Marshal(pol)
	pol["max_days_late"] = 60
	b2, _ := json.Marshal(pol)
	if res, body := f.api("owner", "PUT", "/api/v1/policy", string(b1), "If-Match", etag); res.StatusCode != http.StatusOK {
		t.Fatalf("first owner: %d %s", res.StatusCode, body)
	}
	res, body = f.api("owner", "PUT", "/api/v1/policy", string(b2), "If-Match", etag)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, `"current"`) {
		t.Errorf("second owner with the old version: %d %.300s, want 409 with the current policy", res.StatusCode, body)
	}
	delete(pol, "version")
	b3, _ := json.Marshal(pol)
	if res, _ := f.api("owner", "PUT", "/api/v1/policy", string(b3)); res.StatusCode != http.StatusPreconditionRequired {
		t.Errorf("a policy without a version: %d, want 428", res.StatusCode)
	}
	if p, _ := f.st.Policy(bg); p.MaxDaysLate != 45 {
		t.Errorf("stored max_days_late %d, want the first owner's 45", p.MaxDaysLate)
	}
	// The settings form carries the version too.
	o := f.signIn("owner")
	res2, _ := o.postBody("/settings/policy", url.Values{"csrf": {o.csrf("/settings")}, "version": {"0"}, "max_days_late": {"50"}})
	if res2.StatusCode != http.StatusConflict {
		t.Errorf("the policy form with a stale version: %d, want 409", res2.StatusCode)
	}
	// The pipeline.
	res, body = f.api("owner", "GET", "/api/v1/pipeline", "")
	etag = res.Header.Get("ETag")
	if etag == "" {
		t.Errorf("the pipeline has no ETag")
	}
	if res, _ := f.api("owner", "PUT", "/api/v1/pipeline", body, "If-Match", etag); res.StatusCode != http.StatusOK {
		t.Errorf("pipeline put: %d", res.StatusCode)
	}
	if res, _ := f.api("owner", "PUT", "/api/v1/pipeline", body, "If-Match", etag); res.StatusCode != http.StatusConflict {
		t.Errorf("stale pipeline put: %d, want 409", res.StatusCode)
	}
}

// loginAt signs in on srv from an address, with the cookies given, at the
// server's current time; it returns the response and the cookies it set.
func loginAt(t *testing.T, h http.Handler, addr, email, password string, cookies []*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	get := httptest.NewRequest("GET", "/login", nil)
	get.RemoteAddr = addr + ":40000"
	for _, c := range cookies {
		get.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, get)
	m := csrfField.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no csrf on the login page: %d", rec.Code)
	}
	all := append([]*http.Cookie{}, cookies...)
	all = append(all, rec.Result().Cookies()...)
	form := url.Values{"email": {email}, "password": {password}, "csrf": {m[1]}}
	post := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.RemoteAddr = addr + ":40000"
	for _, c := range all {
		post.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, post)
	return rec
}

// One host guessing the owner's password as fast as it is allowed cannot
// keep her out: not from the browser she has used before, and not for
// long from a new one. Every 429 says when to come back.
func TestLoginLimitsCannotLockTheOwnerOut(t *testing.T) {
	f := newFixture(t)
	clock := now
	srv, err := New(Config{Addr: "127.0.0.1:0", BaseURL: "http://cartera.test", Logger: f.srv.log,
		Now: func() time.Time { return clock }}, f.st)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	email := f.users["owner"].Email
	// The owner signs in from her office once: her browser is known.
	rec := loginAt(t, h, "198.51.100.7", email, testPassword, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", rec.Code)
	}
	// Her session ends; her browser keeps what it was given for /login.
	var known []*http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name != sessionCookie {
			known = append(known, c)
		}
	}
	// An attacker hammers the account from one host for ten minutes.
	attack := func(seconds int) {
		for i := 0; i < seconds; i++ {
			clock = clock.Add(time.Second)
			rec := loginAt(t, h, "203.0.113.66", email, fmt.Sprintf("guess %d!!!!", i), nil)
			if rec.Code == http.StatusTooManyRequests {
				if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra <= 0 {
					t.Fatalf("429 without a Retry-After in seconds: %q", rec.Header().Get("Retry-After"))
				}
			} else if rec.Code != http.StatusUnauthorized {
				t.Fatalf("attacker's guess: %d", rec.Code)
			}
		}
	}
	attack(600)
	// Her known browser gets in at once, from anywhere.
	if rec := loginAt(t, h, "192.0.2.10", email, testPassword, known); rec.Code != http.StatusSeeOther {
		t.Errorf("the owner's known browser during the attack: %d, want 303", rec.Code)
	}
	// A new browser gets in within a few minutes while the attack goes on.
	in := false
	for minute := 0; minute < 5 && !in; minute++ {
		rec := loginAt(t, h, "192.0.2.11", email, testPassword, nil)
		switch rec.Code {
		case http.StatusSeeOther:
			in = true
		case http.StatusTooManyRequests:
			if rec.Header().Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			attack(60)
		default:
			t.Fatalf("the owner from a new browser: %d", rec.Code)
		}
	}
	if !in {
		t.Errorf("one host kept the owner out of a new browser for five minutes")
	}
}
