package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/demo"
	"github.com/cartera/cartera/sqlite"
)

var bg = context.Background()

// now is the tests' clock: the demo is anchored on it.
var now = time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)

type fixture struct {
	t   testing.TB
	st  cartera.Store
	srv *Server
	ts  *httptest.Server
	// tokens and passwords per role name: owner, manager, seller, other.
	tokens map[string]string
	users  map[string]cartera.User
}

const testPassword = "correct horse battery"

// newFixture starts a server on the demo portfolio with one user per role:
// the seller is Lucía Ferrer, who owns some demo clients (C-001 among
// them) and not others (C-004 is Carmen Ortega's).
func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, openSQLite)
}

// openSQLite opens a new SQLite store for a test.
func openSQLite(t testing.TB) cartera.Store {
	st, err := sqlite.Open(bg, filepath.Join(t.TempDir(), "web.db"), cartera.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// newFixtureOn is newFixture on the store open returns.
func newFixtureOn(t testing.TB, open func(testing.TB) cartera.Store) *fixture {
	t.Helper()
	st := open(t)
	t.Cleanup(func() { st.Close() })
	anchor := cartera.DateFromTime(now.In(demo.Location))
	w, mem, _ := csvio.NewMemoryWriter(csvio.FormatCSV, csvio.Style{Spanish: true})
	if err := demo.Generate(anchor, w); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if _, err := csvio.Import(bg, st, mem.Sources(), csvio.Options{Location: demo.Location, Now: now, Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, st: st, tokens: map[string]string{}, users: map[string]cartera.User{}}
	srv, err := New(Config{Addr: "127.0.0.1:0", BaseURL: "http://cartera.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return now }, UploadDir: t.TempDir()}, st)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	for role, u := range map[string]cartera.User{
		"owner":   {Email: "owner@x.es", Name: "Olga Dueña", Role: cartera.RoleOwner},
		"manager": {Email: "manager@x.es", Name: "Mario Gestor", Role: cartera.RoleManager},
		"seller":  {Email: "lucia@x.es", Name: "Lucía Ferrer", Role: cartera.RoleSeller},
		"other":   {Email: "carmen@x.es", Name: "Carmen Ortega", Role: cartera.RoleSeller},
	} {
		u.PasswordHash = hashPassword(testPassword)
		u, err := st.CreateUser(bg, u)
		if err != nil {
			t.Fatal(err)
		}
		tok := newToken("crt_")
		if _, err := st.CreateToken(bg, cartera.APIToken{UserID: u.ID, Name: "test", Prefix: tok[:10]}, tokenHash(tok)); err != nil {
			t.Fatal(err)
		}
		f.tokens[role], f.users[role] = tok, u
	}
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// client is a browser: a cookie jar that does not follow redirects.
type client struct {
	f    *fixture
	http *http.Client
}

func (f *fixture) browser() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn signs a browser in as a role, through the login form.
func (f *fixture) signIn(role string) *client {
	f.t.Helper()
	c := f.browser()
	csrf := c.csrf("/login")
	res := c.post("/login", url.Values{"email": {f.users[role].Email}, "password": {testPassword}, "csrf": {csrf}})
	if res.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("sign in as %s: %d", role, res.StatusCode)
	}
	return c
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf loads a page and returns the CSRF value of its forms.
func (c *client) csrf(path string) string {
	c.f.t.Helper()
	_, body := c.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.f.t.Fatalf("no csrf field on %s", path)
	}
	return m[1]
}

func (c *client) get(path string) (*http.Response, string) {
	c.f.t.Helper()
	res, err := c.http.Get(c.f.ts.URL + path)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (c *client) post(path string, form url.Values) *http.Response {
	c.f.t.Helper()
	res, err := c.http.PostForm(c.f.ts.URL+path, form)
	if err != nil {
		c.f.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func (c *client) postBody(path string, form url.Values) (*http.Response, string) {
	c.f.t.Helper()
	res, err := c.http.PostForm(c.f.ts.URL+path, form)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// api calls the API with a role's token ("" for none).
func (f *fixture) api(role, method, path, body string, header ...string) (*http.Response, string) {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.ts.URL+path, rd)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// emptyFixture is a server on an empty database: no users, no clients.
func emptyFixture(t testing.TB) *fixture {
	t.Helper()
	st, err := sqlite.Open(bg, filepath.Join(t.TempDir(), "empty.db"), cartera.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := New(Config{Addr: "127.0.0.1:0", BaseURL: "http://cartera.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return now }}, st)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, st: st, srv: srv, tokens: map[string]string{}, users: map[string]cartera.User{}}
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}
