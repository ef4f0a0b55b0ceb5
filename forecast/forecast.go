package forecast

import (
	"container/heap"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// Period is a span of days, both ends included.
type Period struct {
	From  cartera.Date `json:"from"`
	To    cartera.Date `json:"to"`
	Label string       `json:"label"`
}

// Contains reports whether d falls in the period.
func (p Period) Contains(d cartera.Date) bool { return d >= p.From && d <= p.To }

// ParsePeriod reads "2026-Q4", "2026-11", "2026" or "2026-H2"; empty is the
// quarter that contains today.
func ParsePeriod(s string, today cartera.Date) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := cartera.FieldError("period", "forecast.bad_period", "value", s)
	if s == "" {
		y, m, _ := today.YMD()
		s = fmt.Sprintf("%d-Q%d", y, (int(m)-1)/3+1)
	}
	year, rest, _ := strings.Cut(s, "-")
	y, err := strconv.Atoi(year)
	if err != nil || y < 1900 || y > 2200 || len(year) != 4 {
		return Period{}, bad
	}
	span := func(m1, months int) Period {
		from := cartera.DateOf(y, time.Month(m1), 1)
		return Period{From: from, To: from.AddMonths(months) - 1, Label: s}
	}
	switch {
	case rest == "":
		return span(1, 12), nil
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return span(int(rest[1]-'1')*3+1, 3), nil
	case len(rest) == 2 && (rest[0] == 'H' || rest[0] == 'S') && (rest[1] == '1' || rest[1] == '2'):
		return span(int(rest[1]-'1')*6+1, 6), nil
	case len(rest) == 2 || len(rest) == 1:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 {
			return Period{}, bad
		}
		return span(m, 1), nil
	}
	return Period{}, bad
}

// Line is the forecast of one seller (or everyone) in one currency.
type Line struct {
	Seller   string           `json:"seller,omitempty"`
	Currency cartera.Currency `json:"currency"`
	Deals    int              `json:"deals"`
	Value    int64            `json:"value"`
	Claimed  int64            `json:"claimed"`
	Grounded int64            `json:"grounded"`
	// Gap is claimed minus grounded: the illusion.
	Gap int64 `json:"gap"`
	// Low and High are the 10th and 90th percentiles of what the deals
	// bring in, if each closes with its grounded probability.
	Low  int64 `json:"p10"`
	High int64 `json:"p90"`
	// Won is what was already won in the period.
	Won      int64 `json:"won"`
	WonDeals int   `json:"won_deals"`
	Stale    int   `json:"stale"`

	pairs []pair
}

type pair struct {
	v int64
	p float64
}

// Forecast is claimed against grounded for a period.
type Forecast struct {
	Period Period       `json:"period"`
	AsOf   cartera.Date `json:"as_of"`
	// Totals has one line per currency; Sellers one per seller and
	// currency, largest gap first.
	Totals  []*Line `json:"totals"`
	Sellers []*Line `json:"sellers"`
	// Carriers are the deals that carry most of the gap.
	Carriers []Grounded `json:"carriers"`
	// Slipped counts included deals whose expected close has passed;
	// Undated open deals without an expected close (left out); Later
	// those expected after the period (left out).
	Slipped int    `json:"slipped"`
	Undated int    `json:"undated"`
	Later   int    `json:"later"`
	Rates   []Rate `json:"rates"`

	m        *Model
	totals   map[cartera.Currency]*Line
	sellers  map[string]*Line
	carriers gapHeap
	topN     int
}

// NewForecast starts a forecast; add every deal with Add, then Finish.
func NewForecast(m *Model, period Period, asOf cartera.Date, topN int) *Forecast {
	return &Forecast{Period: period, AsOf: asOf, Rates: m.rates, m: m, topN: topN,
		totals: map[cartera.Currency]*Line{}, sellers: map[string]*Line{}}
}

func (f *Forecast) line(seller string, cur cartera.Currency) (*Line, *Line) {
	t := f.totals[cur]
	if t == nil {
		t = &Line{Currency: cur}
		f.totals[cur] = t
	}
	key := cartera.Fold(seller) + "\x00" + string(cur)
	s := f.sellers[key]
	if s == nil {
		s = &Line{Seller: seller, Currency: cur}
		f.sellers[key] = s
	}
	return t, s
}

// Add takes one deal: open deals expected to close in the period (or
// already overdue, when the period includes today) are forecast; deals won
// in the period are booked.
func (f *Forecast) Add(df *cartera.DealFacts) {
	d := &df.Deal
	switch d.Outcome {
	case cartera.OutcomeWon:
		if f.Period.Contains(d.Closed) {
			t, s := f.line(d.Owner, d.Value.Currency)
			for _, l := range []*Line{t, s} {
				l.Won += d.Value.Amount
				l.WonDeals++
			}
		}
		return
	case cartera.OutcomeLost:
		return
	}
	if d.Created > f.AsOf {
		return
	}
	in := f.Period.Contains(d.ExpectedClose)
	overdue := !d.ExpectedClose.IsZero() && d.ExpectedClose < f.Period.From && f.Period.Contains(f.AsOf)
	switch {
	case d.ExpectedClose.IsZero():
		f.Undated++
		return
	case d.ExpectedClose > f.Period.To:
		f.Later++
		return
	case !in && !overdue:
		return
	}
	g := f.m.Ground(df, f.AsOf)
	if g.Slipped {
		f.Slipped++
	}
	t, s := f.line(d.Owner, d.Value.Currency)
	v := d.Value.Amount
	for _, l := range []*Line{t, s} {
		l.Deals++
		l.Value += v
		l.Claimed += Expected(v, g.Claimed)
		l.Grounded += Expected(v, g.P)
		if g.Stale {
			l.Stale++
		}
		l.pairs = append(l.pairs, pair{v, bpf(g.P)})
	}
	if gap := g.Gap(); gap > 0 && f.topN > 0 {
		if len(f.carriers) < f.topN {
			heap.Push(&f.carriers, g)
		} else if gap > f.carriers[0].Gap() {
			f.carriers[0] = g
			heap.Fix(&f.carriers, 0)
		}
	}
}

// Finish computes gaps and ranges and orders the lines.
func (f *Forecast) Finish() *Forecast {
	for _, l := range f.totals {
		f.Totals = append(f.Totals, l)
	}
	for _, l := range f.sellers {
		f.Sellers = append(f.Sellers, l)
	}
	for _, l := range append(append([]*Line{}, f.Totals...), f.Sellers...) {
		l.Gap = l.Claimed - l.Grounded
		l.Low, l.High = spread(l.pairs)
		l.pairs = nil
	}
	sort.Slice(f.Totals, func(i, j int) bool { return f.Totals[i].Value > f.Totals[j].Value })
	sort.Slice(f.Sellers, func(i, j int) bool {
		a, b := f.Sellers[i], f.Sellers[j]
		if a.Gap != b.Gap {
			return a.Gap > b.Gap
		}
		return a.Seller < b.Seller
	})
	f.Carriers = make([]Grounded, len(f.carriers))
	for i := len(f.carriers) - 1; i >= 0; i-- {
		f.Carriers[i] = heap.Pop(&f.carriers).(Grounded)
	}
	return f
}

// monteCarloMax is the largest number of deals whose range is simulated;
// beyond it the sum is close enough to normal.
const monteCarloMax = 5000

// spread returns the 10th and 90th percentiles of the sum of independent
// deals, each worth v with probability p: simulated with a fixed seed (so
// reports are reproducible) for up to monteCarloMax deals, a normal
// approximation beyond.
func spread(pairs []pair) (int64, int64) {
	if len(pairs) == 0 {
		return 0, 0
	}
	var total int64
	for _, x := range pairs {
		total += x.v
	}
	if len(pairs) > monteCarloMax {
		var mean, variance float64
		for _, x := range pairs {
			v := float64(x.v)
			mean += v * x.p
			variance += v * v * x.p * (1 - x.p)
		}
		sd := math.Sqrt(variance)
		clamp := func(x float64) int64 { return int64(math.Round(math.Min(math.Max(x, 0), float64(total)))) }
		return clamp(mean - 1.2816*sd), clamp(mean + 1.2816*sd)
	}
	const trials = 2000
	r := rand.New(rand.NewPCG(1, uint64(len(pairs))))
	sums := make([]int64, trials)
	for t := range sums {
		var s int64
		for _, x := range pairs {
			if r.Float64() < x.p {
				s += x.v
			}
		}
		sums[t] = s
	}
	sort.Slice(sums, func(i, j int) bool { return sums[i] < sums[j] })
	return sums[trials/10], sums[trials*9/10]
}

// gapHeap keeps the deals with the largest gaps, smallest on top.
type gapHeap []Grounded

func (h gapHeap) Len() int           { return len(h) }
func (h gapHeap) Less(i, j int) bool { return h[i].Gap() < h[j].Gap() }
func (h gapHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *gapHeap) Push(x any)        { *h = append(*h, x.(Grounded)) }
func (h *gapHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
