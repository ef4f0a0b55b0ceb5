package capture_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/backend/memory"
	"github.com/emersion/go-imap/server"

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

// caldavServer is a small CalDAV server over net/http: PROPFIND says the
// collection is a calendar, REPORT answers a calendar-query with each
// event's calendar data, as RFC 4791 has it; with Basic authentication.
func caldavServer(t *testing.T, ics []byte) *httptest.Server {
	t.Helper()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "lucia" || p != "s3creta" {
			w.Header().Set("WWW-Authenticate", `Basic realm="cal"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/dav/calendars/lucia/trabajo/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		switch {
		case r.Method == "PROPFIND" && r.Header.Get("Depth") == "0" && bytes.Contains(body, []byte("resourcetype")):
			w.WriteHeader(http.StatusMultiStatus)
			io.WriteString(w, `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/dav/calendars/lucia/trabajo/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Trabajo</d:displayname></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`)
		case r.Method == "REPORT" && bytes.Contains(body, []byte("calendar-query")) && bytes.Contains(body, []byte(`name="VEVENT"`)):
			w.WriteHeader(http.StatusMultiStatus)
			var esc bytes.Buffer
			xml.EscapeText(&esc, ics)
			io.WriteString(w, `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/dav/calendars/lucia/trabajo/agenda.ics</d:href><d:propstat><d:prop><d:getetag>"1"</d:getetag><c:calendar-data>`+esc.String()+`</c:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`)
		default:
			http.Error(w, "unexpected request", http.StatusBadRequest)
		}
	}))
}

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
		{Name: "trabajo", Kind: capture.SubCalDAV, URL: dav.URL + "/dav/calendars/lucia/trabajo/", User: "lucia", Password: "s3creta"},
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
	sub := capture.Subscription{Name: "trabajo", Kind: capture.SubCalDAV, URL: dav.URL + "/dav/calendars/lucia/trabajo/", User: "lucia", Password: "x"}
	sub.Validate()
	capture.SaveSubscriptions(ctx, st, k, []capture.Subscription{sub})
	if res, _ := capture.Refresh(ctx, st, k, dav.Client(), opts(), nil, false); len(res) != 1 || res[0].Err == nil {
		t.Fatalf("a wrong password: %+v", res)
	}
}
