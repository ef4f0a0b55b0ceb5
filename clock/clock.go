// Package clock is the one place where cartera reads the wall clock. The
// entry points (the commands and the web server) build their clock here and
// pass it down; nothing else calls time.Now to decide what a record means
// (a test in this package checks the whole module).
//
// CARTERA_NOW replaces the wall clock: set to an RFC 3339 time such as
// 2027-03-01T10:00:00+01:00, the program starts at that instant and its
// clock runs on from there, so a demo, a bug report or a test run can be
// replayed on any day.
package clock

import (
	"time"

	"github.com/cartera/cartera"
)

// Env is the environment variable that moves the clock.
const Env = "CARTERA_NOW"

// Wall is the real clock.
func Wall() time.Time { return time.Now() }

// FromEnv returns the wall clock, or, when CARTERA_NOW is set, a clock that
// starts at that instant and runs on at the wall clock's pace. A value that
// is not RFC 3339 is an EINVALID error naming the variable.
func FromEnv(getenv func(string) string) (cartera.Clock, error) {
	s := getenv(Env)
	if s == "" {
		return Wall, nil
	}
	start, err := Parse(s)
	if err != nil {
		return nil, err
	}
	origin := time.Now() // the monotonic reading the moved clock runs from
	return func() time.Time { return start.Add(time.Since(origin)).In(time.Local) }, nil
}

// Parse reads a CARTERA_NOW value.
func Parse(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, cartera.NewError(cartera.EINVALID, "cli.bad_now", "name", Env, "value", s)
	}
	return t, nil
}
