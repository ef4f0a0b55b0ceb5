package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/report"
)

// cartera referrals and cartera holidays: the providers you recommend and
// the days off the agenda skips.

func runReferrals(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "referrals")
	id := fs.String("id", "", "")
	service := fs.String("service", "", "")
	name := fs.String("name", "", "")
	contact := fs.String("contact", "", "")
	email := fs.String("email", "", "")
	phone := fs.String("phone", "", "")
	url := fs.String("url", "", "")
	note := fs.String("note", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 2)
	if err != nil {
		return err
	}
	defer pc.done()
	p := pc.p
	action := "list"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	switch action {
	case "list", "ver":
		all, err := pc.st.Referrals(ctx)
		if err != nil {
			return err
		}
		if *service != "" {
			all = playbook.MatchReferrals(*service, all)
		}
		if pc.format == "json" {
			if all == nil {
				all = []cartera.Referral{}
			}
			return writeJSON(a.stdout, all)
		}
		return report.WriteReferrals(a.stdout, all, p)
	case "add", "nueva", "nuevo":
		if len(rest) > 0 {
			return &usageError{p.T("cli.unexpected_args", "args", strings.Join(rest, " "), "command", "referrals")}
		}
		r := cartera.Referral{ID: *id, Service: *service, Name: *name, Contact: *contact, Email: *email, Phone: *phone, URL: *url,
			Note: *note}
		if r.ID == "" {
			r.ID = cartera.NewID("REF")
		}
		saved, err := pc.st.SaveReferral(ctx, r)
		if err != nil {
			return err
		}
		if pc.format == "json" {
			return writeJSON(a.stdout, saved)
		}
		fmt.Fprintln(a.stdout, p.T("referrals.added", "name", saved.Name, "service", saved.Service, "id", saved.ID))
		return nil
	case "remove", "rm", "borrar":
		if len(rest) != 1 {
			return &usageError{p.T("cli.referral_needs_id")}
		}
		if err := pc.st.DeleteReferral(ctx, rest[0], 0); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("referrals.removed", "id", rest[0]))
		return nil
	}
	return &usageError{p.T("usage.referrals")}
}

func runHolidays(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "holidays")
	name := fs.String("name", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 2)
	if err != nil {
		return err
	}
	defer pc.done()
	p := pc.p
	action := "list"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	switch action {
	case "list", "ver":
		hs, err := pc.st.Holidays(ctx)
		if err != nil {
			return err
		}
		if pc.format == "json" {
			if hs == nil {
				hs = []cartera.Holiday{}
			}
			return writeJSON(a.stdout, hs)
		}
		return report.WriteHolidays(a.stdout, hs, p)
	case "add", "nuevo", "remove", "rm", "borrar":
		if len(rest) != 1 {
			return &usageError{p.T("cli.holiday_needs_date")}
		}
		d, err := parseDay(a, rest[0], pc.loc)
		if err != nil {
			return err
		}
		if action == "add" || action == "nuevo" {
			if err := pc.st.SaveHoliday(ctx, cartera.Holiday{Day: d, Name: *name}); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, p.T("holidays.added", "date", d))
			return nil
		}
		if err := pc.st.DeleteHoliday(ctx, d); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("holidays.removed", "date", d))
		return nil
	}
	return &usageError{p.T("usage.holidays")}
}
