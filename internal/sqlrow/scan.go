package sqlrow

import (
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// Column lists and scanners, one per entity, used by every query that reads
// whole records. Nullable columns scan into pointers and booleans into
// bool, which both drivers accept (SQLite's 0 and 1 convert).

const (
	ClientColumns     = `id, name, owner, family_friend, currency, service, since, email, phone, notes, version`
	ContactColumns    = `id, client_id, name, role, seniority, email, phone, version`
	InvoiceColumns    = `id, client_id, number, issued, due, paid, amount, currency, version`
	TimeColumns       = `id, client_id, day, hours, billable, note, version`
	ConcessionColumns = `id, client_id, day, kind, amount, currency, hours, percent, note, version`
	IncidentColumns   = `id, client_id, coalesce(contact_id, ''), at, kind, severity, note, version`
	UserColumns       = `id, email, name, role, lang, password_hash, created, disabled, version`
	TokenColumns      = `t.id, t.user_id, t.name, t.prefix, t.created, coalesce(t.last_used, 0)`
	TaskColumns       = `id, kind, coalesce(deal_id, ''), coalesce(client_id, ''), owner, due, status, snoozed_until, done_on,
	note, created, version`
	ReconnectColumns = `deal_id, day, really_no, respected, competitor_won, competitor, suggestions, door_open, note, version`
	LessonColumns    = `l.id, l.deal_id, l.owner, l.day, l.topic, l.text, l.change`
	ReferralColumns  = `id, service, name, contact, email, phone, url, note, version`
	MatchColumns     = `kind, value, role, coalesce(client_id, ''), coalesce(contact_id, ''), coalesce(deal_id, ''), version`
	CandidateColumns = `c.id, c.client_id, coalesce(c.contact_id, ''), c.at, c.kind, c.reason, c.phrase, c.subject, c.excerpt, c.status,
	coalesce(c.incident_id, ''), c.source, c.origin, c.version`
)

// With scans a record's columns followed by extra ones.
func With(r Row, extra ...any) Row { return with{r, extra} }

type with struct {
	r     Row
	extra []any
}

func (p with) Scan(dest ...any) error { return p.r.Scan(append(dest, p.extra...)...) }

// After scans some columns before a record's.
func After(r Row, before ...any) Row { return after{r, before} }

type after struct {
	r      Row
	before []any
}

func (p after) Scan(dest ...any) error { return p.r.Scan(append(p.before, dest...)...) }

func ScanClient(s Row) (cartera.Client, error) {
	var c cartera.Client
	var cur string
	var since *int64
	err := s.Scan(&c.ID, &c.Name, &c.Owner, &c.FamilyFriend, &cur, &c.Service, &since, &c.Email, &c.Phone, &c.Notes, &c.Version)
	c.Currency = cartera.Currency(cur)
	c.Since = DayOf(since)
	return c, err
}

func ScanContact(s Row) (cartera.Contact, error) {
	var c cartera.Contact
	var sen int
	err := s.Scan(&c.ID, &c.ClientID, &c.Name, &c.Role, &sen, &c.Email, &c.Phone, &c.Version)
	c.Seniority = cartera.Seniority(sen)
	return c, err
}

func ScanInvoice(s Row) (cartera.Invoice, error) {
	var v cartera.Invoice
	var issued, due int64
	var paid *int64
	var cur string
	err := s.Scan(&v.ID, &v.ClientID, &v.Number, &issued, &due, &paid, &v.Amount.Amount, &cur, &v.Version)
	v.Issued, v.Due, v.Paid = cartera.DateFromUnixDay(issued), cartera.DateFromUnixDay(due), DayOf(paid)
	v.Amount.Currency = cartera.Currency(cur)
	return v, err
}

func ScanTime(s Row) (cartera.TimeEntry, error) {
	var e cartera.TimeEntry
	var day, hours int64
	err := s.Scan(&e.ID, &e.ClientID, &day, &hours, &e.Billable, &e.Note, &e.Version)
	e.Day, e.Hours = cartera.DateFromUnixDay(day), cartera.Hours(hours)
	return e, err
}

func ScanConcession(s Row) (cartera.Concession, error) {
	var c cartera.Concession
	var day, hours, pct int64
	var kind, cur string
	err := s.Scan(&c.ID, &c.ClientID, &day, &kind, &c.Amount.Amount, &cur, &hours, &pct, &c.Note, &c.Version)
	c.Day, c.Kind, c.Hours, c.Percent = cartera.DateFromUnixDay(day), cartera.ConcessionKind(kind), cartera.Hours(hours), cartera.BasisPoints(pct)
	c.Amount.Currency = cartera.Currency(cur)
	return c, err
}

func ScanIncident(s Row) (cartera.Incident, error) {
	var in cartera.Incident
	var at int64
	var kind string
	err := s.Scan(&in.ID, &in.ClientID, &in.ContactID, &at, &kind, &in.Severity, &in.Note, &in.Version)
	in.At, in.Kind = time.Unix(at, 0).UTC(), cartera.IncidentKind(kind)
	return in, err
}

func ScanUser(s Row) (cartera.User, error) {
	var u cartera.User
	var role string
	var created int64
	err := s.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Lang, &u.PasswordHash, &created, &u.Disabled, &u.Version)
	u.Role, u.Created = cartera.Role(role), time.Unix(created, 0).UTC()
	return u, err
}

// ScanToken scans a token's columns, after the columns in before.
func ScanToken(s Row, before ...any) (cartera.APIToken, error) {
	var t cartera.APIToken
	var created, last int64
	err := s.Scan(append(before, &t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &last)...)
	t.Created = time.Unix(created, 0).UTC()
	if last > 0 {
		t.LastUsed = time.Unix(last, 0).UTC()
	}
	return t, err
}

func ScanTask(s Row) (cartera.Task, error) {
	var t cartera.Task
	var kind, status string
	var due, created int64
	var snoozed, done *int64
	err := s.Scan(&t.ID, &kind, &t.DealID, &t.ClientID, &t.Owner, &due, &status, &snoozed, &done, &t.Note, &created, &t.Version)
	t.Kind, t.Status = cartera.TaskKind(kind), cartera.TaskStatus(status)
	t.Due, t.Created = cartera.DateFromUnixDay(due), cartera.DateFromUnixDay(created)
	t.SnoozedUntil, t.DoneOn = DayOf(snoozed), DayOf(done)
	return t, err
}

func ScanReconnect(s Row) (cartera.Reconnect, error) {
	var r cartera.Reconnect
	var day int64
	var reallyNo, won string
	err := s.Scan(&r.DealID, &day, &reallyNo, &r.Respected, &won, &r.Competitor, &r.Suggestions, &r.DoorOpen, &r.Note, &r.Version)
	r.Day, r.ReallyNo, r.CompetitorWon = cartera.DateFromUnixDay(day), cartera.Answer(reallyNo), cartera.Answer(won)
	return r, err
}

// ScanLesson scans a lesson's columns, then the columns in extra.
func ScanLesson(s Row, extra ...any) (cartera.Lesson, error) {
	var l cartera.Lesson
	var day int64
	err := s.Scan(append([]any{&l.ID, &l.DealID, &l.Owner, &day, &l.Topic, &l.Text, &l.Change}, extra...)...)
	l.Day = cartera.DateFromUnixDay(day)
	return l, err
}

func ScanReferral(s Row) (cartera.Referral, error) {
	var r cartera.Referral
	err := s.Scan(&r.ID, &r.Service, &r.Name, &r.Contact, &r.Email, &r.Phone, &r.URL, &r.Note, &r.Version)
	return r, err
}

func ScanMatchRule(s Row) (cartera.MatchRule, error) {
	var r cartera.MatchRule
	var kind, role string
	err := s.Scan(&kind, &r.Value, &role, &r.ClientID, &r.ContactID, &r.DealID, &r.Version)
	r.Kind, r.Role = cartera.MatchKind(kind), cartera.MatchRole(role)
	return r, err
}

func ScanCandidate(s Row) (cartera.Candidate, error) {
	var c cartera.Candidate
	var at int64
	var kind, reason, phrase, status string
	err := s.Scan(&c.ID, &c.ClientID, &c.ContactID, &at, &kind, &reason, &phrase, &c.Subject, &c.Excerpt, &status, &c.IncidentID,
		&c.Source, &c.Origin, &c.Version)
	c.At, c.Kind, c.Status = time.Unix(at, 0).UTC(), cartera.IncidentKind(kind), cartera.CandidateStatus(status)
	c.Reason = CandidateReason(reason, phrase, c.At)
	return c, err
}

// CandidateReason rebuilds a candidate's reason from what is stored.
func CandidateReason(key, phrase string, at time.Time) cartera.Message {
	if phrase != "" {
		return cartera.M(key, "phrase", phrase, "at", at)
	}
	return cartera.M(key, "at", at)
}

// Prefixed qualifies a comma-separated column list with a table alias;
// coalesce(x, ”) becomes coalesce(alias.x, ”).
func Prefixed(alias, cols string) string {
	var out []string
	for _, c := range SplitCols(cols) {
		if strings.HasPrefix(c, "coalesce(") {
			out = append(out, "coalesce("+alias+strings.TrimPrefix(c, "coalesce("))
			continue
		}
		out = append(out, alias+c)
	}
	return strings.Join(out, ", ")
}

// SplitCols splits a column list at its top-level commas.
func SplitCols(cols string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range cols {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(cols[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(cols[start:]))
}
