package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/storetest"
)

// The pages of deals walk the primary key in id order, except a client's
// deals, which come from the client index (capture asks for each client
// with mail; walking a million deals for each was the slow part).
func TestDealPagesQueryPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), storetest.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		q    cartera.DealQuery
		want string
	}{
		{cartera.DealQuery{Outcome: cartera.OutcomeOpen}, "USING PRIMARY KEY"},
		{cartera.DealQuery{Outcome: cartera.OutcomeOpen, Stage: "lead"}, "USING PRIMARY KEY"},
		{cartera.DealQuery{Outcome: cartera.OutcomeOpen, ClientID: "C-1"}, "USING INDEX deals_client (client_id=? AND id>?)"},
	} {
		query, args := listDealsQuery(tc.q, "", 100)
		if p := queryPlan(t, db.r, query, args...); !strings.Contains(p, tc.want) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%+v: plan %q, want %q without a sort", tc.q, p, tc.want)
		}
	}
}

// queryPlan is SQLite's plan for a query, its steps joined by "; ".
func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
