package capture

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/encoding/charmap"

	"github.com/cartera/cartera"
)

// Mail: each message between us and a client is kept (its instant,
// direction, client and contact, hashes of its ids: docs/privacy.md), and
// from all the messages stored for a client cartera derives, on each of
// the client's open deals:
//
//   - reply_received, once per day the client wrote: the last sign of
//     life, which ends silence and unanswered outreach in the forecast;
//   - no_reply, when our message has gone UnansweredDays (5) without any
//     message from the client: dated on our first unanswered message, so
//     the forecast counts the days since.
//
// A message the client wrote at protected hours (the policy's off-limits
// slots, in its time zone), or with a phrase that reads as a demand
// outside the agreed scope, becomes a candidate incident in the review
// queue (cartera candidates): nothing about the person is recorded unless
// the user confirms it.
//
// Which side a message is on: our own addresses are the users' sign-in
// addresses and the match table's self rules. A message from us to a
// client is outbound; from a client, inbound; anything else (newsletters,
// suppliers, colleagues) is skipped. Unmatched addresses are listed only
// when they are correspondents — people we wrote to, or who answered us —
// not every sender of a mailbox.

// DefaultScopePhrases are, folded, the words that make a client's message
// a candidate demand outside scope: asking for more "while you're at it",
// for free, as "just a small change".
var DefaultScopePhrases = []string{
	"ya que estas", "de paso", "aprovechando que", "sin coste", "sin cargo", "sin coste adicional", "gratis",
	"solo un cambio", "un cambio rapido", "un cambio pequeno", "una cosita mas", "tambien necesitariamos",
	"podrias anadir", "podeis anadir", "no estaba en el presupuesto", "fuera del presupuesto",
	"while you're at it", "while you are at it", "one more thing", "quick change", "small change", "just one more",
	"for free", "at no extra cost", "can you also", "could you also", "not in the quote",
}

// ClientMail is what a run found of one client's mail.
type ClientMail struct {
	ClientID string `json:"client_id"`
	// LastInbound is the last sign of life: the client's latest message.
	LastInbound  time.Time `json:"last_inbound,omitempty"`
	LastOutbound time.Time `json:"last_outbound,omitempty"`
	// UnansweredSince is our first message still unanswered after
	// UnansweredDays (zero when none).
	UnansweredSince time.Time `json:"unanswered_since,omitempty"`
	UnansweredDays  int       `json:"unanswered_days,omitempty"`
	// Latency is the median time the client took to answer us, in hours,
	// over the last 90 days and the 90 before (−1 when there was no
	// answer in the period), and how many answers each counts.
	LatencyRecent int  `json:"latency_recent_hours"`
	LatencyBefore int  `json:"latency_before_hours"`
	AnswersRecent int  `json:"answers_recent"`
	AnswersBefore int  `json:"answers_before"`
	LatencyRising bool `json:"latency_rising"`
	Messages      int  `json:"messages"`
}

// mailBatch is what a run read from mailboxes.
type mailBatch struct {
	msgs       []cartera.MailMessage
	byID       map[string]int
	candidates []cartera.Candidate
	candSeen   map[string]bool
	// prov says where each message was read, by message id.
	prov       map[string]cartera.Provenance
	unreadable int
	clients    map[string]bool
	report     []ClientMail
}

func (r *run) mailBatch() *mailBatch {
	if r.rec.mail == nil {
		r.rec.mail = &mailBatch{byID: map[string]int{}, candSeen: map[string]bool{}, prov: map[string]cartera.Provenance{},
			clients: map[string]bool{}}
	}
	return r.rec.mail
}

// readMail reads an mbox file or a Maildir folder.
func (r *run) readMail(s Source) error {
	format := "mbox"
	via := s.Via
	origin := s.Origin
	if origin == "" {
		origin = s.Name
	}
	sr := SourceReport{Name: s.Name, Kind: KindMail}
	mm := &mailMatcher{r: r, via: via, origin: origin}
	if s.Dir != "" {
		format = "maildir"
		if mm.via == "" {
			mm.via = "maildir"
		}
		files, err := maildirFiles(s.Dir)
		if err != nil {
			r.problem(s.Name, 1, "import.cannot_read", "reason", err.Error())
			return nil
		}
		buf := make([]byte, maxHeader+maxBody)
		var msg rawMessage
		for i, f := range files {
			fh, err := os.Open(filepath.Join(s.Dir, f))
			if err != nil {
				r.problem(s.Name+"/"+f, 1, "import.cannot_open", "reason", err.Error())
				continue
			}
			buf, err = readMessage(fh, &msg, mm.want, buf)
			fh.Close()
			if err != nil {
				r.problem(s.Name+"/"+f, 1, "import.cannot_read", "reason", err.Error())
				continue
			}
			msg.file = f
			sr.Items++
			if mm.message(&msg) {
				sr.Matched++
			}
			if r.o.Progress != nil && i%1000 == 0 {
				r.o.Progress(Progress{Source: s.Name, Done: int64(i), Total: int64(len(files)), Items: int64(sr.Items)})
			}
		}
	} else {
		if mm.via == "" {
			mm.via = "mbox"
		}
		rc, err := s.Open()
		if err != nil {
			r.problem(s.Name, 1, "import.cannot_open", "reason", err.Error())
			return nil
		}
		defer rc.Close()
		mr := newMboxReader(rc)
		var msg rawMessage
		for {
			err := mr.next(&msg, mm.want)
			if err == io.EOF {
				break
			}
			if err == errNotMbox {
				r.problem(s.Name, 1, "capture.not_mbox")
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", s.Name, err)
			}
			sr.Items++
			if mm.message(&msg) {
				sr.Matched++
			}
			if r.o.Progress != nil && sr.Items%4096 == 0 {
				r.o.Progress(Progress{Source: s.Name, Done: mr.bytesRead(), Total: s.Size, Items: int64(sr.Items)})
			}
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
	}
	sr.Format = format
	r.rep.Sources = append(r.rep.Sources, sr)
	return nil
}

// mailMatcher matches the messages of one source.
type mailMatcher struct {
	r           *run
	via, origin string
	// from is the sender of the message being read, as want resolved it.
	fromAddr, fromName string
	fromWho            cartera.Who
	fromOK             bool
}

// want resolves the sender and says whether the body is needed: only
// for a message a client wrote.
func (m *mailMatcher) want(h *mailHeader) bool {
	m.fromAddr, m.fromName = firstAddress(h.from)
	m.fromWho, m.fromOK = m.r.id.Address(m.fromAddr)
	return m.fromOK && m.fromWho.Role == cartera.RoleClient
}

// message turns a read message into what is kept; it says whether a
// client was on it.
func (m *mailMatcher) message(msg *rawMessage) bool {
	r := m.r
	h := &msg.h
	if !m.fromOK && m.fromAddr == "" {
		return false
	}
	at, err := mail.ParseDate(h.date)
	if err != nil {
		if m.fromOK && m.fromWho.Role == cartera.RoleClient {
			r.mailBatch().unreadable++
		}
		return false
	}
	at = at.UTC()
	day := cartera.DateFromTime(at.In(r.o.Location))
	msgID := strings.Trim(strings.TrimSpace(h.messageID), "<>")
	if msgID == "" {
		msgID = "no-id:" + m.fromAddr + "|" + h.date + "|" + h.subject
	}
	key := idOf("", msgID)
	replyTo := ""
	if f := strings.Fields(h.inReplyTo); len(f) > 0 {
		replyTo = idOf("", strings.Trim(f[0], "<>"))
	}
	orig := msgID
	if msg.file != "" {
		orig = msg.file
	}
	prov := cartera.Provenance{Source: m.via, Origin: m.origin, OriginalID: orig}
	switch {
	case m.fromOK && m.fromWho.Role == cartera.RoleSelf:
		// Ours: one message per client among the recipients.
		matched := false
		seen := map[string]bool{}
		for _, a := range addresses(h.to + ", " + h.cc) {
			w, ok := r.id.Address(a.addr)
			if !ok {
				r.rec.miss(cartera.MatchEmail, a.addr, KindMail, a.name, day)
				continue
			}
			if w.Role != cartera.RoleClient || seen[w.ClientID] {
				continue
			}
			seen[w.ClientID] = true
			matched = true
			r.keepMessage(cartera.MailMessage{ID: idOf("mail-", key, w.ClientID), ClientID: w.ClientID, ContactID: w.ContactID,
				At: at, Outbound: true, Key: key, ReplyTo: replyTo}, prov)
		}
		return matched
	case m.fromOK && m.fromWho.Role == cartera.RoleClient:
		w := m.fromWho
		r.keepMessage(cartera.MailMessage{ID: idOf("mail-", key, w.ClientID), ClientID: w.ClientID, ContactID: w.ContactID,
			At: at, Key: key, ReplyTo: replyTo}, prov)
		r.candidates(w, at, key, h, msg.body, prov)
		return true
	case !m.fromOK && replyTo != "":
		// Someone nothing explains answering a message: a correspondent.
		for _, a := range addresses(h.to) {
			if w, ok := r.id.Address(a.addr); ok && w.Role == cartera.RoleSelf {
				r.rec.miss(cartera.MatchEmail, m.fromAddr, KindMail, m.fromName, day)
				break
			}
		}
	}
	return false
}

// keepMessage adds a message (the last one read when it comes twice).
func (r *run) keepMessage(m cartera.MailMessage, p cartera.Provenance) {
	b := r.mailBatch()
	b.clients[m.ClientID] = true
	b.prov[m.ID] = p
	if i, ok := b.byID[m.ID]; ok {
		b.msgs[i] = m
		return
	}
	b.byID[m.ID] = len(b.msgs)
	b.msgs = append(b.msgs, m)
}

// candidates looks at a client's message for candidate incidents.
func (r *run) candidates(w cartera.Who, at time.Time, key string, h *mailHeader, body []byte, p cartera.Provenance) {
	b := r.mailBatch()
	add := func(kind cartera.IncidentKind, reason cartera.Message, excerpt string) {
		c := cartera.Candidate{ID: idOf("cand-", key, string(kind)), ClientID: w.ClientID, ContactID: w.ContactID, At: at, Kind: kind,
			Reason: reason, Subject: truncate(decodeWords(h.subject), 200), Excerpt: excerpt, Status: cartera.CandidatePending,
			Source: p.Source, Origin: p.Origin}
		if b.candSeen[c.ID] {
			return
		}
		b.candSeen[c.ID] = true
		b.candidates = append(b.candidates, c)
	}
	local := at.In(r.pol.Location())
	if r.pol.InSlot(local) {
		add(cartera.KindOutOfHours, cartera.M("candidate.protected_hours", "at", at), "")
	}
	text := decodeWords(h.subject) + "\n" + bodyText(h, body)
	if r.phrases == nil {
		r.phrases = newPhraseIndex(r.cfg.ScopePhrases)
	}
	if phrase, excerpt, ok := findPhrase(text, r.phrases); ok {
		add(cartera.KindScopeCreep, cartera.M("candidate.scope", "phrase", phrase, "at", at), excerpt)
	}
}

// findPhrase finds the first scope phrase in a text, comparing folded
// words, and returns it with up to 80 characters around it. The text is
// folded once and walked word by word; only a match pays for the excerpt.
func findPhrase(text string, first phraseIndex) (string, string, bool) {
	words := foldedWords(cartera.Fold(text))
	for i, w := range words {
		for _, p := range first[w] {
			if i+len(p) > len(words) {
				continue
			}
			ok := true
			for k := 1; k < len(p); k++ {
				if words[i+k] != p[k] {
					ok = false
					break
				}
			}
			if ok {
				phrase := strings.Join(p, " ")
				return phrase, excerpt(text, i, len(p)), true
			}
		}
	}
	return "", "", false
}

// phraseIndex holds phrases as folded words, by their first word.
type phraseIndex map[string][][]string

func newPhraseIndex(phrases []string) phraseIndex {
	first := phraseIndex{}
	for _, p := range phrases {
		w := foldedWords(cartera.Fold(p))
		if len(w) > 0 {
			first[w[0]] = append(first[w[0]], w)
		}
	}
	return first
}

// foldedWords splits a folded text into words: letters, digits and the
// apostrophe ("you're").
func foldedWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'' || r >= 0x80 && unicode.IsLetter(r))
	})
}

// excerpt returns the words around words [i, i+n) of text, as written.
func excerpt(text string, i, n int) string {
	var spans [][2]int // each word's byte span in text
	start := -1
	for j, r := range text {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''
		switch {
		case isWord && start < 0:
			start = j
		case !isWord && start >= 0:
			spans = append(spans, [2]int{start, j})
			start = -1
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, len(text)})
	}
	if i+n > len(spans) {
		return ""
	}
	lo, hi := spans[max(0, i-8)][0], spans[min(len(spans)-1, i+n-1+8)][1]
	ex := strings.Join(strings.Fields(text[lo:hi]), " ")
	if i-8 > 0 {
		ex = "…" + ex
	}
	if i+n-1+8 < len(spans)-1 {
		ex += "…"
	}
	return truncate(ex, 300)
}

// decodeWords decodes a header's encoded words (=?utf-8?q?…?=).
func decodeWords(s string) string {
	d := mime.WordDecoder{CharsetReader: charsetReader}
	if out, err := d.DecodeHeader(s); err == nil {
		return out
	}
	return s
}

func charsetReader(charset string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	case "iso-8859-15", "latin9":
		return charmap.ISO8859_15.NewDecoder().Reader(in), nil
	case "iso-8859-1", "latin1":
		return charmap.ISO8859_1.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("charset %s", charset)
}

// bodyText returns up to 4 KB of a message's own words: the first
// text/plain part, decoded, without the quoted message it answers.
func bodyText(h *mailHeader, body []byte) string {
	ct, params, _ := mime.ParseMediaType(h.contentType)
	cte := h.cte
	if strings.HasPrefix(ct, "multipart/") && params["boundary"] != "" {
		part, pct, pparams, pcte := firstTextPart(body, params["boundary"])
		if part == nil {
			return ""
		}
		body, ct, params, cte = part, pct, pparams, pcte
	}
	if ct != "" && ct != "text/plain" {
		return ""
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		b, _ := io.ReadAll(io.LimitReader(quotedprintable.NewReader(bytes.NewReader(body)), 16<<10))
		body = b
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' {
				return -1
			}
			return r
		}, body)
		b := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, _ := base64.StdEncoding.Decode(b, clean[:len(clean)/4*4])
		body = b[:n]
	}
	text := string(body)
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		if rd, err := charsetReader(cs, strings.NewReader(text)); err == nil {
			b, _ := io.ReadAll(rd)
			text = string(b)
		}
	}
	var out strings.Builder
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, ">") {
			continue
		}
		lt := strings.ToLower(t)
		if strings.HasPrefix(lt, "-----original message") || strings.HasPrefix(lt, "-----mensaje original") ||
			(strings.HasSuffix(lt, "wrote:") && strings.HasPrefix(lt, "on ")) || strings.HasSuffix(lt, "escribió:") {
			break
		}
		out.WriteString(t)
		out.WriteByte('\n')
		if out.Len() > 4<<10 {
			break
		}
	}
	return strings.ToValidUTF8(out.String(), "")
}

// firstTextPart finds the first text/plain part of a multipart body
// (looking one level into nested multiparts).
func firstTextPart(body []byte, boundary string) ([]byte, string, map[string]string, string) {
	sep := []byte("--" + boundary)
	parts := bytes.Split(body, sep)
	for _, p := range parts[1:] {
		if bytes.HasPrefix(p, []byte("--")) {
			break
		}
		hend := bytes.Index(p, []byte("\n\n"))
		if i := bytes.Index(p, []byte("\r\n\r\n")); i >= 0 && (hend < 0 || i < hend) {
			hend = i + 2
		}
		if hend < 0 {
			continue
		}
		var h mailHeader
		parseHeader(bytes.TrimLeft(p[:hend+1], "\r\n"), &h)
		ct, params, _ := mime.ParseMediaType(h.contentType)
		switch {
		case ct == "" || ct == "text/plain":
			return bytes.TrimLeft(p[hend:], "\r\n"), "text/plain", params, h.cte
		case strings.HasPrefix(ct, "multipart/") && params["boundary"] != "":
			if b, c, ps, e := firstTextPart(p[hend:], params["boundary"]); b != nil {
				return b, c, ps, e
			}
		}
	}
	return nil, "", nil, ""
}

// address is one mailbox of an address list.
type address struct{ addr, name string }

// firstAddress returns the first address of a header, lower case, and
// its display name.
func firstAddress(s string) (string, string) {
	as := addresses(s)
	if len(as) == 0 {
		return "", ""
	}
	return as[0].addr, as[0].name
}

// addresses reads an address list: net/mail's parser, and for what it
// refuses (mail in the wild), every <…> or word with an @.
func addresses(s string) []address {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ","))
	if s == "" {
		return nil
	}
	if list, err := (&mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charsetReader}}).ParseList(s); err == nil {
		out := make([]address, 0, len(list))
		for _, a := range list {
			out = append(out, address{strings.ToLower(a.Address), a.Name})
		}
		return out
	}
	var out []address
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if i, j := strings.IndexByte(f, '<'), strings.LastIndexByte(f, '>'); i >= 0 && j > i {
			out = append(out, address{strings.ToLower(strings.TrimSpace(f[i+1 : j])), strings.Trim(strings.TrimSpace(f[:i]), `"`)})
			continue
		}
		for _, w := range strings.Fields(f) {
			if strings.Contains(w, "@") {
				out = append(out, address{strings.ToLower(strings.Trim(w, `<>"'`)), ""})
			}
		}
	}
	return out
}

// deriveMail merges the messages read with those stored for the same
// clients and derives signals and the clients' mail summaries.
func (r *run) deriveMail() error {
	b := r.rec.mail
	var clients []string
	for c := range b.clients {
		clients = append(clients, c)
	}
	sort.Strings(clients)
	all := map[string][]cartera.MailMessage{}
	seen := map[string]bool{}
	for _, m := range b.msgs {
		all[m.ClientID] = append(all[m.ClientID], m)
		seen[m.ID] = true
	}
	if err := r.st.EachMailMessage(r.ctx, clients, func(m cartera.MailMessage) error {
		if !seen[m.ID] {
			all[m.ClientID] = append(all[m.ClientID], m)
		}
		return nil
	}); err != nil {
		return err
	}
	n := r.cfg.UnansweredDays
	for _, c := range clients {
		msgs := all[c]
		sort.Slice(msgs, func(i, j int) bool {
			if !msgs[i].At.Equal(msgs[j].At) {
				return msgs[i].At.Before(msgs[j].At)
			}
			return msgs[i].ID < msgs[j].ID
		})
		cm := ClientMail{ClientID: c, Messages: len(msgs), LatencyRecent: -1, LatencyBefore: -1}
		var recent, before []time.Duration
		var open *cartera.MailMessage // our first message since the client last wrote
		inDays := map[cartera.Date]cartera.MailMessage{}
		unanswered := func(m cartera.MailMessage, until time.Time) error {
			if until.Sub(m.At) < time.Duration(n)*24*time.Hour {
				return nil
			}
			day := cartera.DateFromTime(m.At.In(r.o.Location))
			deals, err := r.dealsFor(cartera.Who{ClientID: c}, day)
			if err != nil {
				return err
			}
			for _, d := range deals {
				s := cartera.Signal{ID: idOf("mail-nr-", c, d.ID, m.ID), DealID: d.ID, Kind: cartera.SignalNoReply, Day: day, Source: "email"}
				r.rec.signal(s, r.mailProv(m))
			}
			return nil
		}
		for i := range msgs {
			m := msgs[i]
			if m.At.After(r.o.Now) {
				continue
			}
			if m.Outbound {
				cm.LastOutbound = m.At
				if open == nil {
					open = &msgs[i]
				}
				continue
			}
			cm.LastInbound = m.At
			day := cartera.DateFromTime(m.At.In(r.o.Location))
			if _, ok := inDays[day]; !ok {
				inDays[day] = m
			}
			if open != nil {
				if err := unanswered(*open, m.At); err != nil {
					return err
				}
				lat := m.At.Sub(open.At)
				switch age := r.o.Now.Sub(m.At); {
				case age <= 90*24*time.Hour:
					recent = append(recent, lat)
				case age <= 180*24*time.Hour:
					before = append(before, lat)
				}
				open = nil
			}
		}
		if open != nil {
			if err := unanswered(*open, r.o.Now); err != nil {
				return err
			}
			if r.o.Now.Sub(open.At) >= time.Duration(n)*24*time.Hour {
				cm.UnansweredSince = open.At
				cm.UnansweredDays = int(r.o.Now.Sub(open.At) / (24 * time.Hour))
			}
		}
		for day, m := range inDays {
			deals, err := r.dealsFor(cartera.Who{ClientID: c}, day)
			if err != nil {
				return err
			}
			for _, d := range deals {
				s := cartera.Signal{ID: idOf("mail-in-", c, d.ID, day.String()), DealID: d.ID, Kind: cartera.SignalReplyReceived, Day: day,
					Source: "email"}
				r.rec.signal(s, r.mailProv(m))
			}
		}
		cm.LatencyRecent, cm.AnswersRecent = medianHours(recent), len(recent)
		cm.LatencyBefore, cm.AnswersBefore = medianHours(before), len(before)
		cm.LatencyRising = cm.LatencyRecent >= 0 && cm.LatencyBefore >= 0 && cm.LatencyRecent > cm.LatencyBefore*3/2+1
		b.report = append(b.report, cm)
	}
	// Signals are written in a stable order.
	sort.SliceStable(r.rec.signals, func(i, j int) bool { return r.rec.signals[i].ID < r.rec.signals[j].ID })
	for i, s := range r.rec.signals {
		r.rec.seen[key(cartera.EntitySignals, s.ID)] = i
	}
	return nil
}

// mailProv is the provenance of a signal derived from a message.
func (r *run) mailProv(m cartera.MailMessage) cartera.Provenance {
	if p, ok := r.rec.mail.prov[m.ID]; ok {
		return p
	}
	return cartera.Provenance{Source: "mail", Origin: "stored", OriginalID: m.Key}
}

// medianHours is the median of durations in hours, −1 for none.
func medianHours(ds []time.Duration) int {
	if len(ds) == 0 {
		return -1
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return int((m + 30*time.Minute) / time.Hour)
}

// planMail reports what the run found of mail.
func (r *run) planMail() error {
	b := r.rec.mail
	r.rep.Mail = &MailReport{Messages: len(b.msgs), Unreadable: b.unreadable, Clients: b.report}
	for _, c := range b.candidates {
		old, err := r.st.Candidate(r.ctx, c.ID)
		switch {
		case cartera.ErrorCode(err) == cartera.ENOTFOUND:
			r.rep.Mail.NewCandidates = append(r.rep.Mail.NewCandidates, c)
		case err != nil:
			return err
		default:
			_ = old // already in the queue, confirmed or dismissed: not suggested again
		}
	}
	return nil
}

// writeMail stores the messages and the new candidates.
func (r *run) writeMail(ctx context.Context, tx cartera.ImportTx) error {
	b := r.rec.mail
	const chunk = 5000
	for i := 0; i < len(b.msgs); i += chunk {
		if err := tx.PutMailMessages(ctx, b.msgs[i:min(i+chunk, len(b.msgs))]); err != nil {
			return err
		}
	}
	if len(b.candidates) > 0 {
		return tx.PutCandidates(ctx, b.candidates)
	}
	return nil
}

// MailReport is what a run found in mailboxes.
type MailReport struct {
	// Messages counts the messages with clients read; Unreadable the
	// clients' messages skipped for a date that cannot be read.
	Messages   int          `json:"messages"`
	Unreadable int          `json:"unreadable"`
	Clients    []ClientMail `json:"clients"`
	// NewCandidates are the candidate incidents this run adds to the
	// review queue.
	NewCandidates []cartera.Candidate `json:"new_candidates"`
}

// IncidentOf is the incident a confirmed candidate becomes: its client,
// contact, instant and kind, the severity the user gives, and as its note
// the user's, or the excerpt or subject that made it a candidate.
func IncidentOf(c cartera.Candidate, severity int, note string) cartera.Incident {
	if note == "" {
		note = c.Excerpt
	}
	if note == "" {
		note = c.Subject
	}
	return cartera.Incident{ID: "inc-" + c.ID, ClientID: c.ClientID, ContactID: c.ContactID, At: c.At, Kind: c.Kind,
		Severity: severity, Note: note}
}
