package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// Facts calls fn with the figures of each selected client (FactsStore). A
// sum that does not fit in an int64 — a stored amount beyond cartera's
// bounds — is reported as cartera.ErrFiguresOutOfRange.
func (db *DB) Facts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	err := db.facts(ctx, q, fn)
	if err != nil && strings.Contains(err.Error(), "integer overflow") {
		return fmt.Errorf("%w: %v", cartera.ErrFiguresOutOfRange, err)
	}
	return err
}

// facts streams the figures of each client, in id order.
//
// A query for a few clients aggregates their events directly: the covering
// indexes make that a few index ranges per client, milliseconds. A query for
// every client reads the facts cache, one row per client, and first brings
// it up to date: when most rows are missing or stale (a new day, a new
// policy, a large import) the whole cache is rebuilt from the events while
// the facts are streamed; when only a few are (an import or an edit touched
// some clients) just those are recomputed.
func (db *DB) facts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	if q.ClientIDs != nil {
		tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return fmt.Errorf("facts: %w", err)
		}
		defer tx.Rollback()
		return computeFacts(ctx, tx, q, false, fn)
	}
	key := sqlrow.FactsKey(q)
	// Counting is enough to know the cache is complete: an entry exists
	// only for an existing client, and at most one per client.
	var total, cached int
	if err := db.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM clients),
		(SELECT count(*) FROM facts_cache WHERE key = ?)`, key).Scan(&total, &cached); err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	if total == 0 {
		return nil
	}
	if total-cached > max(total/10, db.rebuildMin) {
		return db.rebuildCache(ctx, q, key, fn)
	}
	if cached < total {
		missing, err := db.staleClients(ctx, key)
		if err != nil {
			return err
		}
		if err := db.fillCache(ctx, q, key, missing); err != nil {
			return err
		}
	}
	return db.streamCache(ctx, q, key, fn)
}

// fillBatch is how many clients are recomputed per query.
const fillBatch = 500

// staleClients lists the clients whose cache entry is missing or was made
// for another query.
func (db *DB) staleClients(ctx context.Context, key string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT c.id FROM clients c
		WHERE NOT EXISTS (SELECT 1 FROM facts_cache f WHERE f.client_id = c.id AND f.key = ?)`, key)
	if err != nil {
		return nil, fmt.Errorf("facts cache: %w", err)
	}
	defer rows.Close()
	var missing []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		missing = append(missing, id)
	}
	return missing, rows.Err()
}

// rebuildCache recomputes every client's facts inside the write
// transaction — so no import can slip in between reading the events and
// storing their sums — storing each one and handing it to fn.
func (db *DB) rebuildCache(ctx context.Context, q cartera.FactsQuery, key string, fn func(*cartera.ClientFacts) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM facts_cache`); err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO facts_cache (client_id, key, data) VALUES (?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	var buf []byte
	if err := computeFacts(ctx, tx, q, true, func(f *cartera.ClientFacts) error {
		buf, _ = f.AppendBinary(buf[:0])
		if _, err := ins.ExecContext(ctx, f.Client.ID, key, buf); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
		return fn(f)
	}); err != nil {
		return err
	}
	return tx.Commit()
}

// fillCache recomputes the given clients' entries.
func (db *DB) fillCache(ctx context.Context, q cartera.FactsQuery, key string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO facts_cache (client_id, key, data) VALUES (?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	var buf []byte
	for start := 0; start < len(ids); start += fillBatch {
		sub := q
		sub.ClientIDs = ids[start:min(start+fillBatch, len(ids))]
		if err := computeFacts(ctx, tx, sub, true, func(f *cartera.ClientFacts) error {
			buf, _ = f.AppendBinary(buf[:0])
			_, err := ins.ExecContext(ctx, f.Client.ID, key, buf)
			return err
		}); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
	}
	return tx.Commit()
}

// streamCache reads every client with its cached facts. A client whose
// entry vanished since fillCache (an import committed in between) is
// computed on the spot from the same snapshot.
func (db *DB) streamCache(ctx context.Context, q cartera.FactsQuery, key string, fn func(*cartera.ClientFacts) error) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("facts: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+sqlrow.Prefixed("c.", sqlrow.ClientColumns)+`, f.data
		FROM clients c LEFT JOIN facts_cache f ON f.client_id = c.id AND f.key = ?
		ORDER BY c.id`, key)
	if err != nil {
		return fmt.Errorf("facts: %w", err)
	}
	defer rows.Close()
	var f cartera.ClientFacts
	var data []byte
	for rows.Next() {
		c, err := sqlrow.ScanClient(scanPlus{rows, &data})
		if err != nil {
			return err
		}
		months, incidents := f.FreeHoursMonth[:0], f.Incidents[:0]
		f = cartera.ClientFacts{Client: c, FreeHoursMonth: months, Incidents: incidents}
		if data == nil || f.UnmarshalBinary(data) != nil {
			one := q
			one.ClientIDs = []string{c.ID}
			if err := computeFacts(ctx, tx, one, false, func(g *cartera.ClientFacts) error { f = *g; return nil }); err != nil {
				return err
			}
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanPlus scans a client row followed by one more column.
type scanPlus struct {
	rows  *sql.Rows
	extra any
}

func (s scanPlus) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }

// invalidate forgets the cached facts and summaries of the given clients,
// inside tx; with many clients it clears both caches, which the next review
// rebuilds.
func invalidate(ctx context.Context, tx *sql.Tx, clients map[string]struct{}) error {
	if len(clients) == 0 {
		return nil
	}
	tables := []string{"client_ledger", "facts_cache", "client_summary"}
	if len(clients) > 2000 {
		// Every cached figure is stale anyway; the ledgers of the clients
		// this write did not touch stay.
		if _, err := tx.ExecContext(ctx, `DELETE FROM facts_cache`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_summary`); err != nil {
			return err
		}
		tables = tables[:1]
	}
	ids := make([]any, 0, len(clients))
	for id := range clients {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += fillBatch {
		batch := ids[start:min(start+fillBatch, len(ids))]
		for _, t := range tables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE client_id IN (`+placeholders(len(batch))+`)`, batch...); err != nil {
				return err
			}
		}
	}
	return nil
}
