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

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// putTask validates and writes one task inside tx. check says whether to
// compare versions (single saves) or replace whatever is stored (plans).
func putTask(ctx context.Context, tx *sql.Tx, t cartera.Task, check bool) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if check {
		if err := sqlrow.CheckSave(ctx, sqlQ{tx}, "tasks", t.ID, t.Version); err != nil {
			return err
		}
	}
	if t.DealID != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deals WHERE id = ?`, t.DealID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cartera.FieldError("deal_id", "signal.unknown_deal", "value", t.DealID)
		}
	}
	if t.ClientID != "" {
		if _, err := sqlrow.ClientCurrency(ctx, sqlQ{tx}, t.ClientID); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO tasks (id, kind, deal_id, client_id, owner, owner_key, due, day, status,
		snoozed_until, done_on, note, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, deal_id = excluded.deal_id, client_id = excluded.client_id,
		owner = excluded.owner, owner_key = excluded.owner_key, due = excluded.due, day = excluded.day,
		status = excluded.status, snoozed_until = excluded.snoozed_until, done_on = excluded.done_on,
		note = excluded.note, created = excluded.created, version = tasks.version + 1`,
		t.ID, string(t.Kind), nullText(t.DealID), nullText(t.ClientID), t.Owner, cartera.Fold(strings.TrimSpace(t.Owner)),
		t.Due.UnixDay(), t.Day().UnixDay(), string(t.Status), nullDay(t.SnoozedUntil), nullDay(t.DoneOn), t.Note,
		t.Created.UnixDay())
	if err != nil {
		return fmt.Errorf("save task: %w", err)
	}
	return nil
}

// SaveTask inserts or updates one task.
func (db *DB) SaveTask(ctx context.Context, t cartera.Task) (cartera.Task, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	if err := db.write(ctx, func(tx *sql.Tx) error { return putTask(ctx, tx, t, true) }); err != nil {
		return t, err
	}
	return db.Task(ctx, t.ID)
}

// SaveTasks writes several tasks in one transaction.
func (db *DB) SaveTasks(ctx context.Context, tasks []cartera.Task) error {
	for _, t := range tasks {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		for _, t := range tasks {
			if err := putTask(ctx, tx, t, false); err != nil {
				return err
			}
		}
		return nil
	})
}

// Task returns one task.
func (db *DB) Task(ctx context.Context, id string) (cartera.Task, error) {
	t, err := sqlrow.ScanTask(db.queryRow(ctx, `SELECT `+sqlrow.TaskColumns+` FROM tasks WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, cartera.NewError(cartera.ENOTFOUND, "task.not_found", "id", id)
	}
	return t, err
}

// Tasks returns the selected tasks by agenda day, then id.
func (db *DB) Tasks(ctx context.Context, q cartera.TaskQuery) ([]cartera.Task, error) {
	where, args := []string{"1 = 1"}, []any{}
	if q.Owner != "" {
		where, args = append(where, "owner_key = ?"), append(args, cartera.Fold(strings.TrimSpace(q.Owner)))
	}
	if !q.Through.IsZero() {
		where, args = append(where, "day <= ?"), append(args, q.Through.UnixDay())
	}
	if q.Pending {
		where = append(where, "status <> 'done'")
	}
	if q.DealID != "" {
		where, args = append(where, "deal_id = ?"), append(args, q.DealID)
	}
	if q.ClientID != "" {
		where, args = append(where, "client_id = ?"), append(args, q.ClientID)
	}
	limit := q.Limit
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	var out []cartera.Task
	err := eachRecord(ctx, db, `SELECT `+sqlrow.TaskColumns+` FROM tasks WHERE `+strings.Join(where, " AND ")+
		` ORDER BY day, id LIMIT ?`, sqlrow.ScanTask, func(t cartera.Task) error { out = append(out, t); return nil },
		append(args, limit)...)
	return out, err
}

// MarkLost closes an open deal as lost and stores its plan.
func (db *DB) MarkLost(ctx context.Context, d cartera.Deal, plan []cartera.Task) (cartera.Deal, error) {
	if d.Outcome != cartera.OutcomeLost {
		return d, cartera.FieldError("outcome", "deal.bad_outcome", "value", string(d.Outcome))
	}
	if err := db.validDeal(ctx, &d); err != nil {
		return d, err
	}
	for _, t := range plan {
		if err := t.Validate(); err != nil {
			return d, err
		}
		if t.DealID != d.ID {
			return d, cartera.FieldError("deal_id", "task.other_deal", "value", t.DealID, "deal", d.ID)
		}
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
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
			if err := putTask(ctx, tx, t, false); err != nil {
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
			if err := putTask(ctx, tx, t, false); err != nil {
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

// lostDeal reads a deal's outcome and owner inside tx and refuses a deal
// that is not lost with the given message key.
func lostDeal(ctx context.Context, tx *sql.Tx, id, key string) (owner string, err error) {
	var outcome string
	err = tx.QueryRowContext(ctx, `SELECT outcome, owner FROM deals WHERE id = ?`, id).Scan(&outcome, &owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", id)
	}
	if err != nil {
		return "", err
	}
	if outcome != string(cartera.OutcomeLost) {
		return "", &cartera.Error{Code: cartera.EINVALID, Field: "deal_id", Msg: cartera.M(key, "id", id, "outcome", outcome)}
	}
	return owner, nil
}

// finishTasks marks a deal's pending tasks of one kind done.
func finishTasks(ctx context.Context, tx *sql.Tx, dealID string, k cartera.TaskKind, day cartera.Date) error {
	_, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'done', done_on = ?, snoozed_until = NULL, day = due,
		version = version + 1 WHERE deal_id = ? AND kind = ? AND status <> 'done'`, day.UnixDay(), dealID, string(k))
	return err
}

// CompleteReconnect records the call's answers on a lost deal.
func (db *DB) CompleteReconnect(ctx context.Context, r cartera.Reconnect) (cartera.Reconnect, error) {
	if r.ReallyNo == "" {
		r.ReallyNo = cartera.Unknown
	}
	if r.CompetitorWon == "" {
		r.CompetitorWon = cartera.Unknown
		if strings.TrimSpace(r.Competitor) != "" {
			r.CompetitorWon = cartera.Yes
		}
	}
	r.Competitor = strings.TrimSpace(r.Competitor)
	// The day is judged by the caller against its as-of day: a demo or a
	// replay may be anchored after the machine's clock.
	if err := r.Validate(0); err != nil {
		return r, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := lostDeal(ctx, tx, r.DealID, "reconnect.not_lost"); err != nil {
			return err
		}
		if err := sqlrow.CheckVersionBy(ctx, sqlQ{tx}, "reconnects", r.DealID, r.Version); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO reconnects (deal_id, day, really_no, respected, competitor_won, competitor,
			suggestions, door_open, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (deal_id) DO UPDATE SET day = excluded.day, really_no = excluded.really_no,
			respected = excluded.respected, competitor_won = excluded.competitor_won, competitor = excluded.competitor,
			suggestions = excluded.suggestions, door_open = excluded.door_open, note = excluded.note,
			version = reconnects.version + 1`,
			r.DealID, r.Day.UnixDay(), string(r.ReallyNo), boolInt(r.Respected), string(r.CompetitorWon), r.Competitor,
			r.Suggestions, boolInt(r.DoorOpen), r.Note)
		if err != nil {
			return fmt.Errorf("save reconnect: %w", err)
		}
		if r.CompetitorWon == cartera.Yes && r.Competitor != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE deals SET competitor = ?, version = version + 1
				WHERE id = ? AND competitor = ''`, r.Competitor, r.DealID); err != nil {
				return err
			}
		}
		return finishTasks(ctx, tx, r.DealID, cartera.TaskReconnect, r.Day)
	})
	if err != nil {
		return r, err
	}
	return db.Reconnect(ctx, r.DealID)
}

// Reconnect returns a deal's answers.
func (db *DB) Reconnect(ctx context.Context, dealID string) (cartera.Reconnect, error) {
	r, err := sqlrow.ScanReconnect(db.queryRow(ctx, `SELECT `+sqlrow.ReconnectColumns+` FROM reconnects WHERE deal_id = ?`, dealID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, cartera.NewError(cartera.ENOTFOUND, "reconnect.not_found", "id", dealID)
	}
	return r, err
}

// SaveDebrief stores a lost deal's debrief and replaces its lessons.
func (db *DB) SaveDebrief(ctx context.Context, d cartera.Debrief) (cartera.Debrief, error) {
	for i := range d.Lessons {
		l := &d.Lessons[i]
		l.Text, l.Topic, l.Change = strings.TrimSpace(l.Text), strings.TrimSpace(l.Topic), strings.TrimSpace(l.Change)
	}
	if err := d.Validate(0); err != nil {
		return d, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		owner, err := lostDeal(ctx, tx, d.DealID, "debrief.not_lost")
		if err != nil {
			return err
		}
		if err := sqlrow.CheckVersionBy(ctx, sqlQ{tx}, "debriefs", d.DealID, d.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO debriefs (deal_id, day, happened, better) VALUES (?, ?, ?, ?)
			ON CONFLICT (deal_id) DO UPDATE SET day = excluded.day, happened = excluded.happened, better = excluded.better,
			version = debriefs.version + 1`, d.DealID, d.Day.UnixDay(), d.Happened, d.Better); err != nil {
			return fmt.Errorf("save debrief: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM lessons WHERE deal_id = ?`, d.DealID); err != nil {
			return err
		}
		for _, l := range d.Lessons {
			if _, err := tx.ExecContext(ctx, `INSERT INTO lessons (deal_id, owner, owner_key, day, topic, topic_key, text, change)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.DealID, owner, cartera.Fold(strings.TrimSpace(owner)), d.Day.UnixDay(),
				l.Topic, cartera.Fold(l.Topic), l.Text, l.Change); err != nil {
				return fmt.Errorf("save lesson: %w", err)
			}
		}
		return finishTasks(ctx, tx, d.DealID, cartera.TaskDebrief, d.Day)
	})
	if err != nil {
		return d, err
	}
	return db.Debrief(ctx, d.DealID)
}

// Debrief returns a deal's debrief with its lessons.
func (db *DB) Debrief(ctx context.Context, dealID string) (cartera.Debrief, error) {
	var d cartera.Debrief
	var day int64
	err := db.queryRow(ctx, `SELECT deal_id, day, happened, better, version FROM debriefs WHERE deal_id = ?`, dealID).
		Scan(&d.DealID, &day, &d.Happened, &d.Better, &d.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return d, cartera.NewError(cartera.ENOTFOUND, "debrief.not_found", "id", dealID)
	}
	if err != nil {
		return d, err
	}
	d.Day = cartera.DateFromUnixDay(day)
	err = each(ctx, db.r, `SELECT `+sqlrow.LessonColumns+` FROM lessons l WHERE l.deal_id = ? ORDER BY l.id`, func(s sqlrow.Row) error {
		l, err := sqlrow.ScanLesson(s)
		d.Lessons = append(d.Lessons, l)
		return err
	}, dealID)
	return d, err
}

// maxSearchWords bounds a lesson search: past a sentence, more words only
// make the query slower.
const maxSearchWords = 32

// SearchLessons finds lessons with FTS5: each word of the search, quoted
// (so that nothing typed is read as an operator) and as a prefix, must
// appear; the unicode61 tokenizer folds case and accents. Best matches
// first (bm25), then the most recent.
func (db *DB) SearchLessons(ctx context.Context, q cartera.LessonQuery) ([]cartera.LessonHit, error) {
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	owner := cartera.Fold(strings.TrimSpace(q.Owner))
	words := cartera.SearchWords(q.Text)
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	var query string
	args := []any{}
	if len(words) == 0 {
		if strings.TrimSpace(q.Text) != "" {
			return nil, cartera.FieldError("text", "lessons.empty_query")
		}
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
	owner := cartera.Fold(strings.TrimSpace(q.Owner))
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

// SaveReferral inserts or updates a referral.
func (db *DB) SaveReferral(ctx context.Context, r cartera.Referral) (cartera.Referral, error) {
	for _, s := range []*string{&r.Service, &r.Name, &r.Contact, &r.Email, &r.Phone, &r.URL} {
		*s = strings.TrimSpace(*s)
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := sqlrow.CheckSave(ctx, sqlQ{tx}, "referrals", r.ID, r.Version); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO referrals (id, service, service_key, name, contact, email, phone, url, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET service = excluded.service,
			service_key = excluded.service_key, name = excluded.name, contact = excluded.contact, email = excluded.email,
			phone = excluded.phone, url = excluded.url, note = excluded.note, version = referrals.version + 1`,
			r.ID, r.Service, cartera.Fold(r.Service), r.Name, r.Contact, r.Email, r.Phone, r.URL, r.Note)
		return err
	})
	if err != nil {
		return r, err
	}
	return db.Referral(ctx, r.ID)
}

// Referral returns one referral.
func (db *DB) Referral(ctx context.Context, id string) (cartera.Referral, error) {
	r, err := sqlrow.ScanReferral(db.queryRow(ctx, `SELECT `+sqlrow.ReferralColumns+` FROM referrals WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, cartera.NewError(cartera.ENOTFOUND, "referral.not_found", "id", id)
	}
	return r, err
}

// Referrals lists every referral by service, then name.
func (db *DB) Referrals(ctx context.Context) ([]cartera.Referral, error) {
	var out []cartera.Referral
	err := eachRecord(ctx, db, `SELECT `+sqlrow.ReferralColumns+` FROM referrals ORDER BY service_key, name, id`, sqlrow.ScanReferral,
		func(r cartera.Referral) error { out = append(out, r); return nil })
	return out, err
}

// DeleteReferral removes a referral.
func (db *DB) DeleteReferral(ctx context.Context, id string, version int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := sqlrow.CheckVersion(ctx, sqlQ{tx}, "referrals", id, version); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM referrals WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "referral.not_found", "id", id)
		}
		return nil
	})
}

// Holidays lists the holidays by day.
func (db *DB) Holidays(ctx context.Context) ([]cartera.Holiday, error) {
	var out []cartera.Holiday
	err := each(ctx, db.r, `SELECT day, name FROM holidays ORDER BY day`, func(s sqlrow.Row) error {
		var h cartera.Holiday
		var day int64
		err := s.Scan(&day, &h.Name)
		h.Day = cartera.DateFromUnixDay(day)
		out = append(out, h)
		return err
	})
	return out, err
}

// SaveHoliday adds or renames a holiday.
func (db *DB) SaveHoliday(ctx context.Context, h cartera.Holiday) error {
	if err := h.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO holidays (day, name) VALUES (?, ?)
			ON CONFLICT (day) DO UPDATE SET name = excluded.name`, h.Day.UnixDay(), strings.TrimSpace(h.Name))
		return err
	})
}

// DeleteHoliday removes a holiday.
func (db *DB) DeleteHoliday(ctx context.Context, day cartera.Date) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM holidays WHERE day = ?`, day.UnixDay())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "holiday.not_found", "day", day)
		}
		return nil
	})
}

// SetCalendarToken stores the hash of a user's calendar token.
func (db *DB) SetCalendarToken(ctx context.Context, userID int64, hash string) error {
	if hash == "" {
		return cartera.FieldError("token", "value.required")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "user.not_found")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_tokens (user_id, hash, created) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, created = excluded.created`,
			userID, hash, db.now().Unix())
		return err
	})
}

// CalendarUser resolves a calendar token hash to its enabled user.
func (db *DB) CalendarUser(ctx context.Context, hash string) (cartera.User, error) {
	u, err := sqlrow.ScanUser(db.queryRow(ctx, `SELECT `+sqlrow.Prefixed("u.", sqlrow.UserColumns)+`
		FROM calendar_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND u.disabled = 0`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return u, cartera.NewError(cartera.EUNAUTHORIZED, "calendar.bad_token")
	}
	return u, err
}

// DeleteCalendarToken revokes a user's calendar address.
func (db *DB) DeleteCalendarToken(ctx context.Context, userID int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM calendar_tokens WHERE user_id = ?`, userID)
		return err
	})
}
