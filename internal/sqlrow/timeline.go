package sqlrow

import (
	"context"
	"sort"
	"time"

	"github.com/cartera/cartera"
)

// EachRecord runs a query and hands every scanned record to fn.
func EachRecord[T any](ctx context.Context, q Q, query string, scan func(Row) (T, error), fn func(T) error, args ...any) error {
	return q.Each(ctx, query, func(r Row) error {
		x, err := scan(r)
		if err != nil {
			return err
		}
		return fn(x)
	}, args...)
}

// Timeline returns a client's latest records: each table is read newest
// first through its client index, and the four lists are merged.
func (sh Shared) Timeline(ctx context.Context, clientID string, limit int) ([]cartera.TimelineItem, error) {
	limit = cartera.PageLimit(limit, 1000, 100)
	var items []cartera.TimelineItem
	add := func(it cartera.TimelineItem) error { items = append(items, it); return nil }
	dayTime := func(d cartera.Date) time.Time { return d.Time(time.UTC) }
	err := EachRecord(ctx, sh.read, `SELECT `+InvoiceColumns+` FROM invoices WHERE client_id = ? ORDER BY issued DESC, id DESC LIMIT ?`,
		ScanInvoice, func(v cartera.Invoice) error {
			return add(cartera.TimelineItem{Entity: cartera.EntityInvoices, At: dayTime(v.Issued), Invoice: &v})
		}, clientID, limit)
	if err == nil {
		err = EachRecord(ctx, sh.read, `SELECT `+TimeColumns+` FROM time_entries WHERE client_id = ? ORDER BY day DESC, id DESC LIMIT ?`,
			ScanTime, func(e cartera.TimeEntry) error {
				return add(cartera.TimelineItem{Entity: cartera.EntityTime, At: dayTime(e.Day), TimeEntry: &e})
			}, clientID, limit)
	}
	if err == nil {
		err = EachRecord(ctx, sh.read, `SELECT `+ConcessionColumns+` FROM concessions WHERE client_id = ? ORDER BY day DESC, id DESC LIMIT ?`,
			ScanConcession, func(c cartera.Concession) error {
				return add(cartera.TimelineItem{Entity: cartera.EntityConcessions, At: dayTime(c.Day), Concession: &c})
			}, clientID, limit)
	}
	if err == nil {
		err = EachRecord(ctx, sh.read, `SELECT `+IncidentColumns+` FROM incidents WHERE client_id = ? ORDER BY at DESC, id DESC LIMIT ?`,
			ScanIncident, func(in cartera.Incident) error {
				return add(cartera.TimelineItem{Entity: cartera.EntityIncidents, At: in.At, Incident: &in})
			}, clientID, limit)
	}
	if err != nil {
		return nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.After(items[j].At) })
	if len(items) > limit {
		items = items[:limit]
	}
	return items, nil
}

// Monthly returns one entry per month from from's month to to's month.
func (sh Shared) Monthly(ctx context.Context, clientID string, from, to cartera.Date) ([]cartera.MonthFigures, error) {
	first, last := from.Month(), to.Month()
	var out []cartera.MonthFigures
	index := map[cartera.Date]int{}
	for m := first; m <= last; m = m.AddMonths(1) {
		index[m] = len(out)
		out = append(out, cartera.MonthFigures{Month: m})
	}
	at := func(d cartera.Date) *cartera.MonthFigures {
		if i, ok := index[d.Month()]; ok {
			return &out[i]
		}
		return nil
	}
	lo, hi := first.UnixDay(), last.AddMonths(1).UnixDay()
	err := sh.read.Each(ctx, `SELECT issued, amount FROM invoices WHERE client_id = ? AND issued >= ? AND issued < ?`,
		func(r Row) error {
			var day, amount int64
			if err := r.Scan(&day, &amount); err != nil {
				return err
			}
			if m := at(cartera.DateFromUnixDay(day)); m != nil {
				m.Revenue += amount
			}
			return nil
		}, clientID, lo, hi)
	if err == nil {
		err = sh.read.Each(ctx, `SELECT day, hours FROM time_entries WHERE client_id = ? AND day >= ? AND day < ?`,
			func(r Row) error {
				var day, hours int64
				if err := r.Scan(&day, &hours); err != nil {
					return err
				}
				if m := at(cartera.DateFromUnixDay(day)); m != nil {
					m.Hours += cartera.Hours(hours)
				}
				return nil
			}, clientID, lo, hi)
	}
	if err == nil {
		err = sh.read.Each(ctx, `SELECT at, severity FROM incidents WHERE client_id = ? AND at >= ? AND at < ?`,
			func(r Row) error {
				var ts int64
				var sev int
				if err := r.Scan(&ts, &sev); err != nil {
					return err
				}
				if m := at(cartera.DateFromTime(time.Unix(ts, 0).UTC())); m != nil {
					m.Incidents++
					m.MaxSeverity = max(m.MaxSeverity, sev)
				}
				return nil
			}, clientID, lo*86400, hi*86400)
	}
	return out, err
}
