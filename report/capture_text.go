package report

import (
	"io"
	"maps"
	"slices"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
)

// What comes in from outside: imports, captured calendars, mail and
// invoices, the match table that ties them to clients, and the incidents
// they suggest.

// ImportOut is `cartera import --format json` when a capture ran beside the
// files (without one, the csvio.Report itself). Its keys are in
// alphabetical order, as they always were.
type ImportOut struct {
	Capture *capture.Report    `json:"capture"`
	DryRun  bool               `json:"dry_run"`
	Files   []csvio.FileReport `json:"files"`
	Rows    int64              `json:"rows"`
}

// ImportJSON is what an import did, as JSON.
func ImportJSON(rep *csvio.Report, crep *capture.Report) any {
	if crep == nil {
		return rep
	}
	return ImportOut{Capture: crep, DryRun: rep.DryRun, Files: rep.Files, Rows: rep.Rows}
}

// WriteImport says what an import did (or would do, on a dry run) in
// took: every file with its format, mapping and what was skipped, then the
// capture's summary when one ran. mine is the portfolio's currency, which
// rows in other currencies are not converted to.
func WriteImport(w io.Writer, rep *csvio.Report, crep *capture.Report, took time.Duration, mine cartera.Currency, p *i18n.Printer) error {
	t := newText(w, p, TextOptions{})
	key := "import.done"
	if rep.DryRun {
		key = "import.dry_run_done"
	}
	nfiles, rows := len(rep.Files), rep.Rows
	if crep != nil {
		nfiles += len(crep.Sources)
		for _, s := range crep.Sources {
			rows += int64(s.Items)
		}
	}
	t.printf("%s\n", p.T(key, "files", p.T("import.n_files", "n", nfiles), "rows", p.T("import.n_rows", "n", rows),
		"seconds", took.String()))
	for _, f := range rep.Files {
		t.printf("  %s\n", p.T("import.file_line", "name", f.Name, "entity", string(f.Entity), "n", f.Rows,
			"format", f.Kind()))
		if f.Mapping != "" && f.DateOrder != "" {
			t.printf("    %s\n", p.T("import.mapping_used", "mapping", f.Mapping, "order", f.DateOrder))
		} else if f.Mapping != "" {
			t.printf("    %s\n", p.T("import.mapping_iso", "mapping", f.Mapping))
		}
		if len(f.Ignored) > 0 {
			t.printf("    %s\n", p.T("import.ignored", "columns", f.Ignored))
		}
		for _, m := range f.Matched {
			t.printf("    %s\n", p.T("import.project_matched", "project", m.Project, "client", m.ClientID, "by", p.T("import.by_"+m.By), "n", m.Rows))
		}
		for _, m := range f.Unmatched {
			key := "import.project_unmatched"
			if m.Client != "" {
				key = "import.project_unmatched_client" // the tracker's own client for the project
			}
			t.printf("    %s\n", p.T(key, "project", m.Project, "tracker_client", m.Client, "n", m.Rows))
		}
		if f.FooterLines > 0 {
			t.printf("    %s\n", p.T("import.footer_skipped", "n", f.FooterLines, "line", f.FooterLine))
		}
		if f.Closing > 0 {
			t.printf("    %s\n", p.T("import.closing_rows", "n", f.Closing))
		}
		if f.Skipped > 0 {
			t.printf("    %s\n", p.T("import.rows_skipped", "n", f.Skipped, "columns", f.SkippedFor))
		}
		if f.Filtered > 0 {
			t.printf("    %s\n", p.T("import.rows_filtered", "n", f.Filtered, "conditions", f.FilteredBy))
		}
		for _, cur := range slices.Sorted(maps.Keys(f.OtherCurrencies)) {
			t.printf("    %s\n", p.T("import.other_currency", "n", f.OtherCurrencies[cur], "currency", string(cur), "mine", string(mine)))
		}
	}
	if t.err != nil || crep == nil {
		return t.err
	}
	return WriteCapture(w, crep, p)
}

// WriteCapture says what a capture did or would do: each source, the
// records created, updated and left alone, on a dry run every change, what
// the mail showed per client, and the first identifiers nothing matched.
func WriteCapture(w io.Writer, r *capture.Report, p *i18n.Printer) error {
	t := newText(w, p, TextOptions{})
	for _, s := range r.Sources {
		t.printf("  %s\n", p.T("capture.source_line", "name", s.Name, "kind", p.T("capture.kind_"+s.Kind), "format", s.Format,
			"n", s.Items, "matched", s.Matched))
		if len(s.Partial) > 0 {
			t.printf("    %s\n", p.T("capture.partial_rules", "lines", s.Partial))
		}
	}
	counts := func(key string, m map[cartera.Entity]int) {
		for _, e := range slices.Sorted(maps.Keys(m)) {
			if m[e] > 0 {
				t.printf("  %s\n", p.T(key, "entity", p.T("entity."+string(e)), "n", m[e]))
			}
		}
	}
	if r.DryRun {
		counts("capture.would_create", r.Created)
		counts("capture.would_update", r.Updated)
	} else {
		counts("capture.created", r.Created)
		counts("capture.updated", r.Updated)
	}
	counts("capture.unchanged", r.Unchanged)
	if r.DryRun {
		for _, c := range r.Changes {
			target := c.DealID
			if target == "" {
				target = c.ClientID
			}
			t.printf("    %s\n", p.T("capture.change_"+c.Action, "what", p.Msg(c.What), "target", target, "date", c.Day,
				"id", c.ID, "origin", c.Origin))
		}
	}
	if m := r.Mail; m != nil {
		t.printf("  %s\n", p.T("capture.mail_summary", "n", m.Messages, "clients", len(m.Clients)))
		if m.Unreadable > 0 {
			t.printf("    %s\n", p.T("capture.mail_unreadable", "n", m.Unreadable))
		}
		for _, c := range m.Clients {
			t.printf("    %s\n", clientMail(p, c))
		}
		if len(m.NewCandidates) > 0 {
			t.printf("  %s\n", p.T("capture.new_candidates", "n", len(m.NewCandidates)))
		}
	}
	if len(r.Unmatched) > 0 {
		t.printf("  %s\n", p.T("capture.unmatched_title", "n", len(r.Unmatched)))
		for i, u := range r.Unmatched {
			if i == 10 {
				t.printf("    %s\n", p.T("capture.unmatched_more", "n", len(r.Unmatched)-10))
				break
			}
			t.printf("    %s\n", unmatchedLine(p, u))
		}
	}
	return t.err
}

// clientMail is one client's mail on one line: last sign of life, outreach
// without an answer, and how fast they answer.
func clientMail(p *i18n.Printer, c capture.ClientMail) string {
	line := p.T("capture.mail_client", "client", c.ClientID, "n", c.Messages)
	if !c.LastInbound.IsZero() {
		line += " · " + p.T("capture.last_sign", "date", cartera.DateFromTime(c.LastInbound.In(p.Loc)))
	}
	if c.UnansweredDays > 0 {
		line += " · " + p.T("capture.unanswered", "days", c.UnansweredDays, "date", cartera.DateFromTime(c.UnansweredSince.In(p.Loc)))
	}
	if c.LatencyRecent >= 0 {
		line += " · " + p.T("capture.latency", "hours", c.LatencyRecent, "n", c.AnswersRecent)
		if c.LatencyBefore >= 0 {
			key := "capture.latency_before"
			if c.LatencyRising {
				key = "capture.latency_rising"
			}
			line += " " + p.T(key, "hours", c.LatencyBefore)
		}
	}
	return line
}

// unmatchedLine is an identifier nothing matched: what it is, a hint of
// whose, where and how often it was seen.
func unmatchedLine(p *i18n.Printer, u cartera.Unmatched) string {
	return p.T("match.unmatched_line", "kind", string(u.Kind), "value", u.Value, "hint", u.Hint,
		"source", p.T("capture.kind_"+u.Source), "n", u.Seen, "last", u.Last)
}

// MatchListOut is `cartera match --format json`: the rules and what
// captured data carried that nothing matched.
type MatchListOut struct {
	Rules     []cartera.MatchRule `json:"rules"`
	Unmatched []cartera.Unmatched `json:"unmatched"`
}

// WriteMatchList lists the match table's rules, then the identifiers
// nothing matched.
func WriteMatchList(w io.Writer, rules []cartera.MatchRule, un []cartera.Unmatched, p *i18n.Printer) error {
	t := newText(w, p, TextOptions{})
	if len(rules) == 0 {
		t.printf("%s\n", p.T("match.no_rules"))
	} else {
		t.printf("%s\n", p.T("match.rules_title"))
	}
	for _, r := range rules {
		t.printf("  %s\n", p.T("match.rule_line", "kind", string(r.Kind), "value", r.Value, "role", string(r.Role),
			"client", r.ClientID, "contact", r.ContactID, "deal", r.DealID))
	}
	if len(un) > 0 {
		t.printf("%s\n", p.T("match.unmatched_title", "n", len(un)))
	}
	for _, u := range un {
		t.printf("  %s\n", unmatchedLine(p, u))
	}
	return t.err
}

// WriteCandidates lists suggested incidents: who, what kind and in what
// state, why, and the mail that suggested it.
func WriteCandidates(w io.Writer, cs []cartera.Candidate, p *i18n.Printer) error {
	t := plainList(w, p, len(cs), "candidates.none")
	for _, c := range cs {
		t.printf("%s\n", p.T("candidates.line", "id", c.ID, "client", c.ClientID, "kind", c.Kind, "status", c.Status))
		t.printf("    %s\n", p.Msg(c.Reason))
		if c.Subject != "" {
			t.printf("    %s\n", p.T("candidates.subject", "subject", c.Subject))
		}
		if c.Excerpt != "" {
			t.printf("    %s\n", c.Excerpt)
		}
	}
	return t.err
}

// WriteSubscriptions lists the calendars and mailboxes serve reads again:
// what and where, how often, when last and the last error.
func WriteSubscriptions(w io.Writer, subs []capture.Subscription, p *i18n.Printer) error {
	t := plainList(w, p, len(subs), "subscribe.none")
	for _, s := range subs {
		last := p.T("subscribe.never")
		if !s.LastRun.IsZero() {
			last = p.DateTime(s.LastRun)
		}
		t.printf("%s\n", p.T("subscribe.line", "name", s.Name, "kind", s.Kind, "host", s.Host, "every",
			time.Duration(s.Every).String(), "last", last))
		if s.LastError != "" {
			t.printf("    %s\n", p.T("subscribe.last_error", "error", s.LastError))
		}
	}
	return t.err
}
