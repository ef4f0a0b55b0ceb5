package csvio

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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
	// Sheet names the sheet of a spreadsheet (.xlsx) to import, or its
	// 1-based number; empty means the first.
	Sheet string
	// Location is the time zone of times written without one.
	Location *time.Location
	// Now is the current time, from the caller's clock (required by Import
	// and Preview): incidents and payments may not be later.
	Now time.Time
	// Currency is used for clients whose file has no currency column.
	Currency cartera.Currency
	// MaxProblems caps how many problems are listed; the rest are counted.
	MaxProblems int
	// DryRun validates everything and writes nothing.
	DryRun bool
	// Mappings are the user's own column mappings (cartera import --map),
	// tried on each CSV file before cartera's formats and the built-in
	// vendor mappings.
	Mappings []*Mapping
	// Progress, when set, is called from time to time while reading.
	Progress func(Progress)
	// Pipeline, when set, is the pipeline deals are checked against
	// instead of the store's: a move between stores brings its own.
	Pipeline *cartera.Pipeline
	// Observe, when set, is told of every valid client, contact and deal
	// read (cartera.Client, cartera.Contact, cartera.Deal values), from
	// the reading goroutine: what a capture in the same run matches
	// against besides what is stored.
	Observe func(record any)
	// BeforeCommit, when set, runs after every record is written and
	// before the commit, inside the same transaction: what it writes
	// lands with the records or not at all.
	BeforeCommit func(ctx context.Context, tx cartera.ImportTx) error
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
	// Sheet is the sheet read from a spreadsheet.
	Sheet string `json:"sheet,omitempty"`
	Rows  int64  `json:"rows"`
	// Ignored lists header columns that cartera does not use.
	Ignored []string `json:"ignored_columns,omitempty"`
	// Mapping names the mapping that read the file (a vendor export such
	// as "salesforce-en", or the user's), and DateOrder how it read
	// slashed dates (dmy or mdy; empty when the file has only ISO dates).
	// Both are empty for cartera's own files.
	Mapping   string `json:"mapping,omitempty"`
	DateOrder string `json:"date_order,omitempty"`
	// Skipped counts the rows the mapping's skip_empty left out, for lack
	// of a value in one of SkippedFor.
	Skipped    int64    `json:"skipped_rows,omitempty"`
	SkippedFor []string `json:"skipped_for,omitempty"`
	// OtherCurrencies counts the deals in a currency other than the
	// user's (Options.Currency), by currency: their sums are kept apart,
	// never converted, and the import says so.
	OtherCurrencies map[cartera.Currency]int64 `json:"other_currencies,omitempty"`
	// FooterLines counts the closing lines of a report export skipped
	// after the data, from line FooterLine.
	FooterLines int `json:"footer_lines,omitempty"`
	FooterLine  int `json:"footer_line,omitempty"`
	// Matched and Unmatched group a time tracker's rows by project: the
	// client each project went to and how, and the projects no rule or
	// client name explains, whose rows were left out.
	Matched   []TrackerMatch `json:"matched,omitempty"`
	Unmatched []TrackerMatch `json:"unmatched,omitempty"`
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
	// prov says where captured records came from (tracker exports).
	prov []cartera.Provenance
}

// Import validates every source and writes all of them in one transaction,
// or nothing. Files may come in any order: they are processed clients
// first, then contacts, then events, so that references resolve.
func Import(ctx context.Context, st cartera.Store, srcs []Source, o Options) (*Report, error) {
	if o.Now.IsZero() {
		return nil, errNoClock
	}
	o = o.withDefaults()
	probs := &problems{max: o.MaxProblems}
	if len(o.Mappings) > 0 {
		// A mapping's own mistakes come first: they explain the files'.
		p, err := st.Pipeline(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range o.Mappings {
			if err := m.Compile(); err != nil {
				return nil, err
			}
			for _, pr := range m.checkPipeline(p) {
				probs.add(pr)
			}
		}
		if probs.count() > 0 {
			return nil, &ProblemsError{Problems: probs.list, More: probs.more}
		}
	}
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
			var se *sourceError
			switch {
			case errors.As(err, &se):
				probs.add(Problem{File: se.name, Line: se.pe.line, Column: se.pe.col, Msg: se.pe.msg})
				continue
			case errors.As(err, &pe):
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
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	for _, f := range files {
		names[f.idx] = f.src.Name // a spreadsheet's problems are at file:sheet
	}
	order := map[cartera.Entity]int{}
	for i, e := range cartera.Entities {
		order[e] = i
	}
	sort.SliceStable(files, func(i, j int) bool {
		return order[files[i].lay.schema.entity] < order[files[j].lay.schema.entity]
	})

	mapped, tracked := false, false
	for _, f := range files {
		mapped = mapped || f.lay.mapping != nil
		tracked = tracked || (f.lay.mapping != nil && f.lay.schema.entity == cartera.EntityTime)
	}
	v, err := newValidator(ctx, st, o, probs, mapped)
	if err != nil {
		return nil, err
	}
	if tracked {
		rules, err := st.MatchRules(ctx)
		if err != nil {
			return nil, err
		}
		v.trackers = newTrackerState(rules)
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
		if err == nil && len(b.prov) > 0 {
			err = tx.PutProvenance(ctx, b.prov)
		}
		if err != nil {
			writeErr = err
			cancel()
			continue
		}
		for _, d := range dups {
			fi, line := int(d.FirstPos>>32), int(d.FirstPos&0xffffffff)
			first := fmt.Sprintf("%s:%d", names[fi], line)
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
	var unmatched []cartera.Unmatched
	if v.trackers != nil {
		unmatched = v.trackers.report(files)
	}
	rep := &Report{DryRun: o.DryRun}
	for _, f := range files {
		rep.Files = append(rep.Files, *f.rep)
		rep.Rows += f.rep.Rows
	}
	if probs.count() > 0 {
		sortProblems(probs.list, names)
		return rep, &ProblemsError{Problems: probs.list, More: probs.more}
	}
	if o.DryRun {
		return rep, tx.Rollback()
	}
	if len(unmatched) > 0 {
		if err := tx.PutUnmatched(ctx, unmatched); err != nil {
			return nil, err
		}
	}
	if o.BeforeCommit != nil {
		if err := o.BeforeCommit(ctx, tx); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return rep, nil
}

// sourceError is a problem opening a source that is reported under
// another name than the source's (a spreadsheet's file:sheet).
type sourceError struct {
	name string
	pe   *posError
}

func (e *sourceError) Error() string { return e.name + ":" + e.pe.Error() }

// errNoClock is a caller's mistake: csvio never reads the wall clock.
var errNoClock = errors.New("csvio: Options.Now is not set")

// withDefaults fills in the options left zero.
func (o Options) withDefaults() Options {
	if o.MaxProblems <= 0 {
		o.MaxProblems = 50
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if !o.Currency.Valid() {
		o.Currency = "EUR"
	}
	return o
}

// newValidator loads what validation needs from the store: the keys of
// clients, contacts and deals, the pipeline, and, for mapped files, the
// clients' names.
func newValidator(ctx context.Context, st cartera.Store, o Options, probs *problems, names bool) (*validator, error) {
	v := &validator{o: o, probs: probs, clients: map[string]cartera.Currency{}, contacts: map[string]string{},
		deals: map[string]cartera.Currency{}}
	if err := st.ClientKeys(ctx, func(id string, c cartera.Currency) error { v.clients[id] = c; return nil }); err != nil {
		return nil, err
	}
	if err := st.DealKeys(ctx, func(id string, c cartera.Currency) error { v.deals[id] = c; return nil }); err != nil {
		return nil, err
	}
	if o.Pipeline != nil {
		v.pipeline = *o.Pipeline
	} else {
		var err error
		if v.pipeline, err = st.Pipeline(ctx); err != nil {
			return nil, err
		}
	}
	if err := st.ContactKeys(ctx, func(id, client string) error { v.contacts[id] = client; return nil }); err != nil {
		return nil, err
	}
	if names {
		v.names = newClientNames()
		if err := st.EachClient(ctx, func(c cartera.Client) error { v.names.add(c.Name, c.ID); return nil }); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func sortProblems(ps []Problem, names []string) {
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
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
	br := bufio.NewReaderSize(rc, sniffSize)
	if head, _ := br.Peek(len(zipMagic)); bytes.Equal(head, zipMagic) {
		lay, rows, sheet, err := openWorkbook(s, rc, br, o)
		if sheet != "" {
			s.Name += ":" + sheet // problems are at file:sheet:row:column
		}
		if err != nil {
			rc.Close()
			var pe *posError
			if errors.As(err, &pe) {
				return nil, &sourceError{name: s.Name, pe: pe}
			}
			return nil, err
		}
		rep := &FileReport{Name: s.Name, Entity: lay.schema.entity, Format: "xlsx", Sheet: sheet, Ignored: append([]string(nil), lay.unknown...)}
		if lay.mapping != nil {
			rep.Mapping = lay.mapping.Name
		}
		return &opened{idx: i, src: s, rc: rc, lay: lay, rows: rows, rep: rep}, nil
	}
	d, err := decode(struct {
		io.Reader
		io.Closer
	}{br, rc}, o.Encoding)
	if err != nil {
		rc.Close()
		if errors.Is(err, errBinary) {
			return nil, &posError{1, 1, cartera.M("import.binary")}
		}
		return nil, &posError{1, 1, cartera.M("import.cannot_read", "reason", err.Error())}
	}
	lay, rows, err := openRows(d, o.Separator, filepath.Base(s.Name), o.Mappings)
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
	rep := &FileReport{Name: s.Name, Entity: lay.schema.entity, Format: format, Encoding: d.encoding, Ignored: ignored}
	if lay.mapping != nil {
		rep.Mapping = lay.mapping.Name
		if lay.slashed {
			rep.DateOrder = lay.order.String()
		}
	}
	return &opened{idx: i, src: s, rc: rc, lay: lay, rows: rows, rep: rep}, nil
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
	// names finds clients by name for mapped files (nil otherwise).
	names *clientNames
	rows  int64
	// trackers resolves time trackers' projects (nil without such files).
	trackers *trackerState
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
	reset := func() { cur = batch{file: f, rows: newRows(s.entity, batchSize)} }
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
		for i, x := range rec.vals {
			rec.vals[i] = nfc(x)
		}
		v.rows++
		f.rep.Rows++
		c := newChecker(v, f, &rec)
		if t := c.skipped(); t != "" {
			// The mapping leaves out rows without this value.
			f.rep.Skipped++
			if !slices.Contains(f.rep.SkippedFor, t) {
				f.rep.SkippedFor = append(f.rep.SkippedFor, t)
			}
			continue
		}
		if c.m != nil && s.entity == cartera.EntityTime {
			// A tracker's entry has no id column: its id is made from it.
			if x, p, ok := c.trackerTime(); ok {
				cur.rows = append(cur.rows.([]cartera.TimeEntry), x)
				cur.prov = append(cur.prov, p)
				cur.pos = append(cur.pos, int64(f.idx)<<32|int64(rec.line))
				cur.idCols = append(cur.idCols, 1)
			}
		} else if id := c.id(); id != "" {
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
	if cr, ok := f.rows.(*csvRows); ok && cr.footerLines > 0 {
		f.rep.FooterLines, f.rep.FooterLine = cr.footerLines, cr.footer
	}
	return flush()
}

// newRows returns an empty slice of an entity's records.
func newRows(e cartera.Entity, n int) any {
	switch e {
	case cartera.EntityClients:
		return make([]cartera.Client, 0, n)
	case cartera.EntityContacts:
		return make([]cartera.Contact, 0, n)
	case cartera.EntityInvoices:
		return make([]cartera.Invoice, 0, n)
	case cartera.EntityTime:
		return make([]cartera.TimeEntry, 0, n)
	case cartera.EntityConcessions:
		return make([]cartera.Concession, 0, n)
	case cartera.EntityIncidents:
		return make([]cartera.Incident, 0, n)
	case cartera.EntityDeals:
		return make([]cartera.Deal, 0, n)
	case cartera.EntitySignals:
		return make([]cartera.Signal, 0, n)
	}
	return nil
}

// checker validates one record.
type checker struct {
	v   *validator
	f   *opened
	rec *record
	s   *schema
	// m is the mapping reading the file, nil for cartera's own files.
	m *compiled
	// from says, in a mapped file, which column a deal field came from
	// when it is not the field's own ("closed" from "close_date"), so
	// that a problem points at the column the user can fix.
	from map[string]string
	bad  bool
}

func newChecker(v *validator, f *opened, rec *record) *checker {
	c := &checker{v: v, f: f, rec: rec, s: f.lay.schema}
	if f.lay.mapping != nil {
		c.m = f.lay.mapping.c
	}
	return c
}

// note records that a deal field came from another column of the file.
func (c *checker) note(field, col string) {
	if c.from == nil {
		c.from = map[string]string{}
	}
	c.from[field] = col
}

func (c *checker) fail(col string, m *cartera.Message) {
	c.bad = true
	if src, ok := c.from[col]; ok {
		col = src
	}
	j := c.s.index(col)
	column := 1
	if j >= 0 && c.rec.cols[j] > 0 {
		column = c.rec.cols[j]
	}
	name := col
	switch {
	case j >= 0 && c.m != nil && c.rec.cols[j] > 0 && column <= len(c.f.lay.header):
		name = strings.TrimSpace(c.f.lay.header[column-1]) // the file's own name for it
	case j >= 0:
		name = c.s.cols[j].es
	}
	c.v.probs.add(Problem{File: c.f.src.Name, Line: c.rec.line, Column: column,
		Msg: cartera.M("import.bad_value", "column", name, "problem", *m)})
}

func (c *checker) val(col string) string {
	if j := c.s.index(col); j >= 0 && c.rec.vals[j] != "" {
		return c.rec.vals[j]
	}
	if c.m != nil {
		// A mapping may give a column a default, for empty cells and for
		// files without the column.
		if d, ok := c.m.defaults[col]; ok {
			return d
		}
	}
	return ""
}

// skipped returns the target whose empty value makes the mapping skip this
// row, or "".
func (c *checker) skipped() string {
	if c.m == nil {
		return ""
	}
	for _, t := range c.m.skipEmpty {
		if j := c.s.index(t); j < 0 || strings.TrimSpace(c.rec.vals[j]) == "" {
			return t
		}
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
	if c.m != nil && !c.m.autoDecimal {
		return c.m.decimal
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
		id = strings.Clone(id) // a field shares its whole line's memory
		c.v.clients[id] = x.Currency
		if c.v.names != nil {
			c.v.names.add(strings.Clone(x.Name), id)
		}
		b.rows = append(rows, x)
		c.observe(x)
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
		c.observe(x)
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
		c.observe(x)
	case []cartera.Signal:
		x, ok := c.signal(id)
		if !ok {
			return false
		}
		b.rows = append(rows, x)
	}
	return true
}

// observe tells Options.Observe of a valid record.
func (c *checker) observe(x any) {
	if c.v.o.Observe != nil {
		c.v.o.Observe(x)
	}
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
// against the pipeline, and the rules every deal follows. Files read
// through a mapping (vendor exports) take the same path, with their stage
// labels, outcomes, dates and company names translated on the way.
func (c *checker) deal(id string) (cartera.Deal, bool) {
	if c.m != nil {
		id = c.f.lay.mapping.IDPrefix + id
		if len(id) > maxID {
			c.fail("id", problem("value.too_long", "max", maxID))
		}
	}
	x := cartera.Deal{ID: id, Prospect: c.text("prospect", false), Title: c.text("title", false), Owner: c.text("owner", false),
		StageSince: c.dealDate("stage_since", false), ExpectedClose: c.dealDate("expected_close", false),
		Created: c.dealDate("created", true), Closed: c.dealDate("closed", false), LostReason: c.text("lost_reason", false),
		Competitor: c.text("competitor", false)}
	cur := c.v.o.Currency
	if client := c.val("client_id"); client != "" {
		cc, ok := c.v.clients[client]
		if !ok {
			c.fail("client_id", problem("value.unknown_client", "value", client))
		}
		x.ClientID, cur = client, cc
	} else if company := c.text("company", false); company != "" {
		// A vendor's organisation is one of our clients when the name
		// says so; otherwise it is the prospect.
		if client, ok := c.v.names.find(company); ok {
			x.ClientID, cur = client, c.v.clients[client]
			c.note("client_id", "company")
		} else if x.Prospect == "" {
			x.Prospect = company
			c.note("prospect", "company")
		}
		if x.Title == "" {
			x.Title = company
		}
	}
	currencyGiven := false
	if s := c.val("currency"); s != "" {
		cu, err := cartera.ParseCurrency(s)
		switch {
		case err != nil:
			c.fail("currency", problem("value.unknown_currency", "value", s))
		case x.ClientID != "" && cur != "" && cu != cur:
			c.fail("currency", problem("value.currency_mismatch", "value", string(cu), "client", string(cur)))
		}
		cur, currencyGiven = cu, true
	}
	if c.m != nil {
		x.Value = c.mappedMoney(cur, x.ClientID != "" || currencyGiven)
		cur = x.Value.Currency
	} else {
		x.Value = c.money("value", cur, true)
	}
	if old, ok := c.v.deals[id]; ok && cur != "" && old != cur && !c.bad {
		c.fail("currency", problem("deal.currency_change", "value", string(cur), "old", string(old)))
	}
	if c.m != nil {
		c.mappedStage(&x)
	} else {
		x.Stage = cartera.Stage(c.val("stage"))
		x.Outcome = cartera.Outcome(c.enum("outcome", outcomeEnum))
		if x.Outcome == "" {
			x.Outcome = cartera.OutcomeOpen
		}
	}
	if s := c.val("claimed"); s != "" {
		var bad *cartera.Message
		if x.Claimed, bad = c.probability(s); bad != nil {
			c.fail("claimed", bad)
		}
		// A CRM gives a won deal the won stage's 100 %: a record of the
		// close, not a forecast anyone made, so it is not a claim to be
		// scored in calibration.
		if c.m != nil && x.Outcome == cartera.OutcomeWon && x.Claimed == 10000 {
			x.Claimed = 0
		}
	}
	if s := c.val("category"); s != "" {
		var bad *cartera.Message
		var cat cartera.ForecastCategory
		if c.m != nil {
			cat, bad = c.m.category(s)
		} else {
			var v string
			v, bad = categoryEnum.parse(s)
			cat = cartera.ForecastCategory(v)
		}
		if bad != nil {
			c.fail("category", bad)
		}
		x.Category = cat
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
	if cur != c.v.o.Currency {
		if c.f.rep.OtherCurrencies == nil {
			c.f.rep.OtherCurrencies = map[cartera.Currency]int64{}
		}
		c.f.rep.OtherCurrencies[cur]++
	}
	return x, true
}

// dealDate reads a date column: as cartera's own files write dates, or, in
// a mapped file, as the export does (with times, in its date order).
func (c *checker) dealDate(col string, required bool) cartera.Date {
	if c.m == nil {
		return c.date(col, required)
	}
	s := c.val(col)
	if s == "" {
		if required {
			c.fail(col, problem("value.required"))
		}
		return 0
	}
	d, bad := parseMappedDate(s, c.f.lay.order, c.v.o.Location)
	if bad != nil {
		c.fail(col, bad)
	}
	return d
}

// probability reads a claimed probability; a mapping may write it as a
// fraction (0.2), though a value with a % sign is always a percentage.
func (c *checker) probability(s string) (cartera.BasisPoints, *cartera.Message) {
	if c.m == nil || !c.m.fraction || strings.HasSuffix(strings.TrimSpace(s), "%") {
		return parsePercent(s, c.mode())
	}
	v, bad := parseScaled(s, 4, c.mode())
	if bad != nil {
		if bad.Key == "value.too_many_decimals" {
			return 0, problem("value.percent_range", "value", s)
		}
		return 0, bad
	}
	if v < 0 || v > 10000 {
		return 0, problem("value.percent_range", "value", s)
	}
	return cartera.BasisPoints(v), nil
}

// mappedMoney reads a vendor amount. An empty amount is zero (CRMs let a
// deal have none), and a currency code written with the amount ("EUR
// 4.800,00") must agree with the deal's currency when that is known.
func (c *checker) mappedMoney(cur cartera.Currency, known bool) cartera.Money {
	s := c.val("value")
	code, rest := splitCurrencyCode(s)
	if code != "" {
		if known && code != cur {
			c.fail("value", problem("value.amount_currency", "value", string(code), "currency", string(cur)))
		}
		cur = code
	}
	if rest == "" || cur == "" {
		return cartera.Money{Currency: cur}
	}
	n, bad := parseScaled(rest, cur.Exponent(), c.mode())
	if bad != nil {
		c.fail("value", bad)
	}
	return cartera.Money{Amount: n, Currency: cur}
}

// mappedStage sets a mapped deal's stage, outcome and dates. The outcome
// may be told by a closing stage, a status column, closed/won flags and
// won/lost times; when two of them disagree the row is refused rather than
// one of them silently believed.
func (c *checker) mappedStage(x *cartera.Deal) {
	var out cartera.Outcome
	var outFrom string
	set := func(o cartera.Outcome, col string) {
		switch {
		case out == "":
			out, outFrom = o, col
		case o != out:
			c.fail(col, problem("import.outcome_conflict", "value", string(o), "previous", string(out),
				"other", c.columnName(outFrom)))
		}
	}
	if label := c.val("stage"); label == "" {
		c.fail("stage", problem("value.required"))
	} else if r, ok := c.m.stage(label); !ok {
		c.fail("stage", problem("import.unknown_vendor_stage", "value", label, "mapping", c.f.lay.mapping.Name,
			"stages", c.m.stageLabels))
	} else if r.outcome != "" {
		// A closing stage does not say how far the deal got: it keeps
		// the last open stage when the export gives it, and is "stage
		// unknown" otherwise, so that no stage's rate is learned from a
		// guess.
		x.Stage = ""
		if last := c.val("last_stage"); last != "" {
			if lr, ok := c.m.stage(last); !ok || lr.outcome != "" || !c.v.pipeline.Has(lr.stage) {
				c.fail("last_stage", problem("import.unknown_vendor_stage", "value", last, "mapping", c.f.lay.mapping.Name,
					"stages", c.m.stageLabels))
			} else {
				x.Stage = lr.stage
			}
		}
		set(r.outcome, "stage")
	} else {
		x.Stage = r.stage
		if !c.v.pipeline.Has(r.stage) {
			c.fail("stage", problem("import.mapped_stage_missing", "value", label, "stage", string(r.stage),
				"stages", c.v.pipeline.StageIDs()))
		}
	}
	if s := c.val("outcome"); s != "" {
		o, bad := c.m.outcome(s)
		if bad != nil {
			c.fail("outcome", bad)
		} else {
			set(o, "outcome")
		}
	}
	flag := func(col string) (bool, bool) {
		s := c.val(col)
		if s == "" {
			return false, false
		}
		v, bad := parseBool(s)
		if bad != nil {
			c.fail(col, bad)
			return false, false
		}
		return v, true
	}
	closed, hasClosed := flag("is_closed")
	won, hasWon := flag("is_won")
	switch {
	case hasClosed && closed && won:
		set(cartera.OutcomeWon, "is_won")
	case hasClosed && closed:
		set(cartera.OutcomeLost, "is_closed")
	case hasClosed:
		set(cartera.OutcomeOpen, "is_closed")
	case hasWon && won:
		set(cartera.OutcomeWon, "is_won")
	}
	// Won and lost times are the weakest word on the outcome: a deal that
	// was reopened may keep them.
	if out == "" {
		if c.val("won_time") != "" {
			set(cartera.OutcomeWon, "won_time")
		} else if c.val("lost_time") != "" {
			set(cartera.OutcomeLost, "lost_time")
		}
	}
	if out == "" {
		out = cartera.OutcomeOpen
	}
	x.Outcome = out
	if outFrom != "" {
		c.note("outcome", outFrom)
	}
	switch {
	case out == cartera.OutcomeOpen && x.ExpectedClose.IsZero() && c.val("close_date") != "":
		x.ExpectedClose = c.dealDate("close_date", false)
		c.note("expected_close", "close_date")
	case out != cartera.OutcomeOpen && x.Closed.IsZero():
		for _, col := range []string{map[cartera.Outcome]string{cartera.OutcomeWon: "won_time", cartera.OutcomeLost: "lost_time"}[out], "close_date"} {
			if c.val(col) != "" {
				x.Closed = c.dealDate(col, false)
				c.note("closed", col)
				break
			}
		}
	}
}

// columnName is how a problem names a column of the file.
func (c *checker) columnName(col string) string {
	j := c.s.index(col)
	if j >= 0 && c.rec.cols[j] > 0 && c.rec.cols[j] <= len(c.f.lay.header) {
		return strings.TrimSpace(c.f.lay.header[c.rec.cols[j]-1])
	}
	return col
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
