package assess

import (
	"cmp"
	"slices"
	"sort"

	"github.com/cartera/cartera"
)

// Portfolio sums up every assessment: totals per currency, verdict counts,
// red-line breaches, and the loudest-versus-most-valuable finding. Build it
// with Add, one assessment at a time, then Finish: memory stays small for
// 100,000 clients.
type Portfolio struct {
	AsOf      cartera.Date                   `json:"as_of"`
	Clients   int                            `json:"clients"`
	ByVerdict map[cartera.Verdict]int        `json:"by_verdict"`
	Totals    []Totals                       `json:"totals"`
	Breached  int                            `json:"clients_with_breaches"`
	Breaches  map[string]int                 `json:"breaches"`
	Attention Attention                      `json:"attention"`
	byCur     map[cartera.Currency]*Totals   `json:"-"`
	points    map[cartera.Currency]*attnRows `json:"-"`
}

// Totals are the portfolio figures in one currency.
type Totals struct {
	Currency    cartera.Currency `json:"currency"`
	Clients     int              `json:"clients"`
	Revenue     cartera.Money    `json:"revenue"`
	CostToServe cartera.Money    `json:"cost_to_serve"`
	Margin      cartera.Money    `json:"margin"`
	Concessions cartera.Money    `json:"concessions"`
	Overdue     cartera.Money    `json:"overdue"`
	Hours       cartera.Hours    `json:"hours"`
}

// attnRow is the little the attention analysis needs of each client.
type attnRow struct {
	id, name    string
	margin      int64
	score       float64
	hours       cartera.Hours
	concessions int64 // discounts plus free hours at cost
}

// attnRows holds the rows of one currency in blocks of a fixed size, so
// that adding the 100,000th client copies nothing: one growing slice of
// them was a tenth of a warm review's time, moved while the collector ran.
type attnRows struct {
	blocks [][]attnRow
	n      int
}

const attnBlock = 4096

func (rs *attnRows) add(r attnRow) {
	if rs.n%attnBlock == 0 {
		rs.blocks = append(rs.blocks, make([]attnRow, 0, attnBlock))
	}
	b := &rs.blocks[len(rs.blocks)-1]
	*b = append(*b, r)
	rs.n++
}

// len counts the rows; a nil set has none.
func (rs *attnRows) len() int {
	if rs == nil {
		return 0
	}
	return rs.n
}

// at is the i-th row added.
func (rs *attnRows) at(i int) *attnRow { return &rs.blocks[i/attnBlock][i%attnBlock] }

// NewPortfolio starts an empty summary.
func NewPortfolio(asOf cartera.Date) *Portfolio {
	return &Portfolio{
		AsOf:      asOf,
		ByVerdict: map[cartera.Verdict]int{},
		Breaches:  map[string]int{},
		byCur:     map[cartera.Currency]*Totals{},
		points:    map[cartera.Currency]*attnRows{},
	}
}

// Add counts one assessment.
func (p *Portfolio) Add(a *Assessment) {
	for _, b := range a.Breaches {
		p.Breaches[b.Key]++
	}
	e := a.Economic
	free := e.CostPerHour.ForHours(e.FreeHours).Amount
	p.add(a.Client, a.Verdict, len(a.Breaches) > 0, e.Revenue.Amount, e.CostToServe.Amount, e.Margin.Amount,
		e.Concessions.Amount, e.Concessions.Amount+free, a.Payment.OverdueAmount.Amount, e.Hours, a.Relational.Score)
}

// AddSummary counts one client from its stored summary: what the web
// dashboard uses, so that it never re-assesses the whole portfolio.
// Breaches are counted per client, not per red line. The summary's amounts
// are in its currency. A summary carries no name: the attention finding's
// clients are named afterwards (Attention.Name), a few dozen of them
// instead of every client read.
func (p *Portfolio) AddSummary(s cartera.Summary) {
	p.add(cartera.Client{ID: s.ClientID, Currency: s.Currency}, s.Verdict, s.Breaches > 0, s.Revenue, s.Revenue-s.Margin,
		s.Margin, s.Discounts, s.Concessions, s.Overdue, s.Hours, float64(s.Score)/10)
}

// add counts one client: discounts are the concessions given as money, and
// attention the concessions including free hours at cost.
func (p *Portfolio) add(c cartera.Client, v cartera.Verdict, breached bool, revenue, cost, margin, discounts, attention,
	overdue int64, hours cartera.Hours, score float64) {
	p.Clients++
	p.ByVerdict[v]++
	if breached {
		p.Breached++
	}
	cur := c.Currency
	t := p.byCur[cur]
	if t == nil {
		z := cartera.Money{Currency: cur}
		t = &Totals{Currency: cur, Revenue: z, CostToServe: z, Margin: z, Concessions: z, Overdue: z}
		p.byCur[cur] = t
	}
	m := func(a int64) cartera.Money { return cartera.Money{Amount: a, Currency: cur} }
	t.Clients++
	t.Revenue = t.Revenue.Add(m(revenue))
	t.CostToServe = t.CostToServe.Add(m(cost))
	t.Margin = t.Margin.Add(m(margin))
	t.Concessions = t.Concessions.Add(m(discounts))
	t.Overdue = t.Overdue.Add(m(overdue))
	t.Hours += hours
	rows := p.points[cur]
	if rows == nil {
		rows = &attnRows{}
		p.points[cur] = rows
	}
	rows.add(attnRow{id: c.ID, name: c.Name, margin: margin, score: score, hours: hours, concessions: attention})
}

// Finish computes the totals and the attention finding under policy pol.
func (p *Portfolio) Finish(pol cartera.Policy) {
	p.Totals = p.Totals[:0]
	for _, t := range p.byCur {
		p.Totals = append(p.Totals, *t)
	}
	sort.Slice(p.Totals, func(i, j int) bool {
		if p.Totals[i].Clients != p.Totals[j].Clients {
			return p.Totals[i].Clients > p.Totals[j].Clients
		}
		return p.Totals[i].Currency < p.Totals[j].Currency
	})
	// Attention is compared within one currency: the policy's, or else the
	// one most clients use.
	cur := pol.Currency
	if p.points[cur].len() == 0 && len(p.Totals) > 0 {
		cur = p.Totals[0].Currency
	}
	p.Attention = attention(p.points[cur], cur, pol, p.Clients-p.points[cur].len())
}

// Attention answers: do hours and concessions flow to the clients who
// complain most rather than to those who bring most margin?
type Attention struct {
	Currency cartera.Currency `json:"currency"`
	// Excluded counts clients in other currencies, left out of the
	// comparison.
	Excluded int `json:"excluded"`
	// Loud are the clients with the highest relational cost (top fifth of
	// those at or above the medium level); Valuable the top fifth by margin.
	Loud     []Standing `json:"loud"`
	Valuable []Standing `json:"valuable"`
	// Shares of the portfolio that go to, or come from, the loud group.
	LoudConcessions cartera.BasisPoints `json:"loud_concessions_share"`
	LoudHours       cartera.BasisPoints `json:"loud_hours_share"`
	LoudMargin      cartera.BasisPoints `json:"loud_margin_share"`
	// Neglected are valuable clients receiving less than half the attention
	// their margin would justify; Pampered are loud clients receiving more
	// concessions or hours than their margin justifies.
	Neglected []Standing `json:"neglected"`
	Pampered  []Standing `json:"pampered"`
	// Counts of each group; the lists above keep only the first
	// ListLimit of each, most significant first.
	LoudCount      int `json:"loud_count"`
	ValuableCount  int `json:"valuable_count"`
	NeglectedCount int `json:"neglected_count"`
	PamperedCount  int `json:"pampered_count"`
	// Finding is the one-sentence conclusion, with its facts.
	Finding cartera.Message `json:"finding"`
}

// Name fills in the names of the clients listed, from name (a client's
// name by id), for a finding built from summaries.
func (at *Attention) Name(name func(id string) (string, error)) error {
	for _, l := range [][]Standing{at.Loud, at.Valuable, at.Neglected, at.Pampered} {
		for i := range l {
			n, err := name(l[i].ClientID)
			if err != nil {
				return err
			}
			l[i].Name = n
		}
	}
	return nil
}

// ListLimit caps each list of clients in an Attention finding.
const ListLimit = 10

func (at *Attention) capLists() {
	at.LoudCount, at.ValuableCount = len(at.Loud), len(at.Valuable)
	at.NeglectedCount, at.PamperedCount = len(at.Neglected), len(at.Pampered)
	for _, l := range []*[]Standing{&at.Loud, &at.Valuable, &at.Neglected, &at.Pampered} {
		if len(*l) > ListLimit {
			*l = (*l)[:ListLimit]
		}
	}
}

// Standing is one client's place in the attention comparison.
type Standing struct {
	ClientID         string              `json:"client_id"`
	Name             string              `json:"name"`
	Margin           cartera.Money       `json:"margin"`
	Score            float64             `json:"relational_score"`
	MarginShare      cartera.BasisPoints `json:"margin_share"`
	HoursShare       cartera.BasisPoints `json:"hours_share"`
	ConcessionsShare cartera.BasisPoints `json:"concessions_share"`
}

func attention(rows *attnRows, cur cartera.Currency, pol cartera.Policy, excluded int) Attention {
	at := Attention{Currency: cur, Excluded: excluded}
	var posMargin, hours, conc int64
	for i := range rows.len() {
		r := rows.at(i)
		if r.margin > 0 {
			posMargin += r.margin
		}
		hours += int64(r.hours)
		conc += r.concessions
	}
	standing := func(r *attnRow) Standing {
		m := max(r.margin, 0)
		return Standing{
			ClientID: r.id, Name: r.name, Margin: cartera.Money{Amount: r.margin, Currency: cur}, Score: r.score,
			MarginShare:      cartera.Ratio(m, posMargin),
			HoursShare:       cartera.Ratio(int64(r.hours), hours),
			ConcessionsShare: cartera.Ratio(r.concessions, conc),
		}
	}
	// The loud: top fifth by relational score among clients at or above
	// the medium level (at least one when any qualifies).
	loud := topFifth(rows, func(r *attnRow) bool { return r.score >= pol.RelationalMedium },
		func(a, b *attnRow) int { return cmp.Compare(b.score, a.score) })
	isLoud := make([]bool, rows.len())
	var loudConc, loudHours, loudMargin int64
	for _, i := range loud {
		r := rows.at(int(i))
		isLoud[i] = true
		at.Loud = append(at.Loud, standing(r))
		loudConc += r.concessions
		loudHours += int64(r.hours)
		loudMargin += max(r.margin, 0)
	}
	at.LoudConcessions = cartera.Ratio(loudConc, conc)
	at.LoudHours = cartera.Ratio(loudHours, hours)
	at.LoudMargin = cartera.Ratio(loudMargin, posMargin)

	// The valuable: top fifth by positive margin.
	val := topFifth(rows, func(r *attnRow) bool { return r.margin > 0 },
		func(a, b *attnRow) int { return cmp.Compare(b.margin, a.margin) })
	for _, i := range val {
		s := standing(rows.at(int(i)))
		at.Valuable = append(at.Valuable, s)
		// Attention is the larger of the hours and concessions shares.
		if !isLoud[i] && 2*max(s.HoursShare, s.ConcessionsShare) < s.MarginShare {
			at.Neglected = append(at.Neglected, s)
		}
	}
	for _, s := range at.Loud {
		if s.ConcessionsShare > s.MarginShare || s.HoursShare > s.MarginShare*3/2 {
			at.Pampered = append(at.Pampered, s)
		}
	}
	switch {
	case len(loud) == 0:
		at.Finding = cartera.M("attention.no_loud")
	case (at.LoudConcessions > at.LoudMargin && conc > 0) || at.LoudHours > at.LoudMargin*3/2:
		at.Finding = cartera.M("attention.loud_win",
			"n", len(loud), "concessions", at.LoudConcessions, "hours", at.LoudHours, "margin", at.LoudMargin)
	default:
		at.Finding = cartera.M("attention.balanced",
			"n", len(loud), "concessions", at.LoudConcessions, "hours", at.LoudHours, "margin", at.LoudMargin)
	}
	at.capLists()
	return at
}

// topFifth returns the positions of the rows that qualify, ordered by
// order with ties in their original order, cut to the top fifth of all rows.
// It sorts positions rather than rows: a stable sort of 100,000 rows moved
// most of a review's memory around.
func topFifth(rows *attnRows, qualifies func(*attnRow) bool, order func(a, b *attnRow) int) []int32 {
	var idx []int32
	for i := range rows.len() {
		if qualifies(rows.at(i)) {
			idx = append(idx, int32(i))
		}
	}
	slices.SortFunc(idx, func(i, j int32) int {
		if c := order(rows.at(int(i)), rows.at(int(j))); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	return idx[:fifth(rows.len(), len(idx))]
}

// fifth returns how many of the candidates form the top fifth of a
// population of n: at least one when there is any candidate.
func fifth(n, candidates int) int {
	k := (n + 4) / 5
	if k < 1 {
		k = 1
	}
	return min(k, candidates)
}
