package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/postgres"
	"github.com/cartera/cartera/postgres/pgtest"
	"github.com/cartera/cartera/storetest"
	"github.com/jackc/pgx/v5/pgconn"
)

func open(t *testing.T) cartera.Store {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.DSN(t, "pool_max_conns", "4"), storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestContract(t *testing.T) {
	pgtest.Server(t)
	storetest.Run(t, open)
}

// The contract suite again with facts cache chunks of two clients, so that
// a review walks many chunks and a write drops one among several.
func TestContractSmallFactsChunks(t *testing.T) {
	pgtest.Server(t)
	storetest.Run(t, func(t *testing.T) cartera.Store {
		db := open(t).(*postgres.DB)
		postgres.SetFactsChunk(db, 2)
		return db
	})
}

// Two servers starting at once on a new database both end up with the
// whole schema, applied once.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	type opened struct {
		db  *postgres.DB
		err error
	}
	results := make(chan opened)
	for i := 0; i < 4; i++ {
		go func() {
			db, err := postgres.Open(ctx, dsn, storetest.Clock)
			results <- opened{db, err}
		}()
	}
	var db *postgres.DB
	for i := 0; i < 4; i++ {
		r := <-results
		if r.err != nil {
			t.Error(r.err)
			continue
		}
		defer r.db.Close()
		db = r.db
	}
	if db == nil {
		t.FailNow()
	}
	var n, versions int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&n, &versions); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	if n != len(files) || versions != len(files) {
		t.Errorf("schema_migrations: %d rows, %d versions; want one of each of the %d migrations", n, versions, len(files))
	}
}

// An import that refers to a missing client fails and leaves nothing, not
// even what it wrote before.
func TestImportWithABadReferenceLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	defer st.Close()
	g0, _ := st.Generation(ctx)
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tx.PutClients(ctx, []cartera.Client{{ID: "C1", Name: "Uno", Currency: "EUR"}}, []int64{2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tx.PutInvoices(ctx, []cartera.Invoice{{ID: "F1", ClientID: "ghost", Issued: storetest.AsOf, Due: storetest.AsOf,
		Amount: cartera.Money{Amount: 1, Currency: "EUR"}}}, []int64{2})
	if err == nil {
		err = tx.Commit(ctx)
	}
	tx.Rollback()
	if err == nil {
		t.Fatal("an invoice of an unknown client was accepted")
	}
	if n, _ := st.Counts(ctx); n[cartera.EntityClients] != 0 {
		t.Errorf("the failed import left %d clients", n[cartera.EntityClients])
	}
	if g, _ := st.Generation(ctx); g != g0 {
		t.Errorf("a failed import counted as a write: %d → %d", g0, g)
	}
}

// While a long import holds the writers' lock, a review neither waits for
// it nor sees it: the facts come from the review's own snapshot.
func TestFactsDoNotWaitForAnImport(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st := open(t)
	defer st.Close()
	storetest.Load(t, st, storetest.NewFixture())
	tx, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.PutTimeEntries(ctx, []cartera.TimeEntry{{ID: "HN", ClientID: "C2", Day: storetest.AsOf, Hours: 100}}, []int64{2}); err != nil {
		t.Fatal(err)
	}
	q := cartera.FactsQuery{AsOf: storetest.AsOf, From: storetest.AsOf.AddMonths(-12), IncidentsFrom: storetest.AsOf.AddMonths(-24),
		MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	var c2 cartera.Hours
	if err := st.Facts(ctx, q, func(f *cartera.ClientFacts) error {
		if f.Client.ID == "C2" {
			c2 = f.Hours
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if c2 != 300 {
		t.Errorf("C2 hours during the import: %d, want 300", c2)
	}
}

func positions(n int) []int64 {
	p := make([]int64, n)
	for i := range p {
		p[i] = int64(i + 2)
	}
	return p
}

// The pool reports itself in /metrics' terms.
func TestPoolStatsForMetrics(t *testing.T) {
	t.Parallel()
	st := open(t)
	defer st.Close()
	if _, err := st.Counts(context.Background()); err != nil {
		t.Fatal(err)
	}
	ps := st.(*postgres.DB).PoolStats()["postgres"]
	if ps.MaxOpenConnections != 4 || ps.OpenConnections < 1 || ps.InUse != 0 {
		t.Errorf("pool stats %+v", ps)
	}
}

// The references of contacts and events (checked once per statement, see
// migration 0006) hold as foreign keys did: for rows COPied straight into
// a table and for upserted ones, and for the parents' side.
func TestReferencesHold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	defer st.Close()
	storetest.Load(t, st, storetest.NewFixture())
	pool := st.(*postgres.DB).Pool()
	fkViolation := func(what string, err error) {
		t.Helper()
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23503" {
			t.Errorf("%s: %v, want a foreign-key violation", what, err)
		}
	}
	for _, q := range []string{
		`INSERT INTO invoices (id, client_id, issued, due, amount, currency) VALUES ('FX', 'ghost', 1, 1, 1, 'EUR')`,
		`UPDATE time_entries SET client_id = 'ghost' WHERE id IN (SELECT id FROM time_entries LIMIT 1)`,
		`INSERT INTO contacts (id, client_id, name) VALUES ('PX', 'ghost', 'x')`,
		`INSERT INTO incidents (id, client_id, contact_id, at, kind, severity) VALUES ('IX', 'C1', 'ghost', 1, 'x', 1)`,
		`DELETE FROM clients WHERE id IN (SELECT client_id FROM invoices)`,
		`UPDATE clients SET id = id || 'x' WHERE id IN (SELECT client_id FROM invoices LIMIT 1)`,
		`DELETE FROM contacts WHERE id IN (SELECT contact_id FROM incidents)`,
	} {
		_, err := pool.Exec(ctx, q)
		fkViolation(q, err)
	}
	// An import: the first batch of a table is COPied straight in, a batch
	// that updates stored rows is staged and upserted.
	for _, staged := range []bool{false, true} {
		tx, err := st.BeginImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		id := "ZZ-new" // the second time round, stored: its batch is staged
		_, err = tx.PutTimeEntries(ctx, []cartera.TimeEntry{{ID: id, ClientID: "C1", Day: storetest.AsOf, Hours: 100}}, []int64{2})
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		tx, err = st.BeginImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bad := fmt.Sprintf("ZZ-bad-%v", staged)
		rows := []cartera.TimeEntry{{ID: bad, ClientID: "ghost", Day: storetest.AsOf, Hours: 100}}
		if staged {
			rows = append(rows, cartera.TimeEntry{ID: id, ClientID: "C1", Day: storetest.AsOf, Hours: 200})
		}
		_, err = tx.PutTimeEntries(ctx, rows, positions(len(rows)))
		tx.Rollback()
		fkViolation(fmt.Sprintf("import (staged %v)", staged), err)
	}
}

func TestDamagedFactsCache(t *testing.T) {
	pgtest.Server(t)
	storetest.DamagedFactsCache(t, func(t *testing.T) cartera.Store {
		db := open(t).(*postgres.DB)
		postgres.SetFactsChunk(db, 2)
		return db
	}, func(st cartera.Store, query string, args ...any) error {
		return postgres.Exec(st.(*postgres.DB), query, args...)
	})
}
