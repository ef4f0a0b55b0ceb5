// Package capture turns what people keep elsewhere into cartera's records:
// calendars (.ics files, subscriptions, CalDAV) into meeting signals and
// time entries, e-invoices (Facturae, UBL) into invoices and concessions,
// mailboxes into signs of life, unanswered outreach and candidate
// incidents for the user to review.
//
// Every item reaches a client through one match table (cartera.Identity):
// what nothing explains is listed as unmatched, never guessed. Every record
// written keeps its provenance and an id made from the item's own id, so a
// re-import updates instead of duplicating. A run is all or nothing: it is
// read whole, checked, and written in one transaction, or not at all; a
// dry run says what would be created or changed and writes nothing.
package capture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

// Source is one file or feed to capture.
type Source struct {
	// Name is what problems and provenance call it.
	Name string
	Open func() (io.ReadCloser, error)
	Size int64
	// Kind is calendar, invoice or mail; empty detects it from the
	// content.
	Kind string
	// Origin is recorded as the records' provenance origin (a
	// subscription's name); empty means Name.
	Origin string
	// Via is the provenance source of a feed (caldav, imap, ics-url);
	// empty uses the format's (ics, facturae, ubl, mbox…).
	Via string
	// Dir is set for a Maildir folder (Open is not used then).
	Dir string
}

// FileSource captures a file from disk.
func FileSource(path string) Source {
	var size int64
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	return Source{Name: filepath.Base(path), Size: size, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// BytesSource captures bytes held in memory.
func BytesSource(name string, b []byte) Source {
	return Source{Name: name, Size: int64(len(b)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

// Kinds of source.
const (
	KindCalendar = "calendar"
	KindInvoice  = "invoice"
	KindMail     = "mail"
)

// Detect says what a file holds from its first bytes: an iCalendar
// document, an XML e-invoice, an mbox; empty for anything else (a CSV or
// spreadsheet, for package csvio).
func Detect(head []byte) string {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(bytes.ToUpper(h[:min(len(h), 15)]), []byte("BEGIN:VCALENDAR")):
		return KindCalendar
	case bytes.HasPrefix(h, []byte("<")) && (bytes.Contains(head, []byte("Facturae")) || bytes.Contains(head, []byte("urn:oasis:names:specification:ubl"))):
		return KindInvoice
	case bytes.HasPrefix(h, []byte("From ")):
		return KindMail
	}
	return ""
}

// MaildirSource captures a Maildir folder.
func MaildirSource(dir string) Source {
	return Source{Name: filepath.Base(dir), Dir: dir, Kind: KindMail}
}

// DetectFile says what a file holds (see Detect); a Maildir folder is
// mail.
func DetectFile(path string) string {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		if _, err := os.Stat(filepath.Join(path, "cur")); err == nil {
			return KindMail
		}
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	return Detect(head[:n])
}

// Options tune a run.
type Options struct {
	// Now is the caller's clock reading (required): nothing dated after
	// it is evidence yet.
	Now time.Time
	// Location is the user's time zone: days are days there, and times
	// written without a zone are read in it.
	Location *time.Location
	// DryRun checks and plans everything and writes nothing.
	DryRun bool
	// Progress, when set, is told how far a long run has got.
	Progress func(Progress)
	// Policy gives the protected hours candidate incidents are judged by
	// (the store's when nil).
	Policy *cartera.Policy
	// Config is the capture configuration (the store's when nil).
	Config *Config
	// MaxChanges caps how many planned changes the report lists (they
	// are all counted); 0 means 200.
	MaxChanges int
	// Also are clients, contacts and deals of the same run not stored
	// yet (read by csvio in the same transaction): they match too.
	Also []any
	// WriteAsRead makes Import begin its transaction before it reads and
	// write mail while the mailbox is still being read: a large mailbox
	// imports faster, but the store's writer is held for the whole read.
	// For a command that reads local files; not for sources read over a
	// network.
	WriteAsRead bool
	// mailBatch is how many messages the mail writer is handed at a
	// time (0: mailBatchSize); tests make it small.
	mailBatch int
}

// Progress reports how far a run has read.
type Progress struct {
	Source      string
	Done, Total int64 // bytes of the current source
	Items       int64 // events, messages or invoices read so far
}

// Report is what a run did, or would do.
type Report struct {
	Sources []SourceReport `json:"sources"`
	// Created, Updated and Unchanged count records by entity.
	Created   map[cartera.Entity]int `json:"created"`
	Updated   map[cartera.Entity]int `json:"updated"`
	Unchanged map[cartera.Entity]int `json:"unchanged"`
	// Changes lists the records created or changed, up to MaxChanges.
	Changes []Change `json:"changes,omitempty"`
	// Unmatched lists the identifiers nothing explained.
	Unmatched []cartera.Unmatched `json:"unmatched,omitempty"`
	// Mail is what mailboxes showed (nil without mail).
	Mail   *MailReport `json:"mail,omitempty"`
	DryRun bool        `json:"dry_run"`
}

// SourceReport describes one source.
type SourceReport struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Format string `json:"format"`
	// Items counts what was read (events, messages, invoices) and
	// Matched those that reached a client.
	Items   int `json:"items"`
	Matched int `json:"matched"`
	// Partial lists the lines of recurring events whose rule was read
	// only in part (their first occurrence).
	Partial []int `json:"partial,omitempty"`
}

// Change is one record a run creates or changes.
type Change struct {
	Action   string         `json:"action"` // create or update
	Entity   cartera.Entity `json:"entity"`
	ID       string         `json:"id"`
	ClientID string         `json:"client_id,omitempty"`
	DealID   string         `json:"deal_id,omitempty"`
	Day      cartera.Date   `json:"date"`
	// What says what the record is, for people.
	What cartera.Message `json:"-"`
	// Origin is where it came from.
	Origin string `json:"origin"`
}

// Config is what the user sets for capture (the setting "capture").
type Config struct {
	// MeetingTime says, per client id ("*" for every client), whether
	// meetings become time entries: billable, non_billable or none (the
	// default).
	MeetingTime map[string]string `json:"meeting_time,omitempty"`
	// UnansweredDays is how long our message may go without a reply
	// before it counts as unanswered outreach (default 5).
	UnansweredDays int `json:"unanswered_days,omitempty"`
	// ScopePhrases are words in a client's message that make it a
	// candidate "demand outside scope" (defaults in DefaultScopePhrases).
	ScopePhrases []string `json:"scope_phrases,omitempty"`
}

// meetingTime returns a client's meeting rule.
func (c *Config) meetingTime(client string) string {
	if v, ok := c.MeetingTime[client]; ok {
		return v
	}
	return c.MeetingTime["*"]
}

// LoadConfig reads the capture configuration, or the defaults.
func LoadConfig(ctx context.Context, st cartera.SettingsStore) (Config, error) {
	var c Config
	v, err := st.Setting(ctx, "capture")
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return c.withDefaults(), nil
	}
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return c, fmt.Errorf("capture setting: %w", err)
	}
	return c.withDefaults(), nil
}

// SaveConfig checks and stores the capture configuration.
func SaveConfig(ctx context.Context, st cartera.SettingsStore, c Config) error {
	for k, v := range c.MeetingTime {
		switch v {
		case "billable", "non_billable", "none":
		default:
			return cartera.FieldError("meeting_time", "capture.bad_meeting_time", "client", k, "value", v)
		}
	}
	if c.UnansweredDays < 0 || c.UnansweredDays > 365 {
		return cartera.FieldError("unanswered_days", "capture.bad_days", "value", c.UnansweredDays)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return st.PutSetting(ctx, "capture", string(b))
}

func (c Config) withDefaults() Config {
	if c.UnansweredDays == 0 {
		c.UnansweredDays = 5
	}
	if len(c.ScopePhrases) == 0 {
		c.ScopePhrases = DefaultScopePhrases
	}
	return c
}

// idOf makes a record id from a source's own ids: a prefix and a hash, so
// that the same item always gets the same record.
func idOf(prefix string, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return prefix + hex.EncodeToString(h[:10])
}

// records are what a run writes.
type records struct {
	signals     []cartera.Signal
	times       []cartera.TimeEntry
	invoices    []cartera.Invoice
	concessions []cartera.Concession
	prov        []cartera.Provenance
	origin      map[string]string // record key → origin, for the report
	seen        map[string]int    // record key → index, to keep the last of repeats
	provAt      map[string]int    // record key → index in prov
	unmatched   map[string]*cartera.Unmatched
	mail        *mailBatch
}

func newRecords() *records {
	return &records{origin: map[string]string{}, seen: map[string]int{}, provAt: map[string]int{},
		unmatched: map[string]*cartera.Unmatched{}}
}

func key(e cartera.Entity, id string) string { return string(e) + "/" + id }

// add keeps one record (the last one when an item is read twice, from two
// files or two feeds) with its provenance.
func (r *records) add(e cartera.Entity, id string, p cartera.Provenance, put func(replace int) int) {
	k := key(e, id)
	p.Entity, p.RecordID = e, id
	r.origin[k] = p.Origin
	if i, ok := r.seen[k]; ok {
		put(i)
		r.prov[r.provAt[k]] = p
		return
	}
	r.seen[k] = put(-1)
	r.provAt[k] = len(r.prov)
	r.prov = append(r.prov, p)
}

func (r *records) signal(s cartera.Signal, p cartera.Provenance) {
	r.add(cartera.EntitySignals, s.ID, p, func(i int) int {
		if i >= 0 {
			r.signals[i] = s
			return i
		}
		r.signals = append(r.signals, s)
		return len(r.signals) - 1
	})
}

func (r *records) time(t cartera.TimeEntry, p cartera.Provenance) {
	r.add(cartera.EntityTime, t.ID, p, func(i int) int {
		if i >= 0 {
			r.times[i] = t
			return i
		}
		r.times = append(r.times, t)
		return len(r.times) - 1
	})
}

func (r *records) invoice(v cartera.Invoice, p cartera.Provenance) {
	r.add(cartera.EntityInvoices, v.ID, p, func(i int) int {
		if i >= 0 {
			r.invoices[i] = v
			return i
		}
		r.invoices = append(r.invoices, v)
		return len(r.invoices) - 1
	})
}

func (r *records) concession(c cartera.Concession, p cartera.Provenance) {
	r.add(cartera.EntityConcessions, c.ID, p, func(i int) int {
		if i >= 0 {
			r.concessions[i] = c
			return i
		}
		r.concessions = append(r.concessions, c)
		return len(r.concessions) - 1
	})
}

// miss lists an identifier nothing explained.
func (r *records) miss(k cartera.MatchKind, value, source, hint string, day cartera.Date) {
	value = cartera.NormalizeMatch(k, value)
	if value == "" {
		return
	}
	mk := string(k) + "/" + value
	u, ok := r.unmatched[mk]
	if !ok {
		u = &cartera.Unmatched{Kind: k, Value: value, Source: source}
		r.unmatched[mk] = u
	}
	u.Seen++
	if hint != "" && u.Hint == "" {
		u.Hint = truncate(hint, 200)
	}
	if day > u.Last {
		u.Last = day
	}
}

// run is one capture run: what is known, and what it found.
type run struct {
	ctx   context.Context
	st    cartera.Store
	o     Options
	cfg   Config
	pol   cartera.Policy
	id    *cartera.Identity
	today cartera.Date
	deals map[string][]cartera.Deal // open deals by client, loaded when needed
	// allDeals brings every open deal while a mailbox is read
	// (prefetchOpenDeals).
	allDeals chan openDealsResult
	// phrases are the scope phrases, indexed once.
	phrases phraseIndex
	// mboxSegment is how much of an mbox each worker reads at a time (0:
	// defaultMboxSegment); tests make it small to cut messages anywhere.
	mboxSegment int64
	// currencies caches clients' currencies.
	currencies map[string]cartera.Currency
	rec        *records
	probs      []csvio.Problem
	rep        *Report
	// tx is the import's transaction when mail is written as it is read
	// (Options.WriteAsRead), mail the writer doing it, and pending what
	// was read since its last batch.
	tx      cartera.ImportTx
	mail    *mailWriter
	pending mailWrite
}

// Import reads every source, matches what it finds and writes the records
// in one transaction (or, with DryRun, only plans them). Problems in the
// sources come back as a *csvio.ProblemsError, and nothing is written.
func Import(ctx context.Context, st cartera.Store, srcs []Source, o Options) (*Report, error) {
	var tx cartera.ImportTx
	if o.WriteAsRead && !o.DryRun {
		var err error
		if tx, err = st.BeginImport(ctx); err != nil {
			return nil, err
		}
		defer tx.Rollback()
	}
	p, err := prepare(ctx, st, srcs, o, tx)
	if err != nil || o.DryRun {
		return p.Report(), err
	}
	if tx == nil {
		if tx, err = st.BeginImport(ctx); err != nil {
			return nil, err
		}
		defer tx.Rollback()
	}
	if err := p.Write(ctx, tx); err != nil {
		return nil, err
	}
	return p.Report(), tx.Commit(ctx)
}

// Prepared is a run read, matched and planned, ready to be written.
type Prepared struct{ r *run }

// Report is what the run does (or, for a dry run, would do).
func (p *Prepared) Report() *Report {
	if p == nil || p.r == nil {
		return nil
	}
	return p.r.rep
}

// Write writes the run's records into an import transaction (the
// caller's, when other files are imported with them).
func (p *Prepared) Write(ctx context.Context, tx cartera.ImportTx) error { return p.r.write(ctx, tx) }

// Prepare reads every source, matches what it finds and plans the
// records, without writing.
func Prepare(ctx context.Context, st cartera.Store, srcs []Source, o Options) (*Prepared, error) {
	return prepare(ctx, st, srcs, o, nil)
}

// prepare is Prepare; with a transaction, mail is written into it as it
// is read (Options.WriteAsRead), and Write writes the rest.
func prepare(ctx context.Context, st cartera.Store, srcs []Source, o Options, tx cartera.ImportTx) (*Prepared, error) {
	if o.Now.IsZero() {
		return nil, errors.New("capture: Options.Now is not set")
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MaxChanges <= 0 {
		o.MaxChanges = 200
	}
	r := &run{ctx: ctx, st: st, o: o, today: cartera.DateFromTime(o.Now.In(o.Location)), deals: map[string][]cartera.Deal{},
		rec: newRecords(), rep: &Report{DryRun: o.DryRun}, tx: tx}
	// However it ends, the mail writer is done with the transaction
	// before the caller commits or rolls it back.
	defer r.finishMail()
	if o.Config != nil {
		r.cfg = o.Config.withDefaults()
	} else {
		cfg, err := LoadConfig(ctx, st)
		if err != nil {
			return nil, err
		}
		r.cfg = cfg
	}
	if o.Policy != nil {
		r.pol = *o.Policy
	} else {
		pol, err := st.Policy(ctx)
		if err != nil {
			return nil, err
		}
		r.pol = pol
	}
	id, err := LoadIdentity(ctx, st)
	if err != nil {
		return nil, err
	}
	r.id = id
	for _, x := range o.Also {
		switch x := x.(type) {
		case cartera.Client:
			id.AddClient(x)
		case cartera.Contact:
			id.AddContact(x)
		case cartera.Deal:
			if x.ClientID != "" && x.Outcome == cartera.OutcomeOpen {
				ds, err := r.openDeals(x.ClientID)
				if err != nil {
					return nil, err
				}
				r.deals[x.ClientID] = append(ds, x)
			}
		}
	}
	for _, s := range srcs {
		if err := r.read(s); err != nil {
			return nil, err
		}
	}
	if err := r.finishMail(); err != nil {
		return nil, err
	}
	if len(r.probs) > 0 {
		return &Prepared{r}, &csvio.ProblemsError{Problems: r.probs}
	}
	if r.rec.mail != nil {
		if err := r.deriveMail(); err != nil {
			return nil, err
		}
	}
	if err := r.plan(); err != nil {
		return nil, err
	}
	return &Prepared{r}, nil
}

// LoadIdentity builds the identity from the match table, the contacts and
// clients with addresses, and the users (our own addresses).
func LoadIdentity(ctx context.Context, st cartera.Store) (*cartera.Identity, error) {
	id := cartera.NewIdentity()
	rules, err := st.MatchRules(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		id.AddRule(r)
	}
	if err := st.EachClient(ctx, func(c cartera.Client) error { id.AddClient(c); return nil }); err != nil {
		return nil, err
	}
	if err := st.EachContact(ctx, func(c cartera.Contact) error { id.AddContact(c); return nil }); err != nil {
		return nil, err
	}
	users, err := st.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		id.AddSelf(u.Email)
	}
	return id, nil
}

// problem records a problem at a source's line.
func (r *run) problem(src string, line int, key string, args ...any) {
	if len(r.probs) < 50 {
		r.probs = append(r.probs, csvio.Problem{File: src, Line: line, Column: 1, Msg: cartera.M(key, args...)})
	}
}

// read reads one source by its kind.
func (r *run) read(s Source) error {
	kind := s.Kind
	if kind == "" {
		rc, err := s.Open()
		if err != nil {
			r.problem(s.Name, 1, "import.cannot_open", "reason", err.Error())
			return nil
		}
		head := make([]byte, 4096)
		n, _ := io.ReadFull(bufio.NewReader(rc), head)
		rc.Close()
		kind = Detect(head[:n])
	}
	switch kind {
	case KindCalendar:
		return r.readCalendar(s)
	case KindInvoice:
		return r.readInvoice(s)
	case KindMail:
		return r.readMail(s)
	}
	r.problem(s.Name, 1, "capture.unknown_source")
	return nil
}

// openDeals returns a client's open deals, by id.
func (r *run) openDeals(client string) ([]cartera.Deal, error) {
	if ds, ok := r.deals[client]; ok {
		return ds, nil
	}
	var out []cartera.Deal
	q := cartera.DealQuery{ClientID: client, Outcome: cartera.OutcomeOpen, Limit: 500}
	for {
		page, next, err := r.st.ListDeals(r.ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			break
		}
		q.After = next
	}
	r.deals[client] = out
	return out, nil
}

// openDealsResult is every open deal, by client.
type openDealsResult struct {
	byClient map[string][]cartera.Deal
	err      error
}

// prefetchOpenDeals starts reading every open deal, by client, while a
// mailbox is read. A mailbox names hundreds of clients: their deals then
// come from one query made meanwhile, not one query a client after the
// file is read (500 on the 1 GB benchmark, a tenth of its time).
func (r *run) prefetchOpenDeals() {
	if r.allDeals != nil {
		return
	}
	ch := make(chan openDealsResult, 1)
	r.allDeals = ch
	go func() {
		res := openDealsResult{byClient: map[string][]cartera.Deal{}}
		q := cartera.DealQuery{Outcome: cartera.OutcomeOpen, Limit: 500}
		for {
			page, next, err := r.st.ListDeals(r.ctx, q)
			if err != nil {
				res.err = err
				break
			}
			for _, d := range page {
				res.byClient[d.ClientID] = append(res.byClient[d.ClientID], d)
			}
			if next == "" {
				break
			}
			q.After = next
		}
		ch <- res
	}()
}

// takeOpenDeals waits for prefetchOpenDeals and keeps the open deals of
// the clients given whose deals are not loaded yet (a client with none
// is kept too, as having none).
func (r *run) takeOpenDeals(clients []string) error {
	if r.allDeals == nil {
		return nil
	}
	res := <-r.allDeals
	r.allDeals = nil
	if res.err != nil {
		return res.err
	}
	for _, c := range clients {
		if _, ok := r.deals[c]; !ok {
			r.deals[c] = res.byClient[c]
		}
	}
	return nil
}

// dealsFor returns the deals evidence about a client on a day goes to:
// the rule's deal when it names one, else every open deal of the client
// that existed on that day.
func (r *run) dealsFor(w cartera.Who, day cartera.Date) ([]cartera.Deal, error) {
	ds, err := r.openDeals(w.ClientID)
	if err != nil {
		return nil, err
	}
	var out []cartera.Deal
	for _, d := range ds {
		if (w.DealID == "" || d.ID == w.DealID) && d.Created <= day {
			out = append(out, d)
		}
	}
	return out, nil
}

// plan compares each record with what is stored.
func (r *run) plan() error {
	rep := r.rep
	rep.Created, rep.Updated, rep.Unchanged = map[cartera.Entity]int{}, map[cartera.Entity]int{}, map[cartera.Entity]int{}
	note := func(e cartera.Entity, id, client, deal string, day cartera.Date, what cartera.Message, old any, err error, same func() bool) error {
		action := "update"
		switch {
		case cartera.ErrorCode(err) == cartera.ENOTFOUND:
			action = "create"
			rep.Created[e]++
		case err != nil:
			return err
		case same():
			rep.Unchanged[e]++
			return nil
		default:
			rep.Updated[e]++
		}
		if len(rep.Changes) < r.o.MaxChanges {
			rep.Changes = append(rep.Changes, Change{Action: action, Entity: e, ID: id, ClientID: client, DealID: deal, Day: day,
				What: what, Origin: r.rec.origin[key(e, id)]})
		}
		return nil
	}
	for _, s := range r.rec.signals {
		old, err := r.st.Signal(r.ctx, s.ID)
		client := ""
		if err := note(cartera.EntitySignals, s.ID, client, s.DealID, s.Day, cartera.M("signal."+string(s.Kind)), old, err, func() bool {
			return old.DealID == s.DealID && old.Kind == s.Kind && old.Day == s.Day && old.Source == s.Source && old.Days == s.Days && old.Note == s.Note
		}); err != nil {
			return err
		}
	}
	for _, t := range r.rec.times {
		old, err := r.st.TimeEntry(r.ctx, t.ID)
		if err := note(cartera.EntityTime, t.ID, t.ClientID, "", t.Day, cartera.M("capture.what_time", "hours", t.Hours), old, err, func() bool {
			return old.ClientID == t.ClientID && old.Day == t.Day && old.Hours == t.Hours && old.Billable == t.Billable && old.Note == t.Note
		}); err != nil {
			return err
		}
	}
	for _, v := range r.rec.invoices {
		old, err := r.st.Invoice(r.ctx, v.ID)
		if err := note(cartera.EntityInvoices, v.ID, v.ClientID, "", v.Issued, cartera.M("capture.what_invoice", "number", v.Number, "amount", v.Amount), old, err, func() bool {
			return old.ClientID == v.ClientID && old.Number == v.Number && old.Issued == v.Issued && old.Due == v.Due && old.Paid == v.Paid && old.Amount == v.Amount
		}); err != nil {
			return err
		}
	}
	for _, c := range r.rec.concessions {
		old, err := r.st.Concession(r.ctx, c.ID)
		if err := note(cartera.EntityConcessions, c.ID, c.ClientID, "", c.Day, cartera.M("capture.what_discount", "amount", c.Amount), old, err, func() bool {
			return old.ClientID == c.ClientID && old.Day == c.Day && old.Kind == c.Kind && old.Amount == c.Amount && old.Percent == c.Percent && old.Note == c.Note
		}); err != nil {
			return err
		}
	}
	for _, u := range r.rec.unmatched {
		rep.Unmatched = append(rep.Unmatched, *u)
	}
	sort.Slice(rep.Unmatched, func(i, j int) bool {
		a, b := rep.Unmatched[i], rep.Unmatched[j]
		if a.Seen != b.Seen {
			return a.Seen > b.Seen
		}
		return a.Kind+cartera.MatchKind(a.Value) < b.Kind+cartera.MatchKind(b.Value)
	})
	if r.rec.mail != nil {
		if err := r.planMail(); err != nil {
			return err
		}
	}
	return nil
}

// write stores everything in the run's transaction.
func (r *run) write(ctx context.Context, tx cartera.ImportTx) error {
	pos := func(n int) []int64 {
		p := make([]int64, n)
		for i := range p {
			p[i] = int64(i + 1)
		}
		return p
	}
	check := func(d []cartera.Duplicate, err error) error {
		if err != nil {
			return err
		}
		if len(d) > 0 {
			return fmt.Errorf("capture: %d duplicate ids", len(d))
		}
		return nil
	}
	if err := check(tx.PutInvoices(ctx, r.rec.invoices, pos(len(r.rec.invoices)))); err != nil {
		return err
	}
	if err := check(tx.PutTimeEntries(ctx, r.rec.times, pos(len(r.rec.times)))); err != nil {
		return err
	}
	if err := check(tx.PutConcessions(ctx, r.rec.concessions, pos(len(r.rec.concessions)))); err != nil {
		return err
	}
	if err := check(tx.PutSignals(ctx, r.rec.signals, pos(len(r.rec.signals)))); err != nil {
		return err
	}
	if r.rec.mail != nil {
		if err := r.writeMail(ctx, tx); err != nil {
			return err
		}
	}
	if len(r.rec.prov) > 0 {
		if err := tx.PutProvenance(ctx, r.rec.prov); err != nil {
			return err
		}
	}
	if len(r.rep.Unmatched) > 0 {
		return tx.PutUnmatched(ctx, r.rep.Unmatched)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}
