package assess

import (
	"time"

	"github.com/cartera/cartera"
)

// change lists the smallest facts that would move the verdict one step:
// first what would make it milder (what the client can do, or what time
// alone would do), then what would make it harsher. Each claim is checked
// by assessing the client again on the altered facts — overdue invoices
// paid, a larger margin, incidents that have aged — and is listed only
// when the verdict does move: nothing here is written by hand.
func change(f *cartera.ClientFacts, x *Assessor, a *Assessment) []cartera.Message {
	p := x.p
	ab := a.abuse
	e, pm := a.Economic, a.Payment
	var out []cartera.Message
	add := func(key string, kv ...any) { out = append(out, cartera.M(key, kv...)) }
	milder := func(g *cartera.ClientFacts) (cartera.Verdict, bool) {
		v := x.core(g).Verdict
		return v, v.Urgency() > a.Verdict.Urgency()
	}

	// Milder.
	if a.Verdict == cartera.VerdictEnd && ab.ends() {
		add("change.abuse_final")
		return out
	}
	if a.Verdict != cartera.VerdictKeep {
		if pm.OverdueCount > 0 {
			g := *f
			g.Overdue, g.OverdueCount, g.OldestOverdue = 0, 0, 0
			if v, ok := milder(&g); ok {
				add("change.pay_overdue", "verdict", v, "n", pm.OverdueCount, "amount", pm.OverdueAmount)
			}
		}
		var next cartera.Verdict // what invoices paid within the line lead to
		if n := onTimeNeeded(f, p); n > 0 {
			g := *f
			g.InvoicesDue += n
			g.Overdue, g.OverdueCount, g.OldestOverdue = 0, 0, 0
			if v, ok := milder(&g); ok {
				next = v
				add("change.pay_next", "verdict", v, "n", n, "days", p.MaxDaysLate)
			}
		}
		if n := onTimeShareNeeded(f, p); n > 0 {
			// Late at all (past the grace) rather than over the line: the
			// share of late invoices falls under the warning as invoices
			// paid on time join them.
			g := *f
			g.InvoicesDue += n
			g.Overdue, g.OverdueCount, g.OldestOverdue = 0, 0, 0
			// Listed only when it leads further than invoices paid
			// within the line do: otherwise that is the smaller fact.
			if v, ok := milder(&g); ok && (next == "" || v.Urgency() > next.Urgency()) {
				add("change.pay_on_time", "verdict", v, "n", n, "days", p.GraceDays)
			}
		}
		if e.HasRevenue && e.MarginPct < p.MinMargin {
			// The margin reaches the minimum when it grows by
			// min × revenue − margin (the same growth in revenue at no
			// extra cost, or a cost to serve that falls as much).
			need := cartera.MulDivRound(e.Revenue.Amount, int64(p.MinMargin), 10000) - e.Margin.Amount
			need = cartera.MulDivRound(need, 10000, 10000-int64(p.MinMargin))
			g := *f
			g.Revenue += need
			if v, ok := milder(&g); ok && need > 0 {
				add("change.margin", "verdict", v, "amount", cartera.Money{Amount: need, Currency: e.Revenue.Currency}, "min", p.MinMargin)
			}
		}
		if len(f.Incidents) > 0 && (a.grades[2] >= minor || a.active("off_limits") || a.active("severity")) {
			// Time without new incidents: age them and find the first
			// span after which the verdict eases (whole weeks, so that
			// protected hours stay protected). Aging only ever lowers
			// weights and empties windows, so the spans are searched by
			// halves.
			spans := []int{28, 56, 91, 119, 182, 273, 364}
			aged := func(days int) (cartera.Verdict, bool) {
				g := *f
				g.Incidents = make([]cartera.IncidentFact, len(f.Incidents))
				for i, in := range f.Incidents {
					in.At = in.At.Add(-time.Duration(days) * 24 * time.Hour)
					g.Incidents[i] = in
				}
				return milder(&g)
			}
			lo, hi := 0, len(spans)
			for lo < hi {
				if mid := (lo + hi) / 2; func() bool { _, ok := aged(spans[mid]); return ok }() {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			if lo < len(spans) {
				if v, ok := aged(spans[lo]); ok {
					add("change.calm", "verdict", v, "date", a.AsOf.AddDays(spans[lo]))
				}
			}
		}
		for _, b := range a.Lines {
			if !b.Active {
				continue
			}
			if _, dated := quiet(f, b.Line, 0, x.q.From); dated {
				// A line crossed on dates the facts carry: how long,
				// with no new crossing, until it stops moving the
				// verdict — its crossings leave the window or fade.
				// Rising or easing, the trend is part of the claim.
				d, v, ok := quietSpan(f, b.Line, x.q.From, milder)
				if !ok {
					continue
				}
				key := "change.line_quiet"
				switch b.Trend {
				case TrendRising:
					key = "change.rising_quiet"
				case TrendEasing:
					key = "change.easing_quiet"
				}
				add(key, "line", lineMsg(b.Line), "date", a.AsOf.AddDays(d), "verdict", v)
				continue
			}
			// Incident lines age with the incidents (change.calm); a
			// single crossing says when it stops weighing, if the
			// verdict then moves: checked with that incident aged in
			// whole weeks (so that a protected time stays protected) and
			// the others left as they are, which can only weigh more
			// than they will.
			if b.N == 1 && (b.Line == "off_limits" || b.Line == "severity") {
				date := b.Last.AddDays(p.BreachHalfLifeDays(b.Line) + 1)
				weeks := (cartera.DaysBetween(a.AsOf, date) + 6) / 7
				g := *f
				g.Incidents = make([]cartera.IncidentFact, len(f.Incidents))
				for i, in := range f.Incidents {
					local := in.At.In(x.loc)
					crosses := b.Line == "severity" && in.Severity > p.MaxSeverity ||
						b.Line == "off_limits" && p.IsContact(in.Kind) && p.InSlot(local)
					if crosses && x.inWindow(in.At) {
						in.At = local.AddDate(0, 0, -7*weeks)
					}
					g.Incidents[i] = in
				}
				if _, ok := milder(&g); ok {
					add("change.breach_fades", "line", lineMsg(b.Line), "date", date)
				}
			}
		}
		if ab.oneContact() {
			add("change.one_contact", "contact", ab.contact)
		}
	}

	// Harsher.
	if a.Verdict != cartera.VerdictEnd {
		if n := len(ab.serious); n > 0 && ab.repeat-n == 1 {
			until := cartera.DateFromTime(ab.serious[0].At.In(x.loc)).AddDays(ab.days)
			add("change.abuse_next", "severity", ab.minSeverity, "date", until)
		}
		if a.Relational.Abuse > 0 && !ab.found() {
			add("change.threat_next", "severity", ab.minSeverity)
		}
		if ab.oneContact() {
			add("change.one_contact_continues", "contact", ab.contact)
		}
	}
	if a.Verdict == cartera.VerdictKeep {
		if e.HasRevenue {
			cushion := e.Margin.Amount - cartera.MulDivRound(e.Revenue.Amount, int64(p.MinMargin), 10000)
			if cushion >= 0 {
				add("change.margin_cushion", "amount", cartera.Money{Amount: cushion, Currency: e.Revenue.Currency}, "min", p.MinMargin)
			}
		}
		if p.MaxSeverity < cartera.MaxSeverity {
			add("change.severity_next", "severity", p.MaxSeverity+1)
		}
	}
	return out
}

// onTimeNeeded is how many more invoices paid within the line would bring
// the share over the line under LateShareHigh (0 when it already is).
func onTimeNeeded(f *cartera.ClientFacts, p cartera.Policy) int {
	if f.InvoicesDue < 2 || p.LateShareHigh <= 0 || cartera.Ratio(int64(f.OverLimit), int64(f.InvoicesDue)) < p.LateShareHigh {
		return 0
	}
	// over × 10000 < high × (due + n)
	n := int(int64(f.OverLimit)*10000/int64(p.LateShareHigh)) - f.InvoicesDue + 1
	return max(n, 1)
}

// onTimeShareNeeded is how many more invoices paid within the grace would
// bring the share of late ones under LateShareWarn (0 when it already is).
func onTimeShareNeeded(f *cartera.ClientFacts, p cartera.Policy) int {
	if f.InvoicesDue == 0 || p.LateShareWarn <= 0 || cartera.Ratio(int64(f.LateInvoices), int64(f.InvoicesDue)) < p.LateShareWarn {
		return 0
	}
	// late × 10000 < warn × (due + n)
	n := int(int64(f.LateInvoices)*10000/int64(p.LateShareWarn)) - f.InvoicesDue + 1
	return max(n, 1)
}

// lineMsg names a red line.
func lineMsg(line string) cartera.Message { return cartera.M("line." + line) }

// quietSpan is the fewest days, within a year and a month, after which a
// line's crossings — none new — no longer hold the verdict where it is,
// and the verdict then. Aging only makes crossings older or drops them
// from the window, so the days are searched by halves.
func quietSpan(f *cartera.ClientFacts, line string, from cartera.Date, milder func(*cartera.ClientFacts) (cartera.Verdict, bool)) (int, cartera.Verdict, bool) {
	ok := func(d int) bool {
		g, _ := quiet(f, line, d, from)
		_, m := milder(g)
		return m
	}
	lo, hi := 1, 400
	if !ok(hi) {
		return 0, "", false
	}
	for lo < hi {
		if mid := (lo + hi) / 2; ok(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	g, _ := quiet(f, line, lo, from)
	v, _ := milder(g)
	return lo, v, true
}

// quiet returns the facts as they will be days from now if the line is
// not crossed again: its crossings are days older, and those that leave
// the window (on or before from) are gone, with what they counted. The
// second result is false for lines whose crossings the facts do not date
// one by one (the margin, and the incident lines, which age with the
// incidents).
func quiet(f *cartera.ClientFacts, line string, days int, from cartera.Date) (*cartera.ClientFacts, bool) {
	g := *f
	switch line {
	case "discount":
		if len(f.DiscountsOverAt) != f.DiscountsOver {
			return f, false
		}
		g.DiscountsOverAt, g.DiscountsOver, g.LastDiscountOver = nil, 0, 0
		for _, c := range f.DiscountsOverAt {
			if c.Day = c.Day.AddDays(-days); c.Day > from {
				g.DiscountsOverAt = append(g.DiscountsOverAt, c)
				g.DiscountsOver++
				g.LastDiscountOver = max(g.LastDiscountOver, c.Day)
			}
		}
	case "days_late":
		if len(f.LateOver) != f.OverLimit {
			return f, false
		}
		g.LateOver, g.OverLimit, g.LastOverLimit, g.WorstDaysLate = nil, 0, 0, 0
		for _, c := range f.LateOver {
			if c.Day = c.Day.AddDays(-days); c.Day > from {
				g.LateOver = append(g.LateOver, c)
				g.OverLimit++
				g.LastOverLimit = max(g.LastOverLimit, c.Day)
				g.WorstDaysLate = max(g.WorstDaysLate, int(c.Value))
			} else {
				// The invoice leaves the window with its delay.
				g.InvoicesDue--
				g.LateInvoices--
				g.DaysLateSum -= int(c.Value)
			}
		}
	case "free_hours":
		if len(f.FreeHoursMonth) == 0 {
			return f, false
		}
		// A month's crossing is dated at its end: it leaves the window
		// when that day does. A month kept becomes the one holding the
		// day moved back, dated at its own end: the same day or a later
		// one, so that its weight is never understated.
		g.FreeHoursMonth = nil
		for _, m := range f.FreeHoursMonth {
			if end := m.Month.AddMonths(1).AddDays(-1).AddDays(-days); end > from {
				m.Month = end.Month()
				g.FreeHoursMonth = append(g.FreeHoursMonth, m)
			}
		}
	default:
		return f, false
	}
	return &g, true
}
