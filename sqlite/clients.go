package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

const clientColumns = `id, name, owner, family_friend, currency, service, since, email, phone, notes`

func scanClient(s interface{ Scan(...any) error }) (cartera.Client, error) {
	var c cartera.Client
	var ff int
	var cur string
	var since sql.NullInt64
	err := s.Scan(&c.ID, &c.Name, &c.Owner, &ff, &cur, &c.Service, &since, &c.Email, &c.Phone, &c.Notes)
	c.FamilyFriend = ff == 1
	c.Currency = cartera.Currency(cur)
	c.Since = dayOf(since)
	return c, err
}

// Client returns one client by id.
func (db *DB) Client(ctx context.Context, id string) (cartera.Client, error) {
	c, err := scanClient(db.r.QueryRowContext(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, cartera.NewError(cartera.ENOTFOUND, "client.not_found", "id", id)
	}
	if err != nil {
		return c, fmt.Errorf("client %s: %w", id, err)
	}
	return c, nil
}

// FindClients matches an id exactly or a name by folded substring; exact
// id and exact name matches come first.
func (db *DB) FindClients(ctx context.Context, text string, limit int) ([]cartera.Client, error) {
	key := cartera.Fold(strings.TrimSpace(text))
	if key == "" {
		return nil, nil
	}
	like := "%" + escapeLike(key) + "%"
	rows, err := db.r.QueryContext(ctx, `SELECT `+clientColumns+` FROM clients
		WHERE id = ? OR name_key LIKE ? ESCAPE '\'
		ORDER BY (id = ?) DESC, (name_key = ?) DESC, (name_key LIKE ? ESCAPE '\') DESC, name_key, id
		LIMIT ?`, text, like, text, key, escapeLike(key)+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("find clients: %w", err)
	}
	defer rows.Close()
	var out []cartera.Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Contacts returns a client's contacts, most senior first.
func (db *DB) Contacts(ctx context.Context, clientID string) ([]cartera.Contact, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, client_id, name, role, seniority, email, phone
		FROM contacts WHERE client_id = ? ORDER BY seniority DESC, name, id`, clientID)
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	defer rows.Close()
	var out []cartera.Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func scanContact(s interface{ Scan(...any) error }) (cartera.Contact, error) {
	var c cartera.Contact
	var sen int
	err := s.Scan(&c.ID, &c.ClientID, &c.Name, &c.Role, &sen, &c.Email, &c.Phone)
	c.Seniority = cartera.Seniority(sen)
	return c, err
}

// ClientKeys streams every client's id and currency.
func (db *DB) ClientKeys(ctx context.Context, fn func(string, cartera.Currency) error) error {
	return each(ctx, db.r, `SELECT id, currency FROM clients`, func(s scanner) error {
		var id, cur string
		if err := s.Scan(&id, &cur); err != nil {
			return err
		}
		return fn(id, cartera.Currency(cur))
	})
}

// ContactKeys streams every contact's id and client.
func (db *DB) ContactKeys(ctx context.Context, fn func(string, string) error) error {
	return each(ctx, db.r, `SELECT id, client_id FROM contacts`, func(s scanner) error {
		var id, client string
		if err := s.Scan(&id, &client); err != nil {
			return err
		}
		return fn(id, client)
	})
}

type scanner interface{ Scan(...any) error }

// each runs a query and calls fn for every row.
func each(ctx context.Context, q *sql.DB, query string, fn func(scanner) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachClient streams clients in id order.
func (db *DB) EachClient(ctx context.Context, fn func(cartera.Client) error) error {
	return each(ctx, db.r, `SELECT `+clientColumns+` FROM clients ORDER BY id`, func(s scanner) error {
		c, err := scanClient(s)
		if err != nil {
			return err
		}
		return fn(c)
	})
}

// EachContact streams contacts in id order.
func (db *DB) EachContact(ctx context.Context, fn func(cartera.Contact) error) error {
	return each(ctx, db.r, `SELECT id, client_id, name, role, seniority, email, phone FROM contacts ORDER BY id`, func(s scanner) error {
		c, err := scanContact(s)
		if err != nil {
			return err
		}
		return fn(c)
	})
}

// EachInvoice streams invoices in id order.
func (db *DB) EachInvoice(ctx context.Context, fn func(cartera.Invoice) error) error {
	return each(ctx, db.r, `SELECT id, client_id, number, issued, due, paid, amount, currency FROM invoices ORDER BY id`, func(s scanner) error {
		var v cartera.Invoice
		var issued, due int64
		var paid sql.NullInt64
		var cur string
		if err := s.Scan(&v.ID, &v.ClientID, &v.Number, &issued, &due, &paid, &v.Amount.Amount, &cur); err != nil {
			return err
		}
		v.Issued, v.Due, v.Paid = cartera.DateFromUnixDay(issued), cartera.DateFromUnixDay(due), dayOf(paid)
		v.Amount.Currency = cartera.Currency(cur)
		return fn(v)
	})
}

// EachTimeEntry streams time entries in id order.
func (db *DB) EachTimeEntry(ctx context.Context, fn func(cartera.TimeEntry) error) error {
	return each(ctx, db.r, `SELECT id, client_id, day, hours, billable, note FROM time_entries ORDER BY id`, func(s scanner) error {
		var e cartera.TimeEntry
		var day, hours int64
		var billable int
		if err := s.Scan(&e.ID, &e.ClientID, &day, &hours, &billable, &e.Note); err != nil {
			return err
		}
		e.Day, e.Hours, e.Billable = cartera.DateFromUnixDay(day), cartera.Hours(hours), billable == 1
		return fn(e)
	})
}

// EachConcession streams concessions in id order.
func (db *DB) EachConcession(ctx context.Context, fn func(cartera.Concession) error) error {
	return each(ctx, db.r, `SELECT id, client_id, day, kind, amount, currency, hours, percent, note FROM concessions ORDER BY id`, func(s scanner) error {
		var c cartera.Concession
		var day, hours, pct int64
		var kind, cur string
		if err := s.Scan(&c.ID, &c.ClientID, &day, &kind, &c.Amount.Amount, &cur, &hours, &pct, &c.Note); err != nil {
			return err
		}
		c.Day, c.Kind, c.Hours, c.Percent = cartera.DateFromUnixDay(day), cartera.ConcessionKind(kind), cartera.Hours(hours), cartera.BasisPoints(pct)
		c.Amount.Currency = cartera.Currency(cur)
		return fn(c)
	})
}

// EachIncident streams incidents in id order.
func (db *DB) EachIncident(ctx context.Context, fn func(cartera.Incident) error) error {
	return each(ctx, db.r, `SELECT id, client_id, coalesce(contact_id, ''), at, kind, severity, note FROM incidents ORDER BY id`, func(s scanner) error {
		var in cartera.Incident
		var at int64
		var kind string
		if err := s.Scan(&in.ID, &in.ClientID, &in.ContactID, &at, &kind, &in.Severity, &in.Note); err != nil {
			return err
		}
		in.At, in.Kind = time.Unix(at, 0).UTC(), cartera.IncidentKind(kind)
		return fn(in)
	})
}

// Counts counts the records of every entity.
func (db *DB) Counts(ctx context.Context) (cartera.Counts, error) {
	out := cartera.Counts{}
	for _, e := range cartera.Entities {
		var n int64
		if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM `+tableOf(e)).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", e, err)
		}
		out[e] = n
	}
	return out, nil
}

func tableOf(e cartera.Entity) string {
	switch e {
	case cartera.EntityTime:
		return "time_entries"
	}
	return string(e)
}

// Policy returns the stored policy or the defaults.
func (db *DB) Policy(ctx context.Context) (cartera.Policy, error) {
	var v string
	err := db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'policy'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return cartera.DefaultPolicy(), nil
	}
	if err != nil {
		return cartera.Policy{}, fmt.Errorf("read policy: %w", err)
	}
	return cartera.UnmarshalPolicy([]byte(v))
}

// SavePolicy validates and stores the policy.
func (db *DB) SavePolicy(ctx context.Context, p cartera.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := cartera.MarshalPolicy(p)
	if err != nil {
		return err
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('policy', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1`, string(b))
	if err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	return nil
}
