package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/jackc/pgx/v5"
)

// The decisions users record on verdicts (migration 0010).

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
	err := db.write(ctx, func(tx pgx.Tx) error {
		if _, err := clientCurrency(ctx, tx, d.ClientID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO decisions (client_id, day, policy, decided, reason, by_user, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, d.ClientID, d.Day.UnixDay(), string(d.Policy), string(d.Decided),
			d.Reason, d.By, d.At.Unix()).Scan(&d.ID)
	})
	return d, err
}

// Decisions lists decisions newest first (DecisionStore).
func (db *DB) Decisions(ctx context.Context, clientID string, limit int) ([]cartera.Decision, error) {
	q := `SELECT ` + decisionColumns + ` FROM decisions WHERE ($1 = '' OR client_id = $1) ORDER BY id DESC`
	args := []any{clientID}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	out := []cartera.Decision{}
	err := eachRecord(ctx, db.pool, q, scanDecision, func(d cartera.Decision) error { out = append(out, d); return nil }, args...)
	return out, err
}
