package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
)

// The playbooks' records: tasks, the plans of lost deals, reconnect
// answers, debriefs with their searchable lessons, referrals, holidays and
// calendar tokens.

// MarkLost closes an open deal as lost and stores its plan.
func (db *DB) MarkLost(ctx context.Context, d cartera.Deal, plan []cartera.Task) (cartera.Deal, error) {
	p, err := db.Pipeline(ctx)
	if err != nil {
		return d, err
	}
	if err := d.ValidateLost(p, db.today(), plan); err != nil {
		return d, err
	}
	err = db.write(ctx, func(tx pgx.Tx) error {
		var outcome string
		var closed *int64
		err := tx.QueryRow(ctx, `SELECT outcome, closed FROM deals WHERE id = $1`, d.ID).Scan(&outcome, &closed)
		if noRows(err) {
			return cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", d.ID)
		}
		if err != nil {
			return err
		}
		if outcome != string(cartera.OutcomeOpen) {
			return cartera.NewError(cartera.ECONFLICT, "deal.not_open", "id", d.ID, "outcome", outcome, "closed", sqlrow.DayOf(closed))
		}
		x := d
		if err := putDeal(ctx, tx, &x, db.today()); err != nil {
			return err
		}
		for _, t := range plan {
			if err := sqlrow.PutTask(ctx, pgQ{tx}, t, false); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return d, err
	}
	return db.Deal(ctx, d.ID)
}

// LogIncident stores an incident and the tasks it starts together.
func (db *DB) LogIncident(ctx context.Context, in cartera.Incident, tasks []cartera.Task) (cartera.Incident, error) {
	if err := in.Validate(db.now()); err != nil {
		return in, err
	}
	for _, t := range tasks {
		if err := t.Validate(); err != nil {
			return in, err
		}
	}
	err := db.write(ctx, func(tx pgx.Tx) error {
		if err := sqlrow.CheckSave(ctx, pgQ{tx}, "incidents", in.ID, in.Version); err != nil {
			return err
		}
		if err := incidentRefs(ctx, tx, in); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, incidentsTable.saveSQL(), incidentArgs(nil, &in)...); err != nil {
			return fmt.Errorf("save incident: %w", err)
		}
		for _, t := range tasks {
			if err := sqlrow.PutTask(ctx, pgQ{tx}, t, false); err != nil {
				return err
			}
		}
		return invalidate(ctx, tx, []string{in.ClientID})
	})
	if err != nil {
		return in, err
	}
	return db.Incident(ctx, in.ID)
}

// SearchLessons finds lessons whose words start with every word searched,
// ignoring case and accents: both sides are folded in Go, and each word
// becomes a quoted prefix term of a tsquery, so nothing typed is read as
// an operator. Best matches first (ts_rank), then the most recent.
func (db *DB) SearchLessons(ctx context.Context, q cartera.LessonQuery) ([]cartera.LessonHit, error) {
	limit := cartera.PageLimit(q.Limit, 500, 50)
	owner := cartera.OwnerKey(q.Owner)
	words := q.Words()
	var terms []string
	for _, w := range words {
		if f := sqlrow.SearchFold(w); f != "" {
			terms = append(terms, "'"+strings.ReplaceAll(f, "'", "''")+"':*")
		}
	}
	var query string
	var p params
	if err := q.CheckTerms(len(terms)); err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		o := p.add(owner)
		query = `SELECT ` + sqlrow.LessonColumns + `, coalesce(nullif(d.title, ''), d.prospect, '') FROM lessons l
			LEFT JOIN deals d ON d.id = l.deal_id WHERE (` + o + ` = '' OR l.owner_key = ` + o + `)
			ORDER BY l.day DESC, l.id DESC LIMIT ` + p.add(limit)
	} else {
		tq := p.add(strings.Join(terms, " & "))
		o := p.add(owner)
		query = `SELECT ` + sqlrow.LessonColumns + `, coalesce(nullif(d.title, ''), d.prospect, '') FROM lessons l
			LEFT JOIN deals d ON d.id = l.deal_id
			WHERE l.search @@ to_tsquery('simple', ` + tq + `) AND (` + o + ` = '' OR l.owner_key = ` + o + `)
			ORDER BY ts_rank(l.search, to_tsquery('simple', ` + tq + `)) DESC, l.day DESC, l.id DESC LIMIT ` + p.add(limit)
	}
	var out []cartera.LessonHit
	err := each(ctx, db.pool, query, func(s sqlrow.Row) error {
		var h cartera.LessonHit
		var err error
		h.Lesson, err = sqlrow.ScanLesson(s, &h.Deal)
		out = append(out, h)
		return err
	}, p...)
	return out, err
}

// WinLoss aggregates closed deals and lesson topics in SQL.
func (db *DB) WinLoss(ctx context.Context, q cartera.WinLossQuery) (cartera.WinLossFacts, error) {
	var f cartera.WinLossFacts
	from, to := int64(-1<<40), int64(1<<40)
	if !q.From.IsZero() {
		from = q.From.UnixDay()
	}
	if !q.To.IsZero() {
		to = q.To.UnixDay()
	}
	owner := cartera.OwnerKey(q.Owner)
	err := each(ctx, db.pool, `SELECT (date_trunc('month', date '1970-01-01' + closed::integer)::date - date '1970-01-01')::bigint AS month,
		min(owner), outcome, lost_reason, competitor, currency, count(*), sum(amount)::bigint
		FROM deals WHERE outcome IN ('won', 'lost') AND closed BETWEEN $1 AND $2 AND ($3 = '' OR owner_key = $3)
		GROUP BY month, owner_key, outcome, lost_reason, competitor, currency
		ORDER BY month, owner_key, outcome, lost_reason, competitor, currency`, func(s sqlrow.Row) error {
		var r cartera.WinLossRow
		var month, n int64
		var outcome, cur string
		if err := s.Scan(&month, &r.Owner, &outcome, &r.Reason, &r.Competitor, &cur, &n, &r.Value.Amount); err != nil {
			return err
		}
		r.Month, r.Outcome, r.Value.Currency, r.Deals = cartera.DateFromUnixDay(month), cartera.Outcome(outcome), cartera.Currency(cur), int(n)
		f.Rows = append(f.Rows, r)
		return nil
	}, from, to, owner)
	if err != nil {
		return f, err
	}
	err = each(ctx, db.pool, `SELECT
		(SELECT l2.topic FROM lessons l2 WHERE l2.topic_key = l.topic_key ORDER BY l2.day DESC, l2.id DESC LIMIT 1),
		count(DISTINCT l.deal_id), count(*), max(l.day),
		(SELECT l2.text FROM lessons l2 WHERE l2.topic_key = l.topic_key ORDER BY l2.day DESC, l2.id DESC LIMIT 1)
		FROM lessons l WHERE l.topic_key <> '' AND l.day BETWEEN $1 AND $2 AND ($3 = '' OR l.owner_key = $3)
		GROUP BY l.topic_key ORDER BY count(DISTINCT l.deal_id) DESC, max(l.day) DESC, l.topic_key`, func(s sqlrow.Row) error {
		var t cartera.TopicCount
		var last, deals, lessons int64
		err := s.Scan(&t.Topic, &deals, &lessons, &last, &t.Text)
		t.Last, t.Deals, t.Lessons = cartera.DateFromUnixDay(last), int(deals), int(lessons)
		f.Topics = append(f.Topics, t)
		return err
	}, from, to, owner)
	return f, err
}
