package capture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/cartera/cartera"
)

// Subscriptions: a calendar published at an address (an .ics URL), a
// CalDAV calendar, or an IMAP mailbox, read-only, fetched again on a
// schedule by `cartera serve` (or `cartera subscribe refresh`) and
// captured like the files they stand for. Passwords and private addresses
// are kept sealed (AES-256-GCM) under a key that lives outside the
// database.

// Subscription kinds.
const (
	SubICS    = "ics"
	SubCalDAV = "caldav"
	SubIMAP   = "imap"
)

// Subscription is one feed.
type Subscription struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// URL is where it is read from: https://…/basic.ics (webcal:// too),
	// https://…/calendars/lucia/trabajo/, imaps://mail.example.com/INBOX.
	// It is sealed with the password: a calendar's private address is a
	// credential.
	URL  string `json:"-"`
	User string `json:"user,omitempty"`
	// Password is only in memory; Sealed holds the URL and password
	// encrypted.
	Password string `json:"-"`
	Sealed   string `json:"sealed"`
	// Host is the URL's host, shown in lists (the URL itself is sealed).
	Host string `json:"host"`
	// Every is how often serve refreshes it.
	Every Duration `json:"every"`
	// LastRun and LastError say how the last refresh went.
	LastRun   time.Time `json:"last_run,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	// UIDValidity and LastUID let an IMAP refresh fetch only new mail.
	UIDValidity uint32 `json:"uid_validity,omitempty"`
	LastUID     uint32 `json:"last_uid,omitempty"`
}

// Duration is a time.Duration written as "1h30m" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as Go writes it.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "1h30m".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Validate checks a subscription before it is saved.
func (s *Subscription) Validate() error {
	switch {
	case s.Name == "" || len(s.Name) > 60 || strings.ContainsAny(s.Name, " /\\\t\n"):
		return cartera.FieldError("name", "subscribe.bad_name", "value", s.Name)
	case s.Kind != SubICS && s.Kind != SubCalDAV && s.Kind != SubIMAP:
		return cartera.FieldError("kind", "subscribe.bad_kind", "value", s.Kind)
	case s.Every != 0 && time.Duration(s.Every) < 5*time.Minute:
		return cartera.FieldError("every", "subscribe.too_often", "value", time.Duration(s.Every).String())
	}
	u, err := url.Parse(s.URL)
	ok := err == nil && u.Host != ""
	switch s.Kind {
	case SubICS:
		ok = ok && (u.Scheme == "https" || u.Scheme == "http" || u.Scheme == "webcal" || u.Scheme == "webcals")
	case SubCalDAV:
		ok = ok && (u.Scheme == "https" || u.Scheme == "http")
	case SubIMAP:
		ok = ok && (u.Scheme == "imaps" || u.Scheme == "imap")
	}
	if !ok {
		return cartera.FieldError("url", "subscribe.bad_url", "kind", s.Kind)
	}
	s.Host = u.Host
	if s.Every == 0 {
		s.Every = Duration(time.Hour)
	}
	return nil
}

// secret is what is sealed.
type secret struct {
	URL      string `json:"url"`
	Password string `json:"password,omitempty"`
}

// LoadKey reads the sealing key from a file, making one (32 random bytes,
// readable by its owner only) when there is none.
func LoadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, err
		}
		return key, nil
	}
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, cartera.NewError(cartera.EINVALID, "subscribe.bad_key", "path", path)
	}
	return key, nil
}

func seal(key []byte, plain []byte) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, plain, []byte("cartera subscription"))), nil
}

func unseal(key []byte, sealed string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(b) < gcm.NonceSize() {
		return nil, errors.New("sealed secret too short")
	}
	return gcm.Open(nil, b[:gcm.NonceSize()], b[gcm.NonceSize():], []byte("cartera subscription"))
}

// LoadSubscriptions reads the subscriptions and opens their secrets.
func LoadSubscriptions(ctx context.Context, st cartera.SettingsStore, key []byte) ([]Subscription, error) {
	v, err := st.Setting(ctx, "subscriptions")
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var subs []Subscription
	if err := json.Unmarshal([]byte(v), &subs); err != nil {
		return nil, fmt.Errorf("subscriptions setting: %w", err)
	}
	for i := range subs {
		plain, err := unseal(key, subs[i].Sealed)
		if err != nil {
			return nil, cartera.NewError(cartera.EINVALID, "subscribe.cannot_unseal", "name", subs[i].Name)
		}
		var s secret
		if err := json.Unmarshal(plain, &s); err != nil {
			return nil, err
		}
		subs[i].URL, subs[i].Password = s.URL, s.Password
	}
	return subs, nil
}

// SaveSubscriptions seals the secrets and stores the subscriptions.
func SaveSubscriptions(ctx context.Context, st cartera.SettingsStore, key []byte, subs []Subscription) error {
	for i := range subs {
		b, _ := json.Marshal(secret{URL: subs[i].URL, Password: subs[i].Password})
		sealed, err := seal(key, b)
		if err != nil {
			return err
		}
		subs[i].Sealed = sealed
	}
	b, err := json.Marshal(subs)
	if err != nil {
		return err
	}
	return st.PutSetting(ctx, "subscriptions", string(b))
}

// Due reports whether a subscription should be refreshed at now.
func (s *Subscription) Due(now time.Time) bool {
	return s.LastRun.IsZero() || now.Sub(s.LastRun) >= time.Duration(s.Every)
}

// fetchTimeout bounds one fetch.
const fetchTimeout = 2 * time.Minute

// Fetch reads a subscription into a source to capture. A mailbox is
// written to a temporary file (removed by cleanup) so that memory stays
// flat; a calendar is small and kept in memory.
func (s *Subscription) Fetch(ctx context.Context, hc *http.Client) (src Source, cleanup func(), err error) {
	cleanup = func() {}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	switch s.Kind {
	case SubICS:
		u := s.URL
		if strings.HasPrefix(u, "webcal://") {
			u = "https://" + strings.TrimPrefix(u, "webcal://")
		} else if strings.HasPrefix(u, "webcals://") {
			u = "https://" + strings.TrimPrefix(u, "webcals://")
		}
		b, err := s.httpDo(ctx, hc, "GET", u, "", nil, 0)
		if err != nil {
			return src, cleanup, err
		}
		src = BytesSource(s.Name, b)
		src.Kind, src.Via, src.Origin = KindCalendar, "ics-url", s.Name
	case SubCalDAV:
		b, err := s.caldav(ctx, hc)
		if err != nil {
			return src, cleanup, err
		}
		src = BytesSource(s.Name, b)
		src.Kind, src.Via, src.Origin = KindCalendar, "caldav", s.Name
	case SubIMAP:
		f, err := os.CreateTemp("", "cartera-imap-*.mbox")
		if err != nil {
			return src, cleanup, err
		}
		cleanup = func() { f.Close(); os.Remove(f.Name()) }
		if err := s.imapFetch(ctx, f); err != nil {
			cleanup()
			return src, func() {}, err
		}
		name := f.Name()
		fi, _ := f.Stat()
		src = Source{Name: s.Name, Kind: KindMail, Via: "imap", Origin: s.Name, Size: fi.Size(),
			Open: func() (io.ReadCloser, error) { return os.Open(name) }}
	}
	return src, cleanup, nil
}

// httpDo makes one request with the subscription's credentials and
// returns the body (at most 64 MiB).
func (s *Subscription) httpDo(ctx context.Context, hc *http.Client, method, u, depth string, body []byte, want int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if s.User != "" || s.Password != "" {
		req.SetBasicAuth(s.User, s.Password)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	}
	if depth != "" {
		req.Header.Set("Depth", depth)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if want == 0 {
		want = http.StatusOK
	}
	if resp.StatusCode != want {
		return nil, cartera.NewError(cartera.EINVALID, "subscribe.http_status", "status", resp.Status, "method", method)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20+1))
	if err != nil {
		return nil, err
	}
	if len(b) > 64<<20 {
		return nil, cartera.NewError(cartera.EINVALID, "subscribe.too_large")
	}
	return b, nil
}

// The CalDAV requests (RFC 4791): a PROPFIND that checks the address is a
// calendar collection, and a calendar-query REPORT for every event.
const (
	propfindBody = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:resourcetype/><d:displayname/></d:prop></d:propfind>`
	reportBody = `<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter>
</c:calendar-query>`
)

// multistatus is a WebDAV 207 answer, as much of it as cartera reads.
type multistatus struct {
	Responses []struct {
		Href     string `xml:"href"`
		Propstat []struct {
			Prop struct {
				ResourceType struct {
					Calendar *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
				} `xml:"resourcetype"`
				CalendarData string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
			} `xml:"prop"`
			Status string `xml:"status"`
		} `xml:"propstat"`
	} `xml:"response"`
}

// caldav reads every event of a CalDAV calendar as one document of
// VCALENDARs.
func (s *Subscription) caldav(ctx context.Context, hc *http.Client) ([]byte, error) {
	b, err := s.httpDo(ctx, hc, "PROPFIND", s.URL, "0", []byte(propfindBody), http.StatusMultiStatus)
	if err != nil {
		return nil, err
	}
	var ms multistatus
	if err := xml.Unmarshal(b, &ms); err != nil {
		return nil, cartera.NewError(cartera.EINVALID, "subscribe.bad_answer", "reason", err.Error())
	}
	calendar := false
	for _, r := range ms.Responses {
		for _, p := range r.Propstat {
			calendar = calendar || p.Prop.ResourceType.Calendar != nil
		}
	}
	if !calendar {
		return nil, cartera.NewError(cartera.EINVALID, "subscribe.not_calendar")
	}
	b, err = s.httpDo(ctx, hc, "REPORT", s.URL, "1", []byte(reportBody), http.StatusMultiStatus)
	if err != nil {
		return nil, err
	}
	ms = multistatus{}
	if err := xml.Unmarshal(b, &ms); err != nil {
		return nil, cartera.NewError(cartera.EINVALID, "subscribe.bad_answer", "reason", err.Error())
	}
	var out bytes.Buffer
	for _, r := range ms.Responses {
		for _, p := range r.Propstat {
			if d := strings.TrimSpace(p.Prop.CalendarData); d != "" {
				out.WriteString(d)
				out.WriteString("\r\n")
			}
		}
	}
	if out.Len() == 0 {
		out.WriteString("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	}
	return out.Bytes(), nil
}

// imapFetch reads a mailbox read-only (EXAMINE) and writes, for every
// message since the last one fetched, its header and the first 4 KB of
// its text as an mbox.
func (s *Subscription) imapFetch(ctx context.Context, w io.Writer) error {
	u, err := url.Parse(s.URL)
	if err != nil {
		return err
	}
	host := u.Host
	var c *client.Client
	if u.Scheme == "imaps" {
		if u.Port() == "" {
			host += ":993"
		}
		c, err = client.DialTLS(host, nil)
	} else {
		if u.Port() == "" {
			host += ":143"
		}
		c, err = client.Dial(host)
	}
	if err != nil {
		return cartera.NewError(cartera.EINVALID, "subscribe.cannot_connect", "host", host, "reason", err.Error())
	}
	defer c.Logout()
	stop := context.AfterFunc(ctx, func() { c.Terminate() })
	defer stop()
	if err := c.Login(s.User, s.Password); err != nil {
		return cartera.NewError(cartera.EINVALID, "subscribe.login_failed", "host", host)
	}
	box := strings.TrimPrefix(u.Path, "/")
	if box == "" {
		box = "INBOX"
	}
	status, err := c.Select(box, true)
	if err != nil {
		return cartera.NewError(cartera.EINVALID, "subscribe.no_mailbox", "mailbox", box)
	}
	if status.UidValidity != s.UIDValidity {
		s.UIDValidity, s.LastUID = status.UidValidity, 0 // the server renumbered: read everything again
	}
	if status.Messages == 0 {
		return nil
	}
	header := &imap.BodySectionName{BodyPartName: imap.BodyPartName{Specifier: imap.HeaderSpecifier}, Peek: true}
	text := &imap.BodySectionName{BodyPartName: imap.BodyPartName{Specifier: imap.TextSpecifier}, Peek: true, Partial: []int{0, 4096}}
	set := new(imap.SeqSet)
	set.AddRange(s.LastUID+1, 0) // UID n:* — every message after the last
	ch := make(chan *imap.Message, 64)
	done := make(chan error, 1)
	go func() {
		done <- c.UidFetch(set, []imap.FetchItem{imap.FetchUid, imap.FetchInternalDate, header.FetchItem(), text.FetchItem()}, ch)
	}()
	bw := bufio.NewWriter(w)
	last := s.LastUID
	for m := range ch {
		if m.Uid <= s.LastUID {
			continue // UID n:* always answers the last message
		}
		h, t := literal(m.GetBody(header)), literal(m.GetBody(text))
		fmt.Fprintf(bw, "From imap %s\n", m.InternalDate.UTC().Format("Mon Jan _2 15:04:05 2006"))
		bw.Write(bytes.ReplaceAll(h, []byte("\r\n"), []byte("\n")))
		if !bytes.HasSuffix(h, []byte("\n\n")) && !bytes.HasSuffix(h, []byte("\r\n\r\n")) {
			bw.WriteString("\n")
		}
		for _, line := range bytes.Split(bytes.ReplaceAll(t, []byte("\r\n"), []byte("\n")), []byte("\n")) {
			if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
				bw.WriteByte('>')
			}
			bw.Write(line)
			bw.WriteByte('\n')
		}
		if m.Uid > last {
			last = m.Uid
		}
	}
	if err := <-done; err != nil {
		return cartera.NewError(cartera.EINVALID, "subscribe.fetch_failed", "reason", err.Error())
	}
	s.LastUID = last
	return bw.Flush()
}

func literal(l imap.Literal) []byte {
	if l == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(l, maxHeader))
	return b
}

// RefreshResult is what refreshing one subscription did.
type RefreshResult struct {
	Name   string  `json:"name"`
	Report *Report `json:"report,omitempty"`
	Err    error   `json:"-"`
	Error  string  `json:"error,omitempty"`
}

// Refresh fetches and captures the named subscriptions (every one when
// names is empty; only the due ones when due is set), each in its own
// run, and stores how each went. A failing feed does not stop the others.
func Refresh(ctx context.Context, st cartera.Store, key []byte, hc *http.Client, o Options, names []string, due bool) ([]RefreshResult, error) {
	subs, err := LoadSubscriptions(ctx, st, key)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []RefreshResult
	changed := false
	for i := range subs {
		s := &subs[i]
		if (len(want) > 0 && !want[s.Name]) || (due && !s.Due(o.Now)) {
			continue
		}
		delete(want, s.Name)
		res := RefreshResult{Name: s.Name}
		before := *s
		src, cleanup, err := s.Fetch(ctx, hc)
		if err == nil {
			res.Report, err = Import(ctx, st, []Source{src}, o)
			cleanup()
		}
		if err != nil {
			*s = before // an IMAP feed reads the same mail again next time
			res.Err, res.Error = err, err.Error()
		}
		if !o.DryRun {
			s.LastRun, s.LastError = o.Now, res.Error
			changed = true
		}
		out = append(out, res)
	}
	for n := range want {
		return out, cartera.NewError(cartera.ENOTFOUND, "subscribe.not_found", "name", n)
	}
	if changed {
		if err := SaveSubscriptions(ctx, st, key, subs); err != nil {
			return out, err
		}
	}
	return out, nil
}
