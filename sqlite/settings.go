package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cartera/cartera"
)

// Policy returns the stored policy or the defaults.
func (db *DB) Policy(ctx context.Context) (cartera.Policy, error) {
	v, err := db.Setting(ctx, "policy")
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return cartera.DefaultPolicy(), nil
	}
	if err != nil {
		return cartera.Policy{}, err
	}
	return cartera.UnmarshalPolicy([]byte(v))
}

// SavePolicy validates and stores the policy.
func (db *DB) SavePolicy(ctx context.Context, p cartera.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := cartera.MarshalPolicy(p)
	if err != nil {
		return err
	}
	return db.PutSetting(ctx, "policy", string(b))
}

// Setting returns a stored value.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", cartera.NewError(cartera.ENOTFOUND, "setting.not_found", "key", key)
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

// PutSetting stores a value.
func (db *DB) PutSetting(ctx context.Context, key, value string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1`, key, value)
		return err
	})
}

// TakeSetting reads and deletes a value in one transaction.
func (db *DB) TakeSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `DELETE FROM settings WHERE key = ? RETURNING value`, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return cartera.NewError(cartera.ENOTFOUND, "setting.not_found", "key", key)
		}
		return err
	})
	return v, err
}

// write runs fn in a write transaction that also counts one generation.
func (db *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := bump(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
