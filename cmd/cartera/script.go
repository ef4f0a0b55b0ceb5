package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// cartera script: what to say to a client, with their figures.

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
	plan, err := review.Script(ctx, pc.st, review.ScriptOptions{ClientID: c.ID, AsOf: pc.asOf,
		Archetype: playbook.Archetype(strings.ReplaceAll(strings.ToLower(*archetype), "-", "_"))})
	if err != nil {
		return err
	}
	doc, err := report.Script(plan, pc.p)
	if err != nil {
		return err
	}
	if pc.format == "json" {
		if err := writeJSON(a.stdout, report.ScriptJSON(doc, pc.p)); err != nil {
			return err
		}
		if doc.NoMatch {
			return errShown
		}
		return nil
	}
	if doc.NoMatch {
		if err := report.WriteNoMatch(a.stderr, doc, pc.p, report.TextOptions{}); err != nil {
			return err
		}
		return errShown
	}
	if pc.format == "markdown" || pc.format == "md" {
		err = report.WriteScriptMarkdown(a.stdout, doc, pc.p)
	} else {
		err = report.WriteScript(a.stdout, doc, pc.p, pc.text())
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
