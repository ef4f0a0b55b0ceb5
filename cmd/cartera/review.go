package main

import (
	"context"
	"runtime/debug"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

func runReview(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "review")
	var c common
	c.register(fs, true)
	client := fs.String("client", "", "")
	asOfS := fs.String("as-of", "", "")
	format := fs.String("format", "text", "")
	verdict := fs.String("verdict", "", "")
	owner := fs.String("owner", "", "")
	all := fs.Bool("all", false, "")
	limit := fs.Int("limit", 5, "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	if len(rest) > 0 {
		return &usageError{p.T("cli.unexpected_args", "args", strings.Join(rest, " "), "command", "review")}
	}
	if *format != "text" && *format != "json" {
		return &usageError{p.T("cli.bad_format", "value", *format, "allowed", "text, json")}
	}
	v := cartera.Verdict(*verdict)
	if v != "" && !v.Valid() {
		return &usageError{p.T("cli.bad_verdict", "value", *verdict)}
	}
	// The as-of date is read in the default zone first; the demo anchors
	// on it, and a real store's policy zone then applies to output.
	loc := cartera.DefaultPolicy().Location()
	asOf, err := parseDay(a, *asOfS, loc)
	if err != nil {
		return err
	}
	if *client == "" {
		relaxGC(a, reviewGCPercent)
	}
	st, done, err := a.openStore(ctx, c, asOf)
	if err != nil {
		return err
	}
	defer done()
	pol, err := st.Policy(ctx)
	if err != nil {
		return err
	}
	p = i18n.New(a.lang, pol.Location())

	if *client != "" {
		return reviewClient(ctx, a, st, p, *client, asOf, *format)
	}
	o := review.Options{AsOf: asOf, Owner: *owner, Verdict: v, PerVerdict: *limit}
	if *all {
		o.PerVerdict = 0
	}
	if *format == "json" {
		s := report.NewStreamJSON(a.stdout, p, report.Header{AsOf: asOf, From: assess.Query(asOf, pol).From, Lang: a.lang, Policy: pol})
		o.Each = s.Client
		res, err := review.Run(ctx, st, o)
		if err != nil {
			return err
		}
		return s.Close(res.Portfolio)
	}
	res, err := review.Run(ctx, st, o)
	if err != nil {
		return err
	}
	if err := report.WriteText(a.stdout, res, p, report.TextOptions{Color: a.useColor()}); err != nil {
		return err
	}
	// Where the user's decisions and the policy keep disagreeing.
	al, err := review.Align(ctx, st, asOf)
	if err != nil || len(al.Groups) == 0 {
		return err
	}
	return report.WriteAlignment(a.stdout, al, p, report.TextOptions{Color: a.useColor()}, false)
}

// reviewClient shows one client in full. text may be an id or part of a
// name; an ambiguous name lists the candidates.
func reviewClient(ctx context.Context, a *app, st cartera.Store, p *i18n.Printer, text string, asOf cartera.Date, format string) error {
	pick, err := findClient(ctx, st, text)
	if err != nil {
		return err
	}
	as, err := review.One(ctx, st, asOf, pick.ID)
	if err != nil {
		return err
	}
	contacts, err := st.Contacts(ctx, pick.ID)
	if err != nil {
		return err
	}
	if format == "json" {
		c := report.Client(as, p)
		c.Contacts = contacts
		return writeJSON(a.stdout, c)
	}
	return report.WriteClient(a.stdout, as, contacts, p, report.TextOptions{Color: a.useColor()})
}

// reviewGCPercent is the garbage collector's target for a review of the
// whole portfolio (GOGC). Its live heap stays small — the clients being
// read and judged, the few assessments each verdict keeps — while nearly
// everything it allocates is garbage one client later, so at Go's default
// of 100 the collector ran a cycle every few thousand clients: at 100,000
// clients, 400 spends 15-20 % less CPU on a new day's review for about
// 30 MiB more peak memory (docs/performance.md). A GOGC the user sets
// wins.
const reviewGCPercent = 400

// mailImportGCPercent is the garbage collector's target while an import
// reads a mailbox. Its live heap stays small whatever the mailbox's size
// (one block of the file per reader, a row per message with a client),
// while every message's parsed header is garbage at the next one: at 400
// a re-import of 1 GB runs 5 collections instead of 20, for a peak of
// 60-75 MiB instead of 45-55 MiB (docs/performance.md).
const mailImportGCPercent = 400

// relaxGC sets the collector's target to percent unless GOGC is set, and
// returns what puts the one before back.
func relaxGC(a *app, percent int) (restore func()) {
	if a.getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}
