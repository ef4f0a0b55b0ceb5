package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// The facts of every client come from one ordered, grouped query per table,
// merged by client id in Go. Each query reads only its table's covering
// index, which is already in client order: no sort, no table lookups, and
// memory stays flat however many clients there are. All queries run in one
// read transaction so that they see the same snapshot.
//
// Parameters: ?1 window start (exclusive, days since 1970), ?2 as-of day
// (inclusive), ?3 the red line (max days late or max discount), ?4 the grace
// days before a payment counts as late.

const invoiceFactsSQL = `
SELECT client_id,
	coalesce(sum(CASE WHEN issued > ?1 THEN amount END), 0),
	count(CASE WHEN issued > ?1 THEN 1 END),
	count(CASE WHEN due > ?1 AND due <= ?2 THEN 1 END),
	count(CASE WHEN due > ?1 AND due <= ?2 AND min(coalesce(paid, ?2), ?2) - due > ?4 THEN 1 END),
	count(CASE WHEN due > ?1 AND due <= ?2 AND min(coalesce(paid, ?2), ?2) - due > ?3 THEN 1 END),
	coalesce(sum(CASE WHEN due > ?1 AND due <= ?2 AND min(coalesce(paid, ?2), ?2) - due > ?4
		THEN min(coalesce(paid, ?2), ?2) - due END), 0),
	coalesce(max(CASE WHEN due > ?1 AND due <= ?2 THEN min(coalesce(paid, ?2), ?2) - due END), 0),
	coalesce(sum(CASE WHEN (paid IS NULL OR paid > ?2) AND due < ?2 THEN amount END), 0),
	count(CASE WHEN (paid IS NULL OR paid > ?2) AND due < ?2 THEN 1 END),
	min(CASE WHEN (paid IS NULL OR paid > ?2) AND due < ?2 THEN due END),
	max(CASE WHEN due > ?1 AND due <= ?2 AND min(coalesce(paid, ?2), ?2) - due > ?3 THEN due END)
FROM invoices
WHERE issued <= ?2 %s
GROUP BY client_id ORDER BY client_id`

const timeFactsSQL = `
SELECT client_id, sum(hours), coalesce(sum(CASE WHEN billable = 1 THEN hours END), 0)
FROM time_entries
WHERE day > ?1 AND day <= ?2 %s
GROUP BY client_id ORDER BY client_id`

// A discount recorded without its percentage (only the amounts were
// imported) gets one derived from the list price: the discount plus what
// was invoiced to the client the same day, rounded half up. Without an
// invoice that day the percentage stays unknown (0).
const concessionFactsSQL = `
SELECT client_id,
	coalesce(sum(CASE WHEN kind = 'discount' THEN amount END), 0),
	count(CASE WHEN kind = 'discount' THEN 1 END),
	count(CASE WHEN kind = 'discount' AND pct > ?3 THEN 1 END),
	coalesce(max(CASE WHEN kind = 'discount' THEN pct END), 0),
	coalesce(sum(CASE WHEN kind = 'free_hours' THEN hours END), 0),
	max(CASE WHEN kind = 'discount' AND pct > ?3 THEN day END),
	count(CASE WHEN kind = 'discount' AND percent = 0 AND pct > 0 THEN 1 END)
FROM (SELECT client_id, day, kind, amount, hours, percent,
		CASE WHEN kind = 'discount' AND percent = 0 AND amount > 0 THEN
			coalesce((SELECT (c.amount * 20000 + c.amount + sum(i.amount)) / (2 * (c.amount + sum(i.amount)))
				FROM invoices i WHERE i.client_id = c.client_id AND i.issued = c.day HAVING sum(i.amount) > 0), 0)
		ELSE percent END AS pct
	FROM concessions c
	WHERE day > ?1 AND day <= ?2 %s)
GROUP BY client_id ORDER BY client_id`

const freeHoursSQL = `
SELECT client_id, day, hours
FROM concessions
WHERE kind = 'free_hours' AND day > ?1 AND day <= ?2 %s
ORDER BY client_id, day`

// Incidents are read with a day of margin on each side: the engine decides
// in the user's time zone which ones fall inside the window.
const incidentFactsSQL = `
SELECT client_id, id, at, kind, severity, coalesce(contact_id, '')
FROM incidents
WHERE at >= ?1 AND at < ?2 %s
ORDER BY client_id, at, id`

// stream is one ordered query being merged.
type stream struct {
	rows *sql.Rows
	ok   bool
	key  string
	// apply reads the current row into f; it is called only when the row
	// belongs to f's client.
	apply func(f *cartera.ClientFacts) error
	scan  func() (string, error)
}

func (s *stream) next() error {
	s.ok = s.rows.Next()
	if !s.ok {
		return s.rows.Err()
	}
	k, err := s.scan()
	s.key = k
	return err
}

// computeFacts aggregates the events of the clients selected by q, in id
// order, within tx.
func computeFacts(ctx context.Context, tx *sql.Tx, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	filter, ids := "", []any{}
	if q.ClientIDs != nil {
		if len(q.ClientIDs) == 0 {
			return nil
		}
		filter = "AND client_id IN (" + placeholders(len(q.ClientIDs)) + ")"
		for _, id := range q.ClientIDs {
			ids = append(ids, id)
		}
	}
	from, asOf := q.From.UnixDay(), q.AsOf.UnixDay()
	args := func(extra ...any) []any { return append(extra, ids...) }

	clientFilter := ""
	if filter != "" {
		clientFilter = "WHERE id IN (" + placeholders(len(ids)) + ")"
	}
	clients, err := tx.QueryContext(ctx, `SELECT `+sqlrow.ClientColumns+` FROM clients `+clientFilter+` ORDER BY id`, ids...)
	if err != nil {
		return fmt.Errorf("facts clients: %w", err)
	}
	defer clients.Close()

	var f cartera.ClientFacts
	var streams []*stream
	open := func(query string, a []any, scan func(r *sql.Rows) (string, error), apply func(*cartera.ClientFacts) error) error {
		rows, err := tx.QueryContext(ctx, fmt.Sprintf(query, filter), a...)
		if err != nil {
			return fmt.Errorf("facts: %w", err)
		}
		s := &stream{rows: rows, apply: apply}
		s.scan = func() (string, error) { return scan(rows) }
		streams = append(streams, s)
		return s.next()
	}
	defer func() {
		for _, s := range streams {
			s.rows.Close()
		}
	}()

	// Invoices.
	var inv struct {
		revenue                                 int64
		issued, due, late, over, daysSum, worst int64
		overdue, overdueN                       int64
		oldest, lastOver                        sql.NullInt64
	}
	if err := open(invoiceFactsSQL, args(from, asOf, q.MaxDaysLate, q.GraceDays), func(r *sql.Rows) (string, error) {
		var k string
		err := r.Scan(&k, &inv.revenue, &inv.issued, &inv.due, &inv.late, &inv.over, &inv.daysSum, &inv.worst,
			&inv.overdue, &inv.overdueN, &inv.oldest, &inv.lastOver)
		return k, err
	}, func(f *cartera.ClientFacts) error {
		f.Revenue, f.InvoicesIssued = inv.revenue, int(inv.issued)
		f.InvoicesDue, f.LateInvoices, f.OverLimit = int(inv.due), int(inv.late), int(inv.over)
		f.DaysLateSum, f.WorstDaysLate = int(inv.daysSum), int(max(inv.worst, 0))
		f.Overdue, f.OverdueCount, f.OldestOverdue = inv.overdue, int(inv.overdueN), dayOf(inv.oldest)
		f.LastOverLimit = dayOf(inv.lastOver)
		return nil
	}); err != nil {
		return err
	}

	// Time.
	var hours, billable int64
	if err := open(timeFactsSQL, args(from, asOf), func(r *sql.Rows) (string, error) {
		var k string
		err := r.Scan(&k, &hours, &billable)
		return k, err
	}, func(f *cartera.ClientFacts) error {
		f.Hours, f.BillableHours = cartera.Hours(hours), cartera.Hours(billable)
		return nil
	}); err != nil {
		return err
	}

	// Concessions.
	var disc, discN, discOver, maxPct, free int64
	var lastDisc sql.NullInt64
	var derived int64
	if err := open(concessionFactsSQL, args(from, asOf, int64(q.MaxDiscount)), func(r *sql.Rows) (string, error) {
		var k string
		err := r.Scan(&k, &disc, &discN, &discOver, &maxPct, &free, &lastDisc, &derived)
		return k, err
	}, func(f *cartera.ClientFacts) error {
		f.Discounts, f.DiscountCount, f.DiscountsOver = disc, int(discN), int(discOver)
		f.MaxDiscount, f.FreeHours = cartera.BasisPoints(maxPct), cartera.Hours(free)
		f.LastDiscountOver, f.DiscountsDerived = dayOf(lastDisc), int(derived)
		return nil
	}); err != nil {
		return err
	}

	// Free hours by month: several rows per client.
	var fday, fhours int64
	if err := open(freeHoursSQL, args(from, asOf), func(r *sql.Rows) (string, error) {
		var k string
		err := r.Scan(&k, &fday, &fhours)
		return k, err
	}, func(f *cartera.ClientFacts) error {
		m := cartera.DateFromUnixDay(fday).Month()
		if n := len(f.FreeHoursMonth); n > 0 && f.FreeHoursMonth[n-1].Month == m {
			f.FreeHoursMonth[n-1].Hours += cartera.Hours(fhours)
		} else {
			f.FreeHoursMonth = append(f.FreeHoursMonth, cartera.MonthHours{Month: m, Hours: cartera.Hours(fhours)})
		}
		return nil
	}); err != nil {
		return err
	}

	// Incidents: several rows per client.
	incFrom := q.IncidentsFrom.AddDays(-1).UnixDay() * 86400
	incTo := q.AsOf.AddDays(2).UnixDay() * 86400
	var in cartera.IncidentFact
	var at int64
	var kind string
	if err := open(incidentFactsSQL, args(incFrom, incTo), func(r *sql.Rows) (string, error) {
		var k string
		err := r.Scan(&k, &in.ID, &at, &kind, &in.Severity, &in.ContactID)
		in.At, in.Kind = time.Unix(at, 0).UTC(), cartera.IncidentKind(kind)
		return k, err
	}, func(f *cartera.ClientFacts) error {
		f.Incidents = append(f.Incidents, in)
		return nil
	}); err != nil {
		return err
	}

	for clients.Next() {
		c, err := sqlrow.ScanClient(clients)
		if err != nil {
			return err
		}
		months, incidents := f.FreeHoursMonth[:0], f.Incidents[:0]
		f = cartera.ClientFacts{Client: c, FreeHoursMonth: months, Incidents: incidents}
		for _, s := range streams {
			for s.ok && s.key < c.ID {
				if err := s.next(); err != nil { // a row of a client outside the filter
					return err
				}
			}
			for s.ok && s.key == c.ID {
				if err := s.apply(&f); err != nil {
					return err
				}
				if err := s.next(); err != nil {
					return err
				}
			}
		}
		sort.SliceStable(f.Incidents, func(i, j int) bool { return f.Incidents[i].At.Before(f.Incidents[j].At) })
		if err := fn(&f); err != nil {
			return err
		}
	}
	return clients.Err()
}
