package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/storetest"
)

// The contract suite again with every stale cache rebuilt whole, so that
// both ways of bringing the facts cache up to date are checked.
func TestContractRebuildingTheCache(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cartera.Store {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), storetest.Clock)
		if err != nil {
			t.Fatal(err)
		}
		db.rebuildMin = 0
		return db
	})
}
