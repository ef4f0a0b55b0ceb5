package playbook

import (
	"sort"

	"github.com/cartera/cartera"
)

// Item is one entry of the agenda: a stored task, or a check derived from
// the pipeline, with what it is about.
type Item struct {
	cartera.Task
	// Subject is the deal's or the client's name.
	Subject string `json:"subject"`
	// Title says what to do, Detail adds the facts.
	Title  cartera.Message   `json:"title"`
	Detail []cartera.Message `json:"detail,omitempty"`
	// Late is how many days past its day the task is (0 when not late).
	Late int `json:"days_late"`
	// Derived marks entries computed from the pipeline, not stored (they
	// cannot be marked done: a status check on the deal clears them).
	Derived bool `json:"derived"`
}

// StaleDeal is an open deal nobody has checked within its stage's limit.
type StaleDeal struct {
	Deal     cartera.Deal
	LastNews cartera.Date
	Age      int // days since the last news
	MaxAge   int // days the stage allows
}

// TouchGround turns a stale deal into an agenda entry, due on the first
// working day after its stage's limit ran out.
func TouchGround(s StaleDeal, cal *Calendar) cartera.Task {
	start := s.LastNews
	if start.IsZero() {
		start = s.Deal.Created
	}
	return cartera.Task{ID: TaskID(cartera.TaskTouchGround, s.Deal.ID), Kind: cartera.TaskTouchGround,
		DealID: s.Deal.ID, ClientID: s.Deal.ClientID, Owner: s.Deal.Owner, Due: cal.Next(start.AddDays(s.MaxAge + 1)),
		Status: cartera.TaskOpen, Created: start}
}

// AgendaOptions select what the agenda shows.
type AgendaOptions struct {
	AsOf cartera.Date
	// Today keeps only what is due on or before AsOf.
	Today bool
	// Days is how far ahead to look (0: 14 days).
	Days int
	// Done includes finished tasks.
	Done bool
}

// Agenda is every task due, in one list: late first, then by day.
type Agenda struct {
	AsOf  cartera.Date `json:"as_of"`
	Until cartera.Date `json:"until"`
	Items []Item       `json:"items"`
	// Late counts entries past their day, Today those due today, Later
	// the rest.
	Late  int `json:"late"`
	Today int `json:"today"`
	Later int `json:"later"`
}

// BuildAgenda puts stored tasks and the pipeline's stale deals in one
// agenda. subjects maps deal and client ids to names.
func BuildAgenda(tasks []cartera.Task, stale []StaleDeal, subjects map[string]string, cal *Calendar, o AgendaOptions) Agenda {
	days := o.Days
	if days <= 0 {
		days = 14
	}
	a := Agenda{AsOf: o.AsOf, Until: o.AsOf.AddDays(days)}
	if o.Today {
		a.Until = o.AsOf
	}
	add := func(it Item) {
		day := it.Day()
		if day > a.Until || (it.Status == cartera.TaskDone && !o.Done) {
			return
		}
		if it.Status == cartera.TaskDone && it.DoneOn < o.AsOf.AddDays(-days) {
			return
		}
		if it.Status != cartera.TaskDone && day < o.AsOf {
			it.Late = cartera.DaysBetween(day, o.AsOf)
		}
		a.Items = append(a.Items, it)
	}
	for _, t := range tasks {
		name := subjects[t.DealID]
		if name == "" {
			name = subjects[t.ClientID]
		}
		if name == "" {
			name = t.DealID + t.ClientID
		}
		add(Item{Task: t, Subject: name, Title: cartera.M("agenda.task."+string(t.Kind), "subject", name),
			Detail: detail(t)})
	}
	for _, s := range stale {
		t := TouchGround(s, cal)
		add(Item{Task: t, Subject: s.Deal.Name(), Derived: true,
			Title:  cartera.M("agenda.task.touch_ground", "subject", s.Deal.Name()),
			Detail: []cartera.Message{cartera.M("agenda.detail.touch_ground", "days", s.Age, "max", s.MaxAge)}})
	}
	sort.SliceStable(a.Items, func(i, j int) bool {
		x, y := &a.Items[i], &a.Items[j]
		if (x.Status == cartera.TaskDone) != (y.Status == cartera.TaskDone) {
			return y.Status == cartera.TaskDone
		}
		if x.Day() != y.Day() {
			return x.Day() < y.Day()
		}
		if x.Kind != y.Kind {
			return kindOrder(x.Kind) < kindOrder(y.Kind)
		}
		return x.ID < y.ID
	})
	for _, it := range a.Items {
		switch {
		case it.Status == cartera.TaskDone:
		case it.Late > 0:
			a.Late++
		case it.Day() == o.AsOf:
			a.Today++
		default:
			a.Later++
		}
	}
	return a
}

func kindOrder(k cartera.TaskKind) int {
	for i, x := range cartera.TaskKinds {
		if x == k {
			return i
		}
	}
	return len(cartera.TaskKinds)
}

// detail is the one-line reminder of how to do a task.
func detail(t cartera.Task) []cartera.Message {
	var out []cartera.Message
	switch t.Kind {
	case cartera.TaskRecover, cartera.TaskReconnect, cartera.TaskDebrief, cartera.TaskRestart, cartera.TaskFollowUp,
		cartera.TaskBoundaryReview:
		out = append(out, cartera.M("agenda.detail."+string(t.Kind)))
	}
	if t.Status == cartera.TaskSnoozed {
		out = append(out, cartera.M("agenda.detail.snoozed", "due", t.Due, "until", t.SnoozedUntil))
	}
	if t.Note != "" {
		out = append(out, cartera.M("agenda.detail.note", "note", t.Note))
	}
	return out
}
