package cartera

import "time"

// Invoice is a bill sent to a client. Paid is zero while it is unpaid.
type Invoice struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Number   string `json:"number"`
	Issued   Date   `json:"issued"`
	Due      Date   `json:"due"`
	Paid     Date   `json:"paid"`
	Amount   Money  `json:"amount"`
	Version  int64  `json:"version"`
}

// TimeEntry is work done for a client on a day.
type TimeEntry struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Day      Date   `json:"date"`
	Hours    Hours  `json:"hours"`
	Billable bool   `json:"billable"`
	Note     string `json:"note"`
	Version  int64  `json:"version"`
}

// ConcessionKind says what was given away.
type ConcessionKind string

// Concession kinds.
const (
	ConcessionDiscount  ConcessionKind = "discount"
	ConcessionFreeHours ConcessionKind = "free_hours"
)

// Concession is something given to a client for free: a discount (Amount,
// and Percent when known) or free hours (Hours).
type Concession struct {
	ID       string         `json:"id"`
	ClientID string         `json:"client_id"`
	Day      Date           `json:"date"`
	Kind     ConcessionKind `json:"kind"`
	Amount   Money          `json:"amount"`
	Hours    Hours          `json:"hours"`
	Percent  BasisPoints    `json:"percent"`
	Note     string         `json:"note"`
	Version  int64          `json:"version"`
}

// Incident is something a client (or one of its contacts) did that costs the
// relationship: an insult, a yell, a Sunday-night demand.
type Incident struct {
	ID        string       `json:"id"`
	ClientID  string       `json:"client_id"`
	ContactID string       `json:"contact_id"`
	At        time.Time    `json:"at"`
	Kind      IncidentKind `json:"kind"`
	// Severity runs from 1 (an annoyance) to 5 (a threat or abuse).
	Severity int    `json:"severity"`
	Note     string `json:"note"`
	Version  int64  `json:"version"`
}

// Severity bounds.
const (
	MinSeverity = 1
	MaxSeverity = 5
)

// IncidentKind classifies an incident.
type IncidentKind string

// Incident kinds. The list is closed: reports and weights depend on it.
const (
	KindInsult          IncidentKind = "insult"
	KindBelittling      IncidentKind = "belittling"
	KindYelling         IncidentKind = "yelling"
	KindThreat          IncidentKind = "threat"
	KindCompetitorTaunt IncidentKind = "competitor_taunt"
	KindOutOfHours      IncidentKind = "out_of_hours"
	KindScopeCreep      IncidentKind = "scope_creep"
	KindNotListening    IncidentKind = "not_listening"
	KindPaymentExcuse   IncidentKind = "payment_excuse"
)

// IncidentKinds lists every kind in a stable order.
var IncidentKinds = []IncidentKind{
	KindInsult, KindBelittling, KindYelling, KindThreat, KindCompetitorTaunt,
	KindOutOfHours, KindScopeCreep, KindNotListening, KindPaymentExcuse,
}

// Valid reports whether k is a known kind.
func (k IncidentKind) Valid() bool {
	for _, v := range IncidentKinds {
		if v == k {
			return true
		}
	}
	return false
}

// IsAbuse reports whether the kind attacks the person rather than the work:
// these are the incidents that, tolerated, tend to grow.
func (k IncidentKind) IsAbuse() bool {
	switch k {
	case KindInsult, KindBelittling, KindYelling, KindThreat:
		return true
	}
	return false
}

func (k IncidentKind) String() string { return string(k) }

// Validate checks an invoice; now is the current day (no payment in the
// future).
func (v Invoice) Validate(today Date) error {
	switch {
	case v.Issued.IsZero():
		return FieldError("issued", "value.required")
	case v.Due.IsZero():
		return FieldError("due", "value.required")
	case v.Due < v.Issued:
		return FieldError("due", "value.due_before_issued", "due", v.Due, "issued", v.Issued)
	case !v.Paid.IsZero() && v.Paid > today:
		return FieldError("paid", "value.future_date", "value", v.Paid)
	case !v.Amount.Currency.Valid():
		return FieldError("currency", "value.unknown_currency", "value", string(v.Amount.Currency))
	}
	return firstError(validAmount("amount", v.Amount), validID("id", v.ID), validRef("client_id", v.ClientID),
		validLine("number", v.Number))
}

// Validate checks a time entry.
func (e TimeEntry) Validate(today Date) error {
	switch {
	case e.Day.IsZero():
		return FieldError("date", "value.required")
	case e.Day > today:
		return FieldError("date", "value.future_date", "value", e.Day)
	case e.Hours < 0:
		return FieldError("hours", "value.negative_hours", "value", e.Hours.String())
	}
	return firstError(validHours("hours", e.Hours), validID("id", e.ID), validRef("client_id", e.ClientID),
		validText("note", e.Note))
}

// Validate checks a concession.
func (c Concession) Validate(today Date) error {
	switch {
	case c.Day.IsZero():
		return FieldError("date", "value.required")
	case c.Day > today:
		return FieldError("date", "value.future_date", "value", c.Day)
	case c.Kind != ConcessionDiscount && c.Kind != ConcessionFreeHours:
		return FieldError("kind", "value.unknown_concession", "value", string(c.Kind))
	case c.Amount.Amount < 0:
		return FieldError("amount", "value.negative")
	case c.Hours < 0:
		return FieldError("hours", "value.negative_hours", "value", c.Hours.String())
	case c.Percent < 0 || c.Percent > 10000:
		return FieldError("percent", "value.percent_range", "value", c.Percent.String())
	case c.Kind == ConcessionDiscount && c.Amount.Amount == 0 && c.Percent == 0:
		return FieldError("amount", "value.discount_empty")
	case c.Kind == ConcessionFreeHours && c.Hours == 0:
		return FieldError("hours", "value.free_hours_empty")
	case !c.Amount.Currency.Valid():
		return FieldError("currency", "value.unknown_currency", "value", string(c.Amount.Currency))
	}
	return firstError(validAmount("amount", c.Amount), validHours("hours", c.Hours), validID("id", c.ID),
		validRef("client_id", c.ClientID), validText("note", c.Note))
}

// Validate checks an incident; now is the current instant (no incident in
// the future, with five minutes of tolerance for clocks).
func (i Incident) Validate(now time.Time) error {
	switch {
	case i.At.IsZero():
		return FieldError("at", "value.required")
	case i.At.After(now.Add(5 * time.Minute)):
		return FieldError("at", "value.future_time", "value", i.At)
	case !i.Kind.Valid():
		return FieldError("kind", "value.unknown_kind", "value", string(i.Kind))
	case i.Severity < MinSeverity || i.Severity > MaxSeverity:
		return FieldError("severity", "value.severity_range", "value", i.Severity, "min", MinSeverity, "max", MaxSeverity)
	}
	return firstError(validID("id", i.ID), validRef("client_id", i.ClientID), validLine("contact_id", i.ContactID),
		validText("note", i.Note))
}
