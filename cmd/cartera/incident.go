package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// cartera incident: log what happened and get the next steps.

// parseAt reads --at: "YYYY-MM-DD HH:MM", "HH:MM" (on the as-of day) or
// a date (at noon); empty is now, or noon of an earlier as-of day.
func (pc *storeCmd) parseAt(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	now := pc.a.now().In(pc.loc)
	if s == "" {
		if pc.asOf == cartera.DateFromTime(now) {
			return now.Truncate(time.Minute), nil
		}
		return pc.asOf.Time(pc.loc).Add(12 * time.Hour), nil
	}
	day, clock := pc.asOf, s
	if d, c, ok := strings.Cut(s, " "); ok {
		dd, err := cartera.ParseDate(d)
		if err != nil {
			return time.Time{}, &usageError{pc.p.T("cli.bad_time", "value", s)}
		}
		day, clock = dd, strings.TrimSpace(c)
	} else if dd, err := cartera.ParseDate(s); err == nil {
		return dd.Time(pc.loc).Add(12 * time.Hour), nil
	}
	m, ok := cartera.ParseClock(clock)
	if !ok {
		return time.Time{}, &usageError{pc.p.T("cli.bad_time", "value", s)}
	}
	return day.Time(pc.loc).Add(time.Duration(m) * time.Minute), nil
}

func runIncident(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "incident")
	kind := fs.String("kind", "", "")
	severity := fs.String("severity", "", "")
	contact := fs.String("contact", "", "")
	note := fs.String("note", "", "")
	atS := fs.String("at", "", "")
	followS := fs.String("follow-up", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	p := pc.p
	if len(rest) != 1 {
		return &usageError{p.T("cli.incident_needs_client")}
	}
	k := cartera.IncidentKind(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(*kind)), "-", "_"))
	if !k.Valid() {
		var kinds []string
		for _, x := range cartera.IncidentKinds {
			kinds = append(kinds, string(x))
		}
		return &usageError{p.T("cli.bad_kind", "value", *kind, "kinds", strings.Join(kinds, ", "))}
	}
	sev, err := strconv.Atoi(strings.TrimSpace(*severity))
	if err != nil || sev < cartera.MinSeverity || sev > cartera.MaxSeverity {
		return &usageError{p.T("cli.bad_severity", "value", *severity)}
	}
	c, err := findClient(ctx, pc.st, rest[0])
	if err != nil {
		return err
	}
	contactID := ""
	if *contact != "" {
		if contactID, err = findContact(ctx, pc.st, c, *contact); err != nil {
			return err
		}
	}
	at, err := pc.parseAt(*atS)
	if err != nil {
		return err
	}
	follow, err := pc.day(*followS)
	if err != nil {
		return err
	}
	res, err := review.LogIncident(ctx, pc.st, review.IncidentInput{ClientID: c.ID, ContactID: contactID, Kind: k, Severity: sev,
		Note: *note, At: at, AsOf: pc.asOf, FollowUp: follow})
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, report.IncidentJSON(res, p))
	}
	return report.WriteIncident(a.stdout, res, p, pc.text())
}

// findContact resolves a contact of the client by id or part of the name.
func findContact(ctx context.Context, st cartera.Store, c cartera.Client, text string) (string, error) {
	contacts, err := st.Contacts(ctx, c.ID)
	if err != nil {
		return "", err
	}
	var matches []cartera.Contact
	for _, x := range contacts {
		if x.ID == text {
			return x.ID, nil
		}
		if strings.Contains(cartera.Fold(x.Name), cartera.Fold(strings.TrimSpace(text))) {
			matches = append(matches, x)
		}
	}
	if len(matches) == 1 {
		return matches[0].ID, nil
	}
	var names []string
	for _, x := range contacts {
		names = append(names, fmt.Sprintf("%s (%s)", x.Name, x.ID))
	}
	if len(matches) == 0 {
		return "", cartera.NewError(cartera.ENOTFOUND, "cli.contact_not_found", "value", text, "client", c.Name, "names", names)
	}
	return "", cartera.NewError(cartera.EINVALID, "cli.contact_ambiguous", "value", text, "names", names)
}
