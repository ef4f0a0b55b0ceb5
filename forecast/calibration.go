package forecast

import (
	"sort"

	"github.com/cartera/cartera"
)

// Calibration measures how well probabilities predicted the deals that
// closed. Each closed deal is grounded as of Horizon days before it closed,
// with only the signals dated by then and stage rates learned only from the
// deals that had closed by then: the evaluation never sees the outcome it
// is judging.
type Calibration struct {
	Horizon int      `json:"horizon"`
	Overall Score    `json:"overall"`
	Sellers []*Score `json:"sellers"`

	m       *Model
	history *closedHistory
	sellers map[string]*Score
}

// Score is the calibration of one seller (or everyone).
type Score struct {
	Seller string `json:"seller,omitempty"`
	Deals  int    `json:"deals"`
	Won    int    `json:"won"`
	// WinRate is the share of deals won; ClaimedMean and GroundedMean the
	// average probabilities given to the same deals.
	WinRate      cartera.BasisPoints `json:"win_rate"`
	ClaimedMean  cartera.BasisPoints `json:"claimed_mean"`
	GroundedMean cartera.BasisPoints `json:"grounded_mean"`
	// Optimism is ClaimedMean minus WinRate: how far the claims ran ahead
	// of what happened.
	Optimism cartera.BasisPoints `json:"optimism"`
	// Brier scores are the mean squared error of the probabilities, in
	// basis points of a unit: 0 is perfect, 2500 is what always saying 50 %
	// earns. Lower is better.
	ClaimedBrier  cartera.BasisPoints `json:"claimed_brier"`
	GroundedBrier cartera.BasisPoints `json:"grounded_brier"`
	// Reliability tables: predicted against actual by probability band.
	ClaimedBands  []Band `json:"claimed_bands"`
	GroundedBands []Band `json:"grounded_bands"`

	sumClaimed, sumGrounded, sqClaimed, sqGrounded float64
}

// Band is one row of a reliability table.
type Band struct {
	Lo        cartera.BasisPoints `json:"from"`
	Hi        cartera.BasisPoints `json:"to"`
	Deals     int                 `json:"deals"`
	Won       int                 `json:"won"`
	Predicted cartera.BasisPoints `json:"predicted"` // mean probability in the band
	Actual    cartera.BasisPoints `json:"actual"`    // share won

	sum float64
}

// bandEdges are the reliability bands' limits.
var bandEdges = []cartera.BasisPoints{0, 2000, 4000, 6000, 8000, 10001}

func newBands() []Band {
	out := make([]Band, len(bandEdges)-1)
	for i := range out {
		out[i] = Band{Lo: bandEdges[i], Hi: min(bandEdges[i+1], 10000)}
	}
	return out
}

func (s *Score) add(claimed, grounded cartera.BasisPoints, won bool) {
	if s.ClaimedBands == nil {
		s.ClaimedBands, s.GroundedBands = newBands(), newBands()
	}
	y := 0.0
	s.Deals++
	if won {
		s.Won++
		y = 1
	}
	c, g := bpf(claimed), bpf(grounded)
	s.sumClaimed += c
	s.sumGrounded += g
	s.sqClaimed += (c - y) * (c - y)
	s.sqGrounded += (g - y) * (g - y)
	for _, x := range []struct {
		bands []Band
		p     cartera.BasisPoints
	}{{s.ClaimedBands, claimed}, {s.GroundedBands, grounded}} {
		for i := range x.bands {
			b := &x.bands[i]
			if x.p >= bandEdges[i] && x.p < bandEdges[i+1] {
				b.Deals++
				b.sum += bpf(x.p)
				if won {
					b.Won++
				}
			}
		}
	}
}

func (s *Score) finish() {
	if s.Deals == 0 {
		return
	}
	n := float64(s.Deals)
	s.WinRate = cartera.Ratio(int64(s.Won), int64(s.Deals))
	s.ClaimedMean, s.GroundedMean = toBP(s.sumClaimed/n), toBP(s.sumGrounded/n)
	s.Optimism = s.ClaimedMean - s.WinRate
	s.ClaimedBrier, s.GroundedBrier = toBP(s.sqClaimed/n), toBP(s.sqGrounded/n)
	for _, bands := range [][]Band{s.ClaimedBands, s.GroundedBands} {
		for i := range bands {
			b := &bands[i]
			if b.Deals > 0 {
				b.Predicted = toBP(b.sum / float64(b.Deals))
				b.Actual = cartera.Ratio(int64(b.Won), int64(b.Deals))
			}
		}
	}
}

// closedHistory answers "which deals had closed by day D, and how did they
// end": the stage rates as they were known on any day.
type closedHistory struct {
	p      cartera.Pipeline
	days   []cartera.Date // close days, sorted
	won    [][]int32      // per stage: won deals ending there, cumulated over days
	closed [][]int32
}

// ClosedDeal is what calibration needs of a closed deal to learn rates.
type ClosedDeal struct {
	Closed cartera.Date
	Stage  cartera.Stage
	Won    bool
}

func newHistory(p cartera.Pipeline, deals []ClosedDeal) *closedHistory {
	sort.Slice(deals, func(i, j int) bool { return deals[i].Closed < deals[j].Closed })
	h := &closedHistory{p: p, days: make([]cartera.Date, len(deals))}
	h.won, h.closed = make([][]int32, len(p.Stages)), make([][]int32, len(p.Stages))
	for s := range p.Stages {
		h.won[s], h.closed[s] = make([]int32, len(deals)+1), make([]int32, len(deals)+1)
	}
	for i, d := range deals {
		h.days[i] = d.Closed
		si := p.Index(d.Stage)
		for s := range p.Stages {
			h.won[s][i+1], h.closed[s][i+1] = h.won[s][i], h.closed[s][i]
			if s == si {
				h.closed[s][i+1]++
				if d.Won {
					h.won[s][i+1]++
				}
			}
		}
	}
	return h
}

// ratesBefore returns the rates learned from deals closed before day.
func (h *closedHistory) ratesBefore(day cartera.Date) []Rate {
	n := sort.Search(len(h.days), func(i int) bool { return h.days[i] >= day })
	won, closed := make([]int, len(h.p.Stages)), make([]int, len(h.p.Stages))
	for s := range h.p.Stages {
		won[s], closed[s] = int(h.won[s][n]), int(h.closed[s][n])
	}
	return ratesFrom(h.p, won, closed)
}

// NewCalibration starts a calibration over the given closed deals (all of
// them, to learn rates as of each day); add each closed deal's facts, cut
// at its horizon, with Add.
func NewCalibration(p cartera.Pipeline, closed []ClosedDeal) *Calibration {
	return &Calibration{Horizon: p.CalibrationHorizon, m: New(p, nil), history: newHistory(p, closed),
		sellers: map[string]*Score{}}
}

// Add grounds one closed deal as of its cut-off day and scores it.
func (c *Calibration) Add(f *cartera.DealFacts) Grounded {
	d := &f.Deal
	asOf := f.AsOf
	if asOf.IsZero() {
		asOf = max(d.Closed.AddDays(-c.Horizon), d.Created)
	}
	m := &Model{p: c.m.p, rates: c.history.ratesBefore(asOf)}
	g := m.Ground(f, asOf)
	won := d.Outcome == cartera.OutcomeWon
	c.Overall.add(g.Claimed, g.P, won)
	key := cartera.Fold(d.Owner)
	s := c.sellers[key]
	if s == nil {
		s = &Score{Seller: d.Owner}
		c.sellers[key] = s
	}
	s.add(g.Claimed, g.P, won)
	return g
}

// Finish computes the scores; sellers come most over-optimistic first.
func (c *Calibration) Finish() *Calibration {
	c.Overall.finish()
	for _, s := range c.sellers {
		s.finish()
		c.Sellers = append(c.Sellers, s)
	}
	sort.Slice(c.Sellers, func(i, j int) bool {
		a, b := c.Sellers[i], c.Sellers[j]
		if a.Optimism != b.Optimism {
			return a.Optimism > b.Optimism
		}
		return a.Seller < b.Seller
	})
	return c
}
