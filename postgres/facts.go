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

// Facts streams the figures of each client, in id order (FactsStore). A
// sum that does not fit in 64 bits — a stored amount beyond cartera's
// bounds — is reported as cartera.ErrFiguresOutOfRange (see sqlrow's
// ledgers).
//
// A query for a few clients computes them from their ledgers (see
// sqlrow.EachFacts). A query for every client reads the chunked facts cache
// (sqlrow.EachCachedFacts) when it is complete for the query; otherwise it
// walks the clients in a write transaction, computing what the cache lacks
// from the ledgers and caching it as it goes. That transaction takes the
// generation row's lock in share mode, so no write can commit between
// reading the records and caching what was computed from them, and an
// advisory lock, so that two reviews do not fill the cache at once; when
// either is taken (a long import, another review filling it), the review
// does not wait: it computes the figures from its own snapshot.
func (db *DB) Facts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	if q.ClientIDs != nil {
		if len(q.ClientIDs) == 0 {
			return nil
		}
		return db.computeFacts(ctx, q, fn)
	}
	done, err := db.streamCache(ctx, q, fn)
	if err != nil || done {
		return err
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT n FROM generation WHERE id = 1 FOR SHARE NOWAIT`); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
			tx.Rollback(ctx)
			return db.computeFacts(ctx, q, fn)
		}
		return fmt.Errorf("facts cache: %w", err)
	}
	var mine bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtext('cartera.facts_cache'))`).Scan(&mine); err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	if !mine {
		tx.Rollback(ctx)
		return db.computeFacts(ctx, q, fn)
	}
	if _, err := sqlrow.EachCachedFacts(ctx, pgQ{tx}, q, db.chunk, true, fn); err != nil {
		return err
	}
	return tx.Commit(ctx)
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

// streamCache streams every client's cached facts when the cache is
// complete for q, in one snapshot; done is false, and fn not called, when
// it is not.
func (db *DB) streamCache(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) (done bool, err error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, fmt.Errorf("facts: %w", err)
	}
	defer tx.Rollback(ctx)
	complete, err := sqlrow.FactsCacheComplete(ctx, pgQ{tx}, sqlrow.FactsKey(q))
	if err != nil || !complete {
		return false, err
	}
	damaged, err := sqlrow.EachCachedFacts(ctx, pgQ{tx}, q, db.chunk, false, fn)
	if err != nil || len(damaged) == 0 {
		return true, err
	}
	tx.Rollback(ctx)
	return true, db.writeQ(ctx, func(w sqlrow.Q) error { return sqlrow.DropFactsChunks(ctx, w, sqlrow.FactsKey(q), damaged) })
}

// invalidate forgets the cached facts and ledgers of the given clients,
// and marks their summaries stale, inside tx.
func invalidate(ctx context.Context, tx pgx.Tx, clients []string) error {
	if len(clients) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM facts_cache f USING unnest($1::text[]) AS c (id)
		WHERE f.first_id <= c.id AND f.last_id >= c.id`, clients); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE client_summary SET key = '' WHERE client_id = ANY($1)`, clients); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM client_ledger WHERE client_id = ANY($1)`, clients)
	return err
}
