package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/review"
)

// runPipeline shows or replaces the pipeline configuration:
//
//	cartera pipeline                 stages, learned rates and model parameters
//	cartera pipeline set FILE.json   replace it (fields left out keep their defaults)
//	cartera pipeline reset           back to the defaults
func runPipeline(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "pipeline")
	pc, rest, err := openCmd(ctx, a, fs, args, 2)
	if err != nil {
		return err
	}
	defer pc.done()
	p := pc.p
	action := "show"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	switch action {
	case "show", "ver":
		if len(rest) > 0 {
			return &usageError{p.T("cli.unexpected_args", "args", strings.Join(rest, " "), "command", "pipeline")}
		}
	case "set", "cambiar":
		if len(rest) != 1 {
			return &usageError{p.T("pipeline.set_usage")}
		}
		b, err := os.ReadFile(rest[0])
		if err != nil {
			return cartera.NewError(cartera.EINVALID, "pipeline.cannot_read", "path", rest[0], "reason", err.Error())
		}
		// Accept what `cartera pipeline --format json` prints, too.
		var wrapped struct {
			Pipeline json.RawMessage `json:"pipeline"`
		}
		if json.Unmarshal(b, &wrapped) == nil && len(wrapped.Pipeline) > 0 {
			b = wrapped.Pipeline
		}
		pl, err := cartera.UnmarshalPipeline(b)
		if err != nil {
			return cartera.NewError(cartera.EINVALID, "pipeline.bad_json", "path", rest[0], "reason", err.Error())
		}
		if pl.Version == 0 {
			// A file that names no version replaces the stored pipeline.
			cur, err := pc.st.Pipeline(ctx)
			if err != nil {
				return err
			}
			pl.Version = cur.Version
		}
		if err := pc.st.SavePipeline(ctx, pl); err != nil {
			return err
		}
	case "reset":
		cur, err := pc.st.Pipeline(ctx)
		if err != nil {
			return err
		}
		def := cartera.DefaultPipeline()
		def.Version = cur.Version
		if err := pc.st.SavePipeline(ctx, def); err != nil {
			return err
		}
	default:
		return &usageError{p.T("pipeline.set_usage")}
	}
	m, err := review.PipelineModel(ctx, pc.st)
	if err != nil {
		return err
	}
	pl := m.Pipeline()
	if pc.format == "json" {
		return writeJSON(a.stdout, struct {
			Pipeline cartera.Pipeline `json:"pipeline"`
			Rates    any              `json:"rates"`
		}{pl, m.Rates()})
	}
	w := a.stdout
	fmt.Fprintln(w, p.T("pipeline.title"))
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  %-22s %8s %10s %12s\n", p.T("pipeline.col_stage"), p.T("pipeline.col_prior"), p.T("pipeline.col_rate"), p.T("pipeline.col_max_age"))
	for i, s := range pl.Stages {
		r := m.Rates()[i]
		fmt.Fprintf(w, "  %-22s %8s %10s %12s\n", p.Value(s.ID), p.Percent(s.Prior), p.Percent(r.Rate),
			p.T("pipeline.days", "n", s.MaxAge))
		fmt.Fprintf(w, "  %s\n", p.T("pipeline.rate_from", "won", r.Won, "reached", r.Reached))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.T("pipeline.params", "k", pl.Shrinkage, "half", pl.EvidenceHalfLife, "silence", pl.SilenceDays,
		"horizon", pl.CalibrationHorizon))
	fmt.Fprintln(w, p.T("pipeline.caps", "need", pl.CapNeedUnknown, "capacity", pl.CapCapacityUnknown,
		"decision", pl.CapDecisionUnknown, "no", pl.CapAnyNo))
	var kinds []string
	for k := range pl.Evidence {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-28s ×%s\n", p.Value(cartera.SignalKind(k)), p.Decimal(int64(pl.Evidence[cartera.SignalKind(k)]), 2))
	}
	for _, k := range cartera.SignalKinds {
		if f, ok := pl.Floors[k]; ok {
			fmt.Fprintf(w, "  %-28s ≥ %s\n", p.Value(k), p.Percent(f))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.T("pipeline.hint"))
	return nil
}
