package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/demo"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/ical/icaltest"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// leftover matches what an unfilled template or a formatting slip leaves
// in a script.
var leftover = regexp.MustCompile(`\{\{|\}\}|<no value>|%!|\{[a-z_.]+\}|archetype\.|script\.|\bfalse\b|\btrue\b`)

// The demo clients each playbook is shown on, with the archetypes they
// must match.
var scriptClients = []struct {
	name       string
	archetypes []playbook.Archetype
	boundaries bool
}{
	{"Talleres Ruiz", []playbook.Archetype{playbook.LatePayer}, false},
	{"Estudio Vidal Arquitectos", []playbook.Archetype{playbook.Diva}, false},
	{"Panadería Hermanos Gil", []playbook.Archetype{playbook.FamilyFriend}, true},
	{"Grupo Cárnico Salazar", []playbook.Archetype{playbook.Yeller}, false},
	{"Inmobiliaria Costa Dorada", []playbook.Archetype{playbook.NonListener}, true},
	{"Reformas Castillo", []playbook.Archetype{playbook.LatePayer}, false},
	{"Hostal Las Dunas", nil, true},
}

func clientID(t *testing.T, st cartera.Store, name string) string {
	t.Helper()
	found, err := st.FindClients(ctx, name, 1)
	if err != nil || len(found) != 1 {
		t.Fatalf("%s: %v %v", name, found, err)
	}
	return found[0].ID
}

// script builds a client's scripts in p's language, as the command line
// and the web app do: the use case, then its words.
func script(st cartera.Store, o review.ScriptOptions, p *i18n.Printer) (*report.ScriptDoc, error) {
	plan, err := review.Script(ctx, st, o)
	if err != nil {
		return nil, err
	}
	return report.Script(plan, p)
}

func TestScriptsGolden(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	rendered := map[string]bool{}
	for _, sc := range scriptClients {
		id := clientID(t, st, sc.name)
		for _, l := range i18n.Langs {
			p := i18n.New(l, demo.Location)
			doc, err := script(st, review.ScriptOptions{ClientID: id, AsOf: asOf}, p)
			if err != nil {
				t.Fatalf("%s: %v", sc.name, err)
			}
			var got []playbook.Archetype
			for _, s := range doc.Sections {
				got = append(got, s.Archetype)
				rendered[string(l)+"/"+string(s.Archetype)] = true
			}
			if len(got) != len(sc.archetypes) {
				t.Errorf("%s: archetypes %v, want %v", sc.name, got, sc.archetypes)
			}
			for i := range sc.archetypes {
				if i < len(got) && got[i] != sc.archetypes[i] {
					t.Errorf("%s: archetypes %v, want %v", sc.name, got, sc.archetypes)
				}
			}
			if (len(doc.Boundaries) > 0) != sc.boundaries || doc.NoMatch {
				t.Errorf("%s: boundaries %d blocks, no match %v", sc.name, len(doc.Boundaries), doc.NoMatch)
			}
			if len(doc.Boundaries) > 0 {
				rendered[string(l)+"/boundaries"] = true
			}
			if len(doc.Referrals) == 0 {
				t.Errorf("%s: the demo recommends providers for every service", sc.name)
			}
			var text, md bytes.Buffer
			if err := report.WriteScript(&text, doc, p, report.TextOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := report.WriteScriptMarkdown(&md, doc, p); err != nil {
				t.Fatal(err)
			}
			for kind, b := range map[string][]byte{"text": text.Bytes(), "markdown": md.Bytes()} {
				if m := leftover.Find(b); m != nil {
					t.Errorf("%s %s %s: %q left over", sc.name, l, kind, m)
				}
			}
			for i, line := range strings.Split(text.String(), "\n") {
				if n := len([]rune(line)); n > 80 {
					t.Errorf("%s %s line %d is %d columns wide", sc.name, l, i+1, n)
				}
			}
			if !strings.Contains(text.String(), sc.name) {
				t.Errorf("%s: the script does not name the client", sc.name)
			}
			golden(t, "script_"+id+"_"+string(l)+".golden", text.Bytes())
			golden(t, "script_"+id+"_"+string(l)+".md.golden", md.Bytes())
		}
	}
	// Every template, in both languages, is shown on some demo client.
	for _, l := range i18n.Langs {
		for _, name := range playbook.ScriptNames(l) {
			if !rendered[string(l)+"/"+name] {
				t.Errorf("no demo client shows the %s script in %s", name, l)
			}
		}
	}
}

func TestScriptForNoArchetypeSaysWhy(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	id := clientID(t, st, "Clínica Dental Arenal")
	p := i18n.New(i18n.ES, demo.Location)
	doc, err := script(st, review.ScriptOptions{ClientID: id, AsOf: asOf}, p)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.NoMatch || len(doc.Sections) != 0 || len(doc.Misses) != len(playbook.Archetypes) {
		t.Fatalf("no match %v, %d sections, %d misses", doc.NoMatch, len(doc.Sections), len(doc.Misses))
	}
	var b bytes.Buffer
	if err := report.WriteNoMatch(&b, doc, p, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "script_nomatch_es.golden", b.Bytes())
	// Asking for an archetype the client does not fit says why.
	_, err = script(st, review.ScriptOptions{ClientID: id, AsOf: asOf, Archetype: playbook.Diva}, p)
	if cartera.ErrorCode(err) != cartera.EINVALID || !strings.Contains(p.Msg(cartera.ErrorMessage(err)), "Clínica Dental Arenal") {
		t.Errorf("not a diva: %v", err)
	}
	if _, err := script(st, review.ScriptOptions{ClientID: id, AsOf: asOf, Archetype: "villain"}, p); cartera.ErrorCode(err) != cartera.EINVALID {
		t.Errorf("unknown archetype: %v", err)
	}
	if _, err := script(st, review.ScriptOptions{ClientID: "C-999", AsOf: asOf}, p); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("unknown client: %v", err)
	}
}

func TestLostDealPlan(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	// An open demo deal, lost today (a Wednesday).
	page, _, err := st.ListDeals(ctx, cartera.DealQuery{Outcome: cartera.OutcomeOpen, Limit: 1})
	if err != nil || len(page) == 0 {
		t.Fatal(err)
	}
	open := page[0]
	// A checklist before the deal is lost is refused, and nothing is saved.
	if _, err := review.CompleteReconnect(ctx, st, cartera.Reconnect{DealID: open.ID, Day: asOf, ReallyNo: cartera.Yes}, asOf); cartera.ErrorCode(err) != cartera.EINVALID {
		t.Errorf("a checklist for an open deal: %v", err)
	}
	v, err := review.MarkLost(ctx, st, review.LostInput{DealID: open.ID, AsOf: asOf, Reason: "precio", Competitor: "Agencia Norte"})
	if err != nil {
		t.Fatal(err)
	}
	want := []cartera.Date{asOf, asOf.AddDays(1), asOf.AddDays(2), asOf.AddDays(5)} // Wed, Thu, Fri, Mon
	if len(v.Tasks) != 4 {
		t.Fatalf("tasks %+v", v.Tasks)
	}
	for i, task := range v.Tasks {
		if task.Due != want[i] {
			t.Errorf("%s due %s, want %s", task.Kind, task.Due, want[i])
		}
	}
	if v.Deal.Outcome != cartera.OutcomeLost || v.Deal.Competitor != "Agencia Norte" || len(v.Restart.Prospects) == 0 {
		t.Errorf("plan %+v", v)
	}
	if _, err := review.MarkLost(ctx, st, review.LostInput{DealID: open.ID, AsOf: asOf}); cartera.ErrorCode(err) != cartera.ECONFLICT {
		t.Errorf("lost twice: %v", err)
	}
	if _, err := review.MarkLost(ctx, st, review.LostInput{DealID: "O-9999", AsOf: asOf}); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("unknown deal: %v", err)
	}
	if _, err := review.CompleteReconnect(ctx, st, cartera.Reconnect{DealID: open.ID, Day: asOf.AddDays(1)}, asOf); cartera.ErrorCode(err) != cartera.EINVALID {
		t.Errorf("a call after the as-of day: %v", err)
	}
	if _, err := review.SaveDebrief(ctx, st, cartera.Debrief{DealID: open.ID, Day: asOf.AddDays(1), Happened: "x"}, asOf); cartera.ErrorCode(err) != cartera.EINVALID {
		t.Errorf("a debrief after the as-of day: %v", err)
	}
	v, err = review.CompleteReconnect(ctx, st, cartera.Reconnect{DealID: open.ID, Day: asOf, ReallyNo: cartera.Yes, Respected: true,
		Competitor: "Agencia Norte", Suggestions: "Responder antes", DoorOpen: true}, asOf)
	if err != nil || v.Reconnect == nil || v.Tasks[1].Status != cartera.TaskDone {
		t.Fatalf("reconnect: %+v %v", v, err)
	}
	debrief := cartera.Debrief{DealID: open.ID, Day: asOf, Happened: "Precio más alto que la competencia",
		Lessons: []cartera.Lesson{review.ParseLesson("precio: Enseñar antes el retorno de la inversión"),
			{Text: "Revisar márgenes con el equipo", Change: "Tabla de precios revisada cada trimestre"}}}
	if v, err = review.SaveDebrief(ctx, st, debrief, asOf); err != nil || v.Debrief == nil || v.Debrief.Lessons[0].Topic != "precio" {
		t.Fatalf("debrief: %+v %v", v, err)
	}
	if v.Restart.Changes[0] != "Tabla de precios revisada cada trimestre" {
		t.Errorf("this deal's changes first: %v", v.Restart.Changes)
	}
	for _, l := range i18n.Langs {
		var b bytes.Buffer
		if err := report.WritePlan(&b, v, asOf, i18n.New(l, demo.Location), report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "plan_"+string(l)+".golden", b.Bytes())
	}
}

func TestDemoLessonsAndWinLoss(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	hits, err := st.SearchLessons(ctx, cartera.LessonQuery{Text: "gestion seguimiento"})
	if err != nil || len(hits) != 1 || !strings.Contains(hits[0].Text, "gestión") {
		t.Fatalf("gestion finds gestión: %+v %v", hits, err)
	}
	w, err := review.WinLoss(ctx, st, review.WinLossOptions{From: asOf.AddMonths(-12).AddDays(1), To: asOf,
		Period: playbook.PeriodQuarter})
	if err != nil {
		t.Fatal(err)
	}
	if w.Lost == 0 || len(w.Competitors) == 0 || len(w.Topics) < 2 || len(w.Sellers) != 4 {
		t.Errorf("win/loss: lost %d, competitors %d, topics %d, sellers %d", w.Lost, len(w.Competitors), len(w.Topics), len(w.Sellers))
	}
	for _, l := range i18n.Langs {
		p := i18n.New(l, demo.Location)
		var b bytes.Buffer
		if err := report.WriteWinLoss(&b, w, p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "winloss_"+string(l)+".golden", b.Bytes())
		b.Reset()
		if err := report.WriteLessons(&b, hits, "gestion seguimiento", p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "lessons_"+string(l)+".golden", b.Bytes())
	}
}

func TestIncidentFlows(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	at := asOf.Time(demo.Location).Add(11 * time.Hour)
	yeller := clientID(t, st, "Grupo Cárnico Salazar")
	res, err := review.LogIncident(ctx, st, review.IncidentInput{ID: "I-TEST-1", ClientID: yeller, Kind: cartera.KindInsult,
		Severity: 4, At: at, AsOf: asOf, Note: "Insulto en la reunión de seguimiento"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Guide == nil || res.Guide.Level != "leave" || res.Listen != nil {
		t.Fatalf("guide %+v", res.Guide)
	}
	if res.After.Relational.Score <= res.Before.Relational.Score {
		t.Errorf("the assessment does not see the incident: %.1f → %.1f", res.Before.Relational.Score, res.After.Relational.Score)
	}
	for _, l := range i18n.Langs {
		var b bytes.Buffer
		if err := report.WriteIncident(&b, res, i18n.New(l, demo.Location), report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "incident_insult_"+string(l)+".golden", b.Bytes())
	}

	listener := clientID(t, st, "Inmobiliaria Costa Dorada")
	// A follow-up on a holiday is refused, and the incident is not saved.
	_, err = review.LogIncident(ctx, st, review.IncidentInput{ID: "I-TEST-2", ClientID: listener, Kind: cartera.KindNotListening,
		Severity: 3, At: at, AsOf: asOf, FollowUp: cartera.DateOf(2026, 12, 8)})
	if cartera.ErrorCode(err) != cartera.EINVALID || cartera.ErrorMessage(err).Key != "calendar.holiday" {
		t.Fatalf("holiday follow-up: %v", err)
	}
	if _, err := st.Incident(ctx, "I-TEST-2"); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Fatalf("the refused incident was saved: %v", err)
	}
	res, err = review.LogIncident(ctx, st, review.IncidentInput{ID: "I-TEST-2", ClientID: listener, Kind: cartera.KindNotListening,
		Severity: 3, At: at, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if res.Listen == nil || res.Listen.FollowUp.Due != cartera.DateOf(2026, 11, 27) || res.Guide != nil {
		t.Fatalf("listen plan %+v", res.Listen)
	}
	if task, err := st.Task(ctx, res.Listen.FollowUp.ID); err != nil || task.Due != cartera.DateOf(2026, 11, 27) {
		t.Errorf("follow-up stored: %+v %v", task, err)
	}
	for _, l := range i18n.Langs {
		var b bytes.Buffer
		if err := report.WriteIncident(&b, res, i18n.New(l, demo.Location), report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "incident_listen_"+string(l)+".golden", b.Bytes())
	}
}

func TestAgendaAndICalendar(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	a, err := review.Agenda(ctx, st, review.AgendaOptions{AgendaOptions: playbook.AgendaOptions{AsOf: asOf, Days: 14}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[cartera.TaskKind]int{}
	for _, it := range a.Items {
		kinds[it.Kind]++
	}
	for _, k := range []cartera.TaskKind{cartera.TaskReconnect, cartera.TaskFollowUp, cartera.TaskTouchGround} {
		if kinds[k] == 0 {
			t.Errorf("the demo agenda shows no %s: %v", k, kinds)
		}
	}
	for _, l := range i18n.Langs {
		p := i18n.New(l, demo.Location)
		var b bytes.Buffer
		if err := report.WriteAgenda(&b, a, p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "agenda_"+string(l)+".golden", b.Bytes())
	}
	stamp := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	p := i18n.New(i18n.ES, demo.Location)
	for _, todos := range []bool{false, true} {
		var b bytes.Buffer
		if err := report.WriteAgendaICS(&b, a, p, report.ICSOptions{Stamp: stamp, Todos: todos, Name: "Agenda; Lucía, demo"}); err != nil {
			t.Fatal(err)
		}
		root, err := icaltest.Parse(b.String())
		if err != nil {
			t.Fatalf("todos=%v: %v", todos, err)
		}
		titles := map[string]string{}
		for _, it := range a.Items {
			titles[it.ID+"@cartera"] = p.Msg(it.Title)
		}
		if len(root.Subs) != len(a.Items) {
			t.Errorf("todos=%v: %d components for %d entries", todos, len(root.Subs), len(a.Items))
		}
		for _, c := range root.Subs {
			uid := c.Text("UID")
			if c.Text("SUMMARY") != titles[uid] {
				t.Errorf("%s: summary %q, want %q", uid, c.Text("SUMMARY"), titles[uid])
			}
			want := "VEVENT"
			if todos {
				want = "VTODO"
			}
			if c.Name != want {
				t.Errorf("%s is a %s", uid, c.Name)
			}
		}
		// The same agenda gives the same calendar, byte for byte.
		var again bytes.Buffer
		report.WriteAgendaICS(&again, a, p, report.ICSOptions{Stamp: stamp, Todos: todos, Name: "Agenda; Lucía, demo"})
		if !bytes.Equal(b.Bytes(), again.Bytes()) {
			t.Error("the calendar is not deterministic")
		}
	}
	// Snoozing to a holiday is refused; to a working day it moves the task.
	var follow string
	for _, it := range a.Items {
		if it.Kind == cartera.TaskFollowUp {
			follow = it.ID
		}
	}
	if _, err := review.SnoozeTask(ctx, st, follow, cartera.DateOf(2026, 12, 8), asOf); cartera.ErrorCode(err) != cartera.EINVALID {
		t.Errorf("snooze to a holiday: %v", err)
	}
	if task, err := review.SnoozeTask(ctx, st, follow, cartera.DateOf(2026, 12, 9), asOf); err != nil || task.Day() != cartera.DateOf(2026, 12, 9) {
		t.Errorf("snooze: %+v %v", task, err)
	}
	if _, err := review.CompleteTask(ctx, st, "touch_ground:O-0001", asOf); cartera.ErrorCode(err) != cartera.EINVALID {
		t.Errorf("a derived check cannot be completed: %v", err)
	}
}
