package sqlrow

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/cartera/cartera"
)

// The playbooks' records: tasks, reconnect answers, debriefs with their
// lessons, referrals, holidays and calendar tokens. Searching lessons and
// the win/loss figures stay in each store (full-text search and date
// functions differ).

// PutTask validates and writes one task inside tx. check says whether to
// compare versions (single saves) or replace whatever is stored (plans).
func PutTask(ctx context.Context, q Q, t cartera.Task, check bool) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if check {
		if err := CheckSave(ctx, q, "tasks", t.ID, t.Version); err != nil {
			return err
		}
	}
	if t.DealID != "" {
		var n int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM deals WHERE id = ?`, t.DealID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cartera.FieldError("deal_id", "signal.unknown_deal", "value", t.DealID)
		}
	}
	if t.ClientID != "" {
		if _, err := ClientCurrency(ctx, q, t.ClientID); err != nil {
			return err
		}
	}
	_, err := q.Exec(ctx, `INSERT INTO tasks (id, kind, deal_id, client_id, owner, owner_key, due, day, status,
		snoozed_until, done_on, note, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, deal_id = excluded.deal_id, client_id = excluded.client_id,
		owner = excluded.owner, owner_key = excluded.owner_key, due = excluded.due, day = excluded.day,
		status = excluded.status, snoozed_until = excluded.snoozed_until, done_on = excluded.done_on,
		note = excluded.note, created = excluded.created, version = tasks.version + 1`,
		t.ID, string(t.Kind), NullText(t.DealID), NullText(t.ClientID), t.Owner, cartera.OwnerKey(t.Owner),
		t.Due.UnixDay(), t.Day().UnixDay(), string(t.Status), NullDay(t.SnoozedUntil), NullDay(t.DoneOn), t.Note,
		t.Created.UnixDay())
	if err != nil {
		return fmt.Errorf("save task: %w", err)
	}
	return nil
}

// SaveTask inserts or updates one task.
func (sh Shared) SaveTask(ctx context.Context, t cartera.Task) (cartera.Task, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	if err := sh.write(ctx, func(q Q) error { return PutTask(ctx, q, t, true) }); err != nil {
		return t, err
	}
	return sh.Task(ctx, t.ID)
}

// SaveTasks writes several tasks in one transaction.
func (sh Shared) SaveTasks(ctx context.Context, tasks []cartera.Task) error {
	for _, t := range tasks {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	return sh.write(ctx, func(q Q) error {
		for _, t := range tasks {
			if err := PutTask(ctx, q, t, false); err != nil {
				return err
			}
		}
		return nil
	})
}

// Task returns one task.
func (sh Shared) Task(ctx context.Context, id string) (cartera.Task, error) {
	t, err := ScanTask(sh.read.QueryRow(ctx, `SELECT `+TaskColumns+` FROM tasks WHERE id = ?`, id))
	if NoRows(err) {
		return t, cartera.NewError(cartera.ENOTFOUND, "task.not_found", "id", id)
	}
	return t, err
}

// Tasks returns the selected tasks by agenda day, then id.
func (sh Shared) Tasks(ctx context.Context, q cartera.TaskQuery) ([]cartera.Task, error) {
	where, args := []string{"1 = 1"}, []any{}
	if q.Owner != "" {
		where, args = append(where, "owner_key = ?"), append(args, cartera.OwnerKey(q.Owner))
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
	limit := cartera.PageLimit(q.Limit, 10000, 1000)
	var out []cartera.Task
	err := EachRecord(ctx, sh.read, `SELECT `+TaskColumns+` FROM tasks WHERE `+strings.Join(where, " AND ")+
		` ORDER BY day, id LIMIT ?`, ScanTask, func(t cartera.Task) error { out = append(out, t); return nil },
		append(args, limit)...)
	return out, err
}

// LostDeal reads a deal's outcome and owner inside tx and refuses a deal
// that is not lost with the given message key.
func LostDeal(ctx context.Context, q Q, id, key string) (owner string, err error) {
	var outcome string
	err = q.QueryRow(ctx, `SELECT outcome, owner FROM deals WHERE id = ?`, id).Scan(&outcome, &owner)
	if NoRows(err) {
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

// FinishTasks marks a deal's pending tasks of one kind done.
func FinishTasks(ctx context.Context, q Q, dealID string, k cartera.TaskKind, day cartera.Date) error {
	_, err := q.Exec(ctx, `UPDATE tasks SET status = 'done', done_on = ?, snoozed_until = NULL, day = due,
		version = version + 1 WHERE deal_id = ? AND kind = ? AND status <> 'done'`, day.UnixDay(), dealID, string(k))
	return err
}

// CompleteReconnect records the call's answers on a lost deal.
func (sh Shared) CompleteReconnect(ctx context.Context, r cartera.Reconnect) (cartera.Reconnect, error) {
	r.Normalize()
	// The day is judged by the caller against its as-of day: a demo or a
	// replay may be anchored after the machine's clock.
	if err := r.Validate(0); err != nil {
		return r, err
	}
	err := sh.write(ctx, func(q Q) error {
		if _, err := LostDeal(ctx, q, r.DealID, "reconnect.not_lost"); err != nil {
			return err
		}
		if err := CheckVersionBy(ctx, q, "reconnects", r.DealID, r.Version); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `INSERT INTO reconnects (deal_id, day, really_no, respected, competitor_won, competitor,
			suggestions, door_open, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (deal_id) DO UPDATE SET day = excluded.day, really_no = excluded.really_no,
			respected = excluded.respected, competitor_won = excluded.competitor_won, competitor = excluded.competitor,
			suggestions = excluded.suggestions, door_open = excluded.door_open, note = excluded.note,
			version = reconnects.version + 1`,
			r.DealID, r.Day.UnixDay(), string(r.ReallyNo), r.Respected, string(r.CompetitorWon), r.Competitor,
			r.Suggestions, r.DoorOpen, r.Note)
		if err != nil {
			return fmt.Errorf("save reconnect: %w", err)
		}
		if r.CompetitorWon == cartera.Yes && r.Competitor != "" {
			if _, err := q.Exec(ctx, `UPDATE deals SET competitor = ?, version = version + 1
				WHERE id = ? AND competitor = ''`, r.Competitor, r.DealID); err != nil {
				return err
			}
		}
		return FinishTasks(ctx, q, r.DealID, cartera.TaskReconnect, r.Day)
	})
	if err != nil {
		return r, err
	}
	return sh.Reconnect(ctx, r.DealID)
}

// Reconnect returns a deal's answers.
func (sh Shared) Reconnect(ctx context.Context, dealID string) (cartera.Reconnect, error) {
	r, err := ScanReconnect(sh.read.QueryRow(ctx, `SELECT `+ReconnectColumns+` FROM reconnects WHERE deal_id = ?`, dealID))
	if NoRows(err) {
		return r, cartera.NewError(cartera.ENOTFOUND, "reconnect.not_found", "id", dealID)
	}
	return r, err
}

// SaveDebrief stores a lost deal's debrief and replaces its lessons.
func (sh Shared) SaveDebrief(ctx context.Context, d cartera.Debrief) (cartera.Debrief, error) {
	d.Normalize()
	if err := d.Validate(0); err != nil {
		return d, err
	}
	err := sh.write(ctx, func(q Q) error {
		owner, err := LostDeal(ctx, q, d.DealID, "debrief.not_lost")
		if err != nil {
			return err
		}
		if err := CheckVersionBy(ctx, q, "debriefs", d.DealID, d.Version); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `INSERT INTO debriefs (deal_id, day, happened, better) VALUES (?, ?, ?, ?)
			ON CONFLICT (deal_id) DO UPDATE SET day = excluded.day, happened = excluded.happened, better = excluded.better,
			version = debriefs.version + 1`, d.DealID, d.Day.UnixDay(), d.Happened, d.Better); err != nil {
			return fmt.Errorf("save debrief: %w", err)
		}
		if _, err := q.Exec(ctx, `DELETE FROM lessons WHERE deal_id = ?`, d.DealID); err != nil {
			return err
		}
		for _, l := range d.Lessons {
			cols, args := sh.lessonRow(d.DealID, owner, d.Day, l)
			if _, err := q.Exec(ctx, `INSERT INTO lessons (`+cols+`) VALUES (`+Placeholders(len(args))+`)`, args...); err != nil {
				return fmt.Errorf("save lesson: %w", err)
			}
		}
		return FinishTasks(ctx, q, d.DealID, cartera.TaskDebrief, d.Day)
	})
	if err != nil {
		return d, err
	}
	return sh.Debrief(ctx, d.DealID)
}

// Debrief returns a deal's debrief with its lessons.
func (sh Shared) Debrief(ctx context.Context, dealID string) (cartera.Debrief, error) {
	var d cartera.Debrief
	var day int64
	err := sh.read.QueryRow(ctx, `SELECT deal_id, day, happened, better, version FROM debriefs WHERE deal_id = ?`, dealID).
		Scan(&d.DealID, &day, &d.Happened, &d.Better, &d.Version)
	if NoRows(err) {
		return d, cartera.NewError(cartera.ENOTFOUND, "debrief.not_found", "id", dealID)
	}
	if err != nil {
		return d, err
	}
	d.Day = cartera.DateFromUnixDay(day)
	err = sh.read.Each(ctx, `SELECT `+LessonColumns+` FROM lessons l WHERE l.deal_id = ? ORDER BY l.id`, func(r Row) error {
		l, err := ScanLesson(r)
		d.Lessons = append(d.Lessons, l)
		return err
	}, dealID)
	return d, err
}

// SaveReferral inserts or updates a referral.
func (sh Shared) SaveReferral(ctx context.Context, r cartera.Referral) (cartera.Referral, error) {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return r, err
	}
	err := sh.write(ctx, func(q Q) error {
		if err := CheckSave(ctx, q, "referrals", r.ID, r.Version); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `INSERT INTO referrals (id, service, service_key, name, contact, email, phone, url, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET service = excluded.service,
			service_key = excluded.service_key, name = excluded.name, contact = excluded.contact, email = excluded.email,
			phone = excluded.phone, url = excluded.url, note = excluded.note, version = referrals.version + 1`,
			r.ID, r.Service, cartera.Fold(r.Service), r.Name, r.Contact, r.Email, r.Phone, r.URL, r.Note)
		return err
	})
	if err != nil {
		return r, err
	}
	return sh.Referral(ctx, r.ID)
}

// Referral returns one referral.
func (sh Shared) Referral(ctx context.Context, id string) (cartera.Referral, error) {
	r, err := ScanReferral(sh.read.QueryRow(ctx, `SELECT `+ReferralColumns+` FROM referrals WHERE id = ?`, id))
	if NoRows(err) {
		return r, cartera.NewError(cartera.ENOTFOUND, "referral.not_found", "id", id)
	}
	return r, err
}

// Referrals lists every referral by service, then name.
func (sh Shared) Referrals(ctx context.Context) ([]cartera.Referral, error) {
	var out []cartera.Referral
	err := EachRecord(ctx, sh.read, `SELECT `+ReferralColumns+` FROM referrals ORDER BY service_key, name, id`, ScanReferral,
		func(r cartera.Referral) error { out = append(out, r); return nil })
	return out, err
}

// DeleteReferral removes a referral.
func (sh Shared) DeleteReferral(ctx context.Context, id string, version int64) error {
	return sh.write(ctx, func(q Q) error {
		if err := CheckVersion(ctx, q, "referrals", id, version); err != nil {
			return err
		}
		n, err := q.Exec(ctx, `DELETE FROM referrals WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "referral.not_found", "id", id)
		}
		return nil
	})
}

// Holidays lists the holidays by day.
func (sh Shared) Holidays(ctx context.Context) ([]cartera.Holiday, error) {
	var out []cartera.Holiday
	err := sh.read.Each(ctx, `SELECT day, name FROM holidays ORDER BY day`, func(r Row) error {
		var h cartera.Holiday
		var day int64
		err := r.Scan(&day, &h.Name)
		h.Day = cartera.DateFromUnixDay(day)
		out = append(out, h)
		return err
	})
	return out, err
}

// SaveHoliday adds or renames a holiday.
func (sh Shared) SaveHoliday(ctx context.Context, h cartera.Holiday) error {
	if err := h.Validate(); err != nil {
		return err
	}
	h.Normalize()
	return sh.write(ctx, func(q Q) error {
		_, err := q.Exec(ctx, `INSERT INTO holidays (day, name) VALUES (?, ?)
			ON CONFLICT (day) DO UPDATE SET name = excluded.name`, h.Day.UnixDay(), h.Name)
		return err
	})
}

// DeleteHoliday removes a holiday.
func (sh Shared) DeleteHoliday(ctx context.Context, day cartera.Date) error {
	return sh.write(ctx, func(q Q) error {
		n, err := q.Exec(ctx, `DELETE FROM holidays WHERE day = ?`, day.UnixDay())
		if err != nil {
			return err
		}
		if n == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "holiday.not_found", "day", day)
		}
		return nil
	})
}

// SetCalendarToken stores the hash of a user's calendar token.
func (sh Shared) SetCalendarToken(ctx context.Context, userID int64, hash string) error {
	if hash == "" {
		return cartera.FieldError("token", "value.required")
	}
	return sh.write(ctx, func(q Q) error {
		var n int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM users WHERE id = ?`, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "user.not_found")
		}
		_, err := q.Exec(ctx, `INSERT INTO calendar_tokens (user_id, hash, created) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, created = excluded.created`,
			userID, hash, sh.now().Unix())
		return err
	})
}

// CalendarUser resolves a calendar token hash to its enabled user.
func (sh Shared) CalendarUser(ctx context.Context, hash string) (cartera.User, error) {
	u, err := ScanUser(sh.read.QueryRow(ctx, `SELECT `+Prefixed("u.", UserColumns)+`
		FROM calendar_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND NOT u.disabled`, hash))
	if NoRows(err) {
		return u, cartera.NewError(cartera.EUNAUTHORIZED, "calendar.bad_token")
	}
	return u, err
}

// DeleteCalendarToken revokes a user's calendar address.
func (sh Shared) DeleteCalendarToken(ctx context.Context, userID int64) error {
	return sh.write(ctx, func(q Q) error {
		_, err := q.Exec(ctx, `DELETE FROM calendar_tokens WHERE user_id = ?`, userID)
		return err
	})
}

// SearchFold is the search key of lessons and of the words searched: the
// store-wide fold, after dropping combining marks, so that a decomposed
// "gestión" (o followed by U+0301) folds as the composed one does.
func SearchFold(s string) string {
	return cartera.Fold(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s))
}

// lessonRow is the columns and values of a lesson, with its folded search
// words where the store keeps them.
func (sh Shared) lessonRow(dealID, owner string, day cartera.Date, l cartera.Lesson) (string, []any) {
	cols, args := `deal_id, owner, owner_key, day, topic, topic_key, text, change`, []any{dealID, owner,
		cartera.OwnerKey(owner), day.UnixDay(), l.Topic, cartera.Fold(l.Topic), l.Text, l.Change}
	if sh.searchText {
		cols, args = cols+`, search_text`, append(args, SearchFold(l.Text+"\n"+l.Change+"\n"+l.Topic))
	}
	return cols, args
}
