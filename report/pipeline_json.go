package report

import (
	"math"
	"strconv"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// The JSON forms of the pipeline reports (docs/forecast.md): the engine's
// values, with every reason as a MessageJSON (code, facts and text).

// FactorJSON is one step of a grounded probability.
type FactorJSON struct {
	Reason MessageJSON `json:"reason"`
	Before float64     `json:"before"`
	After  float64     `json:"after"`
}

// DealRecordJSON is a deal record as the JSON documents and the API show it and
// the API takes it: the stored fields, with the seller's claimed
// probability in percent (80, 62.5) like every other probability in these
// documents and in import files, not in the basis points kept inside.
type DealRecordJSON struct {
	ID            string                   `json:"id"`
	ClientID      string                   `json:"client_id"`
	Prospect      string                   `json:"prospect"`
	Title         string                   `json:"title"`
	Owner         string                   `json:"owner"`
	Value         cartera.Money            `json:"value"`
	Stage         cartera.Stage            `json:"stage"`
	StageSince    cartera.Date             `json:"stage_since"`
	ExpectedClose cartera.Date             `json:"expected_close"`
	Claimed       float64                  `json:"claimed"`
	Category      cartera.ForecastCategory `json:"category"`
	Created       cartera.Date             `json:"created"`
	Closed        cartera.Date             `json:"closed"`
	Outcome       cartera.Outcome          `json:"outcome"`
	LostReason    string                   `json:"lost_reason"`
	Competitor    string                   `json:"competitor"`
	Qualification cartera.Qualification    `json:"qualification"`
	Version       int64                    `json:"version"`
}

// DealRecord converts a deal for JSON output.
func DealRecord(d cartera.Deal) DealRecordJSON {
	return DealRecordJSON{ID: d.ID, ClientID: d.ClientID, Prospect: d.Prospect, Title: d.Title, Owner: d.Owner, Value: d.Value,
		Stage: d.Stage, StageSince: d.StageSince, ExpectedClose: d.ExpectedClose, Claimed: pct(d.Claimed), Category: d.Category,
		Created: d.Created, Closed: d.Closed, Outcome: d.Outcome, LostReason: d.LostReason, Competitor: d.Competitor,
		Qualification: d.Qualification, Version: d.Version}
}

// Deal converts the JSON form back to a deal. A claimed probability
// outside 0–100 is an error on the field "claimed"; hundredths of a
// percent are kept, finer digits rounded.
func (j DealRecordJSON) Deal() (cartera.Deal, error) {
	if math.IsNaN(j.Claimed) || j.Claimed < 0 || j.Claimed > 100 {
		return cartera.Deal{}, cartera.FieldError("claimed", "value.percent_range", "value", strconv.FormatFloat(j.Claimed, 'f', -1, 64))
	}
	return cartera.Deal{ID: j.ID, ClientID: j.ClientID, Prospect: j.Prospect, Title: j.Title, Owner: j.Owner, Value: j.Value,
		Stage: j.Stage, StageSince: j.StageSince, ExpectedClose: j.ExpectedClose,
		Claimed: cartera.BasisPoints(math.Round(j.Claimed * 100)), Category: j.Category, Created: j.Created, Closed: j.Closed,
		Outcome: j.Outcome, LostReason: j.LostReason, Competitor: j.Competitor, Qualification: j.Qualification,
		Version: j.Version}, nil
}

// GroundedJSON is a deal seen through its evidence.
type GroundedJSON struct {
	Deal       DealRecordJSON `json:"deal"`
	Stage      cartera.Stage  `json:"stage"`
	Claimed    float64        `json:"claimed"`
	ClaimFrom  string         `json:"claim_from"`
	Grounded   float64        `json:"grounded"`
	Gap        int64          `json:"gap"`
	Factors    []FactorJSON   `json:"factors"`
	LastNews   cartera.Date   `json:"last_news"`
	Age        int            `json:"days_since_news"`
	MaxAge     int            `json:"max_age"`
	Stale      bool           `json:"stale"`
	Unanswered int            `json:"unanswered_days"`
	Slipped    bool           `json:"slipped"`
	Verified   bool           `json:"verified"`
}

func pct(b cartera.BasisPoints) float64 { return float64(b) / 100 }

// Grounded converts a grounded deal for JSON output.
func Grounded(g *forecast.Grounded, p *i18n.Printer) GroundedJSON {
	out := GroundedJSON{Deal: DealRecord(g.Deal), Stage: g.Stage, Claimed: pct(g.Claimed), ClaimFrom: g.ClaimFrom, Grounded: pct(g.P),
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

// ForecastOut is the JSON form of a forecast. Hints say what the data
// lacks for the forecast to count every open deal (ForecastHints).
type ForecastOut struct {
	Period   forecast.Period  `json:"period"`
	AsOf     cartera.Date     `json:"as_of"`
	Totals   []*forecast.Line `json:"totals"`
	Sellers  []*forecast.Line `json:"sellers"`
	Carriers []GroundedJSON   `json:"carriers"`
	Slipped  int              `json:"slipped"`
	Undated  int              `json:"undated"`
	Later    int              `json:"later"`
	Hints    []MessageJSON    `json:"hints"`
	Rates    []forecast.Rate  `json:"rates"`
}

// ForecastJSON converts a forecast for JSON output.
func ForecastJSON(f *forecast.Forecast, p *i18n.Printer) ForecastOut {
	out := ForecastOut{Period: f.Period, AsOf: f.AsOf, Totals: nonNil(f.Totals), Sellers: nonNil(f.Sellers),
		Carriers: groundedList(f.Carriers, p), Slipped: f.Slipped, Undated: f.Undated, Later: f.Later,
		Hints: []MessageJSON{}, Rates: f.Rates}
	for _, h := range ForecastHints(f) {
		out.Hints = append(out.Hints, Message(h, p))
	}
	return out
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
func DealListJSON(l *review.DealList, p *i18n.Printer) DealListOut {
	return DealListOut{Deals: groundedList(l.Deals, p), Total: l.Total, Stale: l.Stale}
}

// DealOut is the JSON form of one deal.
type DealOut struct {
	Assessment GroundedJSON     `json:"assessment"`
	Signals    []cartera.Signal `json:"signals"`
	Client     *cartera.Client  `json:"client,omitempty"`
}

// DealJSON converts a deal's detail for JSON output.
func DealJSON(d *review.DealDetail, p *i18n.Printer) DealOut {
	return DealOut{Assessment: Grounded(&d.Grounded, p), Signals: nonNil(d.Signals), Client: d.Client}
}

// BoardOut is the JSON form of the pipeline board: per stage of the
// pipeline, in order, the open deals' count and sums per currency, the
// stage's learned win rate (percent) and its largest deals as cards; and
// the deals that most need a status check.
type BoardOut struct {
	AsOf    cartera.Date    `json:"as_of"`
	Stale   int             `json:"stale"`
	Columns []ColumnJSON    `json:"columns"`
	Checks  ChecksJSON      `json:"checks"`
	Rates   []forecast.Rate `json:"rates"`
}

// ColumnJSON is one stage of the board.
type ColumnJSON struct {
	Stage  cartera.Stage   `json:"stage"`
	Name   string          `json:"name"`
	MaxAge int             `json:"max_age"`
	Rate   float64         `json:"rate"`
	Deals  int             `json:"deals"`
	Stale  int             `json:"stale"`
	Sums   []*forecast.Sum `json:"sums"`
	Cards  []CardJSON      `json:"cards"`
}

// ChecksJSON lists the open deals that need a status check, most overdue
// first, up to the limit asked; Total counts all of them.
type ChecksJSON struct {
	Deals []CardJSON `json:"deals"`
	Total int        `json:"total"`
}

// CardJSON is a deal as a board card: what it is, claimed against
// grounded, the flags, and only the two reasons that moved its
// probability most (the deal's assessment has every step). Boards are
// read often and show many cards; cards are kept small.
type CardJSON struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Owner         string        `json:"owner"`
	ClientID      string        `json:"client_id"`
	Value         cartera.Money `json:"value"`
	Stage         cartera.Stage `json:"stage"`
	ExpectedClose cartera.Date  `json:"expected_close"`
	Claimed       float64       `json:"claimed"`
	Grounded      float64       `json:"grounded"`
	Gap           int64         `json:"gap"`
	Stale         bool          `json:"stale"`
	Age           int           `json:"days_since_news"`
	MaxAge        int           `json:"max_age"`
	Unanswered    int           `json:"unanswered_days"`
	Slipped       bool          `json:"slipped"`
	Verified      bool          `json:"verified"`
	Reasons       []MessageJSON `json:"top_reasons"`
}

// Card converts a grounded deal to a board card.
func Card(g *forecast.Grounded, p *i18n.Printer) CardJSON {
	d := &g.Deal
	c := CardJSON{ID: d.ID, Name: d.Name(), Owner: d.Owner, ClientID: d.ClientID, Value: d.Value, Stage: g.Stage,
		ExpectedClose: d.ExpectedClose, Claimed: pct(g.Claimed), Grounded: pct(g.P), Gap: g.Gap(), Stale: g.Stale, Age: g.Age,
		MaxAge: g.MaxAge, Unanswered: g.Unanswered, Slipped: g.Slipped, Verified: g.Verified, Reasons: []MessageJSON{}}
	for _, f := range TopFactors(g, 2) {
		c.Reasons = append(c.Reasons, Message(f.Reason, p))
	}
	return c
}

func cards(gs []forecast.Grounded, p *i18n.Printer) []CardJSON {
	out := make([]CardJSON, len(gs))
	for i := range gs {
		out[i] = Card(&gs[i], p)
	}
	return out
}

// BoardJSON converts a board for JSON output.
func BoardJSON(b *review.BoardResult, pl cartera.Pipeline, p *i18n.Printer) BoardOut {
	out := BoardOut{AsOf: b.Board.AsOf, Stale: b.Board.Stale, Columns: []ColumnJSON{}, Rates: nonNil(b.Rates),
		Checks: ChecksJSON{Deals: cards(b.Checks.Deals, p), Total: b.Checks.Total}}
	for _, c := range b.Board.Columns {
		out.Columns = append(out.Columns, ColumnJSON{Stage: c.Stage, Name: StageName(pl, c.Stage, p), MaxAge: c.MaxAge,
			Rate: pct(c.Rate), Deals: c.Deals, Stale: c.Stale, Sums: nonNil(c.Sums), Cards: cards(c.Cards, p)})
	}
	return out
}

// StageName is how a stage is shown: the name configured for it, or the
// catalog's name for its id, or the id.
func StageName(pl cartera.Pipeline, s cartera.Stage, p *i18n.Printer) string {
	if s == "" {
		return p.T("stage.unknown") // a closed deal whose source did not say how far it got
	}
	if c, ok := pl.StageOf(s); ok && c.Name != "" {
		return c.Name
	}
	return p.Value(s)
}
