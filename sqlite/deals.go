package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/keyset"
	"github.com/cartera/cartera/internal/sqlrow"
)

// The sales pipeline: deals, their signals and each deal's evidence
// summary, which every signal write brings up to date in the same
// transaction.

var (
	dealsTable = table{"deals", []string{"id", "client_id", "prospect", "title", "owner", "owner_key", "amount", "currency",
		"stage", "stage_since", "expected_close", "claimed", "category", "created", "closed", "outcome", "lost_reason",
		"competitor", "need", "capacity", "decision_maker"}}
	signalsTable = table{"signals", []string{"id", "deal_id", "kind", "day", "source", "days", "note"}}
)

const signalColumns = `id, deal_id, kind, day, source, days, note, version`

// dealColumns is the column list scanDeal reads; dealColumnsOf qualifies it
// with a table alias.
var dealColumns = dealColumnsOf("")

func dealColumnsOf(alias string) string {
	cols := []string{"id", "coalesce(client_id, '')", "prospect", "title", "owner", "amount", "currency", "stage",
		"stage_since", "expected_close", "claimed", "category", "created", "closed", "outcome", "lost_reason", "competitor",
		"need", "capacity", "decision_maker", "version"}
	if alias != "" {
		for i, c := range cols {
			if c == "coalesce(client_id, '')" {
				cols[i] = "coalesce(" + alias + ".client_id, '')"
			} else {
				cols[i] = alias + "." + c
			}
		}
	}
	return strings.Join(cols, ", ")
}

func dealArgs(a []any, d *cartera.Deal) []any {
	var client any
	if d.ClientID != "" {
		client = d.ClientID
	}
	q := d.Qualification
	return append(a, d.ID, client, d.Prospect, d.Title, d.Owner, cartera.OwnerKey(d.Owner), d.Value.Amount,
		string(d.Value.Currency), string(d.Stage), d.StageSince.UnixDay(), nullDay(d.ExpectedClose), int64(d.Claimed),
		string(d.Category), d.Created.UnixDay(), nullDay(d.Closed), string(d.Outcome), d.LostReason, d.Competitor,
		answer(q.Need), answer(q.Capacity), answer(q.DecisionMaker))
}

func answer(a cartera.Answer) string {
	if a == "" {
		return string(cartera.Unknown)
	}
	return string(a)
}

func signalArgs(a []any, s *cartera.Signal) []any {
	return append(a, s.ID, s.DealID, string(s.Kind), s.Day.UnixDay(), s.Source, s.Days, s.Note)
}

func scanDeal(s sqlrow.Row) (cartera.Deal, error) {
	d, _, err := scanDealWith(s)
	return d, err
}

// scanDealWith scans a deal and any extra columns after it.
func scanDealWith(s sqlrow.Row, extra ...any) (cartera.Deal, []any, error) {
	var d cartera.Deal
	var cur, stage, cat, outcome, need, capa, dm string
	var since, created int64
	var expected, closed sql.NullInt64
	var claimed int64
	dst := []any{&d.ID, &d.ClientID, &d.Prospect, &d.Title, &d.Owner, &d.Value.Amount, &cur, &stage, &since, &expected,
		&claimed, &cat, &created, &closed, &outcome, &d.LostReason, &d.Competitor, &need, &capa, &dm, &d.Version}
	err := s.Scan(append(dst, extra...)...)
	d.Value.Currency, d.Stage, d.StageSince = cartera.Currency(cur), cartera.Stage(stage), cartera.DateFromUnixDay(since)
	d.ExpectedClose, d.Closed, d.Created = dayOf(expected), dayOf(closed), cartera.DateFromUnixDay(created)
	d.Claimed, d.Category, d.Outcome = cartera.BasisPoints(claimed), cartera.ForecastCategory(cat), cartera.Outcome(outcome)
	d.Qualification = cartera.Qualification{Need: cartera.Answer(need), Capacity: cartera.Answer(capa), DecisionMaker: cartera.Answer(dm)}
	return d, extra, err
}

func scanSignal(s sqlrow.Row) (cartera.Signal, error) {
	var x cartera.Signal
	var kind string
	var day int64
	err := s.Scan(&x.ID, &x.DealID, &kind, &day, &x.Source, &x.Days, &x.Note, &x.Version)
	x.Kind, x.Day = cartera.SignalKind(kind), cartera.DateFromUnixDay(day)
	return x, err
}

// SaveDeal validates and stores a deal.
func (db *DB) SaveDeal(ctx context.Context, d cartera.Deal) (cartera.Deal, error) {
	if err := db.validDeal(ctx, &d); err != nil {
		return d, err
	}
	if err := db.write(ctx, func(tx *sql.Tx) error { return putDeal(ctx, tx, &d, db.today()) }); err != nil {
		return d, err
	}
	return db.Deal(ctx, d.ID)
}

// validDeal normalizes the deal and checks it against the pipeline's
// stages.
func (db *DB) validDeal(ctx context.Context, d *cartera.Deal) error {
	p, err := db.Pipeline(ctx)
	if err != nil {
		return err
	}
	d.Normalize()
	return d.Validate(p, db.today())
}

// putDeal writes a validated deal inside tx: version and currency checks,
// the stage day (a stage changed without one started on today, the
// latest day anywhere), and the evidence a won deal needs.
func putDeal(ctx context.Context, tx *sql.Tx, d *cartera.Deal, today cartera.Date) error {
	if err := sqlrow.CheckSave(ctx, sqlQ{tx}, "deals", d.ID, d.Version); err != nil {
		return err
	}
	if d.ClientID != "" {
		if err := sameCurrency(ctx, tx, d.ClientID, d.Value.Currency); err != nil {
			return err
		}
	}
	var oldStage, oldOutcome string
	var oldSince int64
	err := tx.QueryRowContext(ctx, `SELECT stage, stage_since, outcome FROM deals WHERE id = ?`, d.ID).Scan(&oldStage, &oldSince, &oldOutcome)
	isNew := errors.Is(err, sql.ErrNoRows)
	if err != nil && !isNew {
		return err
	}
	d.SettleStageSince(!isNew, cartera.Stage(oldStage), cartera.DateFromUnixDay(oldSince), today)
	if d.Outcome == cartera.OutcomeWon && oldOutcome != string(cartera.OutcomeWon) {
		if err := wonEvidence(ctx, tx, *d); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, dealsTable.upsertSQL(1), append(dealArgs(nil, d), nil, nil)...); err != nil {
		return fmt.Errorf("save deal: %w", err)
	}
	if isNew || oldStage != string(d.Stage) {
		return recordStage(ctx, tx, d)
	}
	return nil
}

// wonEvidence refuses to mark a deal won without a verified signal dated on
// or before its close day.
func wonEvidence(ctx context.Context, tx *sql.Tx, d cartera.Deal) error {
	var kinds []string
	for _, k := range cartera.SignalKinds {
		if k.Verified() {
			kinds = append(kinds, "'"+string(k)+"'")
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM signals WHERE deal_id = ? AND day <= ? AND kind IN (`+
		strings.Join(kinds, ",")+`)`, d.ID, d.Closed.UnixDay()).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return cartera.FieldError("outcome", "deal.won_needs_evidence", "deal", d.Name())
	}
	return nil
}

// Deal returns one deal.
func (db *DB) Deal(ctx context.Context, id string) (cartera.Deal, error) {
	return sqlrow.Get(ctx, readQ{db}, "deals", dealColumns, scanDeal, id)
}

// ListDeals returns a page of deals in id order.
func (db *DB) ListDeals(ctx context.Context, q cartera.DealQuery) ([]cartera.Deal, string, error) {
	after, err := sqlrow.DecodeCursor(q.After)
	if err != nil {
		return nil, "", err
	}
	limit := cartera.PageLimit(q.Limit, 500, 100)
	query, args := listDealsQuery(q, after, limit)
	var out []cartera.Deal
	err = eachRecord(ctx, db, query, scanDeal, func(d cartera.Deal) error { out = append(out, d); return nil }, args...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = sqlrow.EncodeCursor(out[limit-1].ID)
	}
	return out, next, nil
}

// listDealsQuery is ListDeals' query: one page after a cursor, one more
// row than the page to know whether another follows.
func listDealsQuery(q cartera.DealQuery, after string, limit int) (string, []any) {
	where, args := "id > ?", []any{after}
	// The unary + keeps SQLite on the primary key, in id order from the
	// cursor, instead of sorting every matching deal to find one page. A
	// client's deals are the exception: deals_client (client_id, id)
	// holds them in id order already, and walking the whole primary key
	// for a client's few deals made capture's lookup of each client's
	// open deals scan the pipeline once per client.
	for _, f := range []struct{ col, v string }{{"owner_key", cartera.OwnerKey(q.Owner)},
		{"stage", string(q.Stage)}, {"outcome", string(q.Outcome)}} {
		if f.v != "" {
			where += " AND +" + f.col + " = ?"
			args = append(args, f.v)
		}
	}
	if q.ClientID != "" {
		where += " AND client_id = ?"
		args = append(args, q.ClientID)
	}
	return `SELECT ` + dealColumns + ` FROM deals WHERE ` + where + ` ORDER BY id LIMIT ?`, append(args, limit+1)
}

// EachDeal streams deals in id order.
func (db *DB) EachDeal(ctx context.Context, fn func(cartera.Deal) error) error {
	return eachRecord(ctx, db, `SELECT `+dealColumns+` FROM deals ORDER BY id`, scanDeal, fn)
}

// SaveSignal stores a signal and refreshes its deal's evidence.
func (db *DB) SaveSignal(ctx context.Context, s cartera.Signal) (cartera.Signal, error) {
	if err := s.Validate(db.today()); err != nil {
		return s, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := sqlrow.CheckSave(ctx, sqlQ{tx}, "signals", s.ID, s.Version); err != nil {
			return err
		}
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT created FROM deals WHERE id = ?`, s.DealID).Scan(&created)
		if errors.Is(err, sql.ErrNoRows) {
			return cartera.FieldError("deal_id", "signal.unknown_deal", "value", s.DealID)
		}
		if err != nil {
			return err
		}
		var prev string
		err = tx.QueryRowContext(ctx, `SELECT deal_id FROM signals WHERE id = ?`, s.ID).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, signalsTable.upsertSQL(1), append(signalArgs(nil, &s), nil, nil)...); err != nil {
			return fmt.Errorf("save signal: %w", err)
		}
		ids := []string{s.DealID}
		if prev != "" && prev != s.DealID {
			ids = append(ids, prev)
		}
		return refreshEvidence(ctx, tx, ids)
	})
	if err != nil {
		return s, err
	}
	return db.Signal(ctx, s.ID)
}

// Signal returns one signal.
func (db *DB) Signal(ctx context.Context, id string) (cartera.Signal, error) {
	return sqlrow.Get(ctx, readQ{db}, "signals", signalColumns, scanSignal, id)
}

// Signals returns a deal's signals, newest first.
func (db *DB) Signals(ctx context.Context, dealID string) ([]cartera.Signal, error) {
	var out []cartera.Signal
	err := eachRecord(ctx, db, `SELECT `+signalColumns+` FROM signals WHERE deal_id = ? ORDER BY day DESC, id DESC`, scanSignal,
		func(s cartera.Signal) error { out = append(out, s); return nil }, dealID)
	return out, err
}

// ListSignals returns a page of signals in id order.
func (db *DB) ListSignals(ctx context.Context, q cartera.RecordQuery) ([]cartera.Signal, string, error) {
	after, err := sqlrow.DecodeCursor(q.After)
	if err != nil {
		return nil, "", err
	}
	limit := cartera.PageLimit(q.Limit, 500, 100)
	where, args := "id > ?", []any{after}
	if q.DealID != "" {
		where += " AND deal_id = ?"
		args = append(args, q.DealID)
	}
	if q.Owner != "" {
		where += " AND deal_id IN (SELECT id FROM deals WHERE owner_key = ?)"
		args = append(args, cartera.OwnerKey(q.Owner))
	}
	var out []cartera.Signal
	err = eachRecord(ctx, db, `SELECT `+signalColumns+` FROM signals WHERE `+where+` ORDER BY id LIMIT ?`, scanSignal,
		func(s cartera.Signal) error { out = append(out, s); return nil }, append(args, limit+1)...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = sqlrow.EncodeCursor(out[limit-1].ID)
	}
	return out, next, nil
}

// EachSignal streams signals in id order.
func (db *DB) EachSignal(ctx context.Context, fn func(cartera.Signal) error) error {
	return eachRecord(ctx, db, `SELECT `+signalColumns+` FROM signals ORDER BY id`, scanSignal, fn)
}

// DealKeys streams every deal's id and currency.
func (db *DB) DealKeys(ctx context.Context, fn func(string, cartera.Currency) error) error {
	return each(ctx, db.r, `SELECT id, currency FROM deals`, func(s sqlrow.Row) error {
		var id, cur string
		if err := s.Scan(&id, &cur); err != nil {
			return err
		}
		return fn(id, cartera.Currency(cur))
	})
}

// DealOwners lists the distinct sellers named on deals.
func (db *DB) DealOwners(ctx context.Context) ([]string, error) {
	var out []string
	err := each(ctx, db.r, `SELECT min(owner) FROM deals WHERE owner_key <> '' GROUP BY owner_key ORDER BY 1`, func(s sqlrow.Row) error {
		var o string
		err := s.Scan(&o)
		out = append(out, o)
		return err
	})
	return out, err
}

// ClosedByStage counts closed deals by the stage they ended in: the stored
// one, or for a deal stored "stage unknown" the last its history gives on
// or before its close day (closedFinalStage).
func (db *DB) ClosedByStage(ctx context.Context, closedBefore cartera.Date) ([]cartera.StageTally, error) {
	where, args := "d.outcome IN ('won', 'lost')", []any{}
	if !closedBefore.IsZero() {
		where += " AND d.closed < ?"
		args = append(args, closedBefore.UnixDay())
	}
	var out []cartera.StageTally
	err := each(ctx, db.r, `SELECT `+closedFinalStage+` AS final, sum(d.outcome = 'won'), sum(d.outcome = 'lost') FROM deals d WHERE `+where+
		` GROUP BY final ORDER BY final`, func(s sqlrow.Row) error {
		var t cartera.StageTally
		var st string
		err := s.Scan(&st, &t.Won, &t.Lost)
		t.Stage = cartera.Stage(st)
		out = append(out, t)
		return err
	}, args...)
	return out, err
}

// closedFinalStage is the last open stage of closed deal d: the stored
// stage, or, when the source did not say it ("stage unknown"), the last
// stage its history entered on or before the close day — a move dated
// later is no stage the deal closed from. Only moves up to the close
// count, so a reading as of any day after it learns nothing later.
const closedFinalStage = `CASE WHEN d.stage <> '' THEN d.stage ELSE coalesce((SELECT s.stage FROM deal_stages s
	WHERE s.deal_id = d.id AND s.day <= d.closed ORDER BY s.day DESC, s.seq DESC LIMIT 1), '') END`

// DealFacts streams deals with their evidence in id order: the stored
// summary, or, as of a past day (q.Cut), a summary of only the signals
// dated by then and the stage each deal's history gives for that day.
//
// Filters are written with a unary + so that SQLite walks the primary key
// (already in id order) rather than an index whose rows it would then have
// to sort in memory.
func (db *DB) DealFacts(ctx context.Context, q cartera.DealFactsQuery, fn func(*cartera.DealFacts) error) error {
	cut := q.Cut
	if !cut.IsZero() && cut >= db.today() {
		cut = 0 // nothing stored is dated after today
	}
	if !cut.IsZero() {
		latest, err := db.latestDay(ctx)
		if err != nil {
			return err
		}
		if cut >= latest {
			cut = 0 // nothing stored is dated after the cut: read what is stored
		}
	}
	var where []string
	var args []any
	if !cut.IsZero() {
		where = append(where, "+d.created <= ?")
		args = append(args, cut.UnixDay())
	}
	switch {
	case q.Outcome == "":
	case !cut.IsZero() && q.Outcome == cartera.OutcomeOpen:
		where = append(where, "(d.closed IS NULL OR +d.closed > ?)")
		args = append(args, cut.UnixDay())
	case !cut.IsZero() && q.Outcome == cartera.OutcomeClosed:
		where = append(where, "+d.closed <= ?")
		args = append(args, cut.UnixDay())
	case !cut.IsZero():
		where = append(where, "+d.outcome = ? AND +d.closed <= ?")
		args = append(args, string(q.Outcome), cut.UnixDay())
	case q.Outcome == cartera.OutcomeClosed:
		where = append(where, "+d.outcome IN ('won', 'lost')")
	default:
		where = append(where, "+d.outcome = ?")
		args = append(args, string(q.Outcome))
	}
	if q.Owner != "" {
		where = append(where, "+d.owner_key = ?")
		args = append(args, cartera.OwnerKey(q.Owner))
	}
	if q.IDs != nil {
		where = append(where, "d.id IN (SELECT value FROM json_each(?))")
		args = append(args, jsonList(q.IDs))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	cols := dealColumnsOf("d")
	var f cartera.DealFacts
	var blob []byte
	if cut.IsZero() {
		return each(ctx, db.r, `SELECT `+cols+`, d.evidence FROM deals d`+cond+` ORDER BY d.id`, func(s sqlrow.Row) error {
			d, _, err := scanDealWith(s, &blob)
			if err != nil {
				return err
			}
			f = cartera.DealFacts{Deal: d}
			if err := f.Evidence.UnmarshalBinary(blob); err != nil {
				return fmt.Errorf("deal %s: %w", d.ID, err)
			}
			return fn(&f)
		}, args...)
	}
	// Each deal with a summary of the signals known by the cut-off day and
	// the stage it was in then, one row per deal: the subqueries read the
	// signal and stage indexes of that deal only.
	query := `SELECT ` + cols + `, (SELECT group_concat(kind || ' ' || n || ' ' || first || ' ' || last || ' ' || days, ',')
		FROM (SELECT kind, count(*) AS n, min(day) AS first, max(day) AS last, days FROM signals
			WHERE deal_id = d.id AND day <= ? GROUP BY kind)),
		(SELECT stage || ' ' || day FROM deal_stages WHERE deal_id = d.id AND day <= ? ORDER BY day DESC, seq DESC LIMIT 1)
		FROM deals d` + cond + ` ORDER BY d.id`
	args = append([]any{cut.UnixDay(), cut.UnixDay()}, args...)
	var summary, stageAt sql.NullString
	return each(ctx, db.r, query, func(s sqlrow.Row) error {
		d, _, err := scanDealWith(s, &summary, &stageAt)
		if err != nil {
			return err
		}
		f = cartera.DealFacts{Deal: d}
		stage, since, err := parseStageAt(stageAt.String)
		if err != nil {
			return fmt.Errorf("deal %s: %w", d.ID, err)
		}
		f.CutAt(cut, stage, since)
		if summary.Valid {
			for _, part := range strings.Split(summary.String, ",") {
				var kind string
				var n int
				var first, last int64
				var days int
				if _, err := fmt.Sscan(part, &kind, &n, &first, &last, &days); err != nil {
					return fmt.Errorf("deal %s: evidence %q: %w", d.ID, part, err)
				}
				if i := cartera.SignalKind(kind).Index(); i >= 0 {
					f.Evidence[i] = cartera.KindEvidence{Count: n, First: cartera.DateFromUnixDay(first),
						Last: cartera.DateFromUnixDay(last), Days: days}
				}
			}
		}
		return fn(&f)
	}, args...)
}

// latestDaySQL is the last day any deal, signal or stage move is dated.
const latestDaySQL = `SELECT max(coalesce((SELECT max(max(created, stage_since, coalesce(closed, 0))) FROM deals), 0),
		coalesce((SELECT max(day) FROM signals), 0), coalesce((SELECT max(day) FROM deal_stages), 0))`

// latestDay is latestDaySQL's answer for the current generation of the
// database.
func (db *DB) latestDay(ctx context.Context) (cartera.Date, error) {
	return db.latest.Get(ctx, readQ{db}, latestDaySQL)
}

// parseStageAt reads "stage day" as the stage subquery writes it; empty is
// a stage unknown on that day.
func parseStageAt(s string) (cartera.Stage, cartera.Date, error) {
	if s == "" {
		return "", 0, nil
	}
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return "", 0, fmt.Errorf("stage history %q: unreadable", s)
	}
	var day int64
	if _, err := fmt.Sscan(s[i+1:], &day); err != nil {
		return "", 0, fmt.Errorf("stage history %q: %w", s, err)
	}
	return cartera.Stage(s[:i]), cartera.DateFromUnixDay(day), nil
}

// recordStage adds a deal's stage, entered on since, to its history.
func recordStage(ctx context.Context, tx *sql.Tx, d *cartera.Deal) error {
	if d.Stage == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO deal_stages (deal_id, day, stage, seq)
		SELECT ?, ?, ?, coalesce(max(seq), 0) + 1 FROM deal_stages WHERE deal_id = ?`,
		d.ID, d.StageSince.UnixDay(), string(d.Stage), d.ID)
	return err
}

// StageHistory returns a deal's stage history, oldest first.
func (db *DB) StageHistory(ctx context.Context, dealID string) ([]cartera.StageMove, error) {
	var out []cartera.StageMove
	err := each(ctx, db.r, `SELECT day, stage FROM deal_stages WHERE deal_id = ? ORDER BY day, seq`, func(s sqlrow.Row) error {
		var day int64
		var st string
		err := s.Scan(&day, &st)
		out = append(out, cartera.StageMove{DealID: dealID, Day: cartera.DateFromUnixDay(day), Stage: cartera.Stage(st)})
		return err
	}, dealID)
	return out, err
}

// jsonList encodes ids as a JSON array for json_each.
func jsonList(ids []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q", id)
	}
	b.WriteByte(']')
	return b.String()
}

// refreshEvidence recomputes the evidence summary of the given deals.
func refreshEvidence(ctx context.Context, tx *sql.Tx, ids []string) error {
	sel, err := tx.PrepareContext(ctx, `SELECT kind, count(*), min(day), max(day), days FROM signals WHERE deal_id = ? GROUP BY kind`)
	if err != nil {
		return err
	}
	defer sel.Close()
	upd, err := tx.PrepareContext(ctx, `UPDATE deals SET evidence = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	var buf []byte
	for _, id := range ids {
		var ev cartera.Evidence
		rows, err := sel.QueryContext(ctx, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var kind string
			var n int
			var first, last, days int64
			if err := rows.Scan(&kind, &n, &first, &last, &days); err != nil {
				rows.Close()
				return err
			}
			if i := cartera.SignalKind(kind).Index(); i >= 0 {
				ev[i] = cartera.KindEvidence{Count: n, First: cartera.DateFromUnixDay(first), Last: cartera.DateFromUnixDay(last), Days: int(days)}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		buf, _ = ev.AppendBinary(buf[:0])
		if _, err := upd.ExecContext(ctx, buf, id); err != nil {
			return err
		}
	}
	return nil
}

// refreshAllEvidence recomputes the summary of every deal in touched but
// those done already (by number) with one ordered pass over the signal
// index, for large imports. Summaries are written as the pass goes, so
// memory stays flat.
func refreshAllEvidence(ctx context.Context, tx *sql.Tx, touched *keyset.Set, done []bool) error {
	w := evidenceWriter{tx: tx}
	defer w.close()
	// ORDER BY repeats the GROUP BY so that SQLite reads the index in
	// order instead of sorting ten million rows in a temporary b-tree.
	rows, err := tx.QueryContext(ctx, `SELECT deal_id, kind, count(*), min(day), max(day), days FROM signals
		GROUP BY deal_id, kind ORDER BY deal_id, kind`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur string
	var ev cartera.Evidence
	flush := func() error {
		if i, ok := touched.Find(cur); ok && !done[i] {
			done[i] = true
			buf, _ := ev.AppendBinary(nil)
			if err := w.put(ctx, cur, buf); err != nil {
				return err
			}
		}
		ev = cartera.Evidence{}
		return nil
	}
	for rows.Next() {
		var id, kind string
		var n int
		var first, last, days int64
		if err := rows.Scan(&id, &kind, &n, &first, &last, &days); err != nil {
			return err
		}
		if id != cur {
			if err := flush(); err != nil {
				return err
			}
			cur = id
		}
		if i := cartera.SignalKind(kind).Index(); i >= 0 {
			ev[i] = cartera.KindEvidence{Count: n, First: cartera.DateFromUnixDay(first), Last: cartera.DateFromUnixDay(last), Days: int(days)}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	// Touched deals without any signal keep an empty summary.
	for i, ok := range done {
		if ok {
			continue
		}
		if err := w.put(ctx, touched.Key(i), nil); err != nil {
			return err
		}
	}
	return w.flush(ctx)
}

// evidenceWriter writes the summaries of many deals in each statement: one
// UPDATE per deal cost as much as finding the summaries did.
type evidenceWriter struct {
	tx   *sql.Tx
	stmt *sql.Stmt // for a full batch
	args []any     // id, summary, id, summary, …
}

// evidenceBatch is how many deals one UPDATE writes.
const evidenceBatch = 100

// close releases the prepared statement.
func (w *evidenceWriter) close() {
	if w.stmt != nil {
		w.stmt.Close()
		w.stmt = nil
	}
}

// put queues a deal's summary (nil for none).
func (w *evidenceWriter) put(ctx context.Context, id string, ev []byte) error {
	var v any
	if ev != nil {
		v = ev
	}
	w.args = append(w.args, id, v)
	if len(w.args) < 2*evidenceBatch {
		return nil
	}
	return w.flush(ctx)
}

// flush writes the queued summaries.
func (w *evidenceWriter) flush(ctx context.Context) error {
	if len(w.args) == 0 {
		return nil
	}
	n := len(w.args) / 2
	q := `UPDATE deals SET evidence = v.column2 FROM (VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?),", n), ",") +
		`) AS v WHERE deals.id = v.column1`
	var err error
	if n == evidenceBatch {
		if w.stmt == nil {
			if w.stmt, err = w.tx.PrepareContext(ctx, q); err != nil {
				return err
			}
		}
		_, err = w.stmt.ExecContext(ctx, w.args...)
	} else {
		_, err = w.tx.ExecContext(ctx, q, w.args...)
	}
	w.args = w.args[:0]
	return err
}

// Pipeline returns the stored pipeline (its Version is the setting's) or
// the defaults (Version 0).
func (db *DB) Pipeline(ctx context.Context) (cartera.Pipeline, error) {
	v, rev, err := db.SettingAt(ctx, "pipeline")
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return cartera.DefaultPipeline(), nil
	}
	if err != nil {
		return cartera.Pipeline{}, err
	}
	p, err := cartera.UnmarshalPipeline([]byte(v))
	p.Version = rev
	return p, err
}

// SavePipeline validates and stores the pipeline at the version it was
// read at, refusing to drop a stage that deals are in.
func (db *DB) SavePipeline(ctx context.Context, p cartera.Pipeline) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT stage, count(*) FROM deals GROUP BY stage`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				return err
			}
			if !p.Has(cartera.Stage(st)) {
				return cartera.NewError(cartera.ECONFLICT, "pipeline.stage_in_use", "stage", st, "n", n)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = sqlrow.PutSettingAt(ctx, sqlQ{tx}, "pipeline", string(b), p.Version)
		return err
	})
}
