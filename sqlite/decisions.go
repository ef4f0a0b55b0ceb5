package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// The decisions users record on verdicts (migration 0008).

const decisionColumns = `id, client_id, day, policy, decided, reason, by_user, at`

func scanDecision(s scanner) (cartera.Decision, error) {
	var d cartera.Decision
	var day, at int64
	var policy, decided string
	err := s.Scan(&d.ID, &d.ClientID, &day, &policy, &decided, &d.Reason, &d.By, &at)
	d.Day, d.At = cartera.DateFromUnixDay(day), time.Unix(at, 0).UTC()
	d.Policy, d.Decided = cartera.Verdict(policy), cartera.Verdict(decided)
	return d, err
}

// SaveDecision stores a new decision (DecisionStore).
func (db *DB) SaveDecision(ctx context.Context, d cartera.Decision) (cartera.Decision, error) {
	d.Reason = strings.TrimSpace(d.Reason)
	if err := d.Validate(); err != nil {
		return d, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := clientCurrency(ctx, tx, d.ClientID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO decisions (client_id, day, policy, decided, reason, by_user, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.ClientID, d.Day.UnixDay(), string(d.Policy), string(d.Decided),
			d.Reason, d.By, d.At.Unix()).Scan(&d.ID)
	})
	return d, err
}

// Decisions lists decisions newest first (DecisionStore).
func (db *DB) Decisions(ctx context.Context, clientID string, limit int) ([]cartera.Decision, error) {
	q, args := `SELECT `+decisionColumns+` FROM decisions`, []any{}
	if clientID != "" {
		q += ` WHERE client_id = ?`
		args = append(args, clientID)
	}
	q += ` ORDER BY id DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	out := []cartera.Decision{}
	err := eachRecord(ctx, db, q, scanDecision, func(d cartera.Decision) error { out = append(out, d); return nil }, args...)
	return out, err
}
