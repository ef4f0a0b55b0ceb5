package postgres

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
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
// References are checked once per statement, by the triggers of
// migration 0006, as the rows land. The
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
	// cached is whether any facts or summaries were cached when the
	// import began; if not, there is nothing for its batches to forget
	// (no cache can be filled while the import holds the generation row).
	cached bool
	// slow counts, per table, the batches to stage before trying to COPY
	// straight into the table again (see put).
	slow map[string]int
	// high holds, per table, an id at least as large (in byte order, the
	// "C" collation's) as every id stored in it: read once, then moved on
	// by each batch (see direct).
	high map[string]string
	// written names the tables this import wrote to, to ANALYZE after a
	// large import.
	written map[string]bool
}

// BeginImport starts the single write transaction an import runs in.
func (db *DB) BeginImport(ctx context.Context) (cartera.ImportTx, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	t := &importTx{db: db, tx: tx, staged: map[string]bool{}, slow: map[string]int{}, written: map[string]bool{},
		high: map[string]string{}}
	if err := bump(ctx, tx); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("begin import: %w", err)
	}
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM facts_cache) OR EXISTS (SELECT 1 FROM client_summary) OR EXISTS (SELECT 1 FROM client_ledger)`).Scan(&t.cached); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("begin import: %w", err)
	}
	if err := tx.QueryRow(ctx, `INSERT INTO imports (started) VALUES ($1) RETURNING id`, db.now().Unix()).Scan(&t.id); err != nil {
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
//
// When keys is set (it returns record i's id and the client whose cached
// figures it changes, or ""), a batch that may go straight into the table
// does (see direct).
func (t *importTx) put(ctx context.Context, tb table, n int, pos []int64, row func(i int) []any,
	keys func(i int) (id, client string), before ...string) ([]cartera.Duplicate, error) {
	if t.done {
		return nil, fmt.Errorf("import already finished")
	}
	if n == 0 {
		return nil, nil
	}
	t.written[tb.name] = true
	if keys != nil {
		ok, err := t.direct(ctx, tb, n, pos, row, keys)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", tb.name, err)
		}
		if ok {
			return nil, nil
		}
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
		WHERE r.import_id = $1 AND r.import_pos IS DISTINCT FROM s.import_pos ORDER BY s.ord`, func(s sqlrow.Row) error {
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

// slowAfterConflict is how many batches of a table go through the staging
// table after one that updated or repeated stored ids, before a batch is
// probed again: a re-import updates every row, and probing each batch
// would be wasted.
const slowAfterConflict = 16

// direct COPYs a batch straight into its table when none of its ids is
// stored yet or repeated within it, as in a first import or new rows of a
// growing export. Such a batch needs neither the staging table nor the
// upsert, and has no duplicates to report; COPY into the table is what
// makes a large first import run near psql's \copy. It reports false,
// having written nothing, when the batch must be staged: one of its ids is
// repeated in it or already stored (by an earlier import or by this one).
// No other writer can store one of the ids in between: the import holds
// the generation row.
//
// Exports usually list ids in ascending order. A batch whose ids ascend
// strictly from above every stored id (t.high) can hold neither, and is
// written without asking the database; any other batch is checked with
// one lookup of its ids.
func (t *importTx) direct(ctx context.Context, tb table, n int, pos []int64, row func(i int) []any,
	keys func(i int) (id, client string)) (bool, error) {
	high, known := t.high[tb.name]
	if !known {
		var max *string
		if err := t.tx.QueryRow(ctx, `SELECT max(id) FROM `+tb.name).Scan(&max); err != nil {
			return false, err
		}
		if max != nil {
			high = *max
		}
		t.high[tb.name] = high
	}
	ids := make([]string, n)
	var clients []string
	ascending := true
	prev := high
	for i := 0; i < n; i++ {
		id, client := keys(i)
		ids[i] = id
		if id <= prev {
			ascending = false
		}
		prev = id
		if client != "" && (len(clients) == 0 || clients[len(clients)-1] != client) {
			clients = append(clients, client)
		}
	}
	top := slices.Max(ids)
	if top > high {
		t.high[tb.name] = top // whichever way the batch is written
	}
	if !ascending {
		if t.slow[tb.name] > 0 {
			t.slow[tb.name]--
			return false, nil
		}
		seen := make(map[string]struct{}, n)
		for _, id := range ids {
			if _, dup := seen[id]; dup {
				return false, nil
			}
			seen[id] = struct{}{}
		}
		var stored bool
		if err := t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+tb.name+` WHERE id = ANY($1))`, ids).Scan(&stored); err != nil {
			return false, err
		}
		if stored {
			t.slow[tb.name] = slowAfterConflict
			return false, nil
		}
	}
	if t.cached && len(clients) > 0 {
		if _, err := t.tx.Exec(ctx, `WITH f AS (DELETE FROM facts_cache f USING unnest($1::text[]) AS c (id)
				WHERE f.first_id <= c.id AND f.last_id >= c.id),
			l AS (DELETE FROM client_ledger WHERE client_id = ANY($1))
			UPDATE client_summary SET key = '' WHERE client_id = ANY($1)`, clients); err != nil {
			return false, err
		}
	}
	cols := append(append([]string{}, tb.cols...), "import_id", "import_pos")
	i := 0
	copied, err := t.tx.CopyFrom(ctx, pgx.Identifier{tb.name}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if i >= n {
			return nil, nil
		}
		vals := append(row(i), t.id, pos[i])
		i++
		return vals, nil
	}))
	if err != nil {
		return false, err
	}
	t.rows += copied
	return true, nil
}

// forgetClients drops the cached facts, ledgers and summaries of the clients a
// batch writes to (a moved event's old client is the trigger's business).
// %[1]s is the staging table; %[2]s its client column.
const forgetClients = `WITH c AS (SELECT DISTINCT %[2]s AS id FROM %[1]s),
	f AS (DELETE FROM facts_cache f USING c WHERE f.first_id <= c.id AND f.last_id >= c.id),
	l AS (DELETE FROM client_ledger WHERE client_id IN (SELECT id FROM c))
	UPDATE client_summary SET key = '' WHERE client_id IN (SELECT id FROM c)`

func forget(col string) string {
	return strings.ReplaceAll(forgetClients, "%[2]s", col)
}

func (t *importTx) PutClients(ctx context.Context, rows []cartera.Client, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, clientsTable, len(rows), pos, func(i int) []any { return clientArgs(nil, &rows[i]) },
		func(i int) (string, string) { return rows[i].ID, rows[i].ID }, forget("id"))
}

func (t *importTx) PutContacts(ctx context.Context, rows []cartera.Contact, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, contactsTable, len(rows), pos, func(i int) []any { return contactArgs(nil, &rows[i]) },
		func(i int) (string, string) { return rows[i].ID, "" })
}

func (t *importTx) PutInvoices(ctx context.Context, rows []cartera.Invoice, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, invoicesTable, len(rows), pos, func(i int) []any { return invoiceArgs(nil, &rows[i]) },
		func(i int) (string, string) { return rows[i].ID, rows[i].ClientID }, forget("client_id"))
}

func (t *importTx) PutTimeEntries(ctx context.Context, rows []cartera.TimeEntry, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, timeTable, len(rows), pos, func(i int) []any { return timeArgs(nil, &rows[i]) },
		func(i int) (string, string) { return rows[i].ID, rows[i].ClientID }, forget("client_id"))
}

func (t *importTx) PutConcessions(ctx context.Context, rows []cartera.Concession, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, concessionsTable, len(rows), pos, func(i int) []any { return concessionArgs(nil, &rows[i]) },
		func(i int) (string, string) { return rows[i].ID, rows[i].ClientID }, forget("client_id"))
}

func (t *importTx) PutIncidents(ctx context.Context, rows []cartera.Incident, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, incidentsTable, len(rows), pos, func(i int) []any { return incidentArgs(nil, &rows[i]) },
		func(i int) (string, string) { return rows[i].ID, rows[i].ClientID }, forget("client_id"))
}

func (t *importTx) PutDeals(ctx context.Context, rows []cartera.Deal, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, dealsTable, len(rows), pos, func(i int) []any {
		d := rows[i]
		d.NormalizeImported()
		return dealArgs(nil, &d)
	}, nil, `INSERT INTO import_deals SELECT DISTINCT id FROM %s ON CONFLICT DO NOTHING`)
}

// PutSignals remembers the deals the signals go to and, for a signal moved
// from another deal, the deal it leaves.
func (t *importTx) PutSignals(ctx context.Context, rows []cartera.Signal, pos []int64) ([]cartera.Duplicate, error) {
	return t.put(ctx, signalsTable, len(rows), pos, func(i int) []any { return signalArgs(nil, &rows[i]) }, nil,
		`INSERT INTO import_deals SELECT DISTINCT deal_id FROM %s ON CONFLICT DO NOTHING`,
		`INSERT INTO import_deals SELECT DISTINCT r.deal_id FROM %s s JOIN signals r ON r.id = s.id ON CONFLICT DO NOTHING`)
}

// PutStageHistory adds stage moves, in one COPY to a staging table and one
// INSERT; a move already recorded is kept.
func (t *importTx) PutStageHistory(ctx context.Context, rows []cartera.StageMove) error {
	if t.done {
		return fmt.Errorf("import already finished")
	}
	if len(rows) == 0 {
		return nil
	}
	if !t.staged["deal_stages"] {
		if _, err := t.tx.Exec(ctx, `CREATE TEMP TABLE stage_deal_stages (deal_id TEXT COLLATE "C", day BIGINT, stage TEXT, seq BIGINT) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := t.tx.Exec(ctx, `CREATE TEMP TABLE import_moved (id TEXT COLLATE "C" PRIMARY KEY) ON COMMIT DROP`); err != nil {
			return err
		}
		t.staged["deal_stages"] = true
	} else if _, err := t.tx.Exec(ctx, `TRUNCATE stage_deal_stages`); err != nil {
		return err
	}
	if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"stage_deal_stages"}, []string{"deal_id", "day", "stage", "seq"},
		pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			m := &rows[i]
			return []any{m.DealID, m.Day.UnixDay(), string(m.Stage), m.Seq}, nil
		})); err != nil {
		return dbError(err)
	}
	// Within one statement a row may not conflict with another of the
	// same statement and be ignored: DISTINCT ON keeps the first.
	if _, err := t.tx.Exec(ctx, `INSERT INTO deal_stages (deal_id, day, stage, seq)
		SELECT DISTINCT ON (deal_id, day, stage) deal_id, day, stage, seq FROM stage_deal_stages ORDER BY deal_id, day, stage, seq
		ON CONFLICT DO NOTHING`); err != nil {
		return dbError(err)
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO import_moved SELECT DISTINCT deal_id FROM stage_deal_stages ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	t.rows += int64(len(rows))
	t.written["deal_stages"] = true
	return nil
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
	// The stage each imported deal is in, since its day, joins its history
	// (a move already recorded is kept as it is).
	if _, err := t.tx.Exec(ctx, `INSERT INTO deal_stages (deal_id, day, stage, seq)
		SELECT d.id, d.stage_since, d.stage, 0 FROM deals d JOIN import_deals i ON d.id = i.id WHERE d.stage <> ''
		ON CONFLICT DO NOTHING`); err != nil {
		return fail(err)
	}
	// A move into the stage the deal was already in is no move: it is
	// dropped from the histories the import gave moves to.
	if t.staged["deal_stages"] {
		// The stage a deal row gives from its stage_since (seq 0) is a
		// guess when the history says what happened that day: a later
		// move of the same day overrides it in every reading, so it goes.
		if _, err := t.tx.Exec(ctx, `DELETE FROM deal_stages s WHERE s.seq = 0 AND s.deal_id IN (SELECT id FROM import_moved)
			AND EXISTS (SELECT 1 FROM deal_stages o WHERE o.deal_id = s.deal_id AND o.day = s.day AND o.seq > 0)`); err != nil {
			return fail(err)
		}
		if _, err := t.tx.Exec(ctx, `DELETE FROM deal_stages s USING (
			SELECT deal_id, day, stage, lag(stage) OVER (PARTITION BY deal_id ORDER BY day, seq) AS prev
			FROM deal_stages WHERE deal_id IN (SELECT id FROM import_moved)) r
			WHERE s.deal_id = r.deal_id AND s.day = r.day AND s.stage = r.stage AND r.prev = r.stage`); err != nil {
			return fail(err)
		}
	}
	if _, err := t.tx.Exec(ctx, `UPDATE imports SET finished = $1, rows = $2 WHERE id = $3`,
		t.db.now().Unix(), t.rows, t.id); err != nil {
		return fail(err)
	}
	if err := t.tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit import: %w", dbError(err))
	}
	t.analyze(ctx)
	return nil
}

// analyzeAfter is the number of rows from which an import refreshes the
// planner's statistics of the tables it wrote to.
const analyzeAfter = 10000

// analyze refreshes the statistics of the tables a large import wrote to,
// as SQLite's store runs PRAGMA optimize: the first review after loading
// millions of events into empty tables would otherwise be planned for
// empty tables until autovacuum came by. It is best effort: the import is
// committed whatever happens here.
func (t *importTx) analyze(ctx context.Context) {
	if t.rows < analyzeAfter {
		return
	}
	names := make([]string, 0, len(t.written))
	for name := range t.written {
		names = append(names, name)
	}
	sort.Strings(names)
	t.db.pool.Exec(ctx, `ANALYZE `+strings.Join(names, ", "))
}

// Rollback discards the import. It is a no-op after Commit.
func (t *importTx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	return t.tx.Rollback(context.Background())
}
