package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// save writes one record in its own transaction: version check, reference
// checks, upsert, cache invalidation, generation bump.
func (db *DB) save(ctx context.Context, tb table, id string, version int64, clientIDs []string,
	check func(*sql.Tx) error, args []any) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := sqlrow.CheckSave(ctx, sqlQ{tx}, tb.name, id, version); err != nil {
			return err
		}
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tb.upsertSQL(1), append(args, nil, nil)...); err != nil {
			return fmt.Errorf("save %s: %w", tb.name, err)
		}
		touched := map[string]struct{}{}
		for _, c := range clientIDs {
			touched[c] = struct{}{}
		}
		return invalidate(ctx, tx, touched)
	})
}

func sameCurrency(ctx context.Context, tx *sql.Tx, client string, c cartera.Currency) error {
	cur, err := sqlrow.ClientCurrency(ctx, sqlQ{tx}, client)
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
	err := db.save(ctx, clientsTable, c.ID, c.Version, []string{c.ID}, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT currency FROM clients WHERE id = ?`, c.ID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && cur == string(c.Currency)) {
			return nil
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM invoices WHERE client_id = ?1) +
			(SELECT count(*) FROM concessions WHERE client_id = ?1)`, c.ID).Scan(&n); err != nil {
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
	err := db.save(ctx, contactsTable, c.ID, c.Version, []string{c.ClientID}, func(tx *sql.Tx) error {
		_, err := sqlrow.ClientCurrency(ctx, sqlQ{tx}, c.ClientID)
		return err
	}, contactArgs(nil, &c))
	if err != nil {
		return c, err
	}
	return db.Contact(ctx, c.ID)
}

// previousClient returns the client a record belongs to now ("" if new),
// so that moving it invalidates both clients.
func previousClient(ctx context.Context, db *DB, table, id string) string {
	var c string
	_ = db.r.QueryRowContext(ctx, `SELECT client_id FROM `+table+` WHERE id = ?`, id).Scan(&c)
	return c
}

// SaveInvoice inserts or updates an invoice.
func (db *DB) SaveInvoice(ctx context.Context, v cartera.Invoice) (cartera.Invoice, error) {
	if err := v.Validate(db.today()); err != nil {
		return v, err
	}
	err := db.save(ctx, invoicesTable, v.ID, v.Version, []string{v.ClientID, previousClient(ctx, db, "invoices", v.ID)},
		func(tx *sql.Tx) error { return sameCurrency(ctx, tx, v.ClientID, v.Amount.Currency) }, invoiceArgs(nil, &v))
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
	err := db.save(ctx, timeTable, e.ID, e.Version, []string{e.ClientID, previousClient(ctx, db, "time_entries", e.ID)},
		func(tx *sql.Tx) error { _, err := sqlrow.ClientCurrency(ctx, sqlQ{tx}, e.ClientID); return err }, timeArgs(nil, &e))
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
	err := db.save(ctx, concessionsTable, c.ID, c.Version, []string{c.ClientID, previousClient(ctx, db, "concessions", c.ID)},
		func(tx *sql.Tx) error { return sameCurrency(ctx, tx, c.ClientID, c.Amount.Currency) }, concessionArgs(nil, &c))
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
	err := db.save(ctx, incidentsTable, in.ID, in.Version, []string{in.ClientID, previousClient(ctx, db, "incidents", in.ID)},
		func(tx *sql.Tx) error { return incidentRefs(ctx, tx, in) }, incidentArgs(nil, &in))
	if err != nil {
		return in, err
	}
	return db.Incident(ctx, in.ID)
}

// incidentRefs checks that an incident's client exists and that its
// contact, if any, is one of the client's.
func incidentRefs(ctx context.Context, tx *sql.Tx, in cartera.Incident) error {
	if _, err := sqlrow.ClientCurrency(ctx, sqlQ{tx}, in.ClientID); err != nil {
		return err
	}
	if in.ContactID == "" {
		return nil
	}
	// A contact that does not exist and one of another client get the
	// same answer, which names only the incident's own client: the caller
	// may not be allowed to see the other one.
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT client_id FROM contacts WHERE id = ?`, in.ContactID).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows) || (err == nil && owner != in.ClientID):
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
	return db.write(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t+` WHERE id = ?`, id).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
		}
		if err := sqlrow.CheckVersion(ctx, sqlQ{tx}, t, id, version); err != nil {
			return err
		}
		switch e {
		case cartera.EntityClients:
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM contacts WHERE client_id = ?1)
				+ (SELECT count(*) FROM invoices WHERE client_id = ?1) + (SELECT count(*) FROM time_entries WHERE client_id = ?1)
				+ (SELECT count(*) FROM concessions WHERE client_id = ?1) + (SELECT count(*) FROM incidents WHERE client_id = ?1)
				+ (SELECT count(*) FROM deals WHERE client_id = ?1) + (SELECT count(*) FROM tasks WHERE client_id = ?1)`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return cartera.NewError(cartera.ECONFLICT, "client.has_records", "id", id, "n", n)
			}
		case cartera.EntityContacts:
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM incidents WHERE contact_id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return cartera.NewError(cartera.ECONFLICT, "contact.in_use", "id", id, "n", n)
			}
		case cartera.EntityDeals:
			// Lessons are the team's, not the deal's: a deal with a
			// debrief stays.
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM debriefs WHERE deal_id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return cartera.NewError(cartera.ECONFLICT, "deal.has_lessons", "id", id)
			}
			// Its signals, plan and call answers are part of it and go
			// with it.
			for _, q := range []string{`DELETE FROM signals WHERE deal_id = ?`, `DELETE FROM tasks WHERE deal_id = ?`,
				`DELETE FROM reconnects WHERE deal_id = ?`} {
				if _, err := tx.ExecContext(ctx, q, id); err != nil {
					return err
				}
			}
		case cartera.EntitySignals:
			var deal, kind, outcome string
			if err := tx.QueryRowContext(ctx, `SELECT s.deal_id, s.kind, d.outcome FROM signals s JOIN deals d ON d.id = s.deal_id
				WHERE s.id = ?`, id).Scan(&deal, &kind, &outcome); err != nil {
				return err
			}
			if cartera.SignalKind(kind).Verified() && outcome == string(cartera.OutcomeWon) {
				var others int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM signals WHERE deal_id = ? AND id <> ? AND kind IN
					('purchase_order', 'contract_signed', 'payment_received')`, deal, id).Scan(&others); err != nil {
					return err
				}
				if others == 0 {
					return cartera.NewError(cartera.ECONFLICT, "signal.proves_won", "id", id)
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM signals WHERE id = ?`, id); err != nil {
				return err
			}
			return refreshEvidence(ctx, tx, []string{deal})
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE id = ?`, id)
		return err
	})
}

func entityKnown(e cartera.Entity) bool {
	for _, x := range cartera.Entities {
		if x == e {
			return true
		}
	}
	return false
}
