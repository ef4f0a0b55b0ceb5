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
	Active bool `json:"active"`
	// Trend compares the crossings of the window's recent half with those
	// of its earlier half: "rising", "easing" or "" (see trend). Recent
	// and Earlier count them.
	Trend   string          `json:"trend,omitempty"`
	Recent  int             `json:"recent"`
	Earlier int             `json:"earlier"`
	Msg     cartera.Message `json:"-"`
}

// Breach trends.
const (
	TrendRising = "rising"
	TrendEasing = "easing"
)

// crossing is one crossing of a red line: its day and how far it went (the
// percentage, the hours, the days late or the severity).
type crossing struct {
	day cartera.Date
	v   int64
}

// trend compares a line's crossings in the window's recent half (after
// mid) with those of its earlier half, as escalation does for incidents:
//
//   - rising: at least 2 crossings in the recent half and more than in
//     the earlier one (more often), or crossings in both halves with the
//     recent ones going on average at least a quarter further than the
//     earlier ones (more severely; the message shows the worst of each);
//   - easing: 2 or more crossings, none in the recent half.
//
// One crossing is no trend. The message says it with the numbers; months
// is the length of a half. A window under two months has no halves.
func trend(b *Breach, cs []crossing, mid cartera.Date, months int, worse func(int64) any) cartera.Message {
	if months < 1 || len(cs) == 0 {
		return cartera.Message{}
	}
	var worstE, worstR, sumE, sumR int64
	for _, c := range cs {
		if c.day > mid {
			b.Recent++
			worstR = max(worstR, c.v)
			sumR += c.v
		} else {
			b.Earlier++
			worstE = max(worstE, c.v)
			sumE += c.v
		}
	}
	r, e := b.Recent, b.Earlier
	switch {
	case r >= 2 && r > e:
		b.Trend = TrendRising
		return cartera.M("trend.more_often", "recent", r, "earlier", e, "n", months)
	// avg(recent) ≥ 1,25 × avg(earlier), in integers (figures are small:
	// days, basis points, hundredths of an hour, severities).
	case r >= 1 && e >= 1 && 4*sumR*int64(e) >= 5*sumE*int64(r):
		b.Trend = TrendRising
		return cartera.M("trend.worse", "recent", worse(worstR), "earlier", worse(worstE), "n", months)
	case r == 0 && e >= 2:
		b.Trend = TrendEasing
		return cartera.M("trend.easing", "n", months)
	}
	return cartera.Message{}
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

func severity(v int64) any { return cartera.M("trend.severity", "n", int(v)) }

// breaches lists the policy's red lines the client crossed in the window,
// each with its facts, its date and its current weight.
func breaches(f *cartera.ClientFacts, x *Assessor, a *Assessment) []Breach {
	p := x.p
	var out []Breach
	half := p.WindowMonths / 2
	add := func(line string, n int, last cartera.Date, m cartera.Message, cs []crossing, worse func(int64) any) {
		b := Breach{Line: line, N: n, Last: last, Msg: m}
		x.fade(&b, a.AsOf)
		var tr any = ""
		if t := trend(&b, cs, x.q.Mid, half, worse); t.Key != "" {
			tr = t
		}
		// A rising breach has recurred: it always counts.
		if b.Trend == TrendRising {
			b.Active = true
		}
		// A breach that still counts but whose latest crossing is two
		// months old or more says so: "the latest, 5 months ago".
		if line == "discount" || line == "free_hours" || line == "days_late" {
			var latest any = ""
			if b.Active && !b.Last.IsZero() && b.AgeDays >= 60 {
				latest = cartera.M("breach.latest_"+line, "ago", ago(b.AgeDays))
			}
			b.Msg.Args = append(b.Msg.Args, cartera.Arg{Name: "latest", Value: latest})
		}
		if cs != nil {
			b.Msg.Args = append(b.Msg.Args, cartera.Arg{Name: "trend", Value: tr})
		}
		out = append(out, b)
	}
	if f.DiscountsOver > 0 {
		cs := make([]crossing, 0, len(f.DiscountsOverAt))
		for _, d := range f.DiscountsOverAt {
			cs = append(cs, crossing{d.Day, d.Value})
		}
		add("discount", f.DiscountsOver, f.LastDiscountOver, cartera.M("breach.discount",
			"n", f.DiscountsOver, "max_seen", f.MaxDiscount, "limit", p.MaxDiscount, "derived", f.DiscountsDerived > 0),
			cs, func(v int64) any { return cartera.BasisPoints(v) })
	}
	var worst cartera.MonthHours
	var freeCs []crossing
	for _, m := range f.FreeHoursMonth {
		if m.Hours > p.MaxFreeHoursPerMonth {
			if m.Hours > worst.Hours {
				worst = m
			}
			// A month's free hours were given during it: date them at its
			// end (the as-of day for the current month).
			end := min(m.Month.AddMonths(1).AddDays(-1), a.AsOf)
			freeCs = append(freeCs, crossing{end, int64(m.Hours)})
		}
	}
	if months := len(freeCs); months > 0 {
		add("free_hours", months, freeCs[months-1].day, cartera.M("breach.free_hours",
			"n", months, "month", worst.Month, "hours", worst.Hours, "limit", p.MaxFreeHoursPerMonth),
			freeCs, func(v int64) any { return cartera.Hours(v) })
	}
	if f.OverLimit > 0 {
		cs := make([]crossing, 0, len(f.LateOver))
		for _, d := range f.LateOver {
			cs = append(cs, crossing{d.Day, d.Value})
		}
		add("days_late", f.OverLimit, f.LastOverLimit, cartera.M("breach.days_late",
			"n", f.OverLimit, "of", f.InvoicesDue, "worst", f.WorstDaysLate, "limit", p.MaxDaysLate),
			cs, func(v int64) any { return cartera.M("trend.days", "n", int(v)) })
	}
	e := a.Economic
	switch {
	case e.HasRevenue && e.MarginPct < p.MinMargin:
		add("margin", 1, 0, cartera.M("breach.margin", "pct", e.MarginPct, "limit", p.MinMargin), nil, nil)
	case !e.HasRevenue && e.CostToServe.Amount > 0:
		add("margin", 1, 0, cartera.M("breach.margin_no_revenue", "cost", e.CostToServe, "limit", p.MinMargin), nil, nil)
	}
	// Protected hours are about being contacted or asked for work then:
	// only the kinds the policy counts as contact cross that line. Any
	// other incident at such a time keeps its own name and rules.
	var off, severe int
	var lastOff time.Time
	var offKind cartera.IncidentKind
	var worstInc, lastSevere cartera.IncidentFact
	var offCs, severeCs []crossing
	for _, in := range f.Incidents {
		if !x.inWindow(in.At) {
			continue
		}
		c := crossing{cartera.DateFromTime(in.At.In(x.loc)), int64(in.Severity)}
		if p.IsContact(in.Kind) && p.InSlot(in.At.In(x.loc)) {
			off++
			offCs = append(offCs, c)
			if !in.At.Before(lastOff) {
				lastOff, offKind = in.At, in.Kind
			}
		}
		if in.Severity > p.MaxSeverity {
			severe++
			severeCs = append(severeCs, c)
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
			cartera.M("breach.off_limits", "n", off, "last", lastOff, "kind", offKind), offCs, severity)
	}
	if severe > 0 {
		add("severity", severe, cartera.DateFromTime(lastSevere.At.In(x.loc)), cartera.M("breach.severity",
			"n", severe, "worst", worstInc.Severity, "kind", worstInc.Kind, "at", worstInc.At, "limit", p.MaxSeverity),
			severeCs, severity)
	}
	return out
}
