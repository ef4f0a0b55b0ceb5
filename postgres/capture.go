package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// The match table, the unmatched identifiers and the provenance of
// captured records (migration 0007).

// MatchRules returns every rule by kind and value.
func (db *DB) MatchRules(ctx context.Context) ([]cartera.MatchRule, error) {
	var out []cartera.MatchRule
	err := eachRecord(ctx, db.pool, `SELECT `+sqlrow.MatchColumns+` FROM match_rules ORDER BY kind, value`, sqlrow.ScanMatchRule,
		func(r cartera.MatchRule) error { out = append(out, r); return nil })
	return out, err
}

// SaveMatchRule stores a rule after checking what it points to, and takes
// the identifier off the unmatched list.
func (db *DB) SaveMatchRule(ctx context.Context, r cartera.MatchRule) (cartera.MatchRule, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	err := db.write(ctx, func(tx pgx.Tx) error {
		var stored int64
		err := tx.QueryRow(ctx, `SELECT version FROM match_rules WHERE kind = $1 AND value = $2`, string(r.Kind), r.Value).Scan(&stored)
		switch {
		case noRows(err):
			if r.Version != 0 {
				return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", r.Value)
			}
		case err != nil:
			return err
		case r.Version != 0 && r.Version != stored:
			return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", r.Value, "version", r.Version, "current", stored)
		}
		if err := checkMatchRefs(ctx, tx, r); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO match_rules (kind, value, role, client_id, contact_id, deal_id)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, value) DO UPDATE SET role = excluded.role,
			client_id = excluded.client_id, contact_id = excluded.contact_id, deal_id = excluded.deal_id,
			version = match_rules.version + 1`,
			string(r.Kind), r.Value, string(r.Role), sqlrow.NullText(r.ClientID), sqlrow.NullText(r.ContactID), sqlrow.NullText(r.DealID)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM match_unmatched WHERE kind = $1 AND value = $2`, string(r.Kind), r.Value); err != nil {
			return err
		}
		if r.Kind == cartera.MatchDomain {
			_, err := tx.Exec(ctx, `DELETE FROM match_unmatched WHERE kind = 'email' AND value LIKE $1 ESCAPE '\'`,
				"%@"+likeEscape(r.Value))
			return err
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	return sqlrow.ScanMatchRule(db.pool.QueryRow(ctx, `SELECT `+sqlrow.MatchColumns+` FROM match_rules WHERE kind = $1 AND value = $2`,
		string(r.Kind), r.Value))
}

// checkMatchRefs checks that the client exists and that the contact and
// the deal are the client's.
func checkMatchRefs(ctx context.Context, tx pgx.Tx, r cartera.MatchRule) error {
	if r.ClientID == "" {
		return nil
	}
	if _, err := sqlrow.ClientCurrency(ctx, pgQ{tx}, r.ClientID); err != nil {
		return err
	}
	if r.ContactID != "" {
		var client string
		err := tx.QueryRow(ctx, `SELECT client_id FROM contacts WHERE id = $1`, r.ContactID).Scan(&client)
		switch {
		case noRows(err):
			return cartera.FieldError("contact_id", "value.unknown_contact", "value", r.ContactID)
		case err != nil:
			return err
		case client != r.ClientID:
			return cartera.FieldError("contact_id", "value.contact_other_client", "value", r.ContactID, "client", client)
		}
	}
	if r.DealID != "" {
		var client *string
		err := tx.QueryRow(ctx, `SELECT client_id FROM deals WHERE id = $1`, r.DealID).Scan(&client)
		switch {
		case noRows(err):
			return cartera.FieldError("deal_id", "signal.unknown_deal", "value", r.DealID)
		case err != nil:
			return err
		case client == nil || *client != r.ClientID:
			return cartera.FieldError("deal_id", "match.deal_other_client", "value", r.DealID, "client", r.ClientID)
		}
	}
	return nil
}

// DeleteMatchRule removes a rule.
func (db *DB) DeleteMatchRule(ctx context.Context, kind cartera.MatchKind, value string, version int64) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		var stored int64
		err := tx.QueryRow(ctx, `SELECT version FROM match_rules WHERE kind = $1 AND value = $2`, string(kind), value).Scan(&stored)
		switch {
		case noRows(err):
			return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", value)
		case err != nil:
			return err
		case version != 0 && version != stored:
			return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", value, "version", version, "current", stored)
		}
		_, err = tx.Exec(ctx, `DELETE FROM match_rules WHERE kind = $1 AND value = $2`, string(kind), value)
		return err
	})
}

// UnmatchedItems lists what no rule explained, most seen first.
func (db *DB) UnmatchedItems(ctx context.Context) ([]cartera.Unmatched, error) {
	var out []cartera.Unmatched
	err := each(ctx, db.pool, `SELECT kind, value, source, hint, seen, last FROM match_unmatched ORDER BY seen DESC, kind, value`,
		func(s sqlrow.Row) error {
			var u cartera.Unmatched
			var kind string
			var last *int64
			if err := s.Scan(&kind, &u.Value, &u.Source, &u.Hint, &u.Seen, &last); err != nil {
				return err
			}
			u.Kind, u.Last = cartera.MatchKind(kind), dayOf(last)
			out = append(out, u)
			return nil
		})
	return out, err
}

// Provenance returns where a record came from.
func (db *DB) Provenance(ctx context.Context, e cartera.Entity, id string) (cartera.Provenance, error) {
	p := cartera.Provenance{Entity: e, RecordID: id}
	err := db.pool.QueryRow(ctx, `SELECT source, origin, original_id FROM provenance WHERE entity = $1 AND record_id = $2`,
		string(e), id).Scan(&p.Source, &p.Origin, &p.OriginalID)
	if noRows(err) {
		return p, cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
	}
	return p, err
}

func (t *importTx) PutProvenance(ctx context.Context, rows []cartera.Provenance) error {
	b := &pgx.Batch{}
	for _, p := range rows {
		b.Queue(`INSERT INTO provenance (entity, record_id, source, origin, original_id, import_id)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (entity, record_id) DO UPDATE SET source = excluded.source,
		origin = excluded.origin, original_id = excluded.original_id, import_id = excluded.import_id`,
			string(p.Entity), p.RecordID, p.Source, p.Origin, p.OriginalID, t.id)
	}
	return t.tx.SendBatch(ctx, b).Close()
}

func (t *importTx) PutUnmatched(ctx context.Context, rows []cartera.Unmatched) error {
	b := &pgx.Batch{}
	for _, u := range rows {
		b.Queue(`INSERT INTO match_unmatched (kind, value, source, hint, seen, last)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, value) DO UPDATE SET source = excluded.source, hint = excluded.hint,
		seen = excluded.seen, last = greatest(match_unmatched.last, excluded.last)`,
			string(u.Kind), u.Value, u.Source, u.Hint, u.Seen, nullDay(u.Last))
	}
	return t.tx.SendBatch(ctx, b).Close()
}

// likeEscape escapes LIKE's wildcards.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
