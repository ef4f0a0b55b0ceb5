package csvio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/cartera/cartera"
)

// Source is one file to import.
type Source struct {
	// Name is what errors call the file (usually its base name).
	Name string
	Open func() (io.ReadCloser, error)
	// Size in bytes, for the progress bar; 0 when unknown.
	Size int64
}

// FileSource imports a file from disk.
func FileSource(path string) Source {
	var size int64
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	return Source{Name: filepath.Base(path), Size: size, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// BytesSource imports a file held in memory.
func BytesSource(name string, b []byte) Source {
	return Source{Name: name, Size: int64(len(b)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

// Options tune an import.
type Options struct {
	// Encoding forces a text encoding (see ParseEncoding); empty detects it.
	Encoding string
	// Separator forces the field separator; zero detects it per file.
	Separator rune
	// Decimal says how to read decimal numbers; auto decides per file.
	Decimal decimalMode
	// Location is the time zone of times written without one.
	Location *time.Location
	// Now is the current time: incidents and payments may not be later.
	Now time.Time
	// Currency is used for clients whose file has no currency column.
	Currency cartera.Currency
	// MaxProblems caps how many problems are listed; the rest are counted.
	MaxProblems int
	// DryRun validates everything and writes nothing.
	DryRun bool
	// Progress, when set, is called from time to time while reading.
	Progress func(Progress)
}

// Progress reports how far an import has read.
type Progress struct {
	File        string
	Done, Total int64 // bytes of the current file
	Rows        int64 // records read so far, all files
}

// Report is what an import did.
type Report struct {
	Files  []FileReport `json:"files"`
	Rows   int64        `json:"rows"`
	DryRun bool         `json:"dry_run"`
}

// FileReport describes one imported file.
type FileReport struct {
	Name     string         `json:"name"`
	Entity   cartera.Entity `json:"entity"`
	Format   string         `json:"format"`
	Encoding string         `json:"encoding"`
	Rows     int64          `json:"rows"`
	// Ignored lists header columns that cartera does not use.
	Ignored []string `json:"ignored_columns,omitempty"`
}

// Problem is one bad value, at file:line:column.
type Problem struct {
	File   string          `json:"file"`
	Line   int             `json:"line"`
	Column int             `json:"column"`
	Msg    cartera.Message `json:"-"`
}

// ProblemsError is returned when an import found bad values; nothing was
// written.
type ProblemsError struct {
	Problems []Problem
	// More counts problems found beyond the listed ones.
	More int
}

func (e *ProblemsError) Error() string {
	var b strings.Builder
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "%s:%d:%d: %s\n", p.File, p.Line, p.Column, p.Msg)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "… and %d more\n", e.More)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Total is the number of problems found.
func (e *ProblemsError) Total() int { return len(e.Problems) + e.More }

// problems collects problems from the reader and the writer goroutines.
type problems struct {
	mu   sync.Mutex
	max  int
	list []Problem
	more int
}

func (p *problems) add(pr Problem) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) < p.max {
		p.list = append(p.list, pr)
	} else {
		p.more++
	}
}

func (p *problems) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.list) + p.more
}

// opened is a source whose header has been recognised.
type opened struct {
	idx  int
	src  Source
	rc   io.ReadCloser
	lay  *layout
	rows rowReader
	rep  *FileReport
}

// batchSize is how many records travel together from reader to writer.
const batchSize = 1000

type batch struct {
	file   *opened
	rows   any // []cartera.Client, []cartera.Invoice, …
	pos    []int64
	idCols []int
}

// Import validates every source and writes all of them in one transaction,
// or nothing. Files may come in any order: they are processed clients
// first, then contacts, then events, so that references resolve.
func Import(ctx context.Context, st cartera.Store, srcs []Source, o Options) (*Report, error) {
	if o.MaxProblems <= 0 {
		o.MaxProblems = 50
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if !o.Currency.Valid() {
		o.Currency = "EUR"
	}
	probs := &problems{max: o.MaxProblems}
	var err error
	var files []*opened
	defer func() {
		for _, f := range files {
			f.rc.Close()
		}
	}()
	for i, s := range srcs {
		f, err := openSource(i, s, o)
		if err != nil {
			var pe *posError
			if errors.As(err, &pe) {
				probs.add(Problem{File: s.Name, Line: pe.line, Column: pe.col, Msg: pe.msg})
				continue
			}
			return nil, err
		}
		files = append(files, f)
	}
	if probs.count() > 0 {
		return nil, &ProblemsError{Problems: probs.list, More: probs.more}
	}
	order := map[cartera.Entity]int{}
	for i, e := range cartera.Entities {
		order[e] = i
	}
	sort.SliceStable(files, func(i, j int) bool {
		return order[files[i].lay.schema.entity] < order[files[j].lay.schema.entity]
	})

	v := &validator{o: o, probs: probs, clients: map[string]cartera.Currency{}, contacts: map[string]string{},
		deals: map[string]cartera.Currency{}}
	if err := st.ClientKeys(ctx, func(id string, c cartera.Currency) error { v.clients[id] = c; return nil }); err != nil {
		return nil, err
	}
	if err := st.DealKeys(ctx, func(id string, c cartera.Currency) error { v.deals[id] = c; return nil }); err != nil {
		return nil, err
	}
	if v.pipeline, err = st.Pipeline(ctx); err != nil {
		return nil, err
	}
	if err := st.ContactKeys(ctx, func(id, client string) error { v.contacts[id] = client; return nil }); err != nil {
		return nil, err
	}

	tx, err := st.BeginImport(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	// The reader parses and validates on one goroutine while this one
	// writes, so that both cores work on a large import.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 4)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- v.readAll(ctx, files, batches)
	}()
	var writeErr error
	for b := range batches {
		if writeErr != nil {
			continue // drain so the reader can finish
		}
		dups, err := put(ctx, tx, b)
		if err != nil {
			writeErr = err
			cancel()
			continue
		}
		for _, d := range dups {
			fi, line := int(d.FirstPos>>32), int(d.FirstPos&0xffffffff)
			first := fmt.Sprintf("%s:%d", srcs[fi].Name, line)
			probs.add(Problem{File: b.file.src.Name, Line: int(b.pos[d.Index] & 0xffffffff), Column: b.idCols[d.Index],
				Msg: cartera.M("import.duplicate_id", "first", first)})
		}
	}
	if err := <-readErr; err != nil && writeErr == nil {
		writeErr = err
	}
	if writeErr != nil {
		return nil, writeErr
	}
	rep := &Report{DryRun: o.DryRun}
	for _, f := range files {
		rep.Files = append(rep.Files, *f.rep)
		rep.Rows += f.rep.Rows
	}
	if probs.count() > 0 {
		sortProblems(probs.list, srcs)
		return rep, &ProblemsError{Problems: probs.list, More: probs.more}
	}
	if o.DryRun {
		return rep, tx.Rollback()
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return rep, nil
}

func sortProblems(ps []Problem, srcs []Source) {
	idx := map[string]int{}
	for i, s := range srcs {
		idx[s.Name] = i
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if idx[a.File] != idx[b.File] {
			return idx[a.File] < idx[b.File]
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

func openSource(i int, s Source, o Options) (*opened, error) {
	rc, err := s.Open()
	if err != nil {
		return nil, &posError{1, 1, cartera.M("import.cannot_open", "reason", err.Error())}
	}
	d, err := decode(rc, o.Encoding)
	if err != nil {
		rc.Close()
		if errors.Is(err, errBinary) {
			return nil, &posError{1, 1, cartera.M("import.binary")}
		}
		return nil, &posError{1, 1, cartera.M("import.cannot_read", "reason", err.Error())}
	}
	lay, rows, err := openRows(d, o.Separator, filepath.Base(s.Name))
	if err != nil {
		rc.Close()
		return nil, err
	}
	format := "csv"
	if _, ok := rows.(*jsonRows); ok {
		format = "jsonl"
	}
	var ignored []string
	ignored = append(ignored, lay.unknown...)
	return &opened{idx: i, src: s, rc: rc, lay: lay, rows: rows, rep: &FileReport{
		Name: s.Name, Entity: lay.schema.entity, Format: format, Encoding: d.encoding, Ignored: ignored,
	}}, nil
}

func put(ctx context.Context, tx cartera.ImportTx, b batch) ([]cartera.Duplicate, error) {
	switch rows := b.rows.(type) {
	case []cartera.Client:
		return tx.PutClients(ctx, rows, b.pos)
	case []cartera.Contact:
		return tx.PutContacts(ctx, rows, b.pos)
	case []cartera.Invoice:
		return tx.PutInvoices(ctx, rows, b.pos)
	case []cartera.TimeEntry:
		return tx.PutTimeEntries(ctx, rows, b.pos)
	case []cartera.Concession:
		return tx.PutConcessions(ctx, rows, b.pos)
	case []cartera.Incident:
		return tx.PutIncidents(ctx, rows, b.pos)
	case []cartera.Deal:
		return tx.PutDeals(ctx, rows, b.pos)
	case []cartera.Signal:
		return tx.PutSignals(ctx, rows, b.pos)
	}
	return nil, fmt.Errorf("unknown batch %T", b.rows)
}

// validator turns records into domain values, reporting every bad one.
type validator struct {
	o        Options
	probs    *problems
	clients  map[string]cartera.Currency // known client ids → currency
	contacts map[string]string           // known contact ids → client id
	deals    map[string]cartera.Currency // known deal ids → currency
	pipeline cartera.Pipeline
	rows     int64
}

// readAll reads every file in order and sends valid records in batches.
// After the first problem it keeps validating (to report as many problems
// as possible) but stops sending: nothing will be committed anyway.
func (v *validator) readAll(ctx context.Context, files []*opened, out chan<- batch) error {
	for _, f := range files {
		if err := v.readFile(ctx, f, out); err != nil {
			return err
		}
	}
	return nil
}

func (v *validator) readFile(ctx context.Context, f *opened, out chan<- batch) error {
	s := f.lay.schema
	rec := record{vals: make([]string, len(s.cols)), cols: make([]int, len(s.cols))}
	var cur batch
	reset := func() {
		cur = batch{file: f}
		switch s.entity {
		case cartera.EntityClients:
			cur.rows = make([]cartera.Client, 0, batchSize)
		case cartera.EntityContacts:
			cur.rows = make([]cartera.Contact, 0, batchSize)
		case cartera.EntityInvoices:
			cur.rows = make([]cartera.Invoice, 0, batchSize)
		case cartera.EntityTime:
			cur.rows = make([]cartera.TimeEntry, 0, batchSize)
		case cartera.EntityConcessions:
			cur.rows = make([]cartera.Concession, 0, batchSize)
		case cartera.EntityIncidents:
			cur.rows = make([]cartera.Incident, 0, batchSize)
		case cartera.EntityDeals:
			cur.rows = make([]cartera.Deal, 0, batchSize)
		case cartera.EntitySignals:
			cur.rows = make([]cartera.Signal, 0, batchSize)
		}
	}
	flush := func() error {
		if len(cur.pos) == 0 {
			return nil
		}
		if v.probs.count() == 0 {
			select {
			case out <- cur:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		reset()
		return nil
	}
	reset()
	lastReport := time.Now()
	for {
		err := f.rows.next(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *posError
			if errors.As(err, &pe) {
				// The file cannot be read past a syntax error.
				v.probs.add(Problem{File: f.src.Name, Line: pe.line, Column: pe.col, Msg: pe.msg})
				break
			}
			return fmt.Errorf("%s: %w", f.src.Name, err)
		}
		if rec.line < 0 {
			continue
		}
		v.rows++
		f.rep.Rows++
		c := &checker{v: v, f: f, rec: &rec, s: s}
		if id := c.id(); id != "" {
			ok := c.appendTo(&cur, id)
			if ok {
				cur.pos = append(cur.pos, int64(f.idx)<<32|int64(rec.line))
				cur.idCols = append(cur.idCols, rec.cols[0])
			}
		}
		if len(cur.pos) >= batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
		if v.o.Progress != nil && v.rows%4096 == 0 && time.Since(lastReport) > 100*time.Millisecond {
			lastReport = time.Now()
			v.o.Progress(Progress{File: f.src.Name, Done: f.rows.bytesRead(), Total: f.src.Size, Rows: v.rows})
		}
	}
	if v.o.Progress != nil {
		v.o.Progress(Progress{File: f.src.Name, Done: f.rows.bytesRead(), Total: f.src.Size, Rows: v.rows})
	}
	return flush()
}

// checker validates one record.
type checker struct {
	v   *validator
	f   *opened
	rec *record
	s   *schema
	bad bool
}

func (c *checker) fail(col string, m *cartera.Message) {
	c.bad = true
	j := c.s.index(col)
	column := 1
	if j >= 0 && c.rec.cols[j] > 0 {
		column = c.rec.cols[j]
	}
	name := col
	if j >= 0 {
		name = c.s.cols[j].es
	}
	c.v.probs.add(Problem{File: c.f.src.Name, Line: c.rec.line, Column: column,
		Msg: cartera.M("import.bad_value", "column", name, "problem", *m)})
}

func (c *checker) val(col string) string {
	if j := c.s.index(col); j >= 0 {
		return c.rec.vals[j]
	}
	return ""
}

// maxText caps free-text fields; maxID caps identifiers.
const (
	maxText = 10000
	maxID   = 200
)

func (c *checker) id() string {
	id := c.val("id")
	switch {
	case id == "":
		c.fail("id", problem("value.required"))
		return ""
	case len(id) > maxID:
		c.fail("id", problem("value.too_long", "max", maxID))
		return ""
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		c.fail("id", problem("value.control_chars"))
		return ""
	}
	return id
}

func (c *checker) text(col string, required bool) string {
	s := c.val(col)
	if required && s == "" {
		c.fail(col, problem("value.required"))
	}
	if len(s) > maxText {
		c.fail(col, problem("value.too_long", "max", maxText))
	}
	return s
}

func (c *checker) date(col string, required bool) cartera.Date {
	s := c.val(col)
	if s == "" {
		if required {
			c.fail(col, problem("value.required"))
		}
		return 0
	}
	d, bad := parseDate(s)
	if bad != nil {
		c.fail(col, bad)
	}
	return d
}

// client checks a client reference and returns its currency.
func (c *checker) client() (string, cartera.Currency) {
	id := c.val("client_id")
	if id == "" {
		c.fail("client_id", problem("value.required"))
		return "", ""
	}
	cur, ok := c.v.clients[id]
	if !ok {
		c.fail("client_id", problem("value.unknown_client", "value", id))
	}
	return id, cur
}

// currency checks an optional currency column against the client's.
func (c *checker) currency(clientCur cartera.Currency) cartera.Currency {
	s := c.val("currency")
	if s == "" {
		return clientCur
	}
	cur, err := cartera.ParseCurrency(s)
	if err != nil {
		c.fail("currency", problem("value.unknown_currency", "value", s))
		return clientCur
	}
	if clientCur != "" && cur != clientCur {
		c.fail("currency", problem("value.currency_mismatch", "value", string(cur), "client", string(clientCur)))
	}
	return cur
}

func (c *checker) money(col string, cur cartera.Currency, required bool) cartera.Money {
	s := c.val(col)
	if s == "" {
		if required {
			c.fail(col, problem("value.required"))
		}
		return cartera.Money{Currency: cur}
	}
	if cur == "" {
		return cartera.Money{} // the client is unknown: already reported
	}
	n, bad := parseScaled(s, cur.Exponent(), c.mode())
	if bad != nil {
		c.fail(col, bad)
	}
	return cartera.Money{Amount: n, Currency: cur}
}

// mode is the decimal mode of this file: explicit, or guessed from its
// separator (semicolon files come from Spanish-locale spreadsheets).
func (c *checker) mode() decimalMode {
	if c.v.o.Decimal != decimalAutoPoint {
		return c.v.o.Decimal
	}
	if cr, ok := c.f.rows.(*csvRows); ok && cr.r.Comma == ';' {
		return decimalAutoComma
	}
	return decimalAutoPoint
}

// today is the current day where the user is.
func (c *checker) today() cartera.Date { return cartera.DateFromTime(c.v.o.Now.In(c.v.o.Location)) }

// check reports a record's own validation error (the rules the API and the
// forms share), unless parsing already found a problem in the row.
func (c *checker) check(err error) {
	if err == nil || c.bad {
		return
	}
	var e *cartera.Error
	if errors.As(err, &e) {
		c.fail(e.Field, &e.Msg)
		return
	}
	c.fail("id", problem("error.internal"))
}

// appendTo validates the record as its entity and appends it to the batch.
func (c *checker) appendTo(b *batch, id string) bool {
	switch rows := b.rows.(type) {
	case []cartera.Client:
		x := cartera.Client{ID: id, Name: c.text("name", true), Owner: c.text("owner", false),
			Service: c.text("service", false), Email: c.text("email", false), Phone: c.text("phone", false),
			Notes: c.text("notes", false), Since: c.date("since", false)}
		var bad *cartera.Message
		if x.FamilyFriend, bad = parseBool(c.val("family_friend")); bad != nil {
			c.fail("family_friend", bad)
		}
		x.Currency = c.v.o.Currency
		if s := c.val("currency"); s != "" {
			cur, err := cartera.ParseCurrency(s)
			if err != nil {
				c.fail("currency", problem("value.unknown_currency", "value", s))
			}
			x.Currency = cur
		}
		c.check(x.Validate())
		if old, ok := c.v.clients[id]; ok && old != x.Currency && !c.bad {
			c.fail("currency", problem("value.currency_change", "value", string(x.Currency), "old", string(old)))
		}
		if c.bad {
			return false
		}
		c.v.clients[strings.Clone(id)] = x.Currency // a field shares its line's memory
		b.rows = append(rows, x)
	case []cartera.Contact:
		client, _ := c.client()
		x := cartera.Contact{ID: id, ClientID: client, Name: c.text("name", true), Role: c.text("role", false),
			Email: c.text("email", false), Phone: c.text("phone", false)}
		var bad *cartera.Message
		if x.Seniority, bad = parseSeniority(c.val("seniority")); bad != nil {
			c.fail("seniority", bad)
		}
		c.check(x.Validate())
		if c.bad {
			return false
		}
		c.v.contacts[strings.Clone(id)] = strings.Clone(client)
		b.rows = append(rows, x)
	case []cartera.Invoice:
		client, cur := c.client()
		cur = c.currency(cur)
		x := cartera.Invoice{ID: id, ClientID: client, Number: c.text("number", false),
			Issued: c.date("issued", true), Due: c.date("due", true), Paid: c.date("paid", false)}
		x.Amount = c.money("amount", cur, true)
		c.check(x.Validate(c.today()))
		if c.bad {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.TimeEntry:
		client, _ := c.client()
		x := cartera.TimeEntry{ID: id, ClientID: client, Day: c.date("date", true), Note: c.text("note", false), Billable: true}
		var bad *cartera.Message
		if s := c.val("hours"); s == "" {
			c.fail("hours", problem("value.required"))
		} else if x.Hours, bad = parseHours(s, c.mode()); bad != nil {
			c.fail("hours", bad)
		}
		if s := c.val("billable"); s != "" {
			if x.Billable, bad = parseBool(s); bad != nil {
				c.fail("billable", bad)
			}
		}
		c.check(x.Validate(c.today()))
		if c.bad {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.Concession:
		client, cur := c.client()
		cur = c.currency(cur)
		x := cartera.Concession{ID: id, ClientID: client, Day: c.date("date", true), Note: c.text("note", false)}
		var bad *cartera.Message
		if x.Kind, bad = parseConcessionKind(c.val("kind")); bad != nil {
			c.fail("kind", bad)
		}
		x.Amount = c.money("amount", cur, false)
		if s := c.val("hours"); s != "" {
			if x.Hours, bad = parseHours(s, c.mode()); bad != nil {
				c.fail("hours", bad)
			}
		}
		if s := c.val("percent"); s != "" {
			if x.Percent, bad = parsePercent(s, c.mode()); bad != nil {
				c.fail("percent", bad)
			}
		}
		if x.Amount.Currency == "" {
			x.Amount.Currency = cur
		}
		c.check(x.Validate(c.today()))
		if c.bad {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.Incident:
		client, _ := c.client()
		x := cartera.Incident{ID: id, ClientID: client, ContactID: c.val("contact_id"), Note: c.text("note", false)}
		var bad *cartera.Message
		if s := c.val("at"); s == "" {
			c.fail("at", problem("value.required"))
		} else if x.At, bad = parseDateTime(s, c.v.o.Location); bad != nil {
			c.fail("at", bad)
		}
		if s := c.val("kind"); s == "" {
			c.fail("kind", problem("value.required"))
		} else if x.Kind, bad = parseKind(s); bad != nil {
			c.fail("kind", bad)
		}
		if s := c.val("severity"); s == "" {
			c.fail("severity", problem("value.required"))
		} else if x.Severity, bad = parseSeverity(s); bad != nil {
			c.fail("severity", bad)
		}
		c.check(x.Validate(c.v.o.Now))
		if x.ContactID != "" {
			owner, ok := c.v.contacts[x.ContactID]
			switch {
			case !ok:
				c.fail("contact_id", problem("value.unknown_contact", "value", x.ContactID))
			case client != "" && owner != client:
				c.fail("contact_id", problem("value.contact_other_client", "value", x.ContactID, "client", owner))
			}
		}
		if c.bad {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.Deal:
		x, ok := c.deal(id)
		if !ok {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.Signal:
		x, ok := c.signal(id)
		if !ok {
			return false
		}
		b.rows = append(rows, x)
	}
	return true
}

// enum reads an optional closed-set column.
func (c *checker) enum(col string, e enum) string {
	s := c.val(col)
	if s == "" {
		return ""
	}
	v, bad := e.parse(s)
	if bad != nil {
		c.fail(col, bad)
	}
	return v
}

// deal validates a deal: its client (when named) and currency, its stage
// against the pipeline, and the rules every deal follows.
func (c *checker) deal(id string) (cartera.Deal, bool) {
	x := cartera.Deal{ID: id, Prospect: c.text("prospect", false), Title: c.text("title", false), Owner: c.text("owner", false),
		Stage: cartera.Stage(c.val("stage")), StageSince: c.date("stage_since", false), ExpectedClose: c.date("expected_close", false),
		Created: c.date("created", true), Closed: c.date("closed", false), LostReason: c.text("lost_reason", false),
		Competitor: c.text("competitor", false)}
	cur := c.v.o.Currency
	if client := c.val("client_id"); client != "" {
		cc, ok := c.v.clients[client]
		if !ok {
			c.fail("client_id", problem("value.unknown_client", "value", client))
		}
		x.ClientID, cur = client, cc
	}
	if s := c.val("currency"); s != "" {
		cu, err := cartera.ParseCurrency(s)
		switch {
		case err != nil:
			c.fail("currency", problem("value.unknown_currency", "value", s))
		case x.ClientID != "" && cur != "" && cu != cur:
			c.fail("currency", problem("value.currency_mismatch", "value", string(cu), "client", string(cur)))
		}
		cur = cu
	}
	if old, ok := c.v.deals[id]; ok && cur != "" && old != cur && !c.bad {
		c.fail("currency", problem("deal.currency_change", "value", string(cur), "old", string(old)))
	}
	x.Value = c.money("value", cur, true)
	if s := c.val("claimed"); s != "" {
		var bad *cartera.Message
		if x.Claimed, bad = parsePercent(s, c.mode()); bad != nil {
			c.fail("claimed", bad)
		}
	}
	x.Category = cartera.ForecastCategory(c.enum("category", categoryEnum))
	x.Outcome = cartera.Outcome(c.enum("outcome", outcomeEnum))
	if x.Outcome == "" {
		x.Outcome = cartera.OutcomeOpen
	}
	x.Qualification = cartera.Qualification{Need: cartera.Answer(c.enum("need", answerEnum)),
		Capacity: cartera.Answer(c.enum("capacity", answerEnum)), DecisionMaker: cartera.Answer(c.enum("decision_maker", answerEnum))}
	if x.StageSince.IsZero() {
		x.StageSince = x.Created
	}
	c.check(x.Validate(c.v.pipeline, c.today()))
	if c.bad {
		return x, false
	}
	c.v.deals[strings.Clone(id)] = cur
	return x, true
}

// signal validates a signal on a known deal.
func (c *checker) signal(id string) (cartera.Signal, bool) {
	x := cartera.Signal{ID: id, DealID: c.val("deal_id"), Day: c.date("date", true), Note: c.text("note", false)}
	if x.DealID == "" {
		c.fail("deal_id", problem("value.required"))
	} else if _, ok := c.v.deals[x.DealID]; !ok {
		c.fail("deal_id", problem("signal.unknown_deal", "value", x.DealID))
	}
	if s := c.val("kind"); s == "" {
		c.fail("kind", problem("value.required"))
	} else {
		x.Kind = cartera.SignalKind(c.enum("kind", signalEnum))
	}
	x.Source = c.enum("source", sourceEnum)
	if s := c.val("days"); s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			c.fail("days", problem("value.not_integer", "value", s))
		}
		x.Days = n
	}
	c.check(x.Validate(c.today()))
	return x, !c.bad
}
