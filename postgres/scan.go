package postgres

import (
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// Column lists and scanners, one per entity, used by every query that reads
// whole records.

type scanner interface{ Scan(...any) error }

const (
	clientColumns     = `id, name, owner, family_friend, currency, service, since, email, phone, notes, version`
	contactColumns    = `id, client_id, name, role, seniority, email, phone, version`
	invoiceColumns    = `id, client_id, number, issued, due, paid, amount, currency, version`
	timeColumns       = `id, client_id, day, hours, billable, note, version`
	concessionColumns = `id, client_id, day, kind, amount, currency, hours, percent, note, version`
	incidentColumns   = `id, client_id, coalesce(contact_id, ''), at, kind, severity, note, version`
)

// scanWith scans a record's columns followed by extra ones.
type scanWith struct {
	s     scanner
	extra []any
}

func (p scanWith) Scan(dest ...any) error { return p.s.Scan(append(dest, p.extra...)...) }

// scanPrefix scans some columns before a record's.
type scanPrefix struct {
	s      scanner
	before []any
}

func (p scanPrefix) Scan(dest ...any) error { return p.s.Scan(append(p.before, dest...)...) }

func scanClient(s scanner) (cartera.Client, error) {
	var c cartera.Client
	var cur string
	var since *int64
	err := s.Scan(&c.ID, &c.Name, &c.Owner, &c.FamilyFriend, &cur, &c.Service, &since, &c.Email, &c.Phone, &c.Notes, &c.Version)
	c.Currency = cartera.Currency(cur)
	c.Since = dayOf(since)
	return c, err
}

func scanContact(s scanner) (cartera.Contact, error) {
	var c cartera.Contact
	var sen int
	err := s.Scan(&c.ID, &c.ClientID, &c.Name, &c.Role, &sen, &c.Email, &c.Phone, &c.Version)
	c.Seniority = cartera.Seniority(sen)
	return c, err
}

func scanInvoice(s scanner) (cartera.Invoice, error) {
	var v cartera.Invoice
	var issued, due int64
	var paid *int64
	var cur string
	err := s.Scan(&v.ID, &v.ClientID, &v.Number, &issued, &due, &paid, &v.Amount.Amount, &cur, &v.Version)
	v.Issued, v.Due, v.Paid = cartera.DateFromUnixDay(issued), cartera.DateFromUnixDay(due), dayOf(paid)
	v.Amount.Currency = cartera.Currency(cur)
	return v, err
}

func scanTime(s scanner) (cartera.TimeEntry, error) {
	var e cartera.TimeEntry
	var day, hours int64
	err := s.Scan(&e.ID, &e.ClientID, &day, &hours, &e.Billable, &e.Note, &e.Version)
	e.Day, e.Hours = cartera.DateFromUnixDay(day), cartera.Hours(hours)
	return e, err
}

func scanConcession(s scanner) (cartera.Concession, error) {
	var c cartera.Concession
	var day, hours, pct int64
	var kind, cur string
	err := s.Scan(&c.ID, &c.ClientID, &day, &kind, &c.Amount.Amount, &cur, &hours, &pct, &c.Note, &c.Version)
	c.Day, c.Kind, c.Hours, c.Percent = cartera.DateFromUnixDay(day), cartera.ConcessionKind(kind), cartera.Hours(hours), cartera.BasisPoints(pct)
	c.Amount.Currency = cartera.Currency(cur)
	return c, err
}

func scanIncident(s scanner) (cartera.Incident, error) {
	var in cartera.Incident
	var at int64
	var kind string
	err := s.Scan(&in.ID, &in.ClientID, &in.ContactID, &at, &kind, &in.Severity, &in.Note, &in.Version)
	in.At, in.Kind = time.Unix(at, 0).UTC(), cartera.IncidentKind(kind)
	return in, err
}

// prefixed qualifies a comma-separated column list with a table alias;
// coalesce(x, ”) becomes coalesce(alias.x, ”).
func prefixed(alias, cols string) string {
	var out []string
	for _, c := range splitCols(cols) {
		if strings.HasPrefix(c, "coalesce(") {
			out = append(out, "coalesce("+alias+strings.TrimPrefix(c, "coalesce("))
			continue
		}
		out = append(out, alias+c)
	}
	return strings.Join(out, ", ")
}

// splitCols splits a column list at its top-level commas.
func splitCols(cols string) []string {
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
