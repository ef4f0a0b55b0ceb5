package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/playbook"
)

// WriteScript renders a client's scripts for the terminal.
func WriteScript(w io.Writer, doc *ScriptDoc, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	t.printf("%s\n", t.wrap(t.paint(ansiBold, p.T("script.heading", "name", doc.Client.Name, "id", doc.Client.ID)), 0))
	t.printf("%s\n", t.wrap(p.T("script.verdict", "verdict", doc.Verdict, "date", doc.AsOf), 0))
	for i, r := range doc.Reasons {
		if i == 3 {
			break
		}
		t.printf("%s\n", t.wrap("  • "+p.Msg(r), 4))
	}
	for _, s := range doc.Sections {
		t.scriptSection(s.Blocks, s.Reasons)
	}
	if len(doc.Boundaries) > 0 {
		t.scriptSection(doc.Boundaries, nil)
	}
	t.referrals(doc)
	return t.err
}

func (t *textWriter) scriptSection(blocks []playbook.Block, why []cartera.Message) {
	p := t.p
	for i, b := range blocks {
		switch b.Kind {
		case "title":
			t.heading(b.Text, -1, "")
			if len(why) > 0 {
				t.printf("%s\n", t.paint(ansiDim, p.T("script.label.matched")))
				for _, r := range why {
					t.printf("%s\n", t.wrap(t.paint(ansiDim, "  • "+p.Msg(r)), 4))
				}
			}
		case "intro":
			t.printf("\n%s\n", t.wrap(b.Text, 0))
		case "section":
			t.printf("\n%s\n", t.paint(ansiBold, b.Text))
		case "tempted":
			t.printf("\n%s\n", t.wrap("  ✗ "+t.paint(ansiDim, p.T("script.label.tempted")+" "+p.T("script.quote", "text", b.Text)), 6))
		case "instead":
			t.printf("%s\n", t.wrap("  ✓ "+t.paint(ansiBold, p.T("script.label.instead"))+" "+p.T("script.quote", "text", b.Text), 6))
		case "why":
			t.printf("%s\n", t.wrap("      "+t.paint(ansiDim, p.T("script.label.why")+" "+b.Text), 6))
		case "reply":
			if i > 0 && blocks[i-1].Kind != "reply" {
				t.printf("\n")
			}
			t.printf("%s\n", t.wrap("  ? "+p.T("script.label.reply")+" "+b.Text, 6))
		case "answer":
			t.printf("%s\n", t.wrap("    → "+b.Text, 6))
		case "say":
			t.printf("%s\n", t.wrap("  » "+b.Text, 4))
		case "msg":
			t.printf("\n%s\n", t.wrap("  "+b.Text, 2))
		case "item":
			t.printf("%s\n", t.wrap("  • "+b.Text, 4))
		case "note":
			t.printf("\n%s\n", t.wrap(t.paint(ansiDim, p.T("script.label.note")+" "+b.Text), 0))
		}
	}
}

func (t *textWriter) referrals(doc *ScriptDoc) {
	p := t.p
	if len(doc.Referrals) == 0 {
		if doc.Verdict == cartera.VerdictEnd && doc.Client.Service != "" {
			t.heading(p.T("script.referrals", "service", doc.Client.Service), -1, "")
			t.printf("%s\n", t.wrap(p.T("script.no_referrals", "service", doc.Client.Service), 0))
		}
		return
	}
	t.heading(p.T("script.referrals", "service", doc.Client.Service), -1, "")
	for _, r := range doc.Referrals {
		t.printf("%s\n", t.wrap("  "+t.paint(ansiBold, r.Name)+" · "+strings.Join(referralContact(r), " · "), 4))
		if r.Note != "" {
			t.printf("%s\n", t.wrap("    "+t.paint(ansiDim, r.Note), 4))
		}
	}
}

// referralContact lists how to reach a provider; a phone number keeps
// its spaces unbreakable.
func referralContact(r cartera.Referral) []string {
	var out []string
	for _, s := range []string{r.Contact, r.Email, strings.ReplaceAll(r.Phone, " ", "\u00a0"), r.URL} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// WriteNoMatch explains why a client gets no script.
func WriteNoMatch(w io.Writer, doc *ScriptDoc, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	t.printf("%s\n", t.wrap(p.T("script.no_match", "name", doc.Client.Name, "verdict", doc.Verdict), 0))
	for _, m := range doc.Misses {
		for _, r := range m.Reasons {
			t.printf("%s\n", t.wrap("  • "+p.T("archetype."+string(m.Archetype))+": "+p.Msg(r), 4))
		}
	}
	return t.err
}

// mdEscape keeps user text from breaking Markdown structure.
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", "\n", " ")
	return r.Replace(s)
}

// WriteScriptMarkdown renders a client's scripts as Markdown, to paste
// into notes or a message.
func WriteScriptMarkdown(w io.Writer, doc *ScriptDoc, p *i18n.Printer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(p.T("script.heading", "name", doc.Client.Name, "id", doc.Client.ID)))
	fmt.Fprintf(&b, "*%s*\n\n", mdEscape(p.T("script.verdict", "verdict", doc.Verdict, "date", doc.AsOf)))
	for i, r := range doc.Reasons {
		if i == 3 {
			break
		}
		fmt.Fprintf(&b, "- %s\n", mdEscape(p.Msg(r)))
	}
	for _, s := range doc.Sections {
		markdownSection(&b, s.Blocks, s.Reasons, p)
	}
	if len(doc.Boundaries) > 0 {
		markdownSection(&b, doc.Boundaries, nil, p)
	}
	if len(doc.Referrals) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", mdEscape(p.T("script.referrals", "service", doc.Client.Service)))
		for _, r := range doc.Referrals {
			fmt.Fprintf(&b, "- **%s** · %s", mdEscape(r.Name), mdEscape(strings.Join(referralContact(r), " · ")))
			if r.Note != "" {
				fmt.Fprintf(&b, " — %s", mdEscape(r.Note))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func markdownSection(b *strings.Builder, blocks []playbook.Block, why []cartera.Message, p *i18n.Printer) {
	table := false
	closeTable := func() {
		if table {
			b.WriteString("\n")
			table = false
		}
	}
	for i := 0; i < len(blocks); i++ {
		x := blocks[i]
		if x.Kind != "tempted" {
			closeTable()
		}
		switch x.Kind {
		case "title":
			fmt.Fprintf(b, "\n## %s\n\n", mdEscape(x.Text))
			if len(why) > 0 {
				fmt.Fprintf(b, "*%s*\n\n", mdEscape(p.T("script.label.matched")))
				for _, r := range why {
					fmt.Fprintf(b, "- %s\n", mdEscape(p.Msg(r)))
				}
				b.WriteString("\n")
			}
		case "intro":
			fmt.Fprintf(b, "%s\n\n", mdEscape(x.Text))
		case "section":
			fmt.Fprintf(b, "### %s\n\n", mdEscape(x.Text))
		case "tempted":
			if !table {
				fmt.Fprintf(b, "| %s | %s | %s |\n|---|---|---|\n", mdEscape(p.T("script.label.tempted")),
					mdEscape(p.T("script.label.instead")), mdEscape(p.T("script.label.why")))
				table = true
			}
			instead, why := "", ""
			if i+1 < len(blocks) && blocks[i+1].Kind == "instead" {
				i++
				instead = blocks[i].Text
			}
			if i+1 < len(blocks) && blocks[i+1].Kind == "why" {
				i++
				why = blocks[i].Text
			}
			fmt.Fprintf(b, "| ~~%s~~ | **%s** | %s |\n", mdEscape(p.T("script.quote", "text", x.Text)),
				mdEscape(p.T("script.quote", "text", instead)), mdEscape(why))
		case "instead", "why", "say":
			fmt.Fprintf(b, "%s\n\n", mdEscape(x.Text))
		case "reply":
			answer := ""
			if i+1 < len(blocks) && blocks[i+1].Kind == "answer" {
				i++
				answer = blocks[i].Text
			}
			fmt.Fprintf(b, "- **%s** %s  \n  → %s\n", mdEscape(p.T("script.label.reply")), mdEscape(x.Text), mdEscape(answer))
			if i+1 >= len(blocks) || blocks[i+1].Kind != "reply" {
				b.WriteString("\n")
			}
		case "answer":
			fmt.Fprintf(b, "  → %s\n", mdEscape(x.Text))
		case "msg":
			fmt.Fprintf(b, "> %s\n", mdEscape(x.Text))
			if i+1 < len(blocks) && blocks[i+1].Kind == "msg" {
				b.WriteString(">\n")
			} else {
				b.WriteString("\n")
			}
		case "item":
			fmt.Fprintf(b, "- %s\n", mdEscape(x.Text))
			if i+1 >= len(blocks) || blocks[i+1].Kind != "item" {
				b.WriteString("\n")
			}
		case "note":
			fmt.Fprintf(b, "*%s* %s\n", mdEscape(p.T("script.label.note")), mdEscape(x.Text))
		}
	}
	closeTable()
}

// ScriptOut is the JSON form of a script document.
type ScriptOut struct {
	Client      ClientRef          `json:"client"`
	AsOf        cartera.Date       `json:"as_of"`
	Verdict     cartera.Verdict    `json:"verdict"`
	VerdictText string             `json:"verdict_text"`
	Reasons     []MessageJSON      `json:"reasons"`
	Sections    []ScriptSectionOut `json:"sections"`
	Boundaries  []playbook.Block   `json:"boundaries"`
	Referrals   []cartera.Referral `json:"referrals"`
	NoMatch     bool               `json:"no_match"`
	WhyNot      []ScriptSectionOut `json:"why_not"`
}

// ClientRef names a client.
type ClientRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ScriptSectionOut is one archetype's script (or, in why_not, why it did
// not match).
type ScriptSectionOut struct {
	Archetype playbook.Archetype `json:"archetype"`
	Name      string             `json:"name"`
	Reasons   []MessageJSON      `json:"reasons"`
	Blocks    []playbook.Block   `json:"blocks,omitempty"`
}

func messages(ms []cartera.Message, p *i18n.Printer) []MessageJSON {
	out := make([]MessageJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, Message(m, p))
	}
	return out
}

// ScriptJSON converts a script document for JSON output.
func ScriptJSON(doc *ScriptDoc, p *i18n.Printer) ScriptOut {
	out := ScriptOut{Client: ClientRef{doc.Client.ID, doc.Client.Name}, AsOf: doc.AsOf, Verdict: doc.Verdict,
		VerdictText: p.T("verdict." + string(doc.Verdict)), Reasons: messages(doc.Reasons, p),
		Sections: []ScriptSectionOut{}, Boundaries: doc.Boundaries, Referrals: doc.Referrals, NoMatch: doc.NoMatch,
		WhyNot: []ScriptSectionOut{}}
	if out.Boundaries == nil {
		out.Boundaries = []playbook.Block{}
	}
	if out.Referrals == nil {
		out.Referrals = []cartera.Referral{}
	}
	for _, s := range doc.Sections {
		out.Sections = append(out.Sections, ScriptSectionOut{Archetype: s.Archetype, Name: p.T("archetype." + string(s.Archetype)),
			Reasons: messages(s.Reasons, p), Blocks: s.Blocks})
	}
	for _, m := range doc.Misses {
		out.WhyNot = append(out.WhyNot, ScriptSectionOut{Archetype: m.Archetype, Name: p.T("archetype." + string(m.Archetype)),
			Reasons: messages(m.Reasons, p)})
	}
	return out
}

// ScriptText is one script (an archetype's, or the boundaries message) as
// plain text without line wrapping: what the web page copies in one tap,
// ready to paste into a message or a note.
func ScriptText(blocks []playbook.Block, p *i18n.Printer) string {
	var b strings.Builder
	para := func(s string) {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(s)
	}
	line := func(s string) {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s)
	}
	for i, x := range blocks {
		switch x.Kind {
		case "title", "intro", "section", "msg", "say":
			para(x.Text)
		case "tempted":
			para("✗ " + p.T("script.label.tempted") + " " + p.T("script.quote", "text", x.Text))
		case "instead":
			line("✓ " + p.T("script.label.instead") + " " + p.T("script.quote", "text", x.Text))
		case "why":
			line("  " + p.T("script.label.why") + " " + x.Text)
		case "reply":
			s := "? " + p.T("script.label.reply") + " " + x.Text
			if i > 0 && blocks[i-1].Kind == "answer" || i > 0 && blocks[i-1].Kind == "reply" {
				line(s)
			} else {
				para(s)
			}
		case "answer":
			line("  → " + x.Text)
		case "item":
			if i > 0 && blocks[i-1].Kind == "item" {
				line("• " + x.Text)
			} else {
				para("• " + x.Text)
			}
		case "note":
			para(p.T("script.label.note") + " " + x.Text)
		}
	}
	return b.String()
}
