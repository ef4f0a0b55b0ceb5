package capture_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/emersion/go-imap/backend/memory"
	"github.com/emersion/go-imap/server"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
)

func key(t *testing.T) []byte {
	t.Helper()
	k, err := capture.LoadKey(filepath.Join(t.TempDir(), "capture.key"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// mboxMessages splits the fixture mailbox into its messages, without
// their "From " lines, as an IMAP server holds them.
func mboxMessages(t *testing.T) [][]byte {
	t.Helper()
	b, err := os.ReadFile(fixture("correo.mbox"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range bytes.Split(b, []byte("\nFrom "))[0:] {
		m = bytes.TrimPrefix(m, []byte("From "))
		if i := bytes.IndexByte(m, '\n'); i >= 0 {
			out = append(out, bytes.ReplaceAll(m[i+1:], []byte("\n"), []byte("\r\n")))
		}
	}
	return out
}

// A real IMAP server (go-imap's, in memory) holds the mailbox; the
// subscription reads it read-only, and the next refresh only what is new.
func TestIMAPSubscription(t *testing.T) {
	t.Parallel()
	st := world(t)
	be := memory.New()
	srv := server.New(be)
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	u, err := be.Login(nil, "username", "password")
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := u.GetMailbox("INBOX")
	inbox := mb.(*memory.Mailbox)
	msgs := mboxMessages(t)
	for _, m := range msgs[:len(msgs)-1] { // all but our answer to Marta, for now
		if err := inbox.CreateMessage(nil, now, bytes.NewBuffer(m)); err != nil {
			t.Fatal(err)
		}
	}
	k := key(t)
	sub := capture.Subscription{Name: "correo", Kind: capture.SubIMAP, URL: "imap://" + ln.Addr().String() + "/INBOX",
		User: "username", Password: "password"}
	if err := sub.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := capture.SaveSubscriptions(ctx, st, k, []capture.Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	// The password and the address are sealed in the database.
	raw, _ := st.Setting(ctx, "subscriptions")
	if strings.Contains(raw, "password") || strings.Contains(raw, sub.URL) {
		t.Fatalf("a secret is stored in the clear: %s", raw)
	}
	res, err := capture.Refresh(ctx, st, k, http.DefaultClient, opts(), nil, false)
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("refresh: %+v %v", res, err)
	}
	want := []string{"D-002 reply_received 2026-11-15", "D-003 no_reply 2026-11-12"}
	got := signals(t, st)
	if strings.Join(got, "\n") != strings.Join(want, "\n")+"\n"+"D-001 reply_received 2026-11-04" && !sameSet(got, append(want, "D-001 reply_received 2026-11-04")) {
		t.Fatalf("signals after the first refresh: %v", got)
	}
	if c, _ := st.Candidates(ctx, cartera.CandidateQuery{}); len(c) != 2 {
		t.Fatalf("candidates from IMAP: %+v", c)
	}
	// The messages stay unread on the server: EXAMINE and BODY.PEEK.
	for _, m := range inbox.Messages[1:] { // the first is the backend's own sample, read already
		for _, f := range m.Flags {
			if f == `\Seen` {
				t.Fatalf("a message was marked as read: %+v", m.Flags)
			}
		}
	}
	// New mail: only it is fetched, and our answer starts Marta's silence.
	inbox.CreateMessage(nil, now, bytes.NewBuffer(msgs[len(msgs)-1]))
	res, err = capture.Refresh(ctx, st, k, http.DefaultClient, opts(), []string{"correo"}, false)
	if err != nil || res[0].Err != nil {
		t.Fatalf("second refresh: %+v %v", res, err)
	}
	if rep := res[0].Report; rep.Sources[0].Items != 1 {
		t.Fatalf("the second refresh read %d messages, want only the new one", rep.Sources[0].Items)
	}
	if got := signals(t, st); !sameSet(got, append(want, "D-001 reply_received 2026-11-04", "D-002 no_reply 2026-11-16")) {
		t.Fatalf("signals after the second refresh: %v", got)
	}
	// A wrong password is a refresh error, kept with the subscription.
	subs, _ := capture.LoadSubscriptions(ctx, st, k)
	subs[0].Password = "nope"
	capture.SaveSubscriptions(ctx, st, k, subs)
	res, _ = capture.Refresh(ctx, st, k, http.DefaultClient, opts(), nil, false)
	if res[0].Err == nil {
		t.Fatal("a wrong password refreshed")
	}
	if subs, _ = capture.LoadSubscriptions(ctx, st, k); subs[0].LastError == "" || subs[0].LastUID == 0 {
		t.Fatalf("after a failed refresh: %+v", subs[0])
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

// caldavServer is a real CalDAV server, go-webdav's (the protocol: WebDAV
// and RFC 4791 requests, answers and filters), over a read-only calendar
// kept in memory: the calendar /dav/lucia/calendars/trabajo/ (the layout
// go-webdav serves: principal, calendar home, calendar) holds the
// events of ics, one object per UID as CalDAV servers store them; with
// Basic authentication in front.
func caldavServer(t *testing.T, ics []byte) *httptest.Server {
	t.Helper()
	cal, err := goical.NewDecoder(bytes.NewReader(ics)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	b := &calendarBackend{cal: caldav.Calendar{Path: "/dav/lucia/calendars/trabajo/", Name: "Trabajo",
		SupportedComponentSet: []string{goical.CompEvent}}}
	byUID := map[string]*goical.Calendar{}
	var uids []string
	for _, c := range cal.Children {
		if c.Name != goical.CompEvent {
			continue
		}
		uid, _ := c.Props.Text(goical.PropUID)
		obj, ok := byUID[uid]
		if !ok {
			obj = goical.NewCalendar()
			obj.Props = cal.Props
			for _, tz := range cal.Children {
				if tz.Name == goical.CompTimezone {
					obj.Children = append(obj.Children, tz)
				}
			}
			byUID[uid] = obj
			uids = append(uids, uid)
		}
		obj.Children = append(obj.Children, c)
	}
	for i, uid := range uids {
		b.objects = append(b.objects, caldav.CalendarObject{Path: fmt.Sprintf("%sevent-%d.ics", b.cal.Path, i), ETag: fmt.Sprint(i + 1),
			ModTime: now, Data: byUID[uid]})
	}
	dav := &caldav.Handler{Backend: b, Prefix: "/dav"}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "lucia" || p != "s3creta" {
			w.Header().Set("WWW-Authenticate", `Basic realm="cal"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		dav.ServeHTTP(w, r)
	}))
}

// calendarBackend is one read-only calendar for go-webdav's CalDAV server.
type calendarBackend struct {
	cal     caldav.Calendar
	objects []caldav.CalendarObject
}

var errReadOnly = webdav.NewHTTPError(http.StatusForbidden, errors.New("read-only calendar"))

func (b *calendarBackend) CurrentUserPrincipal(context.Context) (string, error) {
	return "/dav/lucia/", nil
}
func (b *calendarBackend) CalendarHomeSetPath(context.Context) (string, error) {
	return "/dav/lucia/calendars/", nil
}
func (b *calendarBackend) CreateCalendar(context.Context, *caldav.Calendar) error { return errReadOnly }
func (b *calendarBackend) ListCalendars(context.Context) ([]caldav.Calendar, error) {
	return []caldav.Calendar{b.cal}, nil
}
func (b *calendarBackend) GetCalendar(_ context.Context, path string) (*caldav.Calendar, error) {
	if path != b.cal.Path {
		return nil, webdav.NewHTTPError(http.StatusNotFound, errors.New("no such calendar"))
	}
	return &b.cal, nil
}
func (b *calendarBackend) GetCalendarObject(_ context.Context, path string, _ *caldav.CalendarCompRequest) (*caldav.CalendarObject, error) {
	for i := range b.objects {
		if b.objects[i].Path == path {
			return &b.objects[i], nil
		}
	}
	return nil, webdav.NewHTTPError(http.StatusNotFound, errors.New("no such event"))
}
func (b *calendarBackend) ListCalendarObjects(_ context.Context, path string, _ *caldav.CalendarCompRequest) ([]caldav.CalendarObject, error) {
	if path != b.cal.Path {
		return nil, webdav.NewHTTPError(http.StatusNotFound, errors.New("no such calendar"))
	}
	return b.objects, nil
}
func (b *calendarBackend) QueryCalendarObjects(ctx context.Context, path string, q *caldav.CalendarQuery) ([]caldav.CalendarObject, error) {
	all, err := b.ListCalendarObjects(ctx, path, &q.CompRequest)
	if err != nil {
		return nil, err
	}
	return caldav.Filter(q, all)
}
func (b *calendarBackend) PutCalendarObject(context.Context, string, *goical.Calendar, *caldav.PutCalendarObjectOptions) (*caldav.CalendarObject, error) {
	return nil, errReadOnly
}
func (b *calendarBackend) DeleteCalendarObject(context.Context, string) error { return errReadOnly }

func TestCalDAVAndICSSubscriptions(t *testing.T) {
	t.Parallel()
	ics, err := os.ReadFile(fixture("agenda.ics"))
	if err != nil {
		t.Fatal(err)
	}
	dav := caldavServer(t, ics)
	defer dav.Close()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		w.Write(ics)
	}))
	defer feed.Close()
	want := []string{"D-001 decision_maker_met 2026-11-03", "D-001 meeting_held 2026-11-03", "D-002 decision_maker_met 2026-11-05",
		"D-002 meeting_held 2026-11-05", "D-002 postponed 2026-11-18", "D-003 postponed 2026-11-16"}
	for _, sub := range []capture.Subscription{
		{Name: "trabajo", Kind: capture.SubCalDAV, URL: dav.URL + "/dav/lucia/calendars/trabajo/", User: "lucia", Password: "s3creta"},
		{Name: "publico", Kind: capture.SubICS, URL: feed.URL + "/private-7f3a/basic.ics"},
	} {
		st := world(t)
		k := key(t)
		if err := sub.Validate(); err != nil {
			t.Fatal(err)
		}
		capture.SaveSubscriptions(ctx, st, k, []capture.Subscription{sub})
		res, err := capture.Refresh(ctx, st, k, dav.Client(), opts(), nil, true)
		if err != nil || len(res) != 1 || res[0].Err != nil {
			t.Fatalf("%s: %+v %v", sub.Name, res, err)
		}
		if got := signals(t, st); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: signals %v", sub.Name, got)
		}
		// Not due again within the hour.
		if res, _ = capture.Refresh(ctx, st, k, dav.Client(), opts(), nil, true); len(res) != 0 {
			t.Fatalf("%s: refreshed again at once", sub.Name)
		}
		later := opts()
		later.Now = now.Add(2 * time.Hour)
		if res, _ = capture.Refresh(ctx, st, k, dav.Client(), later, nil, true); len(res) != 1 || res[0].Report.Unchanged[cartera.EntitySignals] != 6 {
			t.Fatalf("%s: the next refresh %+v", sub.Name, res)
		}
	}
	// A wrong password is refused by the server and reported.
	st := world(t)
	k := key(t)
	sub := capture.Subscription{Name: "trabajo", Kind: capture.SubCalDAV, URL: dav.URL + "/dav/lucia/calendars/trabajo/", User: "lucia", Password: "x"}
	sub.Validate()
	capture.SaveSubscriptions(ctx, st, k, []capture.Subscription{sub})
	if res, _ := capture.Refresh(ctx, st, k, dav.Client(), opts(), nil, false); len(res) != 1 || res[0].Err == nil {
		t.Fatalf("a wrong password: %+v", res)
	}
}
