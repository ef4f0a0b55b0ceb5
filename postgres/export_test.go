package postgres

import "context"

// SetFactsChunk sets how many clients a facts cache chunk holds, so that
// the contract suite can walk many chunks on few clients.
func SetFactsChunk(db *DB, n int) { db.chunk = n }

// Exec runs a statement with ? placeholders on the store's pool, outside
// its methods.
func Exec(db *DB, query string, args ...any) error {
	_, err := pgQ{db.pool}.Exec(context.Background(), query, args...)
	return err
}
