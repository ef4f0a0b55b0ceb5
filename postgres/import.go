package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/jackc/pgx/v5"
)

// An import runs in one transaction. Each Put COPYs its rows, with their
// position in the batch (ord) and in the source (import_pos), into a
// temporary staging table dropped at commit, then upserts them into the
// real table with one INSERT ... SELECT ... ON CONFLICT:
//
//   - an id repeated within the batch is written once, from its first row
//     (DISTINCT ON), since one statement may not update a row twice;
//   - a stored row written earlier by this same import (same import_id) is
//     left alone: the id is a duplicate;
//   - the duplicates, reported with the position that was kept, are the
//     staged rows whose stored import_pos is not their own.
//
// Foreign keys check references as the rows land, as in SQLite. The
// transaction holds the generation row's lock from the start, like every
// write.

type importTx struct {
	db   *DB
	tx   pgx.Tx
	id   int64
	rows int64
	done bool
	// staged holds the staging tables created so far.
	staged map[string]bool
}

// BeginImport starts the single write transaction an import runs in.
func (db *DB) BeginImport(ctx context.Context) (cartera.ImportTx, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	t := &importTx{db: db, tx: tx, staged: map[string]bool{}}
	if err := bump(ctx, tx); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("begin import: %w", err)
	}
	if err := tx.QueryRow(ctx, `INSERT INTO imports (started) VALUES ($1) RETURNING id`, time.Now().Unix()).Scan(&t.id); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("begin import: %w", err)
	}
	// Deals whose evidence the commit recomputes.
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE import_deals (id TEXT COLLATE "C" PRIMARY KEY) ON COMMIT DROP`); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("begin import: %w", err)
	}
	return t, nil
}

// stage creates (once) and empties the staging table of tb.
func (t *importTx) stage(ctx context.Context, tb table) (string, error) {
	name := "stage_" + tb.name
	if !t.staged[tb.name] {
		if _, err := t.tx.Exec(ctx, `CREATE TEMP TABLE `+name+` ON COMMIT DROP AS SELECT `+strings.Join(tb.cols, ", ")+
			`, import_pos, 0::integer AS ord FROM `+tb.name+` WITH NO DATA`); err != nil {
			return "", err
		}
		t.staged[tb.name] = true
		return name, nil
	}
	_, err := t.tx.Exec(ctx, `TRUNCATE `+name)
	return name, err
}

// put loads one batch; row(i) returns the column values of record i, in
// tb's column order. before and after run SQL on the staged rows (to
// remember the clients and deals they touch).
func (t *importTx) put(ctx context.Context, tb table, n int, pos []int64, row func(i int) []any,
	before ...string) ([]cartera.Duplicate, error) {
	if t.done {
		return nil, fmt.Errorf("import already finished")
	}
	if n == 0 {
		return nil, nil
	}
	name, err := t.stage(ctx, tb)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", tb.name, err)
	}
	cols := append(append([]string{}, tb.cols...), "import_pos", "ord")
	i := 0
	if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{name}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if i >= n {
			return nil, nil
		}
		vals := append(row(i), pos[i], int32(i))
		i++
		return vals, nil
	})); err != nil {
		return nil, fmt.Errorf("write %s: %w", tb.name, err)
	}
	for _, q := range before {
		if _, err := t.tx.Exec(ctx, fmt.Sprintf(q, name)); err != nil {
			return nil, fmt.Errorf("write %s: %w", tb.name, err)
		}
	}
	list := strings.Join(tb.cols, ", ")
	tag, err := t.tx.Exec(ctx, `INSERT INTO `+tb.name+` (`+list+`, import_id, import_pos)
		SELECT DISTINCT ON (id) `+list+`, $1::bigint, import_pos FROM `+name+` ORDER BY id, ord
		ON CONFLICT (id) DO UPDATE SET `+tb.updateSet()+`
		WHERE `+tb.name+`.import_id IS DISTINCT FROM excluded.import_id`, t.id)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", tb.name, err)
	}
	t.rows += tag.RowsAffected()
	if int(tag.RowsAffected()) == n {
		return nil, nil
	}
	// Some rows were not written: they repeat an id of this import.
	var dups []cartera.Duplicate
	err = each(ctx, t.tx, `SELECT s.ord, r.import_pos FROM `+name+` s JOIN `+tb.name+` r ON r.id = s.id
		WHERE r.import_id = $1 AND r.import_pos IS DISTINCT FROM s.import_pos ORDER BY s.ord`, func(s scanner) error {
		var d cartera.Duplicate
		var ord int32
		if err := s.Scan(&ord, &d.FirstPos); err != nil {
			return err
		}
		d.Index = int(ord)
		dups = append(dups, d)
		return nil
	}, t.id)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", tb.name, err)
	}
	return dups, nil
}

// forgetClients drops the cached facts and summaries of the clients a
// batch writes to (a moved event's old client is the trigger's business).
// %[1]s is the staging table; %[2]s its client column.
const forgetClients = `WITH c AS (SELECT DISTINCT %[2]s AS id FROM %[1]s),
	f AS (DELETE FROM facts_cache WHERE client_id IN (SELECT id FROM c))
	DELETE FROM client_summary WHERE client_id IN (SELECT id FROM c)`

func forget(col string) string {
	return strings.ReplaceAll(forgetClients, "%[2]s", col)
}

func (t *importTx) PutClients(ctx context.Context, rows []cartera.Client, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, clientsTable, len(rows), pos, func(i int) []any { return clientArgs(nil, &rows[i]) }, forget("id"))
}

func (t *importTx) PutContacts(ctx context.Context, rows []cartera.Contact, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, contactsTable, len(rows), pos, func(i int) []any { return contactArgs(nil, &rows[i]) })
}

func (t *importTx) PutInvoices(ctx context.Context, rows []cartera.Invoice, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, invoicesTable, len(rows), pos, func(i int) []any { return invoiceArgs(nil, &rows[i]) }, forget("client_id"))
}

func (t *importTx) PutTimeEntries(ctx context.Context, rows []cartera.TimeEntry, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, timeTable, len(rows), pos, func(i int) []any { return timeArgs(nil, &rows[i]) }, forget("client_id"))
}

func (t *importTx) PutConcessions(ctx context.Context, rows []cartera.Concession, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, concessionsTable, len(rows), pos, func(i int) []any { return concessionArgs(nil, &rows[i]) }, forget("client_id"))
}

func (t *importTx) PutIncidents(ctx context.Context, rows []cartera.Incident, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, incidentsTable, len(rows), pos, func(i int) []any { return incidentArgs(nil, &rows[i]) }, forget("client_id"))
}

func (t *importTx) PutDeals(ctx context.Context, rows []cartera.Deal, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, dealsTable, len(rows), pos, func(i int) []any {
		d := rows[i]
		if d.StageSince.IsZero() {
			d.StageSince = d.Created
		}
		if d.Outcome == "" {
			d.Outcome = cartera.OutcomeOpen
		}
		return dealArgs(nil, &d)
	}, `INSERT INTO import_deals SELECT DISTINCT id FROM %s ON CONFLICT DO NOTHING`)
}

// PutSignals remembers the deals the signals go to and, for a signal moved
// from another deal, the deal it leaves.
func (t *importTx) PutSignals(ctx context.Context, rows []cartera.Signal, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, signalsTable, len(rows), pos, func(i int) []any { return signalArgs(nil, &rows[i]) },
		`INSERT INTO import_deals SELECT DISTINCT deal_id FROM %s ON CONFLICT DO NOTHING`,
		`INSERT INTO import_deals SELECT DISTINCT r.deal_id FROM %s s JOIN signals r ON r.id = s.id ON CONFLICT DO NOTHING`)
}

// Commit brings the evidence of the touched deals up to date, records the
// import and makes it visible.
func (t *importTx) Commit(ctx context.Context) error {
	if t.done {
		return fmt.Errorf("import already finished")
	}
	t.done = true
	fail := func(err error) error {
		t.tx.Rollback(ctx)
		return fmt.Errorf("commit import: %w", dbError(err))
	}
	if _, err := t.tx.Exec(ctx, `UPDATE deals d SET evidence = `+fmt.Sprintf(evidenceOf, "")+`
		FROM import_deals i WHERE d.id = i.id`); err != nil {
		return fail(err)
	}
	if _, err := t.tx.Exec(ctx, `UPDATE imports SET finished = $1, rows = $2 WHERE id = $3`,
		time.Now().Unix(), t.rows, t.id); err != nil {
		return fail(err)
	}
	if err := t.tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit import: %w", dbError(err))
	}
	return nil
}

// Rollback discards the import. It is a no-op after Commit.
func (t *importTx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	return t.tx.Rollback(context.Background())
}
