package sqlrow

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
)

// Summaries read without the clients' records: counts for choosing how to
// refresh them, and the figures the dashboard adds up.

// CountStaleSummaries counts the clients without a summary for key, and
// every client. A summary exists for at most one key per client, so the
// stale ones are the clients less the summaries of key.
func (sh Shared) CountStaleSummaries(ctx context.Context, key string) (stale, total int, err error) {
	var all, fresh int64
	if err := sh.read.QueryRow(ctx, `SELECT (SELECT count(*) FROM clients),
		(SELECT count(*) FROM client_summary WHERE key = ?)`, key).Scan(&all, &fresh); err != nil {
		return 0, 0, fmt.Errorf("summaries: %w", err)
	}
	return int(all - fresh), int(all), nil
}

// EachStoredSummary streams the stored summaries (of one owner, when
// set), stale ones included, in client id order, from client_summary
// alone: its currency, owner and figures are the client's as of the
// summary, so no client row is read, and the reasons' text is left out.
func (sh Shared) EachStoredSummary(ctx context.Context, owner string, fn func(cartera.Summary) error) error {
	where, args := "", []any{}
	if owner != "" {
		where, args = "WHERE owner_key = ?", []any{cartera.Fold(owner)}
	}
	return sh.read.Each(ctx, `SELECT client_id, verdict, currency, revenue, margin, margin_pct, has_revenue, hours,
		discounts, concessions, overdue, score, level, breaches
		FROM client_summary `+where+` ORDER BY client_id`, func(r Row) error {
		var s cartera.Summary
		var verdict, cur string
		var pct, hours, score, breaches int64
		if err := r.Scan(&s.ClientID, &verdict, &cur, &s.Revenue, &s.Margin, &pct, &s.HasRevenue, &hours,
			&s.Discounts, &s.Concessions, &s.Overdue, &score, &s.Level, &breaches); err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
		s.Verdict, s.Currency = cartera.Verdict(verdict), cartera.Currency(cur)
		s.MarginPct, s.Hours, s.Score, s.Breaches = cartera.BasisPoints(pct), cartera.Hours(hours), cartera.Tenths(score), int(breaches)
		return fn(s)
	}, args...)
}
