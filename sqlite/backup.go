package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"modernc.org/sqlite"

	"github.com/cartera/cartera"
)

// backuper is what modernc's connections offer for SQLite's online backup
// API.
type backuper interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
	NewRestore(srcURI string) (*sqlite.Backup, error)
}

// Backup writes a consistent copy of the database to path while it stays in
// use: SQLite's online backup API copies every page inside one read
// transaction, so writers are not blocked and the copy is the database as
// of one instant. The copy is written under a temporary name, synced, and
// renamed, so a failed backup leaves no half file. An existing file is not
// replaced.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return cartera.NewError(cartera.ECONFLICT, "backup.exists", "path", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return cartera.NewError(cartera.EINVALID, "backup.cannot_write", "path", path, "reason", err.Error())
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return cartera.NewError(cartera.EINVALID, "backup.cannot_write", "path", path, "reason", err.Error())
	}
	tmp, err := os.CreateTemp(dir, ".cartera-backup-*")
	if err != nil {
		return cartera.NewError(cartera.EINVALID, "backup.cannot_write", "path", path, "reason", err.Error())
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(backuper)
		if !ok {
			return fmt.Errorf("backup: the driver has no backup API")
		}
		bk, err := b.NewBackup(tmpName)
		if err != nil {
			return err
		}
		// One step copies every page inside one read transaction.
		if _, err := bk.Step(-1); err != nil {
			bk.Finish()
			return err
		}
		return bk.Finish()
	})
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := syncFile(tmpName); err != nil {
		return err
	}
	if err := checkCopy(ctx, tmpName); err != nil {
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		return cartera.NewError(cartera.EINVALID, "backup.cannot_write", "path", path, "reason", err.Error())
	}
	return nil
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// checkCopy opens a database file read-only and checks that it is whole
// and is a cartera database this version can read.
func checkCopy(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return cartera.NewError(cartera.EINVALID, "restore.cannot_read", "path", path, "reason", err.Error())
	}
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return cartera.NewError(cartera.EINVALID, "restore.not_cartera", "path", path, "reason", err.Error())
	}
	if res != "ok" {
		return cartera.NewError(cartera.EINVALID, "restore.damaged", "path", path, "reason", res)
	}
	var version int
	if err := c.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil {
		return cartera.NewError(cartera.EINVALID, "restore.not_cartera", "path", path, "reason", err.Error())
	}
	if latest := latestMigration(); version > latest {
		return cartera.NewError(cartera.EINVALID, "restore.too_new", "path", path, "version", version, "latest", latest)
	}
	return nil
}

// latestMigration is the highest schema version this binary knows.
func latestMigration() int {
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	n := 0
	for _, name := range names {
		var v int
		fmt.Sscanf(filepath.Base(name), "%d_", &v)
		n = max(n, v)
	}
	return n
}

// Restore replaces the whole database with a backup taken by Backup (or
// any copy of a cartera database), in one write transaction: readers see
// either the old data or the new, never a mix. The backup is checked
// first; a backup from an older version is migrated after the copy. The
// generation counter only moves forward, so caches keyed on it drop what
// they hold.
func (db *DB) Restore(ctx context.Context, path string) error {
	if err := checkCopy(ctx, path); err != nil {
		return err
	}
	var before int64
	if err := db.w.QueryRowContext(ctx, `SELECT n FROM generation WHERE id = 1`).Scan(&before); err != nil {
		return err
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(backuper)
		if !ok {
			return fmt.Errorf("restore: the driver has no backup API")
		}
		bk, err := b.NewRestore(path)
		if err != nil {
			return err
		}
		if _, err := bk.Step(-1); err != nil {
			bk.Finish()
			return err
		}
		return bk.Finish()
	})
	conn.Close()
	if err != nil {
		return fmt.Errorf("restore from %s: %w", path, err)
	}
	db.stmts.Range(func(k, v any) bool { v.(*sql.Stmt).Close(); db.stmts.Delete(k); return true })
	if err := db.migrate(ctx); err != nil {
		return err
	}
	_, err = db.w.ExecContext(ctx, `UPDATE generation SET n = max(n, ?) + 1 WHERE id = 1`, before)
	return err
}
