// Package forecast keeps the sales pipeline honest. It turns each open deal
// into a grounded probability — the stage's win rate learned from the
// user's own closed deals, moved by the evidence on the deal, by silence and
// by staleness, capped while the deal is not qualified — and lists every
// step as a reason. It sums claimed against grounded for a period, flags the
// deals nobody has checked lately, and measures how well claimed and
// grounded probabilities predicted the deals that closed.
//
// Like package assess, it is pure: no I/O, no clock. docs/forecast.md
// documents the model and its defaults.
package forecast

import (
	"math"

	"github.com/cartera/cartera"
)

// Rate is a stage's win rate: of the closed deals that reached the stage,
// how many were won, shrunk toward the stage's prior while there are few.
type Rate struct {
	Stage   cartera.Stage       `json:"stage"`
	Prior   cartera.BasisPoints `json:"prior"`
	Reached int                 `json:"reached"` // closed deals that got at least this far
	Won     int                 `json:"won"`
	Rate    cartera.BasisPoints `json:"rate"`
}

// LearnRates computes each stage's rate from closed deals counted by the
// stage they ended in. A deal that ended in a stage also passed through
// every stage before it.
func LearnRates(p cartera.Pipeline, tallies []cartera.StageTally) []Rate {
	won := make([]int, len(p.Stages))
	closed := make([]int, len(p.Stages))
	for _, t := range tallies {
		// A deal whose last stage is unknown reached the first stage at
		// least, and no later one can be learned from it.
		i := max(p.Index(t.Stage), 0)
		won[i] += t.Won
		closed[i] += t.Won + t.Lost
	}
	return ratesFrom(p, won, closed)
}

// ratesFrom turns per-final-stage counts into rates.
func ratesFrom(p cartera.Pipeline, won, closed []int) []Rate {
	out := make([]Rate, len(p.Stages))
	reached, w := 0, 0
	for i := len(p.Stages) - 1; i >= 0; i-- {
		reached += closed[i]
		w += won[i]
		s := p.Stages[i]
		k := float64(p.Shrinkage)
		r := (float64(w) + k*bpf(s.Prior)) / (float64(reached) + k)
		if reached+p.Shrinkage == 0 {
			r = bpf(s.Prior)
		}
		out[i] = Rate{Stage: s.ID, Prior: s.Prior, Reached: reached, Won: w, Rate: toBP(r)}
	}
	return out
}

// Model grounds deals with one pipeline configuration and set of rates.
type Model struct {
	p     cartera.Pipeline
	rates []Rate
	// live, when set, applies a backtest's decision (WithSnapshot).
	live *live
}

// New returns a model; rates come from LearnRates (nil uses the priors).
func New(p cartera.Pipeline, rates []Rate) *Model {
	if rates == nil {
		rates = ratesFrom(p, make([]int, len(p.Stages)), make([]int, len(p.Stages)))
	}
	return &Model{p: p, rates: rates}
}

// Pipeline returns the model's configuration.
func (m *Model) Pipeline() cartera.Pipeline { return m.p }

// Rates returns the stage rates in pipeline order.
func (m *Model) Rates() []Rate { return m.rates }

// Factor is one step from the base rate to the grounded probability.
type Factor struct {
	Reason cartera.Message     `json:"reason"`
	Before cartera.BasisPoints `json:"before"`
	After  cartera.BasisPoints `json:"after"`
}

// Effect is the change in percentage points (basis points).
func (f Factor) Effect() cartera.BasisPoints { return f.After - f.Before }

// Where a claimed probability comes from.
const (
	ClaimSeller   = "seller"   // the seller's own number
	ClaimCategory = "category" // their forecast category
	ClaimStage    = "stage"    // neither: the stage's default, as a CRM shows it
)

// Grounded is one deal seen through the evidence.
type Grounded struct {
	Deal      cartera.Deal        `json:"deal"`
	Claimed   cartera.BasisPoints `json:"claimed"`
	ClaimFrom string              `json:"claim_from"`
	P         cartera.BasisPoints `json:"grounded"`
	Factors   []Factor            `json:"factors"`
	// LastNews is the latest day anything was heard or checked; Stale is
	// set when that is longer ago than the stage allows.
	LastNews cartera.Date `json:"last_news"`
	Age      int          `json:"days_since_news"`
	MaxAge   int          `json:"max_age"`
	Stale    bool         `json:"stale"`
	// Unanswered is how many days the latest outreach has gone without a
	// reply (0 when answered or none).
	Unanswered int  `json:"unanswered_days"`
	Slipped    bool `json:"slipped"`
	// Verified is set when a purchase order, contract or payment is on
	// the deal.
	Verified bool `json:"verified"`
	// Stage is the stage the deal was grounded in: its own, or for
	// calibration the one it was in at the cut-off day.
	Stage cartera.Stage `json:"stage"`
}

// Gap is what the claim adds over the evidence, in the deal's currency.
func (g *Grounded) Gap() int64 {
	return cartera.MulDivRound(g.Deal.Value.Amount, int64(g.Claimed-g.P), 10000)
}

// Expected returns the value weighted by a probability.
func Expected(v int64, p cartera.BasisPoints) int64 { return cartera.MulDivRound(v, int64(p), 10000) }

// Claim returns the seller's claimed probability and where it comes from.
func (m *Model) Claim(d *cartera.Deal) (cartera.BasisPoints, string) {
	switch {
	case d.Claimed > 0:
		return d.Claimed, ClaimSeller
	case d.Category != "":
		if p, ok := m.p.CategoryProbability[d.Category]; ok {
			return p, ClaimCategory
		}
	}
	if s, ok := m.p.StageOf(d.Stage); ok {
		return s.Prior, ClaimStage
	}
	return 0, ClaimStage
}

// Ground computes a deal's grounded probability as of a day, with every
// step as a reason. stage is the stage to ground the deal in (its own one,
// unless calibrating).
func (m *Model) Ground(f *cartera.DealFacts, asOf cartera.Date) Grounded {
	d := &f.Deal
	g := Grounded{Deal: *d, Stage: d.Stage}
	g.Claimed, g.ClaimFrom = m.Claim(d)
	if !f.AsOf.IsZero() {
		// The facts were read as of a day: the stage is the one the
		// deal's history gives for it, and nothing later exists.
		asOf = f.AsOf
	}
	ev := &f.Evidence
	// A stage the source does not give (a closed deal from an export that
	// only says won or lost, a day before the history starts) is unknown:
	// the deal starts from the first stage's rate, which every closed
	// deal counts in, and no stage limit applies.
	known := m.p.Index(g.Stage) >= 0
	si := max(m.p.Index(g.Stage), 0)
	stage := m.p.Stages[si]
	rate := m.rates[si]
	// Data the source does not record moves nothing: without a single
	// signal there is no activity log to read silence or staleness from,
	// and without a single qualification answer there is nothing to cap.
	activity := ev.Total() > 0

	p := bpf(rate.Rate)
	step := func(reason cartera.Message, next float64) {
		next = math.Min(math.Max(next, 0.01), 0.99)
		before := toBP(p)
		p = next
		g.Factors = append(g.Factors, Factor{Reason: reason, Before: before, After: toBP(p)})
	}
	// 1. The base rate.
	if known {
		g.Factors = append(g.Factors, Factor{Reason: cartera.M("forecast.f.base", "stage", g.Stage, "won", rate.Won,
			"reached", rate.Reached, "rate", rate.Rate, "prior", rate.Prior, "k", m.p.Shrinkage), After: toBP(p)})
	} else {
		g.Factors = append(g.Factors, Factor{Reason: cartera.M("forecast.f.base_unknown", "won", rate.Won,
			"reached", rate.Reached, "rate", rate.Rate, "prior", rate.Prior, "k", m.p.Shrinkage), After: toBP(p)})
	}
	same := func(reason cartera.Message) {
		g.Factors = append(g.Factors, Factor{Reason: reason, Before: toBP(p), After: toBP(p)})
	}

	// With a backtest's decision, the expert steps below still set the
	// deal's flags (stale, slipped, unanswered) but move the odds only
	// when the expert factors are what predicted best.
	move, note := step, same
	if m.live != nil && m.live.snap.Uses != MethodExpert {
		move, note = func(cartera.Message, float64) {}, func(cartera.Message) {}
	}
	// 2. Evidence, kind by kind: the latest signal of each kind, fading
	// with age.
	for _, k := range cartera.SignalKinds {
		lr, ok := m.p.Evidence[k]
		x := ev.Of(k)
		if !ok || x.Count == 0 || x.Last > asOf {
			continue
		}
		age := cartera.DaysBetween(x.Last, asOf)
		w := math.Pow(0.5, float64(age)/float64(m.p.EvidenceHalfLife))
		mult := math.Pow(float64(lr)/100, w)
		move(cartera.M("forecast.f.signal", "kind", k, "n", x.Count, "date", x.Last, "days", age,
			"factor", tenthsOf(mult), "weight", toBP(w)), scaleOdds(p, mult))
	}

	// 3. Outreach without a reply since the latest sign of life.
	inbound := ev.Last(func(k cartera.SignalKind) bool { return k.Inbound() })
	nr := ev.Of(cartera.SignalNoReply)
	if nr.Count > 0 && nr.Last >= inbound && nr.Last <= asOf {
		g.Unanswered = nr.Days + cartera.DaysBetween(nr.Last, asOf)
		if steps := min(g.Unanswered/m.p.NoReplyStep, 4); steps > 0 {
			mult := math.Pow(float64(m.p.NoReplyFactor)/100, float64(steps))
			move(cartera.M("forecast.f.no_reply", "days", g.Unanswered, "factor", tenthsOf(mult)), scaleOdds(p, mult))
		}
	}

	// 4. Silence: how long since the prospect showed any sign.
	since := max(inbound, d.Created)
	if !activity {
		note(cartera.M("forecast.f.no_activity"))
	} else if silent := cartera.DaysBetween(since, asOf); silent > m.p.SilenceDays {
		periods := min(silent/m.p.SilenceDays, 3)
		mult := math.Pow(float64(m.p.SilenceFactor)/100, float64(periods))
		move(cartera.M("forecast.f.silence", "days", silent, "factor", tenthsOf(mult)), scaleOdds(p, mult))
	}

	// 5. Staleness: nobody has checked where the deal stands.
	g.LastNews = max(ev.Last(func(cartera.SignalKind) bool { return true }), d.StageSince, d.Created)
	if g.LastNews > asOf {
		g.LastNews = asOf
	}
	g.Age, g.MaxAge = cartera.DaysBetween(g.LastNews, asOf), stage.MaxAge
	if known && g.Age > stage.MaxAge {
		g.Stale = true
	}
	if g.Stale && activity {
		move(cartera.M("forecast.f.stale", "days", g.Age, "max", stage.MaxAge, "stage", g.Stage,
			"factor", tenthsOf(float64(m.p.StaleFactor)/100)), scaleOdds(p, float64(m.p.StaleFactor)/100))
	}

	// 6. A close date that has passed.
	if !d.ExpectedClose.IsZero() && d.ExpectedClose < asOf {
		g.Slipped = true
		move(cartera.M("forecast.f.slipped", "date", d.ExpectedClose, "days", cartera.DaysBetween(d.ExpectedClose, asOf),
			"factor", tenthsOf(float64(m.p.SlippedFactor)/100)), scaleOdds(p, float64(m.p.SlippedFactor)/100))
	}

	// 7. Qualification caps. Evidence can answer a question the form left
	// open: a confirmed budget shows capacity, meeting the decision maker
	// shows access.
	q := d.Qualification
	answered := func(a cartera.Answer) bool { return a == cartera.Yes || a == cartera.No }
	if !answered(q.Need) && !answered(q.Capacity) && !answered(q.DecisionMaker) {
		note(cartera.M("forecast.f.no_qualification"))
	} else if q.Need == cartera.No || q.Capacity == cartera.No || q.DecisionMaker == cartera.No {
		if cap := bpf(m.p.CapAnyNo); p > cap {
			move(cartera.M("forecast.f.cap_no", "cap", m.p.CapAnyNo), cap)
		}
	} else {
		type capRule struct {
			answer   cartera.Answer
			answered cartera.SignalKind
			cap      cartera.BasisPoints
			key      string
		}
		for _, c := range []capRule{
			{q.Need, "", m.p.CapNeedUnknown, "forecast.f.cap_need"},
			{q.Capacity, cartera.SignalBudgetConfirmed, m.p.CapCapacityUnknown, "forecast.f.cap_capacity"},
			{q.DecisionMaker, cartera.SignalDecisionMakerMet, m.p.CapDecisionUnknown, "forecast.f.cap_decision"},
		} {
			if c.answer == cartera.Yes {
				continue
			}
			if c.answered != "" {
				if x := ev.Of(c.answered); x.Count > 0 && x.Last <= asOf {
					continue
				}
			}
			if cap := bpf(c.cap); p > cap {
				move(cartera.M(c.key, "cap", c.cap), cap)
			}
		}
	}

	if m.live != nil {
		switch m.live.snap.Uses {
		case MethodFitted:
			m.groundFitted(f, asOf, bpf(rate.Rate), step, &p)
		case MethodExpert:
			same(cartera.M("forecast.f.uses_expert"))
		default:
			same(cartera.M("forecast.f.uses_base"))
		}
	}

	// 8. Verified evidence sets a floor: a purchase order is not a promise.
	for _, k := range cartera.SignalKinds {
		floor, ok := m.p.Floors[k]
		x := ev.Of(k)
		if !ok || x.Count == 0 || x.Last > asOf {
			continue
		}
		g.Verified = true
		if f := bpf(floor); p < f {
			step(cartera.M("forecast.f.verified", "kind", k, "date", x.Last, "floor", floor), f)
		}
	}
	g.P = toBP(p)
	return g
}

// scaleOdds multiplies the odds of p by mult.
func scaleOdds(p, mult float64) float64 {
	o := p / (1 - p) * mult
	return o / (1 + o)
}

func bpf(b cartera.BasisPoints) float64 { return float64(b) / 10000 }

func toBP(p float64) cartera.BasisPoints { return cartera.BasisPoints(math.Round(p * 10000)) }

// tenthsOf turns a multiplier into hundredths, for messages.
func tenthsOf(x float64) cartera.Multiplier { return cartera.Multiplier(math.Round(x * 100)) }
