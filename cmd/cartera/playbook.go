package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/review"
)

// The playbook commands: scripts, referrals, holidays, lost deals and
// their plans, lessons, win/loss, incidents and the agenda. Each parses
// its flags, calls package review and prints.

// errShown is returned when a command has already explained its failure
// on standard error: the exit code is 1 and nothing more is printed.
var errShown = errors.New("explained")

// storeCmd is what the pipeline and playbook commands share: the store,
// the day, the output format and the printer in the policy's zone.
type storeCmd struct {
	a      *app
	st     cartera.Store
	p      *i18n.Printer
	asOf   cartera.Date
	format string
	loc    *time.Location
	done   func()
	// asOfGiven is set when --as-of was on the command line: output is
	// then stamped with that day, so that it is reproducible.
	asOfGiven bool
}

// openCmd parses the shared flags (--db, --demo, --lang, --as-of,
// --format among formats) and opens the store; positional is the most
// positional arguments accepted.
func openCmd(ctx context.Context, a *app, fs *flag.FlagSet, args []string, positional int, formats ...string) (*storeCmd, []string, error) {
	var c common
	c.register(fs, true)
	asOfS := fs.String("as-of", "", "")
	format := fs.String("format", "text", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return nil, nil, err
	}
	p := a.printer()
	if len(rest) > positional {
		return nil, nil, &usageError{p.T("cli.unexpected_args", "args", strings.Join(rest[positional:], " "), "command", fs.Name())}
	}
	if len(formats) == 0 {
		formats = []string{"text", "json"}
	}
	ok := false
	for _, f := range formats {
		ok = ok || f == *format
	}
	if !ok {
		return nil, nil, &usageError{p.T("cli.bad_format", "value", *format, "allowed", strings.Join(formats, ", "))}
	}
	loc := cartera.DefaultPolicy().Location()
	asOf, err := parseDay(a, *asOfS, loc)
	if err != nil {
		return nil, nil, err
	}
	st, done, err := a.openStore(ctx, c, asOf)
	if err != nil {
		return nil, nil, err
	}
	pol, err := st.Policy(ctx)
	if err != nil {
		done()
		return nil, nil, err
	}
	pc := &storeCmd{a: a, st: st, p: i18n.New(a.lang, pol.Location()), asOf: asOf, format: *format, loc: pol.Location(),
		done: done}
	fs.Visit(func(f *flag.Flag) { pc.asOfGiven = pc.asOfGiven || f.Name == "as-of" })
	return pc, rest, nil
}

func (pc *storeCmd) text() review.TextOptions { return review.TextOptions{Color: pc.a.useColor()} }

// day reads a date flag, or returns zero when empty.
func (pc *storeCmd) day(s string) (cartera.Date, error) {
	if s == "" {
		return 0, nil
	}
	return parseDay(pc.a, s, pc.loc)
}

// findClient resolves an id or part of a name to one client; an ambiguous
// name lists the candidates.
func findClient(ctx context.Context, st cartera.Store, text string) (cartera.Client, error) {
	found, err := st.FindClients(ctx, text, 10)
	if err != nil {
		return cartera.Client{}, err
	}
	if len(found) == 0 {
		return cartera.Client{}, cartera.NewError(cartera.ENOTFOUND, "cli.client_not_found", "value", text)
	}
	pick := found[0]
	exact := pick.ID == text || cartera.Fold(pick.Name) == cartera.Fold(text)
	if !exact && len(found) > 1 {
		var names []string
		for _, c := range found {
			names = append(names, fmt.Sprintf("%s (%s)", c.Name, c.ID))
		}
		return cartera.Client{}, cartera.NewError(cartera.EINVALID, "cli.client_ambiguous", "value", text, "names", names)
	}
	return pick, nil
}

// yesNo reads a yes/no answer in English or Spanish.
func yesNo(flagName, s string) (bool, error) {
	switch cartera.Fold(strings.TrimSpace(s)) {
	case "yes", "y", "si", "s", "true", "1":
		return true, nil
	case "", "no", "n", "false", "0":
		return false, nil
	}
	return false, cartera.FieldError(flagName, "deal.bad_answer", "value", s)
}

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ", ") }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

func runScript(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "script")
	archetype := fs.String("archetype", "", "")
	sent := fs.Bool("sent", false, "")
	pc, rest, err := openCmd(ctx, a, fs, args, 1, "text", "markdown", "md", "json")
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.script_needs_client")}
	}
	c, err := findClient(ctx, pc.st, rest[0])
	if err != nil {
		return err
	}
	doc, err := review.Script(ctx, pc.st, review.ScriptOptions{ClientID: c.ID, AsOf: pc.asOf,
		Archetype: playbook.Archetype(strings.ReplaceAll(strings.ToLower(*archetype), "-", "_"))}, pc.p)
	if err != nil {
		return err
	}
	if pc.format == "json" {
		if err := writeJSON(a.stdout, review.ScriptJSON(doc, pc.p)); err != nil {
			return err
		}
		if doc.NoMatch {
			return errShown
		}
		return nil
	}
	if doc.NoMatch {
		if err := review.WriteNoMatch(a.stderr, doc, pc.p, review.TextOptions{}); err != nil {
			return err
		}
		return errShown
	}
	if pc.format == "markdown" || pc.format == "md" {
		err = review.WriteScriptMarkdown(a.stdout, doc, pc.p)
	} else {
		err = review.WriteScript(a.stdout, doc, pc.p, pc.text())
	}
	if err != nil || !*sent {
		return err
	}
	if len(doc.Boundaries) == 0 {
		return cartera.NewError(cartera.EINVALID, "cli.sent_needs_boundaries", "name", c.Name)
	}
	t, err := review.ScheduleBoundaryReview(ctx, pc.st, c.ID, pc.asOf)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\n"+pc.p.T("cli.review_scheduled", "date", t.Due, "id", t.ID))
	return nil
}

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
		if len(all) == 0 {
			fmt.Fprintln(a.stdout, p.T("referrals.none"))
			return nil
		}
		last := ""
		for _, r := range all {
			if r.Service != last {
				fmt.Fprintln(a.stdout, r.Service)
				last = r.Service
			}
			var how []string
			for _, s := range []string{r.Contact, r.Email, r.Phone, r.URL} {
				if s != "" {
					how = append(how, s)
				}
			}
			line := "  " + r.Name + " · " + strings.Join(how, " · ") + "  [" + r.ID + "]"
			if r.Note != "" {
				line += "\n    " + r.Note
			}
			fmt.Fprintln(a.stdout, line)
		}
		return nil
	case "add", "nueva", "nuevo":
		if len(rest) > 0 {
			return &usageError{p.T("cli.unexpected_args", "args", strings.Join(rest, " "), "command", "referrals")}
		}
		r := cartera.Referral{ID: *id, Service: *service, Name: *name, Contact: *contact, Email: *email, Phone: *phone, URL: *url,
			Note: *note}
		if r.ID == "" {
			r.ID = review.NewID("REF")
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
		if len(hs) == 0 {
			fmt.Fprintln(a.stdout, p.T("holidays.none"))
		}
		for _, h := range hs {
			fmt.Fprintf(a.stdout, "%s  %s  %s\n", h.Day, pad(p.Weekday(h.Day.Weekday()), 10), h.Name)
		}
		return nil
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

func pad(s string, n int) string {
	if l := len([]rune(s)); l < n {
		return s + strings.Repeat(" ", n-l)
	}
	return s
}

// showPlan prints a lost deal's plan.
func (pc *storeCmd) showPlan(v *review.PlanView, msg string) error {
	if pc.format == "json" {
		return writeJSON(pc.a.stdout, review.PlanJSON(v, pc.p))
	}
	if msg != "" {
		fmt.Fprintln(pc.a.stdout, msg+"\n")
	}
	return review.WritePlan(pc.a.stdout, v, pc.asOf, pc.p, pc.text())
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

func runLessons(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "lessons")
	seller := fs.String("seller", "", "")
	limit := fs.Int("limit", 20, "")
	pc, rest, err := openCmd(ctx, a, fs, args, 100)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) > 0 && (rest[0] == "search" || rest[0] == "buscar") {
		rest = rest[1:]
		if len(rest) == 0 {
			return &usageError{pc.p.T("cli.lessons_needs_text")}
		}
	}
	text := strings.Join(rest, " ")
	hits, err := pc.st.SearchLessons(ctx, cartera.LessonQuery{Text: text, Owner: *seller, Limit: *limit})
	if err != nil {
		return err
	}
	if pc.format == "json" {
		if hits == nil {
			hits = []cartera.LessonHit{}
		}
		return writeJSON(a.stdout, hits)
	}
	return review.WriteLessons(a.stdout, hits, text, pc.p, pc.text())
}

func runWinLoss(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "winloss")
	period := fs.String("period", "quarter", "")
	fromS := fs.String("from", "", "")
	toS := fs.String("to", "", "")
	seller := fs.String("seller", "", "")
	pc, _, err := openCmd(ctx, a, fs, args, 0)
	if err != nil {
		return err
	}
	defer pc.done()
	per, err := playbook.ParsePeriod(*period)
	if err != nil {
		return err
	}
	from, err := pc.day(*fromS)
	if err != nil {
		return err
	}
	to, err := pc.day(*toS)
	if err != nil {
		return err
	}
	if to.IsZero() {
		to = pc.asOf
	}
	if from.IsZero() {
		from = to.AddMonths(-12).AddDays(1)
	}
	if from > to {
		return cartera.FieldError("from", "winloss.from_after_to", "from", from, "to", to)
	}
	w, err := review.WinLoss(ctx, pc.st, review.WinLossOptions{From: from, To: to, Period: per, Owner: *seller})
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, w)
	}
	return review.WriteWinLoss(a.stdout, w, pc.p, pc.text())
}

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
		return writeJSON(a.stdout, review.IncidentJSON(res, p))
	}
	return review.WriteIncident(a.stdout, res, p, pc.text())
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
		return writeJSON(a.stdout, review.AgendaJSON(ag, p))
	case "ics":
		stamp := a.now().UTC().Truncate(time.Second)
		if pc.asOfGiven {
			stamp = pc.asOf.Time(time.UTC) // reproducible: the same day gives the same file
		}
		return review.WriteAgendaICS(a.stdout, ag, p, review.ICSOptions{Stamp: stamp, Todos: *todo, Name: p.T("agenda.calendar_name")})
	}
	return review.WriteAgenda(a.stdout, ag, p, pc.text())
}

// runPlaybookConfig shows or replaces the playbooks' configuration.
func runPlaybookConfig(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "playbook")
	pc, rest, err := openCmd(ctx, a, fs, args, 2)
	if err != nil {
		return err
	}
	defer pc.done()
	action := "show"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	switch action {
	case "show", "ver":
	case "set", "cambiar":
		if len(rest) != 1 {
			return &usageError{pc.p.T("usage.playbook")}
		}
		b, err := os.ReadFile(rest[0])
		if err != nil {
			return cartera.NewError(cartera.EINVALID, "pipeline.cannot_read", "path", rest[0], "reason", err.Error())
		}
		cfg, err := playbook.UnmarshalConfig(b)
		if err != nil {
			return cartera.NewError(cartera.EINVALID, "pipeline.bad_json", "path", rest[0], "reason", err.Error())
		}
		if err := review.SavePlaybookConfig(ctx, pc.st, cfg); err != nil {
			return err
		}
	case "reset":
		if err := review.SavePlaybookConfig(ctx, pc.st, playbook.DefaultConfig()); err != nil {
			return err
		}
	default:
		return &usageError{pc.p.T("usage.playbook")}
	}
	cfg, err := review.PlaybookConfig(ctx, pc.st)
	if err != nil {
		return err
	}
	return writeJSON(a.stdout, cfg)
}
