package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/storetest"
)

// A write that cannot get the lock because another process holds it for
// longer than the busy timeout fails as a conflict the user can retry,
// with its own message, not as an internal error; nothing is written.
func TestWriteWhileAnotherProcessWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := Open(ctx, path, storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The pool's one write connection: a short wait keeps the test quick.
	if _, err := db.w.ExecContext(ctx, `PRAGMA busy_timeout = 50`); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", dsn(path, false, BriefCacheKiB))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	hold, err := other.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		t.Fatal(err)
	}
	pol := cartera.DefaultPolicy()
	pol.MaxDaysLate = 45
	err = db.SavePolicy(ctx, pol)
	if cartera.ErrorCode(err) != cartera.ECONFLICT || cartera.ErrorMessage(err).Key != "db.locked" {
		t.Fatalf("a write behind another process's lock: %v (code %q)", err, cartera.ErrorCode(err))
	}
	hold.Rollback()
	got, err := db.Policy(ctx)
	if err != nil || got.MaxDaysLate == 45 {
		t.Errorf("the refused write was kept: %d %v", got.MaxDaysLate, err)
	}
	if err := db.SavePolicy(ctx, pol); err != nil {
		t.Errorf("once the lock is released: %v", err)
	}
}
