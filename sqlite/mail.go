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

// insertRows inserts n rows, rowsPerStatement to a statement, and skips
// the rows whose key is taken: head is "INSERT OR FAIL INTO t (columns)
// VALUES", cols the number of columns, conflict the key, and row appends
// row i's values to args. When a statement skipped rows, taken(start, end)
// is called for its rows, if given.
//
// Why not one UPSERT: a statement that writes several rows and may stop
// halfway makes SQLite keep a statement journal of every page it
// touches, to undo the statement alone — a fifth of a mail import's
// writing. A statement of these tables cannot stop halfway: OR FAIL
// keeps the rows written before a failure (the whole import is rolled
// back anyway), DO NOTHING skips a taken key, and their foreign keys are
// checked at commit (migration 13).
func (t *importTx) insertRows(ctx context.Context, what, head string, cols int, conflict string, n int, row func(args []any, i int) []any,
	taken func(start, end int) error) error {
	one := "(" + placeholders(cols) + ")"
	args := make([]any, 0, cols*min(n, rowsPerStatement))
	for start := 0; start < n; start += rowsPerStatement {
		end := min(start+rowsPerStatement, n)
		st, err := t.prepared(ctx, fmt.Sprintf("%s/%d", what, end-start), func() string {
			return head + " " + strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ") + " ON CONFLICT " + conflict + " DO NOTHING"
		})
		if err != nil {
			return err
		}
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(args, i)
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("write %s: %w", what, err)
		}
		if taken == nil {
			continue
		}
		if done, err := res.RowsAffected(); err != nil {
			return err
		} else if done < int64(end-start) {
			if err := taken(start, end); err != nil {
				return err
			}
		}
	}
	return nil
}

// PutMailMessages inserts the new messages 50 to a statement and replaces
// those stored before one at a time (a re-import passes only the ones
// that changed).
func (t *importTx) PutMailMessages(ctx context.Context, rows []cartera.MailMessage) error {
	row := func(args []any, i int) []any {
		m := &rows[i]
		return append(args, m.ID, m.ClientID, sqlrow.NullText(m.ContactID), m.At.Unix(), boolInt(m.Outbound), m.Key, m.ReplyTo, t.id)
	}
	const head = `INSERT OR FAIL INTO mail_messages (id, client_id, contact_id, at, outbound, key, reply_to, import_id) VALUES`
	return t.insertRows(ctx, "mail messages", head, 8, "(client_id, id)", len(rows), row, func(start, end int) error {
		st, err := t.prepared(ctx, "mail messages/replace", func() string {
			return head + ` (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, id) DO UPDATE SET contact_id = excluded.contact_id,
				at = excluded.at, outbound = excluded.outbound, key = excluded.key, reply_to = excluded.reply_to, import_id = excluded.import_id`
		})
		if err != nil {
			return err
		}
		for i := start; i < end; i++ {
			if _, err := st.ExecContext(ctx, row(nil, i)...); err != nil {
				return fmt.Errorf("write mail messages: %w", err)
			}
		}
		return nil
	})
}

// PutCandidates adds candidates to the queue; one already there, pending
// or answered, stays as it is.
func (t *importTx) PutCandidates(ctx context.Context, rows []cartera.Candidate) error {
	return t.insertRows(ctx, "candidates", `INSERT OR FAIL INTO candidates (id, client_id, contact_id, at, kind, reason, phrase, subject, excerpt,
		source, origin) VALUES`, 11, "(id)", len(rows), func(args []any, i int) []any {
		c := &rows[i]
		phrase, _ := c.Reason.Get("phrase")
		p, _ := phrase.(string)
		return append(args, c.ID, c.ClientID, sqlrow.NullText(c.ContactID), c.At.Unix(), string(c.Kind), c.Reason.Key, p,
			c.Subject, c.Excerpt, c.Source, c.Origin)
	}, nil)
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
