package playbook

import "github.com/cartera/cartera"

// Guide is the short flow to follow when a client insults, belittles,
// yells, threatens or taunts with the competition in the middle of a
// meeting: steps small enough to read on a phone held in one hand. It is
// data — each step's title, lines to say, tips and choices are messages —
// so that the command line and the web app walk the same flow.
type Guide struct {
	Kind     cartera.IncidentKind `json:"kind"`
	Severity int                  `json:"severity"`
	// Level is the triage: "mild" (answer lightly and go on), "firm" (name
	// it once, calmly) or "leave" (past the red line: leaving is fine).
	Level string `json:"level"`
	// Start is the id of the first step.
	Start string `json:"start"`
	Steps []Step `json:"steps"`
}

// Step is one screen of the flow.
type Step struct {
	ID    string            `json:"id"`
	Title cartera.Message   `json:"title"`
	Lines []cartera.Message `json:"lines,omitempty"` // suggested words
	Tips  []cartera.Message `json:"tips,omitempty"`  // what to do and avoid
	// Choices lead to other steps; a step without choices leads to the
	// next one in order, and the last step ends the flow.
	Choices []Choice `json:"choices,omitempty"`
}

// Choice is an answer that leads to another step.
type Choice struct {
	Label cartera.Message `json:"label"`
	Next  string          `json:"next"`
}

// Step ids.
const (
	StepTriage   = "triage"
	StepSeparate = "separate"
	StepRefocus  = "refocus"
	StepReins    = "reins"
	StepRedirect = "redirect"
	StepProceed  = "proceed"
	StepClose    = "close"
)

// Guided reports whether incidents of this kind have a guided flow: those
// that attack the person, and taunting with the competition.
func Guided(k cartera.IncidentKind) bool {
	return k.IsAbuse() || k == cartera.KindCompetitorTaunt
}

// Triage grades an incident: above the policy's tolerated severity, or
// any threat, is "leave"; severity 3 or the tolerated maximum is "firm";
// below, "mild".
func Triage(k cartera.IncidentKind, severity int, p cartera.Policy) string {
	switch {
	case k == cartera.KindThreat || severity > p.MaxSeverity:
		return "leave"
	case severity >= 3 || severity == p.MaxSeverity:
		return "firm"
	}
	return "mild"
}

// NewGuide returns the flow for an incident of kind k and severity. The
// ok result is false for kinds without a guided flow (see Next for them).
func NewGuide(k cartera.IncidentKind, severity int, p cartera.Policy) (Guide, bool) {
	if !Guided(k) {
		return Guide{}, false
	}
	level := Triage(k, severity, p)
	g := Guide{Kind: k, Severity: severity, Level: level, Start: StepTriage}
	m := cartera.M
	triage := Step{ID: StepTriage, Title: m("guide.triage.title", "n", severity, "kind", k),
		Tips: []cartera.Message{m("guide.triage." + level)}}
	if k == cartera.KindThreat {
		triage.Tips = append(triage.Tips, m("guide.triage.threat"))
	}
	if level == "leave" {
		triage.Choices = []Choice{{m("guide.choice.stay"), StepSeparate}, {m("guide.choice.leave"), StepClose}}
	}
	separate := Step{ID: StepSeparate, Title: m("guide.separate.title"),
		Lines: []cartera.Message{m("guide.separate." + string(k)), m("guide.separate.any")},
		Tips:  []cartera.Message{m("guide.separate.tip")}}
	refocus := Step{ID: StepRefocus, Title: m("guide.refocus.title"),
		Lines: []cartera.Message{m("guide.refocus.1"), m("guide.refocus.2")},
		Tips:  []cartera.Message{m("guide.refocus.tip")}}
	reins := Step{ID: StepReins, Title: m("guide.reins.title"),
		Lines: []cartera.Message{m("guide.reins.1"), m("guide.reins.2")},
		Tips:  []cartera.Message{m("guide.reins.tip")}}
	redirect := Step{ID: StepRedirect, Title: m("guide.redirect.title"),
		Tips:    []cartera.Message{m("guide.redirect.yes_signs"), m("guide.redirect.no_signs")},
		Choices: []Choice{{m("guide.choice.redirect_yes"), StepProceed}, {m("guide.choice.redirect_no"), StepClose}}}
	proceed := Step{ID: StepProceed, Title: m("guide.proceed.title"),
		Lines:   []cartera.Message{m("guide.proceed.1"), m("guide.proceed.2")},
		Tips:    []cartera.Message{m("guide.proceed.tip")},
		Choices: []Choice{{m("guide.choice.done"), ""}}}
	closing := Step{ID: StepClose, Title: m("guide.close.title"),
		Lines: []cartera.Message{m("guide.close.1")},
		Tips:  []cartera.Message{m("guide.close.tip"), m("guide.close.after")}}
	g.Steps = []Step{triage, separate, refocus, reins, redirect, proceed, closing}
	return g, true
}

// Step returns the step with the given id.
func (g Guide) Step(id string) (Step, bool) {
	for _, s := range g.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// Next is the one-line advice after logging an incident of a kind without
// a guided flow.
func Next(k cartera.IncidentKind) cartera.Message {
	return cartera.M("guide.next." + string(k))
}

// ChecklistItem is one question of the reconnect call.
type ChecklistItem struct {
	// ID names the Reconnect field the answer goes to.
	ID       string          `json:"id"`
	Question cartera.Message `json:"question"`
	Hint     cartera.Message `json:"hint"`
	// Answer is the kind of answer: "answer" (yes, no, unknown), "bool"
	// (done or not) or "text".
	Answer string `json:"answer"`
}

// ReconnectChecklist is what the call after a lost deal should cover, in
// order. It is data so that the web form and the command line ask the
// same questions.
func ReconnectChecklist() []ChecklistItem {
	m := cartera.M
	return []ChecklistItem{
		{"really_no", m("checklist.really_no"), m("checklist.really_no.hint"), "answer"},
		{"respected", m("checklist.respected"), m("checklist.respected.hint"), "bool"},
		{"competitor_won", m("checklist.competitor_won"), m("checklist.competitor_won.hint"), "answer"},
		{"competitor", m("checklist.competitor"), m("checklist.competitor.hint"), "text"},
		{"suggestions", m("checklist.suggestions"), m("checklist.suggestions.hint"), "text"},
		{"door_open", m("checklist.door_open"), m("checklist.door_open.hint"), "bool"},
	}
}

// DebriefPrompts are the questions of the team debrief: facts first, then
// what could be better, then the lessons — with no one to blame.
func DebriefPrompts() []cartera.Message {
	return []cartera.Message{cartera.M("debrief.prompt.happened"), cartera.M("debrief.prompt.better"),
		cartera.M("debrief.prompt.lessons"), cartera.M("debrief.prompt.no_blame")}
}
