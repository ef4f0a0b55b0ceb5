package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fuzzTargets are the API's JSON decoders: every write endpoint that reads
// a body. The fuzzer picks one by index.
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
}

// FuzzAPIDecoders sends arbitrary bodies to every JSON write endpoint and
// holds the server to its promises: no 5xx, no panic, and every answer is
// JSON (the record written, or a problem document).
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
	fx := newFixture(f)
	h := fx.srv.Handler()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		tgt := fuzzTargets[int(which)%len(fuzzTargets)]
		req := httptest.NewRequest(tgt.method, tgt.path, strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+fx.tokens["owner"])
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s with %q: %d %s", tgt.method, tgt.path, body, res.StatusCode, b)
		}
		if res.StatusCode != http.StatusNoContent && !json.Valid(b) {
			t.Fatalf("%s %s with %q: %d and a body that is not JSON: %q", tgt.method, tgt.path, body, res.StatusCode, b)
		}
	})
}
