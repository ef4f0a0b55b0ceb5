package review

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
)

// The pipeline side of the review: the forecast engine run over a store.
// Every function streams deals; only totals and the top few deals are held.

// PipelineModel loads the pipeline configuration and learns the stage rates
// from every closed deal.
func PipelineModel(ctx context.Context, st cartera.Store) (*forecast.Model, error) {
	return ModelAsOf(ctx, st, 0)
}

// ModelAsOf learns the stage rates only from the deals closed on or before
// asOf (every closed deal when it is zero): a past day's figures do not
// know what closed after it.
func ModelAsOf(ctx context.Context, st cartera.Store, asOf cartera.Date) (*forecast.Model, error) {
	p, err := st.Pipeline(ctx)
	if err != nil {
		return nil, err
	}
	before := cartera.Date(0)
	if !asOf.IsZero() {
		before = asOf + 1
	}
	tallies, err := st.ClosedByStage(ctx, before)
	if err != nil {
		return nil, err
	}
	m := forecast.New(p, forecast.LearnRates(p, tallies))
	snap, ok, err := LoadFit(ctx, st)
	if err != nil || !ok {
		return m, err
	}
	day := asOf
	if day.IsZero() {
		day = snap.AsOf // today, as far as the fit knows
	}
	if snap.AsOf > day {
		return m, nil // learned after the day asked about: it would leak
	}
	closed, err := closedDeals(ctx, st, day, false)
	if err != nil {
		return nil, err
	}
	return m.WithSnapshot(snap, closed, day), nil
}

// fitKey is the setting the backtest's decision is kept under.
const fitKey = "forecast_fit"

// LoadFit reads the decision the last backtest stored, if any.
func LoadFit(ctx context.Context, st cartera.Store) (forecast.Snapshot, bool, error) {
	var snap forecast.Snapshot
	v, err := st.Setting(ctx, fitKey)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return snap, false, nil
	}
	if err != nil {
		return snap, false, err
	}
	if err := json.Unmarshal([]byte(v), &snap); err != nil {
		return snap, false, nil // an unreadable fit is no fit: the expert factors apply
	}
	return snap, true, nil
}

// closedDeals lists what the backtest and the fitted model need of every
// deal closed by asOf (all of them when zero). With stages, a deal stored
// "stage unknown" takes the last stage its history entered on or before
// its close day, as ClosedByStage counts it, so that the backtest's stage
// rates learn from every stage a history tells; a move dated after the
// close, or after asOf, never counts. The live model reads only sellers,
// accounts and titles of these deals (its rates come from ClosedByStage)
// and skips that pass over the histories.
func closedDeals(ctx context.Context, st cartera.Store, asOf cartera.Date, stages bool) ([]forecast.ClosedDeal, error) {
	var closed []forecast.ClosedDeal
	// The deals as stored, not as of a cut: a closed deal's own fields do
	// not change with the day, and its stored stage is the one its source
	// gave, known or not.
	unknown := map[string]int{} // stage unknown: deal id → index in closed
	err := st.DealFacts(ctx, cartera.DealFactsQuery{Outcome: cartera.OutcomeClosed}, func(f *cartera.DealFacts) error {
		d := &f.Deal
		if !asOf.IsZero() && d.Closed > asOf {
			return nil
		}
		if d.Stage == "" && stages {
			unknown[d.ID] = len(closed)
		}
		closed = append(closed, forecast.ClosedDeal{Closed: d.Closed, Stage: d.Stage, Won: d.Outcome == cartera.OutcomeWon,
			Owner: d.Owner, Account: forecast.AccountOf(d), Product: forecast.ProductOf(d)})
		return nil
	})
	if err != nil || len(unknown) == 0 {
		return closed, err
	}
	// Moves come oldest first within each deal: the last one by the close
	// day is the stage it closed from.
	err = st.EachStageMove(ctx, func(m cartera.StageMove) error {
		if i, ok := unknown[m.DealID]; ok && m.Day <= closed[i].Closed {
			closed[i].Stage = m.Stage
		}
		return nil
	})
	return closed, err
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
	m, err := ModelAsOf(ctx, st, o.AsOf)
	if err != nil {
		return nil, err
	}
	if o.Carriers == 0 {
		o.Carriers = 10
	}
	fc := forecast.NewForecast(m, o.Period, o.AsOf, o.Carriers)
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Owner: o.Owner, Cut: o.AsOf}, func(f *cartera.DealFacts) error {
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
	m, err := ModelAsOf(ctx, st, asOf)
	if err != nil {
		return nil, err
	}
	bb := forecast.NewBoard(m, asOf, cards)
	ch := forecast.NewChecks(checks)
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Owner: owner, Outcome: cartera.OutcomeOpen, Cut: asOf}, func(f *cartera.DealFacts) error {
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
	m, err := ModelAsOf(ctx, st, o.AsOf)
	if err != nil {
		return nil, err
	}
	if o.Limit <= 0 {
		o.Limit = 50
	}
	out := &DealList{}
	checks := forecast.NewChecks(o.Limit)
	var all []forecast.Grounded
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Owner: o.Owner, Outcome: cartera.OutcomeOpen, Cut: o.AsOf}, func(f *cartera.DealFacts) error {
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
	m, err := ModelAsOf(ctx, st, asOf)
	if err != nil {
		return nil, err
	}
	var facts *cartera.DealFacts
	err = st.DealFacts(ctx, cartera.DealFactsQuery{IDs: []string{id}, Cut: asOf}, func(f *cartera.DealFacts) error {
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
	if !asOf.IsZero() {
		// Signals recorded after the day asked about did not exist then.
		known := sigs[:0]
		for _, s := range sigs {
			if s.Day <= asOf {
				known = append(known, s)
			}
		}
		sigs = known
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

// Calibrate scores claimed and grounded probabilities (of one seller, when
// owner is set) on the backtest's pairs: every deal open on a monthly
// cut-off, judged with what was known that day.
func Calibrate(ctx context.Context, st cartera.Store, owner string, today cartera.Date) (*forecast.Calibration, error) {
	c := forecast.NewCalibration()
	bt, err := runBacktest(ctx, st, today, func(b *forecast.Backtest) {
		b.OnScore = func(seller string, claimed cartera.BasisPoints, grounded float64, won bool) {
			if owner == "" || cartera.Fold(seller) == cartera.Fold(owner) {
				c.Score(seller, claimed, grounded, won)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	c.Cutoffs = len(bt.Cutoffs)
	return c.Finish(), nil
}

// Backtest replays the user's history at monthly cut-offs up to asOf
// (docs/forecast.md): each deal open on a cut-off whose outcome is known by
// asOf is scored with what was known that day, by every method.
func Backtest(ctx context.Context, st cartera.Store, asOf cartera.Date) (*forecast.Backtest, error) {
	bt, err := runBacktest(ctx, st, asOf, nil)
	if err != nil {
		return nil, err
	}
	return bt.Finish(), nil
}

func runBacktest(ctx context.Context, st cartera.Store, asOf cartera.Date, setup func(*forecast.Backtest)) (*forecast.Backtest, error) {
	p, err := st.Pipeline(ctx)
	if err != nil {
		return nil, err
	}
	closed, err := closedDeals(ctx, st, asOf, true)
	if err != nil {
		return nil, err
	}
	cutoffs := forecast.MonthlyCutoffs(closed, asOf)
	bt := forecast.NewBacktest(p, closed)
	if setup != nil {
		setup(bt)
	}
	for _, cut := range cutoffs {
		bt.Begin(cut)
		err := st.DealFacts(ctx, cartera.DealFactsQuery{Outcome: cartera.OutcomeOpen, Cut: cut}, func(f *cartera.DealFacts) error {
			if f.TruthClosed <= asOf {
				bt.Add(f)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return bt, nil
}

// GroundDeals grounds the given deals with a model, in the order of ids
// (unknown ids are left out): open deals as of asOf, closed ones as they
// stood when they closed. It serves a page of a deal list.
func GroundDeals(ctx context.Context, st cartera.Store, m *forecast.Model, ids []string, asOf cartera.Date) ([]forecast.Grounded, error) {
	if len(ids) == 0 {
		return []forecast.Grounded{}, nil // a nil IDs would select every deal
	}
	byID := make(map[string]forecast.Grounded, len(ids))
	err := st.DealFacts(ctx, cartera.DealFactsQuery{IDs: ids, Cut: asOf}, func(f *cartera.DealFacts) error {
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
