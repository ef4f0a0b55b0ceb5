package sqlite

import (
	"context"
	"database/sql"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

// computeFacts computes the facts of the clients selected by q, in id
// order, within tx, from their ledgers (see sqlrow.EachFacts); with save,
// tx is the write transaction and the ledgers it had to rebuild are stored.
func computeFacts(ctx context.Context, tx *sql.Tx, q cartera.FactsQuery, save bool, fn func(*cartera.ClientFacts) error) error {
	return sqlrow.EachFacts(ctx, sqlQ{tx}, q, save, fn)
}
