package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
)

// pgQ runs the shared statements of package sqlrow on a pool or a
// transaction, renumbering their ? placeholders.
type pgQ struct{ x querier }

func (q pgQ) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := q.x.Exec(ctx, sqlrow.Rebind(query), args...)
	return tag.RowsAffected(), err
}

func (q pgQ) QueryRow(ctx context.Context, query string, args ...any) sqlrow.Row {
	return pgRow{q.x.QueryRow(ctx, sqlrow.Rebind(query), args...)}
}

func (q pgQ) Each(ctx context.Context, query string, fn func(sqlrow.Row) error, args ...any) error {
	return each(ctx, q.x, sqlrow.Rebind(query), fn, args...)
}

// pgRow reports a missing row as database/sql does, as sqlrow expects.
type pgRow struct{ r pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// writeQ runs fn in one write transaction (see write) for package sqlrow.
func (db *DB) writeQ(ctx context.Context, fn func(sqlrow.Q) error) error {
	return db.write(ctx, func(tx pgx.Tx) error { return fn(pgQ{tx}) })
}
