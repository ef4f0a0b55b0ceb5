package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// The playbooks' records: tasks, the plans of lost deals, reconnect
// answers, debriefs with their full-text-indexed lessons, referrals,
// holidays and calendar tokens.

// MarkLost closes an open deal as lost and stores its plan.
func (db *DB) MarkLost(ctx context.Context, d cartera.Deal, plan []cartera.Task) (cartera.Deal, error) {
	p, err := db.Pipeline(ctx)
	if err != nil {
		return d, err
	}
	if err := d.ValidateLost(p, db.today(), plan); err != nil {
		return d, err
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		var outcome string
		var closed sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT outcome, closed FROM deals WHERE id = ?`, d.ID).Scan(&outcome, &closed)
		if errors.Is(err, sql.ErrNoRows) {
			return cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", d.ID)
		}
		if err != nil {
			return err
		}
		if outcome != string(cartera.OutcomeOpen) {
			return cartera.NewError(cartera.ECONFLICT, "deal.not_open", "id", d.ID, "outcome", outcome, "closed", dayOf(closed))
		}
		if err := putDeal(ctx, tx, &d, db.today()); err != nil {
			return err
		}
		for _, t := range plan {
			if err := sqlrow.PutTask(ctx, sqlQ{tx}, t, false); err != nil {
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
	prev := previousClient(ctx, db, "incidents", in.ID)
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := sqlrow.CheckSave(ctx, sqlQ{tx}, "incidents", in.ID, in.Version); err != nil {
			return err
		}
		if err := incidentRefs(ctx, tx, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, incidentsTable.upsertSQL(1), append(incidentArgs(nil, &in), nil, nil)...); err != nil {
			return fmt.Errorf("save incident: %w", err)
		}
		for _, t := range tasks {
			if err := sqlrow.PutTask(ctx, sqlQ{tx}, t, false); err != nil {
				return err
			}
		}
		touched := map[string]struct{}{in.ClientID: {}}
		if prev != "" {
			touched[prev] = struct{}{}
		}
		return invalidate(ctx, tx, touched)
	})
	if err != nil {
		return in, err
	}
	return db.Incident(ctx, in.ID)
}

// SearchLessons finds lessons with FTS5: each word of the search, quoted
// (so that nothing typed is read as an operator) and as a prefix, must
// appear; the unicode61 tokenizer folds case and accents. Best matches
// first (bm25), then the most recent.
func (db *DB) SearchLessons(ctx context.Context, q cartera.LessonQuery) ([]cartera.LessonHit, error) {
	limit := cartera.PageLimit(q.Limit, 500, 50)
	owner := cartera.OwnerKey(q.Owner)
	words := q.Words()
	var query string
	args := []any{}
	if err := q.CheckTerms(len(words)); err != nil {
		return nil, err
	}
	if len(words) == 0 {
		query = `SELECT ` + sqlrow.LessonColumns + `, coalesce(nullif(d.title, ''), d.prospect, '') FROM lessons l
			LEFT JOIN deals d ON d.id = l.deal_id WHERE (? = '' OR l.owner_key = ?) ORDER BY l.day DESC, l.id DESC LIMIT ?`
		args = append(args, owner, owner, limit)
	} else {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = `"` + w + `"*`
		}
		query = `SELECT ` + sqlrow.LessonColumns + `, coalesce(nullif(d.title, ''), d.prospect, '') FROM lessons_fts f
			JOIN lessons l ON l.id = f.rowid LEFT JOIN deals d ON d.id = l.deal_id
			WHERE lessons_fts MATCH ? AND (? = '' OR l.owner_key = ?) ORDER BY bm25(lessons_fts), l.day DESC, l.id DESC LIMIT ?`
		args = append(args, strings.Join(terms, " "), owner, owner, limit)
	}
	var out []cartera.LessonHit
	err := each(ctx, db.r, query, func(s sqlrow.Row) error {
		var h cartera.LessonHit
		var err error
		h.Lesson, err = sqlrow.ScanLesson(s, &h.Deal)
		out = append(out, h)
		return err
	}, args...)
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
	err := each(ctx, db.r, `SELECT strftime('%Y-%m-01', closed * 86400, 'unixepoch') AS month, min(owner), outcome,
		lost_reason, competitor, currency, count(*), sum(amount)
		FROM deals WHERE outcome IN ('won', 'lost') AND closed BETWEEN ? AND ? AND (? = '' OR owner_key = ?)
		GROUP BY month, owner_key, outcome, lost_reason, competitor, currency
		ORDER BY month, owner_key, outcome, lost_reason, competitor, currency`, func(s sqlrow.Row) error {
		var r cartera.WinLossRow
		var month, outcome, cur string
		if err := s.Scan(&month, &r.Owner, &outcome, &r.Reason, &r.Competitor, &cur, &r.Deals, &r.Value.Amount); err != nil {
			return err
		}
		m, err := cartera.ParseISODate(month)
		if err != nil {
			return err
		}
		r.Month, r.Outcome, r.Value.Currency = m, cartera.Outcome(outcome), cartera.Currency(cur)
		f.Rows = append(f.Rows, r)
		return nil
	}, from, to, owner, owner)
	if err != nil {
		return f, err
	}
	err = each(ctx, db.r, `SELECT
		(SELECT l2.topic FROM lessons l2 WHERE l2.topic_key = l.topic_key ORDER BY l2.day DESC, l2.id DESC LIMIT 1),
		count(DISTINCT l.deal_id), count(*), max(l.day),
		(SELECT l2.text FROM lessons l2 WHERE l2.topic_key = l.topic_key ORDER BY l2.day DESC, l2.id DESC LIMIT 1)
		FROM lessons l WHERE l.topic_key <> '' AND l.day BETWEEN ? AND ? AND (? = '' OR l.owner_key = ?)
		GROUP BY l.topic_key ORDER BY count(DISTINCT l.deal_id) DESC, max(l.day) DESC, l.topic_key`, func(s sqlrow.Row) error {
		var t cartera.TopicCount
		var last int64
		err := s.Scan(&t.Topic, &t.Deals, &t.Lessons, &last, &t.Text)
		t.Last = cartera.DateFromUnixDay(last)
		f.Topics = append(f.Topics, t)
		return err
	}, from, to, owner, owner)
	return f, err
}
