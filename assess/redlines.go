package assess

import (
	"math"
	"time"

	"github.com/cartera/cartera"
)

// Breach is one red line crossed in the window: how often, when last, and
// how much it still weighs. A breach fades like an incident does, with the
// line's own half-life (Policy.BreachHalfLife): one old crossing becomes a
// watch note, while a recent or repeated one still counts.
type Breach struct {
	Line string `json:"line"`
	N    int    `json:"n"`
	// Last is the day of the latest crossing (zero for the margin, which is
	// a state of the whole window, not an event).
	Last cartera.Date `json:"last"`
	// AgeDays is Last's age on the as-of date; Weight is ½^(age ÷
	// half-life) of that latest crossing.
	AgeDays int     `json:"age_days"`
	Weight  float64 `json:"weight"`
	// Active is true when the breach still counts towards the verdict: it
	// happened more than once, or its latest crossing is no older than the
	// line's half-life.
	Active bool            `json:"active"`
	Msg    cartera.Message `json:"-"`
}

// fade computes a breach's age, weight and whether it still counts.
func (x *Assessor) fade(b *Breach, asOf cartera.Date) {
	if b.Last.IsZero() {
		b.Weight, b.Active = 1, true
		return
	}
	b.AgeDays = max(cartera.DaysBetween(b.Last, asOf), 0)
	half := x.p.BreachHalfLifeDays(b.Line)
	b.Weight = math.Pow(0.5, float64(b.AgeDays)/float64(half))
	b.Active = b.N >= 2 || b.AgeDays <= half
}

// breaches lists the policy's red lines the client crossed in the window,
// each with its facts, its date and its current weight.
func breaches(f *cartera.ClientFacts, x *Assessor, a *Assessment) []Breach {
	p := x.p
	var out []Breach
	add := func(line string, n int, last cartera.Date, m cartera.Message) {
		b := Breach{Line: line, N: n, Last: last, Msg: m}
		x.fade(&b, a.AsOf)
		// A breach that still counts but whose latest crossing is two
		// months old or more says so: "the latest, 5 months ago".
		if line == "discount" || line == "free_hours" || line == "days_late" {
			var latest any = ""
			if b.Active && !b.Last.IsZero() && b.AgeDays >= 60 {
				latest = cartera.M("breach.latest_"+line, "ago", ago(b.AgeDays))
			}
			b.Msg.Args = append(b.Msg.Args, cartera.Arg{Name: "latest", Value: latest})
		}
		out = append(out, b)
	}
	if f.DiscountsOver > 0 {
		add("discount", f.DiscountsOver, f.LastDiscountOver, cartera.M("breach.discount",
			"n", f.DiscountsOver, "max_seen", f.MaxDiscount, "limit", p.MaxDiscount, "derived", f.DiscountsDerived > 0))
	}
	var worst cartera.MonthHours
	var lastMonth cartera.Date
	months := 0
	for _, m := range f.FreeHoursMonth {
		if m.Hours > p.MaxFreeHoursPerMonth {
			months++
			if m.Hours > worst.Hours {
				worst = m
			}
			lastMonth = m.Month
		}
	}
	if months > 0 {
		// A month's free hours were given during it: age it from its end.
		end := lastMonth.AddMonths(1).AddDays(-1)
		if end > a.AsOf {
			end = a.AsOf
		}
		add("free_hours", months, end, cartera.M("breach.free_hours",
			"n", months, "month", worst.Month, "hours", worst.Hours, "limit", p.MaxFreeHoursPerMonth))
	}
	if f.OverLimit > 0 {
		add("days_late", f.OverLimit, f.LastOverLimit, cartera.M("breach.days_late",
			"n", f.OverLimit, "of", f.InvoicesDue, "worst", f.WorstDaysLate, "limit", p.MaxDaysLate))
	}
	e := a.Economic
	switch {
	case e.HasRevenue && e.MarginPct < p.MinMargin:
		add("margin", 1, 0, cartera.M("breach.margin", "pct", e.MarginPct, "limit", p.MinMargin))
	case !e.HasRevenue && e.CostToServe.Amount > 0:
		add("margin", 1, 0, cartera.M("breach.margin_no_revenue", "cost", e.CostToServe, "limit", p.MinMargin))
	}
	// Protected hours are about being contacted or asked for work then:
	// only the kinds the policy counts as contact cross that line. Any
	// other incident at such a time keeps its own name and rules.
	var off, severe int
	var lastOff time.Time
	var offKind cartera.IncidentKind
	var worstInc, lastSevere cartera.IncidentFact
	for _, in := range f.Incidents {
		if !x.inWindow(in.At) {
			continue
		}
		if p.IsContact(in.Kind) && p.InSlot(in.At.In(x.loc)) {
			off++
			if !in.At.Before(lastOff) {
				lastOff, offKind = in.At, in.Kind
			}
		}
		if in.Severity > p.MaxSeverity {
			severe++
			if in.Severity > worstInc.Severity || (in.Severity == worstInc.Severity && in.At.After(worstInc.At)) {
				worstInc = in
			}
			if !in.At.Before(lastSevere.At) {
				lastSevere = in
			}
		}
	}
	if off > 0 {
		add("off_limits", off, cartera.DateFromTime(lastOff.In(x.loc)),
			cartera.M("breach.off_limits", "n", off, "last", lastOff, "kind", offKind))
	}
	if severe > 0 {
		add("severity", severe, cartera.DateFromTime(lastSevere.At.In(x.loc)), cartera.M("breach.severity",
			"n", severe, "worst", worstInc.Severity, "kind", worstInc.Kind, "at", worstInc.At, "limit", p.MaxSeverity))
	}
	return out
}
