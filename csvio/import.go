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
	"sort"
	"strings"
	"time"

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
	// Only, when set, is the one kind of file accepted: a file recognised
	// as another kind is a problem at its first line (cartera
	// stage-history takes stage histories only).
	Only cartera.Entity
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

// Brought reports whether the import read rows of an entity (the deals,
// say: then the forecast's fit is made again).
func (r *Report) Brought(e cartera.Entity) bool {
	if r == nil {
		return false
	}
	for _, f := range r.Files {
		if f.Entity == e && f.Rows > 0 {
			return true
		}
	}
	return false
}

// BroughtHistory reports whether the import read what the forecast's fit
// learns from: deals, signals or stage history (then the fit is made
// again, when one is stored).
func (r *Report) BroughtHistory() bool {
	return r.Brought(cartera.EntityDeals) || r.Brought(cartera.EntitySignals) || r.Brought(cartera.EntityStageHistory)
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
	// Filtered counts the rows the mapping's skip_where left out, and
	// FilteredBy the conditions that did ("stage = Test"; the first few).
	Filtered   int64    `json:"filtered_rows,omitempty"`
	FilteredBy []string `json:"filtered_by,omitempty"`
	// Closing counts the rows of a mapped stage history that enter a
	// closing stage (won or lost): no stage a deal stays in, so no move;
	// the deals' file says the outcome.
	Closing int64 `json:"closing_rows,omitempty"`
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

// Kind says how the file was read, for people: its format and, for text,
// its encoding ("CSV, UTF-8"; "XLSX", whose XML is always Unicode).
func (f FileReport) Kind() string {
	if f.Encoding == "" {
		return strings.ToUpper(f.Format)
	}
	return strings.ToUpper(f.Format) + ", " + strings.ToUpper(f.Encoding)
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

// maxFilteredBy caps the conditions a file's report lists as having left
// rows out: the first few are enough to recognise the filter.
const maxFilteredBy = 5

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
		if o.Only != "" && f.lay.schema.entity != o.Only {
			probs.add(Problem{File: f.src.Name, Line: 1, Column: 1,
				Msg: cartera.M("import.not_kind", "entity", string(o.Only), "found", string(f.lay.schema.entity))})
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
	order[cartera.EntityStageHistory] = len(cartera.Entities) // after the deals it refers to
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
	v := &validator{o: o, probs: probs, clients: map[string]cartera.Currency{}, contacts: map[string]string{}}
	if err := st.ClientKeys(ctx, func(id string, c cartera.Currency) error { v.clients[id] = c; return nil }); err != nil {
		return nil, err
	}
	if err := st.DealKeys(ctx, func(id string, c cartera.Currency) error { v.deals.set(id, c); return nil }); err != nil {
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
	case []cartera.StageMove:
		return nil, tx.PutStageHistory(ctx, rows)
	}
	return nil, fmt.Errorf("unknown batch %T", b.rows)
}
