// Package postgres implements cartera.Store on PostgreSQL, for teams and for
// several stateless `cartera serve` replicas sharing one database. The
// driver is github.com/jackc/pgx/v5 (pure Go, no C toolchain).
//
// The store behaves as the SQLite one does, and passes the same contract
// suite (package storetest). The differences are of dialect:
//
//   - Every write transaction first updates the one-row generation table.
//     That row lock serialises writers, as SQLite's single writer does, so
//     a version check and the write it guards see the same data; reads never
//     wait for it.
//   - The facts cache is filled by one INSERT ... SELECT aggregating inside
//     the database; PL/pgSQL triggers forget a client's cache and summary
//     when one of its events moves or is deleted.
//   - Imports COPY a batch of new ids straight into its table, and any
//     other batch into a temporary staging table to upsert from it with
//     INSERT ... SELECT ... ON CONFLICT. References of contacts and events
//     are checked once per statement by triggers (migration 0006), not by
//     per-row foreign keys.
//   - Lessons are searched with a tsvector of a copy of their text folded in
//     Go (see cartera.Fold), with no extension required.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is a cartera.Store backed by a PostgreSQL database.
type DB struct {
	// Shared supplies the methods whose SQL is the same on both stores.
	sqlrow.Shared
	pool *pgxpool.Pool
	// chunk is how many clients a facts cache chunk holds at most.
	chunk int
	// now is the clock the caller gave Open: the day a write is checked
	// against ("not in the future"), and the time of sessions and imports.
	now cartera.Clock
	// where names the server and database, without the password, for
	// messages.
	where string
	// latest caches the last day anything is dated in the pipeline, by
	// generation: an as-of read on or after it is a read of now.
	latest sqlrow.GenerationDay
}

var _ cartera.Store = (*DB)(nil)

// IsDSN reports whether a --db value names a PostgreSQL database rather
// than a SQLite file.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// migrationLock is the pg_advisory_xact_lock key under which migrations
// run, so that two servers starting at once on one database do not race.
const migrationLock = 0x63617274657261 // "cartera"

// Open connects to the database named by dsn (a postgres:// URL; pgx's
// parameters such as pool_max_conns and options=-c search_path=… apply) and
// applies any pending migrations. now is the clock the store reads when
// it needs the time (the entry point's clock).
func Open(ctx context.Context, dsn string, now cartera.Clock) (*DB, error) {
	if now == nil {
		return nil, errors.New("postgres.Open: no clock")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, cartera.NewError(cartera.EINVALID, "db.postgres_bad_dsn", "reason", cleanReason(err))
	}
	where := cfg.ConnConfig.Host + "/" + cfg.ConnConfig.Database
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, cartera.NewError(cartera.EINVALID, "db.postgres_unreachable", "where", where, "reason", cleanReason(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, cartera.NewError(cartera.EINVALID, "db.postgres_unreachable", "where", where, "reason", cleanReason(err))
	}
	db := &DB{pool: pool, now: now, where: where, chunk: sqlrow.ChunkClients}
	db.Shared = sqlrow.NewShared(sqlrow.Config{Read: pgQ{pool}, Write: db.writeQ, Bookkeep: pgQ{pool}, Now: now, SearchText: true})
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// cleanReason keeps the driver's explanation short and free of secrets:
// pgx never prints the password, only host, user and database.
func cleanReason(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}

// Where names the server and database (no credentials).
func (db *DB) Where() string { return db.where }

// Pool returns the connection pool, for tests and tools.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// migrate applies the embedded migrations not yet recorded in
// schema_migrations, each in its own transaction under an advisory lock.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	latest := 0
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: bad name", name)
		}
		latest = max(latest, v)
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if err := db.migrateOne(ctx, name, v, string(body)); err != nil {
			return err
		}
	}
	var current int
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > latest {
		return cartera.NewError(cartera.EINVALID, "db.newer_schema", "path", db.where, "version", current, "known", latest)
	}
	return nil
}

// migrateOne applies one migration unless it is recorded. The lock is
// taken before looking, so a second server waits for the first and then
// finds the migration done.
func (db *DB) migrateOne(ctx context.Context, name string, v int, body string) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	var done bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, v).Scan(&done); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if done {
		return nil
	}
	// The simple protocol runs a file of several statements at once.
	if _, err := tx.Exec(ctx, body, pgx.QueryExecModeSimpleProtocol); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, v); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	return nil
}

// maxAttempts bounds how often a transaction that lost a serialisation
// conflict or a deadlock is run again.
const maxAttempts = 5

// retryable reports a failure that running the transaction again cures.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// dbError maps PostgreSQL's errors to the application's, in one place: a
// unique violation is a conflict; a foreign-key violation stays an internal
// error, as in the SQLite store (the stores check references before writing
// and report them as field errors, so one that reaches the database is a
// race or a bug); anything else is wrapped unchanged.
func dbError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505":
		return fmt.Errorf("%w (%s)", cartera.NewError(cartera.ECONFLICT, "db.conflict"), pe.ConstraintName)
	case "40001", "40P01":
		return fmt.Errorf("%w: %s", cartera.NewError(cartera.ECONFLICT, "db.busy"), pe.Message)
	}
	return err
}

// retry runs fn until it succeeds, fails for good, or has been tried
// maxAttempts times.
func retry(ctx context.Context, fn func() error) error {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if err = fn(); err == nil || !retryable(err) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	return dbError(err)
}

// write runs fn in a write transaction that also counts one generation.
// The generation row is updated first: its lock makes writers take turns.
func (db *DB) write(ctx context.Context, fn func(pgx.Tx) error) error {
	return retry(ctx, func() error {
		tx, err := db.pool.Begin(ctx)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer tx.Rollback(ctx)
		if err := bump(ctx, tx); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	})
}

// bump counts a write in the generation counter, locking its row until the
// transaction ends.
func bump(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `UPDATE generation SET n = n + 1 WHERE id = 1`)
	return err
}

// Generation returns the write counter.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT n FROM generation WHERE id = 1`).Scan(&n)
	return n, err
}

// querier is what both the pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// params builds a parameter list, numbering placeholders as they are added.
type params []any

// add appends a value and returns its placeholder.
func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// today is the latest calendar day anywhere by the store's clock.
func (db *DB) today() cartera.Date { return cartera.LatestDay(db.now()) }

func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) || errors.Is(err, sql.ErrNoRows) }

// PoolStats reports the connection pool in database/sql's terms, for
// /metrics: a wait is an acquire that found no idle connection.
func (db *DB) PoolStats() map[string]sql.DBStats {
	s := db.pool.Stat()
	return map[string]sql.DBStats{"postgres": {
		MaxOpenConnections: int(s.MaxConns()),
		OpenConnections:    int(s.TotalConns()),
		InUse:              int(s.AcquiredConns()),
		Idle:               int(s.IdleConns()),
		WaitCount:          s.EmptyAcquireCount(),
		WaitDuration:       s.EmptyAcquireWaitTime(),
	}}
}
