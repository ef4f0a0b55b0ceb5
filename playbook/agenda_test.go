package playbook

import (
	"testing"

	"github.com/cartera/cartera"
)

func TestAgenda(t *testing.T) {
	t.Parallel()
	cal := NewCalendar(DefaultConfig().Weekend, holidays)
	plan := LostPlan(cartera.Deal{ID: "O-1", Owner: "Lucía", Title: "Web nueva"}, day(2026, 11, 20), cal, DefaultConfig())
	plan[0], _ = Complete(plan[0], day(2026, 11, 20))
	plan[3], _ = Snooze(plan[3], day(2026, 12, 2), day(2026, 11, 20), cal)
	follow, _ := FollowUp(cartera.Client{ID: "C-5", Owner: "Andrés"}, "I-1", asOf, 0, cal, DefaultConfig())
	far := BoundaryReview(cartera.Client{ID: "C-6"}, asOf, cal, DefaultConfig())
	stale := []StaleDeal{{Deal: cartera.Deal{ID: "O-9", Title: "Intranet", Owner: "Marcos", Created: day(2026, 6, 1)},
		LastNews: day(2026, 10, 1), Age: 55, MaxAge: 14}}
	subjects := map[string]string{"O-1": "Web nueva", "C-5": "Inmobiliaria Costa Dorada", "C-6": "Hostal"}
	tasks := append(append(plan, follow), far)

	a := BuildAgenda(tasks, stale, subjects, cal, AgendaOptions{AsOf: asOf})
	var ids []string
	for _, it := range a.Items {
		ids = append(ids, it.ID)
	}
	// Late first by day, then today and later; the boundary review in 30
	// days is beyond the 14-day window, the done task is hidden.
	want := []string{"touch_ground:O-9", "reconnect:O-1", "debrief:O-1", "follow_up:C-5:I-1", "restart:O-1"}
	if len(ids) != len(want) {
		t.Fatalf("agenda %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("agenda %v, want %v", ids, want)
		}
	}
	if a.Late != 3 || a.Today != 0 || a.Later != 2 {
		t.Errorf("late %d, today %d, later %d", a.Late, a.Today, a.Later)
	}
	if it := a.Items[0]; !it.Derived || it.Due != day(2026, 10, 16) || it.Late != 40 || it.Subject != "Intranet" {
		t.Errorf("touch ground: %+v", it)
	}
	if it := a.Items[4]; it.Day() != day(2026, 12, 2) || len(it.Detail) != 2 {
		t.Errorf("snoozed restart: %+v", it)
	}

	today := BuildAgenda(tasks, stale, subjects, cal, AgendaOptions{AsOf: asOf, Today: true})
	if len(today.Items) != 3 {
		t.Errorf("today: %d items", len(today.Items))
	}
	all := BuildAgenda(tasks, stale, subjects, cal, AgendaOptions{AsOf: asOf, Days: 60, Done: true})
	if len(all.Items) != 7 || all.Items[6].Status != cartera.TaskDone {
		t.Errorf("all: %d items, last %+v", len(all.Items), all.Items[len(all.Items)-1])
	}
}

func TestNextStepsAndHighlights(t *testing.T) {
	t.Parallel()
	own := []cartera.Lesson{{Text: "x", Change: "Confirmar el presupuesto antes de la propuesta"}}
	recent := []cartera.Lesson{{Text: "y", Change: "confirmar el presupuesto antes de la propuesta"}, {Text: "z", Change: "Llamar en 48 h"}, {Text: "w"}}
	open := []Prospect{
		{DealID: "A", Owner: "Lucía", Value: eur(1000000), P: 2000},
		{DealID: "B", Owner: "Lucía", Value: eur(500000), P: 6000},
		{DealID: "C", Owner: "Andrés", Value: eur(9000000), P: 9000},
		{DealID: "D", Owner: "lucia", Value: eur(200000), P: 1000},
	}
	r := NextSteps(own, recent, open, "Lucía", 2)
	if len(r.Changes) != 2 || r.Changes[1] != "Llamar en 48 h" {
		t.Errorf("changes %v", r.Changes)
	}
	if len(r.Prospects) != 2 || r.Prospects[0].DealID != "B" || r.Prospects[1].DealID != "A" {
		t.Errorf("prospects %v", r.Prospects)
	}
	if r := NextSteps(nil, nil, open, "Marcos", 1); len(r.Prospects) != 1 || r.Prospects[0].DealID != "C" {
		t.Errorf("a seller without deals sees the best of all: %v", r.Prospects)
	}
	text := "Mejorar la gestión del seguimiento"
	h := Highlights(text, "GESTION segui")
	if len(h) != 2 || text[h[0][0]:h[0][1]] != "gestión" || text[h[1][0]:h[1][1]] != "seguimiento" {
		t.Errorf("highlights %v", h)
	}
	if SearchTerms(`"*" - (`) != nil {
		t.Error("punctuation is not a word")
	}
	if got := SearchTerms(`gestión AND "seguimiento"*`); len(got) != 3 || got[0] != "gestión" || got[2] != "seguimiento" {
		t.Errorf("terms %q", got)
	}
}

func TestWinLoss(t *testing.T) {
	t.Parallel()
	row := func(m cartera.Date, owner string, o cartera.Outcome, reason, comp string, n int, v int64) cartera.WinLossRow {
		return cartera.WinLossRow{Month: m, Owner: owner, Outcome: o, Reason: reason, Competitor: comp, Deals: n, Value: eur(v)}
	}
	f := cartera.WinLossFacts{
		Rows: []cartera.WinLossRow{
			row(day(2026, 7, 1), "Lucía", cartera.OutcomeWon, "", "", 2, 100),
			row(day(2026, 7, 1), "Lucía", cartera.OutcomeLost, "Precio", "Agencia Norte", 1, 50),
			row(day(2026, 8, 1), "Andrés", cartera.OutcomeLost, "precio", "", 2, 70),
			row(day(2026, 10, 1), "Andrés", cartera.OutcomeLost, "sin presupuesto", "Agencia Norte", 1, 10),
			row(day(2026, 10, 1), "Andrés", cartera.OutcomeWon, "", "", 1, 30),
			row(day(2025, 1, 1), "Andrés", cartera.OutcomeLost, "precio", "", 9, 10), // before the range
		},
		Topics: []cartera.TopicCount{{Topic: "precio", Deals: 3}, {Topic: "una vez", Deals: 1}},
	}
	w := AnalyseWinLoss(f, day(2026, 7, 1), day(2026, 12, 31), PeriodQuarter)
	if w.Won != 3 || w.Lost != 4 || w.WinRate != 4286 {
		t.Errorf("totals %d won, %d lost, %s", w.Won, w.Lost, w.WinRate)
	}
	if len(w.Periods) != 2 || w.Periods[0].Lost != 3 || w.Periods[1].Won != 1 || w.Periods[0].End != day(2026, 9, 30) {
		t.Errorf("periods %+v", w.Periods)
	}
	if len(w.Reasons) != 2 || w.Reasons[0].Label != "Precio" || w.Reasons[0].Deals != 3 || w.Reasons[0].Share != 7500 {
		t.Errorf("reasons %+v", w.Reasons)
	}
	if len(w.Competitors) != 1 || w.Competitors[0].Deals != 2 || w.Competitors[0].Share != 5000 {
		t.Errorf("competitors %+v", w.Competitors)
	}
	if len(w.Sellers) != 2 || w.Sellers[0].Owner != "Andrés" || w.Sellers[0].TopReason != "precio" || w.Sellers[1].Won != 2 {
		t.Errorf("sellers %+v", w.Sellers)
	}
	if len(w.Topics) != 1 {
		t.Errorf("recurring topics %+v", w.Topics)
	}
	if m := AnalyseWinLoss(f, day(2026, 1, 1), day(2026, 12, 31), PeriodMonth); len(m.Periods) != 12 {
		t.Errorf("months: %d", len(m.Periods))
	}
	if _, err := ParsePeriod("semana"); err == nil {
		t.Error("bad period")
	}
	if p, _ := ParsePeriod("Año"); p != PeriodYear {
		t.Error("año")
	}
}
