package web

import (
	"fmt"
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
)

type forecastPage struct {
	F       *forecast.Forecast
	Periods []periodLink
	Sellers []string
	Seller  string
	// Charts draw claimed against grounded by seller, one per currency.
	Charts   []sellerChart
	Carriers []carrierRow
	// Hints say what the data lacks for the forecast to count every open
	// deal (report.ForecastHints).
	Hints []cartera.Message
	Cal   *forecast.Calibration
	// Scores are everyone's first, then each seller's, most optimistic
	// first; Optimists those whose claims ran 15 points or more ahead.
	Scores    []*forecast.Score
	Optimists []*forecast.Score
	Rel       reliabilityChart
	Bands     []bandRow
}

type periodLink struct {
	Label   string // for the address: 2026-Q4
	Name    string // for people: T4 2026
	Current bool
}

type carrierRow struct {
	G   forecast.Grounded
	Gap cartera.Money
	Top []forecast.Factor
}

type bandRow struct{ C, G forecast.Band }

// optimistPoints is how far a seller's mean claim may run ahead of their
// win rate before the page points it out (as `cartera calibration` does).
const optimistPoints = 1500

// forecastShow is the forecast of a period — claimed against grounded per
// currency and seller, the range, what is already won, the deals carrying
// the gap — and how well each seller's claims predicted their closed deals.
func (s *Server) forecastShow(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	period, err := s.period(r)
	if err != nil {
		return err
	}
	seller := sellerFilter(r)
	f, err := s.forecastFor(r, period, seller)
	if err != nil {
		return err
	}
	cal, err := s.calibration(r, seller)
	if err != nil {
		return err
	}
	data := forecastPage{F: f, Cal: cal, Hints: report.ForecastHints(f), Seller: r.URL.Query().Get("seller"), Periods: periodLinks(c.p, s.asOf(r), period)}
	if data.Sellers, err = s.dealSellers(r); err != nil {
		return err
	}
	for _, t := range f.Totals {
		var lines []*forecast.Line
		for _, l := range f.Sellers {
			if l.Currency == t.Currency {
				lines = append(lines, l)
			}
		}
		data.Charts = append(data.Charts, newSellerChart(fmt.Sprintf("fc-%s", t.Currency), t.Currency, lines, c.p))
	}
	for i := range f.Carriers {
		g := f.Carriers[i]
		data.Carriers = append(data.Carriers, carrierRow{G: g, Gap: cartera.Money{Amount: g.Gap(), Currency: g.Deal.Value.Currency},
			Top: report.TopFactors(&g, 2)})
	}
	data.Scores = append([]*forecast.Score{&cal.Overall}, cal.Sellers...)
	for _, sc := range cal.Sellers {
		if sc.Optimism >= optimistPoints {
			data.Optimists = append(data.Optimists, sc)
		}
	}
	data.Rel = newReliability(&cal.Overall, c.p)
	for i := range cal.Overall.ClaimedBands {
		data.Bands = append(data.Bands, bandRow{C: cal.Overall.ClaimedBands[i], G: cal.Overall.GroundedBands[i]})
	}
	return s.page(w, r, "forecast", "forecast", data)
}

// periodLinks offers the periods people ask about: this month, this
// quarter and the next, this half and this year.
func periodLinks(pr *i18n.Printer, today cartera.Date, current forecast.Period) []periodLink {
	y, m, _ := today.YMD()
	q := (int(m)-1)/3 + 1
	nq, ny := q+1, y
	if nq > 4 {
		nq, ny = 1, y+1
	}
	labels := []string{fmt.Sprintf("%d-%02d", y, int(m)), fmt.Sprintf("%d-Q%d", y, q), fmt.Sprintf("%d-Q%d", ny, nq),
		fmt.Sprintf("%d-H%d", y, (int(m)-1)/6+1), fmt.Sprint(y)}
	out := make([]periodLink, len(labels))
	for i, l := range labels {
		p, _ := forecast.ParsePeriod(l, today)
		out[i] = periodLink{Label: l, Name: report.ForecastPeriod(pr, p), Current: p.From == current.From && p.To == current.To}
	}
	return out
}

// Money builds an amount for the template.
func (forecastPage) Money(amount int64, cur cartera.Currency) cartera.Money {
	return cartera.Money{Amount: amount, Currency: cur}
}

// Brier shows a Brier score as a plain decimal (0,18).
func (forecastPage) Brier(p *i18n.Printer, b cartera.BasisPoints) string {
	return p.Decimal(cartera.MulDivRound(int64(b), 1, 100), 2)
}
