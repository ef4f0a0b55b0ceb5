package capture

import (
	"bufio"
	"context"
	"io"
	"sync"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

// ImportWithTables imports tabular files (package csvio: cartera's CSV,
// CRM and tracker exports, spreadsheets) and captured ones (calendars,
// e-invoices, mailboxes) in one transaction: the captured records are
// written just before the tabular import commits, and match the clients,
// contacts and deals stored and those of the same run. What the command
// line and the web import page share.
func ImportWithTables(ctx context.Context, st cartera.Store, srcs []csvio.Source, caps []Source, o csvio.Options,
	co Options) (*csvio.Report, *Report, error) {
	if len(caps) == 0 {
		rep, err := csvio.Import(ctx, st, srcs, o)
		return rep, nil, err
	}
	if len(srcs) == 0 {
		crep, err := Import(ctx, st, caps, co)
		return &csvio.Report{DryRun: o.DryRun}, crep, err
	}
	var mu sync.Mutex
	var also []any
	o.Observe = func(x any) { mu.Lock(); also = append(also, x); mu.Unlock() }
	var crep *Report
	if o.DryRun {
		rep, err := csvio.Import(ctx, st, srcs, o)
		if err != nil {
			return rep, nil, err
		}
		co.Also = also
		crep, err = Import(ctx, st, caps, co)
		return rep, crep, err
	}
	o.BeforeCommit = func(ctx context.Context, tx cartera.ImportTx) error {
		mu.Lock()
		co.Also = also
		mu.Unlock()
		p, err := Prepare(ctx, st, caps, co)
		if err != nil {
			return err
		}
		crep = p.Report()
		return p.Write(ctx, tx)
	}
	rep, err := csvio.Import(ctx, st, srcs, o)
	return rep, crep, err
}

// Split sorts uploaded files by what they hold: the ones to capture, and
// the rest for csvio. Each file is opened once to look at its start.
func Split(srcs []csvio.Source) ([]csvio.Source, []Source) {
	var tables []csvio.Source
	var caps []Source
	for _, s := range srcs {
		kind := ""
		if rc, err := s.Open(); err == nil {
			head := make([]byte, 4096)
			n, _ := io.ReadFull(bufio.NewReader(rc), head)
			rc.Close()
			kind = Detect(head[:n])
		}
		if kind == "" {
			tables = append(tables, s)
			continue
		}
		caps = append(caps, Source{Name: s.Name, Open: s.Open, Size: s.Size, Kind: kind})
	}
	return tables, caps
}
