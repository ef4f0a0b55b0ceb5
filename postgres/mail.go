package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// What is kept of mailboxes (migration 0008).

// EachMailMessage streams the stored messages of the given clients.
func (db *DB) EachMailMessage(ctx context.Context, clientIDs []string, fn func(cartera.MailMessage) error) error {
	if len(clientIDs) == 0 {
		return nil
	}
	return each(ctx, db.pool, `SELECT id, client_id, coalesce(contact_id, ''), at, outbound, key, reply_to FROM mail_messages
		WHERE client_id = ANY($1) ORDER BY client_id, at, id`, func(s sqlrow.Row) error {
		var m cartera.MailMessage
		var at int64
		if err := s.Scan(&m.ID, &m.ClientID, &m.ContactID, &at, &m.Outbound, &m.Key, &m.ReplyTo); err != nil {
			return err
		}
		m.At = time.Unix(at, 0).UTC()
		return fn(m)
	}, clientIDs)
}

func (t *importTx) PutMailMessages(ctx context.Context, rows []cartera.MailMessage) error {
	b := &pgx.Batch{}
	for _, m := range rows {
		b.Queue(`INSERT INTO mail_messages (id, client_id, contact_id, at, outbound, key, reply_to, import_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id,
		contact_id = excluded.contact_id, at = excluded.at, outbound = excluded.outbound, key = excluded.key,
		reply_to = excluded.reply_to, import_id = excluded.import_id`,
			m.ID, m.ClientID, sqlrow.NullText(m.ContactID), m.At.Unix(), m.Outbound, m.Key, m.ReplyTo, t.id)
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("write mail messages: %w", err)
	}
	return nil
}

func (t *importTx) PutCandidates(ctx context.Context, rows []cartera.Candidate) error {
	b := &pgx.Batch{}
	for _, c := range rows {
		phrase, _ := c.Reason.Get("phrase")
		p, _ := phrase.(string)
		b.Queue(`INSERT INTO candidates (id, client_id, contact_id, at, kind, reason, phrase, subject, excerpt, source, origin)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING`,
			c.ID, c.ClientID, sqlrow.NullText(c.ContactID), c.At.Unix(), string(c.Kind), c.Reason.Key, p, c.Subject, c.Excerpt, c.Source, c.Origin)
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("write candidates: %w", err)
	}
	return nil
}

// StoredCandidates says which of the ids are stored candidates.
func (db *DB) StoredCandidates(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	err := each(ctx, db.pool, `SELECT id FROM candidates WHERE id = ANY($1)`, func(s sqlrow.Row) error {
		var id string
		if err := s.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	}, ids)
	return out, err
}

// ConfirmCandidate turns a pending candidate into an incident.
func (db *DB) ConfirmCandidate(ctx context.Context, id string, version int64, in cartera.Incident) (cartera.Candidate, error) {
	if err := in.Validate(db.now()); err != nil {
		return cartera.Candidate{}, err
	}
	err := db.write(ctx, func(tx pgx.Tx) error {
		if err := sqlrow.PendingCandidate(ctx, pgQ{tx}, id, version); err != nil {
			return err
		}
		if err := incidentRefs(ctx, tx, in); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, incidentsTable.saveSQL(), incidentArgs(nil, &in)...); err != nil {
			return fmt.Errorf("save incident: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE candidates SET status = 'confirmed', incident_id = $1, version = version + 1 WHERE id = $2`,
			in.ID, id); err != nil {
			return err
		}
		return invalidate(ctx, tx, []string{in.ClientID})
	})
	if err != nil {
		return cartera.Candidate{}, err
	}
	return db.Candidate(ctx, id)
}
