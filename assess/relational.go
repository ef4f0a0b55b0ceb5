package assess

import (
	"math"
	"sort"
	"time"

	"github.com/cartera/cartera"
)

// Relational is what a client costs in stress and respect.
type Relational struct {
	// Score is the sum of incident points (weight × severity × decay),
	// multiplied by the escalation factor when escalating.
	Score float64 `json:"score"`
	Level Level   `json:"level"`
	// Incidents counts incidents in the economic window; Abuse those that
	// attack the person (insult, belittling, yelling, threat).
	Incidents int `json:"incidents"`
	Abuse     int `json:"abuse"`
	// ByKind counts incidents in the window per kind.
	ByKind map[cartera.IncidentKind]int `json:"by_kind"`
	// Recent and Prior count incidents in the last EscalationDays and in the
	// same span before; the averages are their mean severities.
	Recent            int     `json:"recent"`
	Prior             int     `json:"prior"`
	RecentAvgSeverity float64 `json:"recent_avg_severity"`
	PriorAvgSeverity  float64 `json:"prior_avg_severity"`
	// Escalating is true when frequency or severity is rising; Escalation
	// says how.
	Escalating bool              `json:"escalating"`
	Escalation []cartera.Message `json:"-"`
	// Last is the most recent incident (zero when none).
	Last cartera.IncidentFact `json:"last"`
	// RecentByKind and PriorByKind count each kind in the two spans.
	RecentByKind map[cartera.IncidentKind]int `json:"-"`
	PriorByKind  map[cartera.IncidentKind]int `json:"-"`
}

func relational(f *cartera.ClientFacts, x *Assessor) Relational {
	p, end := x.p, x.end
	r := Relational{ByKind: map[cartera.IncidentKind]int{}, Level: LevelLow,
		RecentByKind: map[cartera.IncidentKind]int{}, PriorByKind: map[cartera.IncidentKind]int{}}
	half := float64(p.HalfLifeDays)
	span := time.Duration(p.EscalationDays) * 24 * time.Hour
	var recentSev, priorSev int
	for _, in := range f.Incidents {
		if in.At.After(end) {
			continue // recorded in the future of the as-of date
		}
		age := end.Sub(in.At).Hours() / 24
		r.Score += float64(p.Weight(in.Kind)*in.Severity) * math.Pow(0.5, age/half)
		if x.inWindow(in.At) {
			r.Incidents++
			r.ByKind[in.Kind]++
			if in.Kind.IsAbuse() {
				r.Abuse++
			}
		}
		switch {
		case in.At.After(end.Add(-span)):
			r.Recent++
			r.RecentByKind[in.Kind]++
			recentSev += in.Severity
		case in.At.After(end.Add(-2 * span)):
			r.Prior++
			r.PriorByKind[in.Kind]++
			priorSev += in.Severity
		}
		if !in.At.Before(r.Last.At) {
			r.Last = in
		}
	}
	if r.Recent > 0 {
		r.RecentAvgSeverity = float64(recentSev) / float64(r.Recent)
	}
	if r.Prior > 0 {
		r.PriorAvgSeverity = float64(priorSev) / float64(r.Prior)
	}
	r.Escalation = escalation(f.Incidents, end, p, r)
	r.Escalating = len(r.Escalation) > 0
	if r.Escalating {
		r.Score *= p.EscalationFactor
	}
	r.Score = math.Round(r.Score*10) / 10
	switch {
	case r.Score >= p.RelationalHigh:
		r.Level = LevelHigh
	case r.Score >= p.RelationalMedium:
		r.Level = LevelMedium
	}
	return r
}

// escalation detects a worsening relationship, the pattern that tolerated
// abuse follows. Three independent signals, each reported when present:
//   - frequency: at least 3 incidents in the recent span and more than 1.5×
//     the span before (two incidents are too few to call a trend);
//   - severity: the recent mean severity at least one point above the prior
//     one;
//   - sequence: the last three incidents, within two spans, each more severe
//     than the one before and the last at severity 3 or more.
func escalation(incidents []cartera.IncidentFact, end time.Time, p cartera.Policy, r Relational) []cartera.Message {
	var out []cartera.Message
	if r.Recent >= 3 && float64(r.Recent) > 1.5*float64(r.Prior) {
		out = append(out, cartera.M("escalation.frequency", "recent", r.Recent, "prior", r.Prior, "days", p.EscalationDays))
	}
	if r.Recent > 0 && r.Prior > 0 && r.RecentAvgSeverity-r.PriorAvgSeverity >= 1 {
		out = append(out, cartera.M("escalation.severity",
			"recent", tenths(r.RecentAvgSeverity), "prior", tenths(r.PriorAvgSeverity), "days", p.EscalationDays))
	}
	past := make([]cartera.IncidentFact, 0, len(incidents))
	for _, in := range incidents {
		if !in.At.After(end) {
			past = append(past, in)
		}
	}
	sort.SliceStable(past, func(i, j int) bool { return past[i].At.Before(past[j].At) })
	if n := len(past); n >= 3 {
		a, b, c := past[n-3], past[n-2], past[n-1]
		within := end.Sub(a.At) <= 2*time.Duration(p.EscalationDays)*24*time.Hour
		if within && a.Severity < b.Severity && b.Severity < c.Severity && c.Severity >= 3 {
			out = append(out, cartera.M("escalation.sequence", "a", a.Severity, "b", b.Severity, "c", c.Severity))
		}
	}
	return out
}

// tenths rounds a mean to one decimal, kept as tenths so that messages carry
// no floats: 3.25 → 33 (shown as 3,3).
func tenths(x float64) cartera.Tenths { return cartera.Tenths(math.Round(x * 10)) }
