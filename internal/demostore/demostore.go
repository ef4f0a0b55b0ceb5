// Package demostore opens a SQLite store holding the demo portfolio and its
// playbooks as of a day: the fixture that the use-case tests (review) and
// the rendering tests (report) share, so both read the same data.
package demostore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/demo"
	"github.com/cartera/cartera/sqlite"
)

// Open builds the demo anchored on asOf in a new database under the test's
// temporary directory, closed when the test ends. The store's clock reads
// the day after asOf.
func Open(t testing.TB, asOf cartera.Date) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), cartera.FixedClock(asOf.AddDays(1).Time(demo.Location)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w, mem, err := csvio.NewMemoryWriter(csvio.FormatCSV, csvio.Style{Spanish: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(asOf, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := csvio.Import(ctx, db, mem.Sources(), csvio.Options{
		Location: demo.Location, Now: asOf.AddDays(1).Time(demo.Location), Currency: "EUR",
	}); err != nil {
		t.Fatal(err)
	}
	pb, err := demo.NewPlaybooks(asOf)
	if err != nil {
		t.Fatal(err)
	}
	if err := pb.Save(ctx, db); err != nil {
		t.Fatal(err)
	}
	return db
}
