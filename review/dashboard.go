package review

import (
	"container/heap"
	"context"
	"sort"

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
	top := &byRevenue{}
	err = st.EachSummary(ctx, owner, func(r cartera.ClientRow) error {
		if !r.Summary.Verdict.Valid() {
			return nil // appeared since the refresh (next time), or unassessed (it says why in the list)
		}
		d.Portfolio.AddSummary(r.Client, r.Summary)
		d.PointsTotal++
		heap.Push(top, r)
		if top.Len() > MaxPoints {
			heap.Pop(top)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Portfolio.Finish(pol)
	d.Points = top.rows
	sort.Slice(d.Points, func(i, j int) bool { return d.Points[i].Summary.Revenue > d.Points[j].Summary.Revenue })
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

// byRevenue is a min-heap on revenue: the root is the smallest kept.
type byRevenue struct{ rows []cartera.ClientRow }

func (h *byRevenue) Len() int           { return len(h.rows) }
func (h *byRevenue) Less(i, j int) bool { return h.rows[i].Summary.Revenue < h.rows[j].Summary.Revenue }
func (h *byRevenue) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *byRevenue) Push(x any)         { h.rows = append(h.rows, x.(cartera.ClientRow)) }
func (h *byRevenue) Pop() any {
	x := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return x
}
