package forecast

import (
	"math"
	"testing"

	"github.com/cartera/cartera"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in       string
		from, to cartera.Date
		bad      bool
	}{
		{"2026-Q4", cartera.DateOf(2026, 10, 1), cartera.DateOf(2026, 12, 31), false},
		{"2026-q1", cartera.DateOf(2026, 1, 1), cartera.DateOf(2026, 3, 31), false},
		{"2026-02", cartera.DateOf(2026, 2, 1), cartera.DateOf(2026, 2, 28), false},
		{"2026", cartera.DateOf(2026, 1, 1), cartera.DateOf(2026, 12, 31), false},
		{"2026-H2", cartera.DateOf(2026, 7, 1), cartera.DateOf(2026, 12, 31), false},
		{"", cartera.DateOf(2026, 10, 1), cartera.DateOf(2026, 12, 31), false},
		{"2026-Q5", 0, 0, true}, {"Q4", 0, 0, true}, {"2026-13", 0, 0, true}, {"alta", 0, 0, true},
	}
	for _, tc := range tests {
		p, err := ParsePeriod(tc.in, asOf)
		if tc.bad {
			if cartera.ErrorCode(err) != cartera.EINVALID {
				t.Errorf("%q: want an invalid error, got %v", tc.in, err)
			}
			continue
		}
		if err != nil || p.From != tc.from || p.To != tc.to {
			t.Errorf("%q = %v–%v %v", tc.in, p.From, p.To, err)
		}
	}
}

func TestForecastSumsClaimedAgainstGrounded(t *testing.T) {
	m := New(cartera.DefaultPipeline(), nil)
	period, _ := ParsePeriod("2026-Q4", asOf)
	fc := NewForecast(m, period, asOf, 2)
	add := func(f cartera.DealFacts) { fc.Add(&f) }

	optimist := deal()
	optimist.Deal.ID, optimist.Deal.Owner, optimist.Deal.Claimed = "A", "Ana", 9000
	optimist.Deal.ExpectedClose = cartera.DateOf(2026, 12, 10)
	add(optimist)
	honest := deal()
	honest.Deal.ID, honest.Deal.Owner, honest.Deal.Claimed = "B", "Beto", 4000
	honest.Deal.ExpectedClose = cartera.DateOf(2026, 12, 20)
	add(honest)
	later := deal()
	later.Deal.ID, later.Deal.ExpectedClose = "C", cartera.DateOf(2027, 2, 1)
	add(later)
	undated := deal()
	undated.Deal.ID, undated.Deal.ExpectedClose = "D", 0
	add(undated)
	slipped := deal()
	slipped.Deal.ID, slipped.Deal.Owner, slipped.Deal.ExpectedClose = "E", "Ana", cartera.DateOf(2026, 9, 1)
	add(slipped)
	won := cartera.DealFacts{Deal: cartera.Deal{ID: "W", Owner: "Beto", Value: cartera.Money{Amount: 500000, Currency: "EUR"},
		Outcome: cartera.OutcomeWon, Closed: cartera.DateOf(2026, 11, 2), Stage: "negotiation"}}
	add(won)
	lost := won
	lost.Deal.ID, lost.Deal.Outcome = "L", cartera.OutcomeLost
	add(lost)
	f := fc.Finish()

	if len(f.Totals) != 1 {
		t.Fatalf("totals: %+v", f.Totals)
	}
	tot := f.Totals[0]
	if tot.Deals != 3 || tot.Value != 3000000 || f.Later != 1 || f.Undated != 1 || f.Slipped != 1 {
		t.Errorf("included %d deals worth %d; later %d, undated %d, slipped %d", tot.Deals, tot.Value, f.Later, f.Undated, f.Slipped)
	}
	if tot.Won != 500000 || tot.WonDeals != 1 {
		t.Errorf("booked: %d in %d deals", tot.Won, tot.WonDeals)
	}
	if tot.Gap != tot.Claimed-tot.Grounded || tot.Gap <= 0 {
		t.Errorf("gap %d = %d − %d", tot.Gap, tot.Claimed, tot.Grounded)
	}
	if tot.Low > tot.Grounded || tot.High < tot.Grounded || tot.High > tot.Value {
		t.Errorf("range %d–%d around %d of %d", tot.Low, tot.High, tot.Grounded, tot.Value)
	}
	// Ana claims 90 % on one deal: she carries the largest gap.
	if len(f.Sellers) != 2 || f.Sellers[0].Seller != "Ana" || f.Sellers[0].Gap <= f.Sellers[1].Gap {
		t.Errorf("sellers: %+v %+v", f.Sellers[0], f.Sellers[1])
	}
	if len(f.Carriers) != 2 || f.Carriers[0].Deal.ID != "A" {
		t.Errorf("carriers: %v", f.Carriers)
	}
}

func TestSpreadIsReproducibleAndOrdered(t *testing.T) {
	pairs := []pair{{100, 0.5}, {200, 0.9}, {50, 0.1}}
	lo, hi := spread(pairs)
	lo2, hi2 := spread(pairs)
	if lo != lo2 || hi != hi2 || lo > hi || hi > 350 {
		t.Errorf("spread %d–%d, again %d–%d", lo, hi, lo2, hi2)
	}
	// Above the simulation limit the normal approximation keeps the mean
	// inside the range.
	big := make([]pair, monteCarloMax+1)
	for i := range big {
		big[i] = pair{1000, 0.3}
	}
	lo, hi = spread(big)
	mean := int64(1000 * 0.3 * float64(len(big)))
	if lo >= mean || hi <= mean {
		t.Errorf("normal range %d–%d around %d", lo, hi, mean)
	}
}

func TestBacktestLearnsOnlyFromTheClosedPast(t *testing.T) {
	p := cartera.DefaultPipeline()
	// Ten deals won in negotiation last year, and one lost in lead this
	// month. Scoring as of the early cut-off must not know about any.
	var closed []ClosedDeal
	for i := 0; i < 10; i++ {
		closed = append(closed, ClosedDeal{Closed: cartera.DateOf(2025, 3, 1+i), Stage: "negotiation", Won: true, Owner: "Ana"})
	}
	closed = append(closed, ClosedDeal{Closed: cartera.DateOf(2026, 11, 1), Stage: "lead", Owner: "Beto"})
	bt := NewBacktest(p, closed)
	cal := NewCalibration()
	var grounded []float64
	bt.OnScore = func(owner string, claimed cartera.BasisPoints, g float64, won bool) {
		cal.Score(owner, claimed, g, won)
		grounded = append(grounded, g)
	}
	bt.Begin(cartera.DateOf(2025, 2, 1))
	first := cartera.DealFacts{Deal: cartera.Deal{ID: "1", Owner: "Ana", Stage: "negotiation", StageSince: cartera.DateOf(2025, 1, 1),
		Created: cartera.DateOf(2025, 1, 1), Outcome: cartera.OutcomeOpen, Claimed: 9000,
		Value: cartera.Money{Amount: 100, Currency: "EUR"}}, AsOf: cartera.DateOf(2025, 2, 1),
		Truth: cartera.OutcomeWon, TruthClosed: cartera.DateOf(2025, 3, 1)}
	bt.Add(&first)
	if grounded[0] != 0.6 {
		t.Errorf("the first deal to close had no history: %v, want the prior 60%%", grounded[0])
	}
	bt.Begin(cartera.DateOf(2026, 10, 1))
	last := first
	last.Deal.ID, last.Deal.Owner, last.Deal.Stage, last.Deal.Claimed = "11", "Beto", "lead", 2000
	last.AsOf, last.Truth, last.TruthClosed = cartera.DateOf(2026, 10, 1), cartera.OutcomeLost, cartera.DateOf(2026, 11, 1)
	bt.Add(&last)
	// By then ten deals had reached lead and all were won:
	// (10 + 10×10%) / (10 + 10) = 55 %.
	if math.Abs(grounded[1]-0.55) > 1e-9 {
		t.Errorf("base for the late deal %v, want 55%%", grounded[1])
	}
	// A deal without its later outcome is not scored.
	open := last
	open.Truth = ""
	bt.Add(&open)
	c := cal.Finish()
	if c.Overall.Deals != 2 || c.Overall.Won != 1 || c.Overall.WinRate != 5000 {
		t.Errorf("overall: %+v", c.Overall)
	}
	// Ana said 90 % and won: (0.9−1)² = 0.01; Beto said 20 % and lost:
	// 0.04. Claimed Brier = 0.025.
	if c.Overall.ClaimedBrier != 250 {
		t.Errorf("claimed Brier %v", c.Overall.ClaimedBrier)
	}
	res := bt.Finish()
	if res.Overall.Deals != 2 || res.Overall.Trust != MethodBase {
		t.Errorf("backtest: %+v", res.Overall)
	}
	// Cut-off by cut-off, in percent of a unit. 2025-02: Ana's deal, won;
	// grounded and the base rate said the 60 % prior, (0.6−1)² = 0.16;
	// she claimed 90 %, 0.01; no seller had a record, so the seller rate
	// is the team's prior, 10 %: 0.81. 2026-10: Beto's, lost; the base
	// rate and the team's rate had both learned 55 %, 0.3025; he claimed
	// 20 %, 0.04.
	want := []struct {
		cut                            cartera.Date
		scored, won                    int
		grounded, claimed, base, sellr float64
	}{
		{cartera.DateOf(2025, 2, 1), 1, 1, 16, 1, 16, 81},
		{cartera.DateOf(2026, 10, 1), 1, 0, 30.25, 4, 30.25, 30.25},
	}
	if len(res.ByCutoff) != len(want) {
		t.Fatalf("by cut-off: %+v", res.ByCutoff)
	}
	for i, w := range want {
		c := res.ByCutoff[i]
		if c.Cutoff != w.cut || c.Deals != w.scored || c.Won != w.won || c.Uses != MethodBase || c.ClaimedN != 1 ||
			*c.Grounded != w.grounded || *c.Claimed != w.claimed || *c.Base != w.base || *c.Seller != w.sellr {
			t.Errorf("cut-off %s: %+v, grounded %v claimed %v base %v seller %v; want %+v", w.cut, c,
				*c.Grounded, *c.Claimed, *c.Base, *c.Seller, w)
		}
	}
}

// The per-cut-off table adds up to the whole replay: each cut-off's
// Brier, weighted by its deals, sums to the overall one, and the table
// shows when grounded switched from the base rate to the fit.
func TestBacktestByCutoffAddsUpToTheWhole(t *testing.T) {
	bt := simulate(1500, 0.5, 3)
	if len(bt.ByCutoff) != len(bt.Cutoffs) {
		t.Fatalf("%d rows for %d cut-offs", len(bt.ByCutoff), len(bt.Cutoffs))
	}
	for _, m := range []struct {
		method string
		of     func(CutoffScore) *float64
	}{
		{MethodGrounded, func(c CutoffScore) *float64 { return c.Grounded }},
		{MethodBase, func(c CutoffScore) *float64 { return c.Base }},
		{MethodSeller, func(c CutoffScore) *float64 { return c.Seller }},
	} {
		var sum float64
		n := 0
		for _, c := range bt.ByCutoff {
			if v := m.of(c); v != nil {
				sum += *v * float64(c.Deals)
				n += c.Deals
			}
		}
		if n != bt.Overall.Deals || math.Abs(sum/float64(n)-brierOf(bt.Overall, m.method)) > 0.01 {
			t.Errorf("%s: %d deals, mean of cut-offs %.4f, overall %.4f", m.method, n, sum/float64(n), brierOf(bt.Overall, m.method))
		}
	}
	first, last := bt.ByCutoff[0], bt.ByCutoff[len(bt.ByCutoff)-1]
	if first.Uses != MethodBase || last.Uses != MethodFitted || first.Claimed != nil || first.ClaimedN != 0 {
		t.Errorf("first %+v, last %+v", first, last)
	}
}

func TestBoardAndChecks(t *testing.T) {
	m := New(cartera.DefaultPipeline(), nil)
	bb := NewBoard(m, asOf, 1)
	ch := NewChecks(1)
	for i, v := range []int64{300, 100, 200} {
		f := deal()
		f.Deal.ID, f.Deal.Value.Amount = string(rune('A'+i)), v
		if i > 0 { // B and C unchecked for 40 and 60 days
			f.Evidence = cartera.Evidence{}
			f.Deal.Created, f.Deal.StageSince = day(20+20*i), day(20+20*i)
		}
		ch.Add(bb.Add(&f))
	}
	b := bb.Finish()
	col := b.Columns[2]
	if col.Stage != "proposal" || col.Deals != 3 || col.Stale != 2 || b.Stale != 2 || len(col.Cards) != 1 || col.Cards[0].Deal.ID != "A" {
		t.Errorf("proposal column: %+v", col)
	}
	if col.Sums[0].Value != 600 {
		t.Errorf("sum %+v", col.Sums[0])
	}
	c := ch.Finish()
	if c.Total != 2 || len(c.Deals) != 1 || c.Deals[0].Deal.ID != "C" {
		t.Errorf("checks: %d, %v", c.Total, c.Deals)
	}
}
