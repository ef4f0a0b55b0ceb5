package sqlite

import (
	"context"
	"database/sql"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// Archive reads everything outside the records in one read transaction,
// so that the lists agree with each other.
func (db *DB) Archive(ctx context.Context) (*cartera.Archive, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return sqlrow.ReadArchive(ctx, sqlQ{tx})
}

// PutArchive writes an archive inside the import's transaction (see
// sqlrow.Shared.PutArchive).
func (t *importTx) PutArchive(ctx context.Context, a *cartera.Archive) error {
	return t.db.Shared.PutArchive(ctx, sqlQ{t.tx}, a, t)
}
