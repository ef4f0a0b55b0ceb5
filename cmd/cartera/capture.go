package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
)

// printCapture prints what a capture did or would do.
func printCapture(w io.Writer, p *i18n.Printer, r *capture.Report) {
	for _, s := range r.Sources {
		fmt.Fprintln(w, "  "+p.T("capture.source_line", "name", s.Name, "kind", p.T("capture.kind_"+s.Kind), "format", s.Format,
			"n", s.Items, "matched", s.Matched))
		if len(s.Partial) > 0 {
			fmt.Fprintln(w, "    "+p.T("capture.partial_rules", "lines", s.Partial))
		}
	}
	counts := func(key string, m map[cartera.Entity]int) {
		var es []string
		for e := range m {
			es = append(es, string(e))
		}
		sort.Strings(es)
		for _, e := range es {
			if m[cartera.Entity(e)] > 0 {
				fmt.Fprintln(w, "  "+p.T(key, "entity", p.T("entity."+e), "n", m[cartera.Entity(e)]))
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
			fmt.Fprintln(w, "    "+p.T("capture.change_"+c.Action, "what", p.Msg(c.What), "target", target, "date", c.Day,
				"id", c.ID, "origin", c.Origin))
		}
	}
	if m := r.Mail; m != nil {
		fmt.Fprintln(w, "  "+p.T("capture.mail_summary", "n", m.Messages, "clients", len(m.Clients)))
		if m.Unreadable > 0 {
			fmt.Fprintln(w, "    "+p.T("capture.mail_unreadable", "n", m.Unreadable))
		}
		for _, c := range m.Clients {
			printClientMail(w, p, c)
		}
		if len(m.NewCandidates) > 0 {
			fmt.Fprintln(w, "  "+p.T("capture.new_candidates", "n", len(m.NewCandidates)))
		}
	}
	if len(r.Unmatched) > 0 {
		fmt.Fprintln(w, "  "+p.T("capture.unmatched_title", "n", len(r.Unmatched)))
		for i, u := range r.Unmatched {
			if i == 10 {
				fmt.Fprintln(w, "    "+p.T("capture.unmatched_more", "n", len(r.Unmatched)-10))
				break
			}
			fmt.Fprintln(w, "    "+p.T("match.unmatched_line", "kind", string(u.Kind), "value", u.Value, "hint", u.Hint,
				"source", p.T("capture.kind_"+u.Source), "n", u.Seen, "last", u.Last))
		}
	}
}

// capture shows a capture's progress on the bar.
func (b *progressBar) capture(pr capture.Progress) {
	b.update(csvio.Progress{File: pr.Source, Done: pr.Done, Total: pr.Total, Rows: pr.Items})
}

// printClientMail prints one client's mail: last sign of life, outreach
// without an answer, and how fast they answer.
func printClientMail(w io.Writer, p *i18n.Printer, c capture.ClientMail) {
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
	fmt.Fprintln(w, "    "+line)
}
