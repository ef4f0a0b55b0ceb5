package review_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// TestDemoReasonsNameWhatHappened: in the whole demo review (what `cartera
// review --demo --all` shows), in Spanish and English, no reason, red line,
// watch note or change names a kind of incident the client did not have in
// the period, and a sentence about one kind of incident (a red line's latest
// crossing, "N incidents of kind") names no other kind — the
// protected-hours line used to call a Sunday competitor taunt "a request".
func TestDemoReasonsNameWhatHappened(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	var all []assess.Assessment
	if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, Each: func(a *assess.Assessment) error {
		all = append(all, *a)
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []i18n.Lang{i18n.ES, i18n.EN} {
		p := i18n.New(lang, time.UTC)
		names := map[cartera.IncidentKind][]string{}
		for _, k := range cartera.IncidentKinds {
			names[k] = []string{strings.ToLower(p.T("kind." + string(k)))}
		}
		names[cartera.KindOutOfHours] = append(names[cartera.KindOutOfHours], "request", "petici", "demand", "exigencia")
		for _, a := range all {
			var msgs []cartera.Message
			msgs = append(append(append(append(msgs, a.Reasons...), a.Breaches...), a.Watch...), a.Change...)
			for _, m := range msgs {
				text := strings.ToLower(p.Msg(m))
				// A sentence about one kind (it carries the kind) names
				// no other, even one the client also had.
				about, one := m.Get("kind")
				for k, words := range names {
					if one && about == k || !one && a.Relational.ByKind[k] > 0 {
						continue
					}
					for _, w := range words {
						if strings.Contains(text, w) {
							t.Errorf("%s %s: %q names %s, which did not happen", lang, a.Client.ID, text, k)
						}
					}
				}
			}
		}
	}
}

// TestDemoVerdictCases: the demo clients added for issue 15 earn the
// verdict, the reason and the notes each one is there to show.
func TestDemoVerdictCases(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	got := map[string]assess.Assessment{}
	if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, Each: func(a *assess.Assessment) error {
		got[a.Client.Name] = *a
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	has := func(ms []cartera.Message, key string) bool {
		for _, m := range ms {
			if m.Key == key {
				return true
			}
		}
		return false
	}
	en := i18n.New(i18n.EN, time.UTC)
	for _, c := range []struct {
		name    string
		verdict cartera.Verdict
		key     string // among reasons, breaches, watch or change
	}{
		{"Clínica Veterinaria Alba", cartera.VerdictKeep, "watch.old_breach"},
		{"Papelería Trazo", cartera.VerdictKeep, "watch.old_breach"},
		{"Náutica Poniente", cartera.VerdictEnd, "reason.abuse_repeated"},
		{"Logística Meridiano", cartera.VerdictEnd, "reason.abuse_threat"},
		{"Gimnasio Vértice", cartera.VerdictBoundaries, "reason.abuse_one_contact"},
		{"Heladería Polo Norte", cartera.VerdictKeep, "watch.kind"},
		{"Catering Las Encinas", cartera.VerdictBoundaries, "breach.discount"},
		{"Cerámicas Levante", cartera.VerdictBoundaries, "reason.late_payments"},
		{"Agencia de Viajes Brújula", cartera.VerdictKeep, "watch.slower"},
	} {
		a, ok := got[c.name]
		if !ok {
			t.Errorf("%s: not in the demo", c.name)
			continue
		}
		var all []cartera.Message
		all = append(append(append(append(all, a.Reasons...), a.Breaches...), a.Watch...), a.Change...)
		if a.Verdict != c.verdict || !has(all, c.key) {
			var lines []string
			for _, m := range all {
				lines = append(lines, m.Key+": "+en.Msg(m))
			}
			t.Errorf("%s: %s, want %s with %s:\n%s", c.name, a.Verdict, c.verdict, c.key, strings.Join(lines, "\n"))
		}
	}
}
