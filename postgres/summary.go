package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
)

// StaleSummaries lists the clients without a summary for key, after
// counting them: nothing is listed when every summary is current.
func (db *DB) StaleSummaries(ctx context.Context, key string) ([]string, int, error) {
	stale, total, err := db.CountStaleSummaries(ctx, key)
	if err != nil || stale == 0 {
		return nil, total, err
	}
	var missing []string
	err = each(ctx, db.pool, `SELECT c.id FROM clients c
		WHERE NOT EXISTS (SELECT 1 FROM client_summary s WHERE s.client_id = c.id AND s.key = $1) ORDER BY c.id`,
		func(s sqlrow.Row) error {
			var id string
			err := s.Scan(&id)
			missing = append(missing, id)
			return err
		}, key)
	return missing, total, err
}

// SaveSummaries stores summaries for key. They are derived data: saving
// them does not count as a write in the generation counter. The rows go in
// one pipelined batch.
func (db *DB) SaveSummaries(ctx context.Context, key string, rows []cartera.Summary, replace bool) error {
	return retry(ctx, func() error {
		tx, err := db.pool.Begin(ctx)
		if err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
		defer tx.Rollback(ctx)
		var b pgx.Batch
		if replace {
			b.Queue(`DELETE FROM client_summary`)
		}
		for _, s := range rows {
			reason, err := cartera.EncodeMessage(s.Reason)
			if err != nil {
				return fmt.Errorf("summaries: %w", err)
			}
			b.Queue(`INSERT INTO client_summary (client_id, key, verdict, urgency, currency,
				revenue, margin, margin_pct, has_revenue, hours, discounts, concessions, overdue, score, neg_score, level, breaches,
				reason, name_key, owner_key)
				SELECT id, $1, $2, $3, currency, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, name_key, owner_key
				FROM clients WHERE id = $17
				ON CONFLICT (client_id) DO UPDATE SET key = excluded.key, verdict = excluded.verdict, urgency = excluded.urgency,
				currency = excluded.currency, revenue = excluded.revenue, margin = excluded.margin,
				margin_pct = excluded.margin_pct, has_revenue = excluded.has_revenue, hours = excluded.hours,
				discounts = excluded.discounts, concessions = excluded.concessions, overdue = excluded.overdue,
				score = excluded.score, neg_score = excluded.neg_score, level = excluded.level, breaches = excluded.breaches,
				reason = excluded.reason, name_key = excluded.name_key,
				owner_key = excluded.owner_key`,
				key, string(s.Verdict), int64(s.Verdict.Urgency()), s.Revenue, s.Margin, int64(s.MarginPct),
				s.HasRevenue, int64(s.Hours), s.Discounts, s.Concessions, s.Overdue, int64(s.Score), -int64(s.Score), s.Level,
				int64(s.Breaches), reason, s.ClientID)
		}
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
		return tx.Commit(ctx)
	})
}

const summaryColumns = `s.verdict, s.currency, s.revenue, s.margin, s.margin_pct, s.has_revenue, s.hours, s.discounts, s.concessions,
	s.overdue, s.score, s.level, s.breaches, s.reason`

// scanRow reads a client followed by its (possibly missing) summary.
func scanRow(rows sqlrow.Row, extra ...any) (cartera.ClientRow, error) {
	var r cartera.ClientRow
	var verdict, cur, level, reason *string
	var revenue, margin, pct, hours, disc, conc, overdue, score, breaches *int64
	var hasRev *bool
	c, err := sqlrow.ScanClient(sqlrow.With(rows, append([]any{&verdict, &cur, &revenue, &margin, &pct, &hasRev, &hours, &disc, &conc,
		&overdue, &score, &level, &breaches, &reason}, extra...)...))
	if err != nil {
		return r, err
	}
	r.Client = c
	if verdict != nil {
		r.Summary = cartera.Summary{
			ClientID: c.ID, Verdict: cartera.Verdict(*verdict), Currency: cartera.Currency(*cur),
			Revenue: *revenue, Margin: *margin, MarginPct: cartera.BasisPoints(*pct), HasRevenue: *hasRev,
			Hours: cartera.Hours(*hours), Discounts: *disc, Concessions: *conc, Overdue: *overdue, Score: cartera.Tenths(*score),
			Level: *level, Breaches: int(*breaches),
		}
		if r.Summary.Reason, err = cartera.DecodeMessage(*reason); err != nil {
			return r, fmt.Errorf("summary of %s: %w", c.ID, err)
		}
	}
	return r, nil
}

// Clients returns a page of the client list, cut with a keyset cursor (the
// sort values of the last row), so page 2,000 costs what page 1 costs.
// Clients without a summary yet are not listed.
func (db *DB) Clients(ctx context.Context, q cartera.ClientQuery) (cartera.ClientPage, error) {
	var page cartera.ClientPage
	if err := q.Normalize(); err != nil {
		return page, err
	}
	cols, limit := sqlrow.ClientSortKeys[q.Sort], q.Limit
	var where []string
	var p params
	if q.Owner != "" {
		where = append(where, "s.owner_key = "+p.add(cartera.Fold(q.Owner)))
	}
	if q.Verdict != "" {
		where = append(where, "s.verdict = "+p.add(string(q.Verdict)))
	}
	if q.Breached {
		where = append(where, "s.breaches > 0")
	}
	if t := q.Search; t != "" {
		where = append(where, `(s.client_id = `+p.add(t)+` OR s.name_key LIKE `+p.add("%"+sqlrow.EscapeLike(cartera.Fold(t))+"%")+`)`)
	}
	if q.After != "" {
		vals, err := decodeKeyset(q.After, len(cols))
		if err != nil {
			return page, err
		}
		op := ">"
		if q.Desc {
			op = "<"
		}
		marks := make([]string, len(vals))
		for i, v := range vals {
			// The keyset's types follow the columns': numbers for
			// numbers, text for text.
			if _, isNum := v.(int64); isNum != numericSortCol(cols[i]) {
				return page, cartera.FieldError("cursor", "record.bad_cursor")
			}
			marks[i] = p.add(v)
		}
		where = append(where, "("+strings.Join(cols, ", ")+") "+op+" ("+strings.Join(marks, ", ")+")")
	}
	order := strings.Join(cols, ", ")
	if q.Desc {
		order = strings.Join(cols, " DESC, ") + " DESC"
	}
	clause := ""
	if len(where) > 0 {
		clause = "WHERE " + strings.Join(where, " AND ")
	}
	var last []any
	err := each(ctx, db.pool, `SELECT `+sqlrow.Prefixed("c.", sqlrow.ClientColumns)+`, `+summaryColumns+`, `+strings.Join(cols, ", ")+`
		FROM client_summary s JOIN clients c ON c.id = s.client_id `+clause+` ORDER BY `+order+` LIMIT `+p.add(limit+1),
		func(s sqlrow.Row) error {
			key := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range key {
				ptrs[i] = &key[i]
			}
			r, err := scanRow(s, ptrs...)
			if err != nil {
				return err
			}
			if len(page.Rows) == limit {
				page.Next = encodeKeyset(last)
				return errStop
			}
			page.Rows = append(page.Rows, r)
			last = key
			return nil
		}, p...)
	if err != nil && err != errStop {
		return page, fmt.Errorf("client list: %w", err)
	}
	return page, nil
}

// numericSortCol reports whether a sort column holds numbers.
func numericSortCol(col string) bool {
	return col != "s.name_key" && col != "s.client_id"
}

// errStop ends a stream early.
var errStop = fmt.Errorf("stop")

// Keyset cursors are the sort values of the last row, as JSON, base64url.
func encodeKeyset(vals []any) string {
	b, _ := json.Marshal(vals)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeKeyset(s string, n int) ([]any, error) {
	bad := cartera.FieldError("cursor", "record.bad_cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil || len(raw) != n {
		return nil, bad
	}
	out := make([]any, n)
	for i, r := range raw {
		var num json.Number
		var str string
		switch {
		case json.Unmarshal(r, &str) == nil:
			if strings.IndexByte(str, 0) >= 0 {
				return nil, bad
			}
			out[i] = str
		case json.Unmarshal(r, &num) == nil:
			v, err := num.Int64()
			if err != nil {
				return nil, bad
			}
			out[i] = v
		default:
			return nil, bad
		}
	}
	return out, nil
}
