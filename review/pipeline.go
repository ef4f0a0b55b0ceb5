package review

import (
	"context"
	"sort"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
)

// The pipeline side of the review: the forecast engine run over a store.
// Every function streams deals; only totals and the top few deals are held.

// PipelineModel loads the pipeline configuration and learns the stage rates
// from every closed deal.
func PipelineModel(ctx context.Context, st cartera.Store) (*forecast.Model, error) {
	p, err := st.Pipeline(ctx)
	if err != nil {
		return nil, err
	}
	tallies, err := st.ClosedByStage(ctx, 0)
	if err != nil {
		return nil, err
	}
	return forecast.New(p, forecast.LearnRates(p, tallies)), nil
}

// ForecastOptions select a forecast.
type ForecastOptions struct {
	Period forecast.Period
	AsOf   cartera.Date
	Owner  string // one seller only, when set
	// Carriers is how many of the deals carrying the gap are listed.
	Carriers int
}

// Forecast computes claimed against grounded for a period.
func Forecast(ctx context.Context, st cartera.Store, o ForecastOptions) (*forecast.Forecast, error) {
	m, err := PipelineModel(ctx, st)
	if err != nil {
		return nil, err
	}
	if o.Carriers == 0 {
		o.Carriers = 10
	}
	fc := forecast.NewForecast(m, o.Period, o.AsOf, o.Carriers)
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Owner: o.Owner}, func(f *cartera.DealFacts) error {
		fc.Add(f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fc.Finish(), nil
}

// BoardResult is the pipeline board with the deals to check.
type BoardResult struct {
	Board  *forecast.Board  `json:"board"`
	Checks *forecast.Checks `json:"checks"`
	Rates  []forecast.Rate  `json:"rates"`
}

// Board builds the pipeline board of open deals, keeping cards per column
// and up to checks stale deals.
func Board(ctx context.Context, st cartera.Store, asOf cartera.Date, owner string, cards, checks int) (*BoardResult, error) {
	m, err := PipelineModel(ctx, st)
	if err != nil {
		return nil, err
	}
	bb := forecast.NewBoard(m, asOf, cards)
	ch := forecast.NewChecks(checks)
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Owner: owner, Outcome: cartera.OutcomeOpen}, func(f *cartera.DealFacts) error {
		ch.Add(bb.Add(f))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &BoardResult{Board: bb.Finish(), Checks: ch.Finish(), Rates: m.Rates()}, nil
}

// DealsOptions select the open-deal list.
type DealsOptions struct {
	AsOf  cartera.Date
	Owner string
	Stage cartera.Stage
	// Stale keeps only deals that need a status check.
	Stale bool
	Limit int
}

// DealList is a page of grounded open deals.
type DealList struct {
	Deals []forecast.Grounded `json:"deals"`
	// Total counts every matching deal; Stale those needing a check.
	Total int `json:"total"`
	Stale int `json:"stale"`
}

// Deals lists open deals, grounded: stale ones longest unchecked first,
// others by expected close date.
func Deals(ctx context.Context, st cartera.Store, o DealsOptions) (*DealList, error) {
	m, err := PipelineModel(ctx, st)
	if err != nil {
		return nil, err
	}
	if o.Limit <= 0 {
		o.Limit = 50
	}
	out := &DealList{}
	checks := forecast.NewChecks(o.Limit)
	var all []forecast.Grounded
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Owner: o.Owner, Outcome: cartera.OutcomeOpen}, func(f *cartera.DealFacts) error {
		if o.Stage != "" && f.Deal.Stage != o.Stage {
			return nil
		}
		g := m.Ground(f, o.AsOf)
		if g.Stale {
			out.Stale++
		}
		if o.Stale {
			checks.Add(g)
			return nil
		}
		out.Total++
		all = append(all, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if o.Stale {
		checks.Finish()
		out.Deals, out.Total = checks.Deals, checks.Total
		return out, nil
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].Deal.ExpectedClose, all[j].Deal.ExpectedClose
		if (a == 0) != (b == 0) {
			return b == 0
		}
		return a < b
	})
	if len(all) > o.Limit {
		all = all[:o.Limit]
	}
	out.Deals = all
	return out, nil
}

// DealDetail is one deal grounded, with its evidence.
type DealDetail struct {
	Grounded forecast.Grounded `json:"assessment"`
	Signals  []cartera.Signal  `json:"signals"`
	Rates    []forecast.Rate   `json:"rates"`
	Client   *cartera.Client   `json:"client,omitempty"`
}

// Deal grounds one deal as of a day. A closed deal is shown as it stood
// when it closed.
func Deal(ctx context.Context, st cartera.Store, id string, asOf cartera.Date) (*DealDetail, error) {
	m, err := PipelineModel(ctx, st)
	if err != nil {
		return nil, err
	}
	var facts *cartera.DealFacts
	err = st.DealFacts(ctx, cartera.DealFactsQuery{IDs: []string{id}}, func(f *cartera.DealFacts) error {
		c := *f
		facts = &c
		return nil
	})
	if err != nil {
		return nil, err
	}
	if facts == nil {
		return nil, cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", id)
	}
	sigs, err := st.Signals(ctx, id)
	if err != nil {
		return nil, err
	}
	if !facts.Deal.Closed.IsZero() && facts.Deal.Closed < asOf {
		asOf = facts.Deal.Closed
	}
	out := &DealDetail{Grounded: m.Ground(facts, asOf), Signals: sigs, Rates: m.Rates()}
	if facts.Deal.ClientID != "" {
		if c, err := st.Client(ctx, facts.Deal.ClientID); err == nil {
			out.Client = &c
		}
	}
	return out, nil
}

// Calibrate scores claimed and grounded probabilities on every closed deal
// (of one seller, when owner is set), each grounded as of the pipeline's
// calibration horizon before it closed.
func Calibrate(ctx context.Context, st cartera.Store, owner string) (*forecast.Calibration, error) {
	p, err := st.Pipeline(ctx)
	if err != nil {
		return nil, err
	}
	// Rates are learned from every seller's closed deals, as of each day.
	var closed []forecast.ClosedDeal
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Outcome: cartera.OutcomeClosed}, func(f *cartera.DealFacts) error {
		closed = append(closed, forecast.ClosedDeal{Closed: f.Deal.Closed, Stage: f.Deal.Stage, Won: f.Deal.Outcome == cartera.OutcomeWon})
		return nil
	})
	if err != nil {
		return nil, err
	}
	c := forecast.NewCalibration(p, closed)
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Outcome: cartera.OutcomeClosed, Owner: owner, Horizon: max(p.CalibrationHorizon, 1)},
		func(f *cartera.DealFacts) error {
			c.Add(f)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return c.Finish(), nil
}

// GroundDeals grounds the given deals with a model, in the order of ids
// (unknown ids are left out): open deals as of asOf, closed ones as they
// stood when they closed. It serves a page of a deal list.
func GroundDeals(ctx context.Context, st cartera.Store, m *forecast.Model, ids []string, asOf cartera.Date) ([]forecast.Grounded, error) {
	if len(ids) == 0 {
		return []forecast.Grounded{}, nil // a nil IDs would select every deal
	}
	byID := make(map[string]forecast.Grounded, len(ids))
	err := st.DealFacts(ctx, cartera.DealFactsQuery{IDs: ids}, func(f *cartera.DealFacts) error {
		day := asOf
		if !f.Deal.Closed.IsZero() && f.Deal.Closed < day {
			day = f.Deal.Closed
		}
		byID[f.Deal.ID] = m.Ground(f, day)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]forecast.Grounded, 0, len(ids))
	for _, id := range ids {
		if g, ok := byID[id]; ok {
			out = append(out, g)
		}
	}
	return out, nil
}
