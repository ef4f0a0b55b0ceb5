package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The facts of every client come from one query: each event table is
// aggregated by client in a subquery, and the subqueries are joined to the
// clients in id order. PostgreSQL does the arithmetic; Go only reads one row
// per client.
//
// Parameters: $1 window start (exclusive, days since 1970), $2 as-of day
// (inclusive), $3 the days-late red line, $4 the grace days, $5 the
// discount red line, $6 and $7 the incident window (Unix seconds). %[1]s
// restricts the events and %[2]s the clients.
const factsFrom = `
FROM clients c
LEFT JOIN (SELECT client_id,
		sum(amount) FILTER (WHERE issued > $1)::bigint AS revenue,
		count(*) FILTER (WHERE issued > $1) AS issued,
		count(*) FILTER (WHERE due > $1 AND due <= $2) AS due,
		count(*) FILTER (WHERE due > $1 AND due <= $2 AND least(coalesce(paid, $2), $2) - due > $4) AS late,
		count(*) FILTER (WHERE due > $1 AND due <= $2 AND least(coalesce(paid, $2), $2) - due > $3) AS over_limit,
		sum(least(coalesce(paid, $2), $2) - due)
			FILTER (WHERE due > $1 AND due <= $2 AND least(coalesce(paid, $2), $2) - due > $4)::bigint AS days_late,
		max(least(coalesce(paid, $2), $2) - due) FILTER (WHERE due > $1 AND due <= $2) AS worst,
		sum(amount) FILTER (WHERE (paid IS NULL OR paid > $2) AND due < $2)::bigint AS overdue,
		count(*) FILTER (WHERE (paid IS NULL OR paid > $2) AND due < $2) AS overdue_n,
		min(due) FILTER (WHERE (paid IS NULL OR paid > $2) AND due < $2) AS oldest,
		max(due) FILTER (WHERE due > $1 AND due <= $2 AND least(coalesce(paid, $2), $2) - due > $3) AS last_over
	FROM invoices WHERE issued <= $2 %[1]s GROUP BY client_id) i ON i.client_id = c.id
LEFT JOIN (SELECT client_id, sum(hours)::bigint AS hours, sum(hours) FILTER (WHERE billable)::bigint AS billable
	FROM time_entries WHERE day > $1 AND day <= $2 %[1]s GROUP BY client_id) t ON t.client_id = c.id
LEFT JOIN (SELECT client_id,
		sum(amount) FILTER (WHERE kind = 'discount')::bigint AS discounts,
		count(*) FILTER (WHERE kind = 'discount') AS discount_n,
		count(*) FILTER (WHERE kind = 'discount' AND pct > $5) AS discounts_over,
		max(pct) FILTER (WHERE kind = 'discount') AS max_discount,
		sum(hours) FILTER (WHERE kind = 'free_hours')::bigint AS free_hours,
		max(day) FILTER (WHERE kind = 'discount' AND pct > $5) AS last_discount_over,
		count(*) FILTER (WHERE kind = 'discount' AND percent = 0 AND pct > 0) AS discounts_derived
	FROM (SELECT client_id, day, kind, amount, hours, percent,
			CASE WHEN kind = 'discount' AND percent = 0 AND amount > 0 THEN
				coalesce((SELECT round(k.amount * 10000.0 / (k.amount + sum(i.amount)))::bigint
					FROM invoices i WHERE i.client_id = k.client_id AND i.issued = k.day HAVING sum(i.amount) > 0), 0)
			ELSE percent END AS pct
		FROM concessions k WHERE day > $1 AND day <= $2 %[1]s) k
	GROUP BY client_id) k ON k.client_id = c.id
LEFT JOIN (SELECT client_id, array_agg(month ORDER BY month) AS months, array_agg(hours ORDER BY month) AS hours
	FROM (SELECT client_id,
			(date_trunc('month', date '1970-01-01' + day::integer)::date - date '1970-01-01')::bigint AS month,
			sum(hours)::bigint AS hours
		FROM concessions WHERE kind = 'free_hours' AND day > $1 AND day <= $2 %[1]s GROUP BY 1, 2) m
	GROUP BY client_id) h ON h.client_id = c.id
LEFT JOIN (SELECT client_id, array_agg(id ORDER BY at, id) AS ids, array_agg(at ORDER BY at, id) AS ats,
		array_agg(kind ORDER BY at, id) AS kinds, array_agg(severity::bigint ORDER BY at, id) AS severities,
		array_agg(coalesce(contact_id, '') ORDER BY at, id) AS contacts
	FROM incidents WHERE at >= $6 AND at < $7 %[1]s GROUP BY client_id) n ON n.client_id = c.id
%[2]s`

// factsExprs are the figures the query computes, in factsColumns' order.
const factsExprs = `coalesce(i.revenue, 0), coalesce(i.issued, 0), coalesce(t.hours, 0), coalesce(t.billable, 0),
	coalesce(k.discounts, 0), coalesce(k.discount_n, 0), coalesce(k.discounts_over, 0), coalesce(k.max_discount, 0),
	coalesce(k.free_hours, 0), coalesce(i.due, 0), coalesce(i.late, 0), coalesce(i.over_limit, 0),
	coalesce(i.days_late, 0), greatest(coalesce(i.worst, 0), 0), coalesce(i.overdue, 0), coalesce(i.overdue_n, 0),
	i.oldest, coalesce(h.months, '{}'), coalesce(h.hours, '{}'), coalesce(n.ids, '{}'), coalesce(n.ats, '{}'),
	coalesce(n.kinds, '{}'), coalesce(n.severities, '{}'), coalesce(n.contacts, '{}'), i.last_over, k.last_discount_over,
	coalesce(k.discounts_derived, 0)`

// factsColumns are facts_cache's figures.
const factsColumns = `revenue, invoices_issued, hours, billable, discounts, discount_count, discounts_over, max_discount,
	free_hours, invoices_due, late_invoices, over_limit, days_late_sum, worst_days_late, overdue, overdue_count,
	oldest_overdue, free_months, free_month_hours, incident_ids, incident_at, incident_kinds, incident_severities,
	incident_contacts, last_over_limit, last_discount_over,
	discounts_derived`

// factsArgs are the query's parameters $1 to $7.
func factsArgs(q cartera.FactsQuery) []any {
	return []any{q.From.UnixDay(), q.AsOf.UnixDay(), int64(q.MaxDaysLate), int64(q.GraceDays), int64(q.MaxDiscount),
		q.IncidentsFrom.AddDays(-1).UnixDay() * 86400, q.AsOf.AddDays(2).UnixDay() * 86400}
}

// factsKey identifies a facts query, the cache's validity.
func factsKey(q cartera.FactsQuery) string {
	return fmt.Sprintf("v2/%d/%d/%d/%d/%d/%d", q.AsOf, q.From, q.IncidentsFrom, q.MaxDaysLate, q.GraceDays, q.MaxDiscount)
}

// factsRow reads a client and its figures.
type factsRow struct {
	f                               cartera.ClientFacts
	oldest, lastOver, lastDisc      *int64
	derived                         int64
	months, monthHours, ats, sevs   []int64
	ids, kinds, contacts            []string
	revenue, issued, hours, billabl int64
	disc, discN, discOver, maxPct   int64
	free, due, late, over           int64
	daysLate, worst, overdue, overN int64
}

func (r *factsRow) scan(s sqlrow.Row) error {
	c, err := sqlrow.ScanClient(sqlrow.With(s, &r.revenue, &r.issued, &r.hours, &r.billabl, &r.disc, &r.discN, &r.discOver,
		&r.maxPct, &r.free, &r.due, &r.late, &r.over, &r.daysLate, &r.worst, &r.overdue, &r.overN, &r.oldest,
		&r.months, &r.monthHours, &r.ids, &r.ats, &r.kinds, &r.sevs, &r.contacts, &r.lastOver, &r.lastDisc, &r.derived))
	if err != nil {
		return err
	}
	months, incidents := r.f.FreeHoursMonth[:0], r.f.Incidents[:0]
	f := cartera.ClientFacts{Client: c, FreeHoursMonth: months, Incidents: incidents,
		Revenue: r.revenue, InvoicesIssued: int(r.issued), Hours: cartera.Hours(r.hours), BillableHours: cartera.Hours(r.billabl),
		Discounts: r.disc, DiscountCount: int(r.discN), DiscountsOver: int(r.discOver), MaxDiscount: cartera.BasisPoints(r.maxPct),
		FreeHours: cartera.Hours(r.free), InvoicesDue: int(r.due), LateInvoices: int(r.late), OverLimit: int(r.over),
		DaysLateSum: int(r.daysLate), WorstDaysLate: int(r.worst), Overdue: r.overdue, OverdueCount: int(r.overN),
		OldestOverdue: sqlrow.DayOf(r.oldest), LastOverLimit: sqlrow.DayOf(r.lastOver), LastDiscountOver: sqlrow.DayOf(r.lastDisc), DiscountsDerived: int(r.derived)}
	if len(r.months) != len(r.monthHours) || len(r.ids) != len(r.ats) || len(r.ids) != len(r.kinds) ||
		len(r.ids) != len(r.sevs) || len(r.ids) != len(r.contacts) {
		return errors.New("facts: arrays of different lengths")
	}
	for i, m := range r.months {
		f.FreeHoursMonth = append(f.FreeHoursMonth, cartera.MonthHours{Month: cartera.DateFromUnixDay(m), Hours: cartera.Hours(r.monthHours[i])})
	}
	for i, id := range r.ids {
		f.Incidents = append(f.Incidents, cartera.IncidentFact{ID: id, At: time.Unix(r.ats[i], 0).UTC(),
			Kind: cartera.IncidentKind(r.kinds[i]), Severity: int(r.sevs[i]), ContactID: r.contacts[i]})
	}
	r.f = f
	return nil
}

// Facts calls fn with the figures of each selected client (FactsStore). A
// sum that does not fit in a bigint — a stored amount beyond cartera's
// bounds — is reported as cartera.ErrFiguresOutOfRange.
func (db *DB) Facts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	err := db.facts(ctx, q, fn)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "22003" { // numeric_value_out_of_range
		return fmt.Errorf("%w: %v", cartera.ErrFiguresOutOfRange, err)
	}
	return err
}

// facts streams the figures of each client, in id order.
//
// A query for a few clients aggregates their events directly. A query for
// every client reads the facts cache, one row per client, after filling in
// the rows that are missing or were made for another query (a new day, a
// new policy, clients an import or an edit touched) with one INSERT ...
// SELECT. The fill takes the generation row's lock in share mode, so no
// write can commit between reading the events and storing their sums; when
// a write holds it (a long import), the review does not wait: it
// aggregates the events directly from its own snapshot.
func (db *DB) facts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	if q.ClientIDs != nil {
		if len(q.ClientIDs) == 0 {
			return nil
		}
		return db.computeFacts(ctx, q, fn)
	}
	key := factsKey(q)
	for attempt := 0; attempt < 3; attempt++ {
		done, cached, err := db.streamCache(ctx, key, fn)
		if err != nil || done {
			return err
		}
		filled, err := db.fillCache(ctx, q, key, cached == 0)
		if err != nil {
			return err
		}
		if !filled {
			break
		}
	}
	return db.computeFacts(ctx, q, fn)
}

// computeFacts aggregates the events of the clients selected by q.
func (db *DB) computeFacts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	args := factsArgs(q)
	events, clients := "", ""
	if q.ClientIDs != nil {
		events, clients = "AND client_id = ANY($8)", "WHERE c.id = ANY($8)"
		args = append(args, q.ClientIDs)
	}
	query := `SELECT ` + sqlrow.Prefixed("c.", sqlrow.ClientColumns) + `, ` + factsExprs + fmt.Sprintf(factsFrom, events, clients) + ` ORDER BY c.id`
	var r factsRow
	return each(ctx, db.pool, query, func(s sqlrow.Row) error {
		if err := r.scan(s); err != nil {
			return err
		}
		return fn(&r.f)
	}, args...)
}

// streamCache streams every client with its cached facts when the cache is
// complete for key, in one snapshot; done is false, and fn not called,
// when it is not.
func (db *DB) streamCache(ctx context.Context, key string, fn func(*cartera.ClientFacts) error) (done bool, cached int64, err error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, 0, fmt.Errorf("facts: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '`+fillWorkMem+`'`); err != nil {
		return false, 0, fmt.Errorf("facts: %w", err)
	}
	// Counting is enough to know the cache is complete: an entry exists
	// only for an existing client, and at most one per client.
	var total int64
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM facts_cache WHERE key = $1)`,
		key).Scan(&total, &cached); err != nil {
		return false, 0, fmt.Errorf("facts cache: %w", err)
	}
	if total == 0 {
		return true, cached, nil
	}
	if cached < total {
		return false, cached, nil
	}
	var r factsRow
	err = each(ctx, tx, `SELECT `+sqlrow.Prefixed("c.", sqlrow.ClientColumns)+`, `+sqlrow.Prefixed("f.", factsColumns)+`
		FROM clients c JOIN facts_cache f ON f.client_id = c.id AND f.key = $1 ORDER BY c.id`, func(s sqlrow.Row) error {
		if err := r.scan(s); err != nil {
			return err
		}
		return fn(&r.f)
	}, key)
	return err == nil, cached, err
}

// fillCache computes the missing or stale entries for key. It reports
// false, doing nothing, when a write is in progress.
//
// When no entry is cached for key (the first review of a day or of a
// policy, or after a bulk import), every client is computed: the events
// are then aggregated whole, each table read once, instead of looked up
// client by client through the list of missing ones. Either way the
// session may use fillWorkMem for the aggregates' hash tables: with the
// default 4 MB, grouping ten million events by 100,000 clients spilled a
// quarter of a gigabyte to temporary files.
func (db *DB) fillCache(ctx context.Context, q cartera.FactsQuery, key string, all bool) (bool, error) {
	filled := false
	err := retry(ctx, func() error {
		tx, err := db.pool.Begin(ctx)
		if err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `SELECT n FROM generation WHERE id = 1 FOR SHARE NOWAIT`); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
				return nil
			}
			return fmt.Errorf("facts cache: %w", err)
		}
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '`+fillWorkMem+`'`); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
		missing := `IN (SELECT id FROM missing)`
		set := make([]string, 0, 25)
		for _, c := range append([]string{"key"}, sqlrow.SplitCols(factsColumns)...) {
			set = append(set, c+" = excluded."+c)
		}
		if all {
			// CREATE TABLE AS may aggregate with parallel workers, which
			// INSERT ... SELECT may not; the figures are then moved into
			// the cache. Its parameters are written into the statement
			// (numbers, and a key of digits and slashes).
			query := `CREATE TEMP TABLE facts_fill (client_id, key, ` + factsColumns + `) ON COMMIT DROP AS
				SELECT c.id, $8::text, ` + factsExprs + fmt.Sprintf(factsFrom, "", "")
			args := append(factsArgs(q), key)
			for i := len(args); i >= 1; i-- {
				lit := fmt.Sprintf("(%d::bigint)", args[i-1])
				if i == 8 {
					lit = "'" + strings.ReplaceAll(key, "'", "''") + "'"
				}
				query = strings.ReplaceAll(query, fmt.Sprintf("$%d", i), lit)
			}
			if _, err := tx.Exec(ctx, query); err != nil {
				return fmt.Errorf("facts cache: %w", err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO facts_cache (client_id, key, `+factsColumns+`)
				SELECT client_id, key, `+factsColumns+` FROM facts_fill ORDER BY client_id
				ON CONFLICT (client_id) DO UPDATE SET `+strings.Join(set, ", ")); err != nil {
				return fmt.Errorf("facts cache: %w", err)
			}
			if err := tx.Commit(ctx); err != nil {
				return fmt.Errorf("facts cache: %w", err)
			}
			filled = true
			return nil
		}
		query := `INSERT INTO facts_cache (client_id, key, ` + factsColumns + `)
			WITH missing AS MATERIALIZED (SELECT id FROM clients c
				WHERE NOT EXISTS (SELECT 1 FROM facts_cache f WHERE f.client_id = c.id AND f.key = $8))
			SELECT c.id, $8, ` + factsExprs + fmt.Sprintf(factsFrom, "AND client_id "+missing, "WHERE c.id "+missing) + `
			ORDER BY c.id
			ON CONFLICT (client_id) DO UPDATE SET ` + strings.Join(set, ", ")
		if _, err := tx.Exec(ctx, query, append(factsArgs(q), key)...); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
		filled = true
		return nil
	})
	return filled, err
}

// fillWorkMem is the work_mem of the transaction that fills the facts
// cache.
const fillWorkMem = "128MB"

// invalidate forgets the cached facts and summaries of the given clients,
// inside tx.
func invalidate(ctx context.Context, tx pgx.Tx, clients []string) error {
	if len(clients) == 0 {
		return nil
	}
	for _, t := range []string{"facts_cache", "client_summary"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE client_id = ANY($1)`, clients); err != nil {
			return err
		}
	}
	return nil
}
