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
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

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
	prov map[string]cartera.Provenance
	// stored marks the messages already stored as they were read.
	stored     map[string]bool
	unreadable int
	clients    map[string]bool
	report     []ClientMail
}

func (r *run) mailBatch() *mailBatch {
	if r.rec.mail == nil {
		r.rec.mail = &mailBatch{byID: map[string]int{}, candSeen: map[string]bool{}, prov: map[string]cartera.Provenance{},
			clients: map[string]bool{}, stored: map[string]bool{}}
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
	if r.phrases.words == nil {
		r.phrases = newPhraseIndex(r.cfg.ScopePhrases)
	}
	rules := &mailRules{id: r.id, pol: r.pol, loc: r.pol.Location(), phrases: r.phrases}
	r.prefetchOpenDeals()
	if r.tx != nil && r.mail == nil {
		r.mail = newMailWriter(r.ctx, r.st, r.tx)
	}
	if s.Dir != "" {
		format = "maildir"
		if via == "" {
			via = "maildir"
		}
		files, err := maildirFiles(s.Dir)
		if err != nil {
			r.problem(s.Name, 1, "import.cannot_read", "reason", err.Error())
			return nil
		}
		buf := make([]byte, maxHeader+maxBody)
		var msg rawMessage
		w := &mailWorker{rules: rules}
		for i, f := range files {
			fh, err := os.Open(filepath.Join(s.Dir, f))
			if err != nil {
				r.problem(s.Name+"/"+f, 1, "import.cannot_open", "reason", err.Error())
				continue
			}
			buf, err = readMessage(fh, &msg, w.want, buf)
			fh.Close()
			if err != nil {
				r.problem(s.Name+"/"+f, 1, "import.cannot_read", "reason", err.Error())
				continue
			}
			msg.file = f
			sr.Items++
			var ev mailEvent
			if w.event(&msg, &ev) && r.applyMail(&ev, via, origin) {
				sr.Matched++
			}
			if i%1000 == 0 {
				r.flushMail()
				if r.o.Progress != nil {
					r.o.Progress(Progress{Source: s.Name, Done: int64(i), Total: int64(len(files)), Items: int64(sr.Items)})
				}
			}
		}
	} else {
		if via == "" {
			via = "mbox"
		}
		rc, err := s.Open()
		if err != nil {
			r.problem(s.Name, 1, "import.cannot_open", "reason", err.Error())
			return nil
		}
		defer rc.Close()
		err = readMbox(r.ctx, rc, s.Size, r.mboxSegment, runtime.GOMAXPROCS(0), rules, func(seg *mboxSegment) error {
			sr.Items += seg.items
			for i := range seg.events {
				if r.applyMail(&seg.events[i], via, origin) {
					sr.Matched++
				}
			}
			r.flushMail()
			if r.o.Progress != nil {
				r.o.Progress(Progress{Source: s.Name, Done: seg.end, Total: s.Size, Items: int64(sr.Items)})
			}
			return r.ctx.Err()
		})
		if err == errNotMbox {
			r.problem(s.Name, 1, "capture.not_mbox")
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	sr.Format = format
	r.rep.Sources = append(r.rep.Sources, sr)
	return nil
}

// mailRules is what a message is judged by: the identity, the protected
// hours and the scope phrases. Workers reading parts of a mailbox at once
// share it and only read it.
type mailRules struct {
	id      *cartera.Identity
	pol     cartera.Policy
	loc     *time.Location
	phrases phraseIndex
}

// mailWorker works out what each message comes to (a mailEvent), apart
// from the run, so that several can read at once; the run then applies
// the events in the mailbox's order.
type mailWorker struct {
	rules *mailRules
	// from is the sender of the message being read, as want resolved it.
	fromAddr, fromName string
	fromWho            cartera.Who
	fromOK             bool
	scratch            phraseScratch
}

// want resolves the sender and says whether the body is needed: only
// for a message a client wrote.
func (w *mailWorker) want(h *mailHeader) bool {
	w.fromAddr, w.fromName = firstAddress(h.from)
	w.fromWho, w.fromOK = w.rules.id.Address(w.fromAddr)
	return w.fromOK && w.fromWho.Role == cartera.RoleClient
}

// mailEvent is what one message comes to.
type mailEvent struct {
	kind     mailEventKind
	from     cartera.Who
	fromAddr string
	fromName string
	at       time.Time
	day      cartera.Date
	key      string // hash of the message id
	replyTo  string // hash of the id it answers
	orig     string // its id in the source: the message id, or a Maildir file name
	// to are the recipients of our message, resolved.
	to []recipient
	// Candidate incidents a client's message raises.
	outOfHours      bool
	phrase, excerpt string
	subject         string
	scope           bool
}

type mailEventKind uint8

const (
	eventOurs          mailEventKind = iota + 1 // we wrote it
	eventClient                                 // a client wrote it
	eventUnreadable                             // a client wrote it, on a date that cannot be read
	eventCorrespondent                          // someone unknown answered one of us
)

// recipient is one address of our message, resolved.
type recipient struct {
	addr, name string
	who        cartera.Who
	ok         bool
}

// event works out what a read message comes to; false when nothing.
func (w *mailWorker) event(msg *rawMessage, ev *mailEvent) bool {
	h := &msg.h
	if !w.fromOK && w.fromAddr == "" {
		return false
	}
	client := w.fromOK && w.fromWho.Role == cartera.RoleClient
	self := w.fromOK && w.fromWho.Role == cartera.RoleSelf
	inReplyTo := strings.TrimSpace(h.inReplyTo)
	if !client && !self && (w.fromOK || inReplyTo == "") {
		return false // ignored, or a stranger's message that answers nothing
	}
	at, err := parseMailDate(h.date)
	if err != nil {
		if client {
			*ev = mailEvent{kind: eventUnreadable}
			return true
		}
		return false
	}
	at = at.UTC()
	*ev = mailEvent{from: w.fromWho, fromAddr: w.fromAddr, fromName: w.fromName, at: at,
		day: cartera.DateFromTime(at.In(w.rules.loc))}
	msgID := strings.Trim(strings.TrimSpace(h.messageID), "<>")
	if msgID == "" {
		msgID = "no-id:" + w.fromAddr + "|" + h.date + "|" + h.subject
	}
	ev.key = idOf("", msgID)
	if f := strings.Fields(inReplyTo); len(f) > 0 {
		ev.replyTo = idOf("", strings.Trim(f[0], "<>"))
	}
	ev.orig = msgID
	if msg.file != "" {
		ev.orig = msg.file
	}
	switch {
	case self:
		ev.kind = eventOurs
		for _, a := range addresses(h.to + ", " + h.cc) {
			who, ok := w.rules.id.Address(a.addr)
			ev.to = append(ev.to, recipient{addr: a.addr, name: a.name, who: who, ok: ok})
		}
	case client:
		ev.kind = eventClient
		ev.outOfHours = w.rules.pol.InSlot(at.In(w.rules.loc))
		subject := decodeWords(h.subject)
		ev.phrase, ev.excerpt, ev.scope = findPhrase(subject+"\n"+bodyText(h, msg.body), w.rules.phrases, &w.scratch)
		if ev.outOfHours || ev.scope {
			ev.subject = truncate(subject, 200)
		}
	default:
		// Someone nothing explains answering a message: a correspondent
		// when the message went to one of us.
		if ev.replyTo == "" {
			return false
		}
		for _, a := range addresses(h.to) {
			if who, ok := w.rules.id.Address(a.addr); ok && who.Role == cartera.RoleSelf {
				ev.kind = eventCorrespondent
				return true
			}
		}
		return false
	}
	return true
}

// applyMail keeps what a message came to; it says whether a client was
// on it.
func (r *run) applyMail(ev *mailEvent, via, origin string) bool {
	prov := cartera.Provenance{Source: via, Origin: origin, OriginalID: ev.orig}
	switch ev.kind {
	case eventUnreadable:
		r.mailBatch().unreadable++
	case eventOurs:
		// One message per client among the recipients.
		matched := false
		var seen map[string]bool
		for _, a := range ev.to {
			if !a.ok {
				r.rec.miss(cartera.MatchEmail, a.addr, KindMail, a.name, ev.day)
				continue
			}
			if a.who.Role != cartera.RoleClient || seen[a.who.ClientID] {
				continue
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[a.who.ClientID] = true
			matched = true
			r.keepMessage(cartera.MailMessage{ID: idOf("mail-", ev.key, a.who.ClientID), ClientID: a.who.ClientID,
				ContactID: a.who.ContactID, At: ev.at, Outbound: true, Key: ev.key, ReplyTo: ev.replyTo}, prov)
		}
		return matched
	case eventClient:
		w := ev.from
		r.keepMessage(cartera.MailMessage{ID: idOf("mail-", ev.key, w.ClientID), ClientID: w.ClientID, ContactID: w.ContactID,
			At: ev.at, Key: ev.key, ReplyTo: ev.replyTo}, prov)
		r.candidates(ev, prov)
		return true
	case eventCorrespondent:
		r.rec.miss(cartera.MatchEmail, ev.fromAddr, KindMail, ev.fromName, ev.day)
	}
	return false
}

// keepMessage adds a message (the last one read when it comes twice).
func (r *run) keepMessage(m cartera.MailMessage, p cartera.Provenance) {
	b := r.mailBatch()
	b.clients[m.ClientID] = true
	b.prov[m.ID] = p
	if r.mail != nil {
		r.pending.msgs = append(r.pending.msgs, m)
	}
	if i, ok := b.byID[m.ID]; ok {
		b.msgs[i] = m
		return
	}
	b.byID[m.ID] = len(b.msgs)
	b.msgs = append(b.msgs, m)
}

// candidates queues the candidate incidents a client's message raised.
func (r *run) candidates(ev *mailEvent, p cartera.Provenance) {
	b := r.mailBatch()
	w := ev.from
	add := func(kind cartera.IncidentKind, reason cartera.Message, excerpt string) {
		c := cartera.Candidate{ID: idOf("cand-", ev.key, string(kind)), ClientID: w.ClientID, ContactID: w.ContactID, At: ev.at,
			Kind: kind, Reason: reason, Subject: ev.subject, Excerpt: excerpt, Status: cartera.CandidatePending,
			Source: p.Source, Origin: p.Origin}
		if b.candSeen[c.ID] {
			return
		}
		b.candSeen[c.ID] = true
		b.candidates = append(b.candidates, c)
		if r.mail != nil {
			r.pending.cands = append(r.pending.cands, c)
		}
	}
	if ev.outOfHours {
		add(cartera.KindOutOfHours, cartera.M("candidate.protected_hours", "at", ev.at), "")
	}
	if ev.scope {
		add(cartera.KindScopeCreep, cartera.M("candidate.scope", "phrase", ev.phrase, "at", ev.at), ev.excerpt)
	}
}

// findPhrase finds the first scope phrase in a text, comparing folded
// words, and returns it with up to 80 characters around it. The text is
// folded and split into words in one pass, an ASCII byte at a time, into
// the scratch buffer, without making a string of each word; a word is
// tried as the start of a phrase as soon as the words a phrase could need
// after it are read, so the search stops at the first match. Only a match
// pays for the excerpt.
func findPhrase(text string, first phraseIndex, sc *phraseScratch) (string, string, bool) {
	f, words := sc.folded[:0], sc.words[:0]
	defer func() { sc.folded, sc.words = f[:0], words[:0] }()
	start, next := -1, 0 // a word begun in f, the next word to try
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			i++
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\'' {
				if start < 0 {
					start = len(f)
				}
				f = append(f, c)
				continue
			}
			if start < 0 {
				continue // only words are kept in f
			}
			words = append(words, [2]int{start, len(f)})
			start = -1
		} else {
			// Folding is rune by rune: one rune folds as it would in
			// the whole text, into letters or not.
			r, size := utf8.DecodeRuneInString(text[i:])
			at := len(f)
			if r < latinEnd {
				f = append(f, latinFolds()[r]...)
			} else {
				f = cartera.AppendFold(f, text[i:i+size])
			}
			i += size
			n := len(words)
			for at < len(f) {
				c, size := rune(f[at]), 1
				var in bool
				if c < utf8.RuneSelf {
					in = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\''
				} else {
					c, size = utf8.DecodeRune(f[at:])
					in = unicode.IsLetter(c)
				}
				switch {
				case in && start < 0:
					start = at
				case !in && start >= 0:
					words = append(words, [2]int{start, at})
					start = -1
				}
				at += size
			}
			if len(words) == n {
				continue
			}
		}
		for ; next+first.longest <= len(words); next++ {
			if p := first.match(f, words, next); p != nil {
				return strings.Join(p, " "), excerpt(text, next, len(p)), true
			}
		}
	}
	if start >= 0 {
		words = append(words, [2]int{start, len(f)})
	}
	for ; next < len(words); next++ {
		if p := first.match(f, words, next); p != nil {
			return strings.Join(p, " "), excerpt(text, next, len(p)), true
		}
	}
	return "", "", false
}

// latinEnd ends the Latin letters, as folded in advance by latinFolds.
const latinEnd = 0x250

// latinFolds is cartera.AppendFold of each rune below latinEnd, made the
// first time a phrase is searched for.
var latinFolds = sync.OnceValue(func() *[latinEnd]string {
	var t [latinEnd]string
	for r := range rune(latinEnd) {
		t[r] = string(cartera.AppendFold(nil, string(r)))
	}
	return &t
})

// match returns the first phrase that starts at word i of the folded
// text f, or nil.
func (first *phraseIndex) match(f []byte, words [][2]int, i int) []string {
	w := words[i]
	if first.starts[f[w[0]]]&(1<<min(w[1]-w[0], 63)) == 0 {
		return nil // no phrase starts with a word of this first byte and length
	}
	word := f[w[0]:w[1]]
	for _, s := range first.byFirst[word[0]] {
		if s.word != string(word) {
			continue
		}
		for _, p := range s.phrases {
			if i+len(p) > len(words) {
				continue
			}
			ok := true
			for k := 1; k < len(p); k++ {
				if string(f[words[i+k][0]:words[i+k][1]]) != p[k] {
					ok = false
					break
				}
			}
			if ok {
				return p
			}
		}
		return nil
	}
	return nil
}

// phraseScratch is the buffers findPhrase reuses from one message to the
// next.
type phraseScratch struct {
	folded []byte
	words  [][2]int
}

// phraseIndex holds phrases as folded words, by their first word; starts
// says, for each first byte, which lengths first words have (bit n for n
// bytes, bit 63 for 63 or more), so that most words of a text are passed over without a map
// lookup.
type phraseIndex struct {
	words  map[string][][]string
	starts [256]uint64
	// byFirst holds the same phrases by the first byte of their first
	// word (256 lists), searched without hashing the word.
	byFirst [][]phraseStart
	// longest is the most words a phrase has.
	longest int
}

// phraseStart is the phrases that start with one word, in their order.
type phraseStart struct {
	word    string
	phrases [][]string
}

func newPhraseIndex(phrases []string) phraseIndex {
	first := phraseIndex{words: map[string][][]string{}, byFirst: make([][]phraseStart, 256)}
	for _, p := range phrases {
		w := foldedWords(cartera.Fold(p))
		if len(w) > 0 {
			if _, ok := first.words[w[0]]; !ok {
				first.byFirst[w[0][0]] = append(first.byFirst[w[0][0]], phraseStart{word: w[0]})
			}
			first.words[w[0]] = append(first.words[w[0]], w)
			first.starts[w[0][0]] |= 1 << min(len(w[0]), 63)
			first.longest = max(first.longest, len(w))
		}
	}
	for _, starts := range first.byFirst {
		for k := range starts {
			starts[k].phrases = first.words[starts[k].word]
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
	// The spans of the words up to 8 after the phrase, and of one more
	// when there is one (then the excerpt ends in "…"): the rest of the
	// text is not walked.
	spans := make([][2]int, 0, i+n+9) // each word's byte span in text
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
		if len(spans) == i+n+9 {
			start = -1
			break
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
	// The body stays bytes until its first 4 KB of own words are found:
	// a message of a client's is read this way on every import, and a
	// string of the whole body each time was most of what the import
	// allocated.
	text := body
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		if rd, err := charsetReader(cs, bytes.NewReader(text)); err == nil {
			text, _ = io.ReadAll(rd)
		}
	}
	var out strings.Builder
	out.Grow(min(len(text), 4<<10+256))
	for rest := text; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] == '>' {
			continue
		}
		// Where the quoted message starts (only a line that begins with
		// a dash or ends with a colon can say so).
		if len(t) > 0 && (t[0] == '-' || t[len(t)-1] == ':') {
			lt := strings.ToLower(string(t))
			if strings.HasPrefix(lt, "-----original message") || strings.HasPrefix(lt, "-----mensaje original") ||
				(strings.HasSuffix(lt, "wrote:") && strings.HasPrefix(lt, "on ")) || strings.HasSuffix(lt, "escribió:") {
				break
			}
		}
		out.Write(t)
		out.WriteByte('\n')
		if out.Len() > 4<<10 {
			break
		}
	}
	if utf8.ValidString(out.String()) {
		return out.String()
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
	if a, n, ok := plainAddress(s); ok {
		return a, n
	}
	as := addresses(s)
	if len(as) == 0 {
		return "", ""
	}
	return as[0].addr, as[0].name
}

// plainAddress reads the forms most From and To headers take, "a@b.c",
// "<a@b.c>" and "Display Name <a@b.c>", in plain ASCII, as net/mail's
// parser would (FuzzPlainAddress holds it to that), without its cost:
// every message's sender is read, and the parser was a tenth of a mail
// import's reading. Anything else (quotes, comments, encoded words, lists,
// groups, other characters) is not ok, and goes to the parser.
func plainAddress(s string) (addr, name string, ok bool) {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ","))
	if s == "" || s[len(s)-1] != '>' {
		if s == "" || !dotAtomAddress(s) {
			return "", "", false
		}
		return strings.ToLower(s), "", true
	}
	i := strings.IndexByte(s, '<')
	if i < 0 || !dotAtomAddress(s[i+1:len(s)-1]) {
		return "", "", false
	}
	name = strings.TrimRight(s[:i], " ")
	// Atoms (and dots, which net/mail takes in a name) with one space
	// between them: net/mail gives the same words back, joined by one.
	for j := 0; j < len(name); j++ {
		c := name[j]
		if c == ' ' {
			if j == 0 || name[j-1] == ' ' {
				return "", "", false
			}
			continue
		}
		if !isAtext(c) && c != '.' {
			return "", "", false
		}
	}
	if strings.Contains(name, "=?") {
		return "", "", false // an encoded word, which net/mail decodes
	}
	return strings.ToLower(s[i+1 : len(s)-1]), name, true
}

// dotAtomAddress says whether s is local@domain with both parts dot-atoms:
// atoms of atext joined by single dots.
func dotAtomAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && dotAtom(s[:at]) && dotAtom(s[at+1:])
}

func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if s[i-1] == '.' {
				return false
			}
			continue
		}
		if !isAtext(c) {
			return false
		}
	}
	return true
}

// isAtext says whether c is an atom's character (RFC 5322, 3.2.3).
func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// addresses reads an address list: net/mail's parser, and for what it
// refuses (mail in the wild), every <…> or word with an @.
func addresses(s string) []address {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ","))
	if s == "" {
		return nil
	}
	if a, n, ok := plainAddress(s); ok {
		return []address{{a, n}}
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
	if err := r.takeOpenDeals(clients); err != nil {
		return err
	}
	all := map[string][]cartera.MailMessage{}
	seen := map[string]bool{}
	for _, m := range b.msgs {
		all[m.ClientID] = append(all[m.ClientID], m)
		seen[m.ID] = true
	}
	if err := r.eachStoredMail(clients, func(m cartera.MailMessage) error {
		if !seen[m.ID] {
			all[m.ClientID] = append(all[m.ClientID], m)
			return nil
		}
		if sameMessage(b.msgs[b.byID[m.ID]], m) {
			b.stored[m.ID] = true // stored as read: not written again
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

// eachStoredMail calls fn with the messages of the clients stored before
// the run: the ones the mail writer read, when it ran, or the store's.
func (r *run) eachStoredMail(clients []string, fn func(cartera.MailMessage) error) error {
	if r.mail == nil {
		return r.st.EachMailMessage(r.ctx, clients, fn)
	}
	var rest []string
	for _, c := range clients {
		msgs, ok := r.mail.stored[c]
		if !ok {
			rest = append(rest, c)
			continue
		}
		for _, m := range msgs {
			if err := fn(m); err != nil {
				return err
			}
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return r.st.EachMailMessage(r.ctx, rest, fn)
}

// mailBatchSize is how many messages the mail writer is handed at a time:
// each batch costs it a query of the stored messages and candidates, and
// the statements to write them.
const mailBatchSize = 2000

// flushMail hands what was read since the last batch to the mail writer
// once there is a batch's worth.
func (r *run) flushMail() {
	n := r.o.mailBatch
	if n <= 0 {
		n = mailBatchSize
	}
	if len(r.pending.msgs) >= n {
		r.sendMail()
	}
}

// sendMail hands what was read since the last batch to the mail writer.
func (r *run) sendMail() {
	if r.mail != nil {
		r.mail.send(r.pending)
		r.pending = mailWrite{}
	}
}

// finishMail waits for the mail writer, if one runs, to write all it was
// handed.
func (r *run) finishMail() error {
	if r.mail == nil {
		return nil
	}
	r.sendMail()
	return r.mail.finish()
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
	if r.mail != nil {
		r.rep.Mail.NewCandidates = r.mail.newCands
		return nil
	}
	var err error
	r.rep.Mail.NewCandidates, err = newCandidates(r.ctx, r.st, b.candidates, nil)
	return err
}

// newCandidates appends to out the candidates the queue has never held:
// one in it, pending, confirmed or dismissed, is not suggested again.
func newCandidates(ctx context.Context, st cartera.Store, cands, out []cartera.Candidate) ([]cartera.Candidate, error) {
	if len(cands) == 0 {
		return out, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.ID
	}
	stored, err := st.StoredCandidates(ctx, ids)
	if err != nil {
		return out, err
	}
	for _, c := range cands {
		if !stored[c.ID] {
			out = append(out, c)
		}
	}
	return out, nil
}

// writeMail stores the messages not stored yet or changed, and the new
// candidates: a mailbox imported again writes only what is new in it.
func (r *run) writeMail(ctx context.Context, tx cartera.ImportTx) error {
	if r.mail != nil {
		return nil // written as it was read
	}
	b := r.rec.mail
	const chunk = 5000
	rows := make([]cartera.MailMessage, 0, min(chunk, len(b.msgs)))
	for i, m := range b.msgs {
		if !b.stored[m.ID] {
			rows = append(rows, m)
		}
		if len(rows) == chunk || (i == len(b.msgs)-1 && len(rows) > 0) {
			if err := tx.PutMailMessages(ctx, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	if c := r.rep.Mail.NewCandidates; len(c) > 0 {
		return tx.PutCandidates(ctx, c)
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
