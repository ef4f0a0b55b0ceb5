package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

func runForecast(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "forecast")
	period := fs.String("period", "", "")
	by := fs.String("by", "", "")
	seller := fs.String("seller", "", "")
	pc, _, err := openCmd(ctx, a, fs, args, 0)
	if err != nil {
		return err
	}
	defer pc.done()
	if *by != "" && *by != "seller" && *by != "vendedor" {
		return &usageError{pc.p.T("cli.bad_by", "value", *by)}
	}
	per, err := forecast.ParsePeriod(*period, pc.asOf)
	if err != nil {
		return err
	}
	f, err := review.Forecast(ctx, pc.st, review.ForecastOptions{Period: per, AsOf: pc.asOf, Owner: *seller})
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, report.ForecastJSON(f, pc.p))
	}
	return report.WriteForecast(a.stdout, f, pc.p, pc.text())
}

func runDeals(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "deals")
	stale := fs.Bool("stale", false, "")
	seller := fs.String("seller", "", "")
	stage := fs.String("stage", "", "")
	limit := fs.Int("limit", 30, "")
	pc, _, err := openCmd(ctx, a, fs, args, 0)
	if err != nil {
		return err
	}
	defer pc.done()
	l, err := review.Deals(ctx, pc.st, review.DealsOptions{AsOf: pc.asOf, Owner: *seller, Stage: cartera.Stage(*stage),
		Stale: *stale, Limit: *limit})
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, report.DealListJSON(l, pc.p))
	}
	return report.WriteDeals(a.stdout, l, *stale, pc.p, pc.text())
}

func runCalibration(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "calibration")
	by := fs.String("by", "seller", "")
	seller := fs.String("seller", "", "")
	pc, _, err := openCmd(ctx, a, fs, args, 0)
	if err != nil {
		return err
	}
	defer pc.done()
	if *by != "seller" && *by != "vendedor" {
		return &usageError{pc.p.T("cli.bad_by", "value", *by)}
	}
	c, err := review.Calibrate(ctx, pc.st, *seller, pc.asOf)
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, c)
	}
	return report.WriteCalibration(a.stdout, c, pc.p, pc.text())
}

// runBacktest replays the user's history at monthly cut-offs and scores
// every way of putting a number on a deal (docs/forecast.md).
func runBacktest(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "backtest")
	pc, _, err := openCmd(ctx, a, fs, args, 0)
	if err != nil {
		return err
	}
	defer pc.done()
	// Live forecasts use what the replay found best from now on.
	b, err := review.Refit(ctx, pc.st, pc.asOf)
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, b)
	}
	return report.WriteBacktest(a.stdout, b, pc.p, pc.text())
}

// runStageHistory imports a CRM's stage history (deal_id, date, stage):
// the stages each deal entered and when, so that as-of readings and the
// backtest know the stage a deal was in on any day. It is `cartera import`
// taking stage histories only (the same reading, checks and transaction):
// all or nothing.
func runStageHistory(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "stage-history")
	var maps []string
	fs.Func("map", "", func(v string) error { maps = append(maps, v); return nil })
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.stage_history_file")}
	}
	// --map as in cartera import: a mapping file, or a saved mapping's name.
	var mappings []*csvio.Mapping
	for _, v := range maps {
		var m *csvio.Mapping
		if isMappingName(v) {
			m, _, err = csvio.SavedMapping(ctx, pc.st, v)
		} else if m, err = loadMapping(v); err != nil && !errors.As(err, new(*csvio.ProblemsError)) {
			return &usageError{pc.p.T("cli.cannot_read_mapping", "path", v)}
		}
		if err != nil {
			return err
		}
		mappings = append(mappings, m)
	}
	if fi, err := os.Stat(rest[0]); err != nil || fi.IsDir() {
		return &usageError{pc.p.T("import.cannot_open_file", "path", rest[0])}
	}
	pol, err := pc.st.Policy(ctx)
	if err != nil {
		return err
	}
	rep, err := csvio.Import(ctx, pc.st, []csvio.Source{csvio.FileSource(rest[0])}, csvio.Options{Now: a.now(),
		Location: pc.loc, Currency: pol.Currency, Only: cartera.EntityStageHistory, Mappings: mappings})
	if err != nil {
		return err
	}
	if err := refitAfterImport(ctx, pc.st, rep, cartera.DateFromTime(a.nowIn(pol))); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, pc.p.T("stage_history.done", "n", rep.Rows-rep.Files[0].Closing))
	return nil
}

// runDeal dispatches `cartera deal add|signal|close|move|show`.
func runDeal(ctx context.Context, a *app, args []string) error {
	p := a.printer()
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		printHelp(a, newFlags(a, "deal"))
		return &usageError{p.T("cli.deal_action")}
	}
	switch args[0] {
	case "add", "nueva":
		return dealAdd(ctx, a, args[1:])
	case "signal", "senal", "señal":
		return dealSignal(ctx, a, args[1:])
	case "close", "cerrar":
		// A lost deal starts the plan after the "no": the same as cartera lost.
		for i, x := range args[1:] {
			if x == "--lost" || x == "-lost" {
				rest := append(append([]string{}, args[1:i+1]...), args[i+2:]...)
				return runLost(ctx, a, rest)
			}
		}
		return dealClose(ctx, a, args[1:])
	case "move", "mover":
		return dealMove(ctx, a, args[1:])
	case "show", "ver":
		return dealShow(ctx, a, args[1:])
	}
	return &usageError{p.T("cli.deal_action")}
}

// percent reads "80", "80%" or "80,5" as basis points.
func percent(s string) (cartera.BasisPoints, error) {
	v, err := cartera.ParseDecimal(strings.TrimSuffix(strings.TrimSpace(s), "%"), 2, cartera.DecimalAutoComma)
	if err != nil {
		return 0, cartera.FieldError("claimed", "value.not_number", "value", s)
	}
	if v < 0 || v > 10000 {
		return 0, cartera.FieldError("claimed", "value.percent_range", "value", s)
	}
	return cartera.BasisPoints(v), nil
}

func answer(s string) (cartera.Answer, error) {
	switch cartera.Fold(strings.TrimSpace(s)) {
	case "", "unknown", "no_se", "?":
		return cartera.Unknown, nil
	case "yes", "si", "s", "y":
		return cartera.Yes, nil
	case "no", "n":
		return cartera.No, nil
	}
	return "", cartera.FieldError("qualification", "deal.bad_answer", "value", s)
}

func dealAdd(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "deal")
	id := fs.String("id", "", "")
	title := fs.String("title", "", "")
	prospect := fs.String("prospect", "", "")
	client := fs.String("client", "", "")
	owner := fs.String("seller", "", "")
	value := fs.String("value", "", "")
	currency := fs.String("currency", "", "")
	stage := fs.String("stage", "", "")
	closeS := fs.String("close", "", "")
	claimed := fs.String("claimed", "", "")
	category := fs.String("category", "", "")
	need := fs.String("need", "", "")
	capacity := fs.String("capacity", "", "")
	decision := fs.String("decision-maker", "", "")
	pc, _, err := openCmd(ctx, a, fs, args, 0)
	if err != nil {
		return err
	}
	defer pc.done()
	p := pc.p
	pl, err := pc.st.Pipeline(ctx)
	if err != nil {
		return err
	}
	d := cartera.Deal{ID: *id, Title: *title, Prospect: *prospect, ClientID: *client, Owner: *owner,
		Stage: cartera.Stage(*stage), Category: cartera.ForecastCategory(*category), Created: pc.asOf, Outcome: cartera.OutcomeOpen}
	if d.ID == "" {
		d.ID = cartera.NewID("D")
	}
	if d.Stage == "" {
		d.Stage = pl.Stages[0].ID
	}
	cur := cartera.Currency(strings.ToUpper(*currency))
	if cur == "" && d.ClientID != "" {
		if c, err := pc.st.Client(ctx, d.ClientID); err == nil {
			cur = c.Currency
		}
	}
	if cur == "" {
		cur = "EUR"
	}
	if *value == "" {
		return &usageError{p.T("cli.deal_needs_value")}
	}
	amount, err := cartera.ParseDecimal(*value, cur.Exponent(), cartera.DecimalAutoComma)
	if err != nil {
		return err
	}
	d.Value = cartera.Money{Amount: amount, Currency: cur}
	if *closeS != "" {
		if d.ExpectedClose, err = parseDay(a, *closeS, pc.loc); err != nil {
			return err
		}
	}
	if *claimed != "" {
		if d.Claimed, err = percent(*claimed); err != nil {
			return err
		}
	}
	for _, q := range []struct {
		s   string
		dst *cartera.Answer
	}{{*need, &d.Qualification.Need}, {*capacity, &d.Qualification.Capacity}, {*decision, &d.Qualification.DecisionMaker}} {
		if *q.dst, err = answer(q.s); err != nil {
			return err
		}
	}
	saved, err := pc.st.SaveDeal(ctx, d)
	if err != nil {
		return err
	}
	return pc.showSaved(ctx, saved.ID, p.T("deal.added", "id", saved.ID))
}

// showSaved prints a confirmation and the deal as it now stands.
func (pc *storeCmd) showSaved(ctx context.Context, id, msg string) error {
	det, err := review.Deal(ctx, pc.st, id, pc.asOf)
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(pc.a.stdout, report.DealJSON(det, pc.p))
	}
	if _, err := pc.a.stdout.Write([]byte(msg + "\n\n")); err != nil {
		return err
	}
	return report.WriteDeal(pc.a.stdout, det, pc.p, pc.text())
}

func dealSignal(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "deal")
	kind := fs.String("kind", "", "")
	dateS := fs.String("date", "", "")
	source := fs.String("source", "", "")
	days := fs.Int("days", 0, "")
	note := fs.String("note", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.deal_needs_id")}
	}
	s := cartera.Signal{ID: cartera.NewID("S"), DealID: rest[0], Kind: cartera.SignalKind(*kind), Day: pc.asOf, Source: *source,
		Days: *days, Note: *note}
	if *dateS != "" {
		if s.Day, err = parseDay(a, *dateS, pc.loc); err != nil {
			return err
		}
	}
	if _, err := pc.st.SaveSignal(ctx, s); err != nil {
		return err
	}
	return pc.showSaved(ctx, s.DealID, pc.p.T("deal.signal_added", "kind", s.Kind))
}

func dealClose(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "deal")
	won := fs.Bool("won", false, "")
	dateS := fs.String("date", "", "")
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.deal_needs_id")}
	}
	if !*won {
		return &usageError{pc.p.T("cli.deal_won_or_lost")}
	}
	d, err := pc.st.Deal(ctx, rest[0])
	if err != nil {
		return err
	}
	d.Closed = pc.asOf
	if *dateS != "" {
		if d.Closed, err = parseDay(a, *dateS, pc.loc); err != nil {
			return err
		}
	}
	d.Outcome = cartera.OutcomeWon
	if _, err := pc.st.SaveDeal(ctx, d); err != nil {
		return err
	}
	return pc.showSaved(ctx, d.ID, pc.p.T("deal.closed", "outcome", pc.p.T("outcome."+string(d.Outcome))))
}

func dealMove(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "deal")
	pc, rest, err := openCmd(ctx, a, fs, args, 2)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 2 {
		return &usageError{pc.p.T("cli.deal_needs_id")}
	}
	d, err := pc.st.Deal(ctx, rest[0])
	if err != nil {
		return err
	}
	d.Stage, d.StageSince = cartera.Stage(rest[1]), 0
	if _, err := pc.st.SaveDeal(ctx, d); err != nil {
		return err
	}
	return pc.showSaved(ctx, d.ID, pc.p.T("deal.moved", "stage", d.Stage))
}

func dealShow(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "deal")
	pc, rest, err := openCmd(ctx, a, fs, args, 1)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) != 1 {
		return &usageError{pc.p.T("cli.deal_needs_id")}
	}
	det, err := review.Deal(ctx, pc.st, rest[0], pc.asOf)
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, report.DealJSON(det, pc.p))
	}
	return report.WriteDeal(a.stdout, det, pc.p, pc.text())
}
