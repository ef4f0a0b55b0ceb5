package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// Client returns one client by id.
func (db *DB) Client(ctx context.Context, id string) (cartera.Client, error) {
	c, err := sqlrow.ScanClient(db.pool.QueryRow(ctx, `SELECT `+sqlrow.ClientColumns+` FROM clients WHERE id = $1`, id))
	if noRows(err) {
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
	var out []cartera.Client
	err := eachRecord(ctx, db.pool, `SELECT `+sqlrow.ClientColumns+` FROM clients
		WHERE id = $1 OR name_key LIKE $2
		ORDER BY (id = $1) DESC, (name_key = $3) DESC, (name_key LIKE $4) DESC, name_key, id
		LIMIT $5`, sqlrow.ScanClient, func(c cartera.Client) error { out = append(out, c); return nil },
		text, like, key, escapeLike(key)+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("find clients: %w", err)
	}
	return out, nil
}

// escapeLike escapes LIKE's wildcards; backslash is PostgreSQL's default
// escape character.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Contacts returns a client's contacts, most senior first.
func (db *DB) Contacts(ctx context.Context, clientID string) ([]cartera.Contact, error) {
	var out []cartera.Contact
	err := eachRecord(ctx, db.pool, `SELECT `+sqlrow.ContactColumns+`
		FROM contacts WHERE client_id = $1 ORDER BY seniority DESC, name, id`, sqlrow.ScanContact,
		func(c cartera.Contact) error { out = append(out, c); return nil }, clientID)
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	return out, nil
}

// ClientKeys streams every client's id and currency.
func (db *DB) ClientKeys(ctx context.Context, fn func(string, cartera.Currency) error) error {
	return each(ctx, db.pool, `SELECT id, currency FROM clients`, func(s sqlrow.Row) error {
		var id, cur string
		if err := s.Scan(&id, &cur); err != nil {
			return err
		}
		return fn(id, cartera.Currency(cur))
	})
}

// ContactKeys streams every contact's id and client.
func (db *DB) ContactKeys(ctx context.Context, fn func(string, string) error) error {
	return each(ctx, db.pool, `SELECT id, client_id FROM contacts`, func(s sqlrow.Row) error {
		var id, client string
		if err := s.Scan(&id, &client); err != nil {
			return err
		}
		return fn(id, client)
	})
}

// each runs a query and calls fn for every row, streaming.
func each(ctx context.Context, q querier, query string, fn func(sqlrow.Row) error, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
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

// eachRecord runs a query and hands every scanned record to fn.
func eachRecord[T any](ctx context.Context, q querier, query string, scan func(sqlrow.Row) (T, error), fn func(T) error, args ...any) error {
	return each(ctx, q, query, func(s sqlrow.Row) error {
		x, err := scan(s)
		if err != nil {
			return err
		}
		return fn(x)
	}, args...)
}

// EachClient streams clients in id order.
func (db *DB) EachClient(ctx context.Context, fn func(cartera.Client) error) error {
	return eachRecord(ctx, db.pool, `SELECT `+sqlrow.ClientColumns+` FROM clients ORDER BY id`, sqlrow.ScanClient, fn)
}

// EachContact streams contacts in id order.
func (db *DB) EachContact(ctx context.Context, fn func(cartera.Contact) error) error {
	return eachRecord(ctx, db.pool, `SELECT `+sqlrow.ContactColumns+` FROM contacts ORDER BY id`, sqlrow.ScanContact, fn)
}

// EachInvoice streams invoices in id order.
func (db *DB) EachInvoice(ctx context.Context, fn func(cartera.Invoice) error) error {
	return eachRecord(ctx, db.pool, `SELECT `+sqlrow.InvoiceColumns+` FROM invoices ORDER BY id`, sqlrow.ScanInvoice, fn)
}

// EachTimeEntry streams time entries in id order.
func (db *DB) EachTimeEntry(ctx context.Context, fn func(cartera.TimeEntry) error) error {
	return eachRecord(ctx, db.pool, `SELECT `+sqlrow.TimeColumns+` FROM time_entries ORDER BY id`, sqlrow.ScanTime, fn)
}

// EachConcession streams concessions in id order.
func (db *DB) EachConcession(ctx context.Context, fn func(cartera.Concession) error) error {
	return eachRecord(ctx, db.pool, `SELECT `+sqlrow.ConcessionColumns+` FROM concessions ORDER BY id`, sqlrow.ScanConcession, fn)
}

// EachIncident streams incidents in id order.
func (db *DB) EachIncident(ctx context.Context, fn func(cartera.Incident) error) error {
	return eachRecord(ctx, db.pool, `SELECT `+sqlrow.IncidentColumns+` FROM incidents ORDER BY id`, sqlrow.ScanIncident, fn)
}

// Counts counts the records of every entity, in one snapshot.
func (db *DB) Counts(ctx context.Context) (cartera.Counts, error) {
	parts := make([]string, len(cartera.Entities))
	for i, e := range cartera.Entities {
		parts[i] = `(SELECT count(*) FROM ` + tableOf(e) + `)`
	}
	vals := make([]int64, len(parts))
	ptrs := make([]any, len(parts))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := db.pool.QueryRow(ctx, `SELECT `+strings.Join(parts, ", ")).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	out := cartera.Counts{}
	for i, e := range cartera.Entities {
		out[e] = vals[i]
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
	err := each(ctx, db.pool, `SELECT owner FROM clients WHERE owner <> '' GROUP BY owner ORDER BY owner`, func(s sqlrow.Row) error {
		var o string
		err := s.Scan(&o)
		out = append(out, o)
		return err
	})
	return out, err
}
