package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/sqlite"
	"github.com/cartera/cartera/storetest"
)

// The database, its write-ahead log and shared-memory file, and backups
// are readable by their owner only, whatever the umask and whether or not
// the folder already existed: they hold the whole portfolio and the
// password hashes.
func TestFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cartera.db")
	db, err := sqlite.Open(ctx, path, storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SaveClient(ctx, cartera.Client{ID: "C1", Name: "Uno", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "copia.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", backup} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if m := fi.Mode().Perm(); m&0o077 != 0 {
			t.Errorf("%s has mode %o, want no access for group or others", filepath.Base(p), m)
		}
	}
}
