package report

import (
	"io"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// WriteAlignment writes where the user's decisions and the policy agree
// and disagree, and the threshold change each repeated disagreement
// proposes; list adds every decision, newest first.
func WriteAlignment(w io.Writer, al *review.Alignment, p *i18n.Printer, o TextOptions, list bool) error {
	if o.Width <= 0 {
		o.Width = 80
	}
	t := &textWriter{w: w, p: p, o: o, color: o.Color}
	t.heading(strings.ToUpper(p.T("decisions.title")), len(al.Decisions), "")
	if len(al.Decisions) == 0 {
		t.printf("%s\n", t.wrap("  "+p.T("decisions.none"), 2))
		return t.err
	}
	t.printf("%s\n", t.wrap("  "+p.T("decisions.summary", "agreed", al.Agreed, "overridden", al.Overridden), 2))
	for _, g := range al.Groups {
		names := make([]string, 0, len(g.ClientIDs))
		for _, id := range g.ClientIDs {
			names = append(names, nameOf(al, id))
		}
		t.printf("\n%s\n", t.wrap("  "+p.T("decisions.group", "n", len(g.ClientIDs), "policy", g.Policy, "decided", g.Decided, "names", names), 4))
		for _, m := range ProposalText(g) {
			t.printf("%s\n", t.wrap("    → "+p.Msg(m), 6))
		}
		if pr := g.Proposal; pr != nil {
			for _, mv := range pr.Affected {
				t.printf("%s\n", t.wrap("      • "+p.T("decisions.move", "name", mv.Name, "from", mv.From, "to", mv.To), 8))
			}
			if more := pr.AffectedTotal - len(pr.Affected); more > 0 {
				t.printf("%s\n", t.wrap("      "+p.T("decisions.more_moves", "n", more), 6))
			}
		}
	}
	if list {
		t.heading(strings.ToUpper(p.T("decisions.list")), -1, "")
		for _, d := range al.Decisions {
			t.printf("%s\n", t.wrap("  "+p.Msg(DecisionLine(d, nameOf(al, d.ClientID))), 4))
		}
	}
	return t.err
}

func nameOf(al *review.Alignment, id string) string {
	if n := al.Names[id]; n != "" {
		return n
	}
	return id
}

// DecisionLine says one decision in a sentence.
func DecisionLine(d cartera.Decision, name string) cartera.Message {
	if d.Agrees() {
		return cartera.M("decisions.line_agreed", "name", name, "day", d.Day, "verdict", d.Policy, "by", d.By)
	}
	return cartera.M("decisions.line_overridden", "name", name, "day", d.Day, "verdict", d.Policy, "decided", d.Decided,
		"reason", d.Reason, "by", d.By)
}

// ProposalText explains a disagreement's proposal, or why there is none.
func ProposalText(g review.Disagreement) []cartera.Message {
	if len(g.ClientIDs) < g.Min {
		return []cartera.Message{cartera.M("decisions.too_few", "min", g.Min)}
	}
	pr := g.Proposal
	if pr == nil {
		return []cartera.Message{cartera.M("decisions.no_proposal")}
	}
	return []cartera.Message{
		cartera.M("decisions.proposal", "key", pr.Key, "value", pr.Value, "aligned", pr.Aligned, "of", len(g.ClientIDs), "affected", pr.AffectedTotal),
		cartera.M("decisions.confirm", "key", pr.Key, "value", pr.Value),
	}
}

// AlignmentJSONDoc is the alignment for JSON output.
type AlignmentJSONDoc struct {
	Decisions  []DecisionJSON     `json:"decisions"`
	Agreed     int                `json:"agreed"`
	Overridden int                `json:"overridden"`
	Groups     []DisagreementJSON `json:"disagreements"`
}

// DecisionJSON is one decision with its client's name and a sentence.
type DecisionJSON struct {
	cartera.Decision
	Name string `json:"name"`
	Text string `json:"text"`
}

// DisagreementJSON is one direction of overrides and its proposal.
type DisagreementJSON struct {
	Policy   cartera.Verdict  `json:"policy_verdict"`
	Decided  cartera.Verdict  `json:"decided"`
	Clients  []string         `json:"client_ids"`
	Proposal *review.Proposal `json:"proposal"`
	Text     []MessageJSON    `json:"text"`
}

// AlignmentJSON converts an alignment for JSON output.
func AlignmentJSON(al *review.Alignment, p *i18n.Printer) AlignmentJSONDoc {
	doc := AlignmentJSONDoc{Decisions: []DecisionJSON{}, Groups: []DisagreementJSON{}, Agreed: al.Agreed, Overridden: al.Overridden}
	for _, d := range al.Decisions {
		doc.Decisions = append(doc.Decisions, DecisionJSON{Decision: d, Name: nameOf(al, d.ClientID), Text: p.Msg(DecisionLine(d, nameOf(al, d.ClientID)))})
	}
	for _, g := range al.Groups {
		dj := DisagreementJSON{Policy: g.Policy, Decided: g.Decided, Clients: g.ClientIDs, Proposal: g.Proposal, Text: []MessageJSON{}}
		for _, m := range ProposalText(g) {
			dj.Text = append(dj.Text, Message(m, p))
		}
		doc.Groups = append(doc.Groups, dj)
	}
	return doc
}
