package postgres

import (
	"context"
	"fmt"

	"github.com/cartera/cartera/internal/sqlrow"
)

// each runs a query and calls fn for every row, streaming.
func each(ctx context.Context, q querier, query string, fn func(sqlrow.Row) error, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
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
func eachRecord[T any](ctx context.Context, q querier, query string, scan func(sqlrow.Row) (T, error), fn func(T) error, args ...any) error {
	return each(ctx, q, query, func(s sqlrow.Row) error {
		x, err := scan(s)
		if err != nil {
			return err
		}
		return fn(x)
	}, args...)
}
