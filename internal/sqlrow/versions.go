package sqlrow

import (
	"context"

	"github.com/cartera/cartera"
)

// CheckSave is the version rule of every single save (cartera.RecordStore):
// version 0 creates, and fails with ECONFLICT "record.exists" when the id
// is taken, so that a save without a version never overwrites a row; any
// other version must be the stored one (ECONFLICT "record.stale"), of a
// record that still exists (ENOTFOUND). Writers take turns, so no other
// transaction can create the id between the check and the write.
func CheckSave(ctx context.Context, q Q, table, id string, version int64) error {
	var stored int64
	err := q.QueryRow(ctx, `SELECT version FROM `+table+` WHERE id = ?`, id).Scan(&stored)
	switch {
	case NoRows(err) && version == 0:
		return nil
	case NoRows(err):
		return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
	case err != nil:
		return err
	case version == 0:
		return cartera.NewError(cartera.ECONFLICT, "record.exists", "id", id)
	case stored != version:
		return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", id, "version", version, "current", stored)
	}
	return nil
}

// CheckVersion is the version rule of deletes: version 0 deletes whatever
// is stored; any other must be the stored one.
func CheckVersion(ctx context.Context, q Q, table, id string, version int64) error {
	return checkVersion(ctx, q, table, "id", id, version)
}

// CheckVersionBy is CheckVersion for tables keyed by deal.
func CheckVersionBy(ctx context.Context, q Q, table, dealID string, version int64) error {
	return checkVersion(ctx, q, table, "deal_id", dealID, version)
}

func checkVersion(ctx context.Context, q Q, table, key, id string, version int64) error {
	if version == 0 {
		return nil
	}
	var stored int64
	err := q.QueryRow(ctx, `SELECT version FROM `+table+` WHERE `+key+` = ?`, id).Scan(&stored)
	if NoRows(err) {
		return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
	}
	if err != nil {
		return err
	}
	if stored != version {
		return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", id, "version", version, "current", stored)
	}
	return nil
}

// ClientCurrency returns the currency of a client inside a transaction, or
// a field error naming the unknown client.
func ClientCurrency(ctx context.Context, q Q, id string) (cartera.Currency, error) {
	var cur string
	err := q.QueryRow(ctx, `SELECT currency FROM clients WHERE id = ?`, id).Scan(&cur)
	if NoRows(err) {
		return "", cartera.FieldError("client_id", "value.unknown_client", "value", id)
	}
	return cartera.Currency(cur), err
}

// exists says whether a row matches a condition with one parameter.
func exists(ctx context.Context, q Q, table, key string, value any) (bool, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+table+` WHERE `+key+` = ? LIMIT 1) x`, value).Scan(&n)
	return n > 0, err
}
