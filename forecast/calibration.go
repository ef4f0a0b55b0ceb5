package forecast

import (
	"sort"

	"github.com/cartera/cartera"
)

// Calibration measures how well probabilities predicted the deals that
// closed. It reads the backtest's pairs: each deal open on a monthly
// cut-off is judged with what was known that day — the signals dated by
// then, the stage it was in, rates learned only from deals closed before.
// No cut-off depends on when, or how, the deal ended, so the evaluation
// never sees the outcome it is judging.
type Calibration struct {
	Cutoffs int      `json:"cutoffs"`
	Overall Score    `json:"overall"`
	Sellers []*Score `json:"sellers"`

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

// NewCalibration starts a calibration; the backtest feeds it every deal
// it scores (Score).
func NewCalibration() *Calibration {
	return &Calibration{sellers: map[string]*Score{}}
}

// Score counts one deal scored as of a cut-off: the claim it carried then,
// the grounded probability, and how it ended.
func (c *Calibration) Score(owner string, claimed cartera.BasisPoints, grounded float64, won bool) {
	p := toBP(grounded)
	c.Overall.add(claimed, p, won)
	key := cartera.Fold(owner)
	s := c.sellers[key]
	if s == nil {
		s = &Score{Seller: owner}
		c.sellers[key] = s
	}
	s.add(claimed, p, won)
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
