package assess

import (
	"time"

	"github.com/cartera/cartera"
)

// breaches lists the policy's red lines the client crossed in the window,
// each as a message carrying the facts and the limit.
func breaches(f *cartera.ClientFacts, x *Assessor, a *Assessment) []cartera.Message {
	p := x.p
	var out []cartera.Message
	if f.DiscountsOver > 0 {
		out = append(out, cartera.M("breach.discount",
			"n", f.DiscountsOver, "max_seen", f.MaxDiscount, "limit", p.MaxDiscount))
	}
	var worst cartera.MonthHours
	months := 0
	for _, m := range f.FreeHoursMonth {
		if m.Hours > p.MaxFreeHoursPerMonth {
			months++
			if m.Hours > worst.Hours {
				worst = m
			}
		}
	}
	if months > 0 {
		out = append(out, cartera.M("breach.free_hours",
			"n", months, "month", worst.Month, "hours", worst.Hours, "limit", p.MaxFreeHoursPerMonth))
	}
	if f.OverLimit > 0 {
		out = append(out, cartera.M("breach.days_late",
			"n", f.OverLimit, "of", f.InvoicesDue, "worst", f.WorstDaysLate, "limit", p.MaxDaysLate))
	}
	e := a.Economic
	switch {
	case e.HasRevenue && e.MarginPct < p.MinMargin:
		out = append(out, cartera.M("breach.margin", "pct", e.MarginPct, "limit", p.MinMargin))
	case !e.HasRevenue && e.CostToServe.Amount > 0:
		out = append(out, cartera.M("breach.margin_no_revenue", "cost", e.CostToServe, "limit", p.MinMargin))
	}
	var off, severe int
	var lastOff time.Time
	var worstInc cartera.IncidentFact
	for _, in := range f.Incidents {
		if !x.inWindow(in.At) {
			continue
		}
		if p.InSlot(in.At.In(x.loc)) {
			off++
			if in.At.After(lastOff) {
				lastOff = in.At
			}
		}
		if in.Severity > p.MaxSeverity {
			severe++
			if in.Severity > worstInc.Severity || (in.Severity == worstInc.Severity && in.At.After(worstInc.At)) {
				worstInc = in
			}
		}
	}
	if off > 0 {
		out = append(out, cartera.M("breach.off_limits", "n", off, "last", lastOff))
	}
	if severe > 0 {
		out = append(out, cartera.M("breach.severity",
			"n", severe, "worst", worstInc.Severity, "kind", worstInc.Kind, "at", worstInc.At, "limit", p.MaxSeverity))
	}
	return out
}
