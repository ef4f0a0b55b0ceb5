package cartera

import (
	"context"
	"strings"
	"time"
)

// Decision is what a user decided about a client after reading its
// verdict: they agree with the policy's verdict, or override it with
// another one and say why. The review compares decisions with the policy
// over time and proposes the threshold change that would align them; it
// never changes the policy by itself.
type Decision struct {
	ID       int64  `json:"id"`
	ClientID string `json:"client_id"`
	// Day is the as-of date of the verdict the decision answers.
	Day Date `json:"day"`
	// Policy is the verdict the policy gave; Decided the one the user took
	// (the same when they agree).
	Policy  Verdict `json:"policy_verdict"`
	Decided Verdict `json:"decided"`
	// Reason says why, required when overriding.
	Reason string `json:"reason"`
	// By is the user who decided (their e-mail), At when.
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Agrees reports whether the user took the policy's verdict.
func (d Decision) Agrees() bool { return d.Decided == d.Policy }

// Normalize trims the reason.
func (d *Decision) Normalize() { d.Reason = strings.TrimSpace(d.Reason) }

// Validate checks a decision before it is stored.
func (d Decision) Validate() error {
	switch {
	case d.ClientID == "":
		return FieldError("client_id", "value.required")
	case len(d.ClientID) > MaxIDLength:
		return FieldError("client_id", "value.too_long", "max", MaxIDLength)
	case !d.Policy.Valid():
		return FieldError("policy_verdict", "decision.verdict", "value", string(d.Policy))
	case !d.Decided.Valid():
		return FieldError("decided", "decision.verdict", "value", string(d.Decided))
	case d.Decided != d.Policy && len([]rune(strings.TrimSpace(d.Reason))) < 3:
		return FieldError("reason", "decision.reason_required")
	}
	return validText("reason", d.Reason)
}

// DecisionStore keeps the decisions users record.
type DecisionStore interface {
	// SaveDecision stores a new decision and returns it with its id.
	SaveDecision(ctx context.Context, d Decision) (Decision, error)
	// Decisions returns decisions newest first, of one client when
	// clientID is not empty, at most limit (0: all).
	Decisions(ctx context.Context, clientID string, limit int) ([]Decision, error)
}
