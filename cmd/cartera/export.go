package main

import (
	"context"
	"fmt"

	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
)

func runExport(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "export")
	var c common
	c.register(fs, true)
	format := fs.String("format", "csv", "")
	asOfS := fs.String("as-of", "", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	if len(rest) != 1 {
		return &usageError{p.T("export.need_dir")}
	}
	if *format != csvio.FormatCSV && *format != csvio.FormatJSON {
		return &usageError{p.T("cli.bad_format", "value", *format, "allowed", "csv, json")}
	}
	asOf, err := parseDay(a, *asOfS, demoLocation())
	if err != nil {
		return err
	}
	st, done, err := a.openStore(ctx, c, asOf)
	if err != nil {
		return err
	}
	defer done()
	res, err := csvio.Export(ctx, st, rest[0], *format, csvio.Style{Spanish: a.lang == i18n.ES})
	if err != nil {
		return err
	}
	var total int64
	for _, f := range res.Files {
		total += f.Rows
	}
	fmt.Fprintln(a.stdout, p.T("export.done", "n", total, "dir", rest[0]))
	for _, f := range res.Files {
		fmt.Fprintln(a.stdout, "  "+p.T("export.file_line", "path", f.Path, "n", f.Rows))
	}
	return nil
}
