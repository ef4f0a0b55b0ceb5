package cartera

import "time"

// Clock tells the time. Only the entry points (the commands in cmd/cartera
// and the web server, per request) make one from the wall clock, with
// package clock; every store, engine and renderer below is handed the
// clock or the instant it needs, so that "today" is one value for a whole
// command or request, and a test or a bug report can fix it.
type Clock func() time.Time

// FixedClock returns a clock that always says t.
func FixedClock(t time.Time) Clock { return func() time.Time { return t } }

// LatestDay is the calendar day somewhere on Earth is already on at now
// (UTC+14): a record dated later than that is in the future wherever its
// author was.
func LatestDay(now time.Time) Date { return DateFromTime(now.UTC().Add(14 * time.Hour)) }
