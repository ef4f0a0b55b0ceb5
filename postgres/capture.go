package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// The match table, the unmatched identifiers and the provenance of
// captured records (migration 0007).

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
			string(u.Kind), u.Value, u.Source, u.Hint, u.Seen, sqlrow.NullDay(u.Last))
	}
	return t.tx.SendBatch(ctx, b).Close()
}
