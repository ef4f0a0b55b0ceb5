package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/postgres"
	"github.com/cartera/cartera/sqlite"
)

// runMigrateStore moves everything from one store to another, empty one,
// and checks the result:
//
//	cartera migrate-store --from FILE.db|postgres://… --to FILE.db|postgres://…
func runMigrateStore(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "migrate-store")
	var c common
	c.register(fs, false)
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	if len(rest) != 0 || *from == "" || *to == "" {
		return &usageError{p.T("usage.migrate-store")}
	}
	if *from == *to {
		return &usageError{p.T("migrate.same")}
	}
	if isFile(*from) {
		if _, err := os.Stat(*from); err != nil {
			return cartera.NewError(cartera.ENOTFOUND, "migrate.no_source", "path", *from)
		}
	}
	src, err := a.openAt(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	created := false
	if isFile(*to) {
		_, err := os.Stat(*to)
		created = errors.Is(err, os.ErrNotExist)
	}
	dst, err := a.openAt(ctx, *to)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "cartera-move-")
	if err != nil {
		dst.Close()
		return err
	}
	defer os.RemoveAll(work)
	rep, err := csvio.Move(ctx, src, dst, work)
	dst.Close()
	if err != nil {
		if created && (rep == nil || !rep.Verified) && cartera.ErrorCode(err) != cartera.ECONFLICT {
			// A file this command created and could not fill is removed,
			// so that trying again starts clean.
			removeSQLite(*to)
		}
		return err
	}
	var total int64
	for _, e := range cartera.Entities {
		total += rep.Rows[e]
	}
	fmt.Fprintln(a.stdout, p.T("migrate.done", "n", total, "archive", rep.Archive, "from", redactDSN(*from), "to", redactDSN(*to)))
	for _, e := range cartera.Entities {
		fmt.Fprintln(a.stdout, "  "+p.T("migrate.entity_line", "entity", p.T("entity."+string(e)), "n", rep.Rows[e]))
	}
	fmt.Fprintln(a.stdout, p.T("migrate.verified"))
	return nil
}

// isFile tells a SQLite path from a server address.
func isFile(dsn string) bool { return !postgres.IsDSN(dsn) }

// openAt opens the store at a path or address.
func (a *app) openAt(ctx context.Context, dsn string) (cartera.Store, error) {
	st, _, err := openPath(ctx, dsn, a.now, sqlite.Options{}) // a bulk copy: writes gain from the cache
	return st, err
}

// removeSQLite deletes a database file and its journal files.
func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// redactDSN hides a password in a server address before it is printed.
func redactDSN(dsn string) string {
	if isFile(dsn) {
		return dsn
	}
	scheme, rest, _ := strings.Cut(dsn, "://")
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return dsn
	}
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":***@" + host
	}
	return dsn
}
