package sqlrow

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
)

// Get reads one record by id; a missing one is ENOTFOUND.
func Get[T any](ctx context.Context, q Q, table, cols string, scan func(Row) (T, error), id string) (T, error) {
	x, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM `+table+` WHERE id = ?`, id))
	if NoRows(err) {
		return x, cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
	}
	return x, err
}

// List reads one page of records in id order, with the cursor of the next
// page ("" after the last). clientCol is the column naming the record's
// client; the owner filter goes through it.
func List[T any](ctx context.Context, q Q, table, cols string, scan func(Row) (T, error), id func(T) string,
	rq cartera.RecordQuery, clientCol string) ([]T, string, error) {
	after, err := DecodeCursor(rq.After)
	if err != nil {
		return nil, "", err
	}
	limit := cartera.PageLimit(rq.Limit, 500, 100)
	where, args := "id > ?", []any{after}
	if rq.ClientID != "" {
		where += " AND " + clientCol + " = ?"
		args = append(args, rq.ClientID)
	}
	if rq.Owner != "" {
		if table == "clients" {
			where += " AND owner_key = ?"
		} else {
			where += " AND " + clientCol + " IN (SELECT id FROM clients WHERE owner_key = ?)"
		}
		args = append(args, cartera.Fold(rq.Owner))
	}
	var out []T
	err = EachRecord(ctx, q, `SELECT `+cols+` FROM `+table+` WHERE `+where+` ORDER BY id LIMIT ?`, scan,
		func(x T) error { out = append(out, x); return nil }, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list %s: %w", table, err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = EncodeCursor(id(out[limit-1]))
	}
	return out, next, nil
}

// EncodeCursor turns the last id of a page into the cursor of the next.
func EncodeCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// DecodeCursor reads a cursor back; anything else is a field error.
func DecodeCursor(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || strings.IndexByte(string(b), 0) >= 0 {
		return "", cartera.FieldError("cursor", "record.bad_cursor")
	}
	return string(b), nil
}

// Contact returns one contact.
func (sh Shared) Contact(ctx context.Context, id string) (cartera.Contact, error) {
	return Get(ctx, sh.read, "contacts", ContactColumns, ScanContact, id)
}

// Invoice returns one invoice.
func (sh Shared) Invoice(ctx context.Context, id string) (cartera.Invoice, error) {
	return Get(ctx, sh.read, "invoices", InvoiceColumns, ScanInvoice, id)
}

// TimeEntry returns one time entry.
func (sh Shared) TimeEntry(ctx context.Context, id string) (cartera.TimeEntry, error) {
	return Get(ctx, sh.read, "time_entries", TimeColumns, ScanTime, id)
}

// Concession returns one concession.
func (sh Shared) Concession(ctx context.Context, id string) (cartera.Concession, error) {
	return Get(ctx, sh.read, "concessions", ConcessionColumns, ScanConcession, id)
}

// Incident returns one incident.
func (sh Shared) Incident(ctx context.Context, id string) (cartera.Incident, error) {
	return Get(ctx, sh.read, "incidents", IncidentColumns, ScanIncident, id)
}

// ListClients returns a page of clients in id order.
func (sh Shared) ListClients(ctx context.Context, q cartera.RecordQuery) ([]cartera.Client, string, error) {
	q.ClientID = ""
	return List(ctx, sh.read, "clients", ClientColumns, ScanClient, func(c cartera.Client) string { return c.ID }, q, "id")
}

// ListContacts returns a page of contacts.
func (sh Shared) ListContacts(ctx context.Context, q cartera.RecordQuery) ([]cartera.Contact, string, error) {
	return List(ctx, sh.read, "contacts", ContactColumns, ScanContact, func(c cartera.Contact) string { return c.ID }, q, "client_id")
}

// ListInvoices returns a page of invoices.
func (sh Shared) ListInvoices(ctx context.Context, q cartera.RecordQuery) ([]cartera.Invoice, string, error) {
	return List(ctx, sh.read, "invoices", InvoiceColumns, ScanInvoice, func(v cartera.Invoice) string { return v.ID }, q, "client_id")
}

// ListTimeEntries returns a page of time entries.
func (sh Shared) ListTimeEntries(ctx context.Context, q cartera.RecordQuery) ([]cartera.TimeEntry, string, error) {
	return List(ctx, sh.read, "time_entries", TimeColumns, ScanTime, func(e cartera.TimeEntry) string { return e.ID }, q, "client_id")
}

// ListConcessions returns a page of concessions.
func (sh Shared) ListConcessions(ctx context.Context, q cartera.RecordQuery) ([]cartera.Concession, string, error) {
	return List(ctx, sh.read, "concessions", ConcessionColumns, ScanConcession, func(c cartera.Concession) string { return c.ID }, q, "client_id")
}

// ListIncidents returns a page of incidents.
func (sh Shared) ListIncidents(ctx context.Context, q cartera.RecordQuery) ([]cartera.Incident, string, error) {
	return List(ctx, sh.read, "incidents", IncidentColumns, ScanIncident, func(in cartera.Incident) string { return in.ID }, q, "client_id")
}
