package postgres

import (
	"context"
	"sort"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// Timeline returns a client's latest records: each table is read newest
// first through its client index, and the four lists are merged.
func (db *DB) Timeline(ctx context.Context, clientID string, limit int) ([]cartera.TimelineItem, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var items []cartera.TimelineItem
	add := func(it cartera.TimelineItem) error { items = append(items, it); return nil }
	dayTime := func(d cartera.Date) time.Time { return d.Time(time.UTC) }
	err := eachRecord(ctx, db.pool, `SELECT `+sqlrow.InvoiceColumns+` FROM invoices WHERE client_id = $1 ORDER BY issued DESC, id DESC LIMIT $2`,
		sqlrow.ScanInvoice, func(v cartera.Invoice) error {
			return add(cartera.TimelineItem{Entity: cartera.EntityInvoices, At: dayTime(v.Issued), Invoice: &v})
		}, clientID, limit)
	if err == nil {
		err = eachRecord(ctx, db.pool, `SELECT `+sqlrow.TimeColumns+` FROM time_entries WHERE client_id = $1 ORDER BY day DESC, id DESC LIMIT $2`,
			sqlrow.ScanTime, func(e cartera.TimeEntry) error {
				return add(cartera.TimelineItem{Entity: cartera.EntityTime, At: dayTime(e.Day), TimeEntry: &e})
			}, clientID, limit)
	}
	if err == nil {
		err = eachRecord(ctx, db.pool, `SELECT `+sqlrow.ConcessionColumns+` FROM concessions WHERE client_id = $1 ORDER BY day DESC, id DESC LIMIT $2`,
			sqlrow.ScanConcession, func(c cartera.Concession) error {
				return add(cartera.TimelineItem{Entity: cartera.EntityConcessions, At: dayTime(c.Day), Concession: &c})
			}, clientID, limit)
	}
	if err == nil {
		err = eachRecord(ctx, db.pool, `SELECT `+sqlrow.IncidentColumns+` FROM incidents WHERE client_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
			sqlrow.ScanIncident, func(in cartera.Incident) error {
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
func (db *DB) Monthly(ctx context.Context, clientID string, from, to cartera.Date) ([]cartera.MonthFigures, error) {
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
	err := each(ctx, db.pool, `SELECT issued, amount FROM invoices WHERE client_id = $1 AND issued >= $2 AND issued < $3`,
		func(s sqlrow.Row) error {
			var day, amount int64
			if err := s.Scan(&day, &amount); err != nil {
				return err
			}
			if m := at(cartera.DateFromUnixDay(day)); m != nil {
				m.Revenue += amount
			}
			return nil
		}, clientID, lo, hi)
	if err == nil {
		err = each(ctx, db.pool, `SELECT day, hours FROM time_entries WHERE client_id = $1 AND day >= $2 AND day < $3`,
			func(s sqlrow.Row) error {
				var day, hours int64
				if err := s.Scan(&day, &hours); err != nil {
					return err
				}
				if m := at(cartera.DateFromUnixDay(day)); m != nil {
					m.Hours += cartera.Hours(hours)
				}
				return nil
			}, clientID, lo, hi)
	}
	if err == nil {
		err = each(ctx, db.pool, `SELECT at, severity FROM incidents WHERE client_id = $1 AND at >= $2 AND at < $3`,
			func(s sqlrow.Row) error {
				var ts int64
				var sev int
				if err := s.Scan(&ts, &sev); err != nil {
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
