package web

import (
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/report"
)

type boardPage struct {
	AsOf    cartera.Date
	Columns []boardColumn
	// Stale counts every open deal needing a status check; Checks lists the
	// most overdue.
	Stale   int
	Checks  []boardCard
	Sellers []string
	Seller  string
	Open    int
}

type boardColumn struct {
	Stage  cartera.Stage
	Name   string
	MaxAge int
	Rate   cartera.BasisPoints
	Deals  int
	Stale  int
	Sums   []*forecast.Sum
	Cards  []boardCard
}

// boardCard is a deal as the board shows it.
type boardCard struct {
	G     forecast.Grounded
	Stage string // the stage's name
	Bars  probBars
}

// Money builds an amount for the template.
func (boardPage) Money(amount int64, cur cartera.Currency) cartera.Money {
	return cartera.Money{Amount: amount, Currency: cur}
}

// pipelineBoard is the pipeline as columns, one per stage in the
// pipeline's order: counts, sums claimed and grounded, the learned rate,
// the largest deals as cards; and the deals nobody has checked lately.
func (s *Server) pipelineBoard(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	seller := sellerFilter(r)
	b, err := s.board(r, seller)
	if err != nil {
		return err
	}
	pl, err := s.pipelineConfig(r)
	if err != nil {
		return err
	}
	sellers, err := s.dealSellers(r)
	if err != nil {
		return err
	}
	card := func(g forecast.Grounded) boardCard {
		return boardCard{G: g, Stage: report.StageName(pl, g.Stage, c.p), Bars: newProbBars(&g)}
	}
	data := boardPage{AsOf: b.Board.AsOf, Stale: b.Board.Stale, Sellers: sellers, Seller: r.URL.Query().Get("seller")}
	for _, col := range b.Board.Columns {
		bc := boardColumn{Stage: col.Stage, Name: report.StageName(pl, col.Stage, c.p), MaxAge: col.MaxAge, Rate: col.Rate,
			Deals: col.Deals, Stale: col.Stale, Sums: col.Sums}
		for _, g := range col.Cards {
			bc.Cards = append(bc.Cards, card(g))
		}
		data.Open += col.Deals
		data.Columns = append(data.Columns, bc)
	}
	for _, g := range b.Checks.Deals {
		data.Checks = append(data.Checks, card(g))
	}
	return s.page(w, r, "pipeline", "pipeline", data)
}
