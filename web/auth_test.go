package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// recordIDs finds ids of records of client C-001 (the seller's) for the
// routes that take one.
func (f *fixture) recordIDs() map[string]string {
	ids := map[string]string{"clients": "C-001"}
	q := cartera.RecordQuery{ClientID: "C-001", Limit: 1}
	if x, _, _ := f.st.ListContacts(bg, q); len(x) > 0 {
		ids["contacts"] = x[0].ID
	}
	if x, _, _ := f.st.ListInvoices(bg, q); len(x) > 0 {
		ids["invoices"] = x[0].ID
	}
	if x, _, _ := f.st.ListTimeEntries(bg, q); len(x) > 0 {
		ids["time-entries"] = x[0].ID
	}
	if x, _, _ := f.st.ListIncidents(bg, q); len(x) > 0 {
		ids["incidents"] = x[0].ID
		ids["incident"] = x[0].ID
	}
	ids["concessions"] = "no-such-concession"
	// An open deal of the seller's, with its first signal.
	if x, _, _ := f.st.ListDeals(bg, cartera.DealQuery{Owner: "Lucía Ferrer", Outcome: cartera.OutcomeOpen, Limit: 1}); len(x) > 0 {
		ids["deals"] = x[0].ID
		if sigs, _ := f.st.Signals(bg, x[0].ID); len(sigs) > 0 {
			ids["signal"] = sigs[0].ID
		}
	}
	ids["users"] = fmt.Sprint(f.users["other"].ID)
	ids["tokens"] = "999999"
	ids["map"] = "no-such-upload"
	ids["name"] = "no-such-mapping"
	ids["tasks"] = "no-such-task"
	ids["referrals"] = "no-such-referral"
	ids["candidates"] = "no-such-candidate"
	ids["kind"] = "email"
	ids["value"] = "nadie@no.example"
	ids["date"] = "2031-01-02"
	ids["file"] = "cal_no-such-token.ics"
	return ids
}

// concretePath fills a route pattern's wildcards: {id} with the id for
// the segment before it, any other {name} with the id for name.
func concretePath(pattern string, ids map[string]string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	if !strings.Contains(p, "{") {
		return p
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i, seg := range parts {
		switch {
		case seg == "{id}":
			parts[i] = url.PathEscape(ids[parts[i-1]])
		case strings.HasPrefix(seg, "{"):
			parts[i] = url.PathEscape(ids[strings.Trim(seg, "{}")])
		}
	}
	return "/" + strings.Join(parts, "/")
}

func TestSellersSeeOnlyTheirClients(t *testing.T) {
	f := newFixture(t)
	seller := f.signIn("seller")
	if res, _ := seller.get("/clients/C-001"); res.StatusCode != http.StatusOK {
		t.Errorf("own client: %d", res.StatusCode)
	}
	if res, _ := seller.get("/clients/C-004"); res.StatusCode != http.StatusNotFound {
		t.Errorf("someone else's client: %d, want 404", res.StatusCode)
	}
	_, body := seller.get("/clients")
	if strings.Contains(body, "Grupo Cárnico Salazar") || !strings.Contains(body, "Talleres Ruiz") {
		t.Errorf("the seller's list shows other clients or misses their own")
	}
	_, body = seller.get("/clients?owner=Carmen+Ortega")
	if strings.Contains(body, "Grupo Cárnico Salazar") {
		t.Errorf("an owner filter must not widen a seller's view")
	}
	res, body := f.api("seller", "GET", "/api/v1/clients?limit=200", "")
	if res.StatusCode != 200 || strings.Contains(body, "Carmen Ortega") {
		t.Errorf("API list leaks: %d", res.StatusCode)
	}
	res, _ = f.api("seller", "GET", "/api/v1/clients/C-004/assessment", "")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("someone else's assessment: %d", res.StatusCode)
	}
	inv, _, _ := f.st.ListInvoices(bg, cartera.RecordQuery{ClientID: "C-004", Limit: 1})
	res, _ = f.api("seller", "GET", "/api/v1/invoices/"+inv[0].ID, "")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("someone else's invoice: %d", res.StatusCode)
	}
	res, body = f.api("seller", "GET", "/api/v1/invoices?limit=500", "")
	if res.StatusCode != 200 || strings.Contains(body, `"client_id": "C-004"`) {
		t.Errorf("invoice list leaks")
	}
	res, _ = f.api("seller", "POST", "/api/v1/incidents", `{"id":"x1","client_id":"C-004","at":"2026-11-20T10:00:00Z","kind":"yelling","severity":3}`)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("logging on someone else's client: %d", res.StatusCode)
	}
	d, _, err := f.srv.dashboard(bg, ptr(f.users["seller"]))
	if err != nil || d.Portfolio.Clients == 0 || d.Portfolio.Clients >= 49 {
		t.Errorf("the seller's dashboard covers %d clients", d.Portfolio.Clients)
	}
}

func ptr[T any](v T) *T { return &v }

func TestCSRFIsRequiredOnEveryStateChange(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("owner")
	form := url.Values{"kind": {"yelling"}, "severity": {"3"}}
	for name, csrf := range map[string]string{"missing": "", "wrong": strings.Repeat("x", 43)} {
		if csrf != "" {
			form.Set("csrf", csrf)
		}
		res, body := b.postBody("/clients/C-001/incidents", form)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, i18n.New(i18n.ES, nil).T("auth.csrf")) {
			t.Errorf("%s csrf: %d", name, res.StatusCode)
		}
	}
	form.Set("csrf", b.csrf("/clients/C-001/incidents/new"))
	if res := b.post("/clients/C-001/incidents", form); res.StatusCode != http.StatusSeeOther {
		t.Errorf("with the right csrf: %d", res.StatusCode)
	}
	// The API with the browser's session needs the header too.
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/tokens", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cookie API call without X-CSRF-Token: %d", res.StatusCode)
	}
	req, _ = http.NewRequest("POST", f.ts.URL+"/api/v1/tokens", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf("/settings"))
	if res, err = b.http.Do(req); err != nil || res.StatusCode != http.StatusCreated {
		t.Errorf("cookie API call with the header: %v %v", res.StatusCode, err)
	}
	// Before sign-in, the login form is protected by a double-submit cookie.
	anon := f.browser()
	anon.get("/login")
	res2, _ := anon.postBody("/login", url.Values{"email": {"owner@x.es"}, "password": {testPassword}})
	if res2.StatusCode != http.StatusForbidden {
		t.Errorf("login without csrf: %d", res2.StatusCode)
	}
}

func TestLoginSessionsAndRateLimit(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	csrf := b.csrf("/login")
	res, body := b.postBody("/login", url.Values{"email": {"owner@x.es"}, "password": {"wrong password!"}, "csrf": {csrf}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, i18n.New(i18n.ES, nil).T("auth.bad_login")) {
		t.Errorf("wrong password: %d", res.StatusCode)
	}
	res, _ = b.postBody("/login", url.Values{"email": {"nobody@x.es"}, "password": {"whatever123"}, "csrf": {csrf}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown e-mail: %d", res.StatusCode)
	}
	// Session fixation: a session cookie planted before sign-in is not the
	// one after.
	u, _ := url.Parse(f.ts.URL)
	b.http.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "planted-by-an-attacker"}})
	res = b.post("/login", url.Values{"email": {"OWNER@x.es"}, "password": {testPassword}, "csrf": {csrf}, "next": {"/clients"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/clients" {
		t.Fatalf("sign in: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	var after string
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			after = c.Value
		}
	}
	if after == "" || after == "planted-by-an-attacker" {
		t.Errorf("the session id must be new after sign-in: %q", after)
	}
	sc := res.Header.Values("Set-Cookie")
	if !strings.Contains(strings.Join(sc, ";"), "HttpOnly") || !strings.Contains(strings.Join(sc, ";"), "SameSite=Lax") {
		t.Errorf("cookie flags: %v", sc)
	}
	if res, _ := b.get("/dashboard"); res.StatusCode != 200 {
		t.Errorf("signed in: %d", res.StatusCode)
	}
	b.post("/logout", url.Values{"csrf": {b.csrf("/dashboard")}})
	if res, _ := b.get("/dashboard"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", res.StatusCode)
	}
	// Open redirects are refused.
	for _, next := range []string{"//evil.example", "https://evil.example", "/\\evil.example"} {
		if got := localPath(next); got != "/dashboard" {
			t.Errorf("next %q → %q", next, got)
		}
	}
	// Rate limit: many failures for one e-mail get 429.
	limited := false
	for i := 0; i < 12; i++ {
		res, _ := b.postBody("/login", url.Values{"email": {"manager@x.es"}, "password": {"nope nope nope"}, "csrf": {b.csrf("/login")}})
		if res.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Errorf("no rate limit after 12 failures")
	}
}

func TestSetupLinkCreatesTheOwnerOnce(t *testing.T) {
	fresh := emptyFixture(t)
	link, err := fresh.srv.PrepareSetup(bg)
	if err != nil || !strings.HasPrefix(link, "http://cartera.test/setup?token=setup_") {
		t.Fatalf("link %q %v", link, err)
	}
	token := strings.TrimPrefix(link, "http://cartera.test/setup?token=")
	b := fresh.browser()
	if res, _ := b.get("/setup?token=wrong"); res.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: %d", res.StatusCode)
	}
	res, body := b.get("/setup?token=" + url.QueryEscape(token))
	if res.StatusCode != 200 || !strings.Contains(body, `name="password2"`) {
		t.Fatalf("setup form: %d", res.StatusCode)
	}
	csrf := csrfField.FindStringSubmatch(body)[1]
	form := url.Values{"token": {token}, "name": {"Ana"}, "email": {"ana@x.es"}, "password": {"short"}, "password2": {"short"}, "csrf": {csrf}}
	if res, _ := b.postBody("/setup", form); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("short password: %d", res.StatusCode)
	}
	form.Set("password", testPassword)
	form.Set("password2", testPassword)
	res = b.post("/setup", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/dashboard?ok=welcome" {
		t.Fatalf("setup: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	u, err := fresh.st.UserByEmail(bg, "ana@x.es")
	if err != nil || u.Role != cartera.RoleOwner || u.PasswordHash == testPassword || !checkPassword(u.PasswordHash, testPassword) {
		t.Errorf("owner: %+v %v", u, err)
	}
	// The link works once.
	b2 := fresh.browser()
	form.Set("csrf", b2.csrf("/login"))
	form.Set("email", "eve@x.es")
	if res, _ := b2.postBody("/setup", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("second use: %d", res.StatusCode)
	}
	if link, _ := fresh.srv.PrepareSetup(bg); link != "" {
		t.Errorf("no link once an owner exists")
	}
}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h := hashPassword("una contraseña larga")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash format %s", h)
	}
	if !checkPassword(h, "una contraseña larga") || checkPassword(h, "una contraseña larg") {
		t.Errorf("check")
	}
	if hashPassword("x") == hashPassword("x") {
		t.Errorf("salts must differ")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=1,t=1,p=1$$", "plain", "$argon2id$v=19$m=99999999,t=1,p=1$YQ$YQ"} {
		if checkPassword(bad, "x") {
			t.Errorf("%q must not verify", bad)
		}
	}
}
