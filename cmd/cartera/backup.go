package main

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/postgres"
	"github.com/cartera/cartera/sqlite"
)

// runBackup writes a consistent copy of the database while it is in use:
//
//	cartera backup FILE [--db PATH]
func runBackup(ctx context.Context, a *app, args []string) error {
	db, file, err := backupArgs(ctx, a, "backup", args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, file); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, a.printer().T("backup.done", "path", file, "db", db.Path()))
	return nil
}

// runRestore replaces the database with a backup:
//
//	cartera restore FILE [--db PATH] [--force]
func runRestore(ctx context.Context, a *app, args []string) error {
	var force bool
	db, file, err := backupArgs(ctx, a, "restore", args, &force)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Counts(ctx)
	if err != nil {
		return err
	}
	var total int64
	for _, c := range n {
		total += c
	}
	if total > 0 && !force {
		return cartera.NewError(cartera.ECONFLICT, "restore.not_empty", "db", db.Path(), "n", total)
	}
	if err := db.Restore(ctx, file); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, a.printer().T("restore.done", "path", file, "db", db.Path()))
	return nil
}

func backupArgs(ctx context.Context, a *app, name string, args []string, force *bool) (*sqlite.DB, string, error) {
	fs := newFlags(a, name)
	var c common
	c.register(fs, false)
	if force != nil {
		fs.BoolVar(force, "force", false, "")
	}
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return nil, "", err
	}
	p := a.printer()
	if len(rest) != 1 {
		return nil, "", &usageError{p.T("usage." + name)}
	}
	path, err := a.dbPath(c.db)
	if err != nil {
		return nil, "", err
	}
	if postgres.IsDSN(path) {
		// PostgreSQL has its own tools, which know its users, roles and
		// point-in-time recovery; cartera does not wrap them.
		if name == "restore" {
			return nil, "", cartera.NewError(cartera.EINVALID, "restore.postgres")
		}
		return nil, "", cartera.NewError(cartera.EINVALID, "backup.postgres")
	}
	db, err := sqlite.Open(ctx, path, a.now)
	if err != nil {
		return nil, "", err
	}
	return db, rest[0], nil
}
