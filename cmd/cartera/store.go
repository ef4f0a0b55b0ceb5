package main

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/demo"
	"github.com/cartera/cartera/postgres"
	"github.com/cartera/cartera/sqlite"
)

// openStore opens the configured database — a SQLite file, or a
// PostgreSQL database when --db or CARTERA_DB is a postgres:// or
// postgresql:// DSN — or with --demo a throwaway one filled with the demo
// portfolio anchored on asOf. Features only one backend has (SQLite's
// backups) are reached by type assertion on the result. The store is
// opened for one command: SQLite gets a small page cache (see
// openStoreFor).
func (a *app) openStore(ctx context.Context, c common, asOf cartera.Date) (cartera.Store, func(), error) {
	return a.openStoreFor(ctx, c, asOf, sqlite.Options{CacheKiB: sqlite.BriefCacheKiB})
}

// openStoreFor is openStore with the SQLite connections' page caches
// chosen by the caller (see sqlite.Options and serveCache).
func (a *app) openStoreFor(ctx context.Context, c common, asOf cartera.Date, cache sqlite.Options) (cartera.Store, func(), error) {
	if c.demo {
		return openDemo(ctx, asOf, a.now)
	}
	path, err := a.dbPath(c.db)
	if err != nil {
		return nil, nil, err
	}
	return openPath(ctx, path, a.now, cache)
}

// openPath opens a SQLite file, with the page caches of cache, or a
// PostgreSQL DSN.
func openPath(ctx context.Context, path string, now cartera.Clock, cache sqlite.Options) (cartera.Store, func(), error) {
	if postgres.IsDSN(path) {
		db, err := postgres.Open(ctx, path, now)
		if err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	db, err := sqlite.OpenWith(ctx, path, now, cache)
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

// openDemo builds the demo in a temporary database: the real import path,
// so the demo is also a check that import works.
func openDemo(ctx context.Context, asOf cartera.Date, now cartera.Clock) (cartera.Store, func(), error) {
	dir, err := os.MkdirTemp("", "cartera-demo-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	db, err := sqlite.Open(ctx, filepath.Join(dir, "demo.db"), now)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	if err := loadDemo(ctx, db, asOf); err != nil {
		db.Close()
		cleanup()
		return nil, nil, err
	}
	return db, func() { db.Close(); cleanup() }, nil
}

func loadDemo(ctx context.Context, st cartera.Store, asOf cartera.Date) error {
	w, mem, err := csvio.NewMemoryWriter(csvio.FormatCSV, csvio.Style{Spanish: true})
	if err != nil {
		return err
	}
	if err := demo.Generate(asOf, w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if _, err = csvio.Import(ctx, st, mem.Sources(), csvio.Options{
		Location: demo.Location,
		Now:      asOf.AddDays(1).Time(demo.Location).Add(-time.Second),
		Currency: "EUR",
	}); err != nil {
		return err
	}
	pb, err := demo.NewPlaybooks(asOf)
	if err != nil {
		return err
	}
	return pb.Save(ctx, st)
}
