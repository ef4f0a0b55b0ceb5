package sqlrow

import (
	"context"
	"fmt"
	"time"

	"github.com/cartera/cartera"
)

// ReadArchive reads everything outside the records; q is one read
// transaction, so that the lists agree with each other.
func ReadArchive(ctx context.Context, q Q) (*cartera.Archive, error) {
	a := &cartera.Archive{}
	steps := []struct {
		query string
		fn    func(Row) error
	}{
		{`SELECT ` + UserColumns + ` FROM users ORDER BY id`, func(s Row) error {
			u, err := ScanUser(s)
			a.Users = append(a.Users, u)
			return err
		}},
		{`SELECT ` + TokenColumns + `, t.hash FROM api_tokens t ORDER BY t.id`, func(s Row) error {
			var at cartera.ArchivedToken
			var err error
			at.APIToken, err = ScanToken(With(s, &at.Hash))
			a.Tokens = append(a.Tokens, at)
			return err
		}},
		{`SELECT user_id, hash, created FROM calendar_tokens ORDER BY user_id`, func(s Row) error {
			var c cartera.CalendarToken
			var created int64
			err := s.Scan(&c.UserID, &c.Hash, &created)
			c.Created = time.Unix(created, 0).UTC()
			a.CalendarTokens = append(a.CalendarTokens, c)
			return err
		}},
		{`SELECT key, value FROM settings ORDER BY key`, func(s Row) error {
			var kv cartera.SettingValue
			err := s.Scan(&kv.Key, &kv.Value)
			a.Settings = append(a.Settings, kv)
			return err
		}},
		{`SELECT ` + TaskColumns + ` FROM tasks ORDER BY id`, func(s Row) error {
			t, err := ScanTask(s)
			a.Tasks = append(a.Tasks, t)
			return err
		}},
		{`SELECT ` + ReconnectColumns + ` FROM reconnects ORDER BY deal_id`, func(s Row) error {
			r, err := ScanReconnect(s)
			a.Reconnects = append(a.Reconnects, r)
			return err
		}},
		{`SELECT deal_id, day, happened, better, version FROM debriefs ORDER BY deal_id`, func(s Row) error {
			var d cartera.Debrief
			var day int64
			err := s.Scan(&d.DealID, &day, &d.Happened, &d.Better, &d.Version)
			d.Day = cartera.DateFromUnixDay(day)
			a.Debriefs = append(a.Debriefs, d)
			return err
		}},
		{`SELECT ` + LessonColumns + ` FROM lessons l ORDER BY l.deal_id, l.id`, func(s Row) error {
			l, err := ScanLesson(s)
			if err != nil {
				return err
			}
			// Lessons come in deal order, as the debriefs: one pass.
			for i := range a.Debriefs {
				if d := &a.Debriefs[i]; d.DealID == l.DealID {
					d.Lessons = append(d.Lessons, l)
					return nil
				}
			}
			return fmt.Errorf("lesson %d: no debrief for deal %s", l.ID, l.DealID)
		}},
		{`SELECT ` + ReferralColumns + ` FROM referrals ORDER BY id`, func(s Row) error {
			r, err := ScanReferral(s)
			a.Referrals = append(a.Referrals, r)
			return err
		}},
		{`SELECT day, name FROM holidays ORDER BY day`, func(s Row) error {
			var h cartera.Holiday
			var day int64
			err := s.Scan(&day, &h.Name)
			h.Day = cartera.DateFromUnixDay(day)
			a.Holidays = append(a.Holidays, h)
			return err
		}},
		{`SELECT ` + MatchColumns + ` FROM match_rules ORDER BY kind, value`, func(s Row) error {
			r, err := ScanMatchRule(s)
			a.MatchRules = append(a.MatchRules, r)
			return err
		}},
		{`SELECT kind, value, source, hint, seen, last FROM match_unmatched ORDER BY kind, value`, func(s Row) error {
			var u cartera.Unmatched
			var kind string
			var last *int64
			err := s.Scan(&kind, &u.Value, &u.Source, &u.Hint, &u.Seen, &last)
			u.Kind, u.Last = cartera.MatchKind(kind), DayOf(last)
			a.Unmatched = append(a.Unmatched, u)
			return err
		}},
		{`SELECT entity, record_id, source, origin, original_id FROM provenance ORDER BY entity, record_id`, func(s Row) error {
			var p cartera.Provenance
			var e string
			err := s.Scan(&e, &p.RecordID, &p.Source, &p.Origin, &p.OriginalID)
			p.Entity = cartera.Entity(e)
			a.Provenance = append(a.Provenance, p)
			return err
		}},
		{`SELECT id, client_id, coalesce(contact_id, ''), at, outbound, key, reply_to FROM mail_messages ORDER BY id`, func(s Row) error {
			var m cartera.MailMessage
			var at int64
			err := s.Scan(&m.ID, &m.ClientID, &m.ContactID, &at, &m.Outbound, &m.Key, &m.ReplyTo)
			m.At = time.Unix(at, 0).UTC()
			a.MailMessages = append(a.MailMessages, m)
			return err
		}},
		{`SELECT ` + CandidateColumns + ` FROM candidates c ORDER BY c.id`, func(s Row) error {
			c, err := ScanCandidate(s)
			a.Candidates = append(a.Candidates, c)
			return err
		}},
		{`SELECT ` + DecisionColumns + ` FROM decisions ORDER BY id`, func(s Row) error {
			d, err := ScanDecision(s)
			a.Decisions = append(a.Decisions, d)
			return err
		}},
		{`SELECT deal_id, day, stage, seq FROM deal_stages ORDER BY deal_id, day, seq, stage`, func(s Row) error {
			var m cartera.StageMove
			var day int64
			var st string
			err := s.Scan(&m.DealID, &day, &st, &m.Seq)
			m.Day, m.Stage = cartera.DateFromUnixDay(day), cartera.Stage(st)
			a.StageMoves = append(a.StageMoves, m)
			return err
		}},
	}
	for _, st := range steps {
		if err := q.Each(ctx, st.query, st.fn); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
	}
	return a, nil
}

// CaptureWriter is the part of a store's import that writes what capture
// keeps, in bulk.
type CaptureWriter interface {
	PutUnmatched(ctx context.Context, u []cartera.Unmatched) error
	PutProvenance(ctx context.Context, p []cartera.Provenance) error
	PutMailMessages(ctx context.Context, m []cartera.MailMessage) error
}

// PutArchive writes an archive inside an import's transaction q, keeping
// ids and versions. The destination must hold no accounts and no playbook
// records yet; settings it has are replaced by the archive's. bulk writes
// what each store moves in bulk its own way (the unmatched identifiers,
// provenance and mail), after the match table.
func (sh Shared) PutArchive(ctx context.Context, q Q, a *cartera.Archive, bulk CaptureWriter) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM tasks) +
		(SELECT count(*) FROM reconnects) + (SELECT count(*) FROM debriefs) + (SELECT count(*) FROM referrals) +
		(SELECT count(*) FROM holidays)`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return cartera.NewError(cartera.ECONFLICT, "archive.not_empty")
	}
	exec := func(query string, args ...any) error {
		if _, err := q.Exec(ctx, query, args...); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		return nil
	}
	for _, u := range a.Users {
		if err := exec(`INSERT INTO users (id, email, email_key, name, role, lang, password_hash, created, disabled, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Email, cartera.EmailKey(u.Email), u.Name, string(u.Role), u.Lang,
			u.PasswordHash, u.Created.Unix(), u.Disabled, u.Version); err != nil {
			return err
		}
	}
	for _, tk := range a.Tokens {
		var last any
		if !tk.LastUsed.IsZero() {
			last = tk.LastUsed.Unix()
		}
		if err := exec(`INSERT INTO api_tokens (id, user_id, name, prefix, hash, created, last_used) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			tk.ID, tk.UserID, tk.Name, tk.Prefix, tk.Hash, tk.Created.Unix(), last); err != nil {
			return err
		}
	}
	for _, c := range a.CalendarTokens {
		if err := exec(`INSERT INTO calendar_tokens (user_id, hash, created) VALUES (?, ?, ?)`,
			c.UserID, c.Hash, c.Created.Unix()); err != nil {
			return err
		}
	}
	for _, kv := range a.Settings {
		if err := exec(`INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1`, kv.Key, kv.Value); err != nil {
			return err
		}
	}
	for _, tk := range a.Tasks {
		if err := tk.Validate(); err != nil {
			return err
		}
		if err := exec(`INSERT INTO tasks (id, kind, deal_id, client_id, owner, owner_key, due, day, status, snoozed_until,
			done_on, note, created, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			tk.ID, string(tk.Kind), NullText(tk.DealID), NullText(tk.ClientID), tk.Owner,
			cartera.OwnerKey(tk.Owner), tk.Due.UnixDay(), tk.Day().UnixDay(), string(tk.Status),
			NullDay(tk.SnoozedUntil), NullDay(tk.DoneOn), tk.Note, tk.Created.UnixDay(), tk.Version); err != nil {
			return err
		}
	}
	for _, r := range a.Reconnects {
		if err := exec(`INSERT INTO reconnects (deal_id, day, really_no, respected, competitor_won, competitor, suggestions,
			door_open, note, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.DealID, r.Day.UnixDay(), string(r.ReallyNo),
			r.Respected, string(r.CompetitorWon), r.Competitor, r.Suggestions, r.DoorOpen, r.Note,
			r.Version); err != nil {
			return err
		}
	}
	for _, d := range a.Debriefs {
		if err := exec(`INSERT INTO debriefs (deal_id, day, happened, better, version) VALUES (?, ?, ?, ?, ?)`,
			d.DealID, d.Day.UnixDay(), d.Happened, d.Better, d.Version); err != nil {
			return err
		}
		for _, l := range d.Lessons {
			cols, args := sh.lessonRow(d.DealID, l.Owner, l.Day, l)
			if err := exec(`INSERT INTO lessons (id, `+cols+`) VALUES (`+Placeholders(len(args)+1)+`)`,
				append([]any{l.ID}, args...)...); err != nil {
				return err
			}
		}
	}
	for _, r := range a.Referrals {
		if err := r.Validate(); err != nil {
			return err
		}
		if err := exec(`INSERT INTO referrals (id, service, service_key, name, contact, email, phone, url, note, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Service, cartera.Fold(r.Service), r.Name, r.Contact, r.Email,
			r.Phone, r.URL, r.Note, r.Version); err != nil {
			return err
		}
	}
	for _, h := range a.Holidays {
		if err := exec(`INSERT INTO holidays (day, name) VALUES (?, ?)`, h.Day.UnixDay(), h.Name); err != nil {
			return err
		}
	}
	for _, r := range a.MatchRules {
		if err := r.Validate(); err != nil {
			return err
		}
		if err := exec(`INSERT INTO match_rules (kind, value, role, client_id, contact_id, deal_id, version) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			string(r.Kind), r.Value, string(r.Role), NullText(r.ClientID), NullText(r.ContactID), NullText(r.DealID), r.Version); err != nil {
			return err
		}
	}
	if err := bulk.PutUnmatched(ctx, a.Unmatched); err != nil {
		return err
	}
	if err := bulk.PutProvenance(ctx, a.Provenance); err != nil {
		return err
	}
	if err := bulk.PutMailMessages(ctx, a.MailMessages); err != nil {
		return err
	}
	for _, c := range a.Candidates {
		phrase, _ := c.Reason.Get("phrase")
		p, _ := phrase.(string)
		if err := exec(`INSERT INTO candidates (id, client_id, contact_id, at, kind, reason, phrase, subject, excerpt, status,
			incident_id, source, origin, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.ClientID, NullText(c.ContactID),
			c.At.Unix(), string(c.Kind), c.Reason.Key, p, c.Subject, c.Excerpt, string(c.Status), NullText(c.IncidentID), c.Source,
			c.Origin, c.Version); err != nil {
			return err
		}
	}
	for _, d := range a.Decisions {
		if err := d.Validate(); err != nil {
			return err
		}
		if err := exec(`INSERT INTO decisions (id, client_id, day, policy, decided, reason, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.ClientID, d.Day.UnixDay(), string(d.Policy), string(d.Decided), d.Reason, d.By, d.At.Unix()); err != nil {
			return err
		}
	}
	for _, m := range a.StageMoves {
		if err := exec(`INSERT INTO deal_stages (deal_id, day, stage, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, m.DealID, m.Day.UnixDay(), string(m.Stage), m.Seq); err != nil {
			return err
		}
	}
	return nil
}
