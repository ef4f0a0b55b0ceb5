package playbook

import (
	"sort"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// Archetype is a pattern of difficult client, each with its own script.
type Archetype string

// Archetypes, in the order scripts show them.
const (
	LatePayer    Archetype = "late_payer"
	Diva         Archetype = "diva"
	FamilyFriend Archetype = "family_friend"
	Yeller       Archetype = "yeller"
	NonListener  Archetype = "non_listener"
)

// Archetypes lists every archetype.
var Archetypes = []Archetype{LatePayer, Diva, FamilyFriend, Yeller, NonListener}

// Valid reports whether a is a known archetype.
func (a Archetype) Valid() bool {
	for _, x := range Archetypes {
		if x == a {
			return true
		}
	}
	return false
}

// Input is what archetype detection and scripts read about a client.
type Input struct {
	Assessment *assess.Assessment
	// Incidents are the client's incidents (as in ClientFacts), used to
	// name the contact most involved; optional.
	Incidents []cartera.IncidentFact
	// Contacts, most senior first; optional.
	Contacts []cartera.Contact
	// InvoicesIssued in the window (from ClientFacts); optional.
	InvoicesIssued int
}

// Match is an archetype a client fits, with the facts that made it fit.
type Match struct {
	Archetype Archetype         `json:"archetype"`
	Reasons   []cartera.Message `json:"reasons"`
}

// Detection is the result of checking a client against every archetype:
// what matched and, for the rest, why not.
type Detection struct {
	Matches []Match `json:"matches"`
	// Misses says, for each archetype that did not match, which facts
	// fell short — the explanation shown when nothing matches.
	Misses []Match `json:"misses"`
}

// Has reports whether the archetype matched.
func (d *Detection) Has(a Archetype) bool {
	for _, m := range d.Matches {
		if m.Archetype == a {
			return true
		}
	}
	return false
}

// Detect checks a client against every archetype. Thresholds come from
// cfg and the policy's red lines (docs/scripts.md).
func Detect(in Input, p cartera.Policy, cfg Config) Detection {
	var d Detection
	for _, a := range Archetypes {
		var ok bool
		var why []cartera.Message
		switch a {
		case LatePayer:
			ok, why = latePayer(in, p, cfg)
		case Diva:
			ok, why = diva(in, p, cfg)
		case FamilyFriend:
			ok = in.Assessment.Client.FamilyFriend
			if ok {
				why = []cartera.Message{cartera.M("archetype.why.family")}
			} else {
				why = []cartera.Message{cartera.M("archetype.not.family")}
			}
		case Yeller:
			ok, why = yeller(in, p, cfg)
		case NonListener:
			ok, why = nonListener(in, cfg)
		}
		if ok {
			d.Matches = append(d.Matches, Match{a, why})
		} else {
			d.Misses = append(d.Misses, Match{a, why})
		}
	}
	return d
}

func latePayer(in Input, p cartera.Policy, cfg Config) (bool, []cartera.Message) {
	pm := in.Assessment.Payment
	overdueDays := 0
	if pm.OverdueCount > 0 && !pm.OldestOverdue.IsZero() {
		overdueDays = cartera.DaysBetween(pm.OldestOverdue, in.Assessment.AsOf)
	}
	pattern := pm.Late >= cfg.LateMinInvoices && pm.AvgDaysLate >= cfg.LateMinAvgDays
	overdue := overdueDays > p.MaxDaysLate
	if !pattern && !overdue {
		return false, []cartera.Message{cartera.M("archetype.not.late", "n", pm.Late, "of", pm.InvoicesDue,
			"avg", pm.AvgDaysLate, "min", cfg.LateMinInvoices, "min_avg", cfg.LateMinAvgDays, "max", p.MaxDaysLate)}
	}
	var why []cartera.Message
	if pm.Late > 0 {
		why = append(why, cartera.M("archetype.why.late", "n", pm.Late, "of", pm.InvoicesDue, "avg", pm.AvgDaysLate,
			"worst", pm.WorstDaysLate))
	}
	if pm.OverdueCount > 0 {
		why = append(why, cartera.M("archetype.why.overdue", "amount", pm.OverdueAmount, "n", pm.OverdueCount,
			"since", pm.OldestOverdue, "days", overdueDays))
	}
	if n := in.Assessment.Relational.ByKind[cartera.KindPaymentExcuse]; n > 0 {
		why = append(why, cartera.M("archetype.why.excuses", "n", n))
	}
	return true, why
}

// PaidHours is how many hours the client's revenue pays for at our
// internal cost per hour: the yardstick of the diva. It is zero when the
// cost is unknown.
func PaidHours(e assess.Economic) cartera.Hours {
	if !e.CostKnown || e.CostPerHour.Amount <= 0 || e.Revenue.Amount <= 0 {
		return 0
	}
	return cartera.Hours(cartera.MulDivRound(e.Revenue.Amount, 100, e.CostPerHour.Amount))
}

func diva(in Input, p cartera.Policy, cfg Config) (bool, []cartera.Message) {
	a := in.Assessment
	e := a.Economic
	paid := PaidHours(e)
	months := p.WindowMonths
	over := e.CostKnown && e.Hours >= cfg.DivaMinHours && e.Hours > 0 &&
		int64(e.Hours)*100 >= int64(cfg.DivaHoursFactor)*int64(paid)
	unbilled := e.Hours - e.BillableHours
	unbilledShare := cartera.Ratio(int64(unbilled), int64(e.Hours))
	outOfHours := a.Relational.ByKind[cartera.KindOutOfHours]
	demanding := outOfHours >= cfg.DivaOutOfHours && unbilledShare >= cfg.DivaUnbilledShare
	if !over && !demanding {
		if !e.CostKnown {
			return false, []cartera.Message{cartera.M("archetype.not.diva_no_cost", "currency", string(a.Client.Currency),
				"n", outOfHours)}
		}
		return false, []cartera.Message{cartera.M("archetype.not.diva", "hours", e.Hours, "paid", WholeHours(paid),
			"factor", cartera.BasisPoints(cfg.DivaHoursFactor*100), "n", outOfHours)}
	}
	var why []cartera.Message
	if over {
		why = append(why, cartera.M("archetype.why.hours", "hours", e.Hours, "months", months, "paid", WholeHours(paid),
			"rate", e.EffectiveRate, "cost", e.CostPerHour))
	}
	if unbilled > 0 && unbilledShare >= 1000 {
		why = append(why, cartera.M("archetype.why.unbilled", "hours", unbilled, "pct", unbilledShare))
	}
	if e.FreeHours > 0 {
		why = append(why, cartera.M("archetype.why.free_hours", "hours", e.FreeHours))
	}
	if outOfHours > 0 {
		why = append(why, cartera.M("archetype.why.out_of_hours", "n", outOfHours))
	}
	if n := a.Relational.ByKind[cartera.KindScopeCreep]; n > 0 {
		why = append(why, cartera.M("archetype.why.scope", "n", n))
	}
	return true, why
}

func yeller(in Input, p cartera.Policy, cfg Config) (bool, []cartera.Message) {
	a := in.Assessment
	abuse, worst := 0, 0
	for _, x := range in.windowIncidents() {
		if x.Kind.IsAbuse() {
			abuse++
			worst = max(worst, x.Severity)
		}
	}
	if in.Incidents == nil { // no detail: the assessment's counts
		abuse = a.Relational.Abuse
		if a.Relational.Last.Kind.IsAbuse() {
			worst = a.Relational.Last.Severity
		}
	}
	if abuse < cfg.YellerMinAbuse && worst < cfg.YellerSeverity {
		return false, []cartera.Message{cartera.M("archetype.not.yeller", "n", abuse, "min", cfg.YellerMinAbuse,
			"severity", cfg.YellerSeverity)}
	}
	why := []cartera.Message{cartera.M("archetype.why.abuse", "n", abuse, "worst", worst, "months", p.WindowMonths)}
	for _, k := range cartera.IncidentKinds {
		if n := a.Relational.ByKind[k]; n > 0 && k.IsAbuse() {
			why = append(why, cartera.M("archetype.why.kind", "kind", k, "n", n))
		}
	}
	if c, n := in.mostInvolved(func(k cartera.IncidentKind) bool { return k.IsAbuse() }); n > 0 {
		why = append(why, cartera.M("archetype.why.contact", "name", c.Name, "role", c.Role, "n", n))
	}
	why = append(why, a.Relational.Escalation...)
	return true, why
}

func nonListener(in Input, cfg Config) (bool, []cartera.Message) {
	r := in.Assessment.Relational
	nl, sc := r.ByKind[cartera.KindNotListening], r.ByKind[cartera.KindScopeCreep]
	if nl < cfg.NonListenerMin && (nl == 0 || nl+sc < cfg.NonListenerWithScope) {
		return false, []cartera.Message{cartera.M("archetype.not.non_listener", "n", nl, "scope", sc,
			"min", cfg.NonListenerMin, "with", cfg.NonListenerWithScope)}
	}
	why := []cartera.Message{cartera.M("archetype.why.not_listening", "n", nl)}
	if sc > 0 {
		why = append(why, cartera.M("archetype.why.scope", "n", sc))
	}
	if c, n := in.mostInvolved(func(k cartera.IncidentKind) bool {
		return k == cartera.KindNotListening || k == cartera.KindScopeCreep
	}); n > 0 {
		why = append(why, cartera.M("archetype.why.contact", "name", c.Name, "role", c.Role, "n", n))
	}
	return true, why
}

// windowIncidents are the incidents dated inside the assessment's window.
func (in Input) windowIncidents() []cartera.IncidentFact {
	a := in.Assessment
	var out []cartera.IncidentFact
	for _, x := range in.Incidents {
		d := cartera.DateFromTime(x.At)
		if d > a.From && d <= a.AsOf {
			out = append(out, x)
		}
	}
	return out
}

// mostInvolved returns the contact named on most of the window's incidents
// of the kinds kept (the most senior on a tie), and on how many.
func (in Input) mostInvolved(keep func(cartera.IncidentKind) bool) (cartera.Contact, int) {
	count := map[string]int{}
	for _, x := range in.windowIncidents() {
		if x.ContactID != "" && keep(x.Kind) {
			count[x.ContactID]++
		}
	}
	var best cartera.Contact
	n := 0
	cs := append([]cartera.Contact(nil), in.Contacts...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Seniority > cs[j].Seniority })
	for _, c := range cs {
		if count[c.ID] > n {
			best, n = c, count[c.ID]
		}
	}
	return best, n
}
