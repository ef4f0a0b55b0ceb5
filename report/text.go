package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// TextOptions shape the terminal report.
type TextOptions struct {
	Width int  // columns; 80 when zero
	Color bool // ANSI colours (only on a terminal, never with NO_COLOR)
	// ReasonsPerClient caps the reasons shown under each client.
	ReasonsPerClient int
}

type textWriter struct {
	w     io.Writer
	p     *i18n.Printer
	o     TextOptions
	err   error
	color bool
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

var verdictColor = map[cartera.Verdict]string{
	cartera.VerdictEnd: "\x1b[31m", cartera.VerdictRenegotiate: "\x1b[33m",
	cartera.VerdictBoundaries: "\x1b[36m", cartera.VerdictKeep: "\x1b[32m",
}

func (t *textWriter) paint(code, s string) string {
	if !t.color || code == "" {
		return s
	}
	return code + s + ansiReset
}

// WriteText renders a portfolio review for an 80-column terminal.
func WriteText(w io.Writer, r *review.Result, p *i18n.Printer, o TextOptions) error {
	if o.Width <= 0 {
		o.Width = 80
	}
	if o.ReasonsPerClient <= 0 {
		o.ReasonsPerClient = 3
	}
	t := &textWriter{w: w, p: p, o: o, color: o.Color}
	pf := r.Portfolio
	t.printf("%s\n", t.paint(ansiBold, p.T("review.title", "date", r.Query.AsOf)))
	t.printf("%s\n\n", p.T("review.subtitle", "n", pf.Clients, "from", r.Query.From.AddDays(1), "to", r.Query.AsOf, "months", r.Policy.WindowMonths))
	if pf.Clients == 0 {
		t.printf("%s\n", t.wrap(p.T("review.empty"), 0))
		return t.err
	}
	for _, tot := range pf.Totals {
		if len(pf.Totals) > 1 {
			t.printf("%s\n", t.paint(ansiDim, p.T("review.currency_group", "currency", string(tot.Currency), "n", tot.Clients)))
		}
		t.pair(p.T("review.revenue"), p.Money(tot.Revenue), p.T("review.cost"), p.Money(tot.CostToServe))
		pct := ""
		if tot.Revenue.Amount > 0 {
			pct = " (" + p.Percent(cartera.Ratio(tot.Margin.Amount, tot.Revenue.Amount)) + ")"
		}
		t.pair(p.T("review.margin"), p.Money(tot.Margin)+pct, p.T("review.overdue"), p.Money(tot.Overdue))
		t.pair(p.T("review.hours"), p.Hours(tot.Hours), p.T("review.concessions"), p.Money(tot.Concessions))
	}
	var counts []string
	for _, v := range cartera.Verdicts {
		counts = append(counts, t.paint(verdictColor[v], fmt.Sprintf("%s %s", p.T("verdict."+string(v)), p.Int(int64(pf.ByVerdict[v])))))
	}
	t.printf("\n  %s\n", strings.Join(counts, " · "))

	for _, g := range r.Groups {
		if g.Total == 0 {
			continue
		}
		t.heading(strings.ToUpper(p.T("verdict."+string(g.Verdict))), g.Total, verdictColor[g.Verdict])
		for i := range g.Clients {
			t.client(&g.Clients[i], o.ReasonsPerClient)
		}
		if more := g.Total - len(g.Clients); more > 0 {
			t.printf("  %s\n", t.paint(ansiDim, p.T("review.more", "n", more, "verdict", string(g.Verdict))))
		}
	}

	if r.BreachedTotal > 0 {
		t.heading(strings.ToUpper(p.T("review.breaches")), r.BreachedTotal, "")
		for i := range r.Breached {
			a := &r.Breached[i]
			t.printf("%s\n", t.paint(ansiBold, a.Client.Name))
			for _, b := range a.Breaches {
				t.printf("%s\n", t.wrap("  ✗ "+p.Msg(b), 4))
			}
		}
		if more := r.BreachedTotal - len(r.Breached); more > 0 {
			t.printf("  %s\n", t.paint(ansiDim, p.T("review.more_breaches", "n", more)))
		}
	}

	at := pf.Attention
	t.heading(strings.ToUpper(p.T("review.attention")), -1, "")
	t.printf("%s\n", t.wrap(p.Msg(at.Finding), 0))
	if len(at.Pampered) > 0 {
		t.printf("\n%s\n", p.T("review.pampered", "n", at.PamperedCount))
		for _, s := range at.Pampered {
			t.printf("%s\n", t.wrap("  • "+p.T("review.standing", "name", s.Name, "concessions", s.ConcessionsShare, "hours", s.HoursShare, "margin", s.MarginShare), 4))
		}
	}
	if len(at.Neglected) > 0 {
		t.printf("\n%s\n", p.T("review.neglected", "n", at.NeglectedCount))
		for _, s := range at.Neglected {
			t.printf("%s\n", t.wrap("  • "+p.T("review.standing", "name", s.Name, "concessions", s.ConcessionsShare, "hours", s.HoursShare, "margin", s.MarginShare), 4))
		}
	}
	if at.Excluded > 0 {
		t.printf("\n%s\n", t.wrap(t.paint(ansiDim, p.T("review.attention_excluded", "n", at.Excluded, "currency", string(at.Currency))), 0))
	}
	t.printf("\n%s\n", t.paint(ansiDim, t.wrap(p.T("review.hint"), 0)))
	return t.err
}

func (t *textWriter) pair(k1, v1, k2, v2 string) {
	left := "  " + pad(k1, 14) + " " + v1 + " "
	t.printf("%s%s %s\n", pad(left, 39), pad(k2, 18), v2)
}

func (t *textWriter) heading(title string, n int, color string) {
	label := title
	if n >= 0 {
		label = fmt.Sprintf("%s (%s)", title, t.p.Int(int64(n)))
	}
	line := "━━ " + label + " "
	if rest := t.o.Width - utf8.RuneCountInString(line); rest > 0 {
		line += strings.Repeat("━", rest)
	}
	t.printf("\n%s\n", t.paint(color, line))
}

// client writes one line of facts and the top reasons.
func (t *textWriter) client(a *assess.Assessment, reasons int) {
	p := t.p
	facts := []string{}
	if a.Client.Owner != "" {
		facts = append(facts, a.Client.Owner)
	}
	if a.Economic.HasRevenue {
		facts = append(facts, p.T("review.fact_margin", "pct", a.Economic.MarginPct))
	} else {
		facts = append(facts, p.T("review.fact_no_revenue"))
	}
	if a.Relational.Score > 0 {
		facts = append(facts, p.T("review.fact_relational", "score", tenths(a.Relational.Score), "level", string(a.Relational.Level)))
	}
	t.printf("%s\n", t.wrap(t.paint(ansiBold, a.Client.Name)+" · "+strings.Join(facts, " · "), 2))
	for i, r := range a.Reasons {
		if i >= reasons {
			t.printf("%s\n", t.paint(ansiDim, "    "+p.T("review.more_reasons", "n", len(a.Reasons)-reasons, "id", a.Client.ID)))
			break
		}
		t.printf("%s\n", t.wrap("  • "+p.Msg(r), 4))
	}
	// What would change it: the first, most direct fact.
	if len(a.Change) > 0 {
		t.printf("%s\n", t.wrap("  → "+p.Msg(a.Change[0]), 4))
	}
}

// wrap breaks s into lines of the report width, indenting continuation
// lines by indent spaces. ANSI sequences do not count towards the width.
func (t *textWriter) wrap(s string, indent int) string {
	width := t.o.Width
	// Split on plain spaces only: no-break spaces keep "12,5 %" together.
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' })
	var b strings.Builder
	col := 0
	lead := strings.Repeat(" ", indent)
	if strings.HasPrefix(s, "  ") {
		n := len(s) - len(strings.TrimLeft(s, " "))
		b.WriteString(s[:n])
		col = n
	}
	for i, w := range words {
		wl := visibleLen(w)
		if i > 0 {
			if col+1+wl > width {
				b.WriteString("\n" + lead)
				col = indent
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		col += wl
	}
	return b.String()
}

func visibleLen(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc && r == 'm':
			esc = false
		case !esc:
			n++
		}
	}
	return n
}

func pad(s string, n int) string {
	if l := visibleLen(s); l < n {
		return s + strings.Repeat(" ", n-l)
	}
	return s
}

func tenths(x float64) cartera.Tenths {
	if x < 0 {
		return cartera.Tenths(x*10 - 0.5)
	}
	return cartera.Tenths(x*10 + 0.5)
}
