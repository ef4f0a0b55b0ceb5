package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cartera/cartera/internal/sqlrow"
)

// querier is a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// each runs a query and calls fn for every row.
func each(ctx context.Context, q querier, query string, fn func(sqlrow.Row) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// eachRecord runs a query and hands every scanned record to fn.
func eachRecord[T any](ctx context.Context, db *DB, query string, scan func(sqlrow.Row) (T, error), fn func(T) error, args ...any) error {
	return each(ctx, db.r, query, func(s sqlrow.Row) error {
		x, err := scan(s)
		if err != nil {
			return err
		}
		return fn(x)
	}, args...)
}
