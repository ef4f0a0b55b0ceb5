// Package assess turns a client's facts into an assessment: economic and
// relational figures, red-line breaches and a verdict, each with its reasons.
//
// Every function here is pure: facts, policy and an as-of date in, result
// out. No database, no clock. That makes each rule a table test and every
// report reproducible.
package assess

import (
	"time"

	"github.com/cartera/cartera"
)

// Rules is the version of the engine's rules: bump it when a change moves
// verdicts or the words of their reasons, so that stored summaries are
// judged again (review.SummaryKey).
const Rules = 2

// Level grades a risk or a cost.
type Level string

// Levels.
const (
	LevelLow    Level = "low"
	LevelMedium Level = "medium"
	LevelHigh   Level = "high"
)

// Assessment is the full judgement on one client.
type Assessment struct {
	Client     cartera.Client
	AsOf       cartera.Date
	From       cartera.Date // the window is (From, AsOf]
	Economic   Economic
	Payment    Payment
	Relational Relational
	// Lines are every red line crossed in the window, with its date and
	// current weight; Breaches the messages of those that still count (an
	// old, single crossing has faded into a watch note).
	Lines    []Breach
	Breaches []cartera.Message
	Verdict  cartera.Verdict
	// Reasons explain the verdict, most important first.
	Reasons []cartera.Message
	// Watch lists patterns below every threshold that a careful reader
	// would still mention, ranked and limited; they never change the
	// verdict.
	Watch []cartera.Message
	// Change lists the smallest facts that would move the verdict one step
	// up or down.
	Change []cartera.Message

	// What the verdict found, kept for Watch and Change.
	abuse  abuse
	grades [3]problem // money, payment, relationship
}

// line returns the breach of a red line, if crossed.
func (a *Assessment) line(name string) (Breach, bool) {
	for _, b := range a.Lines {
		if b.Line == name {
			return b, true
		}
	}
	return Breach{}, false
}

// active reports whether a red line is crossed and still counts.
func (a *Assessment) active(name string) bool {
	b, ok := a.line(name)
	return ok && b.Active
}

// Query returns the facts query for an as-of date under a policy: the
// economic window is the trailing WindowMonths, and incidents are read over
// twice that so that decayed history still informs the trend.
func Query(asOf cartera.Date, p cartera.Policy) cartera.FactsQuery {
	return cartera.FactsQuery{
		AsOf:          asOf,
		From:          asOf.AddMonths(-p.WindowMonths),
		IncidentsFrom: asOf.AddMonths(-2 * p.WindowMonths),
		Mid:           asOf.AddMonths(-(p.WindowMonths / 2)),
		MaxDaysLate:   p.MaxDaysLate,
		GraceDays:     p.GraceDays,
		MaxDiscount:   p.MaxDiscount,
	}
}

// Assessor judges clients under one policy and one window. Build it once
// per review: it resolves the time zone and the window's instants a single
// time instead of once per client.
type Assessor struct {
	p   cartera.Policy
	q   cartera.FactsQuery
	loc *time.Location
	// start and end are the window's bounds as instants in the policy's
	// zone: incidents after start and not after end are in the window.
	start, end time.Time
}

// New prepares an Assessor. q must be the query the facts are read with.
func New(p cartera.Policy, q cartera.FactsQuery) *Assessor {
	loc := p.Location()
	return &Assessor{p: p, q: q, loc: loc, start: endOfDay(q.From, loc), end: endOfDay(q.AsOf, loc)}
}

// inWindow reports whether an instant falls in the economic window.
func (x *Assessor) inWindow(t time.Time) bool { return t.After(x.start) && !t.After(x.end) }

// Assess judges one client, saying what would change its verdict.
func (x *Assessor) Assess(f *cartera.ClientFacts) Assessment {
	a := x.Judge(f)
	a.Change = x.Change(f, &a)
	return a
}

// Change is what would move a's verdict one step (a must be x.Judge(f)).
func (x *Assessor) Change(f *cartera.ClientFacts, a *Assessment) []cartera.Message {
	return change(f, x, a)
}

// Judge judges one client as Assess does but leaves Change empty: finding
// what would change a verdict assesses the client again on altered facts,
// which a list that shows only the verdict and its first reason (the
// stored summaries) does not need.
func (x *Assessor) Judge(f *cartera.ClientFacts) Assessment {
	a := x.core(f)
	a.Watch = watch(f, x, &a)
	return a
}

// core is the assessment without its watch notes and changes: what the
// "what would change it" simulations re-run on altered facts.
func (x *Assessor) core(f *cartera.ClientFacts) Assessment {
	a := Assessment{Client: f.Client, AsOf: x.q.AsOf, From: x.q.From}
	a.Economic = economic(f, x.p)
	a.Relational = relational(f, x)
	a.Lines = breaches(f, x, &a)
	for _, b := range a.Lines {
		if b.Active {
			a.Breaches = append(a.Breaches, b.Msg)
		}
	}
	a.Payment = payment(f, x.p, x.q.AsOf, a.active("days_late"))
	a.Verdict, a.Reasons = verdict(f, x, &a)
	return a
}

// Assess judges one client; q must be the query the facts were read with.
// To judge many clients, build an Assessor once with New.
func Assess(f *cartera.ClientFacts, p cartera.Policy, q cartera.FactsQuery) Assessment {
	return New(p, q).Assess(f)
}

// endOfDay is the instant the as-of day ends in the policy's time zone:
// incidents are aged from there.
func endOfDay(d cartera.Date, loc *time.Location) time.Time {
	return d.AddDays(1).Time(loc)
}
