package sqlrow

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
)

// Policy returns the stored policy (its Version is the setting's) or the
// defaults (Version 0).
func (sh Shared) Policy(ctx context.Context) (cartera.Policy, error) {
	v, rev, err := sh.SettingAt(ctx, "policy")
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
func (sh Shared) SavePolicy(ctx context.Context, p cartera.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := cartera.MarshalPolicy(p)
	if err != nil {
		return err
	}
	_, err = sh.PutSettingAt(ctx, "policy", string(b), p.Version)
	return err
}

// SettingAt returns a stored value and its version.
func (sh Shared) SettingAt(ctx context.Context, key string) (string, int64, error) {
	var v string
	var rev int64
	err := sh.read.QueryRow(ctx, `SELECT value, rev FROM settings WHERE key = ?`, key).Scan(&v, &rev)
	if NoRows(err) {
		return "", 0, cartera.NewError(cartera.ENOTFOUND, "setting.not_found", "key", key)
	}
	if err != nil {
		return "", 0, fmt.Errorf("setting %s: %w", key, err)
	}
	return v, rev, nil
}

// PutSettingAt stores a value at the version it was read at.
func (sh Shared) PutSettingAt(ctx context.Context, key, value string, version int64) (int64, error) {
	var rev int64
	err := sh.write(ctx, func(q Q) error {
		var err error
		rev, err = PutSettingAt(ctx, q, key, value, version)
		return err
	})
	return rev, err
}

// PutSettingAt writes a versioned setting inside a write transaction:
// version 0 only when none is stored, otherwise the stored one (ECONFLICT
// "setting.stale"). Writers take turns, so the read and the write agree.
func PutSettingAt(ctx context.Context, q Q, key, value string, version int64) (int64, error) {
	var stored int64
	err := q.QueryRow(ctx, `SELECT rev FROM settings WHERE key = ?`, key).Scan(&stored)
	if NoRows(err) {
		stored, err = 0, nil
	}
	if err != nil {
		return 0, err
	}
	if stored != version {
		return 0, cartera.NewError(cartera.ECONFLICT, "setting.stale", "key", key, "version", version, "current", stored)
	}
	if err := putSetting(ctx, q, key, value); err != nil {
		return 0, err
	}
	return stored + 1, nil
}

func putSetting(ctx context.Context, q Q, key, value string) error {
	_, err := q.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1`, key, value)
	return err
}

// Setting returns a stored value.
func (sh Shared) Setting(ctx context.Context, key string) (string, error) {
	v, _, err := sh.SettingAt(ctx, key)
	return v, err
}

// PutSetting stores a value, whatever is stored.
func (sh Shared) PutSetting(ctx context.Context, key, value string) error {
	return sh.write(ctx, func(q Q) error { return putSetting(ctx, q, key, value) })
}

// TakeSetting reads and deletes a value in one transaction.
func (sh Shared) TakeSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := sh.write(ctx, func(q Q) error {
		err := q.QueryRow(ctx, `DELETE FROM settings WHERE key = ? RETURNING value`, key).Scan(&v)
		if NoRows(err) {
			return cartera.NewError(cartera.ENOTFOUND, "setting.not_found", "key", key)
		}
		return err
	})
	return v, err
}
