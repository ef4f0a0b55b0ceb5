package web

import (
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
)

// backtestPage is the backtest with its reliability diagram: grounded
// against the stage's base rate.
type backtestPage struct {
	B     *forecast.Backtest
	Lines []*forecast.BacktestLine
	Rel   reliabilityChart
	Bands []bandRow
	// Cutoffs is the replay cut-off by cut-off, with each day's share won.
	Cutoffs []cutoffRow
}

// cutoffRow is one cut-off of the replay and the share of its deals won.
type cutoffRow struct {
	forecast.CutoffScore
	WonShare cartera.BasisPoints
}

// backtestShow shows how each way of putting a number on a deal would have
// done on the user's own history, and which one to trust.
func (s *Server) backtestShow(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	b, err := s.backtest(r)
	if err != nil {
		return err
	}
	data := backtestPage{B: b, Lines: append([]*forecast.BacktestLine{b.Overall}, b.Sellers...)}
	if len(b.Sellers) == 1 && b.Sellers[0].Seller == "" {
		data.Lines = data.Lines[:1]
	}
	var base, grounded []forecast.Band
	for _, m := range b.Overall.Methods {
		switch m.Method {
		case forecast.MethodBase:
			base = m.Bands
		case forecast.MethodGrounded:
			grounded = m.Bands
		}
	}
	data.Rel = reliabilityOf(base, grounded, "web.rel_point_base", "web.rel_point_grounded", c.p)
	for i := range base {
		if i < len(grounded) {
			data.Bands = append(data.Bands, bandRow{C: base[i], G: grounded[i]})
		}
	}
	for _, c := range b.ByCutoff {
		data.Cutoffs = append(data.Cutoffs, cutoffRow{CutoffScore: c, WonShare: cartera.Ratio(int64(c.Won), int64(max(c.Deals, 1)))})
	}
	return s.page(w, r, "backtest", "forecast", data)
}
