// Package sqlite implements cartera.Store on an embedded SQLite database:
// one file, no server, no C toolchain (the driver is modernc.org/sqlite, a
// pure-Go translation of SQLite).
//
// The database runs in WAL mode with foreign keys on and a busy timeout.
// Writes go through a pool of exactly one connection, so writers queue in Go
// instead of failing with "database is locked"; reads use a separate pool
// and never block on the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is a cartera.Store backed by one SQLite file.
type DB struct {
	// Shared supplies the methods whose SQL is the same on both stores.
	sqlrow.Shared
	path string
	// now is the clock the caller gave Open: the day a write is checked
	// against ("not in the future"), and the time of sessions and imports.
	now cartera.Clock
	w   *sql.DB // one connection: every write
	r   *sql.DB // reads
	// chunk is how many clients a facts cache chunk holds at most.
	chunk int
	// cacheKiB is the write connection's page cache
	// (Options.WriteCacheKiB), which an import lowers while it runs and
	// puts back.
	cacheKiB int
	// stmts caches prepared read statements by their SQL: parsing a query
	// costs more than running it on the web app's hot paths.
	stmts sync.Map
	// latest caches the last day anything is dated in the pipeline, by
	// generation: an as-of read on or after it is a read of now.
	latest sqlrow.GenerationDay
}

// prepared returns a cached prepared statement on the read pool.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.r.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if old, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// queryRow runs a cached read statement expected to return one row.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := db.prepared(ctx, query)
	if err != nil {
		return db.r.QueryRowContext(ctx, query, args...) // reports the error on Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// query runs a cached read statement.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

var _ cartera.Store = (*DB)(nil)

// DefaultCacheKiB is each connection's page cache, in KiB, unless Options
// say otherwise: room for the hot pages of a server that runs for days.
const DefaultCacheKiB = 32 << 10

// BriefCacheKiB is the page cache of a process that runs one command and
// exits (SQLite's own default size). Such a process reads most pages once,
// so a large cache only adds work: every page it holds is a fresh
// allocation, zeroed and faulted in, and freed again at Close. At 100,000
// clients the first review of a day spent half its system time on that
// with DefaultCacheKiB (docs/performance.md).
const BriefCacheKiB = 2 << 10

// Options tune how Open sets up the connections.
type Options struct {
	// CacheKiB is each connection's page cache in KiB; 0 means
	// DefaultCacheKiB.
	CacheKiB int
	// WriteCacheKiB, when not 0, is the write connection's instead.
	WriteCacheKiB int
}

// Open opens (creating if needed) the database at path and applies any
// pending migrations. The directory is created too. now is the clock the
// store reads when it needs the time (the entry point's clock).
func Open(ctx context.Context, path string, now cartera.Clock) (*DB, error) {
	return OpenWith(ctx, path, now, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, now cartera.Clock, opt Options) (*DB, error) {
	if opt.CacheKiB <= 0 {
		opt.CacheKiB = DefaultCacheKiB
	}
	if opt.WriteCacheKiB <= 0 {
		opt.WriteCacheKiB = opt.CacheKiB
	}
	if now == nil {
		return nil, errors.New("sqlite.Open: no clock")
	}
	if path == "" {
		return nil, cartera.NewError(cartera.EINVALID, "db.path_empty")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, cartera.NewError(cartera.EINVALID, "db.cannot_create", "path", path, "reason", err.Error())
		}
	}
	if err := private(path); err != nil {
		return nil, cartera.NewError(cartera.EINVALID, "db.cannot_create", "path", path, "reason", err.Error())
	}
	w, err := sql.Open("sqlite", dsn(path, false, opt.WriteCacheKiB))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{path: path, now: now, w: w, chunk: sqlrow.ChunkClients, cacheKiB: opt.WriteCacheKiB}
	db.Shared = sqlrow.NewShared(sqlrow.Config{Read: readQ{db}, Write: db.writeQ, Bookkeep: sqlQ{w}, Now: now})
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true, opt.CacheKiB))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.r = r
	return db, nil
}

// private makes the database readable by its owner only: it creates the
// file with mode 0600 (SQLite then gives its write-ahead log and
// shared-memory file the same mode), and takes group and other access
// away from a file (and log) made before, whatever the umask. They hold
// the whole portfolio and the password hashes.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if m := fi.Mode().Perm(); m&0o077 != 0 {
			if err := os.Chmod(p, m&^0o077); err != nil {
				return err
			}
		}
	}
	return nil
}

// dsn builds the connection string, with a page cache of cacheKiB.
// temp_store=MEMORY keeps statement journals of multi-row writes off the
// disk, which makes large imports about a third faster.
func dsn(path string, readOnly bool, cacheKiB int) string {
	q := url.Values{}
	for _, p := range []string{
		"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)",
		"synchronous(NORMAL)", "temp_store(MEMORY)", "cache_size(-" + strconv.Itoa(cacheKiB) + ")",
	} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// today is the latest calendar day anywhere by the store's clock.
func (db *DB) today() cartera.Date { return cartera.LatestDay(db.now()) }

// Path returns the database file name.
func (db *DB) Path() string { return db.path }

// Close closes both pools, checkpointing the WAL into the main file.
func (db *DB) Close() error {
	var errs []error
	db.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		_, _ = db.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// migrate applies the embedded migrations not yet recorded in
// schema_migrations, each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var current int
	if err := db.w.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	latest := 0
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: bad name", name)
		}
		latest = max(latest, v)
		if v <= current {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.begin(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, v); err != nil {
			tx.Rollback()
			return err
		}
		if step, ok := migrationSteps[v]; ok {
			if err := step(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	if current > latest {
		return cartera.NewError(cartera.EINVALID, "db.newer_schema", "path", db.path, "version", current, "known", latest)
	}
	return nil
}

// migrationSteps are Go steps run after a migration's SQL, in the same
// transaction, for what SQL cannot compute (folding accents).
var migrationSteps = map[int]func(context.Context, *sql.Tx) error{
	3: func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, owner FROM clients WHERE owner <> ''`)
		if err != nil {
			return err
		}
		type pair struct{ id, owner string }
		var all []pair
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.id, &p.owner); err != nil {
				rows.Close()
				return err
			}
			all = append(all, p)
		}
		rows.Close()
		for _, p := range all {
			if _, err := tx.ExecContext(ctx, `UPDATE clients SET owner_key = ? WHERE id = ?`, cartera.Fold(p.owner), p.id); err != nil {
				return err
			}
		}
		return rows.Err()
	},
}

// IntegrityCheck runs PRAGMA integrity_check and foreign_key_check and
// returns an error describing the first problems found.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.w.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity_check: %s", res)
	}
	rows, err := db.w.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("foreign_key_check: dangling references")
	}
	return rows.Err()
}

// nullDay converts a Date to its stored form: days since 1970, or NULL.
func nullDay(d cartera.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.UnixDay()
}

// dayOf converts a stored day back.
func dayOf(n sql.NullInt64) cartera.Date {
	if !n.Valid {
		return 0
	}
	return cartera.DateFromUnixDay(n.Int64)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// placeholders returns "?,?,…" with n marks.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

// PoolStats reports both connection pools, for /metrics.
func (db *DB) PoolStats() map[string]sql.DBStats {
	return map[string]sql.DBStats{"write": db.w.Stats(), "read": db.r.Stats()}
}
