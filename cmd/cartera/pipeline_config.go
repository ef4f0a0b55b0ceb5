package main

import (
	"context"
	"os"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
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
		// Percent, as `cartera pipeline --format json` prints it (whole or
		// its "pipeline" alone).
		pl, err := report.DecodePipeline(b)
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
	if pc.format == "json" {
		return writeJSON(a.stdout, report.PipelineConfigJSON(m))
	}
	return report.WritePipelineConfig(a.stdout, m, p)
}
