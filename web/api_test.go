package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

func problemOf(t *testing.T, res *http.Response, body string) Problem {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q for %d: %s", ct, res.StatusCode, body)
	}
	var p Problem
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != res.StatusCode || p.Detail == "" || p.Title == "" || p.Code == "" {
		t.Errorf("incomplete problem: %+v", p)
	}
	return p
}

func TestProblemsFollowRFC9457(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, role, method, path, body string
		header                         []string
		status                         int
		code, field                    string
	}{
		{"unknown route", "owner", "GET", "/api/v1/nothing", "", nil, 404, "not_found", ""},
		{"no token", "", "GET", "/api/v1/clients", "", nil, 401, "unauthorized", ""},
		{"bad token", "", "GET", "/api/v1/clients", "", []string{"Authorization", "Bearer crt_nope"}, 401, "unauthorized", ""},
		{"wrong role", "seller", "GET", "/api/v1/users", "", nil, 403, "forbidden", ""},
		{"validation names the field", "owner", "POST", "/api/v1/incidents",
			`{"id":"n1","client_id":"C-001","at":"2026-11-20T10:00:00Z","kind":"yelling","severity":7}`, nil, 422, "invalid", "severity"},
		{"wrong type", "owner", "POST", "/api/v1/incidents", `{"id":"n1","severity":"alta"}`, nil, 422, "invalid", "severity"},
		{"unknown field", "owner", "POST", "/api/v1/clients", `{"id":"n1","name":"X","colour":"red"}`, nil, 422, "invalid", "colour"},
		{"malformed JSON", "owner", "POST", "/api/v1/clients", `{"id":`, nil, 400, "bad_request", ""},
		{"two documents", "owner", "POST", "/api/v1/clients", `{"id":"a","name":"A"}{}`, nil, 400, "bad_request", ""},
		{"not JSON", "owner", "POST", "/api/v1/clients", `id=1`, []string{"Content-Type", "text/plain"}, 400, "bad_request", ""},
		{"unknown client", "owner", "POST", "/api/v1/invoices",
			`{"id":"f1","client_id":"ghost","issued":"2026-11-01","due":"2026-12-01","amount":{"amount":100,"currency":"EUR"}}`, nil, 422, "invalid", "client_id"},
		{"missing record", "owner", "GET", "/api/v1/invoices/ghost", "", nil, 404, "not_found", ""},
		{"bad cursor", "owner", "GET", "/api/v1/invoices?cursor=%21%21%21", "", nil, 422, "invalid", "cursor"},
		{"bad limit", "owner", "GET", "/api/v1/clients?limit=0", "", nil, 422, "invalid", "limit"},
		{"client with records", "owner", "DELETE", "/api/v1/clients/C-001", "", nil, 409, "conflict", ""},
		{"existing id on create", "owner", "POST", "/api/v1/clients", `{"id":"C-001","name":"X"}`, nil, 409, "conflict", ""},
		{"update without a version", "owner", "PUT", "/api/v1/clients/C-001", `{"name":"Talleres Ruiz S.L."}`, nil, 428, "precondition", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := f.api(tc.role, tc.method, tc.path, tc.body, tc.header...)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			p := problemOf(t, res, body)
			if p.Code != tc.code || p.Field != tc.field {
				t.Errorf("code %q field %q, want %q %q: %s", p.Code, p.Field, tc.code, tc.field, p.Detail)
			}
		})
	}
	// Problems speak the caller's language.
	res, body := f.api("owner", "GET", "/api/v1/invoices/ghost", "", "Accept-Language", "en-GB,en;q=0.9")
	if p := problemOf(t, res, body); !strings.Contains(p.Detail, "No record") {
		t.Errorf("English detail: %q", p.Detail)
	}
}

func TestVersionedUpdates(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("owner", "GET", "/api/v1/clients/C-001", "")
	etag := res.Header.Get("ETag")
	var c cartera.Client
	json.Unmarshal([]byte(body), &c)
	if etag == "" || etag != `"`+itoa64(c.Version)+`"` {
		t.Fatalf("etag %q for version %d", etag, c.Version)
	}
	c.Name = "Talleres Ruiz S.L."
	b, _ := json.Marshal(c)
	res, body = f.api("owner", "PUT", "/api/v1/clients/C-001", string(b), "If-Match", etag)
	if res.StatusCode != 200 || res.Header.Get("ETag") == etag {
		t.Fatalf("update: %d %s", res.StatusCode, body)
	}
	// Someone still holding the old version gets 409 with the record as it
	// is now, never a silent overwrite.
	c.Name = "Otro nombre"
	b, _ = json.Marshal(c)
	res, body = f.api("manager", "PUT", "/api/v1/clients/C-001", string(b), "If-Match", etag)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale update: %d %s", res.StatusCode, body)
	}
	var p struct {
		Current cartera.Client `json:"current"`
	}
	json.Unmarshal([]byte(body), &p)
	if p.Current.Name != "Talleres Ruiz S.L." || p.Current.Version != c.Version+1 {
		t.Errorf("current: %+v", p.Current)
	}
	// Records work the same way, with the version in the body.
	res, body = f.api("owner", "POST", "/api/v1/time-entries", `{"id":"t1","client_id":"C-001","date":"2026-11-24","hours":150,"billable":true}`)
	if res.StatusCode != 201 {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	res, _ = f.api("owner", "PUT", "/api/v1/time-entries/t1", `{"client_id":"C-001","date":"2026-11-24","hours":200,"version":1}`)
	if res.StatusCode != 200 {
		t.Errorf("update with body version: %d", res.StatusCode)
	}
	res, _ = f.api("owner", "PUT", "/api/v1/time-entries/t1", `{"client_id":"C-001","date":"2026-11-24","hours":300,"version":1}`)
	if res.StatusCode != http.StatusConflict {
		t.Errorf("stale body version: %d", res.StatusCode)
	}
	res, _ = f.api("owner", "DELETE", "/api/v1/time-entries/t1", "", "If-Match", `"1"`)
	if res.StatusCode != http.StatusConflict {
		t.Errorf("stale delete: %d", res.StatusCode)
	}
	res, _ = f.api("owner", "DELETE", "/api/v1/time-entries/t1", "", "If-Match", `"2"`)
	if res.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d", res.StatusCode)
	}
}

func itoa64(n int64) string { return strings.TrimSpace(cartera.FormatDecimal(n, 0, '.')) }

// Every text field, every filter: script and SQL payloads come back as
// text, never as markup, and never break a query.
func TestHostileTextIsEscaped(t *testing.T) {
	f := newFixture(t)
	xss := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	sqli := `'); DROP TABLE clients; --`
	body, _ := json.Marshal(cartera.Client{ID: "evil", Name: xss + sqli, Owner: xss, Service: xss, Notes: xss, Email: xss, Phone: xss})
	if res, b := f.api("owner", "POST", "/api/v1/clients", string(body)); res.StatusCode != 201 {
		t.Fatalf("create: %d %s", res.StatusCode, b)
	}
	contact, _ := json.Marshal(cartera.Contact{ID: "evil-c", ClientID: "evil", Name: xss, Role: xss, Seniority: 3, Email: xss})
	f.api("owner", "POST", "/api/v1/contacts", string(contact))
	in, _ := json.Marshal(map[string]any{"id": "evil-i", "client_id": "evil", "contact_id": "evil-c", "at": "2026-11-20T10:00:00Z",
		"kind": "insult", "severity": 3, "note": xss})
	if res, b := f.api("owner", "POST", "/api/v1/incidents", string(in)); res.StatusCode != 201 {
		t.Fatalf("incident: %d %s", res.StatusCode, b)
	}
	owner := f.signIn("owner")
	pages := []string{"/clients/evil", "/clients?q=" + url.QueryEscape(xss), "/clients?q=" + url.QueryEscape(sqli),
		"/clients?owner=" + url.QueryEscape(xss), "/dashboard", "/clients/evil/incidents/new", "/settings"}
	for _, p := range pages {
		res, html := owner.get(p)
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
		if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
			t.Errorf("%s: payload rendered as markup", p)
		}
	}
	if _, html := owner.get("/clients/evil"); !strings.Contains(html, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Errorf("the payload should appear escaped on the client page")
	}
	for _, q := range []string{"q=" + url.QueryEscape(sqli), "owner=" + url.QueryEscape(sqli), "sort=" + url.QueryEscape(sqli),
		"verdict=" + url.QueryEscape(sqli), "cursor=" + url.QueryEscape(sqli)} {
		res, _ := f.api("owner", "GET", "/api/v1/clients?"+q, "")
		if res.StatusCode >= 500 {
			t.Errorf("%s: %d", q, res.StatusCode)
		}
	}
	if n, err := f.st.Counts(bg); err != nil || n[cartera.EntityClients] != 50 {
		t.Errorf("the clients table must still be there: %v %v", n, err)
	}
}

func multipartBody(t *testing.T, files map[string]string) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, content := range files {
		w, _ := mw.CreateFormFile("files", name)
		io.WriteString(w, content)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestImportThroughTheAPIAndThePage(t *testing.T) {
	f := newFixture(t)
	bad := "id;cliente;emitida;vence;importe\nF-X1;C-001;05/01/2026;04/02/2026;1.210,00\nF-X2;C-999;05/02/2026;31/02/2026;12\n"
	body, ct := multipartBody(t, map[string]string{"../../etc/facturas.csv": bad})
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/import", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+f.tokens["manager"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	p := problemOf(t, res, string(b))
	if res.StatusCode != 422 || len(p.Errors) != 2 || p.Errors[0].File != "facturas.csv" || p.Errors[0].Line != 3 || p.Errors[0].Column != 2 {
		t.Fatalf("problems: %d %+v", res.StatusCode, p.Errors)
	}
	if _, err := f.st.Invoice(bg, "F-X1"); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("nothing may be written: %v", err)
	}
	// The page shows the same problems, then imports the fixed file.
	m := f.signIn("manager")
	csrf := m.csrf("/import")
	good := "id;cliente;emitida;vence;importe\nF-X1;C-001;05/01/2026;04/02/2026;1.210,00\n"
	for _, tc := range []struct {
		content string
		status  int
		want    string
	}{{bad, 422, "facturas.csv:3:4"}, {good, 200, "1 fila"}} {
		body, ct := multipartBody(t, map[string]string{"facturas.csv": tc.content})
		req, _ := http.NewRequest("POST", f.ts.URL+"/import?csrf="+url.QueryEscape(csrf), body)
		req.Header.Set("Content-Type", ct)
		res, err := m.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		html, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(html), tc.want) {
			t.Errorf("page import: %d, want %d with %q", res.StatusCode, tc.status, tc.want)
		}
	}
	if v, err := f.st.Invoice(bg, "F-X1"); err != nil || v.Amount.Amount != 121000 {
		t.Errorf("imported invoice: %+v %v", v, err)
	}
	// Oversized uploads are refused.
	f.srv.cfg.MaxUpload = 1024
	body, ct = multipartBody(t, map[string]string{"big.csv": strings.Repeat("x", 4096)})
	req, _ = http.NewRequest("POST", f.ts.URL+"/api/v1/import", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
	res, _ = http.DefaultClient.Do(req)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized upload: %d", res.StatusCode)
	}
}

func TestLoggingAnIncidentChangesTheVerdict(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("seller")
	_, before := b.get("/clients/C-001")
	if !strings.Contains(before, "Renegociar") {
		t.Fatalf("Talleres Ruiz starts at renegotiate")
	}
	csrf := b.csrf("/clients/C-001/incidents/new")
	res := b.post("/clients/C-001/incidents", url.Values{"csrf": {csrf}, "kind": {"threat"}, "severity": {"5"}, "note": {"Amenaza por teléfono"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("log: %d", res.StatusCode)
	}
	_, after := b.get(res.Header.Get("Location"))
	if !strings.Contains(after, `id="verdict-changed"`) {
		t.Errorf("the flow does not say the verdict changed")
	}
	if !strings.Contains(after, "Terminar la relación") || !strings.Contains(after, "Amenaza por teléfono") {
		t.Errorf("the verdict and history must show the new threat")
	}
	// A bad form comes back with the error and the values kept.
	res2, html := b.postBody("/clients/C-001/incidents", url.Values{"csrf": {csrf}, "kind": {"threat"}, "severity": {"9"}, "note": {"guardado"}})
	if res2.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, "guardado") || !strings.Contains(html, `role="alert"`) {
		t.Errorf("bad form: %d", res2.StatusCode)
	}
}

func TestOpenAPIDocumentsEveryRouteAndOnlyRealOnes(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("", "GET", "/api/openapi.json", "")
	if res.StatusCode != 200 {
		t.Fatal(res.StatusCode)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("document: %v %s", err, doc.OpenAPI)
	}
	// Every API route of the mux is documented …
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	api := 0
	for _, rt := range f.srv.routes {
		if strings.HasPrefix(rt.pattern, "/api/v1/") {
			api++
			if !documented[rt.method+" "+rt.pattern] {
				t.Errorf("%s %s is not documented", rt.method, rt.pattern)
			}
		}
	}
	if len(documented) != api {
		t.Errorf("%d documented operations for %d routes", len(documented), api)
	}
	// … every documented operation exists (an owner's call is routed) …
	ids := f.recordIDs()
	ops := map[string]bool{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			id, _ := op["operationId"].(string)
			if ops[id] || id == "" {
				t.Errorf("operationId %q missing or repeated", id)
			}
			ops[id] = true
			payload := ""
			if method == "post" || method == "put" {
				payload = "{}"
			}
			res, body := f.api("owner", strings.ToUpper(method), concretePath(path, ids), payload)
			if res.StatusCode == http.StatusMethodNotAllowed || (res.StatusCode == 404 && strings.Contains(body, "page.not_found")) ||
				(res.StatusCode == 404 && strings.Contains(body, "Esta página no existe")) {
				t.Errorf("%s %s is documented but not served: %d", method, path, res.StatusCode)
			}
			if _, ok := op["responses"].(map[string]any); !ok {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}
	// … and every $ref points at a schema.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(r, "#/components/schemas/")
				if _, ok := doc.Components.Schemas[name]; !ok {
					t.Errorf("dangling $ref %s", r)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var raw any
	json.Unmarshal([]byte(body), &raw)
	walk(raw)
}

func TestOperations(t *testing.T) {
	f := newFixture(t)
	if res, body := f.api("", "GET", "/healthz", ""); res.StatusCode != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", res.StatusCode, body)
	}
	f.api("owner", "GET", "/api/v1/clients", "")
	res, body := f.api("", "GET", "/metrics", "")
	for _, want := range []string{
		`cartera_http_requests_total{route="GET /api/v1/clients",code="200"} 1`,
		`cartera_http_request_duration_seconds_bucket{route="GET /api/v1/clients",le="+Inf"} 1`,
		`cartera_db_connections{pool="write",state="max"} 1`,
		`cartera_imports_total{result="committed"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Errorf("metrics content type %q", res.Header.Get("Content-Type"))
	}
	res, _ = f.api("owner", "GET", "/dashboard", "")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("security headers: %v", res.Header)
	}
	if res, body := f.api("", "GET", "/static/app.css", ""); res.StatusCode != 200 || !strings.Contains(body, "--end") {
		t.Errorf("static: %d", res.StatusCode)
	}
}

// Shutdown waits for requests in flight: an upload still arriving when
// the server is told to stop completes, and only then does it exit.
func TestGracefulShutdownFinishesRequestsInFlight(t *testing.T) {
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f.srv.cfg.Addr = addr
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() { done <- f.srv.ListenAndServe(ctx, func(string) { close(ready) }) }()
	<-ready
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/import?dry_run=true", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
	got := make(chan int, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- -1
			return
		}
		res.Body.Close()
		got <- res.StatusCode
	}()
	w, _ := mw.CreateFormFile("files", "clientes.csv")
	io.WriteString(w, "id;nombre\n")
	time.Sleep(100 * time.Millisecond) // the request is now in flight
	cancel()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the server stopped with a request in flight: %v", err)
	default:
	}
	io.WriteString(w, "C-900;Cliente tardío\n")
	mw.Close()
	pw.Close()
	if code := <-got; code != 200 {
		t.Errorf("the request in flight got %d", code)
	}
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
