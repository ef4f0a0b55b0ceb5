package forecast

import (
	"math"

	"github.com/cartera/cartera"
)

// Snapshot is what the backtest leaves for live forecasts: what grounded
// uses (fitted, expert or base), the fitted weights with their errors and
// priors, and how the continuous features were normalised. It is learned
// from the deals closed by AsOf, so a reading of an earlier day does not
// use it.
type Snapshot struct {
	AsOf     cartera.Date `json:"as_of"`
	Uses     string       `json:"uses"`
	Weights  []Weight     `json:"weights"`
	Mean     []float64    `json:"mean"`
	SD       []float64    `json:"sd"`
	Examples int          `json:"examples"`
	// Deals is the stamp of the stored deals, signals and stage histories
	// the decision was made on (review.DealsStamp): the scheduled refit
	// runs only when it changed.
	Deals string `json:"deals,omitempty"`
}

// Snapshot returns what the finished backtest says live forecasts should
// use, learned by asOf.
func (b *Backtest) Snapshot(asOf cartera.Date) Snapshot {
	s := Snapshot{AsOf: asOf, Uses: b.Grounded, Weights: b.Weights, Mean: b.norm.mean, SD: b.norm.sd}
	if b.fit != nil {
		s.Examples = b.fit.N
	}
	if s.Uses == "" {
		s.Uses = MethodBase
	}
	return s
}

// live is a model's view of the user's history on its day, to apply a
// snapshot: the closed deals learned by then (sellers, accounts, titles)
// and the snapshot's weights.
type live struct {
	snap Snapshot
	bt   *Backtest
	fit  *Fit
	norm norm
}

// WithSnapshot makes the model apply a backtest's decision on day asOf:
// closed are the deals closed by then. A snapshot learned after asOf is
// ignored, as is one whose weights do not match the features.
func (m *Model) WithSnapshot(s Snapshot, closed []ClosedDeal, asOf cartera.Date) *Model {
	if s.AsOf.IsZero() || s.AsOf > asOf {
		return m
	}
	names := FeatureNames()
	if s.Uses == MethodFitted && (len(s.Weights) != len(names) || len(s.Mean) != len(continuous) || len(s.SD) != len(continuous)) {
		return m
	}
	bt := NewBacktest(m.p, closed)
	bt.advance(asOf)
	l := &live{snap: s, bt: bt, norm: norm{mean: s.Mean, sd: s.SD}}
	if s.Uses == MethodFitted {
		l.fit = &Fit{W: make([]float64, len(names)), SE: make([]float64, len(names))}
		for i, w := range s.Weights {
			if w.Feature != names[i] {
				return m
			}
			l.fit.W[i], l.fit.SE[i] = w.Value, w.SE
		}
	}
	out := *m
	out.live = l
	return &out
}

// Uses says what the model's grounded probability rests on: "fitted",
// "expert" or "base" with a backtest's snapshot, "" without one.
func (m *Model) Uses() string {
	if m.live == nil {
		return ""
	}
	return m.live.snap.Uses
}

// groundFitted replaces the expert steps with the fitted weights, each
// feature that moves the odds a reason of its own.
func (m *Model) groundFitted(f *cartera.DealFacts, asOf cartera.Date, base float64,
	step func(cartera.Message, float64), p *float64) {
	l := m.live
	l.bt.cut = asOf
	overall := l.bt.overall()
	seller := overall
	if t := l.bt.sellers[cartera.Fold(f.Deal.Owner)]; t != nil && f.Deal.Owner != "" {
		seller = (float64(t.won) + 10*overall) / (float64(t.all) + 10)
	}
	x := l.norm.apply(l.bt.features(f, overall, seller))
	names := FeatureNames()
	for i, w := range l.fit.W {
		c := w * x[i]
		if math.Abs(c) < 0.02 {
			continue
		}
		mult := math.Exp(c)
		var feature any = cartera.Label("forecast.feature." + names[i])
		if j := i - len(featureNames); j >= 0 {
			feature = cartera.SignalKinds[j]
		}
		step(cartera.M("forecast.f.fitted", "feature", feature, "weight", hundredths(w), "se", hundredths(l.fit.SE[i]),
			"prior", hundredths(l.snap.Weights[i].Prior), "factor", tenthsOf(mult), "n", l.snap.Examples), scaleOdds(*p, mult))
	}
}

// hundredths rounds a weight for messages.
func hundredths(x float64) cartera.Hundredths { return cartera.Hundredths(math.Round(x * 100)) }

// advance learns the deals closed by day without refitting.
func (b *Backtest) advance(day cartera.Date) {
	b.cut = day
	for ; b.next < len(b.closed) && b.closed[b.next].Closed <= day; b.next++ {
		b.learn(b.closed[b.next])
	}
	b.rates = ratesFrom(b.p, b.stageWon, b.stageAll)
}
