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
	// Breaches lists the red lines crossed, each with its facts.
	Breaches []cartera.Message
	Verdict  cartera.Verdict
	// Reasons explain the verdict, most important first.
	Reasons []cartera.Message
}

// Query returns the facts query for an as-of date under a policy: the
// economic window is the trailing WindowMonths, and incidents are read over
// twice that so that decayed history still informs the trend.
func Query(asOf cartera.Date, p cartera.Policy) cartera.FactsQuery {
	return cartera.FactsQuery{
		AsOf:          asOf,
		From:          asOf.AddMonths(-p.WindowMonths),
		IncidentsFrom: asOf.AddMonths(-2 * p.WindowMonths),
		MaxDaysLate:   p.MaxDaysLate,
		GraceDays:     p.GraceDays,
		MaxDiscount:   p.MaxDiscount,
	}
}

// Assess judges one client. q must be the query the facts were read with.
func Assess(f *cartera.ClientFacts, p cartera.Policy, q cartera.FactsQuery) Assessment {
	a := Assessment{Client: f.Client, AsOf: q.AsOf, From: q.From}
	a.Economic = economic(f, p)
	a.Payment = payment(f, p, q.AsOf)
	a.Relational = relational(f, p, q)
	a.Breaches = breaches(f, p, q, &a)
	a.Verdict, a.Reasons = verdict(f, p, &a)
	return a
}

// endOfDay is the instant the as-of day ends in the policy's time zone:
// incidents are aged from there.
func endOfDay(d cartera.Date, loc *time.Location) time.Time {
	return d.AddDays(1).Time(loc)
}
