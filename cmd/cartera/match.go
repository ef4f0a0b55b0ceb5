package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/report"
)

// runMatch shows and edits the match table: which address, domain, tax id
// or tracker project means which client (contact, deal), which are ours,
// which to ignore, and what captured data carried that nothing matched.
//
//	cartera match                                  the rules and the unmatched list
//	cartera match add KIND VALUE CLIENT [--contact ID] [--deal ID]
//	cartera match self KIND VALUE                  our own address or domain
//	cartera match ignore KIND VALUE                never match nor list it
//	cartera match delete KIND VALUE
func runMatch(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "match")
	var c common
	c.register(fs, false)
	contact := fs.String("contact", "", "")
	deal := fs.String("deal", "", "")
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
	want := map[string]int{"list": 0, "add": 3, "self": 2, "ignore": 2, "delete": 2, "meetings": 2}
	if n, ok := want[action]; !ok || len(rest) != n || (*format != "text" && *format != "json") {
		return &usageError{p.T("usage.match")}
	}
	var kind cartera.MatchKind
	var value string
	if len(rest) >= 2 && action != "meetings" {
		kind = cartera.MatchKind(strings.ToLower(rest[0]))
		if !kind.Valid() {
			return &usageError{p.T("match.bad_kind", "value", rest[0])}
		}
		value = cartera.NormalizeMatch(kind, rest[1])
	}
	st, done, err := a.openStore(ctx, c, 0)
	if err != nil {
		return err
	}
	defer done()
	switch action {
	case "list":
		rules, err := st.MatchRules(ctx)
		if err != nil {
			return err
		}
		un, err := st.UnmatchedItems(ctx)
		if err != nil {
			return err
		}
		if *format == "json" {
			return writeJSON(a.stdout, report.MatchListOut{Rules: rules, Unmatched: un})
		}
		return report.WriteMatchList(a.stdout, rules, un, p)
	case "add", "self", "ignore":
		r := cartera.MatchRule{Kind: kind, Value: value, Role: cartera.RoleClient}
		switch action {
		case "add":
			r.ClientID, r.ContactID, r.DealID = rest[2], *contact, *deal
		case "self":
			r.Role = cartera.RoleSelf
		case "ignore":
			r.Role = cartera.RoleIgnore
		}
		saved, err := st.SaveMatchRule(ctx, r)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("match.saved", "kind", string(saved.Kind), "value", saved.Value, "role", string(saved.Role),
			"client", saved.ClientID))
	case "meetings":
		// Whether a client's meetings become time entries.
		cfg, err := capture.LoadConfig(ctx, st)
		if err != nil {
			return err
		}
		if cfg.MeetingTime == nil {
			cfg.MeetingTime = map[string]string{}
		}
		if rest[0] != "*" {
			if _, err := st.Client(ctx, rest[0]); err != nil {
				return err
			}
		}
		cfg.MeetingTime[rest[0]] = rest[1]
		if err := capture.SaveConfig(ctx, st, cfg); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("match.meetings_saved", "client", rest[0], "value", rest[1]))
	case "delete":
		if err := st.DeleteMatchRule(ctx, kind, value, 0); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("match.deleted", "kind", string(kind), "value", value))
	}
	return nil
}
