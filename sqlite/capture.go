package sqlite

import (
	"context"

	"github.com/cartera/cartera"
)

// The match table, the unmatched identifiers and the provenance of
// captured records (migration 0006).

func (t *importTx) PutProvenance(ctx context.Context, rows []cartera.Provenance) error {
	st, err := t.tx.PrepareContext(ctx, `INSERT INTO provenance (entity, record_id, source, origin, original_id, import_id)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (entity, record_id) DO UPDATE SET source = excluded.source,
		origin = excluded.origin, original_id = excluded.original_id, import_id = excluded.import_id`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, p := range rows {
		if _, err := st.ExecContext(ctx, string(p.Entity), p.RecordID, p.Source, p.Origin, p.OriginalID, t.id); err != nil {
			return err
		}
	}
	return nil
}

func (t *importTx) PutUnmatched(ctx context.Context, rows []cartera.Unmatched) error {
	st, err := t.tx.PrepareContext(ctx, `INSERT INTO match_unmatched (kind, value, source, hint, seen, last)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, value) DO UPDATE SET source = excluded.source, hint = excluded.hint,
		seen = excluded.seen, last = max(coalesce(match_unmatched.last, excluded.last), coalesce(excluded.last, match_unmatched.last))`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, u := range rows {
		if _, err := st.ExecContext(ctx, string(u.Kind), u.Value, u.Source, u.Hint, u.Seen, nullDay(u.Last)); err != nil {
			return err
		}
	}
	return nil
}
