package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/storetest"
)

// An import runs with a small page cache on the write connection and
// gives the connection its usual cache back however it ends: committed,
// rolled back, or rolled back after a write failed. The store is opened
// with a cache of its own size, which is the one that must come back.
func TestImportPageCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := OpenWith(ctx, filepath.Join(t.TempDir(), "c.db"), storetest.Clock, Options{CacheKiB: 3000})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	type querier interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}
	cacheSize := func(q querier) int {
		t.Helper()
		var n int
		if err := q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := cacheSize(db.w); got != -db.cacheKiB {
		t.Fatalf("before any import: cache_size %d, want %d", got, -db.cacheKiB)
	}
	deal := cartera.Deal{ID: "D1", Title: "x", Value: cartera.Money{Amount: 100, Currency: "EUR"}, Stage: "lead",
		Created: cartera.DateOf(2026, 1, 1), Outcome: cartera.OutcomeOpen}
	for _, tc := range []struct {
		name string
		end  func(cartera.ImportTx) error
	}{
		{"committed", func(tx cartera.ImportTx) error {
			if _, err := tx.PutDeals(ctx, []cartera.Deal{deal}, []int64{2}); err != nil {
				return err
			}
			return tx.Commit(ctx)
		}},
		{"rolled back", func(tx cartera.ImportTx) error { return tx.Rollback() }},
		{"rolled back after a failed write", func(tx cartera.ImportTx) error {
			// A signal on a deal nobody has: the foreign key refuses it.
			sig := cartera.Signal{ID: "S1", DealID: "nobody", Kind: cartera.SignalNoReply, Day: cartera.DateOf(2026, 2, 1)}
			if _, err := tx.PutSignals(ctx, []cartera.Signal{sig}, []int64{2}); err == nil {
				t.Error("a signal on an unknown deal was written")
			}
			return tx.Rollback()
		}},
	} {
		tx, err := db.BeginImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := cacheSize(tx.(*importTx).tx); got != -importCacheKiB {
			t.Errorf("%s: during the import cache_size %d, want %d", tc.name, got, -importCacheKiB)
		}
		if err := tc.end(tx); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := cacheSize(db.w); got != -db.cacheKiB {
			t.Errorf("%s: after the import cache_size %d, want %d", tc.name, got, -db.cacheKiB)
		}
	}
}
