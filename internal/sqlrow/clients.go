package sqlrow

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
)

// Clients and contacts: one by id, found by name, streamed for exports and
// counted.

// Client returns one client by id.
func (sh Shared) Client(ctx context.Context, id string) (cartera.Client, error) {
	c, err := ScanClient(sh.read.QueryRow(ctx, `SELECT `+ClientColumns+` FROM clients WHERE id = ?`, id))
	if NoRows(err) {
		return c, cartera.NewError(cartera.ENOTFOUND, "client.not_found", "id", id)
	}
	if err != nil {
		return c, fmt.Errorf("client %s: %w", id, err)
	}
	return c, nil
}

// ClientKeys streams every client's id and currency.
func (sh Shared) ClientKeys(ctx context.Context, fn func(string, cartera.Currency) error) error {
	return sh.read.Each(ctx, `SELECT id, currency FROM clients`, func(s Row) error {
		var id, cur string
		if err := s.Scan(&id, &cur); err != nil {
			return err
		}
		return fn(id, cartera.Currency(cur))
	})
}

// ContactKeys streams every contact's id and client.
func (sh Shared) ContactKeys(ctx context.Context, fn func(string, string) error) error {
	return sh.read.Each(ctx, `SELECT id, client_id FROM contacts`, func(s Row) error {
		var id, client string
		if err := s.Scan(&id, &client); err != nil {
			return err
		}
		return fn(id, client)
	})
}

// EachClient streams clients in id order.
func (sh Shared) EachClient(ctx context.Context, fn func(cartera.Client) error) error {
	return EachRecord(ctx, sh.read, `SELECT `+ClientColumns+` FROM clients ORDER BY id`, ScanClient, fn)
}

// EachContact streams contacts in id order.
func (sh Shared) EachContact(ctx context.Context, fn func(cartera.Contact) error) error {
	return EachRecord(ctx, sh.read, `SELECT `+ContactColumns+` FROM contacts ORDER BY id`, ScanContact, fn)
}

// EachInvoice streams invoices in id order.
func (sh Shared) EachInvoice(ctx context.Context, fn func(cartera.Invoice) error) error {
	return EachRecord(ctx, sh.read, `SELECT `+InvoiceColumns+` FROM invoices ORDER BY id`, ScanInvoice, fn)
}

// EachTimeEntry streams time entries in id order.
func (sh Shared) EachTimeEntry(ctx context.Context, fn func(cartera.TimeEntry) error) error {
	return EachRecord(ctx, sh.read, `SELECT `+TimeColumns+` FROM time_entries ORDER BY id`, ScanTime, fn)
}

// EachConcession streams concessions in id order.
func (sh Shared) EachConcession(ctx context.Context, fn func(cartera.Concession) error) error {
	return EachRecord(ctx, sh.read, `SELECT `+ConcessionColumns+` FROM concessions ORDER BY id`, ScanConcession, fn)
}

// EachIncident streams incidents in id order.
func (sh Shared) EachIncident(ctx context.Context, fn func(cartera.Incident) error) error {
	return EachRecord(ctx, sh.read, `SELECT `+IncidentColumns+` FROM incidents ORDER BY id`, ScanIncident, fn)
}

// Owners lists the distinct owner names, seeking the owner index once per
// name (a recursive query: each step asks for the first name after the
// last), where GROUP BY walked the whole index: 0.4 s at 100,000 clients
// with three owners, against under a millisecond.
func (sh Shared) Owners(ctx context.Context) ([]string, error) {
	var out []string
	err := sh.read.Each(ctx, `WITH RECURSIVE o(owner) AS (
		SELECT min(owner) FROM clients WHERE owner > ''
		UNION ALL
		SELECT (SELECT min(owner) FROM clients WHERE owner > o.owner) FROM o WHERE o.owner IS NOT NULL)
	SELECT owner FROM o WHERE owner IS NOT NULL ORDER BY owner`, func(s Row) error {
		var o string
		err := s.Scan(&o)
		out = append(out, o)
		return err
	})
	return out, err
}

// TableOf is the table an entity is stored in.
func TableOf(e cartera.Entity) string {
	switch e {
	case cartera.EntityTime:
		return "time_entries"
	}
	return string(e)
}

// EscapeLike escapes LIKE's wildcards with a backslash (say ESCAPE '\').
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// FindClients matches an id exactly or a name by folded substring; exact
// id and exact name matches come first.
func (sh Shared) FindClients(ctx context.Context, text string, limit int) ([]cartera.Client, error) {
	key := cartera.Fold(strings.TrimSpace(text))
	if key == "" {
		return nil, nil
	}
	like := "%" + EscapeLike(key) + "%"
	var out []cartera.Client
	err := EachRecord(ctx, sh.read, `SELECT `+ClientColumns+` FROM clients
		WHERE id = ? OR name_key LIKE ? ESCAPE '\'
		ORDER BY (id = ?) DESC, (name_key = ?) DESC, (name_key LIKE ? ESCAPE '\') DESC, name_key, id
		LIMIT ?`, ScanClient, func(c cartera.Client) error { out = append(out, c); return nil },
		text, like, text, key, EscapeLike(key)+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("find clients: %w", err)
	}
	return out, nil
}

// Contacts returns a client's contacts, most senior first.
func (sh Shared) Contacts(ctx context.Context, clientID string) ([]cartera.Contact, error) {
	var out []cartera.Contact
	err := EachRecord(ctx, sh.read, `SELECT `+ContactColumns+`
		FROM contacts WHERE client_id = ? ORDER BY seniority DESC, name, id`, ScanContact,
		func(c cartera.Contact) error { out = append(out, c); return nil }, clientID)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Counts counts the records of every entity, in one snapshot.
func (sh Shared) Counts(ctx context.Context) (cartera.Counts, error) {
	parts := make([]string, len(cartera.Entities))
	for i, e := range cartera.Entities {
		parts[i] = `(SELECT count(*) FROM ` + TableOf(e) + `)`
	}
	vals := make([]int64, len(parts))
	ptrs := make([]any, len(parts))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := sh.read.QueryRow(ctx, `SELECT `+strings.Join(parts, ", ")).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	out := cartera.Counts{}
	for i, e := range cartera.Entities {
		out[e] = vals[i]
	}
	return out, nil
}

// ClientSortKeys is the index walk of each client-list order (the columns
// of client_summary, aliased s, that make its keyset, ascending).
var ClientSortKeys = map[cartera.ClientSort][]string{
	cartera.SortUrgency:    {"s.urgency", "s.neg_score", "s.name_key", "s.client_id"},
	cartera.SortName:       {"s.name_key", "s.client_id"},
	cartera.SortMargin:     {"s.margin", "s.client_id"},
	cartera.SortRevenue:    {"s.revenue", "s.client_id"},
	cartera.SortRelational: {"s.score", "s.client_id"},
}
