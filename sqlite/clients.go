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

// Client returns one client by id.
func (db *DB) Client(ctx context.Context, id string) (cartera.Client, error) {
	c, err := sqlrow.ScanClient(db.queryRow(ctx, `SELECT `+sqlrow.ClientColumns+` FROM clients WHERE id = ?`, id))
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
	rows, err := db.r.QueryContext(ctx, `SELECT `+sqlrow.ClientColumns+` FROM clients
		WHERE id = ? OR name_key LIKE ? ESCAPE '\'
		ORDER BY (id = ?) DESC, (name_key = ?) DESC, (name_key LIKE ? ESCAPE '\') DESC, name_key, id
		LIMIT ?`, text, like, text, key, escapeLike(key)+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("find clients: %w", err)
	}
	defer rows.Close()
	var out []cartera.Client
	for rows.Next() {
		c, err := sqlrow.ScanClient(rows)
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
	rows, err := db.r.QueryContext(ctx, `SELECT `+sqlrow.ContactColumns+`
		FROM contacts WHERE client_id = ? ORDER BY seniority DESC, name, id`, clientID)
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	defer rows.Close()
	var out []cartera.Contact
	for rows.Next() {
		c, err := sqlrow.ScanContact(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClientKeys streams every client's id and currency.
func (db *DB) ClientKeys(ctx context.Context, fn func(string, cartera.Currency) error) error {
	return each(ctx, db.r, `SELECT id, currency FROM clients`, func(s sqlrow.Row) error {
		var id, cur string
		if err := s.Scan(&id, &cur); err != nil {
			return err
		}
		return fn(id, cartera.Currency(cur))
	})
}

// ContactKeys streams every contact's id and client.
func (db *DB) ContactKeys(ctx context.Context, fn func(string, string) error) error {
	return each(ctx, db.r, `SELECT id, client_id FROM contacts`, func(s sqlrow.Row) error {
		var id, client string
		if err := s.Scan(&id, &client); err != nil {
			return err
		}
		return fn(id, client)
	})
}

// querier is a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// each runs a query and calls fn for every row.
func each(ctx context.Context, q querier, query string, fn func(sqlrow.Row) error, args ...any) error {
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
	return eachRecord(ctx, db, `SELECT `+sqlrow.ClientColumns+` FROM clients ORDER BY id`, sqlrow.ScanClient, fn)
}

// EachContact streams contacts in id order.
func (db *DB) EachContact(ctx context.Context, fn func(cartera.Contact) error) error {
	return eachRecord(ctx, db, `SELECT `+sqlrow.ContactColumns+` FROM contacts ORDER BY id`, sqlrow.ScanContact, fn)
}

// EachInvoice streams invoices in id order.
func (db *DB) EachInvoice(ctx context.Context, fn func(cartera.Invoice) error) error {
	return eachRecord(ctx, db, `SELECT `+sqlrow.InvoiceColumns+` FROM invoices ORDER BY id`, sqlrow.ScanInvoice, fn)
}

// EachTimeEntry streams time entries in id order.
func (db *DB) EachTimeEntry(ctx context.Context, fn func(cartera.TimeEntry) error) error {
	return eachRecord(ctx, db, `SELECT `+sqlrow.TimeColumns+` FROM time_entries ORDER BY id`, sqlrow.ScanTime, fn)
}

// EachConcession streams concessions in id order.
func (db *DB) EachConcession(ctx context.Context, fn func(cartera.Concession) error) error {
	return eachRecord(ctx, db, `SELECT `+sqlrow.ConcessionColumns+` FROM concessions ORDER BY id`, sqlrow.ScanConcession, fn)
}

// EachIncident streams incidents in id order.
func (db *DB) EachIncident(ctx context.Context, fn func(cartera.Incident) error) error {
	return eachRecord(ctx, db, `SELECT `+sqlrow.IncidentColumns+` FROM incidents ORDER BY id`, sqlrow.ScanIncident, fn)
}

// eachRecord runs a query and hands every scanned record to fn.
func eachRecord[T any](ctx context.Context, db *DB, query string, scan func(sqlrow.Row) (T, error), fn func(T) error, args ...any) error {
	return each(ctx, db.r, query, func(s sqlrow.Row) error {
		x, err := scan(s)
		if err != nil {
			return err
		}
		return fn(x)
	}, args...)
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

// Owners lists the distinct owner names, through the owner index.
func (db *DB) Owners(ctx context.Context) ([]string, error) {
	var out []string
	err := each(ctx, db.r, `SELECT owner FROM clients WHERE owner <> '' GROUP BY owner ORDER BY owner`, func(s sqlrow.Row) error {
		var o string
		err := s.Scan(&o)
		out = append(out, o)
		return err
	})
	return out, err
}
