package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/sqlite"
	"github.com/cartera/cartera/storetest"
)

func open(t *testing.T) cartera.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cartera.db"), storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestContract(t *testing.T) {
	storetest.Run(t, open)
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "cartera.db")
	db, err := sqlite.Open(ctx, path, storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Load(t, db, storetest.NewFixture())
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(ctx, path, storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := db.Counts(ctx)
	if err != nil || n[cartera.EntityInvoices] != int64(len(storetest.NewFixture().Invoices)) {
		t.Errorf("after reopening: %v %v", n, err)
	}
}
