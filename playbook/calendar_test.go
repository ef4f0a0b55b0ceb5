package playbook

import (
	"testing"
	"time"

	"github.com/cartera/cartera"
)

func day(y int, m time.Month, d int) cartera.Date { return cartera.DateOf(y, m, d) }

// Spanish 2026: 8 December (Tuesday) and 25 December (Friday) are
// holidays; 2 April (Thursday) and 3 April (Good Friday) too.
var holidays = []cartera.Holiday{
	{Day: day(2026, 12, 8), Name: "Inmaculada"}, {Day: day(2026, 12, 25), Name: "Navidad"},
	{Day: day(2026, 4, 2), Name: "Jueves Santo"}, {Day: day(2026, 4, 3), Name: "Viernes Santo"},
	{Day: day(2027, 1, 1), Name: "Año Nuevo"},
}

func TestLostPlanDates(t *testing.T) {
	t.Parallel()
	cal := NewCalendar(DefaultConfig().Weekend, holidays)
	tests := []struct {
		name                                 string
		lost                                 cartera.Date
		recover, reconnect, debrief, restart cartera.Date
	}{
		{"lost on a Tuesday: one task a day from Wednesday", day(2026, 11, 24),
			day(2026, 11, 24), day(2026, 11, 25), day(2026, 11, 26), day(2026, 11, 27)},
		{"lost on a Friday: the call waits for Monday", day(2026, 11, 27),
			day(2026, 11, 27), day(2026, 11, 30), day(2026, 12, 1), day(2026, 12, 2)},
		{"lost on a Saturday: recovering is allowed on a weekend, the call is Monday", day(2026, 11, 28),
			day(2026, 11, 28), day(2026, 11, 30), day(2026, 12, 1), day(2026, 12, 2)},
		{"the holiday on Tuesday 8 December is skipped", day(2026, 12, 4),
			day(2026, 12, 4), day(2026, 12, 7), day(2026, 12, 9), day(2026, 12, 10)},
		{"Easter: Thursday and Friday off, then the weekend", day(2026, 4, 1),
			day(2026, 4, 1), day(2026, 4, 6), day(2026, 4, 7), day(2026, 4, 8)},
		{"Christmas and New Year across the year end", day(2026, 12, 24),
			day(2026, 12, 24), day(2026, 12, 28), day(2026, 12, 29), day(2026, 12, 30)},
		{"New Year's Eve: the year starts on a holiday Friday", day(2026, 12, 31),
			day(2026, 12, 31), day(2027, 1, 4), day(2027, 1, 5), day(2027, 1, 6)},
	}
	deal := cartera.Deal{ID: "O-1", Owner: "Lucía", ClientID: "C-1"}
	for _, tc := range tests {
		plan := LostPlan(deal, tc.lost, cal, DefaultConfig())
		want := []cartera.Date{tc.recover, tc.reconnect, tc.debrief, tc.restart}
		if len(plan) != 4 {
			t.Fatalf("%s: %d tasks", tc.name, len(plan))
		}
		for i, task := range plan {
			if task.Due != want[i] {
				t.Errorf("%s: %s due %s, want %s", tc.name, task.Kind, task.Due, want[i])
			}
			if i > 0 && !cal.Working(task.Due) {
				t.Errorf("%s: %s lands on a day off (%s)", tc.name, task.Kind, task.Due)
			}
			if i > 0 && task.Due == tc.lost {
				t.Errorf("%s: %s asks something more on the day of the no", tc.name, task.Kind)
			}
			if task.Owner != "Lucía" || task.DealID != "O-1" || task.Status != cartera.TaskOpen || task.Created != tc.lost {
				t.Errorf("%s: %+v", tc.name, task)
			}
			if err := task.Validate(); err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
	}
}

func TestPlanDelaysAreConfigurable(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.ReconnectAfter, cfg.DebriefAfter, cfg.RestartAfter = 2, 0, 3
	cfg.Weekend = []time.Weekday{time.Friday, time.Saturday}
	cal := NewCalendar(cfg.Weekend, nil)
	plan := LostPlan(cartera.Deal{ID: "O-2"}, day(2026, 11, 25), cal, cfg) // a Wednesday
	got := []cartera.Date{plan[1].Due, plan[2].Due, plan[3].Due}
	// Wednesday + 2 working days (Thursday, Sunday); debrief the same day;
	// restart 3 working days later (Monday, Tuesday, Wednesday).
	want := []cartera.Date{day(2026, 11, 29), day(2026, 11, 29), day(2026, 12, 2)}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("task %d: %s, want %s", i+1, got[i], want[i])
		}
	}
}

func TestFollowUp(t *testing.T) {
	t.Parallel()
	cal := NewCalendar(DefaultConfig().Weekend, holidays)
	client := cartera.Client{ID: "C-5", Owner: "Andrés"}
	tests := []struct {
		name         string
		asOf, chosen cartera.Date
		want         cartera.Date
		err          string
	}{
		{"two working days after a Wednesday is Friday", day(2026, 11, 25), 0, day(2026, 11, 27), ""},
		{"after a Thursday it is Monday", day(2026, 11, 26), 0, day(2026, 11, 30), ""},
		{"the holiday on 8 December pushes it to Wednesday", day(2026, 12, 4), 0, day(2026, 12, 9), ""},
		{"a chosen working day is kept", day(2026, 11, 25), day(2026, 12, 1), day(2026, 12, 1), ""},
		{"a chosen holiday is refused", day(2026, 11, 25), day(2026, 12, 8), 0, "calendar.holiday"},
		{"a chosen Sunday is refused", day(2026, 11, 25), day(2026, 11, 29), 0, "calendar.weekend"},
		{"a day in the past is refused", day(2026, 11, 25), day(2026, 11, 20), 0, "task.due_not_future"},
	}
	for _, tc := range tests {
		task, err := FollowUp(client, "I-9", tc.asOf, tc.chosen, cal, DefaultConfig())
		if tc.err != "" {
			if e, ok := err.(*cartera.Error); !ok || e.Msg.Key != tc.err || e.Field != "follow_up" {
				t.Errorf("%s: want %s, got %v", tc.name, tc.err, err)
			}
			continue
		}
		if err != nil || task.Due != tc.want || task.Kind != cartera.TaskFollowUp || task.Owner != "Andrés" {
			t.Errorf("%s: %+v %v, want due %s", tc.name, task, err, tc.want)
		}
		if task.ID != "follow_up:C-5:I-9" {
			t.Errorf("%s: id %s", tc.name, task.ID)
		}
	}
}

func TestCalendarCheckNamesTheHolidayAndTheNextWorkingDay(t *testing.T) {
	t.Parallel()
	cal := NewCalendar(DefaultConfig().Weekend, holidays)
	err := cal.Check("due", day(2026, 12, 25))
	e, ok := err.(*cartera.Error)
	if !ok {
		t.Fatal(err)
	}
	if name, _ := e.Msg.Get("name"); name != "Navidad" {
		t.Errorf("name: %v", name)
	}
	if next, _ := e.Msg.Get("next"); next != day(2026, 12, 28) {
		t.Errorf("next: %v", next)
	}
	if cal.Check("due", day(2026, 12, 28)) != nil {
		t.Error("a Monday is a working day")
	}
	// A calendar with every day off does not loop.
	all := NewCalendar([]time.Weekday{0, 1, 2, 3, 4, 5, 6}, nil)
	if got := all.Add(day(2026, 1, 1), 3); got.IsZero() {
		t.Error("zero")
	}
}

func TestSnoozeAndComplete(t *testing.T) {
	t.Parallel()
	cal := NewCalendar(DefaultConfig().Weekend, holidays)
	asOf := day(2026, 11, 25)
	task := LostPlan(cartera.Deal{ID: "O-1"}, asOf, cal, DefaultConfig())[1]
	if _, err := Snooze(task, day(2026, 12, 8), asOf, cal); err == nil {
		t.Error("snoozing to a holiday")
	}
	if _, err := Snooze(task, asOf, asOf, cal); err == nil {
		t.Error("snoozing to today")
	}
	s, err := Snooze(task, day(2026, 12, 2), asOf, cal)
	if err != nil || s.Day() != day(2026, 12, 2) || s.Due != task.Due || s.Validate() != nil {
		t.Fatalf("%+v %v", s, err)
	}
	d, err := Complete(s, asOf)
	if err != nil || d.Status != cartera.TaskDone || d.DoneOn != asOf || !d.SnoozedUntil.IsZero() || d.Validate() != nil {
		t.Fatalf("%+v %v", d, err)
	}
	if _, err := Complete(d, asOf); cartera.ErrorCode(err) != cartera.ECONFLICT {
		t.Errorf("completing twice: %v", err)
	}
	if _, err := Snooze(d, day(2026, 12, 2), asOf, cal); cartera.ErrorCode(err) != cartera.ECONFLICT {
		t.Errorf("snoozing a done task: %v", err)
	}
	if r := Reopen(d); r.Status != cartera.TaskOpen || r.Validate() != nil {
		t.Errorf("reopen: %+v", r)
	}
}
