package main

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// A lost deal and its plan: cartera lost, plan, reconnect and debrief.

// showPlan prints a lost deal's plan.
func (pc *storeCmd) showPlan(v *review.PlanView, msg string) error {
	if pc.format == "json" {
		return writeJSON(pc.a.stdout, report.PlanJSON(v, pc.p))
	}
	if msg != "" {
		fmt.Fprintln(pc.a.stdout, msg+"\n")
	}
	return report.WritePlan(pc.a.stdout, v, pc.asOf, pc.p, pc.text())
}

func runLost(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "lost")
	reason := fs.String("reason", "", "")
	competitor := fs.String("competitor", "", "")
	dateS := fs.String("date", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.deal_needs_id")}
	}
	closed, err := pc.day(*dateS)
	if err != nil {
		return err
	}
	v, err := review.MarkLost(ctx, pc.st, review.LostInput{DealID: rest[0], AsOf: pc.asOf, Closed: closed, Reason: *reason,
		Competitor: *competitor})
	if err != nil {
		return err
	}
	return pc.showPlan(v, pc.p.T("lost.done", "deal", v.Deal.Name()))
}

func runPlan(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "plan")
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.deal_needs_id")}
	}
	v, err := review.Plan(ctx, pc.st, rest[0], pc.asOf)
	if err != nil {
		return err
	}
	return pc.showPlan(v, "")
}

func runReconnect(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "reconnect")
	reallyNo := fs.String("really-no", "unknown", "")
	respected := fs.String("respected", "no", "")
	won := fs.String("competitor-won", "", "")
	competitor := fs.String("competitor", "", "")
	suggestions := fs.String("suggestions", "", "")
	door := fs.String("door-open", "no", "")
	note := fs.String("note", "", "")
	dateS := fs.String("date", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.deal_needs_id")}
	}
	r := cartera.Reconnect{DealID: rest[0], Day: pc.asOf, Competitor: *competitor, Suggestions: *suggestions, Note: *note}
	if r.Day, err = pc.day(*dateS); err != nil {
		return err
	}
	if r.Day.IsZero() {
		r.Day = pc.asOf
	}
	if r.ReallyNo, err = answer(*reallyNo); err != nil {
		return err
	}
	if *won != "" {
		if r.CompetitorWon, err = answer(*won); err != nil {
			return err
		}
	}
	if r.Respected, err = yesNo("respected", *respected); err != nil {
		return err
	}
	if r.DoorOpen, err = yesNo("door_open", *door); err != nil {
		return err
	}
	v, err := review.CompleteReconnect(ctx, pc.st, r, pc.asOf)
	if err != nil {
		return err
	}
	return pc.showPlan(v, pc.p.T("reconnect.done"))
}

func runDebrief(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "debrief")
	happened := fs.String("happened", "", "")
	better := fs.String("better", "", "")
	var lessons, changes repeated
	fs.Var(&lessons, "lesson", "")
	fs.Var(&changes, "change", "")
	dateS := fs.String("date", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.deal_needs_id")}
	}
	if len(changes) > len(lessons) {
		return &usageError{pc.p.T("cli.change_needs_lesson")}
	}
	d := cartera.Debrief{DealID: rest[0], Happened: *happened, Better: *better}
	if d.Day, err = pc.day(*dateS); err != nil {
		return err
	}
	if d.Day.IsZero() {
		d.Day = pc.asOf
	}
	for i, s := range lessons {
		l := review.ParseLesson(s)
		if i < len(changes) {
			l.Change = changes[i]
		}
		d.Lessons = append(d.Lessons, l)
	}
	v, err := review.SaveDebrief(ctx, pc.st, d, pc.asOf)
	if err != nil {
		return err
	}
	return pc.showPlan(v, pc.p.T("debrief.done", "n", len(d.Lessons)))
}
