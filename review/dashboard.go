package review

import (
	"context"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// Dashboard is what the web app's first page shows, built from the stored
// summaries so that it never re-assesses the portfolio.
type Dashboard struct {
	AsOf      cartera.Date
	Key       string
	Policy    cartera.Policy
	Portfolio *assess.Portfolio
	// Points are the clients drawn in the profitability quadrant: the
	// largest by revenue, up to MaxPoints.
	Points      []cartera.ClientRow
	PointsTotal int
	// Today lists the most urgent clients that need an action.
	Today []cartera.ClientRow
	// Breached lists the clients with the most red lines crossed.
	Breached []cartera.ClientRow
}

// MaxPoints caps the bubbles of the quadrant chart: beyond a few hundred a
// chart stops being readable.
const MaxPoints = 300

// BuildDashboard assembles the dashboard for one owner (a seller) or
// everyone (owner "") from the summaries stored: the caller refreshes them
// first (Refresh), or shows the ones of an earlier day while they are
// brought up to date.
func BuildDashboard(ctx context.Context, st cartera.Store, asOf cartera.Date, owner string) (*Dashboard, error) {
	pol, err := st.Policy(ctx)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{AsOf: asOf, Key: SummaryKey(asOf, pol), Policy: pol, Portfolio: assess.NewPortfolio(asOf)}
	// The totals and the attention finding read the summaries alone, one
	// scan of one table; the few clients shown are read after, by index.
	err = st.EachStoredSummary(ctx, owner, func(s cartera.Summary) error {
		if !s.Verdict.Valid() {
			return nil
		}
		d.Portfolio.AddSummary(s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Portfolio.Finish(pol)
	names := map[string]string{}
	err = d.Portfolio.Attention.Name(func(id string) (string, error) {
		if n, ok := names[id]; ok {
			return n, nil
		}
		c, err := st.Client(ctx, id)
		names[id] = c.Name
		return c.Name, err
	})
	if err != nil {
		return nil, err
	}
	d.PointsTotal = d.Portfolio.Clients
	// The quadrant's bubbles: the largest clients by revenue, walking the
	// revenue index down.
	q := cartera.ClientQuery{Owner: owner, Sort: cartera.SortRevenue, Desc: true}
	for len(d.Points) < min(MaxPoints, d.PointsTotal) {
		q.Limit = MaxPoints - len(d.Points)
		page, err := st.Clients(ctx, q)
		if err != nil {
			return nil, err
		}
		d.Points = append(d.Points, page.Rows...)
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	page, err := st.Clients(ctx, cartera.ClientQuery{Owner: owner, Sort: cartera.SortUrgency, Limit: 8})
	if err != nil {
		return nil, err
	}
	for _, r := range page.Rows {
		if r.Summary.Verdict != cartera.VerdictKeep {
			d.Today = append(d.Today, r)
		}
	}
	page, err = st.Clients(ctx, cartera.ClientQuery{Owner: owner, Sort: cartera.SortUrgency, Breached: true, Limit: 5})
	if err != nil {
		return nil, err
	}
	d.Breached = page.Rows
	return d, nil
}
