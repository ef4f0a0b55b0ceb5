package main

import (
	"context"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// cartera lessons and cartera winloss: what lost and won deals taught.

func runLessons(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "lessons")
	seller := fs.String("seller", "", "")
	limit := fs.Int("limit", 20, "")
	pc, rest, err := openCmd(ctx, a, fs, args, 100)
	if err != nil {
		return err
	}
	defer pc.done()
	if len(rest) > 0 && (rest[0] == "search" || rest[0] == "buscar") {
		rest = rest[1:]
		if len(rest) == 0 {
			return &usageError{pc.p.T("cli.lessons_needs_text")}
		}
	}
	text := strings.Join(rest, " ")
	hits, err := pc.st.SearchLessons(ctx, cartera.LessonQuery{Text: text, Owner: *seller, Limit: *limit})
	if err != nil {
		return err
	}
	if pc.format == "json" {
		if hits == nil {
			hits = []cartera.LessonHit{}
		}
		return writeJSON(a.stdout, hits)
	}
	return report.WriteLessons(a.stdout, hits, text, pc.p, pc.text())
}

func runWinLoss(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "winloss")
	period := fs.String("period", "quarter", "")
	fromS := fs.String("from", "", "")
	toS := fs.String("to", "", "")
	seller := fs.String("seller", "", "")
	pc, _, err := openCmd(ctx, a, fs, args, 0)
	if err != nil {
		return err
	}
	defer pc.done()
	per, err := playbook.ParsePeriod(*period)
	if err != nil {
		return err
	}
	from, err := pc.day(*fromS)
	if err != nil {
		return err
	}
	to, err := pc.day(*toS)
	if err != nil {
		return err
	}
	if to.IsZero() {
		to = pc.asOf
	}
	if from.IsZero() {
		from = to.AddMonths(-12).AddDays(1)
	}
	if from > to {
		return cartera.FieldError("from", "winloss.from_after_to", "from", from, "to", to)
	}
	w, err := review.WinLoss(ctx, pc.st, review.WinLossOptions{From: from, To: to, Period: per, Owner: *seller})
	if err != nil {
		return err
	}
	if pc.format == "json" {
		return writeJSON(a.stdout, w)
	}
	return report.WriteWinLoss(a.stdout, w, pc.p, pc.text())
}
