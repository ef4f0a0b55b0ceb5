package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/ical"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/review"
)

// taskMark shows a task's state at a glance.
func taskMark(t cartera.Task, asOf cartera.Date) string {
	switch {
	case t.Status == cartera.TaskDone:
		return "✓"
	case t.Status == cartera.TaskSnoozed && t.Day() > asOf:
		return "z"
	case t.Day() < asOf:
		return "!"
	}
	return "○"
}

// WritePlan renders a lost deal's plan.
func WritePlan(w io.Writer, v *review.PlanView, asOf cartera.Date, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	d := v.Deal
	t.printf("%s\n", t.wrap(t.paint(ansiBold, p.T("plan.title", "deal", d.Name(), "id", d.ID)), 0))
	facts := []string{}
	if d.Owner != "" {
		facts = append(facts, d.Owner)
	}
	facts = append(facts, p.T("plan.lost_on", "date", d.Closed), p.Money(d.Value))
	if d.LostReason != "" {
		facts = append(facts, p.T("plan.reason", "reason", d.LostReason))
	}
	if d.Competitor != "" {
		facts = append(facts, p.T("plan.competitor", "name", d.Competitor))
	}
	t.printf("%s\n", t.wrap(strings.Join(facts, " · "), 0))

	t.heading(p.T("plan.tasks"), len(v.Tasks), "")
	for _, task := range v.Tasks {
		line := fmt.Sprintf("  %s %s  %s", taskMark(task, asOf), pad(p.Date(task.Day()), 12), p.T("task.kind."+string(task.Kind)))
		if task.Status == cartera.TaskDone {
			line += t.paint(ansiDim, " · "+p.T("plan.done_on", "date", task.DoneOn))
		}
		t.printf("%s\n", t.wrap(line, 17))
		t.printf("%s\n", t.wrap(t.paint(ansiDim, "                 "+p.T("agenda.detail."+string(task.Kind))), 17))
	}

	t.heading(p.T("plan.checklist"), -1, "")
	for i, it := range v.Checklist {
		answer := ""
		if r := v.Reconnect; r != nil {
			answer = checklistAnswer(p, it.ID, r)
		}
		line := fmt.Sprintf("  %d. %s", i+1, p.Msg(it.Question))
		if answer != "" {
			line += " " + t.paint(ansiBold, answer)
		}
		t.printf("%s\n", t.wrap(line, 5))
		if v.Reconnect == nil {
			t.printf("%s\n", t.wrap(t.paint(ansiDim, "     "+p.Msg(it.Hint)), 5))
		}
	}
	if r := v.Reconnect; r != nil {
		t.printf("%s\n", t.wrap(t.paint(ansiDim, "  "+p.T("plan.called_on", "date", r.Day)), 2))
		if r.ReallyNo == cartera.No {
			t.printf("%s\n", t.wrap("  "+p.T("plan.not_really_no"), 2))
		}
	}

	t.heading(p.T("plan.debrief"), -1, "")
	if db := v.Debrief; db != nil {
		t.printf("%s\n", t.wrap(t.paint(ansiDim, "  "+p.T("plan.debrief_on", "date", db.Day)), 2))
		if db.Happened != "" {
			t.printf("%s\n", t.wrap("  "+p.T("plan.happened", "text", db.Happened), 4))
		}
		if db.Better != "" {
			t.printf("%s\n", t.wrap("  "+p.T("plan.better", "text", db.Better), 4))
		}
		for _, l := range db.Lessons {
			t.printf("%s\n", t.wrap("  • "+lessonLine(p, l), 4))
		}
	} else {
		for _, m := range v.Prompts {
			t.printf("%s\n", t.wrap("  • "+p.Msg(m), 4))
		}
	}

	t.heading(p.T("plan.restart"), -1, "")
	if len(v.Restart.Changes) > 0 {
		t.printf("  %s\n", p.T("plan.changes"))
		for _, c := range v.Restart.Changes {
			t.printf("%s\n", t.wrap("    • "+c, 6))
		}
	} else {
		t.printf("%s\n", t.wrap("  "+p.T("plan.no_changes"), 2))
	}
	if len(v.Restart.Prospects) > 0 {
		t.printf("  %s\n", p.T("plan.prospects"))
		for _, x := range v.Restart.Prospects {
			line := "    • " + x.Name + " (" + x.DealID + ") · " + x.Owner + " · " + p.Value(x.Stage) + " · " + p.Money(x.Value) +
				" · " + p.T("plan.grounded", "pct", x.P)
			if x.Stale {
				line += " · " + p.T("plan.stale")
			}
			t.printf("%s\n", t.wrap(line, 8))
		}
	} else {
		t.printf("%s\n", t.wrap("  "+p.T("plan.no_prospects"), 2))
	}
	return t.err
}

func lessonLine(p *i18n.Printer, l cartera.Lesson) string {
	s := l.Text
	if l.Topic != "" {
		s = l.Topic + ": " + s
	}
	if l.Change != "" {
		s += " → " + p.T("plan.change", "text", l.Change)
	}
	return s
}

func checklistAnswer(p *i18n.Printer, id string, r *cartera.Reconnect) string {
	yesNo := func(b bool) string {
		if b {
			return p.T("answer.yes")
		}
		return p.T("answer.no")
	}
	switch id {
	case "really_no":
		return p.T("answer." + string(r.ReallyNo))
	case "respected":
		return yesNo(r.Respected)
	case "competitor_won":
		return p.T("answer." + string(r.CompetitorWon))
	case "competitor":
		return r.Competitor
	case "suggestions":
		return r.Suggestions
	case "door_open":
		return yesNo(r.DoorOpen)
	}
	return ""
}

// WriteLessons renders lesson search results, marking the words found.
func WriteLessons(w io.Writer, hits []cartera.LessonHit, query string, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	if query == "" {
		t.printf("%s\n", t.paint(ansiBold, p.T("lessons.latest", "n", len(hits))))
	} else {
		t.printf("%s\n", t.paint(ansiBold, p.T("lessons.found", "n", len(hits), "query", query)))
	}
	if len(hits) == 0 && query != "" {
		t.printf("%s\n", t.wrap(p.T("lessons.none"), 0))
	}
	for _, h := range hits {
		meta := []string{h.Deal + " (" + h.DealID + ")"}
		if h.Owner != "" {
			meta = append(meta, h.Owner)
		}
		meta = append(meta, p.Date(h.Day))
		if h.Topic != "" {
			meta = append(meta, h.Topic)
		}
		t.printf("\n%s\n", t.wrap(t.paint(ansiDim, strings.Join(meta, " · ")), 2))
		t.printf("%s\n", t.wrap("  "+t.mark(h.Text, query), 2))
		if h.Change != "" {
			t.printf("%s\n", t.wrap("  → "+t.mark(p.T("plan.change", "text", h.Change), query), 4))
		}
	}
	return t.err
}

// mark makes the words a search matched bold (with colour on).
func (t *textWriter) mark(text, query string) string {
	if !t.color || query == "" {
		return text
	}
	var b strings.Builder
	last := 0
	for _, r := range playbook.Highlights(text, query) {
		b.WriteString(text[last:r[0]])
		b.WriteString(t.paint(ansiBold, text[r[0]:r[1]]))
		last = r[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

func moneyList(p *i18n.Printer, ms []cartera.Money) string {
	if len(ms) == 0 {
		return p.Money(cartera.Money{Currency: "EUR"})
	}
	var out []string
	for _, m := range ms {
		out = append(out, p.Money(m))
	}
	return strings.Join(out, " + ")
}

// WriteWinLoss renders a win/loss analysis.
func WriteWinLoss(w io.Writer, wl *playbook.WinLoss, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	t.printf("%s\n", t.wrap(t.paint(ansiBold, p.T("winloss.title", "from", wl.From, "to", wl.To, "period", p.T("winloss.by."+string(wl.Period)))), 0))
	t.printf("%s\n", t.wrap(p.T("winloss.totals", "won", wl.Won, "won_value", moneyList(p, wl.WonValue), "lost", wl.Lost,
		"lost_value", moneyList(p, wl.LostValue), "rate", wl.WinRate), 0))
	if wl.Won+wl.Lost == 0 {
		t.printf("\n%s\n", t.wrap(p.T("winloss.empty"), 0))
		return t.err
	}
	t.heading(p.T("winloss.periods"), len(wl.Periods), "")
	for _, ps := range wl.Periods {
		t.outcomes(WinLossPeriod(p, wl.Period, ps.Start), ps.Outcomes)
	}
	t.heading(p.T("winloss.reasons"), len(wl.Reasons), "")
	for _, r := range wl.Reasons {
		label := r.Label
		if label == "" {
			label = p.T("winloss.no_reason")
		}
		t.printf("  %s %s %s  %s\n", pad(clip(label, 32), 32), lpad(p.Int(int64(r.Deals)), 4), lpad(p.Percent(r.Share), 7),
			moneyList(p, r.Value))
	}
	t.heading(p.T("winloss.competitors"), len(wl.Competitors), "")
	if len(wl.Competitors) == 0 {
		t.printf("%s\n", t.wrap("  "+p.T("winloss.no_competitors"), 2))
	}
	for _, r := range wl.Competitors {
		t.printf("  %s %s %s  %s\n", pad(clip(r.Label, 32), 32), lpad(p.Int(int64(r.Deals)), 4), lpad(p.Percent(r.Share), 7),
			moneyList(p, r.Value))
	}
	t.heading(p.T("winloss.topics"), len(wl.Topics), "")
	if len(wl.Topics) == 0 {
		t.printf("%s\n", t.wrap("  "+p.T("winloss.no_topics"), 2))
	}
	for _, tp := range wl.Topics {
		t.printf("%s\n", t.wrap("  "+t.paint(ansiBold, tp.Topic)+" · "+p.T("winloss.topic_line", "n", tp.Deals, "last", tp.Last), 4))
		t.printf("%s\n", t.wrap("    "+t.paint(ansiDim, p.T("script.quote", "text", tp.Text)), 4))
	}
	t.heading(p.T("winloss.sellers"), len(wl.Sellers), "")
	for _, s := range wl.Sellers {
		name := s.Owner
		if name == "" {
			name = p.T("forecast.no_seller")
		}
		t.outcomes(name, s.Outcomes)
	}
	return t.err
}

// outcomes writes a labelled line of won and lost deals, with the main
// reason and winner below it.
func (t *textWriter) outcomes(label string, o playbook.Outcomes) {
	p := t.p
	t.printf("%s\n", t.wrap("  "+t.paint(ansiBold, label)+"  "+p.T("winloss.line", "won", o.Won, "lost", o.Lost, "rate", o.WinRate), 4))
	var more []string
	if o.TopReason != "" {
		more = append(more, p.T("winloss.top_reason", "reason", o.TopReason))
	}
	if o.TopCompetitor != "" {
		more = append(more, p.T("winloss.top_competitor", "name", o.TopCompetitor))
	}
	if len(more) > 0 {
		t.printf("%s\n", t.wrap(t.paint(ansiDim, "    "+strings.Join(more, " · ")), 4))
	}
}

// WriteIncident renders a logged incident and what to do next.
func WriteIncident(w io.Writer, r *review.IncidentResult, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	in := r.Incident
	t.printf("%s\n", t.wrap(t.paint(ansiBold, p.T("incident.logged", "kind", in.Kind, "n", in.Severity, "client", r.Client.Name)), 0))
	b, a := r.Before, r.After
	t.printf("%s\n", t.wrap(p.T("incident.assessment", "before", tenths(b.Relational.Score), "after", tenths(a.Relational.Score),
		"level", string(a.Relational.Level), "verdict", a.Verdict), 0))
	if a.Verdict != b.Verdict {
		t.printf("%s\n", t.wrap(t.paint(ansiBold, p.T("incident.verdict_changed", "before", b.Verdict, "after", a.Verdict)), 0))
	}
	if g := r.Guide; g != nil {
		t.printf("\n%s\n", t.wrap(p.T("incident.guide_intro"), 0))
		index := map[string]int{}
		for i, s := range g.Steps {
			index[s.ID] = i + 1
		}
		for i, s := range g.Steps {
			t.heading(fmt.Sprintf("%d. %s", i+1, strings.ToUpper(p.Msg(s.Title))), -1, "")
			for _, l := range s.Lines {
				t.printf("%s\n", t.wrap("  » "+p.T("script.quote", "text", p.Msg(l)), 4))
			}
			for _, tip := range s.Tips {
				t.printf("%s\n", t.wrap(t.paint(ansiDim, "  · "+p.Msg(tip)), 4))
			}
			for _, c := range s.Choices {
				if c.Next == "" {
					continue
				}
				t.printf("%s\n", t.wrap("  → "+p.T("incident.choice", "label", p.Msg(c.Label), "step", index[c.Next]), 4))
			}
		}
	}
	if r.Next != nil {
		t.printf("\n%s\n", t.wrap("→ "+p.Msg(*r.Next), 2))
	}
	if lp := r.Listen; lp != nil {
		writeListen(t, lp, p)
	}
	return t.err
}

func writeListen(t *textWriter, lp *playbook.ListenPlan, p *i18n.Printer) {
	t.printf("\n%s\n", t.wrap("→ "+p.Msg(playbook.Next(cartera.KindNotListening)), 2))
	t.heading(p.T("listen.follow_up"), -1, "")
	t.printf("%s\n", t.wrap("  "+p.T("listen.follow_up_on", "date", lp.FollowUp.Due, "id", lp.FollowUp.ID), 2))
	o := lp.Offer
	t.heading(p.T("listen.offer", "month", o.Month), -1, "")
	t.printf("%s\n", t.wrap("  "+p.T("listen.discount", "room", o.DiscountRoom, "max", o.DiscountMax, "given", o.DiscountGiven,
		"cost", o.DiscountCost, "base", o.DiscountBase), 4))
	t.printf("%s\n", t.wrap("  "+p.T("listen.free_hours", "room", o.FreeHoursRoom, "max", o.FreeHoursMax, "given", o.FreeHoursGiven,
		"cost", o.FreeHoursCost), 4))
	t.printf("%s\n", t.wrap("  "+p.T("listen.cost", "cost", o.TotalCost, "before", o.MonthlyMargin, "after", o.MarginAfter,
		"pct", o.MarginPctAfter), 4))
	if o.Exhausted {
		t.printf("%s\n", t.wrap("  "+p.T("listen.exhausted"), 2))
	}
	t.heading(p.T("listen.interlocutor"), -1, "")
	t.printf("%s\n", t.wrap("  "+p.Msg(lp.Interlocutor.Reason), 2))
	t.heading(p.T("listen.framing"), -1, "")
	t.printf("  %s\n", t.paint(ansiBold, p.T("listen.keep")))
	for _, m := range lp.Framing.Keep {
		t.printf("%s\n", t.wrap("    • "+p.Msg(m), 6))
	}
	t.printf("  %s\n", t.paint(ansiBold, p.T("listen.hold")))
	for _, m := range lp.Framing.Hold {
		t.printf("%s\n", t.wrap("    • "+p.Msg(m), 6))
	}
	t.printf("%s\n", t.wrap("  → "+p.Msg(lp.Framing.Lean), 4))
}

// WriteAgenda renders the agenda, late first.
func WriteAgenda(w io.Writer, a *playbook.Agenda, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	t.printf("%s\n", t.wrap(t.paint(ansiBold, p.T("agenda.title", "date", a.AsOf, "until", a.Until)), 0))
	t.printf("%s\n", t.wrap(p.T("agenda.counts", "late", a.Late, "today", a.Today, "later", a.Later), 0))
	if len(a.Items) == 0 {
		t.printf("\n%s\n", t.wrap(p.T("agenda.empty"), 0))
		return t.err
	}
	groups := []struct {
		key   string
		n     int
		color string
		keep  func(playbook.Item) bool
	}{
		{"agenda.late", a.Late, ansiRed, func(it playbook.Item) bool { return it.Status != cartera.TaskDone && it.Late > 0 }},
		{"agenda.today", a.Today, ansiYellow, func(it playbook.Item) bool {
			return it.Status != cartera.TaskDone && it.Late == 0 && it.Day() == a.AsOf
		}},
		{"agenda.later", a.Later, "", func(it playbook.Item) bool { return it.Status != cartera.TaskDone && it.Day() > a.AsOf }},
		{"agenda.done", -1, ansiGreen, func(it playbook.Item) bool { return it.Status == cartera.TaskDone }},
	}
	for _, g := range groups {
		var items []playbook.Item
		for _, it := range a.Items {
			if g.keep(it) {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			continue
		}
		t.heading(p.T(g.key), len(items), g.color)
		for _, it := range items {
			when := p.Date(it.Day())
			if it.Late > 0 {
				when += " · " + p.T("agenda.days_late", "n", it.Late)
			}
			owner := ""
			if it.Owner != "" {
				owner = " · " + it.Owner
			}
			t.printf("%s\n", t.wrap("  "+taskMark(it.Task, a.AsOf)+" "+t.paint(ansiBold, p.Msg(it.Title))+owner, 4))
			t.printf("%s\n", t.wrap(t.paint(ansiDim, "    "+when+" · "+it.ID), 4))
			for _, d := range it.Detail {
				t.printf("%s\n", t.wrap("    "+p.Msg(d), 4))
			}
		}
	}
	return t.err
}

// AgendaItemOut is the JSON form of an agenda entry.
type AgendaItemOut struct {
	cartera.Task
	Day     cartera.Date `json:"day"`
	Subject string       `json:"subject"`
	Title   string       `json:"title"`
	Detail  []string     `json:"detail"`
	Late    int          `json:"days_late"`
	Derived bool         `json:"derived"`
}

// AgendaOut is the JSON form of an agenda.
type AgendaOut struct {
	AsOf  cartera.Date    `json:"as_of"`
	Until cartera.Date    `json:"until"`
	Late  int             `json:"late"`
	Today int             `json:"today"`
	Later int             `json:"later"`
	Items []AgendaItemOut `json:"items"`
}

// AgendaJSON converts an agenda for JSON output.
func AgendaJSON(a *playbook.Agenda, p *i18n.Printer) AgendaOut {
	out := AgendaOut{AsOf: a.AsOf, Until: a.Until, Late: a.Late, Today: a.Today, Later: a.Later, Items: []AgendaItemOut{}}
	for _, it := range a.Items {
		x := AgendaItemOut{Task: it.Task, Day: it.Day(), Subject: it.Subject, Title: p.Msg(it.Title), Detail: []string{},
			Late: it.Late, Derived: it.Derived}
		for _, d := range it.Detail {
			x.Detail = append(x.Detail, p.Msg(d))
		}
		out.Items = append(out.Items, x)
	}
	return out
}

// ICSOptions shape an agenda's iCalendar form.
type ICSOptions struct {
	// Stamp is when the calendar is produced (DTSTAMP), in UTC.
	Stamp time.Time
	// Todos writes VTODO components (tasks with a due day and a state);
	// otherwise all-day VEVENTs, which every calendar app that subscribes
	// to a feed shows (many ignore VTODO).
	Todos bool
	// Name is the calendar's name in calendar apps.
	Name string
}

// WriteAgendaICS writes the agenda as an iCalendar document. Each entry's
// UID is its task id, so re-importing or polling updates entries instead
// of duplicating them; SEQUENCE follows the task's version.
func WriteAgendaICS(w io.Writer, a *playbook.Agenda, p *i18n.Printer, o ICSOptions) error {
	cal := &ical.Calendar{ProdID: "-//cartera//agenda//" + strings.ToUpper(string(p.Lang)), Name: o.Name, Refresh: time.Hour}
	items := append([]playbook.Item(nil), a.Items...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	for _, it := range items {
		if !o.Todos && it.Status == cartera.TaskDone {
			continue
		}
		var desc []string
		for _, d := range it.Detail {
			desc = append(desc, p.Msg(d))
		}
		if it.Owner != "" {
			desc = append(desc, p.T("agenda.ics_owner", "name", it.Owner))
		}
		props := []ical.Prop{ical.Text("UID", it.ID+"@cartera"), ical.UTC("DTSTAMP", o.Stamp),
			ical.Text("SUMMARY", p.Msg(it.Title)), ical.Text("DESCRIPTION", strings.Join(desc, "\n")),
			ical.Text("CATEGORIES", p.T("task.kind."+string(it.Kind))), ical.Raw("SEQUENCE", fmt.Sprint(it.Version))}
		if o.Todos {
			props = append(props, ical.Date("DUE", it.Day()))
			if it.Status == cartera.TaskDone {
				props = append(props, ical.Raw("STATUS", "COMPLETED"), ical.UTC("COMPLETED", it.DoneOn.Time(time.UTC)),
					ical.Raw("PERCENT-COMPLETE", "100"))
			} else {
				props = append(props, ical.Raw("STATUS", "NEEDS-ACTION"))
			}
			cal.Components = append(cal.Components, ical.Component{Name: "VTODO", Props: props})
			continue
		}
		props = append(props, ical.Date("DTSTART", it.Day()), ical.Date("DTEND", it.Day().AddDays(1)),
			ical.Raw("TRANSP", "TRANSPARENT"), ical.Raw("STATUS", "CONFIRMED"))
		cal.Components = append(cal.Components, ical.Component{Name: "VEVENT", Props: props})
	}
	return cal.Encode(w)
}
