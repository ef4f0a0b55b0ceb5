package playbook

import (
	"sort"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// Interlocutor is who else could carry the message to a client who would
// not listen: a more senior person of theirs, or our account manager.
type Interlocutor struct {
	// Blocker is the person who would not listen, when known.
	Blocker *cartera.Contact `json:"blocker,omitempty"`
	// Contact is a more senior person at the client, when there is one.
	Contact *cartera.Contact `json:"contact,omitempty"`
	// AccountManager is our side's owner of the client, suggested when
	// nobody above the blocker is known.
	AccountManager string          `json:"account_manager,omitempty"`
	Reason         cartera.Message `json:"reason"`
}

// SuggestInterlocutor picks a different interlocutor. The blocker is the
// contact named on the incident (blockerID), else the contact on most of
// the window's "not listening" and scope-creep incidents. The suggestion
// is the most senior contact above the blocker (or, with no blocker known,
// the most senior contact at manager level or above); failing that, the
// client's owner on our side.
func SuggestInterlocutor(in Input, blockerID string) Interlocutor {
	var out Interlocutor
	cs := append([]cartera.Contact(nil), in.Contacts...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Seniority > cs[j].Seniority })
	var blocker *cartera.Contact
	for i := range cs {
		if cs[i].ID == blockerID && blockerID != "" {
			blocker = &cs[i]
		}
	}
	if blocker == nil {
		if c, n := in.mostInvolved(func(k cartera.IncidentKind) bool {
			return k == cartera.KindNotListening || k == cartera.KindScopeCreep
		}); n > 0 {
			for i := range cs {
				if cs[i].ID == c.ID {
					blocker = &cs[i]
				}
			}
		}
	}
	out.Blocker = blocker
	floor := cartera.SeniorityManager - 1
	if blocker != nil {
		floor = blocker.Seniority
	}
	for i := range cs {
		if cs[i].Seniority > floor && (blocker == nil || cs[i].ID != blocker.ID) {
			c := cs[i]
			out.Contact = &c
			if blocker != nil {
				out.Reason = cartera.M("interlocutor.senior", "name", c.Name, "role", c.Role, "blocker", blocker.Name)
			} else {
				out.Reason = cartera.M("interlocutor.senior_only", "name", c.Name, "role", c.Role)
			}
			return out
		}
	}
	out.AccountManager = in.Assessment.Client.Owner
	switch {
	case out.AccountManager != "" && blocker != nil:
		out.Reason = cartera.M("interlocutor.owner_top", "name", out.AccountManager, "blocker", blocker.Name)
	case out.AccountManager != "":
		out.Reason = cartera.M("interlocutor.owner", "name", out.AccountManager)
	default:
		out.Reason = cartera.M("interlocutor.colleague")
	}
	return out
}

// Framing puts the client's own figures on both sides of the decision:
// keep them for reputation, or hold the red line.
type Framing struct {
	Keep []cartera.Message `json:"keep"`
	Hold []cartera.Message `json:"hold"`
	// Lean says which way the figures point, and why.
	Lean cartera.Message `json:"lean"`
}

// Frame builds the decision's framing from the assessment and the offer.
func Frame(in Input, o Offer, p cartera.Policy) Framing {
	a := in.Assessment
	e, r := a.Economic, a.Relational
	var f Framing
	if e.HasRevenue {
		f.Keep = append(f.Keep, cartera.M("framing.keep.revenue", "revenue", e.Revenue, "months", o.Months, "pct", e.MarginPct))
	}
	if !a.Client.Since.IsZero() {
		f.Keep = append(f.Keep, cartera.M("framing.keep.since", "since", a.Client.Since))
	}
	if !o.Exhausted {
		f.Keep = append(f.Keep, cartera.M("framing.keep.offer", "cost", o.TotalCost, "margin", o.MarginAfter, "pct", o.MarginPctAfter))
	}
	monthly := WholeHours(cartera.Hours(cartera.MulDivRound(int64(e.Hours), 1, int64(max(o.Months, 1)))))
	if monthly > 0 {
		f.Hold = append(f.Hold, cartera.M("framing.hold.hours", "hours", monthly))
	}
	if n := r.ByKind[cartera.KindNotListening] + r.ByKind[cartera.KindScopeCreep]; n > 0 {
		f.Hold = append(f.Hold, cartera.M("framing.hold.incidents", "n", n, "months", p.WindowMonths))
	}
	if e.Concessions.Amount > 0 || e.FreeHours > 0 {
		f.Hold = append(f.Hold, cartera.M("framing.hold.concessions", "amount", e.Concessions, "hours", e.FreeHours))
	}
	f.Hold = append(f.Hold, cartera.M("framing.hold.loudest"))
	switch {
	case !e.HasRevenue:
		f.Lean = cartera.M("framing.lean.no_revenue")
	case o.BelowMin:
		f.Lean = cartera.M("framing.lean.hold_margin", "pct", o.MarginPctAfter, "min", p.MinMargin)
	case r.Level == assess.LevelHigh:
		f.Lean = cartera.M("framing.lean.hold_relation", "score", cartera.Tenths(int64(r.Score*10+0.5)))
	case o.Exhausted:
		f.Lean = cartera.M("framing.lean.exhausted")
	default:
		f.Lean = cartera.M("framing.lean.keep", "pct", o.MarginPctAfter, "min", p.MinMargin)
	}
	return f
}

// ListenPlan is what to prepare after a firm message a client would not
// hear: the follow-up two working days later, an intermediate offer within
// the red lines, a different interlocutor, and the decision framed with
// the client's figures.
type ListenPlan struct {
	FollowUp     cartera.Task `json:"follow_up"`
	Offer        Offer        `json:"offer"`
	Interlocutor Interlocutor `json:"interlocutor"`
	Framing      Framing      `json:"framing"`
}
