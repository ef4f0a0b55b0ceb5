package playbook

import (
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// messages collects every message a flow shows.
func messages(g Guide) []cartera.Message {
	var out []cartera.Message
	for _, s := range g.Steps {
		out = append(out, s.Title)
		out = append(out, s.Lines...)
		out = append(out, s.Tips...)
		for _, c := range s.Choices {
			out = append(out, c.Label)
		}
	}
	return out
}

func TestGuidesAreCompleteInBothLanguages(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy()
	for _, k := range cartera.IncidentKinds {
		for sev := cartera.MinSeverity; sev <= cartera.MaxSeverity; sev++ {
			g, ok := NewGuide(k, sev, p)
			if ok != Guided(k) {
				t.Fatalf("%s: guided %v", k, ok)
			}
			var msgs []cartera.Message
			if ok {
				msgs = messages(g)
				// Every choice leads to a step of the flow (or ends it).
				for _, s := range g.Steps {
					for _, c := range s.Choices {
						if _, found := g.Step(c.Next); c.Next != "" && !found {
							t.Errorf("%s: choice to unknown step %s", k, c.Next)
						}
					}
				}
				if _, ok := g.Step(g.Start); !ok {
					t.Errorf("%s: no start", k)
				}
			} else {
				msgs = []cartera.Message{Next(k)}
			}
			for _, lang := range i18n.Langs {
				pr := i18n.New(lang, nil)
				for _, m := range msgs {
					if !pr.Has(m.Key) {
						t.Errorf("%s %d: %s missing in %s", k, sev, m.Key, lang)
					}
					if s := pr.Msg(m); strings.Contains(s, "{") {
						t.Errorf("%s: placeholder left in %q", m.Key, s)
					}
				}
			}
		}
	}
}

func TestTriage(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy() // tolerates up to severity 3
	tests := []struct {
		kind     cartera.IncidentKind
		severity int
		want     string
	}{
		{cartera.KindBelittling, 1, "mild"},
		{cartera.KindInsult, 2, "mild"},
		{cartera.KindYelling, 3, "firm"},
		{cartera.KindInsult, 4, "leave"},
		{cartera.KindThreat, 1, "leave"},
	}
	for _, tc := range tests {
		if got := Triage(tc.kind, tc.severity, p); got != tc.want {
			t.Errorf("%s %d: %s, want %s", tc.kind, tc.severity, got, tc.want)
		}
	}
	g, _ := NewGuide(cartera.KindInsult, 5, p)
	if len(g.Steps[0].Choices) != 2 || g.Steps[0].Choices[1].Next != StepClose {
		t.Errorf("a severe insult offers to leave at once: %+v", g.Steps[0])
	}
	g, _ = NewGuide(cartera.KindBelittling, 2, p)
	if len(g.Steps[0].Choices) != 0 {
		t.Errorf("a mild remark goes straight on")
	}
}

func TestChecklistAndPromptsExist(t *testing.T) {
	t.Parallel()
	var msgs []cartera.Message
	for _, it := range ReconnectChecklist() {
		msgs = append(msgs, it.Question, it.Hint)
	}
	msgs = append(msgs, DebriefPrompts()...)
	for _, k := range cartera.TaskKinds {
		msgs = append(msgs, cartera.M("agenda.task."+string(k), "subject", "x"), cartera.M("task.kind."+string(k)))
		if k != cartera.TaskTouchGround {
			msgs = append(msgs, cartera.M("agenda.detail."+string(k)))
		}
	}
	for _, a := range Archetypes {
		msgs = append(msgs, cartera.M("archetype."+string(a)))
	}
	for _, s := range []cartera.TaskStatus{cartera.TaskOpen, cartera.TaskDone, cartera.TaskSnoozed} {
		msgs = append(msgs, cartera.M("task.status."+string(s)))
	}
	for _, lang := range i18n.Langs {
		pr := i18n.New(lang, nil)
		for _, m := range msgs {
			if !pr.Has(m.Key) {
				t.Errorf("%s missing in %s", m.Key, lang)
			}
		}
	}
}
