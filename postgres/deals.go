package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
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

// dealColumns is the column list scanDeal reads.
var dealColumns = dealColumnsOf("")

// dealColumnsOf qualifies the deal columns with a table alias.
func dealColumnsOf(alias string) string {
	cols := `id, coalesce(client_id, ''), prospect, title, owner, amount, currency, stage, stage_since, expected_close,
		claimed, category, created, closed, outcome, lost_reason, competitor, need, capacity, decision_maker, version`
	if alias == "" {
		return cols
	}
	return sqlrow.Prefixed(alias+".", cols)
}

func dealArgs(a []any, d *cartera.Deal) []any {
	q := d.Qualification
	return append(a, d.ID, sqlrow.NullText(d.ClientID), d.Prospect, d.Title, d.Owner, cartera.OwnerKey(d.Owner), d.Value.Amount,
		string(d.Value.Currency), string(d.Stage), d.StageSince.UnixDay(), sqlrow.NullDay(d.ExpectedClose), int64(d.Claimed),
		string(d.Category), d.Created.UnixDay(), sqlrow.NullDay(d.Closed), string(d.Outcome), d.LostReason, d.Competitor,
		answer(q.Need), answer(q.Capacity), answer(q.DecisionMaker))
}

func answer(a cartera.Answer) string {
	if a == "" {
		return string(cartera.Unknown)
	}
	return string(a)
}

func signalArgs(a []any, s *cartera.Signal) []any {
	return append(a, s.ID, s.DealID, string(s.Kind), s.Day.UnixDay(), s.Source, int64(s.Days), s.Note)
}

func scanDeal(s sqlrow.Row) (cartera.Deal, error) {
	return scanDealWith(s)
}

// scanDealWith scans a deal and any extra columns after it.
func scanDealWith(s sqlrow.Row, extra ...any) (cartera.Deal, error) {
	var d cartera.Deal
	var cur, stage, cat, outcome, need, capa, dm string
	var since, created, claimed int64
	var expected, closed *int64
	dst := []any{&d.ID, &d.ClientID, &d.Prospect, &d.Title, &d.Owner, &d.Value.Amount, &cur, &stage, &since, &expected,
		&claimed, &cat, &created, &closed, &outcome, &d.LostReason, &d.Competitor, &need, &capa, &dm, &d.Version}
	err := s.Scan(append(dst, extra...)...)
	d.Value.Currency, d.Stage, d.StageSince = cartera.Currency(cur), cartera.Stage(stage), cartera.DateFromUnixDay(since)
	d.ExpectedClose, d.Closed, d.Created = sqlrow.DayOf(expected), sqlrow.DayOf(closed), cartera.DateFromUnixDay(created)
	d.Claimed, d.Category, d.Outcome = cartera.BasisPoints(claimed), cartera.ForecastCategory(cat), cartera.Outcome(outcome)
	d.Qualification = cartera.Qualification{Need: cartera.Answer(need), Capacity: cartera.Answer(capa), DecisionMaker: cartera.Answer(dm)}
	return d, err
}

func scanSignal(s sqlrow.Row) (cartera.Signal, error) {
	var x cartera.Signal
	var kind string
	var day, days int64
	err := s.Scan(&x.ID, &x.DealID, &kind, &day, &x.Source, &days, &x.Note, &x.Version)
	x.Kind, x.Day, x.Days = cartera.SignalKind(kind), cartera.DateFromUnixDay(day), int(days)
	return x, err
}

// SaveDeal validates and stores a deal.
func (db *DB) SaveDeal(ctx context.Context, d cartera.Deal) (cartera.Deal, error) {
	if err := db.validDeal(ctx, &d); err != nil {
		return d, err
	}
	if err := db.write(ctx, func(tx pgx.Tx) error { x := d; return putDeal(ctx, tx, &x, db.today()) }); err != nil {
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
func putDeal(ctx context.Context, tx pgx.Tx, d *cartera.Deal, today cartera.Date) error {
	if err := sqlrow.CheckSave(ctx, pgQ{tx}, "deals", d.ID, d.Version); err != nil {
		return err
	}
	if d.ClientID != "" {
		if err := sameCurrency(ctx, tx, d.ClientID, d.Value.Currency); err != nil {
			return err
		}
	}
	var oldStage, oldOutcome string
	var oldSince int64
	err := tx.QueryRow(ctx, `SELECT stage, stage_since, outcome FROM deals WHERE id = $1`, d.ID).Scan(&oldStage, &oldSince, &oldOutcome)
	isNew := noRows(err)
	if err != nil && !isNew {
		return err
	}
	d.SettleStageSince(!isNew, cartera.Stage(oldStage), cartera.DateFromUnixDay(oldSince), today)
	if d.Outcome == cartera.OutcomeWon && oldOutcome != string(cartera.OutcomeWon) {
		if err := wonEvidence(ctx, tx, *d); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, dealsTable.saveSQL(), dealArgs(nil, d)...); err != nil {
		return fmt.Errorf("save deal: %w", err)
	}
	if isNew || oldStage != string(d.Stage) {
		return recordStage(ctx, tx, d)
	}
	return nil
}

// wonEvidence refuses to mark a deal won without a verified signal dated on
// or before its close day.
func wonEvidence(ctx context.Context, tx pgx.Tx, d cartera.Deal) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM signals WHERE deal_id = $1 AND day <= $2 AND kind = ANY($3))`,
		d.ID, d.Closed.UnixDay(), verifiedKinds()).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return cartera.FieldError("outcome", "deal.won_needs_evidence", "deal", d.Name())
	}
	return nil
}

// Deal returns one deal.
func (db *DB) Deal(ctx context.Context, id string) (cartera.Deal, error) {
	return sqlrow.Get(ctx, pgQ{db.pool}, "deals", dealColumns, scanDeal, id)
}

// ListDeals returns a page of deals in id order.
func (db *DB) ListDeals(ctx context.Context, q cartera.DealQuery) ([]cartera.Deal, string, error) {
	after, err := sqlrow.DecodeCursor(q.After)
	if err != nil {
		return nil, "", err
	}
	limit := cartera.PageLimit(q.Limit, 500, 100)
	var p params
	where := "id > " + p.add(after)
	for _, f := range []struct{ col, v string }{{"owner_key", cartera.OwnerKey(q.Owner)},
		{"stage", string(q.Stage)}, {"outcome", string(q.Outcome)}, {"client_id", q.ClientID}} {
		if f.v != "" {
			where += " AND " + f.col + " = " + p.add(f.v)
		}
	}
	var out []cartera.Deal
	err = eachRecord(ctx, db.pool, `SELECT `+dealColumns+` FROM deals WHERE `+where+` ORDER BY id LIMIT `+p.add(limit+1), scanDeal,
		func(d cartera.Deal) error { out = append(out, d); return nil }, p...)
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

// EachDeal streams deals in id order.
func (db *DB) EachDeal(ctx context.Context, fn func(cartera.Deal) error) error {
	return eachRecord(ctx, db.pool, `SELECT `+dealColumns+` FROM deals ORDER BY id`, scanDeal, fn)
}

// SaveSignal stores a signal and refreshes its deal's evidence.
func (db *DB) SaveSignal(ctx context.Context, s cartera.Signal) (cartera.Signal, error) {
	if err := s.Validate(db.today()); err != nil {
		return s, err
	}
	err := db.write(ctx, func(tx pgx.Tx) error {
		if err := sqlrow.CheckSave(ctx, pgQ{tx}, "signals", s.ID, s.Version); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM deals WHERE id = $1)`, s.DealID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return cartera.FieldError("deal_id", "signal.unknown_deal", "value", s.DealID)
		}
		var prev string
		err := tx.QueryRow(ctx, `SELECT deal_id FROM signals WHERE id = $1`, s.ID).Scan(&prev)
		if err != nil && !noRows(err) {
			return err
		}
		if _, err := tx.Exec(ctx, signalsTable.saveSQL(), signalArgs(nil, &s)...); err != nil {
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
	return sqlrow.Get(ctx, pgQ{db.pool}, "signals", signalColumns, scanSignal, id)
}

// Signals returns a deal's signals, newest first.
func (db *DB) Signals(ctx context.Context, dealID string) ([]cartera.Signal, error) {
	var out []cartera.Signal
	err := eachRecord(ctx, db.pool, `SELECT `+signalColumns+` FROM signals WHERE deal_id = $1 ORDER BY day DESC, id DESC`, scanSignal,
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
	var p params
	where := "id > " + p.add(after)
	if q.DealID != "" {
		where += " AND deal_id = " + p.add(q.DealID)
	}
	if q.Owner != "" {
		where += " AND deal_id IN (SELECT id FROM deals WHERE owner_key = " + p.add(cartera.OwnerKey(q.Owner)) + ")"
	}
	var out []cartera.Signal
	err = eachRecord(ctx, db.pool, `SELECT `+signalColumns+` FROM signals WHERE `+where+` ORDER BY id LIMIT `+p.add(limit+1), scanSignal,
		func(s cartera.Signal) error { out = append(out, s); return nil }, p...)
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
	return eachRecord(ctx, db.pool, `SELECT `+signalColumns+` FROM signals ORDER BY id`, scanSignal, fn)
}

// DealKeys streams every deal's id and currency.
func (db *DB) DealKeys(ctx context.Context, fn func(string, cartera.Currency) error) error {
	return each(ctx, db.pool, `SELECT id, currency FROM deals`, func(s sqlrow.Row) error {
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
	err := each(ctx, db.pool, `SELECT min(owner) FROM deals WHERE owner_key <> '' GROUP BY owner_key ORDER BY 1`, func(s sqlrow.Row) error {
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
	var p params
	where := "d.outcome IN ('won', 'lost')"
	if !closedBefore.IsZero() {
		where += " AND d.closed < " + p.add(closedBefore.UnixDay())
	}
	var out []cartera.StageTally
	err := each(ctx, db.pool, `SELECT final, count(*) FILTER (WHERE outcome = 'won'), count(*) FILTER (WHERE outcome = 'lost')
		FROM (SELECT `+closedFinalStage+` AS final, d.outcome FROM deals d WHERE `+where+`) c GROUP BY final ORDER BY final`, func(s sqlrow.Row) error {
		var t cartera.StageTally
		var st string
		var won, lost int64
		err := s.Scan(&st, &won, &lost)
		t.Stage, t.Won, t.Lost = cartera.Stage(st), int(won), int(lost)
		out = append(out, t)
		return err
	}, p...)
	return out, err
}

// closedFinalStage is the last open stage of closed deal d: the stored
// stage, or, when the source did not say it ("stage unknown"), the last
// stage its history entered on or before the close day — a move dated
// later is no stage the deal closed from. Only moves up to the close
// count, so a reading as of any day after it learns nothing later.
const closedFinalStage = `CASE WHEN d.stage <> '' THEN d.stage ELSE coalesce((SELECT s.stage COLLATE "C" FROM deal_stages s
	WHERE s.deal_id = d.id AND s.day <= d.closed ORDER BY s.day DESC, s.seq DESC LIMIT 1), '') END`

// evidenceOf summarises the signals of deal d.id by kind, as stored in
// deals.evidence: "kind count first last days", comma-separated, where days
// are those of the kind's latest signal. %s is an extra condition on the
// signals.
const evidenceOf = `(SELECT string_agg(kind || ' ' || n || ' ' || first || ' ' || last || ' ' || days, ',' ORDER BY kind)
	FROM (SELECT kind, count(*) AS n, min(day) AS first, max(day) AS last,
		(array_agg(days ORDER BY day DESC, id DESC))[1] AS days
		FROM signals WHERE deal_id = d.id %s GROUP BY kind) k)`

// DealFacts streams deals with their evidence in id order: the stored
// summary, or, as of a past day (q.Cut), a summary of only the signals
// dated by then and the stage each deal's history gives for that day.
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
	var p params
	evidence, stageAt := "d.evidence", "NULL::text"
	if !cut.IsZero() {
		// Each deal with a summary of the signals known by the cut-off
		// day and the stage it was in then: the subqueries read the
		// signal and stage indexes of that deal only.
		c := p.add(cut.UnixDay())
		evidence = fmt.Sprintf(evidenceOf, "AND day <= "+c)
		stageAt = `(SELECT stage || ' ' || day FROM deal_stages WHERE deal_id = d.id AND day <= ` + c + ` ORDER BY day DESC, seq DESC LIMIT 1)`
		where = append(where, "d.created <= "+c)
		switch {
		case q.Outcome == cartera.OutcomeOpen:
			where = append(where, "(d.closed IS NULL OR d.closed > "+c+")")
		case q.Outcome == cartera.OutcomeClosed:
			where = append(where, "d.closed <= "+c)
		case q.Outcome != "":
			where = append(where, "d.outcome = "+p.add(string(q.Outcome))+" AND d.closed <= "+c)
		}
	} else {
		switch q.Outcome {
		case "":
		case cartera.OutcomeClosed:
			where = append(where, "d.outcome IN ('won', 'lost')")
		default:
			where = append(where, "d.outcome = "+p.add(string(q.Outcome)))
		}
	}
	if q.Owner != "" {
		where = append(where, "d.owner_key = "+p.add(cartera.OwnerKey(q.Owner)))
	}
	if q.IDs != nil {
		where = append(where, "d.id = ANY("+p.add(q.IDs)+")")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var f cartera.DealFacts
	var summary, stage *string
	return each(ctx, db.pool, `SELECT `+dealColumnsOf("d")+`, `+evidence+`, `+stageAt+` FROM deals d`+cond+` ORDER BY d.id`, func(s sqlrow.Row) error {
		d, err := scanDealWith(s, &summary, &stage)
		if err != nil {
			return err
		}
		f = cartera.DealFacts{Deal: d}
		if !cut.IsZero() {
			st, since, err := parseStageAt(stage)
			if err != nil {
				return fmt.Errorf("deal %s: %w", d.ID, err)
			}
			f.CutAt(cut, st, since)
		}
		if summary != nil {
			if err := parseEvidence(*summary, &f.Evidence); err != nil {
				return fmt.Errorf("deal %s: %w", d.ID, err)
			}
		}
		return fn(&f)
	}, p...)
}

// latestDaySQL is the last day any deal, signal or stage move is dated.
const latestDaySQL = `SELECT greatest(
		coalesce((SELECT max(greatest(created, stage_since, coalesce(closed, 0))) FROM deals), 0),
		coalesce((SELECT max(day) FROM signals), 0), coalesce((SELECT max(day) FROM deal_stages), 0))`

// latestDay is latestDaySQL's answer for the current generation of the
// database.
func (db *DB) latestDay(ctx context.Context) (cartera.Date, error) {
	return db.latest.Get(ctx, pgQ{db.pool}, latestDaySQL)
}

// parseStageAt reads "stage day" as the stage subquery writes it; none is
// a stage unknown on that day.
func parseStageAt(s *string) (cartera.Stage, cartera.Date, error) {
	if s == nil || *s == "" {
		return "", 0, nil
	}
	i := strings.LastIndexByte(*s, ' ')
	if i < 0 {
		return "", 0, fmt.Errorf("stage history %q: unreadable", *s)
	}
	var day int64
	if _, err := fmt.Sscan((*s)[i+1:], &day); err != nil {
		return "", 0, fmt.Errorf("stage history %q: %w", *s, err)
	}
	return cartera.Stage((*s)[:i]), cartera.DateFromUnixDay(day), nil
}

// recordStage adds a deal's stage, entered on since, to its history.
func recordStage(ctx context.Context, tx pgx.Tx, d *cartera.Deal) error {
	if d.Stage == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO deal_stages (deal_id, day, stage, seq)
		SELECT $1, $2, $3, coalesce(max(seq), 0) + 1 FROM deal_stages WHERE deal_id = $1 ON CONFLICT DO NOTHING`,
		d.ID, d.StageSince.UnixDay(), string(d.Stage))
	return err
}

// StageHistory returns a deal's stage history, oldest first.
func (db *DB) StageHistory(ctx context.Context, dealID string) ([]cartera.StageMove, error) {
	var out []cartera.StageMove
	err := each(ctx, db.pool, `SELECT day, stage FROM deal_stages WHERE deal_id = $1 ORDER BY day, seq`, func(s sqlrow.Row) error {
		var day int64
		var st string
		err := s.Scan(&day, &st)
		out = append(out, cartera.StageMove{DealID: dealID, Day: cartera.DateFromUnixDay(day), Stage: cartera.Stage(st)})
		return err
	}, dealID)
	return out, err
}

// parseEvidence reads a summary built by evidenceOf.
func parseEvidence(s string, ev *cartera.Evidence) error {
	*ev = cartera.Evidence{}
	if s == "" {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		var kind string
		var n, days int
		var first, last int64
		if _, err := fmt.Sscan(part, &kind, &n, &first, &last, &days); err != nil {
			return fmt.Errorf("evidence %q: %w", part, err)
		}
		if i := cartera.SignalKind(kind).Index(); i >= 0 {
			ev[i] = cartera.KindEvidence{Count: n, First: cartera.DateFromUnixDay(first), Last: cartera.DateFromUnixDay(last), Days: days}
		}
	}
	return nil
}

// refreshEvidence recomputes the evidence summary of the given deals, in
// one statement.
func refreshEvidence(ctx context.Context, tx pgx.Tx, ids []string) error {
	_, err := tx.Exec(ctx, `UPDATE deals d SET evidence = `+fmt.Sprintf(evidenceOf, "")+` WHERE d.id = ANY($1)`, ids)
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
	return db.write(ctx, func(tx pgx.Tx) error {
		var inUse error
		err := each(ctx, tx, `SELECT stage, count(*) FROM deals GROUP BY stage ORDER BY stage`, func(s sqlrow.Row) error {
			var st string
			var n int64
			if err := s.Scan(&st, &n); err != nil {
				return err
			}
			if inUse == nil && !p.Has(cartera.Stage(st)) {
				inUse = cartera.NewError(cartera.ECONFLICT, "pipeline.stage_in_use", "stage", st, "n", int(n))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if inUse != nil {
			return inUse
		}
		_, err = sqlrow.PutSettingAt(ctx, pgQ{tx}, "pipeline", string(b), p.Version)
		return err
	})
}
