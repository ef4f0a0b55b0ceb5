package assess

import (
	"sort"
	"time"

	"github.com/cartera/cartera"
)

// problem grades one area of the relationship.
type problem int

const (
	none problem = iota
	minor
	severe
)

// verdict decides what to do with the client and why. The rules, in order
// (docs/assessment.md explains each):
//
//  0. Abuse outweighs money: a credible threat (severity AbuseSeverity or
//     more) or AbuseRepeat serious insults or yelling within
//     AbuseWindowDays end the relationship whatever the margin — unless the
//     insults or yelling all come from one contact and there was no threat,
//     when changing the interlocutor comes first (set boundaries).
//  1. End the relationship when the relationship is bad and getting worse
//     (high relational cost while escalating), when a threat of severity 5
//     happened in the window, or when two areas — money, payment,
//     relationship — are each severely wrong.
//  2. Renegotiate when the client loses us money or earns less than the
//     minimum margin, or pays so late that collection is at high risk.
//  3. Set boundaries when the relationship costs something (medium or high
//     relational cost), payment is sliding, or any red line is crossed.
//  4. Keep otherwise.
func verdict(f *cartera.ClientFacts, x *Assessor, a *Assessment) (cartera.Verdict, []cartera.Message) {
	p := x.p
	e, pm, r := a.Economic, a.Payment, a.Relational
	econ, econWhy := economicProblem(f, p, e)
	pay, payWhy := paymentProblem(f, p, pm)
	// The payments over the line say the days-late line's trend.
	if b, ok := a.line("days_late"); ok {
		tr, ok := b.Msg.Get("trend")
		if !ok {
			tr = ""
		}
		for i, m := range payWhy {
			if m.Key == "reason.late_payments" {
				payWhy[i].Args = append(append([]cartera.Arg(nil), m.Args...), cartera.Arg{Name: "trend", Value: tr})
			}
		}
	}
	rel, relWhy := relationalProblem(f, x, a)

	threat := false
	for _, in := range f.Incidents {
		if in.Kind == cartera.KindThreat && in.Severity == cartera.MaxSeverity && x.inWindow(in.At) {
			threat = true
		}
	}
	ab := findAbuse(f, x)
	a.abuse = ab
	severeCount := 0
	for _, x := range []problem{econ, pay, rel} {
		if x == severe {
			severeCount++
		}
	}

	a.grades = [3]problem{econ, pay, rel}
	var v cartera.Verdict
	switch {
	case rel == severe && r.Escalating, threat, severeCount >= 2, ab.ends():
		v = cartera.VerdictEnd
	case econ >= minor || pay == severe:
		v = cartera.VerdictRenegotiate
	case rel >= minor || pay == minor || len(a.Breaches) > 0 || ab.oneContact():
		v = cartera.VerdictBoundaries
	default:
		v = cartera.VerdictKeep
	}

	// Reasons: the most serious area first, then the others that still
	// matter, then what is good about the client.
	type area struct {
		p   problem
		why []cartera.Message
	}
	areas := []area{{rel, relWhy}, {econ, econWhy}, {pay, payWhy}}
	sort.SliceStable(areas, func(i, j int) bool { return areas[i].p > areas[j].p })
	var reasons []cartera.Message
	reasons = append(reasons, ab.reasons(v)...)
	for _, ar := range areas {
		if ar.p > none {
			reasons = append(reasons, ar.why...)
		}
	}
	if v == cartera.VerdictBoundaries && len(reasons) == 0 {
		// Only red lines were crossed: they are the reasons.
		reasons = append(reasons, a.Breaches...)
	}
	// A red line crossed more often or more severely lately is said among
	// the reasons, whatever else the verdict weighs (unless a reason of its
	// area already speaks of the same crossings).
	for _, b := range a.Lines {
		said := hasKey(reasons, b.Msg.Key) || (b.Line == "days_late" && hasKey(reasons, "reason.late_payments"))
		if b.Trend == TrendRising && !said {
			reasons = append(reasons, b.Msg)
		}
	}
	reasons = append(reasons, strengths(f, p, a, econ, pay, rel)...)
	if f.Client.FamilyFriend {
		reasons = append(reasons, cartera.M("reason.family_friend"))
	}
	return v, reasons
}

func hasKey(ms []cartera.Message, key string) bool {
	for _, m := range ms {
		if m.Key == key {
			return true
		}
	}
	return false
}

func economicProblem(f *cartera.ClientFacts, p cartera.Policy, e Economic) (problem, []cartera.Message) {
	var why []cartera.Message
	if !e.CostKnown && f.Hours > 0 {
		why = append(why, cartera.M("reason.cost_unknown", "currency", string(f.Client.Currency)))
	}
	lvl := none
	switch {
	case e.Margin.Amount < 0:
		lvl = severe
		if e.HasRevenue {
			why = append(why, cartera.M("reason.margin_negative", "margin", e.Margin, "pct", e.MarginPct))
		} else {
			why = append(why, cartera.M("reason.cost_without_revenue", "cost", e.CostToServe, "hours", e.Hours))
		}
	case e.HasRevenue && e.MarginPct < p.MinMargin:
		lvl = minor
		why = append(why, cartera.M("reason.margin_low", "pct", e.MarginPct, "min", p.MinMargin))
	}
	if lvl == none {
		return none, nil
	}
	// Explain where the margin goes: hours that the invoices do not pay
	// for, unbilled work, concessions.
	if e.CostKnown && f.Hours > 0 && e.HasRevenue && e.EffectiveRate.Amount < e.CostPerHour.Amount {
		why = append(why, cartera.M("reason.hours_exceed_pay",
			"hours", f.Hours, "revenue", e.Revenue, "rate", e.EffectiveRate, "cost", e.CostPerHour))
	}
	if f.Hours > 0 {
		unbilled := f.Hours - f.BillableHours
		if share := cartera.Ratio(int64(unbilled), int64(f.Hours)); share >= 3000 {
			why = append(why, cartera.M("reason.unbilled_hours", "hours", unbilled, "pct", share))
		}
	}
	if f.Discounts > 0 && e.HasRevenue && cartera.Ratio(f.Discounts, f.Revenue) >= 500 {
		why = append(why, cartera.M("reason.concessions", "amount", e.Concessions, "n", f.DiscountCount, "free_hours", f.FreeHours))
	}
	return lvl, why
}

func paymentProblem(f *cartera.ClientFacts, p cartera.Policy, pm Payment) (problem, []cartera.Message) {
	var why []cartera.Message
	if pm.OverLimit > 0 {
		why = append(why, cartera.M("reason.late_payments", "n", pm.OverLimit, "of", pm.InvoicesDue, "days", p.MaxDaysLate))
	} else if pm.Late > 0 && pm.LateShare >= p.LateShareWarn {
		why = append(why, cartera.M("reason.late_share", "n", pm.Late, "of", pm.InvoicesDue, "avg", pm.AvgDaysLate))
	}
	if pm.OverdueCount > 0 && pm.Risk != LevelLow {
		why = append(why, cartera.M("reason.overdue", "amount", pm.OverdueAmount, "n", pm.OverdueCount, "since", pm.OldestOverdue))
	}
	switch pm.Risk {
	case LevelHigh:
		return severe, why
	case LevelMedium:
		return minor, why
	}
	return none, nil
}

func relationalProblem(f *cartera.ClientFacts, x *Assessor, a *Assessment) (problem, []cartera.Message) {
	r := a.Relational
	var sevBreach bool
	for _, b := range a.Breaches {
		if b.Key == "breach.severity" {
			sevBreach = true
		}
	}
	lvl := none
	switch {
	case r.Level == LevelHigh, sevBreach && r.Escalating:
		lvl = severe
	case r.Level == LevelMedium, sevBreach:
		lvl = minor
	}
	if lvl == none {
		return none, nil
	}
	var why []cartera.Message
	// The dominant kinds, as "N incidents of kind in D days".
	for _, k := range topKinds(r.ByKind, 2) {
		first := a.AsOf
		for _, in := range f.Incidents {
			if in.Kind == k && x.inWindow(in.At) {
				if d := cartera.DateFromTime(in.At.In(x.loc)); d < first {
					first = d
				}
			}
		}
		days := cartera.DaysBetween(first, a.AsOf) + 1
		rising := r.Escalating && r.RecentByKind[k] > r.PriorByKind[k]
		why = append(why, cartera.M("reason.incidents", "n", r.ByKind[k], "kind", k, "days", days, "rising", rising))
	}
	why = append(why, r.Escalation...)
	why = append(why, cartera.M("reason.relational_score", "score", tenths(r.Score), "level", string(r.Level)))
	for _, b := range a.Breaches {
		if b.Key == "breach.severity" {
			why = append(why, b)
		}
	}
	return lvl, why
}

// strengths are the reasons in the client's favour, shown after problems.
func strengths(f *cartera.ClientFacts, p cartera.Policy, a *Assessment, econ, pay, rel problem) []cartera.Message {
	var out []cartera.Message
	e := a.Economic
	if !e.HasRevenue && f.Hours == 0 && len(f.Incidents) == 0 {
		return []cartera.Message{cartera.M("reason.no_activity", "months", p.WindowMonths)}
	}
	if econ == none && e.HasRevenue {
		out = append(out, cartera.M("reason.healthy_margin", "pct", e.MarginPct, "margin", e.Margin))
	}
	if pay == none && f.InvoicesDue > 0 {
		if f.LateInvoices == 0 {
			out = append(out, cartera.M("reason.pays_on_time", "n", f.InvoicesDue, "grace", p.GraceDays))
		} else {
			out = append(out, cartera.M("reason.pays_mostly_on_time", "n", f.LateInvoices, "of", f.InvoicesDue, "grace", p.GraceDays))
		}
	}
	if rel == none && a.Relational.Incidents == 0 {
		out = append(out, cartera.M("reason.no_incidents", "months", p.WindowMonths))
	}
	return out
}

// topKinds returns up to n kinds with the most incidents, ties broken by the
// stable kind order.
func topKinds(by map[cartera.IncidentKind]int, n int) []cartera.IncidentKind {
	var ks []cartera.IncidentKind
	for _, k := range cartera.IncidentKinds {
		if by[k] > 0 {
			ks = append(ks, k)
		}
	}
	sort.SliceStable(ks, func(i, j int) bool { return by[ks[i]] > by[ks[j]] })
	if len(ks) > n {
		ks = ks[:n]
	}
	return ks
}

// abuse is what attacks the people who serve the client at a level that no
// margin buys: credible threats, and serious insults or yelling repeated
// within a window.
type abuse struct {
	threats     []cartera.IncidentFact // at AbuseSeverity or above, in the window
	serious     []cartera.IncidentFact // insults and yelling at AbuseSeverity or above within AbuseWindowDays
	repeat      int                    // the policy's AbuseRepeat
	minSeverity int
	days        int // the policy's AbuseWindowDays
	// contact is the one contact every counted incident came from, or ""
	// when they came from several or from nobody named.
	contact string
}

func findAbuse(f *cartera.ClientFacts, x *Assessor) abuse {
	p := x.p
	ab := abuse{repeat: p.AbuseRepeat, days: p.AbuseWindowDays, minSeverity: p.AbuseSeverity}
	since := x.end.Add(-time.Duration(p.AbuseWindowDays) * 24 * time.Hour)
	for _, in := range f.Incidents {
		if in.Severity < p.AbuseSeverity || in.At.After(x.end) {
			continue
		}
		switch in.Kind {
		case cartera.KindThreat:
			if x.inWindow(in.At) {
				ab.threats = append(ab.threats, in)
			}
		case cartera.KindInsult, cartera.KindYelling:
			if in.At.After(since) {
				ab.serious = append(ab.serious, in)
			}
		}
	}
	first := true
	for _, in := range ab.serious {
		if first {
			ab.contact, first = in.ContactID, false
		} else if in.ContactID != ab.contact {
			ab.contact = ""
		}
	}
	return ab
}

// found reports whether abuse alone would end the relationship.
func (ab abuse) found() bool { return len(ab.threats) > 0 || len(ab.serious) >= ab.repeat }

// oneContact is repeated insults or yelling all from one named contact,
// and no threat: the pattern may be the person's rather than the client's,
// so changing the interlocutor comes before ending. A credible threat ends
// the relationship whoever made it.
func (ab abuse) oneContact() bool {
	return len(ab.threats) == 0 && len(ab.serious) >= ab.repeat && ab.contact != ""
}

// ends reports whether abuse ends the relationship now.
func (ab abuse) ends() bool { return ab.found() && !ab.oneContact() }

// reasons explain the abuse first, whatever else the verdict weighs.
func (ab abuse) reasons(v cartera.Verdict) []cartera.Message {
	if !ab.found() {
		return nil
	}
	var out []cartera.Message
	if n := len(ab.threats); n > 0 {
		last := ab.threats[n-1]
		out = append(out, cartera.M("reason.abuse_threat", "n", n, "severity", last.Severity, "at", last.At))
	}
	if n := len(ab.serious); n >= ab.repeat {
		var insults, yelling int
		for _, in := range ab.serious {
			if in.Kind == cartera.KindInsult {
				insults++
			} else {
				yelling++
			}
		}
		switch {
		case insults == 0 || yelling == 0:
			out = append(out, cartera.M("reason.abuse_repeated", "n", n, "kind", ab.serious[0].Kind, "days", ab.days, "severity", ab.minSeverity))
		default:
			out = append(out, cartera.M("reason.abuse_repeated_mixed", "n", n, "insults", insults, "yelling", yelling,
				"days", ab.days, "severity", ab.minSeverity))
		}
	}
	if ab.contact != "" && v != cartera.VerdictEnd {
		out = append(out, cartera.M("reason.abuse_one_contact", "contact", ab.contact))
	} else {
		out = append(out, cartera.M("reason.abuse_outweighs_money"))
	}
	return out
}
