package main

import (
	"context"
	"os"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/review"
)

// runPlaybookConfig shows or replaces the playbooks' configuration.
func runPlaybookConfig(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "playbook")
	pc, rest, err := openCmd(ctx, a, fs, args, 2)
	if err != nil {
		return err
	}
	defer pc.done()
	action := "show"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	switch action {
	case "show", "ver":
	case "set", "cambiar":
		if len(rest) != 1 {
			return &usageError{pc.p.T("usage.playbook")}
		}
		b, err := os.ReadFile(rest[0])
		if err != nil {
			return cartera.NewError(cartera.EINVALID, "pipeline.cannot_read", "path", rest[0], "reason", err.Error())
		}
		cfg, err := playbook.UnmarshalConfig(b)
		if err != nil {
			return cartera.NewError(cartera.EINVALID, "pipeline.bad_json", "path", rest[0], "reason", err.Error())
		}
		if err := review.SavePlaybookConfig(ctx, pc.st, cfg); err != nil {
			return err
		}
	case "reset":
		if err := review.SavePlaybookConfig(ctx, pc.st, playbook.DefaultConfig()); err != nil {
			return err
		}
	default:
		return &usageError{pc.p.T("usage.playbook")}
	}
	cfg, err := review.PlaybookConfig(ctx, pc.st)
	if err != nil {
		return err
	}
	return writeJSON(a.stdout, cfg)
}
