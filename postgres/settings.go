package postgres

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/jackc/pgx/v5"
)

// Policy returns the stored policy (its Version is the setting's) or the
// defaults (Version 0).
func (db *DB) Policy(ctx context.Context) (cartera.Policy, error) {
	v, rev, err := db.SettingAt(ctx, "policy")
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return cartera.DefaultPolicy(), nil
	}
	if err != nil {
		return cartera.Policy{}, err
	}
	p, err := cartera.UnmarshalPolicy([]byte(v))
	p.Version = rev
	return p, err
}

// SavePolicy validates and stores the policy, given the version it was
// read at (0: the defaults, none stored yet).
func (db *DB) SavePolicy(ctx context.Context, p cartera.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := cartera.MarshalPolicy(p)
	if err != nil {
		return err
	}
	_, err = db.PutSettingAt(ctx, "policy", string(b), p.Version)
	return err
}

// SettingAt returns a stored value and its version.
func (db *DB) SettingAt(ctx context.Context, key string) (string, int64, error) {
	var v string
	var rev int64
	err := db.pool.QueryRow(ctx, `SELECT value, rev FROM settings WHERE key = $1`, key).Scan(&v, &rev)
	if noRows(err) {
		return "", 0, cartera.NewError(cartera.ENOTFOUND, "setting.not_found", "key", key)
	}
	if err != nil {
		return "", 0, fmt.Errorf("setting %s: %w", key, err)
	}
	return v, rev, nil
}

// PutSettingAt stores a value at the version it was read at.
func (db *DB) PutSettingAt(ctx context.Context, key, value string, version int64) (int64, error) {
	var rev int64
	err := db.write(ctx, func(tx pgx.Tx) error {
		var err error
		rev, err = putSettingAt(ctx, tx, key, value, version)
		return err
	})
	return rev, err
}

// putSettingAt writes a versioned setting inside tx (writers take turns):
// version 0 only when none is stored, otherwise the stored one
// (ECONFLICT "setting.stale").
func putSettingAt(ctx context.Context, tx pgx.Tx, key, value string, version int64) (int64, error) {
	var stored int64
	err := tx.QueryRow(ctx, `SELECT rev FROM settings WHERE key = $1`, key).Scan(&stored)
	if noRows(err) {
		stored, err = 0, nil
	}
	if err != nil {
		return 0, err
	}
	if stored != version {
		return 0, cartera.NewError(cartera.ECONFLICT, "setting.stale", "key", key, "version", version, "current", stored)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1`, key, value); err != nil {
		return 0, err
	}
	return stored + 1, nil
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
