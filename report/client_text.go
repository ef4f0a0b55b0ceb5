package report

import (
	"io"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/i18n"
)

// WriteClient renders one client's assessment in full: every figure, every
// reason, every red line.
func WriteClient(w io.Writer, a *assess.Assessment, contacts []cartera.Contact, p *i18n.Printer, o TextOptions) error {
	if o.Width <= 0 {
		o.Width = 80
	}
	t := &textWriter{w: w, p: p, o: o, color: o.Color}
	c := a.Client
	t.printf("%s\n", t.paint(ansiBold, c.Name))
	var sub []string
	sub = append(sub, c.ID)
	if c.Owner != "" {
		sub = append(sub, p.T("detail.owner", "name", c.Owner))
	}
	if c.Service != "" {
		sub = append(sub, c.Service)
	}
	if c.FamilyFriend {
		sub = append(sub, p.T("detail.family_friend"))
	}
	t.printf("%s\n", t.wrap(strings.Join(sub, " · "), 0))
	t.printf("%s\n", p.T("detail.window", "from", a.From.AddDays(1), "to", a.AsOf))

	t.heading(strings.ToUpper(p.T("detail.verdict")), -1, verdictColor[a.Verdict])
	t.printf("%s\n", t.paint(ansiBold+verdictColor[a.Verdict], p.T("verdict."+string(a.Verdict))))
	for _, r := range a.Reasons {
		t.printf("%s\n", t.wrap("  • "+p.Msg(r), 4))
	}
	if script := InterlocutorScript(a); len(script) > 0 {
		t.heading(strings.ToUpper(p.T("interlocutor_script.title")), -1, "")
		for _, m := range script {
			t.printf("%s\n", t.wrap("  "+p.Msg(m), 4))
		}
	}
	if len(a.Change) > 0 {
		t.heading(strings.ToUpper(p.T("detail.change")), -1, "")
		for _, m := range a.Change {
			t.printf("%s\n", t.wrap("  → "+p.Msg(m), 4))
		}
	}
	if len(a.Watch) > 0 {
		t.heading(strings.ToUpper(p.T("detail.watch")), len(a.Watch), "")
		for _, m := range a.Watch {
			t.printf("%s\n", t.wrap("  ◦ "+p.Msg(m), 4))
		}
	}

	e := a.Economic
	t.heading(strings.ToUpper(p.T("detail.economic")), -1, "")
	t.pair(p.T("review.revenue"), p.Money(e.Revenue), p.T("detail.hours_cost"), p.Money(e.HoursCost))
	t.pair(p.T("review.concessions"), p.Money(e.Concessions), p.T("review.cost"), p.Money(e.CostToServe))
	margin := p.Money(e.Margin)
	if e.HasRevenue {
		margin += " (" + p.Percent(e.MarginPct) + ")"
	}
	t.pair(p.T("review.margin"), margin, p.T("detail.rate"), p.T("detail.per_hour", "rate", e.EffectiveRate))
	t.pair(p.T("review.hours"), p.Hours(e.Hours), p.T("detail.billable"), p.Hours(e.BillableHours))

	pm := a.Payment
	t.heading(strings.ToUpper(p.T("detail.payment")), -1, "")
	t.printf("%s\n", t.wrap("  "+p.T("detail.payment_line", "n", pm.InvoicesDue, "late", pm.Late, "over", pm.OverLimit,
		"avg", pm.AvgDaysLate, "worst", pm.WorstDaysLate), 2))
	t.printf("%s\n", t.wrap("  "+p.T("detail.overdue_line", "amount", pm.OverdueAmount, "n", pm.OverdueCount,
		"risk", string(pm.Risk)), 2))

	r := a.Relational
	t.heading(strings.ToUpper(p.T("detail.relational")), -1, "")
	t.printf("%s\n", t.wrap("  "+p.T("detail.relational_line", "score", tenths(r.Score), "level", string(r.Level),
		"n", r.Incidents, "abuse", r.Abuse, "recent", r.Recent, "prior", r.Prior), 2))
	for _, k := range cartera.IncidentKinds {
		if n := r.ByKind[k]; n > 0 {
			t.printf("    %s: %s\n", p.T("kind."+string(k)), p.Int(int64(n)))
		}
	}
	for _, m := range r.Escalation {
		t.printf("%s\n", t.wrap("  ↗ "+p.Msg(m), 4))
	}

	t.heading(strings.ToUpper(p.T("review.breaches")), len(a.Breaches), "")
	if len(a.Breaches) == 0 {
		t.printf("  %s\n", p.T("detail.no_breaches"))
	}
	for _, b := range a.Breaches {
		t.printf("%s\n", t.wrap("  ✗ "+p.Msg(b), 4))
	}

	if len(contacts) > 0 {
		t.heading(strings.ToUpper(p.T("detail.contacts")), len(contacts), "")
		for _, ct := range contacts {
			line := "  " + ct.Name
			if ct.Role != "" {
				line += " · " + ct.Role
			}
			line += " · " + p.T("seniority."+itoa(int(ct.Seniority)))
			t.printf("%s\n", t.wrap(line, 4))
		}
	}
	return t.err
}

func itoa(n int) string {
	return strings.TrimSpace(cartera.FormatDecimal(int64(n), 0, '.'))
}

// InterlocutorScript is what to say when the abuse comes from one person:
// ask the client for another interlocutor, about how to go on rather than
// about what happened, with the line one is tempted to say and the one to
// say instead. Empty unless the verdict proposes changing the interlocutor.
func InterlocutorScript(a *assess.Assessment) []cartera.Message {
	for _, r := range a.Reasons {
		if r.Key != "reason.abuse_one_contact" {
			continue
		}
		who, _ := r.Get("contact")
		kv := []any{"client", a.Client.Name, "contact", who}
		return []cartera.Message{
			cartera.M("interlocutor_script.open", kv...),
			cartera.M("interlocutor_script.ask", kv...),
			cartera.M("interlocutor_script.not_the_past", kv...),
			cartera.M("interlocutor_script.exit", kv...),
			cartera.M("interlocutor_script.tempted", kv...),
			cartera.M("interlocutor_script.instead", kv...),
		}
	}
	return nil
}
