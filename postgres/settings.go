package postgres

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/jackc/pgx/v5"
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
	err := db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if noRows(err) {
		return "", cartera.NewError(cartera.ENOTFOUND, "setting.not_found", "key", key)
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

// PutSetting stores a value.
func (db *DB) PutSetting(ctx context.Context, key, value string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1`, key, value)
		return err
	})
}

// TakeSetting reads and deletes a value in one transaction.
func (db *DB) TakeSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `DELETE FROM settings WHERE key = $1 RETURNING value`, key).Scan(&v)
		if noRows(err) {
			return cartera.NewError(cartera.ENOTFOUND, "setting.not_found", "key", key)
		}
		return err
	})
	return v, err
}
