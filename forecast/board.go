package forecast

import (
	"container/heap"
	"sort"

	"github.com/cartera/cartera"
)

// Board is the pipeline as columns: per stage, the open deals' totals and
// the largest deals as cards.
type Board struct {
	AsOf    cartera.Date `json:"as_of"`
	Columns []*Column    `json:"columns"`
	// Stale counts every open deal that needs a fresh status check.
	Stale int `json:"stale"`
}

// Column is one stage of the board. Sums are per currency.
type Column struct {
	Stage    cartera.Stage       `json:"stage"`
	MaxAge   int                 `json:"max_age"`
	Rate     cartera.BasisPoints `json:"rate"`
	Deals    int                 `json:"deals"`
	Stale    int                 `json:"stale"`
	Sums     []*Sum              `json:"sums"`
	Cards    []Grounded          `json:"cards"`
	sums     map[cartera.Currency]*Sum
	cardHeap valueHeap
}

// Sum is a column's total in one currency.
type Sum struct {
	Currency cartera.Currency `json:"currency"`
	Value    int64            `json:"value"`
	Claimed  int64            `json:"claimed"`
	Grounded int64            `json:"grounded"`
}

// BoardBuilder collects open deals into a Board.
type BoardBuilder struct {
	m     *Model
	b     *Board
	cards int
}

// NewBoard starts a board that keeps up to cards cards per column.
func NewBoard(m *Model, asOf cartera.Date, cards int) *BoardBuilder {
	b := &Board{AsOf: asOf}
	for i, s := range m.p.Stages {
		b.Columns = append(b.Columns, &Column{Stage: s.ID, MaxAge: s.MaxAge, Rate: m.rates[i].Rate,
			sums: map[cartera.Currency]*Sum{}})
	}
	return &BoardBuilder{m: m, b: b, cards: cards}
}

// Add grounds one open deal and places it in its column.
func (bb *BoardBuilder) Add(f *cartera.DealFacts) Grounded {
	g := bb.m.Ground(f, bb.b.AsOf)
	i := bb.m.p.Index(f.Deal.Stage)
	if i < 0 || f.Deal.Outcome != cartera.OutcomeOpen {
		return g
	}
	c := bb.b.Columns[i]
	c.Deals++
	if g.Stale {
		c.Stale++
		bb.b.Stale++
	}
	cur := f.Deal.Value.Currency
	s := c.sums[cur]
	if s == nil {
		s = &Sum{Currency: cur}
		c.sums[cur] = s
	}
	v := f.Deal.Value.Amount
	s.Value += v
	s.Claimed += Expected(v, g.Claimed)
	s.Grounded += Expected(v, g.P)
	if bb.cards > 0 {
		if len(c.cardHeap) < bb.cards {
			heap.Push(&c.cardHeap, g)
		} else if v > c.cardHeap[0].Deal.Value.Amount {
			c.cardHeap[0] = g
			heap.Fix(&c.cardHeap, 0)
		}
	}
	return g
}

// Finish orders each column's cards, largest first.
func (bb *BoardBuilder) Finish() *Board {
	for _, c := range bb.b.Columns {
		c.Cards = make([]Grounded, len(c.cardHeap))
		for i := len(c.cardHeap) - 1; i >= 0; i-- {
			c.Cards[i] = heap.Pop(&c.cardHeap).(Grounded)
		}
		for _, s := range c.sums {
			c.Sums = append(c.Sums, s)
		}
		sort.Slice(c.Sums, func(i, j int) bool { return c.Sums[i].Value > c.Sums[j].Value })
	}
	return bb.b
}

// valueHeap keeps the largest deals, smallest on top.
type valueHeap []Grounded

func (h valueHeap) Len() int { return len(h) }
func (h valueHeap) Less(i, j int) bool {
	a, b := h[i].Deal, h[j].Deal
	if a.Value.Amount != b.Value.Amount {
		return a.Value.Amount < b.Value.Amount
	}
	return a.ID > b.ID
}
func (h valueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *valueHeap) Push(x any)   { *h = append(*h, x.(Grounded)) }
func (h *valueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Checks lists the open deals that need a fresh status check, longest
// unchecked first, up to limit (all of them counted in Total).
type Checks struct {
	Deals []Grounded `json:"deals"`
	Total int        `json:"total"`
	limit int
	h     ageHeap
}

// NewChecks starts a list of up to limit stale deals.
func NewChecks(limit int) *Checks { return &Checks{limit: limit} }

// Add considers one grounded deal.
func (c *Checks) Add(g Grounded) {
	if !g.Stale || g.Deal.Outcome != cartera.OutcomeOpen {
		return
	}
	c.Total++
	if len(c.h) < c.limit {
		heap.Push(&c.h, g)
	} else if c.limit > 0 && overdueBy(g) > overdueBy(c.h[0]) {
		c.h[0] = g
		heap.Fix(&c.h, 0)
	}
}

// Finish orders the list.
func (c *Checks) Finish() *Checks {
	c.Deals = make([]Grounded, len(c.h))
	for i := len(c.h) - 1; i >= 0; i-- {
		c.Deals[i] = heap.Pop(&c.h).(Grounded)
	}
	return c
}

// overdueBy is how many days past its stage's limit a deal went unchecked.
func overdueBy(g Grounded) int { return g.Age - g.MaxAge }

type ageHeap []Grounded

func (h ageHeap) Len() int { return len(h) }
func (h ageHeap) Less(i, j int) bool {
	if a, b := overdueBy(h[i]), overdueBy(h[j]); a != b {
		return a < b
	}
	return h[i].Deal.ID > h[j].Deal.ID
}
func (h ageHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *ageHeap) Push(x any)   { *h = append(*h, x.(Grounded)) }
func (h *ageHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
