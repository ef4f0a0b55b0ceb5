package sqlite

import (
	"database/sql"
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

func scanClient(s scanner) (cartera.Client, error) {
	var c cartera.Client
	var ff int
	var cur string
	var since sql.NullInt64
	err := s.Scan(&c.ID, &c.Name, &c.Owner, &ff, &cur, &c.Service, &since, &c.Email, &c.Phone, &c.Notes, &c.Version)
	c.FamilyFriend = ff == 1
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
	var paid sql.NullInt64
	var cur string
	err := s.Scan(&v.ID, &v.ClientID, &v.Number, &issued, &due, &paid, &v.Amount.Amount, &cur, &v.Version)
	v.Issued, v.Due, v.Paid = cartera.DateFromUnixDay(issued), cartera.DateFromUnixDay(due), dayOf(paid)
	v.Amount.Currency = cartera.Currency(cur)
	return v, err
}

func scanTime(s scanner) (cartera.TimeEntry, error) {
	var e cartera.TimeEntry
	var day, hours int64
	var billable int
	err := s.Scan(&e.ID, &e.ClientID, &day, &hours, &billable, &e.Note, &e.Version)
	e.Day, e.Hours, e.Billable = cartera.DateFromUnixDay(day), cartera.Hours(hours), billable == 1
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
