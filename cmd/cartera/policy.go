package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
)

// runPolicy shows or changes the red lines and thresholds:
//
//	cartera policy                      show every value
//	cartera policy set key=value …      change values
//	cartera policy reset [key …]        back to the defaults
func runPolicy(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "policy")
	var c common
	c.register(fs, true)
	format := fs.String("format", "text", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	if *format != "text" && *format != "json" {
		return &usageError{p.T("cli.bad_format", "value", *format, "allowed", "text, json")}
	}
	// --demo builds the demo portfolio as of today, as review does.
	st, done, err := a.openStore(ctx, c, cartera.DateFromTime(a.nowIn(cartera.DefaultPolicy())))
	if err != nil {
		return err
	}
	defer done()
	pol, err := st.Policy(ctx)
	if err != nil {
		return err
	}
	action := "show"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	switch action {
	case "show", "ver":
		if len(rest) > 0 {
			return &usageError{p.T("cli.unexpected_args", "args", strings.Join(rest, " "), "command", "policy")}
		}
	case "set", "cambiar":
		if len(rest) == 0 {
			return &usageError{p.T("policy.set_usage")}
		}
		for _, kv := range rest {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return &usageError{p.T("policy.set_usage")}
			}
			if err := pol.Set(k, v); err != nil {
				return fieldError(p, err)
			}
		}
		if err := st.SavePolicy(ctx, pol); err != nil {
			return fieldError(p, err)
		}
		fmt.Fprintln(a.stdout, p.T("policy.saved"))
	case "reset", "restablecer":
		def := cartera.DefaultPolicy()
		if len(rest) == 0 {
			def.Version = pol.Version // replaces the stored one, as read
			pol = def
		}
		for _, k := range rest {
			ref := i18n.New(i18n.EN, nil)
			if err := pol.Set(k, ref.PolicyValue(def, k)); err != nil {
				return fieldError(p, err)
			}
		}
		if err := st.SavePolicy(ctx, pol); err != nil {
			return fieldError(p, err)
		}
		fmt.Fprintln(a.stdout, p.T("policy.reset_done"))
	default:
		return &usageError{p.T("policy.unknown_action", "value", action)}
	}
	if *format == "json" {
		return writeJSON(a.stdout, pol)
	}
	return report.WritePolicy(a.stdout, pol, p)
}

// fieldError names the offending key in front of the message.
func fieldError(p *i18n.Printer, err error) error {
	if e, ok := err.(*cartera.Error); ok && e.Field != "" {
		return cartera.NewError(e.Code, "policy.field_error", "key", e.Field, "message", p.Msg(e.Msg))
	}
	return err
}
