package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cartera/cartera"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// begin starts a write transaction. The write connection takes SQLite's
// write lock as it begins (BEGIN IMMEDIATE), so this is where another
// process's long write — `cartera serve` assessing every client after an
// import, an import in another terminal — shows, once the busy timeout
// has run out: as a conflict the user can act on (try again), not as an
// internal error.
func (db *DB) begin(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil && isBusy(err) {
		return nil, fmt.Errorf("%w (%v)", cartera.NewError(cartera.ECONFLICT, "db.locked"), err)
	}
	return tx, err
}

// isBusy says whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

// write runs fn in a write transaction that also counts one generation.
func (db *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := bump(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
