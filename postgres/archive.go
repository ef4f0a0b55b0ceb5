package postgres

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
)

// Archive reads everything outside the records in one repeatable-read
// transaction, so that the lists agree with each other.
func (db *DB) Archive(ctx context.Context) (*cartera.Archive, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	return sqlrow.ReadArchive(ctx, pgQ{tx})
}

// PutArchive writes an archive inside the import's transaction (see
// sqlrow.Shared.PutArchive).
func (t *importTx) PutArchive(ctx context.Context, a *cartera.Archive) error {
	if err := t.db.Shared.PutArchive(ctx, pgQ{t.tx}, a, t); err != nil {
		return err
	}
	// Rows written with their own ids leave the identity sequences behind:
	// the next new user, token, lesson or decision must not reuse one.
	for _, table := range []string{"users", "api_tokens", "lessons", "decisions"} {
		if _, err := t.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), greatest((SELECT max(id) FROM `+table+
			`), 1), (SELECT max(id) FROM `+table+`) IS NOT NULL)`); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	return nil
}
