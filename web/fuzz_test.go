package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/cartera/cartera"
)

// fuzzTargets are the API's JSON decoders: every write endpoint that reads
// a body. The fuzzer picks one by index. In a path, {mine} is a record of
// the caller's own client and {theirs} one of the other seller's, of the
// kind before it.
var fuzzTargets = []struct{ method, path string }{
	{"POST", "/api/v1/clients"},
	{"PUT", "/api/v1/clients/C-001"},
	{"POST", "/api/v1/incidents"},
	{"POST", "/api/v1/invoices"},
	{"POST", "/api/v1/concessions"},
	{"POST", "/api/v1/deals"},
	{"PUT", "/api/v1/deals/O-0002"},
	{"POST", "/api/v1/deals/O-0002/signals"},
	{"POST", "/api/v1/deals/O-0002/close"},
	{"PUT", "/api/v1/policy"},
	{"PUT", "/api/v1/pipeline"},
	{"POST", "/api/v1/users"},
	{"POST", "/api/v1/tokens"},
	{"POST", "/api/v1/clients/C-005/incidents"},
	{"POST", "/api/v1/deals/O-0004/lost"},
	{"PUT", "/api/v1/deals/O-0001/reconnect"},
	{"PUT", "/api/v1/deals/O-0001/debrief"},
	{"POST", "/api/v1/tasks/reconnect:O-0001/snooze"},
	{"POST", "/api/v1/referrals"},
	{"POST", "/api/v1/holidays"},
	{"PUT", "/api/v1/invoices/{theirs}"},
	{"PUT", "/api/v1/contacts/{theirs}"},
	{"PUT", "/api/v1/incidents/{theirs}"},
	{"PUT", "/api/v1/time-entries/{mine}"},
	{"PUT", "/api/v1/concessions/{theirs}"},
	{"POST", "/api/v1/contacts"},
	{"POST", "/api/v1/time-entries"},
	{"PUT", "/api/v1/clients/{theirs}"},
	{"PUT", "/api/v1/deals/{theirs}"},
	{"POST", "/api/v1/clients/{theirs}/incidents"},
}

// fuzzSeller is one of the two sellers the fuzzer calls as: a signed-in
// browser session, the records it may see planted by kind, and the values
// found only in records the other seller owns.
type fuzzSeller struct {
	name            string
	cookie, csrf    string
	records, client map[string]string // by kind: a record id, the seller's client id
	// secrets are values that only the other seller may see.
	secrets map[string]bool
}

// FuzzAPIDecoders sends arbitrary bodies to every JSON write endpoint and
// holds the server to its promises: no 5xx, no panic, every answer is JSON
// (the record written, or a problem document); and, sent by each of two
// sellers through their own session, no answer ever holds a value that
// only the other seller may see — in a record, a conflict's current state
// or an error message.
func FuzzAPIDecoders(f *testing.F) {
	seeds := []string{
		`{"id":"C-900","name":"Talleres Nuevos","currency":"EUR"}`,
		`{"id":"I-900","client_id":"C-001","at":"2026-11-20T10:00:00Z","kind":"yelling","severity":3}`,
		`{"id":"D-900","title":"Web","value":{"amount":100000,"currency":"EUR"},"stage":"lead","created":"2026-11-01"}`,
		`{"kind":"contract_signed","date":"2026-11-20","source":"document"}`,
		`{"outcome":"won","date":"2026-11-21"}`,
		`{"claimed":140}`, `{"claimed":"alta"}`, `{"value":{"amount":-1}}`, `{"stage":"firmado"}`,
		`{"id":"x","name":"<script>alert(1)</script>","currency":"EUR"}`, `{"name":"'; DROP TABLE clients; --"}`,
		`{"kind":"not_listening","severity":3,"follow_up":"2026-12-08"}`, `{"reason":"precio","competitor":"Norte","date":"2030-01-01"}`,
		`{"really_no":"maybe","respected":"sí"}`, `{"lessons":[{"text":""}],"version":-1}`, `{"until":"2026-11-28"}`,
		`{"service":"x","name":"y"}`, `{"date":"2026-02-30"}`,
		`null`, `[]`, `{}`, `{"a":`, "\x00\xff", `{"id":"` + strings.Repeat("x", 300) + `"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	// Issue 12's probes, each on its endpoint: another seller's record moved
	// to one's own client, with a version and with a stale one; ids taken by
	// the other seller; another client's contact; a client or deal taken
	// over; an amount that would overflow every sum.
	for _, p := range []struct{ target, body string }{
		{"PUT /api/v1/invoices/{theirs}", `{"client_id":"C-001","issued":"2026-11-01","due":"2026-12-01","amount":{"amount":100,"currency":"EUR"},"version":1}`},
		{"PUT /api/v1/contacts/{theirs}", `{"client_id":"C-001","name":"Mío","seniority":3,"version":7}`},
		{"PUT /api/v1/concessions/{theirs}", `{"client_id":"C-004","date":"2026-11-20","kind":"discount","amount":{"amount":5,"currency":"EUR"},"version":9}`},
		{"PUT /api/v1/incidents/{theirs}", `{"at":"2026-11-20T10:00:00Z","kind":"yelling","severity":3}`},
		{"POST /api/v1/contacts", `{"id":"CARMEN-P","client_id":"C-001","name":"Copia","seniority":1}`},
		{"POST /api/v1/time-entries", `{"id":"LUCIA-H","client_id":"C-004","date":"2026-11-20","hours":100}`},
		{"POST /api/v1/incidents", `{"client_id":"C-001","contact_id":"CARMEN-P","at":"2026-11-20T10:00:00Z","kind":"insult","severity":2}`},
		{"PUT /api/v1/clients/{theirs}", `{"name":"Mía","currency":"EUR","owner":"Lucía Ferrer","version":1}`},
		{"PUT /api/v1/deals/{theirs}", `{"title":"Mío","owner":"Carmen Ortega","value":{"amount":1,"currency":"EUR"},"version":99}`},
		{"POST /api/v1/invoices", `{"amount":{"amount":4611686018427387904,"currency":"EUR"},"client_id":"C-001","issued":"2026-11-01","due":"2026-11-02"}`},
	} {
		for i, t := range fuzzTargets {
			if t.method+" "+t.path == p.target {
				f.Add(uint8(i), []byte(p.body))
			}
		}
	}
	// The owner, who reaches every decoder, writes in a portfolio of its
	// own: it may hand a record from one seller to the other, which would
	// make a value seen by both. The sellers cannot: neither may give a
	// client, a deal or a record to the other.
	own := newFixture(f)
	hOwner := own.srv.Handler()
	fx := newFixture(f)
	plantRecords(f, fx, "C-004", "CARMEN")
	plantRecords(f, fx, "C-001", "LUCIA")
	lucia, carmen := fuzzSession(f, fx, "seller"), fuzzSession(f, fx, "other")
	lucia.secrets, carmen.secrets = ownedOnly(f, fx, "Carmen Ortega"), ownedOnly(f, fx, "Lucía Ferrer")
	if len(lucia.secrets) < 20 || len(carmen.secrets) < 20 {
		f.Fatalf("too few values owned by one seller only to look for: %d, %d", len(lucia.secrets), len(carmen.secrets))
	}
	var mu sync.Mutex // the fuzzer's workers share the secrets
	h := fx.srv.Handler()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		tgt := fuzzTargets[int(which)%len(fuzzTargets)]
		// As the owner.
		if !strings.Contains(tgt.path, "{") {
			req := httptest.NewRequest(tgt.method, tgt.path, strings.NewReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+own.tokens["owner"])
			req.Header.Set("Content-Type", "application/json")
			checkAnswer(t, hOwner, req, body)
		}
		// As each seller, in their own session.
		for _, pair := range [][2]*fuzzSeller{{lucia, carmen}, {carmen, lucia}} {
			me, other := pair[0], pair[1]
			path := fuzzPath(tgt.path, me, other)
			req := httptest.NewRequest(tgt.method, path, strings.NewReader(string(body)))
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: me.cookie})
			req.Header.Set("X-CSRF-Token", me.csrf)
			req.Header.Set("Content-Type", "application/json")
			answer := checkAnswer(t, h, req, body)
			mu.Lock()
			for s := range me.secrets {
				switch {
				case strings.Contains(string(body), s) || strings.Contains(path, s):
					// The caller wrote it: from now on it may be theirs too.
					delete(me.secrets, s)
					delete(other.secrets, s)
				case strings.Contains(answer, s):
					mu.Unlock()
					t.Fatalf("%s %s as %s with %q: the answer holds %q, which only the other seller may see: %s",
						tgt.method, path, me.name, body, s, answer)
				}
			}
			mu.Unlock()
		}
	})
}

// checkAnswer sends a request and holds the answer to the decoders'
// promises; it returns the body.
func checkAnswer(t *testing.T, h http.Handler, req *http.Request, body []byte) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		t.Fatalf("%s %s with %q: %d %s", req.Method, req.URL.Path, body, res.StatusCode, b)
	}
	if res.StatusCode != http.StatusNoContent && !json.Valid(b) {
		t.Fatalf("%s %s with %q: %d and a body that is not JSON: %q", req.Method, req.URL.Path, body, res.StatusCode, b)
	}
	return string(b)
}

// fuzzPath fills a target's placeholders for the seller calling.
func fuzzPath(p string, me, other *fuzzSeller) string {
	if !strings.Contains(p, "{") {
		return p
	}
	kind := strings.Split(strings.TrimPrefix(p, "/api/v1/"), "/")[0]
	pick := func(s *fuzzSeller) string {
		if kind == "clients" {
			return s.client["clients"]
		}
		return s.records[kind]
	}
	return strings.NewReplacer("{mine}", pick(me), "{theirs}", pick(other)).Replace(p)
}

// fuzzSession signs a seller in (a session, as a browser has) and finds
// the records planted for them.
func fuzzSession(t testing.TB, f *fixture, role string) *fuzzSeller {
	u := f.users[role]
	sess, token, err := f.srv.newSession(bg, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	prefix, client := "LUCIA", "C-001"
	if role == "other" {
		prefix, client = "CARMEN", "C-004"
	}
	s := &fuzzSeller{name: u.Name, cookie: token, csrf: sess.CSRF, client: map[string]string{"clients": client}, records: map[string]string{
		"contacts": prefix + "-P", "invoices": prefix + "-F", "time-entries": prefix + "-H", "concessions": prefix + "-K", "incidents": prefix + "-I",
	}}
	deals, _, err := f.st.ListDeals(bg, cartera.DealQuery{Owner: u.Name, Limit: 1})
	if err != nil || len(deals) == 0 {
		t.Fatalf("no deal of %s: %v", u.Name, err)
	}
	s.records["deals"] = deals[0].ID
	return s
}

// ownedOnly returns the text values (and record ids) found in records of
// one seller and in no one else's: what nobody but that seller, their
// managers and owners may ever be shown. Short values and numbers are left
// out, as they turn up anywhere.
func ownedOnly(t testing.TB, f *fixture, seller string) map[string]bool {
	owners := map[string]map[string]bool{} // value → whose records hold it
	add := func(owner string, vals ...string) {
		for _, v := range vals {
			v = strings.TrimSpace(v)
			if len(v) < 5 || strings.IndexFunc(v, unicode.IsLetter) < 0 {
				continue
			}
			if owners[v] == nil {
				owners[v] = map[string]bool{}
			}
			owners[v][cartera.Fold(owner)] = true
		}
	}
	clientOwner := map[string]string{}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.st.EachClient(bg, func(c cartera.Client) error {
		clientOwner[c.ID] = c.Owner
		add(c.Owner, c.ID, c.Name, c.Email, c.Phone, c.Notes, c.Service)
		return nil
	}))
	must(f.st.EachContact(bg, func(c cartera.Contact) error {
		add(clientOwner[c.ClientID], c.ID, c.Name, c.Email, c.Phone, c.Role)
		return nil
	}))
	must(f.st.EachInvoice(bg, func(v cartera.Invoice) error { add(clientOwner[v.ClientID], v.ID, v.Number); return nil }))
	must(f.st.EachTimeEntry(bg, func(e cartera.TimeEntry) error { add(clientOwner[e.ClientID], e.ID, e.Note); return nil }))
	must(f.st.EachConcession(bg, func(c cartera.Concession) error { add(clientOwner[c.ClientID], c.ID, c.Note); return nil }))
	must(f.st.EachIncident(bg, func(in cartera.Incident) error { add(clientOwner[in.ClientID], in.ID, in.Note); return nil }))
	dealOwner := map[string]string{}
	must(f.st.EachDeal(bg, func(d cartera.Deal) error {
		dealOwner[d.ID] = d.Owner
		add(d.Owner, d.ID, d.Title, d.Prospect)
		return nil
	}))
	must(f.st.EachSignal(bg, func(s cartera.Signal) error { add(dealOwner[s.DealID], s.ID, s.Note); return nil }))
	// The sellers' own names are known to everyone (users, the agenda).
	out := map[string]bool{}
	for v, who := range owners {
		if len(who) == 1 && who[cartera.Fold(seller)] && cartera.Fold(v) != cartera.Fold(seller) {
			out[v] = true
		}
	}
	return out
}
