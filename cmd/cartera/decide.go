package main

import (
	"context"
	"fmt"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// runDecide records the decision taken on a client's verdict:
//
//	cartera decide CLIENT --agree
//	cartera decide CLIENT --verdict boundaries --reason "…"
func runDecide(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "decide")
	var c common
	c.register(fs, true)
	agree := fs.Bool("agree", false, "")
	verdict := fs.String("verdict", "", "")
	reason := fs.String("reason", "", "")
	by := fs.String("by", "", "")
	asOfS := fs.String("as-of", "", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	if len(rest) != 1 || *agree == (*verdict != "") {
		return &usageError{p.T("decide.usage")}
	}
	v := cartera.Verdict(*verdict)
	if v != "" && !v.Valid() {
		return &usageError{p.T("cli.bad_verdict", "value", *verdict)}
	}
	asOf, err := parseDay(a, *asOfS, cartera.DefaultPolicy().Location())
	if err != nil {
		return err
	}
	st, done, err := a.openStore(ctx, c, asOf)
	if err != nil {
		return err
	}
	defer done()
	cl, err := findClient(ctx, st, rest[0])
	if err != nil {
		return err
	}
	as, err := review.One(ctx, st, asOf, cl.ID)
	if err != nil {
		return err
	}
	if *agree {
		v = as.Verdict
	}
	d, err := st.SaveDecision(ctx, cartera.Decision{ClientID: cl.ID, Day: asOf, Policy: as.Verdict, Decided: v,
		Reason: *reason, By: *by, At: a.now()})
	if err != nil {
		return err
	}
	if d.Agrees() {
		fmt.Fprintln(a.stdout, p.T("decide.agreed", "name", cl.Name, "verdict", d.Policy))
	} else {
		fmt.Fprintln(a.stdout, p.T("decide.overridden", "name", cl.Name, "verdict", d.Policy, "decided", d.Decided))
	}
	return nil
}

// runDecisions lists the decisions recorded and where they keep
// disagreeing with the policy, with the threshold change that would align
// them (never applied: the owner sets it with cartera policy set).
func runDecisions(ctx context.Context, a *app, args []string) error {
	pc, _, err := openCmd(ctx, a, newFlags(a, "decisions"), args, 0)
	if err != nil {
		return err
	}
	defer pc.done()
	al, err := review.Align(ctx, pc.st, pc.asOf)
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, report.AlignmentJSON(al, pc.p))
	}
	return report.WriteAlignment(a.stdout, al, pc.p, pc.text(), true)
}
