package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/keyset"
)

// table describes how records of one entity are upserted.
type table struct {
	name string
	cols []string // the first is the id
}

var (
	clientsTable     = table{"clients", []string{"id", "name", "name_key", "owner", "owner_key", "family_friend", "currency", "service", "since", "email", "phone", "notes"}}
	contactsTable    = table{"contacts", []string{"id", "client_id", "name", "role", "seniority", "email", "phone"}}
	invoicesTable    = table{"invoices", []string{"id", "client_id", "number", "issued", "due", "paid", "amount", "currency"}}
	timeTable        = table{"time_entries", []string{"id", "client_id", "day", "hours", "billable", "note"}}
	concessionsTable = table{"concessions", []string{"id", "client_id", "day", "kind", "amount", "currency", "hours", "percent", "note"}}
	incidentsTable   = table{"incidents", []string{"id", "client_id", "contact_id", "at", "kind", "severity", "note"}}
)

// rowsPerStatement is how many records one INSERT carries. Multi-row
// statements amortise the cost of crossing into SQLite; past ~50 rows the
// gain flattens while statement journals grow.
const rowsPerStatement = 50

// upsertSQL writes n rows, updating existing ids (and counting their
// versions up) — unless the stored row was written by this same import,
// which makes the id a duplicate: the conflict then changes nothing and
// RowsAffected comes up short. Single saves (import id NULL) always update.
func (t table) upsertSQL(n int) string {
	cols := append(append([]string{}, t.cols...), "import_id", "import_pos")
	row := "(" + placeholders(len(cols)) + ")"
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", t.name, strings.Join(cols, ", "))
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	b.WriteString(" ON CONFLICT (id) DO UPDATE SET ")
	for i, c := range cols[1:] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = excluded.%s", c, c)
	}
	fmt.Fprintf(&b, ", version = %s.version + 1", t.name)
	fmt.Fprintf(&b, " WHERE excluded.import_id IS NULL OR %s.import_id IS NOT excluded.import_id", t.name)
	return b.String()
}

type importTx struct {
	db    *DB
	tx    *sql.Tx
	id    int64
	rows  int64
	stmts map[string]*sql.Stmt
	args  []any
	done  bool
	// touched holds the clients whose events were written: their cached
	// facts are dropped at commit.
	touched map[string]struct{}
	// deals holds the deals written or given signals: their evidence
	// summaries are recomputed at commit.
	deals keyset.Set
	// lastDeal is the deal touched last and its number in deals: signals
	// come deal by deal, so most signals touch the deal the one before
	// did, and its id need not be hashed again.
	lastDeal  string
	lastDealN int
	// dealNums holds, for the signals being written, their deals'
	// numbers in deals.
	dealNums []int
	// signalsBefore is whether signals were stored before this import
	// (nil until the first PutSignals asks): only then can an imported
	// signal move away from a deal whose evidence must be redone.
	signalsBefore *bool
	// run sums evidence as signals are written, when there were none
	// before.
	run evidenceRun
	// moved holds the deals given stage history: repeated stages are
	// folded out of their histories at commit.
	moved keyset.Set
}

// importCacheKiB is the write connection's page cache while an import
// runs, in KiB. A bulk load writes most pages once, in key order, and
// seldom reads them back, so a large cache saves little work, and it
// costs more memory than its nominal size: a million deals imported with
// 8 MiB instead of 32 peaked at 174 MB instead of 280, for some 10 % more
// CPU on the deals' indexes filled in random order (docs/performance.md).
const importCacheKiB = 8 << 10

// BeginImport starts the single write transaction an import runs in.
func (db *DB) BeginImport(ctx context.Context) (cartera.ImportTx, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	t := &importTx{db: db, tx: tx, stmts: map[string]*sql.Stmt{}, touched: map[string]struct{}{}}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, importCacheKiB)); err != nil {
		t.rollback(ctx)
		return nil, fmt.Errorf("begin import: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO imports (started) VALUES (?)`, db.now().Unix())
	if err != nil {
		t.rollback(ctx)
		return nil, fmt.Errorf("begin import: %w", err)
	}
	t.id, _ = res.LastInsertId()
	return t, nil
}

// rollback ends the transaction, discarding it, and gives the write
// connection its page cache back.
func (t *importTx) rollback(ctx context.Context) error {
	err := t.tx.Rollback()
	t.db.restoreCache(ctx)
	return err
}

// restoreCache gives the write connection its usual page cache after an
// import. The pool's one connection is the import's, now free; should the
// pragma fail, a new connection would start from the DSN's size anyway.
func (db *DB) restoreCache(ctx context.Context) {
	_, _ = db.w.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = -%d`, db.cacheKiB))
}

func (t *importTx) stmt(ctx context.Context, tb table, n int) (*sql.Stmt, error) {
	return t.prepared(ctx, fmt.Sprintf("%s/%d", tb.name, n), func() string { return tb.upsertSQL(n) })
}

// prepared returns the transaction's statement for key, preparing q()
// the first time: an import writes the same statements batch after batch.
func (t *importTx) prepared(ctx context.Context, key string, q func() string) (*sql.Stmt, error) {
	if s, ok := t.stmts[key]; ok {
		return s, nil
	}
	s, err := t.tx.PrepareContext(ctx, q())
	if err != nil {
		return nil, fmt.Errorf("prepare %s: %w", key, err)
	}
	t.stmts[key] = s
	return s, nil
}

// put upserts records in chunks; row(i) appends the column values of
// record i to the argument list.
func (t *importTx) put(ctx context.Context, tb table, ids []string, pos []int64, row func(i int, args []any) []any) ([]cartera.Duplicate, error) {
	if t.done {
		return nil, fmt.Errorf("import already finished")
	}
	var dups []cartera.Duplicate
	for start := 0; start < len(ids); start += rowsPerStatement {
		end := min(start+rowsPerStatement, len(ids))
		t.args = t.args[:0]
		for i := start; i < end; i++ {
			t.args = row(i, t.args)
			t.args = append(t.args, t.id, pos[i])
		}
		st, err := t.stmt(ctx, tb, end-start)
		if err != nil {
			return nil, err
		}
		res, err := st.ExecContext(ctx, t.args...)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", tb.name, err)
		}
		n, _ := res.RowsAffected()
		t.rows += n
		if int(n) < end-start {
			d, err := t.duplicates(ctx, tb, ids[start:end], pos[start:end], start)
			if err != nil {
				return nil, err
			}
			dups = append(dups, d...)
		}
	}
	return dups, nil
}

// duplicates finds which rows of a chunk were not written because their id
// had already been written by this import, and where.
func (t *importTx) duplicates(ctx context.Context, tb table, ids []string, pos []int64, base int) ([]cartera.Duplicate, error) {
	args := []any{t.id}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := t.tx.QueryContext(ctx, fmt.Sprintf(`SELECT id, import_pos FROM %s WHERE import_id = ? AND id IN (%s)`,
		tb.name, placeholders(len(ids))), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	first := map[string]int64{}
	for rows.Next() {
		var id string
		var p int64
		if err := rows.Scan(&id, &p); err != nil {
			return nil, err
		}
		first[id] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []cartera.Duplicate
	for i, id := range ids {
		if p, ok := first[id]; ok && p != pos[i] {
			out = append(out, cartera.Duplicate{Index: base + i, FirstPos: p})
		}
	}
	return out, nil
}

func (t *importTx) PutClients(ctx context.Context, rows []cartera.Client, pos []int64) ([]cartera.Duplicate, error) {
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	t.touch(len(rows), func(i int) string { return rows[i].ID }) // a new name or owner changes the list
	return t.put(ctx, clientsTable, ids, pos, func(i int, a []any) []any { return clientArgs(a, &rows[i]) })
}

// touch records the clients of written events.
func (t *importTx) touch(n int, client func(i int) string) {
	for i := 0; i < n; i++ {
		if c := client(i); c != "" {
			if _, ok := t.touched[c]; !ok {
				t.touched[strings.Clone(c)] = struct{}{}
			}
		}
	}
}

func (t *importTx) PutContacts(ctx context.Context, rows []cartera.Contact, pos []int64) ([]cartera.Duplicate, error) {
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	return t.put(ctx, contactsTable, ids, pos, func(i int, a []any) []any { return contactArgs(a, &rows[i]) })
}

func (t *importTx) PutInvoices(ctx context.Context, rows []cartera.Invoice, pos []int64) ([]cartera.Duplicate, error) {
	t.touch(len(rows), func(i int) string { return rows[i].ClientID })
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	return t.put(ctx, invoicesTable, ids, pos, func(i int, a []any) []any { return invoiceArgs(a, &rows[i]) })
}

func (t *importTx) PutTimeEntries(ctx context.Context, rows []cartera.TimeEntry, pos []int64) ([]cartera.Duplicate, error) {
	t.touch(len(rows), func(i int) string { return rows[i].ClientID })
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	return t.put(ctx, timeTable, ids, pos, func(i int, a []any) []any { return timeArgs(a, &rows[i]) })
}

func (t *importTx) PutConcessions(ctx context.Context, rows []cartera.Concession, pos []int64) ([]cartera.Duplicate, error) {
	t.touch(len(rows), func(i int) string { return rows[i].ClientID })
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	return t.put(ctx, concessionsTable, ids, pos, func(i int, a []any) []any { return concessionArgs(a, &rows[i]) })
}

func (t *importTx) PutIncidents(ctx context.Context, rows []cartera.Incident, pos []int64) ([]cartera.Duplicate, error) {
	t.touch(len(rows), func(i int) string { return rows[i].ClientID })
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	return t.put(ctx, incidentsTable, ids, pos, func(i int, a []any) []any { return incidentArgs(a, &rows[i]) })
}

func (t *importTx) PutDeals(ctx context.Context, rows []cartera.Deal, pos []int64) ([]cartera.Duplicate, error) {
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
		t.touchDeal(rows[i].ID)
		rows[i].NormalizeImported()
	}
	return t.put(ctx, dealsTable, ids, pos, func(i int, a []any) []any { return dealArgs(a, &rows[i]) })
}

func (t *importTx) PutSignals(ctx context.Context, rows []cartera.Signal, pos []int64) ([]cartera.Duplicate, error) {
	ids := make([]string, len(rows))
	nums := t.dealNums[:0]
	for i := range rows {
		ids[i] = rows[i].ID
		nums = append(nums, t.touchDeal(rows[i].DealID))
	}
	t.dealNums = nums
	if err := t.touchPreviousDeals(ctx, ids); err != nil {
		return nil, err
	}
	dups, err := t.put(ctx, signalsTable, ids, pos, func(i int, a []any) []any { return signalArgs(a, &rows[i]) })
	if err != nil || *t.signalsBefore {
		return dups, err
	}
	return dups, t.run.add(ctx, t, rows, nums)
}

// PutStageHistory adds stage moves; one already recorded is kept.
func (t *importTx) PutStageHistory(ctx context.Context, rows []cartera.StageMove) error {
	if t.done {
		return fmt.Errorf("import already finished")
	}
	st, err := t.tx.PrepareContext(ctx, `INSERT OR IGNORE INTO deal_stages (deal_id, day, stage, seq) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, m := range rows {
		if _, err := st.ExecContext(ctx, m.DealID, m.Day.UnixDay(), string(m.Stage), m.Seq); err != nil {
			return fmt.Errorf("stage history of %s: %w", m.DealID, err)
		}
		t.moved.Add(m.DealID)
		t.rows++
	}
	return nil
}

// foldRepeatedStages drops, from the histories of the deals given stage
// moves, each move into the stage the deal was already in, and the guess
// an imported deal row made for a day the history covers.
func (t *importTx) foldRepeatedStages(ctx context.Context) error {
	if t.moved.Len() == 0 {
		return nil
	}
	ids := make([]string, t.moved.Len())
	for i := range ids {
		ids[i] = t.moved.Key(i)
	}
	// The stage a deal's own row gives from its stage_since (seq 0, see
	// recordStages) is a guess when the history says what happened that
	// day: a later move of the same day overrides it in every reading,
	// so it goes.
	_, err := t.tx.ExecContext(ctx, `DELETE FROM deal_stages WHERE seq = 0 AND deal_id IN (SELECT value FROM json_each(?))
		AND EXISTS (SELECT 1 FROM deal_stages o WHERE o.deal_id = deal_stages.deal_id AND o.day = deal_stages.day AND o.seq > 0)`, jsonList(ids))
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `DELETE FROM deal_stages WHERE (deal_id, day, stage) IN (
		SELECT deal_id, day, stage FROM (
			SELECT deal_id, day, stage, lag(stage) OVER (PARTITION BY deal_id ORDER BY day, seq) AS prev
			FROM deal_stages WHERE deal_id IN (SELECT value FROM json_each(?)))
		WHERE prev = stage)`, jsonList(ids))
	return err
}

// evidenceRun sums the evidence of an import into a database without
// signals as the signals go by. The signals stored at commit are then
// exactly the ones written, so a deal whose signals come together (as an
// export lists them, deal by deal) has its summary complete when the next
// deal's begin, and it is written then: the commit need not read ten
// million signals back to find it. A deal whose signals come apart is
// left to the commit's pass over the stored signals.
type evidenceRun struct {
	w evidenceWriter
	// state is, by deal number in importTx.deals, runNone, runSummed or
	// runApart.
	state []byte
	cur   int // the deal being summed, or -1 (once state is set)
	ev    cartera.Evidence
	buf   []byte
}

const (
	runNone   = iota // no signal yet
	runSummed        // summary written
	runApart         // signals not together: the commit recomputes it
)

// add sums signals; nums are their deals' numbers in importTx.deals.
func (r *evidenceRun) add(ctx context.Context, t *importTx, rows []cartera.Signal, nums []int) error {
	if r.state == nil {
		r.w.tx, r.cur = t.tx, -1
	}
	for i := range rows {
		s, n := &rows[i], nums[i]
		for len(r.state) <= n {
			r.state = append(r.state, runNone)
		}
		if n != r.cur {
			if err := r.finish(ctx, t); err != nil {
				return err
			}
			if r.state[n] != runNone {
				r.state[n] = runApart
				continue
			}
			r.cur, r.ev = n, cartera.Evidence{}
		}
		k := s.Kind.Index()
		if k < 0 {
			continue
		}
		// As the SQL that finds a summary reads the signal index: count,
		// first and last day, and the days of the first signal (fewest
		// days) on the last day.
		e := &r.ev[k]
		switch {
		case e.Count == 0:
			*e = cartera.KindEvidence{First: s.Day, Last: s.Day, Days: s.Days}
		case s.Day > e.Last || (s.Day == e.Last && s.Days < e.Days):
			e.Last, e.Days = s.Day, s.Days
		case s.Day < e.First:
			e.First = s.Day
		}
		e.Count++
	}
	return nil
}

// finish writes the summary of the deal being summed.
func (r *evidenceRun) finish(ctx context.Context, t *importTx) error {
	if r.state == nil || r.cur < 0 {
		return nil
	}
	n := r.cur
	r.cur = -1
	if r.state[n] == runApart {
		return nil
	}
	r.state[n] = runSummed
	buf, _ := r.ev.AppendBinary(nil)
	return r.w.put(ctx, t.deals.Key(n), buf)
}

// touchPreviousDeals marks the deals that stored signals with these ids
// are on now: a signal re-imported on another deal takes its evidence
// away from the old one. Into a database that had no signals (the bulk
// case) there is nothing to look up.
func (t *importTx) touchPreviousDeals(ctx context.Context, ids []string) error {
	if t.signalsBefore == nil {
		var found bool
		if err := t.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM signals)`).Scan(&found); err != nil {
			return err
		}
		t.signalsBefore = &found
	}
	if !*t.signalsBefore {
		return nil
	}
	const chunk = 500
	args := make([]any, 0, chunk)
	for start := 0; start < len(ids); start += chunk {
		args = args[:0]
		for _, id := range ids[start:min(start+chunk, len(ids))] {
			args = append(args, id)
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT DISTINCT deal_id FROM signals WHERE id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var deal string
			if err := rows.Scan(&deal); err != nil {
				rows.Close()
				return err
			}
			t.touchDeal(deal)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// touchDeal records a deal whose evidence must be recomputed and returns
// its number in deals.
func (t *importTx) touchDeal(id string) int {
	if id != t.lastDeal || t.deals.Len() == 0 {
		t.lastDeal = id
		t.lastDealN, _ = t.deals.Add(id)
	}
	return t.lastDealN
}

// bulkEvidence is how many touched deals make one pass over every signal
// cheaper than one query per deal.
const bulkEvidence = 2000

// Commit records the import and makes it visible.
func (t *importTx) Commit(ctx context.Context) error {
	if t.done {
		return fmt.Errorf("import already finished")
	}
	t.done = true
	// What the commit derives from the rows, in this order, before the
	// transaction ends; the first failure rolls everything back.
	for _, step := range []func(context.Context) error{
		func(ctx context.Context) error { return invalidate(ctx, t.tx, t.touched) },
		t.recordStages,
		t.foldRepeatedStages,
		t.refreshEvidence,
		func(ctx context.Context) error { return bump(ctx, t.tx) },
		func(ctx context.Context) error {
			_, err := t.tx.ExecContext(ctx, `UPDATE imports SET finished = ?, rows = ? WHERE id = ?`, t.db.now().Unix(), t.rows, t.id)
			return err
		},
	} {
		if err := step(ctx); err != nil {
			t.rollback(ctx)
			return fmt.Errorf("commit import: %w", err)
		}
	}
	if err := t.tx.Commit(); err != nil {
		t.db.restoreCache(ctx)
		return fmt.Errorf("commit import: %w", err)
	}
	// Keep the query planner's statistics fresh after bulk changes.
	_, _ = t.db.w.ExecContext(ctx, `PRAGMA optimize`)
	t.db.restoreCache(ctx)
	return nil
}

// Rollback discards the import. It is a no-op after Commit.
func (t *importTx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	return t.rollback(context.Background())
}

// The column values of each record, in its table's column order; shared by
// imports and single saves.

func clientArgs(a []any, c *cartera.Client) []any {
	return append(a, c.ID, c.Name, cartera.Fold(c.Name), c.Owner, cartera.OwnerKey(c.Owner), boolInt(c.FamilyFriend),
		string(c.Currency), c.Service, nullDay(c.Since), c.Email, c.Phone, c.Notes)
}

func contactArgs(a []any, c *cartera.Contact) []any {
	return append(a, c.ID, c.ClientID, c.Name, c.Role, int(c.Seniority), c.Email, c.Phone)
}

func invoiceArgs(a []any, v *cartera.Invoice) []any {
	return append(a, v.ID, v.ClientID, v.Number, v.Issued.UnixDay(), v.Due.UnixDay(), nullDay(v.Paid),
		v.Amount.Amount, string(v.Amount.Currency))
}

func timeArgs(a []any, e *cartera.TimeEntry) []any {
	return append(a, e.ID, e.ClientID, e.Day.UnixDay(), int64(e.Hours), boolInt(e.Billable), e.Note)
}

func concessionArgs(a []any, c *cartera.Concession) []any {
	return append(a, c.ID, c.ClientID, c.Day.UnixDay(), string(c.Kind), c.Amount.Amount, string(c.Amount.Currency),
		int64(c.Hours), int64(c.Percent), c.Note)
}

func incidentArgs(a []any, in *cartera.Incident) []any {
	var contact any
	if in.ContactID != "" {
		contact = in.ContactID
	}
	return append(a, in.ID, in.ClientID, contact, in.At.Unix(), string(in.Kind), in.Severity, in.Note)
}

// bump counts a committed write in the generation counter.
func bump(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE generation SET n = n + 1 WHERE id = 1`)
	return err
}

// refreshEvidence brings the evidence of every deal the import touched up
// to date: after a large import, with one pass over the stored signals for
// the deals the run did not sum (see evidenceRun).
func (t *importTx) refreshEvidence(ctx context.Context) error {
	if t.deals.Len() <= bulkEvidence {
		t.run.w.close() // the SQL below recomputes what the run wrote
		if t.deals.Len() == 0 {
			return nil
		}
		return refreshEvidence(ctx, t.tx, t.dealIDs())
	}
	r := &t.run
	if err := r.finish(ctx, t); err != nil {
		return err
	}
	if err := r.w.flush(ctx); err != nil {
		return err
	}
	r.w.close()
	done := make([]bool, t.deals.Len())
	apart := 0
	for n, st := range r.state {
		done[n] = st == runSummed
		if st == runApart {
			apart++
		}
	}
	if r.state == nil || apart > bulkEvidence {
		return refreshAllEvidence(ctx, t.tx, &t.deals, done)
	}
	// Few deals came apart: each is recomputed; the rest had no signal.
	var ids []string
	w := evidenceWriter{tx: t.tx}
	defer w.close()
	for n, d := range done {
		switch {
		case d:
		case n < len(r.state) && r.state[n] == runApart:
			ids = append(ids, t.deals.Key(n))
		default:
			if err := w.put(ctx, t.deals.Key(n), nil); err != nil {
				return err
			}
		}
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	return refreshEvidence(ctx, t.tx, ids)
}

// dealIDs lists the deals the import touched.
func (t *importTx) dealIDs() []string {
	out := make([]string, t.deals.Len())
	for i := range out {
		out[i] = t.deals.Key(i)
	}
	return out
}

// recordStages adds the stage each imported deal is in, since its day, to
// its history (a move already recorded is kept as it is). A large import
// checks every deal rather than ship a list of ids.
func (t *importTx) recordStages(ctx context.Context) error {
	if t.deals.Len() == 0 {
		return nil
	}
	const insert = `INSERT OR IGNORE INTO deal_stages (deal_id, day, stage, seq) SELECT id, stage_since, stage, 0 FROM deals WHERE stage <> ''`
	if t.deals.Len() > bulkEvidence {
		_, err := t.tx.ExecContext(ctx, insert)
		return err
	}
	_, err := t.tx.ExecContext(ctx, insert+` AND id IN (SELECT value FROM json_each(?))`, jsonList(t.dealIDs()))
	return err
}
