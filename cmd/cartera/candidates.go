package main

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
)

// runCandidates is the review queue of candidate incidents: messages at
// protected hours, demands that read outside scope. Nothing about a person
// is recorded until the user confirms.
//
//	cartera candidates                          the pending ones
//	cartera candidates confirm ID [--severity N] [--note TEXT]
//	cartera candidates dismiss ID
func runCandidates(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "candidates")
	var c common
	c.register(fs, false)
	severity := fs.Int("severity", 2, "")
	note := fs.String("note", "", "")
	all := fs.Bool("all", false, "")
	format := fs.String("format", "text", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	action := "list"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	want := map[string]int{"list": 0, "confirm": 1, "dismiss": 1}
	if n, ok := want[action]; !ok || len(rest) != n || (*format != "text" && *format != "json") {
		return &usageError{p.T("usage.candidates")}
	}
	st, done, err := a.openStore(ctx, c, 0)
	if err != nil {
		return err
	}
	defer done()
	pol, err := st.Policy(ctx)
	if err != nil {
		return err
	}
	p = i18n.New(a.lang, pol.Location())
	switch action {
	case "list":
		q := cartera.CandidateQuery{Status: cartera.CandidatePending}
		if *all {
			q.Status = ""
		}
		list, err := st.Candidates(ctx, q)
		if err != nil {
			return err
		}
		if *format == "json" {
			return writeJSON(a.stdout, list)
		}
		return report.WriteCandidates(a.stdout, list, p)
	case "confirm":
		cand, err := st.Candidate(ctx, rest[0])
		if err != nil {
			return err
		}
		in := capture.IncidentOf(cand, *severity, *note)
		cand, err = st.ConfirmCandidate(ctx, cand.ID, cand.Version, in)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("candidates.confirmed", "id", cand.ID, "incident", cand.IncidentID))
	case "dismiss":
		cand, err := st.DismissCandidate(ctx, rest[0], 0)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("candidates.dismissed", "id", cand.ID))
	}
	return nil
}
