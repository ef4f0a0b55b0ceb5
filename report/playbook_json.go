package report

import (
	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/review"
)

// The JSON forms of the playbooks, with every message rendered in the
// printer's language (and kept as a code with its facts where it is a
// reason): what the command line prints with --format json and what the
// API can return.

// StepOut is one step of the guided flow.
type StepOut struct {
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Lines   []string    `json:"lines"`
	Tips    []string    `json:"tips"`
	Choices []ChoiceOut `json:"choices"`
}

// ChoiceOut is an answer leading to another step ("" ends the flow).
type ChoiceOut struct {
	Label string `json:"label"`
	Next  string `json:"next"`
}

// GuideOut is the guided flow for an incident.
type GuideOut struct {
	Kind     cartera.IncidentKind `json:"kind"`
	Severity int                  `json:"severity"`
	Level    string               `json:"level"`
	Start    string               `json:"start"`
	Steps    []StepOut            `json:"steps"`
}

func texts(ms []cartera.Message, p *i18n.Printer) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, p.Msg(m))
	}
	return out
}

// GuideJSON renders a guided flow.
func GuideJSON(g *playbook.Guide, p *i18n.Printer) GuideOut {
	out := GuideOut{Kind: g.Kind, Severity: g.Severity, Level: g.Level, Start: g.Start, Steps: []StepOut{}}
	for _, s := range g.Steps {
		x := StepOut{ID: s.ID, Title: p.Msg(s.Title), Lines: texts(s.Lines, p), Tips: texts(s.Tips, p), Choices: []ChoiceOut{}}
		for _, c := range s.Choices {
			x.Choices = append(x.Choices, ChoiceOut{Label: p.Msg(c.Label), Next: c.Next})
		}
		out.Steps = append(out.Steps, x)
	}
	return out
}

// StandingOut is a client's verdict and relational cost at one moment.
type StandingOut struct {
	Verdict   cartera.Verdict `json:"verdict"`
	Score     float64         `json:"relational_score"`
	Level     assess.Level    `json:"relational_level"`
	Incidents int             `json:"incidents"`
}

func standing(a *assess.Assessment) StandingOut {
	return StandingOut{Verdict: a.Verdict, Score: a.Relational.Score, Level: a.Relational.Level, Incidents: a.Relational.Incidents}
}

// ListenOut is the plan for a client who would not listen.
type ListenOut struct {
	FollowUp     cartera.Task    `json:"follow_up"`
	Offer        playbook.Offer  `json:"offer"`
	Interlocutor InterlocutorOut `json:"interlocutor"`
	Keep         []MessageJSON   `json:"keep"`
	Hold         []MessageJSON   `json:"hold"`
	Lean         MessageJSON     `json:"lean"`
}

// InterlocutorOut is the suggested interlocutor.
type InterlocutorOut struct {
	Contact        *cartera.Contact `json:"contact,omitempty"`
	Blocker        *cartera.Contact `json:"blocker,omitempty"`
	AccountManager string           `json:"account_manager,omitempty"`
	Reason         MessageJSON      `json:"reason"`
}

// ListenJSON renders the plan for a client who would not listen.
func ListenJSON(lp *playbook.ListenPlan, p *i18n.Printer) ListenOut {
	i := lp.Interlocutor
	return ListenOut{FollowUp: lp.FollowUp, Offer: lp.Offer,
		Interlocutor: InterlocutorOut{Contact: i.Contact, Blocker: i.Blocker, AccountManager: i.AccountManager, Reason: Message(i.Reason, p)},
		Keep:         messages(lp.Framing.Keep, p), Hold: messages(lp.Framing.Hold, p), Lean: Message(lp.Framing.Lean, p)}
}

// IncidentOut is a logged incident with what to do next.
type IncidentOut struct {
	Incident cartera.Incident `json:"incident"`
	Client   ClientRef        `json:"client"`
	Before   StandingOut      `json:"before"`
	After    StandingOut      `json:"after"`
	Guide    *GuideOut        `json:"guide,omitempty"`
	Next     string           `json:"next,omitempty"`
	Listen   *ListenOut       `json:"listen,omitempty"`
}

// IncidentJSON renders an incident's result.
func IncidentJSON(r *review.IncidentResult, p *i18n.Printer) IncidentOut {
	out := IncidentOut{Incident: r.Incident, Client: ClientRef{r.Client.ID, r.Client.Name}, Before: standing(r.Before),
		After: standing(r.After)}
	if r.Guide != nil {
		g := GuideJSON(r.Guide, p)
		out.Guide = &g
	}
	if r.Next != nil {
		out.Next = p.Msg(*r.Next)
	}
	if r.Listen != nil {
		l := ListenJSON(r.Listen, p)
		out.Listen = &l
	}
	return out
}

// ChecklistItemOut is a question of the reconnect call.
type ChecklistItemOut struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Hint     string `json:"hint"`
	Answer   string `json:"answer_kind"`
}

// PlanOut is a lost deal's plan.
type PlanOut struct {
	Deal      cartera.Deal       `json:"deal"`
	Tasks     []cartera.Task     `json:"tasks"`
	Checklist []ChecklistItemOut `json:"checklist"`
	Reconnect *cartera.Reconnect `json:"reconnect"`
	Prompts   []string           `json:"debrief_prompts"`
	Debrief   *cartera.Debrief   `json:"debrief"`
	Restart   playbook.Restart   `json:"restart"`
}

// PlanJSON renders a lost deal's plan.
func PlanJSON(v *review.PlanView, p *i18n.Printer) PlanOut {
	out := PlanOut{Deal: v.Deal, Tasks: v.Tasks, Reconnect: v.Reconnect, Prompts: texts(v.Prompts, p), Debrief: v.Debrief,
		Restart: v.Restart, Checklist: []ChecklistItemOut{}}
	if out.Tasks == nil {
		out.Tasks = []cartera.Task{}
	}
	for _, it := range v.Checklist {
		out.Checklist = append(out.Checklist, ChecklistItemOut{ID: it.ID, Question: p.Msg(it.Question), Hint: p.Msg(it.Hint), Answer: it.Answer})
	}
	return out
}
