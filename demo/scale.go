package demo

import (
	"fmt"

	"github.com/cartera/cartera"
)

// Scale writes a generated portfolio of n clients with events invoices,
// time entries, concessions and incidents in total (give or take a few
// incidents), over two years ending on anchor. The mix of patterns follows the curated demo:
// mostly healthy clients, and a few of each problem. seed picks the
// portfolio; the same arguments always give the same files.
//
// Records are written client by client, as CRM exports sorted by account
// are, with ids in the same order.
func Scale(anchor cartera.Date, n, events int, seed uint64, s Sink) error {
	if n <= 0 {
		return fmt.Errorf("demo: need at least one client")
	}
	g := newGen(anchor, seed, s)
	perClient := max(events/n, 6)
	extra := events - perClient*n // spread the remainder over the first clients
	for i := 0; i < n; i++ {
		budget := perClient
		if extra > 0 {
			budget++
			extra--
		}
		if err := g.client(i, g.randomProfile(budget)); err != nil {
			return err
		}
	}
	return nil
}

// randomProfile draws a client whose history holds about budget events.
func (g *gen) randomProfile(budget int) profile {
	r := g.rng
	name := trades[r.IntN(len(trades))] + " " + surnames[r.IntN(len(surnames))] + suffixes[r.IntN(len(suffixes))]
	p := profile{
		name: name, owner: Owners[r.IntN(len(Owners))], service: services[r.IntN(len(services))],
		months: 24, fee: int64(300 + r.IntN(40)*100), pay: payOnTime, contacts: 1 + r.IntN(3),
	}
	if r.IntN(4) == 0 {
		p.months = 6 + r.IntN(18)
	}
	p.hours = float64(p.fee) / float64(60+r.IntN(60)) // €60–120 an hour billed
	p.family = r.IntN(50) == 0
	// Incidents and concessions take part of the budget; the rest is time.
	incidents := 0
	switch k := r.IntN(100); {
	case k < 8: // late payer
		p.pay = payChronic
	case k < 13: // diva
		p.hours *= 3
		p.unbilled = 0.3
		incidents = budget / 20
		p.incidents = g.randomIncidents(incidents, cartera.KindOutOfHours, 2, false)
	case k < 16: // yeller, escalating
		incidents = max(budget/12, 4)
		p.incidents = g.randomIncidents(incidents, cartera.KindYelling, 2, true)
	case k < 20: // non-listener
		incidents = max(budget/15, 3)
		p.incidents = g.randomIncidents(incidents, cartera.KindNotListening, 3, false)
	case k < 24: // loud and pampered
		incidents = max(budget/15, 3)
		p.incidents = g.randomIncidents(incidents, cartera.KindCompetitorTaunt, 2, false)
		for m := 1; m < 12; m += 3 {
			p.discounts = append(p.discounts, discount{monthsAgo: m, pct: 20})
		}
	case k < 28: // thin margin
		p.hours = float64(p.fee) / 40
	case k < 30: // slow payer
		p.pay = paySlow
	}
	invoices := p.months
	rest := budget - invoices - incidents - len(p.discounts)
	p.entries = max(rest/p.months, 1)
	p.extraEntries = max(rest-p.entries*p.months, 0)
	p.noise = 0 // incidents are budgeted above
	return p
}

// randomIncidents spreads n incidents of a kind over the last year; when
// escalating they crowd into recent months and grow in severity.
func (g *gen) randomIncidents(n int, kind cartera.IncidentKind, severity int, escalating bool) []scripted {
	out := make([]scripted, 0, n)
	for k := 0; k < n; k++ {
		days := 5 + g.rng.IntN(360)
		sev := severity
		if escalating {
			days = 5 + (n-k)*150/n + g.rng.IntN(10)
			sev = min(cartera.MaxSeverity, severity+k*3/n)
		}
		out = append(out, scripted{daysAgo: days, at: fmt.Sprintf("%02d:%02d", 9+g.rng.IntN(12), g.rng.IntN(60)),
			kind: kind, severity: sev, note: "Incidente registrado por el equipo"})
	}
	return out
}
