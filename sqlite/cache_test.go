package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/storetest"
)

// The contract suite again with facts cache chunks of two clients, so that
// a review walks many chunks and a write drops one among several.
func TestContractSmallFactsChunks(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cartera.Store {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), storetest.Clock)
		if err != nil {
			t.Fatal(err)
		}
		db.chunk = 2
		return db
	})
}

func TestDamagedFactsCache(t *testing.T) {
	open := func(t *testing.T) cartera.Store {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), storetest.Clock)
		if err != nil {
			t.Fatal(err)
		}
		db.chunk = 2
		return db
	}
	storetest.DamagedFactsCache(t, open, func(st cartera.Store, query string, args ...any) error {
		_, err := st.(*DB).w.ExecContext(context.Background(), query, args...)
		return err
	})
}
