package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/sqlite"
	"github.com/cartera/cartera/storetest"
)

func TestBackupWhileWritingAndRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src, err := sqlite.Open(ctx, filepath.Join(dir, "src.db"), storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	storetest.Load(t, src, storetest.NewFixture())

	// Writers keep going while the backup is taken.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := src.SaveClient(ctx, cartera.Client{ID: fmt.Sprintf("W%04d", i), Name: "Escritura", Currency: "EUR"}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	backup := filepath.Join(dir, "copia.db")
	if err := src.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if err := src.Backup(ctx, backup); cartera.ErrorCode(err) != cartera.ECONFLICT {
		t.Errorf("a backup over an existing file: %v", err)
	}

	// The copy opens, is whole, and holds a consistent state: the fixture
	// plus some prefix of the writes.
	dst, err := sqlite.Open(ctx, filepath.Join(dir, "dst.db"), storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	g0, _ := dst.Generation(ctx)
	if err := dst.Restore(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if g, _ := dst.Generation(ctx); g <= g0 {
		t.Errorf("generation went from %d to %d: caches would not notice the restore", g0, g)
	}
	if err := dst.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	got := storetest.Dump(t, dst)
	want := storetest.SortFixture(storetest.NewFixture())
	var extra []cartera.Client
	for _, c := range got.Clients {
		if len(c.ID) == 5 && c.ID[0] == 'W' {
			extra = append(extra, c)
		}
	}
	for i, c := range extra {
		if c.ID != fmt.Sprintf("W%04d", i) {
			t.Fatalf("the copy holds %s but not every write before it", c.ID)
		}
	}
	got.Clients = got.Clients[:len(got.Clients)-len(extra)]
	if diff := storetest.Compare(want, got); diff != "" {
		t.Error(diff)
	}

	// Restoring something that is not a cartera database changes nothing.
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database at all, just text"), 0o644)
	if err := dst.Restore(ctx, junk); cartera.ErrorCode(err) != cartera.EINVALID {
		t.Errorf("restoring junk: %v", err)
	}
	if n, _ := dst.Counts(ctx); n[cartera.EntityInvoices] != int64(len(want.Invoices)) {
		t.Errorf("a refused restore changed the data: %v", n)
	}
}
