package sqlite

import (
	"context"
	"database/sql"

	"github.com/cartera/cartera/internal/sqlrow"
)

// sqlQ runs the shared statements of package sqlrow on a transaction or a
// pool of database/sql.
type sqlQ struct {
	x interface {
		querier
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
}

func (q sqlQ) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.x.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (q sqlQ) QueryRow(ctx context.Context, query string, args ...any) sqlrow.Row {
	return q.x.QueryRowContext(ctx, query, args...)
}

func (q sqlQ) Each(ctx context.Context, query string, fn func(sqlrow.Row) error, args ...any) error {
	return each(ctx, q.x, query, fn, args...)
}

// readQ runs reads on the read pool through the cached prepared statements.
type readQ struct{ db *DB }

func (q readQ) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return sqlQ{q.db.r}.Exec(ctx, query, args...)
}

func (q readQ) QueryRow(ctx context.Context, query string, args ...any) sqlrow.Row {
	return q.db.queryRow(ctx, query, args...)
}

func (q readQ) Each(ctx context.Context, query string, fn func(sqlrow.Row) error, args ...any) error {
	rows, err := q.db.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// writeQ runs fn in one write transaction (see write) for package sqlrow.
func (db *DB) writeQ(ctx context.Context, fn func(sqlrow.Q) error) error {
	return db.write(ctx, func(tx *sql.Tx) error { return fn(sqlQ{tx}) })
}
