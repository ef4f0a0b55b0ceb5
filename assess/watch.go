package assess

import (
	"sort"

	"github.com/cartera/cartera"
)

// watch lists the patterns under every threshold that a careful reader of
// the history would still raise: a red line crossed once long ago, a kind
// of incident that keeps coming back, free hours given month after month,
// invoices that slip. They are ranked by how much they weigh today and cut
// to Policy.WatchNotes; they never change the verdict.
func watch(f *cartera.ClientFacts, x *Assessor, a *Assessment) []cartera.Message {
	p := x.p
	if p.WatchNotes <= 0 {
		return nil
	}
	type note struct {
		rank float64
		m    cartera.Message
	}
	var notes []note
	for _, b := range a.Lines {
		if !b.Active {
			notes = append(notes, note{b.Weight * 4, cartera.M("watch.old_breach", "breach", b.Msg, "ago", ago(b.AgeDays))})
		}
	}
	named := map[cartera.IncidentKind]bool{}
	for _, r := range a.Reasons {
		if r.Key == "reason.incidents" {
			if k, ok := r.Get("kind"); ok {
				named[k.(cartera.IncidentKind)] = true
			}
		}
	}
	for _, k := range cartera.IncidentKinds {
		n := a.Relational.ByKind[k]
		if n >= p.WatchRepeat && !named[k] {
			notes = append(notes, note{float64(n * p.Weight(k)), cartera.M("watch.kind", "n", n, "kind", k, "months", p.WindowMonths)})
		}
	}
	if _, over := a.line("free_hours"); !over && len(f.FreeHoursMonth) >= 3 {
		var total cartera.Hours
		for _, m := range f.FreeHoursMonth {
			total += m.Hours
		}
		notes = append(notes, note{float64(len(f.FreeHoursMonth)), cartera.M("watch.free_hours",
			"n", len(f.FreeHoursMonth), "hours", total, "limit", p.MaxFreeHoursPerMonth)})
	}
	if pm := a.Payment; pm.Risk == LevelLow && pm.Late >= 2 {
		notes = append(notes, note{float64(pm.Late), cartera.M("watch.late", "n", pm.Late, "of", pm.InvoicesDue, "avg", pm.AvgDaysLate)})
	}
	if m, rank, ok := slower(f, p, a); ok {
		notes = append(notes, note{rank, m})
	}
	sort.SliceStable(notes, func(i, j int) bool { return notes[i].rank > notes[j].rank })
	var out []cartera.Message
	for i := 0; i < len(notes) && i < p.WatchNotes; i++ {
		out = append(out, notes[i].m)
	}
	return out
}

// slower is the "paying more slowly" note: the invoices due in the recent
// half of the window were paid, on average, at least Policy.SlowerDays
// later than those of the earlier half, with at least
// Policy.SlowerMinInvoices due in each half, while the payments are still
// under the days-late line. Ranked two points per week of added delay.
// Once the days-late line counts, or collection risk is high, the reasons
// already speak of it.
func slower(f *cartera.ClientFacts, p cartera.Policy, a *Assessment) (cartera.Message, float64, bool) {
	e, r := f.Delay[0], f.Delay[1]
	if e.Invoices < p.SlowerMinInvoices || r.Invoices < p.SlowerMinInvoices || a.active("days_late") || a.Payment.Risk == LevelHigh {
		return cartera.Message{}, 0, false
	}
	before, now := e.AvgDays(), r.AvgDays()
	if now-before < p.SlowerDays || now > p.MaxDaysLate {
		return cartera.Message{}, 0, false
	}
	return cartera.M("watch.slower", "recent", now, "earlier", before, "n", p.WindowMonths/2, "limit", p.MaxDaysLate),
		float64(now-before) * 2 / 7, true
}

// ago says how long ago something happened: days under two months, months
// after.
func ago(days int) cartera.Message {
	if days < 60 {
		return cartera.M("ago.days", "n", days)
	}
	return cartera.M("ago.months", "n", (days+15)/30)
}
