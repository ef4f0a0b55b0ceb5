package web

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/review"
)

// gatedStore holds every portfolio assessment (Facts) at a gate while the
// gate is shut, and records the day each one was asked for.
type gatedStore struct {
	cartera.Store
	mu   sync.Mutex
	gate chan struct{} // nil: open
	asOf []cartera.Date
	sums int // EachStoredSummary calls: dashboards added up
}

func (g *gatedStore) EachStoredSummary(ctx context.Context, owner string, fn func(cartera.Summary) error) error {
	g.mu.Lock()
	g.sums++
	g.mu.Unlock()
	return g.Store.EachStoredSummary(ctx, owner, fn)
}

// summed returns how many dashboards were added up since the last call.
func (g *gatedStore) summed() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := g.sums
	g.sums = 0
	return n
}

func (g *gatedStore) Facts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	g.mu.Lock()
	gate := g.gate
	g.asOf = append(g.asOf, q.AsOf)
	g.mu.Unlock()
	if gate != nil {
		<-gate
	}
	return g.Store.Facts(ctx, q, fn)
}

func (g *gatedStore) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gate = make(chan struct{})
}

func (g *gatedStore) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.gate)
	g.gate = nil
}

// days returns the days assessed since the last call.
func (g *gatedStore) days() []cartera.Date {
	g.mu.Lock()
	defer g.mu.Unlock()
	d := g.asOf
	g.asOf = nil
	return d
}

// fakeClock is the time a test sets.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// warmServer is a server on the fixture's store behind a gate, whose clock
// the test moves, and which assesses at most 5 stale clients inline: the
// demo's 49 are "the whole portfolio".
func warmServer(t *testing.T, f *fixture, clock *fakeClock) (*Server, *gatedStore, *httptest.Server) {
	t.Helper()
	gs := &gatedStore{Store: f.st}
	srv, err := New(Config{Addr: "127.0.0.1:0", BaseURL: "http://cartera.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: clock.now, RefreshInline: 5}, gs)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.bg.wg.Wait() })
	return srv, gs, ts
}

// get answers a request as the owner, failing the test if it does not
// answer within a minute (it would be waiting on the shut gate).
func get(t *testing.T, f *fixture, ts *httptest.Server, path string) (string, http.Header) {
	t.Helper()
	return getAs(t, f, ts, "owner", path)
}

// getAs is get as one of the fixture's users.
func getAs(t *testing.T, f *fixture, ts *httptest.Server, role, path string) (string, http.Header) {
	t.Helper()
	type answer struct {
		body string
		h    http.Header
		err  error
	}
	c := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			c <- answer{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = &cartera.Error{Code: cartera.EINTERNAL, Msg: cartera.M(res.Status + ": " + string(b))}
		}
		c <- answer{string(b), res.Header, err}
	}()
	select {
	case a := <-c:
		if a.err != nil {
			t.Fatalf("GET %s: %v", path, a.err)
		}
		return a.body, a.h
	case <-time.After(time.Minute):
		t.Fatalf("GET %s is waiting for the portfolio's assessment", path)
		return "", nil
	}
}

type clientsAnswer struct {
	Items    []cartera.ClientRow `json:"items"`
	Updating bool                `json:"updating"`
}

func clientsNow(t *testing.T, f *fixture, ts *httptest.Server) clientsAnswer {
	t.Helper()
	body, _ := get(t, f, ts, "/api/v1/clients?limit=200&sort=name")
	var a clientsAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

const noteES = "Estas cifras son de la última evaluación"

// A new day makes every summary stale. The first requests of the day
// answer at once, from the previous day's summaries, saying so; once the
// background assessment is done, the new figures appear without the note.
func TestTheFirstRequestOfADayAnswersFromYesterdayWhileTheRefreshRuns(t *testing.T) {
	f := newFixture(t)
	clock := &fakeClock{t: now}
	srv, gs, ts := warmServer(t, f, clock)

	clientsNow(t, f, ts) // a fresh database: starts the first assessment
	srv.bg.wg.Wait()
	yesterday := clientsNow(t, f, ts)
	if yesterday.Updating || len(yesterday.Items) != 49 {
		t.Fatalf("after the first assessment: updating %v, %d clients", yesterday.Updating, len(yesterday.Items))
	}
	gs.days()

	// A year later, with the assessment held at the gate.
	gs.shut()
	clock.set(now.AddDate(1, 0, 0))
	during := clientsNow(t, f, ts)
	if !during.Updating {
		t.Error("during the refresh the list does not say it is being updated")
	}
	if !equalRows(during.Items, yesterday.Items) {
		t.Error("during the refresh the list does not show the last figures")
	}
	page, _ := get(t, f, ts, "/dashboard")
	if !strings.Contains(page, noteES) {
		t.Error("during the refresh the dashboard has no note")
	}
	port, _ := get(t, f, ts, "/api/v1/assessments")
	if !strings.Contains(port, `"updating":true`) {
		t.Errorf("during the refresh the portfolio API does not say so: %.200s", port)
	}

	gs.open()
	srv.bg.wg.Wait()
	if days := gs.days(); !allDays(days, cartera.DateFromTime(clock.now().In(demoZone(t, f)))) {
		t.Errorf("the refresh assessed %v, want the new day", days)
	}
	after := clientsNow(t, f, ts)
	if after.Updating {
		t.Error("after the refresh the list still says it is being updated")
	}
	if equalRows(after.Items, yesterday.Items) {
		t.Error("after the refresh the list still shows last year's figures")
	}
	if page, _ := get(t, f, ts, "/dashboard"); strings.Contains(page, noteES) {
		t.Error("after the refresh the dashboard still has the note")
	}
}

// An edit makes one client stale: it is assessed while the visitor waits,
// so the list shows it at once and without a note.
func TestAnEditIsAssessedWhileTheVisitorWaits(t *testing.T) {
	f := newFixture(t)
	clock := &fakeClock{t: now}
	srv, _, ts := warmServer(t, f, clock)
	clientsNow(t, f, ts)
	srv.bg.wg.Wait()
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/clients", strings.NewReader(`{"id":"C-NEW","name":"Nueva SL"}`))
	req.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("creating a client: %v %v", err, res.Status)
	}
	res.Body.Close()
	a := clientsNow(t, f, ts)
	if a.Updating || len(a.Items) != 50 {
		t.Errorf("after an edit: updating %v, %d clients; want 50 without a note", a.Updating, len(a.Items))
	}
}

// Shortly before midnight in the policy's time zone the scheduler assesses
// the next day there; when that day begins, its summaries are saved
// without assessing anything again.
func TestTomorrowIsPreparedBeforeMidnightInThePolicysZone(t *testing.T) {
	f := newFixture(t)
	pol, err := f.st.Policy(bg)
	if err != nil {
		t.Fatal(err)
	}
	pol.TimeZone = "America/Los_Angeles" // 8 hours behind UTC in November
	if err := f.st.SavePolicy(bg, pol); err != nil {
		t.Fatal(err)
	}
	la, _ := time.LoadLocation(pol.TimeZone)
	at := func(h, m int) time.Time { return time.Date(2026, 11, 25, h, m, 0, 0, la) }
	clock := &fakeClock{t: at(23, 0)}
	srv, gs, _ := warmServer(t, f, clock)
	tick := func() {
		t.Helper()
		if err := srv.tick(bg); err != nil {
			t.Fatal(err)
		}
		srv.bg.wg.Wait()
	}

	tick() // an hour before midnight: today only
	if days := gs.days(); !allDays(days, cartera.DateOf(2026, 11, 25)) {
		t.Fatalf("at 23:00 the scheduler assessed %v, want only 2026-11-25", days)
	}
	clock.set(at(23, 50)) // 07:50 UTC on the 26th: tomorrow is the 26th in Los Angeles, not the 27th
	tick()
	if days := gs.days(); !allDays(days, cartera.DateOf(2026, 11, 26)) {
		t.Fatalf("at 23:50 the scheduler assessed %v, want 2026-11-26", days)
	}
	tick()
	if days := gs.days(); len(days) != 0 {
		t.Errorf("a second tick before midnight assessed %v again", days)
	}

	clock.set(at(24, 0).Add(30 * time.Second))
	tick()
	if days := gs.days(); len(days) != 0 {
		t.Errorf("at midnight the portfolio was assessed again (%v) instead of saving what was prepared", days)
	}
	if pol, err = f.st.Policy(bg); err != nil {
		t.Fatal(err)
	}
	key := review.SummaryKey(cartera.DateOf(2026, 11, 26), pol)
	if stale, _, err := f.st.StaleSummaries(bg, key); err != nil || len(stale) != 0 {
		t.Errorf("after midnight %d clients lack the new day's summary (%v)", len(stale), err)
	}
}

// A write between the preparation and midnight makes what was prepared
// unusable: the new day is assessed anew.
func TestAWriteBeforeMidnightDiscardsWhatWasPrepared(t *testing.T) {
	f := newFixture(t)
	clock := &fakeClock{t: time.Date(2026, 11, 25, 23, 50, 0, 0, demoZone(t, f))}
	srv, gs, _ := warmServer(t, f, clock)
	if err := srv.tick(bg); err != nil {
		t.Fatal(err)
	}
	srv.bg.wg.Wait()
	gs.days()
	cl, err := f.st.Client(bg, "C-001")
	if err != nil {
		t.Fatal(err)
	}
	cl.Name += " (renamed)"
	if _, err := f.st.SaveClient(bg, cl); err != nil {
		t.Fatal(err)
	}
	clock.set(clock.now().Add(15 * time.Minute))
	if err := srv.tick(bg); err != nil {
		t.Fatal(err)
	}
	srv.bg.wg.Wait()
	if days := gs.days(); !allDays(days, cartera.DateOf(2026, 11, 26)) {
		t.Errorf("after a write, midnight assessed %v, want 2026-11-26 anew", days)
	}
}

func demoZone(t *testing.T, f *fixture) *time.Location {
	t.Helper()
	pol, err := f.st.Policy(bg)
	if err != nil {
		t.Fatal(err)
	}
	return pol.Location()
}

func equalRows(a, b []cartera.ClientRow) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// allDays says whether something was assessed, and only for day.
func allDays(days []cartera.Date, day cartera.Date) bool {
	for _, d := range days {
		if d != day {
			return false
		}
	}
	return len(days) > 0
}

// assessmentsAnswer is /api/v1/assessments with the portfolio left as it
// was sent.
type assessmentsAnswer struct {
	AsOf      cartera.Date    `json:"as_of"`
	Updating  bool            `json:"updating"`
	Portfolio json.RawMessage `json:"portfolio"`
}

// figures is the portfolio without its date.
func figures(t *testing.T, a assessmentsAnswer) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.Portfolio, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "as_of")
	b, _ := json.Marshal(m)
	return string(b)
}

func assessmentsAs(t *testing.T, f *fixture, ts *httptest.Server, role string) assessmentsAnswer {
	t.Helper()
	body, _ := getAs(t, f, ts, role, "/api/v1/assessments")
	var a assessmentsAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// While a new day's summaries are assessed, the dashboard is the last one
// built for the same visitor, with the note: nobody waits for the stored
// summaries to be added up again. A seller sees their own; one who had
// none yet gets one added up from the summaries stored.
func TestTheDashboardOfANewDayIsTheLastOneBuiltWhileTheRefreshRuns(t *testing.T) {
	f := newFixture(t)
	clock := &fakeClock{t: now}
	srv, gs, ts := warmServer(t, f, clock)
	clientsNow(t, f, ts)
	srv.bg.wg.Wait()
	owner, seller := assessmentsAs(t, f, ts, "owner"), assessmentsAs(t, f, ts, "seller")
	if owner.Updating || string(owner.Portfolio) == string(seller.Portfolio) {
		t.Fatalf("before the new day: updating %v; the seller's portfolio is the owner's: %v", owner.Updating, string(owner.Portfolio) == string(seller.Portfolio))
	}
	gs.summed()

	gs.shut()
	clock.set(now.AddDate(0, 0, 1))
	for role, before := range map[string]assessmentsAnswer{"owner": owner, "seller": seller} {
		during := assessmentsAs(t, f, ts, role)
		if !during.Updating || during.AsOf != before.AsOf || string(during.Portfolio) != string(before.Portfolio) {
			t.Errorf("%s during the refresh: updating %v, as of %s (want %s), same portfolio %v", role,
				during.Updating, during.AsOf, before.AsOf, string(during.Portfolio) == string(before.Portfolio))
		}
	}
	if page, _ := get(t, f, ts, "/dashboard"); !strings.Contains(page, noteES) {
		t.Error("during the refresh the dashboard has no note")
	}
	if n := gs.summed(); n != 0 {
		t.Errorf("during the refresh the summaries were added up %d times for visitors who had a dashboard", n)
	}
	if other := assessmentsAs(t, f, ts, "other"); !other.Updating || gs.summed() != 1 {
		t.Errorf("a seller without a dashboard yet: updating %v", other.Updating)
	}

	gs.open()
	srv.bg.wg.Wait()
	after := assessmentsAs(t, f, ts, "owner")
	if after.Updating || after.AsOf != owner.AsOf.AddDays(1) {
		t.Errorf("after the refresh: updating %v, as of %s; want %s without the note", after.Updating, after.AsOf, owner.AsOf.AddDays(1))
	}
}

// A write makes the summaries stale; while they are assessed again, the
// dashboard shown is the last one built, and its chart is the one drawn
// for it then, not drawn again under the assessment.
func TestTheLastDashboardKeepsItsChartAcrossAWrite(t *testing.T) {
	f := newFixture(t)
	clock := &fakeClock{t: now}
	srv, gs, ts := warmServer(t, f, clock)
	clientsNow(t, f, ts)
	srv.bg.wg.Wait()
	before, _ := get(t, f, ts, "/dashboard")
	drawn := chartEntries(srv)
	if len(drawn) != 1 {
		t.Fatalf("%d charts drawn for one dashboard in one language", len(drawn))
	}

	gs.shut()
	pol, err := f.st.Policy(bg)
	if err != nil {
		t.Fatal(err)
	}
	pol.MinMargin += 100 // a new policy: every summary is stale
	if err := f.st.SavePolicy(bg, pol); err != nil {
		t.Fatal(err)
	}
	during, _ := get(t, f, ts, "/dashboard")
	if !strings.Contains(during, noteES) {
		t.Fatal("after the write the dashboard has no note")
	}
	after := chartEntries(srv)
	for k, e := range drawn {
		if after[k] != e {
			t.Error("the last dashboard's chart was drawn again after the write")
		}
	}
	if chartOf(before) != chartOf(during) {
		t.Error("the chart shown during the refresh is not the last one drawn")
	}
	gs.open()
	srv.bg.wg.Wait()
}

// chartEntries are the charts the server keeps, by key.
func chartEntries(srv *Server) map[chartKey]*genEntry[template.HTML] {
	srv.charts.mu.Lock()
	defer srv.charts.mu.Unlock()
	out := map[chartKey]*genEntry[template.HTML]{}
	for k, e := range srv.charts.entries {
		out[k] = e
	}
	return out
}

// chartOf is the quadrant's SVG in a page.
func chartOf(page string) string {
	i, j := strings.Index(page, "<svg"), strings.LastIndex(page, "</svg>")
	if i < 0 || j < i {
		return ""
	}
	return page[i:j]
}

// ListenAndServe adds the stored summaries up into the dashboard before it
// accepts the first visitor, so that on a new day (or right after an
// import) the first dashboard is ready while the portfolio is assessed.
func TestServeBuildsTheDashboardBeforeItsFirstVisitor(t *testing.T) {
	f := newFixture(t)
	clock := &fakeClock{t: now}
	srv, gs, ts := warmServer(t, f, clock)
	clientsNow(t, f, ts)
	srv.bg.wg.Wait()
	yesterday := assessmentsAs(t, f, ts, "owner")

	// A server started the next day, with the assessment held at the gate.
	gs.shut()
	gs.summed()
	clock.set(now.AddDate(0, 0, 1))
	next, err := New(Config{Addr: "127.0.0.1:0", BaseURL: "http://cartera.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: clock.now, RefreshInline: 5}, gs)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	addr := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- next.ListenAndServe(ctx, func(a string) { addr <- a }) }()
	base := "http://" + <-addr
	if n := gs.summed(); n != 1 {
		t.Errorf("before its first visitor the server added the summaries up %d times, want once", n)
	}
	first := assessmentsAs(t, f, &httptest.Server{URL: base}, "owner")
	// Its date is the request's (the stored summaries do not say theirs),
	// its figures yesterday's.
	if !first.Updating || first.AsOf != yesterday.AsOf.AddDays(1) || figures(t, first) != figures(t, yesterday) || gs.summed() != 0 {
		t.Errorf("the first visitor: updating %v, as of %s, yesterday's figures %v", first.Updating, first.AsOf, figures(t, first) == figures(t, yesterday))
	}
	gs.open()
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
