package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
)

// table describes how records of one entity are written.
type table struct {
	name string
	cols []string // the first is the id
}

var (
	clientsTable     = table{"clients", []string{"id", "name", "name_key", "owner", "owner_key", "family_friend", "currency", "service", "since", "email", "phone", "notes"}}
	contactsTable    = table{"contacts", []string{"id", "client_id", "name", "role", "seniority", "email", "phone"}}
	invoicesTable    = table{"invoices", []string{"id", "client_id", "number", "issued", "due", "paid", "amount", "currency"}}
	timeTable        = table{"time_entries", []string{"id", "client_id", "day", "hours", "billable", "note"}}
	concessionsTable = table{"concessions", []string{"id", "client_id", "day", "kind", "amount", "currency", "hours", "percent", "note"}}
	incidentsTable   = table{"incidents", []string{"id", "client_id", "contact_id", "at", "kind", "severity", "note"}}
)

// updateSet is the SET list of an upsert: every column from excluded, the
// version counted up.
func (t table) updateSet() string {
	var b strings.Builder
	for i, c := range t.cols[1:] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = excluded.%s", c, c)
	}
	fmt.Fprintf(&b, ", import_id = excluded.import_id, import_pos = excluded.import_pos, version = %s.version + 1", t.name)
	return b.String()
}

// saveSQL inserts or updates one record outside any import.
func (t table) saveSQL() string {
	ph := make([]string, len(t.cols))
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	return fmt.Sprintf("INSERT INTO %s (%s, import_id, import_pos) VALUES (%s, NULL, NULL) ON CONFLICT (id) DO UPDATE SET %s",
		t.name, strings.Join(t.cols, ", "), strings.Join(ph, ", "), t.updateSet())
}

// save writes one record in its own transaction: version check, reference
// checks, upsert, cache invalidation, generation bump.
func (db *DB) save(ctx context.Context, tb table, id string, version int64, clientIDs []string,
	check func(pgx.Tx) error, args []any) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := sqlrow.CheckSave(ctx, pgQ{tx}, tb.name, id, version); err != nil {
			return err
		}
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, tb.saveSQL(), args...); err != nil {
			return fmt.Errorf("save %s: %w", tb.name, err)
		}
		return invalidate(ctx, tx, clientIDs)
	})
}

func sameCurrency(ctx context.Context, tx pgx.Tx, client string, c cartera.Currency) error {
	cur, err := sqlrow.ClientCurrency(ctx, pgQ{tx}, client)
	if err != nil {
		return err
	}
	if cur != c {
		return cartera.FieldError("currency", "value.currency_mismatch", "value", string(c), "client", string(cur))
	}
	return nil
}

// SaveClient inserts or updates a client. Its currency cannot change once
// it has amounts.
func (db *DB) SaveClient(ctx context.Context, c cartera.Client) (cartera.Client, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := db.save(ctx, clientsTable, c.ID, c.Version, []string{c.ID}, func(tx pgx.Tx) error {
		var cur string
		err := tx.QueryRow(ctx, `SELECT currency FROM clients WHERE id = $1`, c.ID).Scan(&cur)
		if noRows(err) || (err == nil && cur == string(c.Currency)) {
			return nil
		}
		if err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM invoices WHERE client_id = $1) +
			(SELECT count(*) FROM concessions WHERE client_id = $1)`, c.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return cartera.FieldError("currency", "value.currency_change", "value", string(c.Currency), "old", cur)
		}
		return nil
	}, clientArgs(nil, &c))
	if err != nil {
		return c, err
	}
	return db.Client(ctx, c.ID)
}

// SaveContact inserts or updates a contact.
func (db *DB) SaveContact(ctx context.Context, c cartera.Contact) (cartera.Contact, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := db.save(ctx, contactsTable, c.ID, c.Version, []string{c.ClientID}, func(tx pgx.Tx) error {
		_, err := sqlrow.ClientCurrency(ctx, pgQ{tx}, c.ClientID)
		return err
	}, contactArgs(nil, &c))
	if err != nil {
		return c, err
	}
	return db.Contact(ctx, c.ID)
}

// SaveInvoice inserts or updates an invoice. Moving it to another client
// makes the old client's facts stale too, which the trigger sees to.
func (db *DB) SaveInvoice(ctx context.Context, v cartera.Invoice) (cartera.Invoice, error) {
	if err := v.Validate(db.today()); err != nil {
		return v, err
	}
	err := db.save(ctx, invoicesTable, v.ID, v.Version, []string{v.ClientID},
		func(tx pgx.Tx) error { return sameCurrency(ctx, tx, v.ClientID, v.Amount.Currency) }, invoiceArgs(nil, &v))
	if err != nil {
		return v, err
	}
	return db.Invoice(ctx, v.ID)
}

// SaveTimeEntry inserts or updates a time entry.
func (db *DB) SaveTimeEntry(ctx context.Context, e cartera.TimeEntry) (cartera.TimeEntry, error) {
	if err := e.Validate(db.today()); err != nil {
		return e, err
	}
	err := db.save(ctx, timeTable, e.ID, e.Version, []string{e.ClientID},
		func(tx pgx.Tx) error { _, err := sqlrow.ClientCurrency(ctx, pgQ{tx}, e.ClientID); return err }, timeArgs(nil, &e))
	if err != nil {
		return e, err
	}
	return db.TimeEntry(ctx, e.ID)
}

// SaveConcession inserts or updates a concession.
func (db *DB) SaveConcession(ctx context.Context, c cartera.Concession) (cartera.Concession, error) {
	if err := c.Validate(db.today()); err != nil {
		return c, err
	}
	err := db.save(ctx, concessionsTable, c.ID, c.Version, []string{c.ClientID},
		func(tx pgx.Tx) error { return sameCurrency(ctx, tx, c.ClientID, c.Amount.Currency) }, concessionArgs(nil, &c))
	if err != nil {
		return c, err
	}
	return db.Concession(ctx, c.ID)
}

// SaveIncident inserts or updates an incident.
func (db *DB) SaveIncident(ctx context.Context, in cartera.Incident) (cartera.Incident, error) {
	if err := in.Validate(db.now()); err != nil {
		return in, err
	}
	err := db.save(ctx, incidentsTable, in.ID, in.Version, []string{in.ClientID},
		func(tx pgx.Tx) error { return incidentRefs(ctx, tx, in) }, incidentArgs(nil, &in))
	if err != nil {
		return in, err
	}
	return db.Incident(ctx, in.ID)
}

// incidentRefs checks that an incident's client exists and that its
// contact, if any, is one of the client's.
func incidentRefs(ctx context.Context, tx pgx.Tx, in cartera.Incident) error {
	if _, err := sqlrow.ClientCurrency(ctx, pgQ{tx}, in.ClientID); err != nil {
		return err
	}
	if in.ContactID == "" {
		return nil
	}
	// A contact that does not exist and one of another client get the
	// same answer, which names only the incident's own client: the caller
	// may not be allowed to see the other one.
	var owner string
	err := tx.QueryRow(ctx, `SELECT client_id FROM contacts WHERE id = $1`, in.ContactID).Scan(&owner)
	switch {
	case noRows(err) || (err == nil && owner != in.ClientID):
		return cartera.FieldError("contact_id", "value.not_clients_contact", "value", in.ContactID, "client", in.ClientID)
	case err != nil:
		return err
	}
	return nil
}

// Delete removes one record. A client with contacts or events, or a
// contact named in incidents, cannot be deleted.
func (db *DB) Delete(ctx context.Context, e cartera.Entity, id string, version int64) error {
	t := sqlrow.TableOf(e)
	if !entityKnown(e) {
		return cartera.NewError(cartera.EINVALID, "record.unknown_entity", "value", string(e))
	}
	return db.write(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t+` WHERE id = $1)`, id).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
		}
		if err := sqlrow.CheckVersion(ctx, pgQ{tx}, t, id, version); err != nil {
			return err
		}
		switch e {
		case cartera.EntityClients:
			var n int64
			if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM contacts WHERE client_id = $1)
				+ (SELECT count(*) FROM invoices WHERE client_id = $1) + (SELECT count(*) FROM time_entries WHERE client_id = $1)
				+ (SELECT count(*) FROM concessions WHERE client_id = $1) + (SELECT count(*) FROM incidents WHERE client_id = $1)
				+ (SELECT count(*) FROM deals WHERE client_id = $1) + (SELECT count(*) FROM tasks WHERE client_id = $1)`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return cartera.NewError(cartera.ECONFLICT, "client.has_records", "id", id, "n", int(n))
			}
		case cartera.EntityContacts:
			var n int64
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM incidents WHERE contact_id = $1`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return cartera.NewError(cartera.ECONFLICT, "contact.in_use", "id", id, "n", int(n))
			}
		case cartera.EntityDeals:
			// Lessons are the team's, not the deal's: a deal with a
			// debrief stays.
			var n int64
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM debriefs WHERE deal_id = $1`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return cartera.NewError(cartera.ECONFLICT, "deal.has_lessons", "id", id)
			}
			// Its signals, plan and call answers are part of it and go
			// with it.
			for _, q := range []string{`DELETE FROM signals WHERE deal_id = $1`, `DELETE FROM tasks WHERE deal_id = $1`,
				`DELETE FROM reconnects WHERE deal_id = $1`} {
				if _, err := tx.Exec(ctx, q, id); err != nil {
					return err
				}
			}
		case cartera.EntitySignals:
			var deal, kind, outcome string
			if err := tx.QueryRow(ctx, `SELECT s.deal_id, s.kind, d.outcome FROM signals s JOIN deals d ON d.id = s.deal_id
				WHERE s.id = $1`, id).Scan(&deal, &kind, &outcome); err != nil {
				return err
			}
			if cartera.SignalKind(kind).Verified() && outcome == string(cartera.OutcomeWon) {
				var others int64
				if err := tx.QueryRow(ctx, `SELECT count(*) FROM signals WHERE deal_id = $1 AND id <> $2 AND kind = ANY($3)`,
					deal, id, verifiedKinds()).Scan(&others); err != nil {
					return err
				}
				if others == 0 {
					return cartera.NewError(cartera.ECONFLICT, "signal.proves_won", "id", id)
				}
			}
			if _, err := tx.Exec(ctx, `DELETE FROM signals WHERE id = $1`, id); err != nil {
				return err
			}
			return refreshEvidence(ctx, tx, []string{deal})
		}
		_, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE id = $1`, id)
		return err
	})
}

// verifiedKinds lists the signal kinds that prove a deal won.
func verifiedKinds() []string {
	var kinds []string
	for _, k := range cartera.SignalKinds {
		if k.Verified() {
			kinds = append(kinds, string(k))
		}
	}
	return kinds
}

func entityKnown(e cartera.Entity) bool {
	for _, x := range cartera.Entities {
		if x == e {
			return true
		}
	}
	return false
}

// The column values of each record, in its table's column order; shared by
// imports and single saves.

func clientArgs(a []any, c *cartera.Client) []any {
	return append(a, c.ID, c.Name, cartera.Fold(c.Name), c.Owner, cartera.OwnerKey(c.Owner), c.FamilyFriend,
		string(c.Currency), c.Service, sqlrow.NullDay(c.Since), c.Email, c.Phone, c.Notes)
}

func contactArgs(a []any, c *cartera.Contact) []any {
	return append(a, c.ID, c.ClientID, c.Name, c.Role, int32(c.Seniority), c.Email, c.Phone)
}

func invoiceArgs(a []any, v *cartera.Invoice) []any {
	return append(a, v.ID, v.ClientID, v.Number, v.Issued.UnixDay(), v.Due.UnixDay(), sqlrow.NullDay(v.Paid),
		v.Amount.Amount, string(v.Amount.Currency))
}

func timeArgs(a []any, e *cartera.TimeEntry) []any {
	return append(a, e.ID, e.ClientID, e.Day.UnixDay(), int64(e.Hours), e.Billable, e.Note)
}

func concessionArgs(a []any, c *cartera.Concession) []any {
	return append(a, c.ID, c.ClientID, c.Day.UnixDay(), string(c.Kind), c.Amount.Amount, string(c.Amount.Currency),
		int64(c.Hours), int64(c.Percent), c.Note)
}

func incidentArgs(a []any, in *cartera.Incident) []any {
	return append(a, in.ID, in.ClientID, sqlrow.NullText(in.ContactID), in.At.Unix(), string(in.Kind), int32(in.Severity), in.Note)
}
