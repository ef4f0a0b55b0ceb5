package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
	"github.com/cartera/cartera/sqlite"
)

func runImport(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "import")
	var c common
	c.register(fs, false)
	dry := fs.Bool("dry-run", false, "")
	encoding := fs.String("encoding", "", "")
	decimal := fs.String("decimal", "auto", "")
	separator := fs.String("separator", "", "")
	format := fs.String("format", "text", "")
	sheet := fs.String("sheet", "", "")
	var maps []string
	fs.Func("map", "", func(v string) error { maps = append(maps, v); return nil })
	files, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	if len(files) == 0 {
		return &usageError{p.T("import.no_files")}
	}
	enc, ok := csvio.ParseEncoding(*encoding)
	if !ok {
		return &usageError{p.T("cli.bad_encoding", "value", *encoding)}
	}
	mode, ok := csvio.ParseDecimalMode(*decimal)
	if !ok {
		return &usageError{p.T("cli.bad_decimal", "value", *decimal)}
	}
	var sep rune
	switch *separator {
	case "":
	case "tab", "\\t", "tabulador":
		sep = '\t'
	default:
		if utf8.RuneCountInString(*separator) != 1 {
			return &usageError{p.T("cli.bad_separator", "value", *separator)}
		}
		sep, _ = utf8.DecodeRuneInString(*separator)
	}
	if *format != "text" && *format != "json" {
		return &usageError{p.T("cli.bad_format", "value", *format, "allowed", "text, json")}
	}
	var mappings []*csvio.Mapping
	var saved []string // --map NAME: a mapping saved in the database, read once it is open
	for _, path := range maps {
		if isMappingName(path) {
			saved = append(saved, path)
			continue
		}
		m, err := loadMapping(path)
		if err != nil {
			var pe *csvio.ProblemsError
			if errors.As(err, &pe) {
				return err
			}
			return &usageError{p.T("cli.cannot_read_mapping", "path", path)}
		}
		mappings = append(mappings, m)
	}
	var srcs []csvio.Source
	var caps []capture.Source
	mail := false
	for _, f := range files {
		if kind := capture.DetectFile(f); kind != "" {
			mail = mail || kind == capture.KindMail
			if fi, err := os.Stat(f); err == nil && fi.IsDir() {
				caps = append(caps, capture.MaildirSource(f))
			} else {
				caps = append(caps, capture.FileSource(f))
			}
			continue
		}
		if fi, err := os.Stat(f); err != nil || fi.IsDir() {
			return &usageError{p.T("import.cannot_open_file", "path", f)}
		}
		srcs = append(srcs, csvio.FileSource(f))
	}
	if mail {
		defer relaxGC(a, mailImportGCPercent)()
	}
	// An import writes b-trees whose pages it visits again and again: it
	// keeps the server's page cache.
	st, done, err := a.openStoreFor(ctx, c, 0, sqlite.Options{})
	if err != nil {
		return err
	}
	defer done()
	for _, name := range saved {
		m, _, err := csvio.SavedMapping(ctx, st, name)
		if err != nil {
			return err
		}
		mappings = append(mappings, m)
	}
	pol, err := st.Policy(ctx)
	if err != nil {
		return err
	}
	p = i18n.New(a.lang, pol.Location())
	o := csvio.Options{
		Encoding: enc, Separator: sep, Decimal: mode, Location: pol.Location(), Currency: pol.Currency, DryRun: *dry,
		Mappings: mappings, Now: a.now(), Sheet: *sheet,
	}
	var bar *progressBar
	if isTerminal(a.stderr) {
		bar = &progressBar{w: a.stderr, p: p}
		o.Progress = bar.update
	}
	// Files are read here, not over a network: the transaction can be
	// open while they are.
	co := capture.Options{Now: a.now(), Location: pol.Location(), DryRun: *dry, Policy: &pol, WriteAsRead: true}
	if bar != nil {
		co.Progress = bar.capture
	}
	start := a.now()
	rep, crep, err := capture.ImportWithTables(ctx, st, srcs, caps, o, co)
	if bar != nil {
		bar.clear()
	}
	if err != nil {
		return err
	}
	if !*dry {
		if err := refitAfterImport(ctx, st, rep, cartera.DateFromTime(a.nowIn(pol))); err != nil {
			return err
		}
	}
	if *format == "json" {
		return writeJSON(a.stdout, report.ImportJSON(rep, crep))
	}
	return report.WriteImport(a.stdout, rep, crep, a.now().Sub(start).Round(10*time.Millisecond), pol.Currency, p)
}

// loadMapping reads a --map file.
func loadMapping(path string) (*csvio.Mapping, error) {
	b, err := readMappingFile(path)
	if err != nil {
		return nil, err
	}
	return csvio.LoadMapping(filepath.Base(path), b)
}

// progressBar draws one self-erasing line on a terminal.
type progressBar struct {
	w     io.Writer
	p     *i18n.Printer
	drawn bool
}

func (b *progressBar) update(pr csvio.Progress) {
	const width = 24
	line := fmt.Sprintf("  %s  ", pr.File)
	if pr.Total > 0 {
		frac := float64(pr.Done) / float64(pr.Total)
		if frac > 1 {
			frac = 1
		}
		full := int(math.Round(frac * width))
		line += "[" + strings.Repeat("█", full) + strings.Repeat("·", width-full) + "] " +
			fmt.Sprintf("%3.0f %%  ", frac*100)
	}
	line += b.p.T("import.rows_so_far", "n", pr.Rows)
	fmt.Fprintf(b.w, "\r\x1b[K%s", line)
	b.drawn = true
}

func (b *progressBar) clear() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}

// refitAfterImport replays the history again when the import brought
// deals, signals or stage history and a backtest's decision is stored
// (review.RefitIfFitted): live forecasts then follow what was just
// imported.
func refitAfterImport(ctx context.Context, st cartera.Store, rep *csvio.Report, today cartera.Date) error {
	if !rep.BroughtHistory() {
		return nil
	}
	_, err := review.RefitIfFitted(ctx, st, today)
	return err
}
