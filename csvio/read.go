package csvio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/keyset"
)

// Reading the files: each row checked and sent in batches to the writer.

// validator turns records into domain values, reporting every bad one.
type validator struct {
	o        Options
	probs    *problems
	clients  map[string]cartera.Currency // known client ids → currency
	contacts map[string]string           // known contact ids → client id
	deals    dealKeys                    // known deal ids → currency
	pipeline cartera.Pipeline
	// names finds clients by name for mapped files (nil otherwise).
	names *clientNames
	rows  int64
	// trackers resolves time trackers' projects (nil without such files).
	trackers *trackerState
	// seq numbers each deal's stage moves in the order the files give
	// them (moves of one day keep that order).
	seq map[string]int64
}

// dealKeys are the known deal ids with each deal's currency, kept flat
// (see keyset): an import of a million deals checks its ten million
// signals against them.
type dealKeys struct {
	ids keyset.Set
	cur []uint32 // by id number: the currency's index in curs
	// curs are the currencies seen, each once, and at their index in
	// index.
	curs  []cartera.Currency
	index map[cartera.Currency]uint32
	// last is the id looked up last, with its number and whether it was
	// found: a signals file lists each deal's signals together, so the
	// next signal's deal is most often the one before's, found without
	// hashing its id again.
	last      string
	lastN     int
	lastFound bool
}

// find returns the number of a known deal.
func (d *dealKeys) find(id string) (int, bool) {
	if id != d.last || d.last == "" {
		d.last = id
		d.lastN, d.lastFound = d.ids.Find(id)
	}
	return d.lastN, d.lastFound
}

// currency returns a known deal's currency.
func (d *dealKeys) currency(id string) (cartera.Currency, bool) {
	i, ok := d.find(id)
	if !ok {
		return "", false
	}
	return d.curs[d.cur[i]], true
}

// has is whether a deal is known.
func (d *dealKeys) has(id string) bool {
	_, ok := d.find(id)
	return ok
}

// set records a deal and its currency.
func (d *dealKeys) set(id string, c cartera.Currency) {
	k, ok := d.index[c]
	if !ok {
		if d.index == nil {
			d.index = map[cartera.Currency]uint32{}
		}
		k = uint32(len(d.curs))
		d.curs = append(d.curs, c)
		d.index[c] = k
	}
	i, added := d.ids.Add(id)
	if added {
		d.cur = append(d.cur, k)
	} else {
		d.cur[i] = k
	}
	d.last, d.lastN, d.lastFound = id, i, true
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
		if cond := c.filtered(); cond != "" {
			f.rep.Filtered++
			if !slices.Contains(f.rep.FilteredBy, cond) && len(f.rep.FilteredBy) < maxFilteredBy {
				f.rep.FilteredBy = append(f.rep.FilteredBy, cond)
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
		} else if s.entity == cartera.EntityStageHistory {
			// A stage move has no id: duplicates are harmless (a move
			// already recorded is kept), problems point at the deal.
			if c.appendTo(&cur, "") {
				cur.pos = append(cur.pos, int64(f.idx)<<32|int64(rec.line))
				cur.idCols = append(cur.idCols, rec.cols[0])
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
	case cartera.EntityStageHistory:
		return make([]cartera.StageMove, 0, n)
	}
	return nil
}
