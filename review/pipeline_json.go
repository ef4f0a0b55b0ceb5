package review

import (
	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
)

// The JSON forms of the pipeline reports (docs/forecast.md): the engine's
// values, with every reason as a MessageJSON (code, facts and text).

// FactorJSON is one step of a grounded probability.
type FactorJSON struct {
	Reason MessageJSON `json:"reason"`
	Before float64     `json:"before"`
	After  float64     `json:"after"`
}

// GroundedJSON is a deal seen through its evidence.
type GroundedJSON struct {
	Deal       cartera.Deal  `json:"deal"`
	Stage      cartera.Stage `json:"stage"`
	Claimed    float64       `json:"claimed"`
	ClaimFrom  string        `json:"claim_from"`
	Grounded   float64       `json:"grounded"`
	Gap        int64         `json:"gap"`
	Factors    []FactorJSON  `json:"factors"`
	LastNews   cartera.Date  `json:"last_news"`
	Age        int           `json:"days_since_news"`
	MaxAge     int           `json:"max_age"`
	Stale      bool          `json:"stale"`
	Unanswered int           `json:"unanswered_days"`
	Slipped    bool          `json:"slipped"`
	Verified   bool          `json:"verified"`
}

func pct(b cartera.BasisPoints) float64 { return float64(b) / 100 }

// Grounded converts a grounded deal for JSON output.
func Grounded(g *forecast.Grounded, p *i18n.Printer) GroundedJSON {
	out := GroundedJSON{Deal: g.Deal, Stage: g.Stage, Claimed: pct(g.Claimed), ClaimFrom: g.ClaimFrom, Grounded: pct(g.P),
		Gap: g.Gap(), LastNews: g.LastNews, Age: g.Age, MaxAge: g.MaxAge, Stale: g.Stale, Unanswered: g.Unanswered,
		Slipped: g.Slipped, Verified: g.Verified, Factors: []FactorJSON{}}
	for _, f := range g.Factors {
		out.Factors = append(out.Factors, FactorJSON{Reason: Message(f.Reason, p), Before: pct(f.Before), After: pct(f.After)})
	}
	return out
}

func groundedList(gs []forecast.Grounded, p *i18n.Printer) []GroundedJSON {
	out := make([]GroundedJSON, len(gs))
	for i := range gs {
		out[i] = Grounded(&gs[i], p)
	}
	return out
}

// ForecastOut is the JSON form of a forecast.
type ForecastOut struct {
	Period   forecast.Period  `json:"period"`
	AsOf     cartera.Date     `json:"as_of"`
	Totals   []*forecast.Line `json:"totals"`
	Sellers  []*forecast.Line `json:"sellers"`
	Carriers []GroundedJSON   `json:"carriers"`
	Slipped  int              `json:"slipped"`
	Undated  int              `json:"undated"`
	Later    int              `json:"later"`
	Rates    []forecast.Rate  `json:"rates"`
}

// ForecastJSON converts a forecast for JSON output.
func ForecastJSON(f *forecast.Forecast, p *i18n.Printer) ForecastOut {
	return ForecastOut{Period: f.Period, AsOf: f.AsOf, Totals: nonNil(f.Totals), Sellers: nonNil(f.Sellers),
		Carriers: groundedList(f.Carriers, p), Slipped: f.Slipped, Undated: f.Undated, Later: f.Later, Rates: f.Rates}
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// DealListOut is the JSON form of a deal list.
type DealListOut struct {
	Deals []GroundedJSON `json:"deals"`
	Total int            `json:"total"`
	Stale int            `json:"stale"`
}

// DealListJSON converts a deal list for JSON output.
func DealListJSON(l *DealList, p *i18n.Printer) DealListOut {
	return DealListOut{Deals: groundedList(l.Deals, p), Total: l.Total, Stale: l.Stale}
}

// DealOut is the JSON form of one deal.
type DealOut struct {
	Assessment GroundedJSON     `json:"assessment"`
	Signals    []cartera.Signal `json:"signals"`
	Client     *cartera.Client  `json:"client,omitempty"`
}

// DealJSON converts a deal's detail for JSON output.
func DealJSON(d *DealDetail, p *i18n.Printer) DealOut {
	return DealOut{Assessment: Grounded(&d.Grounded, p), Signals: nonNil(d.Signals), Client: d.Client}
}
