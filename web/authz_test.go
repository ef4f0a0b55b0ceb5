package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

var updateDocs = flag.Bool("update", false, "rewrite the authorization matrix in docs/security.md")

// The authorization matrix: every route of the route table, called by every
// kind of caller, on a record of the seller's and on one of the other
// seller's. Each row says who may call the route (its permission, which
// must be the route table's) and whose records it acts on (its scope); the
// expected answer of every call follows from those two, and a call that is
// not allowed must write nothing at all (the store's generation does not
// move). A route without a row, or a row without a route, fails the test;
// docs/security.md shows the same matrix, generated from these rows
// (go test ./web -run TestAuthorizationMatrix -update rewrites it).

// authzRoles are the callers: the four users of the fixture (Lucía Ferrer
// is "seller", Carmen Ortega "other"), nobody, and Lucía's API key.
var authzRoles = []string{"anonymous", "apikey", "seller", "other", "manager", "owner"}

// scope says whose records a route acts on.
type scope int

const (
	scopeNone    scope = iota // no one's: the same answer for every allowed caller
	scopeSeller               // a seller's: owners and managers act on any, a seller on their own only
	scopeSelf                 // the caller's own (API keys, uploads): no one else's, not even an owner's
	scopeRefused              // nobody's: the route refuses everyone in this state (setup once done)
)

// authzRow is one route's documented behaviour and how to call it.
type authzRow struct {
	route string // "METHOD pattern"
	perm  perm
	scope scope
	// hidden is the answer when the record is not the caller's: 404 when
	// it is in the path, 422 when a record being written names it.
	hidden int
	// make prepares a call for caller w on whose record ("seller" or
	// "other"; "" for routes with no one's records).
	make func(m *matrix, w *caller, whose string) call
}

// call is one request.
type call struct {
	path   string
	json   string     // an API body
	form   url.Values // a page form
	files  map[string]string
	header []string
	// ok are the statuses of success; by default the route's documented
	// status (API), 200 (page GET) or 303 (page POST).
	ok []int
}

// caller is who makes a call, with fresh credentials.
type caller struct {
	role    string
	user    *cartera.User
	session *cartera.Session
	cookie  string // the session cookie's value
	token   string // an API key
	csrf    string
}

// matrix makes fresh records for the calls.
type matrix struct {
	t     *testing.T
	f     *fixture
	n     int
	today cartera.Date
}

func (m *matrix) id(prefix string) string { m.n++; return fmt.Sprintf("%s-Z%04d", prefix, m.n) }

// ownerName and clientOf are whose records are whose: Lucía's are "seller",
// Carmen's "other".
func ownerName(whose string) string {
	if whose == "other" {
		return "Carmen Ortega"
	}
	return "Lucía Ferrer"
}

func clientOf(whose string) string {
	if whose == "other" {
		return "C-004"
	}
	return "C-001"
}

// mine is the seller whose records the caller owns (for sellers; "" for
// the rest).
func (w *caller) mine() string {
	switch w.role {
	case "seller", "apikey":
		return "seller"
	case "other":
		return "other"
	}
	return ""
}

func (m *matrix) must(err error) {
	m.t.Helper()
	if err != nil {
		m.t.Fatal(err)
	}
}

func (m *matrix) client(whose string) cartera.Client {
	c, err := m.f.st.SaveClient(bg, cartera.Client{ID: m.id("CL"), Name: "Cliente de matriz", Owner: ownerName(whose), Currency: "EUR"})
	m.must(err)
	return c
}

func (m *matrix) deal(whose string, lost bool) cartera.Deal {
	d, err := m.f.st.SaveDeal(bg, cartera.Deal{ID: m.id("D"), Title: "Trato de matriz", Owner: ownerName(whose),
		Value: cartera.Money{Amount: 100000, Currency: "EUR"}, Stage: "lead", Created: m.today.AddDays(-30), Outcome: cartera.OutcomeOpen})
	m.must(err)
	if lost {
		_, err := review.MarkLost(bg, m.f.st, review.LostInput{DealID: d.ID, AsOf: m.today, Reason: "precio"})
		m.must(err)
		d, err = m.f.st.Deal(bg, d.ID)
		m.must(err)
	}
	return d
}

func (m *matrix) task(whose string) cartera.Task {
	t, err := m.f.st.SaveTask(bg, cartera.Task{ID: m.id("T"), Kind: cartera.TaskFollowUp, ClientID: clientOf(whose),
		Owner: ownerName(whose), Due: m.today, Created: m.today, Status: cartera.TaskOpen})
	m.must(err)
	return t
}

// record stores a fresh record of a kind (API path segment) on whose
// client and returns it with its id.
func (m *matrix) record(kind, whose string) (any, string) {
	cl := clientOf(whose)
	day := m.today.AddDays(-2)
	var x any
	var err error
	id := m.id(strings.ToUpper(kind[:1]))
	switch kind {
	case "contacts":
		x, err = m.f.st.SaveContact(bg, cartera.Contact{ID: id, ClientID: cl, Name: "Persona de matriz", Seniority: 3})
	case "invoices":
		x, err = m.f.st.SaveInvoice(bg, cartera.Invoice{ID: id, ClientID: cl, Issued: day, Due: day.AddDays(30),
			Amount: cartera.Money{Amount: 12345, Currency: "EUR"}})
	case "time-entries":
		x, err = m.f.st.SaveTimeEntry(bg, cartera.TimeEntry{ID: id, ClientID: cl, Day: day, Hours: 150})
	case "concessions":
		x, err = m.f.st.SaveConcession(bg, cartera.Concession{ID: id, ClientID: cl, Day: day, Kind: cartera.ConcessionFreeHours,
			Hours: 100, Amount: cartera.Money{Currency: "EUR"}})
	case "incidents":
		x, err = m.f.st.SaveIncident(bg, cartera.Incident{ID: id, ClientID: cl, At: now.Add(-3600e9), Kind: cartera.KindScopeCreep, Severity: 1})
	}
	m.must(err)
	return x, id
}

// newRecordJSON is a new record of a kind on a client, as the API takes it.
func (m *matrix) newRecordJSON(kind, clientID string) string {
	id := m.id("N")
	day := m.today.AddDays(-1).String()
	switch kind {
	case "contacts":
		return fmt.Sprintf(`{"id":%q,"client_id":%q,"name":"Nueva persona","seniority":2}`, id, clientID)
	case "invoices":
		return fmt.Sprintf(`{"id":%q,"client_id":%q,"issued":%q,"due":%q,"amount":{"amount":100,"currency":"EUR"}}`, id, clientID, day, day)
	case "time-entries":
		return fmt.Sprintf(`{"id":%q,"client_id":%q,"date":%q,"hours":100}`, id, clientID, day)
	case "concessions":
		return fmt.Sprintf(`{"id":%q,"client_id":%q,"date":%q,"kind":"free_hours","hours":50,"amount":{"currency":"EUR"}}`, id, clientID, day)
	case "incidents":
		return fmt.Sprintf(`{"id":%q,"client_id":%q,"at":"2026-11-24T10:00:00Z","kind":"yelling","severity":2}`, id, clientID)
	}
	return ""
}

// moved is a stored record as a PUT body that moves it to the caller's own
// client when the caller is a seller: the attack of issue 12, and for
// everyone else an ordinary update.
func moved(x any, w *caller) string {
	b, _ := json.Marshal(x)
	var r map[string]any
	json.Unmarshal(b, &r)
	if mine := w.mine(); mine != "" {
		r["client_id"] = clientOf(mine)
	}
	if _, ok := r["note"]; ok {
		r["note"] = "cambiado"
	}
	out, _ := json.Marshal(r)
	return string(out)
}

// authzRows documents every route. Keep it in the route table's order.
func authzRows() []authzRow {
	page := func(route string, p perm, sc scope, mk func(*matrix, *caller, string) call) authzRow {
		return authzRow{route: route, perm: p, scope: sc, hidden: http.StatusNotFound, make: mk}
	}
	path := func(p string) func(*matrix, *caller, string) call {
		return func(*matrix, *caller, string) call { return call{path: p} }
	}
	form := func(p string, kv ...string) func(*matrix, *caller, string) call {
		return func(*matrix, *caller, string) call {
			v := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return call{path: p, form: v}
		}
	}
	body := func(p, js string) func(*matrix, *caller, string) call {
		return func(*matrix, *caller, string) call { return call{path: p, json: js} }
	}
	onClient := func(suffix string, f url.Values, js string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, whose string) call {
			return call{path: "/clients/" + clientOf(whose) + suffix, form: f, json: js}
		}
	}
	apiClient := func(suffix, js string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, whose string) call {
			return call{path: "/api/v1/clients/" + clientOf(whose) + suffix, json: js}
		}
	}
	onDeal := func(prefix, suffix string, lost bool, f url.Values, js string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, whose string) call {
			d := m.deal(whose, lost)
			return call{path: prefix + d.ID + suffix, form: f, json: js}
		}
	}
	onTask := func(prefix, suffix string, f url.Values, js string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, whose string) call {
			t := m.task(whose)
			return call{path: prefix + t.ID + suffix, form: f, json: js}
		}
	}
	vals := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	upload := func(p string, ok ...int) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, _ string) call {
			return call{path: p, files: map[string]string{"clientes.csv": "id;nombre;moneda\n" + m.id("IMP") + ";Importado;EUR\n"}, ok: ok}
		}
	}
	// stashed puts an upload waiting for its mapping step in the caller's
	// session ("seller" column) or in someone else's ("other" column).
	stashed := func(f url.Values, ok ...int) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, whose string) call {
			key := "s:someone-else"
			if whose == "seller" {
				key = stashKey(&reqCtx{user: w.user, session: w.session})
			}
			text := "Ref;Cuenta\nA1;Uno\n"
			it, err := m.f.srv.uploads.put(key, "hoja.csv", csvio.Source{Name: "hoja.csv", Size: int64(len(text)),
				Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }})
			m.must(err)
			return call{path: "/import/map/" + it.id, form: f, ok: ok}
		}
	}
	// running is an import running in the background for the caller's
	// session ("seller" column) or someone else's ("other" column).
	running := func(m *matrix, w *caller, whose string) call {
		key := "s:someone-else"
		if whose == "seller" {
			key = stashKey(&reqCtx{user: w.user, session: w.session})
		}
		j := &importJob{id: newToken(""), key: key, done: make(chan struct{}), files: []fileProgress{{Name: "a.csv", Rows: 10}}}
		m.f.srv.imports.add(j)
		return call{path: "/import/progress/" + j.id, ok: []int{200}}
	}
	mapping := func(method string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, _ string) call {
			name := strings.ToLower(m.id("map"))
			_, v, err := csvio.SaveMappingAt(bg, m.f.st, cartera.DefaultPipeline(), name, []byte(trackerMapping), 0)
			m.must(err)
			c := call{path: "/api/v1/mappings/" + name}
			if method == "PUT" {
				c.json, c.header = trackerMapping, []string{"If-Match", fmt.Sprintf(`"%d"`, v)}
			}
			if method == "page" {
				c.path = "/import/mappings/" + name + "/delete"
			}
			return c
		}
	}
	// A user the owner manages, a token of whose user, a referral, a
	// holiday: fresh for every call.
	user := func(suffix, js string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, _ string) call {
			u, err := m.f.st.CreateUser(bg, cartera.User{Email: strings.ToLower(m.id("u")) + "@x.es", Name: "Usuaria de matriz",
				Role: cartera.RoleSeller, PasswordHash: dummyHash()})
			m.must(err)
			b := strings.ReplaceAll(js, "{email}", u.Email)
			return call{path: fmt.Sprintf("/api/v1/users/%d%s", u.ID, suffix), json: b,
				form: vals("name", "Usuaria renombrada", "role", "seller", "version", fmt.Sprint(u.Version))}
		}
	}
	token := func(prefix, suffix string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, whose string) call {
			t, err := m.f.st.CreateToken(bg, cartera.APIToken{UserID: m.f.users[whose].ID, Name: "de matriz", Prefix: "crt_matriz"}, m.id("hash"))
			m.must(err)
			return call{path: fmt.Sprintf("%s%d%s", prefix, t.ID, suffix)}
		}
	}
	referral := func(prefix, suffix string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, _ string) call {
			r, err := m.f.st.SaveReferral(bg, cartera.Referral{ID: m.id("REF"), Service: "Diseño", Name: "Estudio", Email: "a@b.es"})
			m.must(err)
			return call{path: prefix + r.ID + suffix, form: vals("version", "1")}
		}
	}
	holiday := func(prefix, suffix string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, _ string) call {
			m.n++
			day := m.today.AddDays(400 + m.n)
			m.must(m.f.st.SaveHoliday(bg, cartera.Holiday{Day: day, Name: "Fiesta"}))
			return call{path: prefix + day.String() + suffix}
		}
	}
	calendar := func(m *matrix, w *caller, whose string) call {
		tok := newToken("cal_")
		m.must(m.f.st.SetCalendarToken(bg, m.f.users[whose].ID, review.CalendarTokenHash(tok)))
		return call{path: "/calendar/" + tok + ".ics"}
	}
	setting := func(p string, get func(*matrix) (any, int64)) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, _ string) call {
			x, v := get(m)
			b, _ := json.Marshal(x)
			return call{path: p, json: string(b), header: []string{"If-Match", fmt.Sprintf(`"%d"`, v)}}
		}
	}
	policy := func(m *matrix) (any, int64) { p, _ := m.f.st.Policy(bg); return p, p.Version }
	pipeline := func(m *matrix) (any, int64) { p, _ := m.f.st.Pipeline(bg); return report.PipelineOut(p), p.Version }
	// A rule of the match table and a candidate incident on whose client:
	// fresh for every call.
	matchRule := func(api bool) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, _ string) call {
			r, err := m.f.st.SaveMatchRule(bg, cartera.MatchRule{Kind: cartera.MatchEmail, Value: strings.ToLower(m.id("m")) + "@cliente.es",
				Role: cartera.RoleClient, ClientID: "C-001"})
			m.must(err)
			if api {
				return call{path: "/api/v1/matches/email/" + url.PathEscape(r.Value)}
			}
			return call{path: "/matches/delete", form: vals("kind", "email", "value", r.Value, "version", fmt.Sprint(r.Version))}
		}
	}
	newRule := func(m *matrix) string { return strings.ToLower(m.id("m")) + "@nuevo.es" }
	candidate := func(prefix, suffix string, f url.Values, js string) func(*matrix, *caller, string) call {
		return func(m *matrix, w *caller, whose string) call {
			c := cartera.Candidate{ID: m.id("CAND"), ClientID: clientOf(whose), At: now.Add(-7200e9), Kind: cartera.KindOutOfHours,
				Reason: cartera.M("candidate.protected_hours", "at", "21:30"), Subject: "Urgente", Status: cartera.CandidatePending, Source: "mbox", Origin: "matriz"}
			tx, err := m.f.st.BeginImport(bg)
			m.must(err)
			m.must(tx.PutCandidates(bg, []cartera.Candidate{c}))
			m.must(tx.Commit(bg))
			return call{path: prefix + c.ID + suffix, form: f, json: js}
		}
	}
	monday := "2026-11-30"

	rows := []authzRow{
		page("GET /{$}", permPublic, scopeNone, func(*matrix, *caller, string) call { return call{path: "/", ok: []int{303}} }),
		page("GET /setup", permPublic, scopeRefused, func(*matrix, *caller, string) call { return call{path: "/setup", ok: []int{303}} }),
		page("POST /setup", permPublic, scopeRefused, func(*matrix, *caller, string) call {
			return call{path: "/setup", form: vals("token", "nope"), ok: []int{403}}
		}),
		page("GET /login", permPublic, scopeNone, func(_ *matrix, w *caller, _ string) call {
			if w.role == "anonymous" {
				return call{path: "/login"}
			}
			return call{path: "/login", ok: []int{303}} // signed in already: on to the dashboard
		}),
		page("POST /login", permPublic, scopeNone, func(m *matrix, w *caller, _ string) call {
			return call{path: "/login", form: vals("email", m.f.users["seller"].Email, "password", testPassword)}
		}),
		page("POST /logout", permUser, scopeNone, form("/logout")),
		page("POST /lang", permPublic, scopeNone, form("/lang", "lang", "en")),
		page("GET /dashboard", permUser, scopeNone, path("/dashboard")),
		page("GET /clients", permUser, scopeNone, path("/clients")),
		page("GET /clients/{id}", permUser, scopeSeller, onClient("", nil, "")),
		page("GET /clients/{id}/script", permUser, scopeSeller, onClient("/script", nil, "")),
		page("GET /clients/{id}/incidents/new", permUser, scopeSeller, onClient("/incidents/new", nil, "")),
		page("POST /clients/{id}/incidents", permUser, scopeSeller, onClient("/incidents", vals("kind", "yelling", "severity", "2"), "")),
		page("POST /clients/{id}/decisions", permUser, scopeSeller, onClient("/decisions", vals("decision", "agree"), "")),
		page("GET /decisions", permManager, scopeNone, path("/decisions")),
		page("GET /clients/{id}/incidents/{incident}", permUser, scopeSeller, func(m *matrix, w *caller, whose string) call {
			_, id := m.record("incidents", whose)
			return call{path: "/clients/" + clientOf(whose) + "/incidents/" + id}
		}),
		page("GET /pipeline", permUser, scopeNone, path("/pipeline")),
		page("GET /pipeline/new", permUser, scopeNone, path("/pipeline/new")),
		{route: "POST /pipeline/deals", perm: permUser, scope: scopeSeller, hidden: http.StatusUnprocessableEntity,
			make: func(m *matrix, w *caller, whose string) call {
				return call{path: "/pipeline/deals", form: vals("title", "Nuevo trato", "owner", ownerName(whose), "value", "1000", "stage", "lead",
					"need", "unknown", "capacity", "unknown", "decision_maker", "unknown")}
			}},
		page("GET /pipeline/deals/{id}", permUser, scopeSeller, onDeal("/pipeline/deals/", "", false, nil, "")),
		page("POST /pipeline/deals/{id}/signals", permUser, scopeSeller, onDeal("/pipeline/deals/", "/signals", false,
			vals("kind", "meeting_held", "date", "2026-11-24"), "")),
		page("POST /pipeline/deals/{id}/stage", permUser, scopeSeller, onDeal("/pipeline/deals/", "/stage", false, vals("stage", "qualified"), "")),
		page("POST /pipeline/deals/{id}/close", permUser, scopeSeller, onDeal("/pipeline/deals/", "/close", false,
			vals("outcome", "lost", "date", "2026-11-24", "lost_reason", "precio"), "")),
		page("GET /deals/{id}/plan", permUser, scopeSeller, onDeal("/deals/", "/plan", true, nil, "")),
		page("POST /deals/{id}/plan/reconnect", permUser, scopeSeller, onDeal("/deals/", "/plan/reconnect", true,
			vals("date", "2026-11-24", "really_no", "yes", "competitor_won", "unknown"), "")),
		page("POST /deals/{id}/plan/debrief", permUser, scopeSeller, onDeal("/deals/", "/plan/debrief", true,
			vals("date", "2026-11-24", "happened", "Llegamos tarde con la propuesta"), "")),
		page("GET /lessons", permUser, scopeNone, path("/lessons")),
		page("GET /winloss", permUser, scopeNone, path("/winloss")),
		page("GET /agenda", permUser, scopeNone, path("/agenda")),
		page("POST /agenda/tasks/{id}/done", permUser, scopeSeller, onTask("/agenda/tasks/", "/done", vals("back", "/agenda"), "")),
		page("POST /agenda/tasks/{id}/snooze", permUser, scopeSeller, onTask("/agenda/tasks/", "/snooze", vals("until", monday, "back", "/agenda"), "")),
		page("POST /agenda/tasks/{id}/reopen", permUser, scopeSeller, onTask("/agenda/tasks/", "/reopen", vals("back", "/agenda"), "")),
		page("POST /agenda/calendar", permUser, scopeNone, func(*matrix, *caller, string) call {
			return call{path: "/agenda/calendar", form: url.Values{}, ok: []int{200}}
		}),
		page("POST /agenda/calendar/delete", permUser, scopeNone, form("/agenda/calendar/delete")),
		page("GET /calendar/{file}", permPublic, scopeNone, func(m *matrix, w *caller, _ string) call { return calendar(m, w, "seller") }),
		page("GET /forecast", permUser, scopeNone, path("/forecast")),
		page("GET /backtest", permManager, scopeNone, path("/backtest")),
		page("GET /import", permManager, scopeNone, path("/import")),
		page("POST /import", permManager, scopeNone, upload("/import", 200)),
		page("GET /import/progress/{id}", permManager, scopeSelf, running),
		page("GET /import/map/{id}", permManager, scopeSelf, stashed(nil, 200)),
		page("POST /import/map/{id}", permManager, scopeSelf, stashed(vals("action", "discard"), 303)),
		page("POST /import/mappings/{name}/delete", permManager, scopeNone, mapping("page")),
		page("GET /matches", permManager, scopeNone, path("/matches")),
		page("POST /matches", permManager, scopeNone, func(m *matrix, w *caller, _ string) call {
			return call{path: "/matches", form: vals("kind", "email", "value", newRule(m), "role", "client", "client_id", "C-001")}
		}),
		page("POST /matches/delete", permManager, scopeNone, matchRule(false)),
		page("GET /candidates", permUser, scopeNone, path("/candidates")),
		page("POST /candidates/{id}/confirm", permUser, scopeSeller, candidate("/candidates/", "/confirm", vals("severity", "2", "version", "1"), "")),
		page("POST /candidates/{id}/dismiss", permUser, scopeSeller, candidate("/candidates/", "/dismiss", vals("version", "1"), "")),
		page("GET /settings", permUser, scopeNone, path("/settings")),
		page("POST /settings/policy", permOwner, scopeNone, func(m *matrix, w *caller, _ string) call {
			p, _ := m.f.st.Policy(bg)
			return call{path: "/settings/policy", form: vals("version", fmt.Sprint(p.Version))}
		}),
		page("POST /settings/account", permUser, scopeNone, form("/settings/account", "lang", "es")),
		page("POST /settings/signout", permUser, scopeNone, form("/settings/signout")),
		page("POST /settings/users", permOwner, scopeNone, func(m *matrix, w *caller, _ string) call {
			return call{path: "/settings/users", form: vals("email", strings.ToLower(m.id("nu"))+"@x.es", "name", "Nueva", "role", "seller",
				"password", "una clave bien larga")}
		}),
		page("POST /settings/users/{id}", permOwner, scopeNone, func(m *matrix, w *caller, whose string) call {
			c := user("", "")(m, w, whose)
			c.path = strings.Replace(c.path, "/api/v1/users/", "/settings/users/", 1)
			c.json = ""
			return c
		}),
		page("POST /settings/tokens", permUser, scopeNone, func(*matrix, *caller, string) call {
			return call{path: "/settings/tokens", form: vals("name", "matriz"), ok: []int{200}}
		}),
		page("POST /settings/tokens/{id}/delete", permUser, scopeSelf, token("/settings/tokens/", "/delete")),
		page("POST /settings/referrals", permManager, scopeNone, form("/settings/referrals", "service", "SEO", "name", "Buscadores", "email", "s@e.o")),
		page("POST /settings/referrals/{id}/delete", permManager, scopeNone, referral("/settings/referrals/", "/delete")),
		page("POST /settings/holidays", permManager, scopeNone, form("/settings/holidays", "date", "2027-12-08", "name", "Inmaculada")),
		page("POST /settings/holidays/{date}/delete", permManager, scopeNone, holiday("/settings/holidays/", "/delete")),
		page("GET /docs", permPublic, scopeNone, path("/docs")),
		page("GET /docs/{name}", permPublic, scopeNone, path("/docs/forecast")),
		page("GET /healthz", permPublic, scopeNone, path("/healthz")),
		page("GET /metrics", permPublic, scopeNone, path("/metrics")),
		page("GET /api/openapi.json", permPublic, scopeNone, path("/api/openapi.json")),

		page("GET /api/v1/me", permUser, scopeNone, path("/api/v1/me")),
		page("GET /api/v1/clients", permUser, scopeNone, path("/api/v1/clients")),
		page("POST /api/v1/clients", permManager, scopeSeller, func(m *matrix, w *caller, whose string) call {
			return call{path: "/api/v1/clients", json: fmt.Sprintf(`{"id":%q,"name":"Nuevo","currency":"EUR","owner":%q}`, m.id("NC"), ownerName(whose))}
		}),
		page("GET /api/v1/clients/{id}", permUser, scopeSeller, apiClient("", "")),
		page("PUT /api/v1/clients/{id}", permUser, scopeSeller, func(m *matrix, w *caller, whose string) call {
			c := m.client(whose)
			owner := c.Owner
			if mine := w.mine(); mine != "" {
				owner = ownerName(mine) // a seller takes it: theirs already, or an attack
			}
			return call{path: "/api/v1/clients/" + c.ID, json: fmt.Sprintf(`{"name":"Renombrado","currency":"EUR","owner":%q,"version":1}`, owner)}
		}),
		page("DELETE /api/v1/clients/{id}", permManager, scopeSeller, func(m *matrix, w *caller, whose string) call {
			return call{path: "/api/v1/clients/" + m.client(whose).ID}
		}),
		page("GET /api/v1/clients/{id}/assessment", permUser, scopeSeller, apiClient("/assessment", "")),
		page("GET /api/v1/clients/{id}/timeline", permUser, scopeSeller, apiClient("/timeline", "")),
		page("GET /api/v1/clients/{id}/script", permUser, scopeSeller, apiClient("/script", "")),
		page("POST /api/v1/clients/{id}/incidents", permUser, scopeSeller, apiClient("/incidents", `{"kind":"yelling","severity":2}`)),
		page("POST /api/v1/clients/{id}/decisions", permUser, scopeSeller, apiClient("/decisions", `{"agree":true}`)),
		page("GET /api/v1/decisions", permManager, scopeNone, path("/api/v1/decisions")),
		page("GET /api/v1/assessments", permUser, scopeNone, path("/api/v1/assessments")),
		page("GET /api/v1/policy", permUser, scopeNone, path("/api/v1/policy")),
		page("PUT /api/v1/policy", permOwner, scopeNone, setting("/api/v1/policy", policy)),
		page("POST /api/v1/import", permManager, scopeNone, upload("/api/v1/import")),
		page("POST /api/v1/import/preview", permManager, scopeNone, upload("/api/v1/import/preview")),
		page("GET /api/v1/mappings", permManager, scopeNone, path("/api/v1/mappings")),
		page("GET /api/v1/mappings/{name}", permManager, scopeNone, mapping("GET")),
		page("PUT /api/v1/mappings/{name}", permManager, scopeNone, mapping("PUT")),
		page("DELETE /api/v1/mappings/{name}", permManager, scopeNone, mapping("DELETE")),
		page("GET /api/v1/users", permOwner, scopeNone, path("/api/v1/users")),
		page("POST /api/v1/users", permOwner, scopeNone, func(m *matrix, w *caller, _ string) call {
			return call{path: "/api/v1/users", json: fmt.Sprintf(`{"email":%q,"name":"Nueva","role":"seller","password":"una clave bien larga"}`,
				strings.ToLower(m.id("nu"))+"@x.es")}
		}),
		page("GET /api/v1/users/{id}", permOwner, scopeNone, user("", "")),
		page("PUT /api/v1/users/{id}", permOwner, scopeNone, user("", `{"email":"{email}","name":"Renombrada","role":"seller","version":1}`)),
		page("DELETE /api/v1/sessions", permUser, scopeNone, path("/api/v1/sessions")),
		page("GET /api/v1/tokens", permUser, scopeNone, path("/api/v1/tokens")),
		page("POST /api/v1/tokens", permUser, scopeNone, body("/api/v1/tokens", `{"name":"matriz"}`)),
		page("DELETE /api/v1/tokens/{id}", permUser, scopeSelf, token("/api/v1/tokens/", "")),
		page("GET /api/v1/deals", permUser, scopeNone, path("/api/v1/deals")),
		{route: "POST /api/v1/deals", perm: permUser, scope: scopeSeller, hidden: http.StatusUnprocessableEntity,
			make: func(m *matrix, w *caller, whose string) call {
				return call{path: "/api/v1/deals", json: fmt.Sprintf(`{"id":%q,"title":"Nuevo","owner":%q,"value":{"amount":100,"currency":"EUR"}}`,
					m.id("ND"), ownerName(whose))}
			}},
		page("GET /api/v1/deals/{id}", permUser, scopeSeller, onDeal("/api/v1/deals/", "", false, nil, "")),
		page("PUT /api/v1/deals/{id}", permUser, scopeSeller, func(m *matrix, w *caller, whose string) call {
			d := m.deal(whose, false)
			owner := d.Owner
			if mine := w.mine(); mine != "" {
				owner = ownerName(mine)
			}
			return call{path: "/api/v1/deals/" + d.ID, json: fmt.Sprintf(`{"title":"Cambiado","owner":%q,"value":{"amount":200,"currency":"EUR"},"stage":"lead","version":1}`, owner)}
		}),
		page("DELETE /api/v1/deals/{id}", permManager, scopeSeller, onDeal("/api/v1/deals/", "", false, nil, "")),
		page("GET /api/v1/deals/{id}/assessment", permUser, scopeSeller, onDeal("/api/v1/deals/", "/assessment", false, nil, "")),
		page("POST /api/v1/deals/{id}/close", permUser, scopeSeller, onDeal("/api/v1/deals/", "/close", false, nil, `{"outcome":"lost","date":"2026-11-24"}`)),
		page("POST /api/v1/deals/{id}/lost", permUser, scopeSeller, onDeal("/api/v1/deals/", "/lost", false, nil, `{"reason":"precio"}`)),
		page("GET /api/v1/deals/{id}/plan", permUser, scopeSeller, onDeal("/api/v1/deals/", "/plan", true, nil, "")),
		page("PUT /api/v1/deals/{id}/reconnect", permUser, scopeSeller, onDeal("/api/v1/deals/", "/reconnect", true, nil, `{"really_no":"yes","date":"2026-11-24"}`)),
		page("PUT /api/v1/deals/{id}/debrief", permUser, scopeSeller, onDeal("/api/v1/deals/", "/debrief", true, nil, `{"happened":"Tarde","date":"2026-11-24"}`)),
		page("GET /api/v1/lessons", permUser, scopeNone, path("/api/v1/lessons")),
		page("GET /api/v1/winloss", permUser, scopeNone, path("/api/v1/winloss")),
		page("GET /api/v1/agenda", permUser, scopeNone, path("/api/v1/agenda")),
		page("POST /api/v1/tasks/{id}/done", permUser, scopeSeller, onTask("/api/v1/tasks/", "/done", nil, `{}`)),
		page("POST /api/v1/tasks/{id}/snooze", permUser, scopeSeller, onTask("/api/v1/tasks/", "/snooze", nil, `{"until":"`+monday+`"}`)),
		page("POST /api/v1/tasks/{id}/reopen", permUser, scopeSeller, onTask("/api/v1/tasks/", "/reopen", nil, `{}`)),
		page("POST /api/v1/calendar-token", permUser, scopeNone, path("/api/v1/calendar-token")),
		page("DELETE /api/v1/calendar-token", permUser, scopeNone, path("/api/v1/calendar-token")),
		page("GET /api/v1/matches", permManager, scopeNone, path("/api/v1/matches")),
		page("PUT /api/v1/matches", permManager, scopeNone, func(m *matrix, w *caller, _ string) call {
			return call{path: "/api/v1/matches", json: fmt.Sprintf(`{"kind":"email","value":%q,"role":"client","client_id":"C-001"}`, newRule(m))}
		}),
		page("DELETE /api/v1/matches/{kind}/{value}", permManager, scopeNone, matchRule(true)),
		page("GET /api/v1/candidates", permUser, scopeNone, path("/api/v1/candidates")),
		page("POST /api/v1/candidates/{id}/confirm", permUser, scopeSeller, candidate("/api/v1/candidates/", "/confirm", nil, `{"severity":2}`)),
		page("POST /api/v1/candidates/{id}/dismiss", permUser, scopeSeller, candidate("/api/v1/candidates/", "/dismiss", nil, `{}`)),
		page("GET /api/v1/referrals", permUser, scopeNone, path("/api/v1/referrals")),
		page("POST /api/v1/referrals", permManager, scopeNone, body("/api/v1/referrals", `{"service":"SEO","name":"Buscadores","email":"s@e.o"}`)),
		page("DELETE /api/v1/referrals/{id}", permManager, scopeNone, referral("/api/v1/referrals/", "")),
		page("GET /api/v1/holidays", permUser, scopeNone, path("/api/v1/holidays")),
		page("POST /api/v1/holidays", permManager, scopeNone, body("/api/v1/holidays", `{"date":"2027-12-08","name":"Inmaculada"}`)),
		page("DELETE /api/v1/holidays/{date}", permManager, scopeNone, holiday("/api/v1/holidays/", "")),
		page("GET /api/v1/deals/{id}/signals", permUser, scopeSeller, onDeal("/api/v1/deals/", "/signals", false, nil, "")),
		// The signal is what is created: another seller's deal is a problem
		// with its deal_id, as an invoice's unknown client is.
		{route: "POST /api/v1/deals/{id}/signals", perm: permUser, scope: scopeSeller, hidden: http.StatusUnprocessableEntity,
			make: onDeal("/api/v1/deals/", "/signals", false, nil, `{"kind":"meeting_held"}`)},
		page("DELETE /api/v1/deals/{id}/signals/{signal}", permUser, scopeSeller, func(m *matrix, w *caller, whose string) call {
			d := m.deal(whose, false)
			s, err := m.f.st.SaveSignal(bg, cartera.Signal{ID: m.id("S"), DealID: d.ID, Kind: cartera.SignalMeetingHeld, Day: m.today})
			m.must(err)
			return call{path: "/api/v1/deals/" + d.ID + "/signals/" + s.ID}
		}),
		page("GET /api/v1/pipeline/board", permUser, scopeNone, path("/api/v1/pipeline/board")),
		page("GET /api/v1/forecast", permUser, scopeNone, path("/api/v1/forecast")),
		page("GET /api/v1/calibration", permUser, scopeNone, path("/api/v1/calibration")),
		page("GET /api/v1/backtest", permManager, scopeNone, path("/api/v1/backtest")),
		page("GET /api/v1/pipeline", permUser, scopeNone, path("/api/v1/pipeline")),
		page("PUT /api/v1/pipeline", permOwner, scopeNone, setting("/api/v1/pipeline", pipeline)),
	}
	for _, kind := range []string{"contacts", "invoices", "time-entries", "concessions", "incidents"} {
		kind := kind
		base := "/api/v1/" + kind
		onRecord := func(m *matrix, w *caller, whose string) call {
			_, id := m.record(kind, whose)
			return call{path: base + "/" + id}
		}
		rows = append(rows,
			page("GET "+base, permUser, scopeNone, path(base)),
			authzRow{route: "POST " + base, perm: permUser, scope: scopeSeller, hidden: http.StatusUnprocessableEntity,
				make: func(m *matrix, w *caller, whose string) call {
					return call{path: base, json: m.newRecordJSON(kind, clientOf(whose))}
				}},
			page("GET "+base+"/{id}", permUser, scopeSeller, onRecord),
			page("PUT "+base+"/{id}", permUser, scopeSeller, func(m *matrix, w *caller, whose string) call {
				x, id := m.record(kind, whose)
				return call{path: base + "/" + id, json: moved(x, w)}
			}),
			page("DELETE "+base+"/{id}", permUser, scopeSeller, onRecord),
		)
	}
	return rows
}

// expected is the documented answer to a call: "ok", "sign-in",
// "forbidden", "hidden" or, for a route nobody may use now, "refused".
func (row authzRow) expected(role, whose string) string {
	var u *cartera.User
	switch role {
	case "anonymous":
	case "apikey", "seller", "other":
		u = &cartera.User{Role: cartera.RoleSeller}
	case "manager":
		u = &cartera.User{Role: cartera.RoleManager}
	case "owner":
		u = &cartera.User{Role: cartera.RoleOwner}
	}
	if !row.perm.allows(u) {
		if u == nil {
			return "sign-in"
		}
		return "forbidden"
	}
	mine := (&caller{role: role}).mine()
	switch row.scope {
	case scopeRefused:
		return "refused"
	case scopeSeller:
		if mine != "" && whose != mine {
			return "hidden"
		}
	case scopeSelf:
		if row.route == "GET /import/map/{id}" || row.route == "POST /import/map/{id}" || row.route == "GET /import/progress/{id}" {
			if whose != "seller" { // the "other" column is someone else's upload or import
				return "hidden"
			}
			return "ok"
		}
		if mine == "" || whose != mine {
			return "hidden"
		}
	}
	return "ok"
}

// wholes are the columns of a row: one record of each seller, or none.
func (row authzRow) wholes() []string {
	if row.scope == scopeNone || row.scope == scopeRefused {
		return []string{""}
	}
	return []string{"seller", "other"}
}

func TestAuthorizationMatrix(t *testing.T) {
	rows := authzRows()
	checkRowsMatchRoutes(t, rows)
	checkMatrixDoc(t, rows)
	for _, store := range testStores {
		t.Run(store.name, func(t *testing.T) {
			runMatrix(t, newFixtureOn(t, store.open), rows)
		})
	}
}

// checkRowsMatchRoutes fails on a route without a row, a row without a
// route, and a row whose permission is not the route table's.
func checkRowsMatchRoutes(t *testing.T, rows []authzRow) {
	f := emptyFixture(t)
	byRoute := map[string]authzRow{}
	for _, r := range rows {
		if _, dup := byRoute[r.route]; dup {
			t.Errorf("two rows for %s", r.route)
		}
		byRoute[r.route] = r
	}
	for _, rt := range f.srv.routeTable() {
		key := rt.method + " " + rt.pattern
		r, ok := byRoute[key]
		if !ok {
			t.Errorf("%s has no row in the authorization matrix (authzRows): say who may call it and whose records it acts on", key)
			continue
		}
		if r.perm != rt.perm {
			t.Errorf("%s: the matrix documents permission %d, the route table has %d", key, r.perm, rt.perm)
		}
		delete(byRoute, key)
	}
	for k := range byRoute {
		t.Errorf("the matrix documents %s, which is not a route", k)
	}
}

// runMatrix makes every call and checks its answer.
func runMatrix(t *testing.T, f *fixture, rows []authzRow) {
	m := &matrix{t: t, f: f, today: f.srv.today(bg)}
	routes := map[string]*route{}
	for _, rt := range f.srv.routes {
		routes[rt.method+" "+rt.pattern] = rt
	}
	calls := 0
	for _, row := range rows {
		rt := routes[row.route]
		for _, role := range authzRoles {
			for _, whose := range row.wholes() {
				want := row.expected(role, whose)
				w := m.caller(role)
				c := row.make(m, w, whose)
				// Bring the derived data up to date first, so that any write
				// the call makes is the call's.
				if _, err := review.Refresh(bg, f.st, m.today); err != nil {
					t.Fatal(err)
				}
				gen0, err := f.st.Generation(bg)
				if err != nil {
					t.Fatal(err)
				}
				res, body := m.do(rt, w, c)
				got := classify(rt, row, c, res, body)
				calls++
				label := fmt.Sprintf("%s as %s on %s's record", row.route, role, whose)
				if whose == "" {
					label = fmt.Sprintf("%s as %s", row.route, role)
				}
				if got != want {
					t.Errorf("%s: %s (%d %.200s), want %s", label, got, res.StatusCode, body, want)
				}
				if want != "ok" {
					if gen1, _ := f.st.Generation(bg); gen1 != gen0 {
						t.Errorf("%s: refused (%s) but something was written", label, got)
					}
				}
			}
		}
	}
	t.Logf("%d routes, %d calls", len(rows), calls)
}

// caller makes fresh credentials for a role: a session (with its CSRF
// secret) for a person, an API key for "apikey", nothing for anonymous.
func (m *matrix) caller(role string) *caller {
	w := &caller{role: role}
	switch role {
	case "anonymous":
		w.csrf = newToken("")
		return w
	case "apikey":
		u := m.f.users["seller"]
		w.user = &u
		w.token = newToken("crt_")
		_, err := m.f.st.CreateToken(bg, cartera.APIToken{UserID: u.ID, Name: "matriz", Prefix: w.token[:10]}, tokenHash(w.token))
		m.must(err)
		return w
	}
	u := m.f.users[role]
	w.user = &u
	sess, token, err := m.f.srv.newSession(bg, u.ID)
	m.must(err)
	w.session, w.cookie, w.csrf = &sess, token, sess.CSRF
	return w
}

// do sends a call as the caller.
func (m *matrix) do(rt *route, w *caller, c call) (*http.Response, string) {
	m.t.Helper()
	var rd io.Reader
	ct := ""
	switch {
	case c.files != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		names := make([]string, 0, len(c.files))
		for n := range c.files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fw, _ := mw.CreateFormFile("files", n)
			fw.Write([]byte(c.files[n]))
		}
		if w.csrf != "" && !rt.api {
			mw.WriteField("csrf", w.csrf)
		}
		mw.Close()
		rd, ct = &buf, mw.FormDataContentType()
	case rt.api && c.json != "":
		rd, ct = strings.NewReader(c.json), "application/json"
	case !rt.api && rt.method != "GET":
		v := url.Values{}
		for k, vs := range c.form {
			v[k] = vs
		}
		if w.csrf != "" {
			v.Set("csrf", w.csrf)
		}
		rd, ct = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(rt.method, m.f.ts.URL+c.path, rd)
	m.must(err)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	switch {
	case w.token != "":
		req.Header.Set("Authorization", "Bearer "+w.token)
	case w.cookie != "":
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: w.cookie})
		req.Header.Set("X-CSRF-Token", w.csrf)
	case w.csrf != "":
		req.AddCookie(&http.Cookie{Name: csrfCookie, Value: w.csrf})
	}
	for i := 0; i+1 < len(c.header); i += 2 {
		req.Header.Set(c.header[i], c.header[i+1])
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Do(req)
	m.must(err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// classify names an answer: the middleware refusing a caller (sign-in,
// forbidden), the record hidden from them, success, or anything else.
func classify(rt *route, row authzRow, c call, res *http.Response, body string) string {
	for _, l := range []i18n.Lang{i18n.ES, i18n.EN} {
		p := i18n.New(l, nil)
		switch {
		case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login?next="):
			return "sign-in"
		case res.StatusCode == http.StatusUnauthorized && strings.Contains(body, p.T("auth.sign_in")):
			return "sign-in"
		case res.StatusCode == http.StatusForbidden && strings.Contains(body, p.T("auth.forbidden")):
			return "forbidden"
		}
	}
	ok := c.ok
	if ok == nil {
		switch {
		case rt.api:
			ok = []int{rt.doc.status}
		case rt.method == "GET":
			ok = []int{http.StatusOK}
		default:
			ok = []int{http.StatusSeeOther}
		}
	}
	for _, s := range ok {
		if res.StatusCode == s {
			if row.scope == scopeRefused {
				return "refused"
			}
			return "ok"
		}
	}
	if res.StatusCode == row.hidden {
		return "hidden"
	}
	return fmt.Sprintf("unexpected %d", res.StatusCode)
}

// The matrix in docs/security.md is generated from the rows.
const (
	matrixStart = "<!-- authz-matrix:start (generated by go test ./web -run TestAuthorizationMatrix -update) -->"
	matrixEnd   = "<!-- authz-matrix:end -->"
)

func matrixMarkdown(rows []authzRow) string {
	var b strings.Builder
	b.WriteString("| Route | Anonymous | Seller's API key | Seller | Other seller | Manager | Owner |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	word := map[string]string{"ok": "✓", "sign-in": "sign in", "forbidden": "403", "refused": "refused"}
	for _, row := range rows {
		cells := []string{"`" + row.route + "`"}
		for _, role := range authzRoles {
			var parts []string
			for _, whose := range row.wholes() {
				e := row.expected(role, whose)
				s := word[e]
				if e == "hidden" {
					s = fmt.Sprint(row.hidden)
				}
				parts = append(parts, s)
			}
			if len(parts) == 2 && parts[0] == parts[1] {
				parts = parts[:1]
			}
			cells = append(cells, strings.Join(parts, " / "))
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}

func checkMatrixDoc(t *testing.T, rows []authzRow) {
	const doc = "../docs/security.md"
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, matrixStart), strings.Index(s, matrixEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated matrix between %q and %q", doc, matrixStart, matrixEnd)
	}
	want := matrixStart + "\n" + matrixMarkdown(rows) + matrixEnd
	if s[i:j+len(matrixEnd)] == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(doc, []byte(s[:i]+want+s[j+len(matrixEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the matrix in %s is not the one the rows document: run go test ./web -run TestAuthorizationMatrix -update", doc)
}
