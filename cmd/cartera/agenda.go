package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// cartera agenda: every task in one list, or as a calendar.

func runAgenda(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "agenda")
	today := fs.Bool("today", false, "")
	days := fs.Int("days", 14, "")
	seller := fs.String("seller", "", "")
	doneF := fs.Bool("done", false, "")
	todo := fs.Bool("todo", false, "")
	until := fs.String("until", "", "")
	baseURL := fs.String("base-url", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 2, "text", "json", "ics")
	if err != nil {
		return err
	}
	defer pc.done()
	p := pc.p
	if len(rest) > 0 {
		action := rest[0]
		if len(rest) != 2 {
			return &usageError{p.T("usage.agenda")}
		}
		switch action {
		case "done", "hecha":
			t, err := review.CompleteTask(ctx, pc.st, rest[1], pc.asOf)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, p.T("agenda.marked_done", "id", t.ID, "date", t.DoneOn))
			return nil
		case "snooze", "aplazar":
			u, err := pc.day(*until)
			if err != nil {
				return err
			}
			if u.IsZero() {
				return &usageError{p.T("cli.snooze_needs_until")}
			}
			t, err := review.SnoozeTask(ctx, pc.st, rest[1], u, pc.asOf)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, p.T("agenda.snoozed", "id", t.ID, "date", t.SnoozedUntil))
			return nil
		case "reopen", "reabrir":
			t, err := review.ReopenTask(ctx, pc.st, rest[1])
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, p.T("agenda.reopened", "id", t.ID, "date", t.Due))
			return nil
		case "token":
			u, err := pc.st.UserByEmail(ctx, rest[1])
			if err != nil {
				return err
			}
			token, err := review.NewCalendarToken(ctx, pc.st, u.ID)
			if err != nil {
				return err
			}
			base := strings.TrimRight(*baseURL, "/")
			if base == "" {
				base = strings.TrimRight(a.getenv("CARTERA_BASE_URL"), "/")
			}
			if base == "" {
				base = "http://127.0.0.1:8080"
			}
			fmt.Fprintln(a.stdout, p.T("agenda.token", "name", u.Name))
			fmt.Fprintln(a.stdout, base+"/calendar/"+token+".ics")
			return nil
		}
		return &usageError{p.T("usage.agenda")}
	}
	ag, err := review.Agenda(ctx, pc.st, review.AgendaOptions{Owner: *seller,
		AgendaOptions: playbook.AgendaOptions{AsOf: pc.asOf, Today: *today, Days: *days, Done: *doneF || (*todo && pc.format == "ics")}})
	if err != nil {
		return err
	}
	switch pc.format {
	case "json":
		return writeJSON(a.stdout, report.AgendaJSON(ag, p))
	case "ics":
		stamp := a.now().UTC().Truncate(time.Second)
		if pc.asOfGiven {
			stamp = pc.asOf.Time(time.UTC) // reproducible: the same day gives the same file
		}
		return report.WriteAgendaICS(a.stdout, ag, p, report.ICSOptions{Stamp: stamp, Todos: *todo, Name: p.T("agenda.calendar_name")})
	}
	return report.WriteAgenda(a.stdout, ag, p, pc.text())
}
