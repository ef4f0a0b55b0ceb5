package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cartera/cartera"
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
	err := db.queryRow(ctx, `SELECT value, rev FROM settings WHERE key = ?`, key).Scan(&v, &rev)
	if errors.Is(err, sql.ErrNoRows) {
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
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		rev, err = putSettingAt(ctx, tx, key, value, version)
		return err
	})
	return rev, err
}

// putSettingAt writes a versioned setting inside tx: version 0 only when
// none is stored, otherwise the stored one (ECONFLICT "setting.stale").
func putSettingAt(ctx context.Context, tx *sql.Tx, key, value string, version int64) (int64, error) {
	var stored int64
	err := tx.QueryRowContext(ctx, `SELECT rev FROM settings WHERE key = ?`, key).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		stored, err = 0, nil
	}
	if err != nil {
		return 0, err
	}
	if stored != version {
		return 0, cartera.NewError(cartera.ECONFLICT, "setting.stale", "key", key, "version", version, "current", stored)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1`, key, value); err != nil {
		return 0, err
	}
	return stored + 1, nil
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
