// Package playbook says what to do next and what to say: the plan after a
// lost deal, the guided flow for a meeting that turns abusive, the
// follow-up with a client who will not listen (with an intermediate offer
// inside the red lines), the archetypes of difficult clients with a script
// for each, and the agenda that gathers every task.
//
// Like assess and forecast, it is pure: facts, configuration and an as-of
// date in, result out — no database, no clock. Reasons are cartera.Messages;
// scripts are templates in embedded per-language files (scripts/es,
// scripts/en) filled with the client's facts (docs/scripts.md).
package playbook

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cartera/cartera"
)

// Config holds the playbooks' thresholds and delays. Every field has a
// documented default (DefaultConfig, docs/scripts.md); it is stored as the
// "playbook" setting.
type Config struct {
	// Archetypes.

	// LateMinInvoices and LateMinAvgDays: a late payer has paid at least
	// this many invoices late, this many days late on average. A client
	// with anything overdue for longer than the policy's MaxDaysLate is a
	// late payer too.
	LateMinInvoices int `json:"late_min_invoices"`
	LateMinAvgDays  int `json:"late_min_avg_days"`
	// DivaHoursFactor (percent): the "diva" logs at least this share of
	// the hours their invoices pay for at our internal cost (125: a
	// quarter more than paid). DivaMinHours ignores clients with too few
	// hours to judge.
	DivaHoursFactor int           `json:"diva_hours_factor"`
	DivaMinHours    cartera.Hours `json:"diva_min_hours"`
	// DivaOutOfHours and DivaUnbilledShare: a client who makes this many
	// out-of-hours demands while this share of the hours goes unbilled is
	// a diva too, whatever the margin.
	DivaOutOfHours    int                 `json:"diva_out_of_hours"`
	DivaUnbilledShare cartera.BasisPoints `json:"diva_unbilled_share"`
	// YellerMinAbuse: incidents against the person (insult, belittling,
	// yelling, threat) in the window that make a yeller; a single one of
	// YellerSeverity or more is enough.
	YellerMinAbuse int `json:"yeller_min_abuse"`
	YellerSeverity int `json:"yeller_severity"`
	// NonListenerMin: "not listening" incidents that make a non-listener;
	// NonListenerWithScope counts them together with scope creep (at
	// least one of them must be "not listening").
	NonListenerMin       int `json:"non_listener_min"`
	NonListenerWithScope int `json:"non_listener_with_scope"`

	// Dates, in business days (weekends and holidays skipped).

	// ReconnectAfter is how many business days after the day of the "no"
	// the reconnect call is due; DebriefAfter and RestartAfter count from
	// the task before.
	ReconnectAfter int `json:"reconnect_after"`
	DebriefAfter   int `json:"debrief_after"`
	RestartAfter   int `json:"restart_after"`
	// FollowUpAfter is how many business days a client who would not
	// listen gets before the second conversation.
	FollowUpAfter int `json:"follow_up_after"`
	// BoundaryReviewDays is how many calendar days after sending
	// boundaries to check them (moved to the next business day).
	BoundaryReviewDays int `json:"boundary_review_days"`
	// Weekend lists the days nobody works.
	Weekend []time.Weekday `json:"weekend"`

	// Boundaries message.

	// ResponseHours is the reply time we commit to, in working hours.
	ResponseHours int `json:"response_hours"`
	// PaymentDays is the payment term we ask for.
	PaymentDays int `json:"payment_days"`

	// NextProspects is how many open deals the restart task proposes.
	NextProspects int `json:"next_prospects"`
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		LateMinInvoices: 2, LateMinAvgDays: 15,
		DivaHoursFactor: 125, DivaMinHours: cartera.HoursOf(10), DivaOutOfHours: 3, DivaUnbilledShare: 3000,
		YellerMinAbuse: 2, YellerSeverity: 4,
		NonListenerMin: 2, NonListenerWithScope: 3,
		ReconnectAfter: 1, DebriefAfter: 1, RestartAfter: 1, FollowUpAfter: 2, BoundaryReviewDays: 30,
		Weekend:       []time.Weekday{time.Saturday, time.Sunday},
		ResponseHours: 24, PaymentDays: 30, NextProspects: 5,
	}
}

// Validate checks that every value is usable.
func (c Config) Validate() error {
	type rng struct {
		field    string
		v        int
		min, max int
	}
	for _, r := range []rng{
		{"late_min_invoices", c.LateMinInvoices, 1, 1000}, {"late_min_avg_days", c.LateMinAvgDays, 0, 3650},
		{"diva_hours_factor", c.DivaHoursFactor, 100, 1000}, {"diva_min_hours", int(c.DivaMinHours / 100), 0, 100000},
		{"diva_out_of_hours", c.DivaOutOfHours, 1, 1000}, {"diva_unbilled_share", int(c.DivaUnbilledShare), 0, 10000},
		{"yeller_min_abuse", c.YellerMinAbuse, 1, 1000}, {"yeller_severity", c.YellerSeverity, cartera.MinSeverity, cartera.MaxSeverity},
		{"non_listener_min", c.NonListenerMin, 1, 1000}, {"non_listener_with_scope", c.NonListenerWithScope, 1, 1000},
		{"reconnect_after", c.ReconnectAfter, 1, 30}, {"debrief_after", c.DebriefAfter, 0, 30},
		{"restart_after", c.RestartAfter, 0, 30}, {"follow_up_after", c.FollowUpAfter, 1, 30},
		{"boundary_review_days", c.BoundaryReviewDays, 1, 365}, {"response_hours", c.ResponseHours, 1, 720},
		{"payment_days", c.PaymentDays, 0, 365}, {"next_prospects", c.NextProspects, 0, 50},
	} {
		if r.v < r.min || r.v > r.max {
			return cartera.FieldError(r.field, "policy.range", "min", fmt.Sprint(r.min), "max", fmt.Sprint(r.max))
		}
	}
	if c.DivaMinHours < 0 {
		return cartera.FieldError("diva_min_hours", "policy.negative")
	}
	if len(c.Weekend) > 5 {
		return cartera.FieldError("weekend", "playbook.weekend_too_long")
	}
	for _, d := range c.Weekend {
		if d < time.Sunday || d > time.Saturday {
			return cartera.FieldError("weekend", "playbook.bad_weekday")
		}
	}
	return nil
}

// SettingKey is the setting the configuration is stored under.
const SettingKey = "playbook"

// UnmarshalConfig decodes a stored configuration on top of the defaults,
// so that one saved by an older version gains the fields added since.
func UnmarshalConfig(b []byte) (Config, error) {
	c := DefaultConfig()
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("decode playbook configuration: %w", err)
	}
	return c, nil
}
