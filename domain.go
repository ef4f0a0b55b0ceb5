package cartera

import (
	"fmt"
	"time"
)

// Hours is a duration of work in hundredths of an hour: 150 is 1,5 h. Time
// sheets are kept in decimal hours, so hundredths keep every value exact.
type Hours int64

// HoursOf returns n whole hours.
func HoursOf(n int64) Hours { return Hours(n * 100) }

// String formats h plainly ("1.50"); user-facing text goes through i18n.
func (h Hours) String() string { return FormatDecimal(int64(h), 2, '.') }

// Label is a catalog key given as a message argument: it is shown
// translated.
type Label string

// Hundredths is a plain number in hundredths (a fitted weight): -28 is
// -0.28.
type Hundredths int64

// Multiplier is a factor in hundredths: 75 is ×0.75.
type Multiplier int64

// BasisPoints is a ratio in hundredths of a percent: 1500 is 15 %.
type BasisPoints int64

// String formats b plainly ("15.00%").
func (b BasisPoints) String() string { return FormatDecimal(int64(b), 2, '.') + "%" }

// Ratio returns num/den in basis points, rounded half away from zero. It
// returns 0 when den is 0.
func Ratio(num, den int64) BasisPoints {
	if den == 0 {
		return 0
	}
	return BasisPoints(MulDivRound(num, 10000, den))
}

// Client is an account in the portfolio.
type Client struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Owner is the seller or account manager responsible for the client.
	Owner string `json:"owner"`
	// FamilyFriend marks a client who is also family or a friend: ending or
	// changing the relationship needs a different conversation.
	FamilyFriend bool `json:"family_friend"`
	// Currency is the currency the client is invoiced in; every amount of
	// this client is in it.
	Currency Currency `json:"currency"`
	// Service names what we provide to the client ("diseño web").
	Service string `json:"service"`
	Since   Date   `json:"since"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Notes   string `json:"notes"`
	// Version counts the changes to the record: an update must name the
	// version it read, so that two people never silently overwrite each
	// other.
	Version int64 `json:"version"`
}

// Seniority ranks a contact inside the client's organisation, used to suggest
// a more senior interlocutor when a conversation is stuck.
type Seniority int

// Seniority levels, from the person doing the work to the person who owns the
// company.
const (
	SeniorityStaff     Seniority = 1
	SeniorityLead      Seniority = 2
	SeniorityManager   Seniority = 3
	SeniorityDirector  Seniority = 4
	SeniorityExecutive Seniority = 5
)

// Contact is a person at a client.
type Contact struct {
	ID        string    `json:"id"`
	ClientID  string    `json:"client_id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Seniority Seniority `json:"seniority"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Version   int64     `json:"version"`
}

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

// GoString helps test failure messages.
func (m Money) GoString() string { return fmt.Sprintf("Money{%d, %q}", m.Amount, m.Currency) }

// Tenths is a small quantity with one decimal, such as a mean severity: 33
// is 3,3.
type Tenths int64

// String formats t plainly ("3.3").
func (t Tenths) String() string { return FormatDecimal(int64(t), 1, '.') }
