package sqlrow

import (
	"context"
	"time"

	"github.com/cartera/cartera"
)

// The decisions users record on verdicts (SQLite migration 0008, PostgreSQL 0010).

// DecisionColumns are a decision's columns.
const DecisionColumns = `id, client_id, day, policy, decided, reason, by_user, at`

// ScanDecision scans a decision.
func ScanDecision(s Row) (cartera.Decision, error) {
	var d cartera.Decision
	var day, at int64
	var policy, decided string
	err := s.Scan(&d.ID, &d.ClientID, &day, &policy, &decided, &d.Reason, &d.By, &at)
	d.Day, d.At = cartera.DateFromUnixDay(day), time.Unix(at, 0).UTC()
	d.Policy, d.Decided = cartera.Verdict(policy), cartera.Verdict(decided)
	return d, err
}

// SaveDecision stores a new decision (DecisionStore).
func (sh Shared) SaveDecision(ctx context.Context, d cartera.Decision) (cartera.Decision, error) {
	d.Normalize()
	if err := d.Validate(); err != nil {
		return d, err
	}
	err := sh.write(ctx, func(q Q) error {
		if _, err := ClientCurrency(ctx, q, d.ClientID); err != nil {
			return err
		}
		return q.QueryRow(ctx, `INSERT INTO decisions (client_id, day, policy, decided, reason, by_user, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.ClientID, d.Day.UnixDay(), string(d.Policy), string(d.Decided),
			d.Reason, d.By, d.At.Unix()).Scan(&d.ID)
	})
	return d, err
}

// Decisions lists decisions newest first (DecisionStore).
func (sh Shared) Decisions(ctx context.Context, clientID string, limit int) ([]cartera.Decision, error) {
	query, args := `SELECT `+DecisionColumns+` FROM decisions`, []any{}
	if clientID != "" {
		query += ` WHERE client_id = ?`
		args = append(args, clientID)
	}
	query += ` ORDER BY id DESC`
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	out := []cartera.Decision{}
	err := EachRecord(ctx, sh.read, query, ScanDecision, func(d cartera.Decision) error { out = append(out, d); return nil }, args...)
	return out, err
}
