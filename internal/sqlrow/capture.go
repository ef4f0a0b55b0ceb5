package sqlrow

import (
	"context"
	"strings"

	"github.com/cartera/cartera"
)

// The match table, the unmatched identifiers and the provenance of
// captured records (SQLite migration 0006, PostgreSQL 0007). Writing the
// unmatched list and provenance in bulk stays in each store's import.

// MatchRules returns every rule by kind and value.
func (sh Shared) MatchRules(ctx context.Context) ([]cartera.MatchRule, error) {
	var out []cartera.MatchRule
	err := EachRecord(ctx, sh.read, `SELECT `+MatchColumns+` FROM match_rules ORDER BY kind, value`, ScanMatchRule,
		func(r cartera.MatchRule) error { out = append(out, r); return nil })
	return out, err
}

// SaveMatchRule stores a rule after checking what it points to, and takes
// the identifier off the unmatched list.
func (sh Shared) SaveMatchRule(ctx context.Context, r cartera.MatchRule) (cartera.MatchRule, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	err := sh.write(ctx, func(q Q) error {
		var stored int64
		err := q.QueryRow(ctx, `SELECT version FROM match_rules WHERE kind = ? AND value = ?`, string(r.Kind), r.Value).Scan(&stored)
		switch {
		case NoRows(err):
			if r.Version != 0 {
				return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", r.Value)
			}
		case err != nil:
			return err
		case r.Version != 0 && r.Version != stored:
			return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", r.Value, "version", r.Version, "current", stored)
		}
		if err := checkMatchRefs(ctx, q, r); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `INSERT INTO match_rules (kind, value, role, client_id, contact_id, deal_id)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, value) DO UPDATE SET role = excluded.role,
			client_id = excluded.client_id, contact_id = excluded.contact_id, deal_id = excluded.deal_id,
			version = match_rules.version + 1`,
			string(r.Kind), r.Value, string(r.Role), NullText(r.ClientID), NullText(r.ContactID), NullText(r.DealID)); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM match_unmatched WHERE kind = ? AND value = ?`, string(r.Kind), r.Value); err != nil {
			return err
		}
		if r.Kind == cartera.MatchDomain {
			_, err := q.Exec(ctx, `DELETE FROM match_unmatched WHERE kind = 'email' AND value LIKE ? ESCAPE '\'`,
				"%@"+likeEscape(r.Value))
			return err
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	return ScanMatchRule(sh.read.QueryRow(ctx, `SELECT `+MatchColumns+` FROM match_rules WHERE kind = ? AND value = ?`,
		string(r.Kind), r.Value))
}

// checkMatchRefs checks that the client exists and that the contact and
// the deal are the client's.
func checkMatchRefs(ctx context.Context, q Q, r cartera.MatchRule) error {
	if r.ClientID == "" {
		return nil
	}
	if _, err := ClientCurrency(ctx, q, r.ClientID); err != nil {
		return err
	}
	if r.ContactID != "" {
		var client string
		err := q.QueryRow(ctx, `SELECT client_id FROM contacts WHERE id = ?`, r.ContactID).Scan(&client)
		switch {
		case NoRows(err):
			return cartera.FieldError("contact_id", "value.unknown_contact", "value", r.ContactID)
		case err != nil:
			return err
		case client != r.ClientID:
			return cartera.FieldError("contact_id", "value.contact_other_client", "value", r.ContactID, "client", client)
		}
	}
	if r.DealID != "" {
		var client *string
		err := q.QueryRow(ctx, `SELECT client_id FROM deals WHERE id = ?`, r.DealID).Scan(&client)
		switch {
		case NoRows(err):
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
func (sh Shared) DeleteMatchRule(ctx context.Context, kind cartera.MatchKind, value string, version int64) error {
	return sh.write(ctx, func(q Q) error {
		var stored int64
		err := q.QueryRow(ctx, `SELECT version FROM match_rules WHERE kind = ? AND value = ?`, string(kind), value).Scan(&stored)
		switch {
		case NoRows(err):
			return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", value)
		case err != nil:
			return err
		case version != 0 && version != stored:
			return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", value, "version", version, "current", stored)
		}
		_, err = q.Exec(ctx, `DELETE FROM match_rules WHERE kind = ? AND value = ?`, string(kind), value)
		return err
	})
}

// UnmatchedItems lists what no rule explained, most seen first.
func (sh Shared) UnmatchedItems(ctx context.Context) ([]cartera.Unmatched, error) {
	var out []cartera.Unmatched
	err := sh.read.Each(ctx, `SELECT kind, value, source, hint, seen, last FROM match_unmatched ORDER BY seen DESC, kind, value`,
		func(s Row) error {
			var u cartera.Unmatched
			var kind string
			var last *int64
			if err := s.Scan(&kind, &u.Value, &u.Source, &u.Hint, &u.Seen, &last); err != nil {
				return err
			}
			u.Kind, u.Last = cartera.MatchKind(kind), DayOf(last)
			out = append(out, u)
			return nil
		})
	return out, err
}

// Provenance returns where a record came from.
func (sh Shared) Provenance(ctx context.Context, e cartera.Entity, id string) (cartera.Provenance, error) {
	p := cartera.Provenance{Entity: e, RecordID: id}
	err := sh.read.QueryRow(ctx, `SELECT source, origin, original_id FROM provenance WHERE entity = ? AND record_id = ?`,
		string(e), id).Scan(&p.Source, &p.Origin, &p.OriginalID)
	if NoRows(err) {
		return p, cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
	}
	return p, err
}

// likeEscape escapes LIKE's wildcards.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
