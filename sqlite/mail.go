package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// What is kept of mailboxes (migrations 0007 and 0013).

// EachMailMessage streams the stored messages of the given clients.
func (db *DB) EachMailMessage(ctx context.Context, clientIDs []string, fn func(cartera.MailMessage) error) error {
	const chunk = 500
	for start := 0; start < len(clientIDs); start += chunk {
		ids := clientIDs[start:min(start+chunk, len(clientIDs))]
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		err := each(ctx, db.r, `SELECT id, client_id, coalesce(contact_id, ''), at, outbound, key, reply_to FROM mail_messages
			WHERE client_id IN (`+placeholders(len(ids))+`) ORDER BY client_id, at, id`, func(s sqlrow.Row) error {
			var m cartera.MailMessage
			var at int64
			var out int
			if err := s.Scan(&m.ID, &m.ClientID, &m.ContactID, &at, &out, &m.Key, &m.ReplyTo); err != nil {
				return err
			}
			m.At, m.Outbound = time.Unix(at, 0).UTC(), out == 1
			return fn(m)
		}, args...)
		if err != nil {
			return err
		}
	}
	return nil
}

// insertRows inserts n rows, rowsPerStatement to a statement: head is
// "INSERT INTO t (columns) VALUES", cols the number of columns, tail what
// follows the values (the conflict clause), and row appends row i's
// values to args.
func (t *importTx) insertRows(ctx context.Context, what, head string, cols int, tail string, n int, row func(args []any, i int) []any) error {
	one := "(" + placeholders(cols) + ")"
	args := make([]any, 0, cols*min(n, rowsPerStatement))
	for start := 0; start < n; start += rowsPerStatement {
		end := min(start+rowsPerStatement, n)
		st, err := t.prepared(ctx, fmt.Sprintf("%s/%d", what, end-start), func() string {
			return head + " " + strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ") + " " + tail
		})
		if err != nil {
			return err
		}
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(args, i)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("write %s: %w", what, err)
		}
	}
	return nil
}

func (t *importTx) PutMailMessages(ctx context.Context, rows []cartera.MailMessage) error {
	return t.insertRows(ctx, "mail messages", `INSERT INTO mail_messages (id, client_id, contact_id, at, outbound, key, reply_to, import_id) VALUES`, 8,
		`ON CONFLICT (client_id, id) DO UPDATE SET contact_id = excluded.contact_id, at = excluded.at, outbound = excluded.outbound,
		key = excluded.key, reply_to = excluded.reply_to, import_id = excluded.import_id`, len(rows), func(args []any, i int) []any {
			m := &rows[i]
			return append(args, m.ID, m.ClientID, sqlrow.NullText(m.ContactID), m.At.Unix(), boolInt(m.Outbound), m.Key, m.ReplyTo, t.id)
		})
}

func (t *importTx) PutCandidates(ctx context.Context, rows []cartera.Candidate) error {
	return t.insertRows(ctx, "candidates", `INSERT INTO candidates (id, client_id, contact_id, at, kind, reason, phrase, subject, excerpt,
		source, origin) VALUES`, 11, `ON CONFLICT (id) DO NOTHING`, len(rows), func(args []any, i int) []any {
		c := &rows[i]
		phrase, _ := c.Reason.Get("phrase")
		p, _ := phrase.(string)
		return append(args, c.ID, c.ClientID, sqlrow.NullText(c.ContactID), c.At.Unix(), string(c.Kind), c.Reason.Key, p,
			c.Subject, c.Excerpt, c.Source, c.Origin)
	})
}

// StoredCandidates says which of the ids are stored candidates.
func (db *DB) StoredCandidates(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		err := each(ctx, db.r, `SELECT id FROM candidates WHERE id IN (`+placeholders(len(part))+`)`, func(s sqlrow.Row) error {
			var id string
			if err := s.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		}, args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ConfirmCandidate turns a pending candidate into an incident.
func (db *DB) ConfirmCandidate(ctx context.Context, id string, version int64, in cartera.Incident) (cartera.Candidate, error) {
	if err := in.Validate(db.now()); err != nil {
		return cartera.Candidate{}, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := sqlrow.PendingCandidate(ctx, sqlQ{tx}, id, version); err != nil {
			return err
		}
		if err := incidentRefs(ctx, tx, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, incidentsTable.upsertSQL(1), append(incidentArgs(nil, &in), nil, nil)...); err != nil {
			return fmt.Errorf("save incident: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE candidates SET status = 'confirmed', incident_id = ?, version = version + 1 WHERE id = ?`,
			in.ID, id); err != nil {
			return err
		}
		return invalidate(ctx, tx, map[string]struct{}{in.ClientID: {}})
	})
	if err != nil {
		return cartera.Candidate{}, err
	}
	return db.Candidate(ctx, id)
}
