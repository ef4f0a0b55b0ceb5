package web

import (
	"context"
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/review"
)

// dashboard returns the dashboard for a user, from the cache when nothing
// was written since it was built.
func (s *Server) dashboard(ctx context.Context, u *cartera.User) (*review.Dashboard, error) {
	owner := ""
	if u != nil && u.Role == cartera.RoleSeller {
		owner = u.Name
	}
	pol, err := s.st.Policy(ctx)
	if err != nil {
		return nil, err
	}
	asOf := cartera.DateFromTime(s.cfg.Now().In(pol.Location()))
	gen, err := s.st.Generation(ctx)
	if err != nil {
		return nil, err
	}
	key := review.SummaryKey(asOf, pol) + "|" + cartera.Fold(owner)
	if d, ok := s.dash.get(key, gen); ok {
		return d.(*review.Dashboard), nil
	}
	d, err := review.BuildDashboard(ctx, s.st, asOf, owner)
	if err != nil {
		return nil, err
	}
	s.dash.put(key, gen, d)
	return d, nil
}

type dashboardPage struct {
	D        *review.Dashboard
	Quadrant quadrant
	Verdicts []cartera.Verdict
}

// dashboardShow is the first page: totals, the quadrant, what to do today,
// red lines, and the loudest-versus-valuable finding.
func (s *Server) dashboardShow(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	d, err := s.dashboard(r.Context(), c.user)
	if err != nil {
		return err
	}
	return s.page(w, r, "dashboard", "dashboard", dashboardPage{D: d, Quadrant: newQuadrant(d.Points, d.Policy, c.p.Percent),
		Verdicts: cartera.Verdicts})
}
