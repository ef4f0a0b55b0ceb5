package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

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
// A query for a few clients computes them from their ledgers (see
// sqlrow.EachFacts). A query for every client reads the facts cache, one row
// per client, after filling in the rows that are missing or were made for
// another query (a new day, a new policy, clients an import or an edit
// touched) from the ledgers, rebuilding and storing the ledgers that are
// missing too. The fill takes the generation row's lock in share mode, so
// no write can commit between reading the records and storing what was
// computed from them; when a write holds it (a long import), the review does
// not wait: it computes the figures from its own snapshot.
func (db *DB) facts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	if q.ClientIDs != nil {
		if len(q.ClientIDs) == 0 {
			return nil
		}
		return db.computeFacts(ctx, q, fn)
	}
	key := sqlrow.FactsKey(q)
	for attempt := 0; attempt < 3; attempt++ {
		done, err := db.streamCache(ctx, key, fn)
		if err != nil || done {
			return err
		}
		filled, err := db.fillCache(ctx, q, key)
		if err != nil {
			return err
		}
		if !filled {
			break
		}
	}
	return db.computeFacts(ctx, q, fn)
}

// computeFacts computes the figures of the clients selected by q from one
// snapshot, without storing anything.
func (db *DB) computeFacts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("facts: %w", err)
	}
	defer tx.Rollback(ctx)
	return sqlrow.EachFacts(ctx, pgQ{tx}, q, false, fn)
}

// streamCache streams every client with its cached facts when the cache is
// complete for key, in one snapshot; done is false, and fn not called,
// when it is not.
func (db *DB) streamCache(ctx context.Context, key string, fn func(*cartera.ClientFacts) error) (done bool, err error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, fmt.Errorf("facts: %w", err)
	}
	defer tx.Rollback(ctx)
	// Counting is enough to know the cache is complete: an entry exists
	// only for an existing client, and at most one per client.
	var total, cached int64
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM facts_cache WHERE key = $1)`,
		key).Scan(&total, &cached); err != nil {
		return false, fmt.Errorf("facts cache: %w", err)
	}
	if total == 0 {
		return true, nil
	}
	if cached < total {
		return false, nil
	}
	var f cartera.ClientFacts
	var data []byte
	err = each(ctx, tx, `SELECT `+sqlrow.Prefixed("c.", sqlrow.ClientColumns)+`, f.data
		FROM clients c JOIN facts_cache f ON f.client_id = c.id AND f.key = $1 ORDER BY c.id`, func(s sqlrow.Row) error {
		c, err := sqlrow.ScanClient(sqlrow.With(s, &data))
		if err != nil {
			return err
		}
		f.Client = c
		if err := f.UnmarshalBinary(data); err != nil {
			return fmt.Errorf("facts cache of %s: %w", c.ID, err)
		}
		return fn(&f)
	}, key)
	return err == nil, err
}

// fillCache computes the missing or stale entries for key. It reports
// false, doing nothing, when a write is in progress.
func (db *DB) fillCache(ctx context.Context, q cartera.FactsQuery, key string) (bool, error) {
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
		var stale []string
		if err := each(ctx, tx, `SELECT id FROM clients c
			WHERE NOT EXISTS (SELECT 1 FROM facts_cache f WHERE f.client_id = c.id AND f.key = $1) ORDER BY id`,
			func(s sqlrow.Row) error {
				var id string
				err := s.Scan(&id)
				stale = append(stale, id)
				return err
			}, key); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
		var total int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM clients`).Scan(&total); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
		fq := q
		if int64(len(stale)) < total {
			fq.ClientIDs = stale
		}
		if _, err := tx.Exec(ctx, `DELETE FROM facts_cache WHERE client_id = ANY($1)`, stale); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
		var rows [][]any
		if err := sqlrow.EachFacts(ctx, pgQ{tx}, fq, true, func(f *cartera.ClientFacts) error {
			data, err := f.AppendBinary(nil)
			rows = append(rows, []any{f.Client.ID, key, data})
			return err
		}); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"facts_cache"}, []string{"client_id", "key", "data"}, pgx.CopyFromRows(rows)); err != nil {
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

// invalidate forgets the cached facts, summaries and ledgers of the given
// clients, inside tx.
func invalidate(ctx context.Context, tx pgx.Tx, clients []string) error {
	if len(clients) == 0 {
		return nil
	}
	for _, t := range []string{"facts_cache", "client_summary", "client_ledger"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE client_id = ANY($1)`, clients); err != nil {
			return err
		}
	}
	return nil
}
