package playbook

import (
	"sort"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// Period is the length of the buckets of a win/loss analysis.
type Period string

// Periods.
const (
	PeriodMonth   Period = "month"
	PeriodQuarter Period = "quarter"
	PeriodYear    Period = "year"
)

// ParsePeriod reads a period name in English or Spanish.
func ParsePeriod(s string) (Period, error) {
	switch cartera.Fold(strings.TrimSpace(s)) {
	case "", "quarter", "trimestre", "q":
		return PeriodQuarter, nil
	case "month", "mes", "m":
		return PeriodMonth, nil
	case "year", "ano", "y":
		return PeriodYear, nil
	}
	return "", cartera.FieldError("period", "winloss.bad_period", "value", s)
}

// Start returns the first day of the period containing d.
func (p Period) Start(d cartera.Date) cartera.Date {
	y, m, _ := d.YMD()
	switch p {
	case PeriodYear:
		return cartera.DateOf(y, time.January, 1)
	case PeriodMonth:
		return cartera.DateOf(y, m, 1)
	}
	return cartera.DateOf(y, time.Month((int(m)-1)/3*3+1), 1)
}

// next returns the first day of the period after the one starting on s.
func (p Period) next(s cartera.Date) cartera.Date {
	switch p {
	case PeriodYear:
		return s.AddMonths(12)
	case PeriodMonth:
		return s.AddMonths(1)
	}
	return s.AddMonths(3)
}

// Tally counts deals under one label (a reason, a competitor).
type Tally struct {
	Label string          `json:"label"`
	Deals int             `json:"deals"`
	Value []cartera.Money `json:"value"`
	// Share is the share of the lost deals.
	Share cartera.BasisPoints `json:"share"`
}

// Outcomes counts won and lost deals.
type Outcomes struct {
	Won       int                 `json:"won"`
	Lost      int                 `json:"lost"`
	WinRate   cartera.BasisPoints `json:"win_rate"`
	WonValue  []cartera.Money     `json:"won_value"`
	LostValue []cartera.Money     `json:"lost_value"`
	// TopReason and TopCompetitor are the commonest among the lost deals
	// ("" when none is recorded).
	TopReason     string `json:"top_reason"`
	TopCompetitor string `json:"top_competitor"`
	reasons       map[string]*Tally
	competitors   map[string]*Tally
}

// PeriodStats are the outcomes of one period.
type PeriodStats struct {
	Start cartera.Date `json:"start"`
	End   cartera.Date `json:"end"` // last day
	Outcomes
}

// SellerStats are one seller's outcomes.
type SellerStats struct {
	Owner string `json:"owner"`
	Outcomes
}

// WinLoss is the analysis of closed deals over time: why deals are lost,
// who wins them, what keeps being learned, by period and by seller.
type WinLoss struct {
	From   cartera.Date `json:"from"`
	To     cartera.Date `json:"to"`
	Period Period       `json:"period"`
	Outcomes
	Periods []PeriodStats `json:"periods"`
	// Reasons are the lost reasons, commonest first; Competitors those
	// who won the deals we lost, with how often.
	Reasons     []Tally       `json:"reasons"`
	Competitors []Tally       `json:"competitors"`
	Sellers     []SellerStats `json:"sellers"`
	// Topics are lesson topics that came back on two deals or more.
	Topics []cartera.TopicCount `json:"topics"`
}

// maxPeriods bounds the buckets of one analysis.
const maxPeriods = 240

// AnalyseWinLoss groups the store's aggregates into periods from the one
// containing from to to (included): from is moved back to the start of
// its period, since the store counts whole months. Reasons and
// competitors are grouped ignoring case and accents and shown as first
// written.
func AnalyseWinLoss(f cartera.WinLossFacts, from, to cartera.Date, period Period) WinLoss {
	from = period.Start(from)
	w := WinLoss{From: from, To: to, Period: period}
	w.init()
	for s, i := period.Start(from), 0; s <= to && i < maxPeriods; s, i = period.next(s), i+1 {
		ps := PeriodStats{Start: s, End: period.next(s).AddDays(-1)}
		ps.init()
		w.Periods = append(w.Periods, ps)
	}
	sellers := map[string]*SellerStats{}
	var sellerOrder []string
	for _, r := range f.Rows {
		if r.Month < period.Start(from) || r.Month > to {
			continue
		}
		w.add(r)
		for i := range w.Periods {
			if p := &w.Periods[i]; r.Month >= p.Start && r.Month <= p.End {
				p.add(r)
			}
		}
		k := cartera.Fold(strings.TrimSpace(r.Owner))
		s, ok := sellers[k]
		if !ok {
			s = &SellerStats{Owner: r.Owner}
			s.init()
			sellers[k] = s
			sellerOrder = append(sellerOrder, k)
		}
		s.add(r)
	}
	w.finish()
	for i := range w.Periods {
		w.Periods[i].finish()
	}
	sort.Strings(sellerOrder)
	for _, k := range sellerOrder {
		s := sellers[k]
		s.finish()
		w.Sellers = append(w.Sellers, *s)
	}
	w.Reasons = tallies(w.reasons, w.Lost)
	w.Competitors = tallies(w.competitors, w.Lost)
	for _, t := range f.Topics {
		if t.Deals >= 2 {
			w.Topics = append(w.Topics, t)
		}
	}
	sort.SliceStable(w.Topics, func(i, j int) bool {
		if w.Topics[i].Deals != w.Topics[j].Deals {
			return w.Topics[i].Deals > w.Topics[j].Deals
		}
		return w.Topics[i].Last > w.Topics[j].Last
	})
	return w
}

func (o *Outcomes) init() {
	o.reasons, o.competitors = map[string]*Tally{}, map[string]*Tally{}
}

func (o *Outcomes) add(r cartera.WinLossRow) {
	switch r.Outcome {
	case cartera.OutcomeWon:
		o.Won += r.Deals
		o.WonValue = addMoney(o.WonValue, r.Value)
	case cartera.OutcomeLost:
		o.Lost += r.Deals
		o.LostValue = addMoney(o.LostValue, r.Value)
		count(o.reasons, r.Reason, r)
		if strings.TrimSpace(r.Competitor) != "" {
			count(o.competitors, r.Competitor, r)
		}
	}
}

func (o *Outcomes) finish() {
	o.WinRate = cartera.Ratio(int64(o.Won), int64(o.Won+o.Lost))
	if t := tallies(o.reasons, o.Lost); len(t) > 0 {
		o.TopReason = t[0].Label
	}
	if t := tallies(o.competitors, o.Lost); len(t) > 0 {
		o.TopCompetitor = t[0].Label
	}
}

func count(m map[string]*Tally, label string, r cartera.WinLossRow) {
	label = strings.TrimSpace(label)
	k := cartera.Fold(label)
	t, ok := m[k]
	if !ok {
		t = &Tally{Label: label}
		m[k] = t
	}
	t.Deals += r.Deals
	t.Value = addMoney(t.Value, r.Value)
}

func tallies(m map[string]*Tally, lost int) []Tally {
	out := make([]Tally, 0, len(m))
	for _, t := range m {
		x := *t
		x.Share = cartera.Ratio(int64(x.Deals), int64(lost))
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Deals != out[j].Deals {
			return out[i].Deals > out[j].Deals
		}
		return cartera.Fold(out[i].Label) < cartera.Fold(out[j].Label)
	})
	return out
}

// addMoney adds m to the per-currency sums, kept in currency order.
func addMoney(sums []cartera.Money, m cartera.Money) []cartera.Money {
	for i := range sums {
		if sums[i].Currency == m.Currency {
			sums[i].Amount += m.Amount
			return sums
		}
	}
	sums = append(sums, m)
	sort.Slice(sums, func(i, j int) bool { return sums[i].Currency < sums[j].Currency })
	return sums
}
