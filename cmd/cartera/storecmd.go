package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
)

// What the store-backed commands share: opening the store with the common
// flags (openCmd), reading days and answers, finding a client. Each
// command lives in its own file (script.go, lost.go, agenda.go, …).

// errShown is returned when a command has already explained its failure
// on standard error: the exit code is 1 and nothing more is printed.
var errShown = errors.New("explained")

// storeCmd is what the pipeline and playbook commands share: the store,
// the day, the output format and the printer in the policy's zone.
type storeCmd struct {
	a      *app
	st     cartera.Store
	p      *i18n.Printer
	asOf   cartera.Date
	format string
	loc    *time.Location
	done   func()
	// asOfGiven is set when --as-of was on the command line: output is
	// then stamped with that day, so that it is reproducible.
	asOfGiven bool
}

// openCmd parses the shared flags (--db, --demo, --lang, --as-of,
// --format among formats) and opens the store; positional is the most
// positional arguments accepted.
func openCmd(ctx context.Context, a *app, fs *flag.FlagSet, args []string, positional int, formats ...string) (*storeCmd, []string, error) {
	var c common
	c.register(fs, true)
	asOfS := fs.String("as-of", "", "")
	format := fs.String("format", "text", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return nil, nil, err
	}
	p := a.printer()
	if len(rest) > positional {
		return nil, nil, &usageError{p.T("cli.unexpected_args", "args", strings.Join(rest[positional:], " "), "command", fs.Name())}
	}
	if len(formats) == 0 {
		formats = []string{"text", "json"}
	}
	ok := false
	for _, f := range formats {
		ok = ok || f == *format
	}
	if !ok {
		return nil, nil, &usageError{p.T("cli.bad_format", "value", *format, "allowed", strings.Join(formats, ", "))}
	}
	loc := cartera.DefaultPolicy().Location()
	asOf, err := parseDay(a, *asOfS, loc)
	if err != nil {
		return nil, nil, err
	}
	st, done, err := a.openStore(ctx, c, asOf)
	if err != nil {
		return nil, nil, err
	}
	pol, err := st.Policy(ctx)
	if err != nil {
		done()
		return nil, nil, err
	}
	pc := &storeCmd{a: a, st: st, p: i18n.New(a.lang, pol.Location()), asOf: asOf, format: *format, loc: pol.Location(),
		done: done}
	fs.Visit(func(f *flag.Flag) { pc.asOfGiven = pc.asOfGiven || f.Name == "as-of" })
	return pc, rest, nil
}

func (pc *storeCmd) text() report.TextOptions { return report.TextOptions{Color: pc.a.useColor()} }

// day reads a date flag, or returns zero when empty.
func (pc *storeCmd) day(s string) (cartera.Date, error) {
	if s == "" {
		return 0, nil
	}
	return parseDay(pc.a, s, pc.loc)
}

// findClient resolves an id or part of a name to one client; an ambiguous
// name lists the candidates.
func findClient(ctx context.Context, st cartera.Store, text string) (cartera.Client, error) {
	found, err := st.FindClients(ctx, text, 10)
	if err != nil {
		return cartera.Client{}, err
	}
	if len(found) == 0 {
		return cartera.Client{}, cartera.NewError(cartera.ENOTFOUND, "cli.client_not_found", "value", text)
	}
	pick := found[0]
	exact := pick.ID == text || cartera.Fold(pick.Name) == cartera.Fold(text)
	if !exact && len(found) > 1 {
		var names []string
		for _, c := range found {
			names = append(names, fmt.Sprintf("%s (%s)", c.Name, c.ID))
		}
		return cartera.Client{}, cartera.NewError(cartera.EINVALID, "cli.client_ambiguous", "value", text, "names", names)
	}
	return pick, nil
}

// yesNo reads a yes/no answer in English or Spanish.
func yesNo(flagName, s string) (bool, error) {
	switch cartera.Fold(strings.TrimSpace(s)) {
	case "yes", "y", "si", "s", "true", "1":
		return true, nil
	case "", "no", "n", "false", "0":
		return false, nil
	}
	return false, cartera.FieldError(flagName, "deal.bad_answer", "value", s)
}

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ", ") }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }
