package playbook

import (
	"strings"

	"github.com/cartera/cartera"
)

// LostPlan is the plan that starts when a deal is lost, recorded on day
// asOf:
//
//   - recover, that same day — and nothing else is due that day;
//   - reconnect by phone, ReconnectAfter working days later;
//   - debrief with the team, DebriefAfter working days after the call, so
//     that the call's answers feed it;
//   - restart, RestartAfter working days after the debrief, with the
//     procedure changes and the next prospects.
//
// Every task after the first lands on a working day. Task ids derive from
// the deal's, so a plan is the same however often it is computed, and
// calendar apps keep one entry per task.
func LostPlan(d cartera.Deal, asOf cartera.Date, cal *Calendar, cfg Config) []cartera.Task {
	reconnect := cal.Add(asOf, cfg.ReconnectAfter)
	debrief := cal.Add(reconnect, cfg.DebriefAfter)
	restart := cal.Add(debrief, cfg.RestartAfter)
	task := func(k cartera.TaskKind, due cartera.Date) cartera.Task {
		return cartera.Task{ID: TaskID(k, d.ID), Kind: k, DealID: d.ID, ClientID: d.ClientID, Owner: d.Owner, Due: due,
			Status: cartera.TaskOpen, Created: asOf}
	}
	return []cartera.Task{
		task(cartera.TaskRecover, asOf),
		task(cartera.TaskReconnect, reconnect),
		task(cartera.TaskDebrief, debrief),
		task(cartera.TaskRestart, restart),
	}
}

// TaskID is the stable id of a task of kind k about subject.
func TaskID(k cartera.TaskKind, subject string, more ...string) string {
	parts := append([]string{string(k), subject}, more...)
	return strings.Join(parts, ":")
}

// FollowUp schedules the second conversation with a client who would not
// listen: FollowUpAfter working days after asOf, or on the day the user
// chose, which must be a later working day.
func FollowUp(c cartera.Client, incidentID string, asOf, chosen cartera.Date, cal *Calendar, cfg Config) (cartera.Task, error) {
	due := cal.Add(asOf, cfg.FollowUpAfter)
	if !chosen.IsZero() {
		if chosen <= asOf {
			return cartera.Task{}, cartera.FieldError("follow_up", "task.due_not_future", "day", chosen, "today", asOf)
		}
		if err := cal.Check("follow_up", chosen); err != nil {
			return cartera.Task{}, err
		}
		due = chosen
	}
	return cartera.Task{ID: TaskID(cartera.TaskFollowUp, c.ID, incidentID), Kind: cartera.TaskFollowUp, ClientID: c.ID,
		Owner: c.Owner, Due: due, Status: cartera.TaskOpen, Created: asOf}, nil
}

// BoundaryReview schedules the check that boundaries sent on asOf are
// respected: BoundaryReviewDays later, on the next working day.
func BoundaryReview(c cartera.Client, asOf cartera.Date, cal *Calendar, cfg Config) cartera.Task {
	return cartera.Task{ID: TaskID(cartera.TaskBoundaryReview, c.ID, asOf.String()), Kind: cartera.TaskBoundaryReview,
		ClientID: c.ID, Owner: c.Owner, Due: cal.Next(asOf.AddDays(cfg.BoundaryReviewDays)), Status: cartera.TaskOpen,
		Created: asOf}
}

// Snooze moves a pending task to a later working day.
func Snooze(t cartera.Task, until, asOf cartera.Date, cal *Calendar) (cartera.Task, error) {
	switch {
	case t.Status == cartera.TaskDone:
		return t, cartera.NewError(cartera.ECONFLICT, "task.already_done", "id", t.ID, "day", t.DoneOn)
	case until <= asOf:
		return t, cartera.FieldError("until", "task.due_not_future", "day", until, "today", asOf)
	}
	if err := cal.Check("until", until); err != nil {
		return t, err
	}
	t.Status, t.SnoozedUntil = cartera.TaskSnoozed, until
	return t, nil
}

// Complete marks a task done on asOf.
func Complete(t cartera.Task, asOf cartera.Date) (cartera.Task, error) {
	if t.Status == cartera.TaskDone {
		return t, cartera.NewError(cartera.ECONFLICT, "task.already_done", "id", t.ID, "day", t.DoneOn)
	}
	t.Status, t.DoneOn, t.SnoozedUntil = cartera.TaskDone, asOf, 0
	return t, nil
}

// Reopen puts a done or snoozed task back on its due day.
func Reopen(t cartera.Task) cartera.Task {
	t.Status, t.DoneOn, t.SnoozedUntil = cartera.TaskOpen, 0, 0
	return t
}
