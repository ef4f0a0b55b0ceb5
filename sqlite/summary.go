package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// StaleSummaries lists the clients without a summary for key, after
// counting them: nothing is listed when every summary is current.
func (db *DB) StaleSummaries(ctx context.Context, key string) ([]string, int, error) {
	stale, total, err := db.CountStaleSummaries(ctx, key)
	if err != nil || stale == 0 {
		return nil, total, err
	}
	var missing []string
	err = each(ctx, db.r, `SELECT c.id FROM clients c
		WHERE NOT EXISTS (SELECT 1 FROM client_summary s WHERE s.client_id = c.id AND s.key = ?) ORDER BY c.id`,
		func(s sqlrow.Row) error {
			var id string
			err := s.Scan(&id)
			missing = append(missing, id)
			return err
		}, key)
	return missing, total, err
}

// SaveSummaries stores summaries for key. They are derived data: saving
// them does not count as a write in the generation counter.
func (db *DB) SaveSummaries(ctx context.Context, key string, rows []cartera.Summary, replace bool) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("summaries: %w", err)
	}
	defer tx.Rollback()
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_summary`); err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
	}
	st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO client_summary (client_id, key, verdict, urgency, currency,
		revenue, margin, margin_pct, has_revenue, hours, discounts, concessions, overdue, score, neg_score, level, breaches,
		reason, name_key, owner_key)
		SELECT id, ?, ?, ?, currency, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, name_key, owner_key FROM clients WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("summaries: %w", err)
	}
	for _, s := range rows {
		reason, err := cartera.EncodeMessage(s.Reason)
		if err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
		if _, err := st.ExecContext(ctx, key, string(s.Verdict), s.Verdict.Urgency(), s.Revenue, s.Margin, int64(s.MarginPct),
			boolInt(s.HasRevenue), int64(s.Hours), s.Discounts, s.Concessions, s.Overdue, int64(s.Score), -int64(s.Score), s.Level,
			s.Breaches, reason, s.ClientID); err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
	}
	return tx.Commit()
}

const summaryColumns = `s.verdict, s.currency, s.revenue, s.margin, s.margin_pct, s.has_revenue, s.hours, s.discounts, s.concessions,
	s.overdue, s.score, s.level, s.breaches, s.reason`

// scanRow reads a client followed by its (possibly missing) summary.
func scanRow(rows *sql.Rows, extra ...any) (cartera.ClientRow, error) {
	var r cartera.ClientRow
	var verdict, cur, level, reason sql.NullString
	var revenue, margin, pct, hasRev, hours, disc, conc, overdue, score, breaches sql.NullInt64
	c, err := sqlrow.ScanClient(scanPlus2{rows, append([]any{&verdict, &cur, &revenue, &margin, &pct, &hasRev, &hours, &disc, &conc,
		&overdue, &score, &level, &breaches, &reason}, extra...)})
	if err != nil {
		return r, err
	}
	r.Client = c
	if verdict.Valid {
		r.Summary = cartera.Summary{
			ClientID: c.ID, Verdict: cartera.Verdict(verdict.String), Currency: cartera.Currency(cur.String),
			Revenue: revenue.Int64, Margin: margin.Int64, MarginPct: cartera.BasisPoints(pct.Int64), HasRevenue: hasRev.Int64 == 1,
			Hours: cartera.Hours(hours.Int64), Discounts: disc.Int64, Concessions: conc.Int64, Overdue: overdue.Int64, Score: cartera.Tenths(score.Int64),
			Level: level.String, Breaches: int(breaches.Int64),
		}
		if r.Summary.Reason, err = cartera.DecodeMessage(reason.String); err != nil {
			return r, fmt.Errorf("summary of %s: %w", c.ID, err)
		}
	}
	return r, nil
}

// scanPlus2 scans a client row followed by several more columns.
type scanPlus2 struct {
	rows  *sql.Rows
	extra []any
}

func (s scanPlus2) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra...)...) }

// Clients returns a page of the client list. Pages are cut with a keyset
// cursor — the sort values of the last row — so page 2,000 costs what page
// 1 costs. Clients without a summary yet are not listed. CROSS JOIN keeps
// client_summary as the outer table, so that the sort index is walked
// instead of every client being sorted.
func (db *DB) Clients(ctx context.Context, q cartera.ClientQuery) (cartera.ClientPage, error) {
	var page cartera.ClientPage
	if err := q.Normalize(); err != nil {
		return page, err
	}
	cols, limit := sqlrow.ClientSortKeys[q.Sort], q.Limit
	var where []string
	var args []any
	if q.Owner != "" {
		where, args = append(where, "s.owner_key = ?"), append(args, cartera.Fold(q.Owner))
	}
	if q.Verdict != "" {
		where, args = append(where, "s.verdict = ?"), append(args, string(q.Verdict))
	}
	if q.Breached {
		where = append(where, "s.breaches > 0")
	}
	if t := q.Search; t != "" {
		where = append(where, `(s.client_id = ? OR s.name_key LIKE ? ESCAPE '\')`)
		args = append(args, t, "%"+sqlrow.EscapeLike(cartera.Fold(t))+"%")
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
		where = append(where, "("+strings.Join(cols, ", ")+") "+op+" ("+placeholders(len(cols))+")")
		args = append(args, vals...)
	}
	order := strings.Join(cols, ", ")
	if q.Desc {
		order = strings.Join(cols, " DESC, ") + " DESC"
	}
	clause := ""
	if len(where) > 0 {
		clause = "WHERE " + strings.Join(where, " AND ")
	}
	keyCols := strings.Join(cols, ", ")
	rows, err := db.query(ctx, `SELECT `+sqlrow.Prefixed("c.", sqlrow.ClientColumns)+`, `+summaryColumns+`, `+keyCols+`
		FROM client_summary s CROSS JOIN clients c ON c.id = s.client_id `+clause+` ORDER BY `+order+` LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return page, fmt.Errorf("client list: %w", err)
	}
	defer rows.Close()
	var last []any
	for rows.Next() {
		key := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range key {
			ptrs[i] = &key[i]
		}
		r, err := scanRow(rows, ptrs...)
		if err != nil {
			return page, err
		}
		if len(page.Rows) == limit {
			page.Next = encodeKeyset(last)
			break
		}
		page.Rows = append(page.Rows, r)
		last = key
	}
	return page, rows.Err()
}

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

// Generation returns the write counter.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	var n int64
	err := db.queryRow(ctx, `SELECT n FROM generation WHERE id = 1`).Scan(&n)
	return n, err
}
