package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// Facts streams the figures of each client, in id order (FactsStore). A
// sum that does not fit in 64 bits — a stored amount beyond cartera's
// bounds — is reported as cartera.ErrFiguresOutOfRange (see sqlrow's
// ledgers).
//
// A query for a few clients computes them from their ledgers: one row each,
// or a few index ranges for a client whose records changed since. A query
// for every client reads the chunked facts cache (sqlrow.EachCachedFacts)
// when it is complete for the query; otherwise it walks the clients inside
// the write transaction — so no import can slip in between reading the
// records and caching what was computed from them — computing what the
// cache lacks from the ledgers and caching it as it goes.
func (db *DB) Facts(ctx context.Context, q cartera.FactsQuery, fn func(*cartera.ClientFacts) error) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("facts: %w", err)
	}
	defer tx.Rollback()
	if q.ClientIDs != nil {
		return sqlrow.EachFacts(ctx, sqlQ{tx}, q, false, fn)
	}
	complete, err := sqlrow.FactsCacheComplete(ctx, sqlQ{tx}, sqlrow.FactsKey(q))
	if err != nil {
		return err
	}
	if complete {
		damaged, err := sqlrow.EachCachedFacts(ctx, sqlQ{tx}, q, db.chunk, false, fn)
		if err != nil || len(damaged) == 0 {
			return err
		}
		tx.Rollback()
		return db.writeQ(ctx, func(w sqlrow.Q) error { return sqlrow.DropFactsChunks(ctx, w, sqlrow.FactsKey(q), damaged) })
	}
	tx.Rollback()
	w, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	defer w.Rollback()
	if _, err := sqlrow.EachCachedFacts(ctx, sqlQ{w}, q, db.chunk, true, fn); err != nil {
		return err
	}
	return w.Commit()
}

// invalidate forgets the cached facts and ledgers of the given clients and
// marks their summaries stale (an empty key: lists keep the previous
// figures until they are assessed again), inside tx. With many clients it
// empties the facts cache and marks every summary stale.
func invalidate(ctx context.Context, tx *sql.Tx, clients map[string]struct{}) error {
	if len(clients) == 0 {
		return nil
	}
	many := len(clients) > 2000
	if many {
		for _, stmt := range []string{`DELETE FROM facts_cache`, `UPDATE client_summary SET key = ''`} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
	} else {
		forget, err := tx.PrepareContext(ctx, sqlrow.ForgetFactsSQL)
		if err != nil {
			return err
		}
		defer forget.Close()
		for id := range clients {
			if _, err := forget.ExecContext(ctx, id, id); err != nil {
				return err
			}
		}
	}
	ids := make([]any, 0, len(clients))
	for id := range clients {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += invalidateBatch {
		batch := ids[start:min(start+invalidateBatch, len(ids))]
		in := `client_id IN (` + placeholders(len(batch)) + `)`
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_ledger WHERE `+in, batch...); err != nil {
			return err
		}
		if !many { // with many, every summary was marked above
			if _, err := tx.ExecContext(ctx, `UPDATE client_summary SET key = '' WHERE `+in, batch...); err != nil {
				return err
			}
		}
	}
	return nil
}

// invalidateBatch is how many clients one DELETE names.
const invalidateBatch = 500
