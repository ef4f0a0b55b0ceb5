// Command cartera runs a client portfolio honestly: which clients are worth
// keeping, what they cost in money and in respect, and what to do next.
//
// Run `cartera help` for the commands. This package only parses flags,
// resolves configuration and wires the packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/clock"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/internal/hugeheap"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	// A command that starts, works and ends touches its heap once: in
	// huge pages that is a fault per 2 MB instead of per 4 KB (a tenth of
	// a 1 GB mail import's CPU). The server keeps the runtime's default.
	if len(os.Args) < 2 || os.Args[1] != "serve" {
		hugeheap.Advise(os.Getenv)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// env reads an environment variable; tests pass their own.
type env func(string) string

// command is one subcommand.
type command struct {
	name string
	run  func(ctx context.Context, a *app, args []string) error
}

var commands = []command{
	{"review", runReview},
	{"forecast", runForecast},
	{"deals", runDeals},
	{"deal", runDeal},
	{"calibration", runCalibration},
	{"backtest", runBacktest},
	{"stage-history", runStageHistory},
	{"pipeline", runPipeline},
	{"script", runScript},
	{"incident", runIncident},
	{"lost", runLost},
	{"plan", runPlan},
	{"reconnect", runReconnect},
	{"debrief", runDebrief},
	{"lessons", runLessons},
	{"winloss", runWinLoss},
	{"agenda", runAgenda},
	{"referrals", runReferrals},
	{"holidays", runHolidays},
	{"playbook", runPlaybookConfig},
	{"import", runImport},
	{"mappings", runMappings},
	{"match", runMatch},
	{"candidates", runCandidates},
	{"subscribe", runSubscribe},
	{"export", runExport},
	{"demo", runDemo},
	{"policy", runPolicy},
	{"decide", runDecide},
	{"decisions", runDecisions},
	{"serve", runServe},
	{"users", runUsers},
	{"backup", runBackup},
	{"restore", runRestore},
	{"migrate-store", runMigrateStore},
	{"version", runVersion},
	{"help", runHelp},
}

// app carries what every command needs: streams, environment, and the
// language chosen so far (refined by each command's --lang flag).
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         env
	lang           i18n.Lang
	// now is the program's one clock: the wall clock, or CARTERA_NOW's.
	// Everything below the commands is handed it or the day it gives.
	now cartera.Clock
}

// exit codes
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError is a mistake in how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, lang: i18n.ES}
	if l, ok := i18n.Parse(getenv("CARTERA_LANG")); ok {
		a.lang = l
	}
	now, err := clock.FromEnv(getenv)
	if err != nil {
		return a.report(err)
	}
	a.now = now
	if len(args) == 0 {
		printHelp(a, nil)
		return exitUsage
	}
	name := args[0]
	for _, c := range commands {
		if c.name == name {
			return a.report(c.run(ctx, a, args[1:]))
		}
	}
	if name == "-h" || name == "--help" {
		printHelp(a, nil)
		return exitOK
	}
	if name == "-v" || name == "--version" {
		return a.report(runVersion(ctx, a, nil))
	}
	p := a.printer()
	fmt.Fprintln(stderr, p.T("cli.unknown_command", "name", name))
	return exitUsage
}

// report prints a command's error in the user's language and picks the exit
// code.
func (a *app) report(err error) int {
	if err == nil {
		return exitOK
	}
	p := a.printer()
	var ue *usageError
	var pe *csvio.ProblemsError
	switch {
	case errors.Is(err, errHelpShown):
		return exitOK
	case errors.Is(err, errShown):
		return exitError
	case errors.As(err, &ue):
		fmt.Fprintln(a.stderr, ue.msg)
		return exitUsage
	case errors.As(err, &pe):
		printProblems(a.stderr, pe, p)
		return exitError
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(a.stderr, p.T("cli.interrupted"))
		return exitError
	}
	if cartera.ErrorCode(err) == cartera.EINTERNAL {
		// Internal details help a bug report; users see them after the
		// plain message.
		fmt.Fprintln(a.stderr, p.T("cli.error", "message", p.Msg(cartera.ErrorMessage(err))))
		fmt.Fprintln(a.stderr, "  ("+err.Error()+")")
		return exitError
	}
	fmt.Fprintln(a.stderr, p.T("cli.error", "message", p.Msg(cartera.ErrorMessage(err))))
	return exitError
}

func (a *app) printer() *i18n.Printer { return i18n.New(a.lang, nil) }

func printProblems(w io.Writer, pe *csvio.ProblemsError, p *i18n.Printer) {
	for _, pr := range pe.Problems {
		fmt.Fprintf(w, "%s:%d:%d: %s\n", pr.File, pr.Line, pr.Column, p.Msg(pr.Msg))
	}
	if pe.More > 0 {
		fmt.Fprintln(w, p.T("import.more_problems", "n", pe.More))
	}
	fmt.Fprintln(w, p.T("import.nothing_written", "n", pe.Total()))
}

func runVersion(_ context.Context, a *app, _ []string) error {
	fmt.Fprintln(a.stdout, "cartera "+version)
	return nil
}
