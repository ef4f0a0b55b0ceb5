package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"sync"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// dashboard returns the dashboard for a user, from the cache when nothing
// was written since it was built; updating says it shows the last
// summaries assessed while the current ones are being assessed.
//
// Adding up 100,000 stored summaries takes about a second, more while the
// portfolio is being assessed on the same cores, so a visitor never waits
// for it while the summaries are being updated: the dashboard answers with
// the last one built for the same owner (kept across generations, built at
// start by warm), marked as being updated. Only a visitor for whom none
// was built yet waits for one from the summaries stored.
func (s *Server) dashboard(ctx context.Context, u *cartera.User) (d *review.Dashboard, updating bool, err error) {
	owner := ""
	if u != nil && u.Role == cartera.RoleSeller {
		owner = u.Name
	}
	gen, pol, err := s.state(ctx)
	if err != nil {
		return nil, false, err
	}
	asOf := cartera.DateFromTime(s.cfg.Now().In(pol.Location()))
	key := s.summaryKey(ctx, gen, asOf, pol)
	if updating, err = s.summaries(ctx, gen, asOf, key); err != nil {
		return nil, false, err
	}
	folded := cartera.Fold(owner)
	if l, ok := s.last.get(folded); ok && (updating || l.current(gen, key)) {
		return l.d, updating, nil
	}
	dk := key + "|" + folded
	if updating {
		dk += "|updating"
	}
	d, err = s.dash.do(ctx, gen, dk, func(ctx context.Context) (*review.Dashboard, error) {
		d, err := review.BuildDashboard(ctx, s.st, asOf, owner)
		if err == nil {
			s.last.put(folded, lastDashboard{d: d, gen: gen, key: key, fresh: !updating})
		}
		return d, err
	})
	return d, updating, err
}

// lastDashboard is a dashboard built at a generation from the summaries
// stored then: fresh when they were those of key.
type lastDashboard struct {
	d     *review.Dashboard
	gen   int64
	key   string
	fresh bool
}

// current says whether the dashboard is the one for key at gen.
func (l lastDashboard) current(gen int64, key string) bool {
	return l.fresh && l.gen == gen && l.key == key
}

// lastDashboards are the last dashboard built for each owner (folded;
// "" is everyone's), whatever their generation: one per seller at most.
type lastDashboards struct {
	mu sync.Mutex
	m  map[string]lastDashboard
}

func (l *lastDashboards) get(owner string) (lastDashboard, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.m[owner]
	return d, ok
}

// put keeps d unless a dashboard of a later generation is kept already.
func (l *lastDashboards) put(owner string, d lastDashboard) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.m[owner]; ok && old.gen > d.gen {
		return
	}
	if l.m == nil {
		l.m = map[string]lastDashboard{}
	}
	l.m[owner] = d
}

// warm builds everyone's dashboard from the summaries stored, current or
// not, before the server accepts connections and before the scheduler
// starts assessing: the first visitor after a start, on a new day or not,
// finds it ready (about a second at 100,000 clients, paid once at start).
func (s *Server) warm(ctx context.Context) error {
	gen, pol, err := s.state(ctx)
	if err != nil {
		return err
	}
	asOf := cartera.DateFromTime(s.cfg.Now().In(pol.Location()))
	key := s.summaryKey(ctx, gen, asOf, pol)
	stale, _, err := s.st.CountStaleSummaries(ctx, key)
	if err != nil {
		return err
	}
	d, err := review.BuildDashboard(ctx, s.st, asOf, "")
	if err != nil {
		return err
	}
	s.last.put("", lastDashboard{d: d, gen: gen, key: key, fresh: stale == 0})
	s.log.Info("dashboard ready", "stale_summaries", stale)
	return nil
}

type dashboardPage struct {
	D        *review.Dashboard
	Chart    template.HTML // the quadrant at both sizes, rendered once per dashboard and language
	Verdicts []cartera.Verdict
	Pipeline pipelineSummary
}

// pipelineSummary is the pipeline at a glance: this quarter's illusion per
// currency and how many open deals nobody has checked lately.
type pipelineSummary struct {
	Period forecast.Period
	Totals []*forecast.Line
	Open   int
	Stale  int
}

// pipelineSummary reads the summary from the cached forecast and board.
func (s *Server) pipelineSummary(r *http.Request) (pipelineSummary, error) {
	seller := rc(r).owner()
	period, err := forecast.ParsePeriod("", s.asOf(r))
	if err != nil {
		return pipelineSummary{}, err
	}
	f, err := s.forecastFor(r, period, seller)
	if err != nil {
		return pipelineSummary{}, err
	}
	b, err := s.board(r, seller)
	if err != nil {
		return pipelineSummary{}, err
	}
	out := pipelineSummary{Period: period, Totals: f.Totals, Stale: b.Board.Stale}
	for _, c := range b.Board.Columns {
		out.Open += c.Deals
	}
	return out, nil
}

// chart renders the quadrant SVG through its template (so names are
// escaped), once per dashboard and language: with hundreds of bubbles it
// is most of the page's work. A dashboard never changes once built, so
// its chart is kept across generations (the cache's generation is fixed):
// while the summaries are being updated after a write, the dashboard
// shown is the last one built, and so is its chart — the first visitor
// after an import does not draw it again while the assessment holds the
// cores.
func (s *Server) chart(r *http.Request, d *review.Dashboard, p *i18n.Printer) (template.HTML, error) {
	return s.charts.do(r.Context(), 0, chartKey{d, p.Lang}, func(context.Context) (template.HTML, error) {
		return s.renderChart(d, p)
	})
}

// chartKey is a dashboard and a language: the dashboard's address names it
// (the key holds it, so the address is not reused while the chart is kept).
type chartKey struct {
	d    *review.Dashboard
	lang i18n.Lang
}

func (s *Server) renderChart(d *review.Dashboard, p *i18n.Printer) (template.HTML, error) {
	var buf bytes.Buffer
	data := struct {
		P        *i18n.Printer
		Qs       []quadrant
		Verdicts []cartera.Verdict
	}{p, newQuadrants(d.Points, d.Today, d.Policy, p), cartera.Verdicts}
	if err := s.pages.set["dashboard"].ExecuteTemplate(&buf, "quadrant", data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// dashboardShow is the first page: totals, the quadrant, what to do today,
// red lines, and the loudest-versus-valuable finding.
func (s *Server) dashboardShow(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	d, updating, err := s.dashboard(r.Context(), c.user)
	if err != nil {
		return err
	}
	c.updating = updating
	chart, err := s.chart(r, d, c.p)
	if err != nil {
		return err
	}
	ps, err := s.pipelineSummary(r)
	if err != nil {
		return err
	}
	return s.page(w, r, "dashboard", "dashboard", dashboardPage{D: d, Chart: chart, Verdicts: cartera.Verdicts, Pipeline: ps})
}

// Money builds an amount for the template.
func (dashboardPage) Money(amount int64, cur cartera.Currency) cartera.Money {
	return cartera.Money{Amount: amount, Currency: cur}
}
