package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/demo"
	"github.com/cartera/cartera/i18n"
)

func demoLocation() *time.Location { return demo.Location }

// runDemo writes the demo portfolio (or a generated one of any size) as
// files that `cartera import` reads.
func runDemo(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "demo")
	var c common
	c.register(fs, false)
	out := fs.String("out", "", "")
	clients := fs.Int("clients", 0, "")
	events := fs.Int("events", 0, "")
	deals := fs.Int("deals", 0, "")
	signals := fs.Int("signals", 0, "")
	seed := fs.Uint64("seed", 1, "")
	format := fs.String("format", "csv", "")
	asOfS := fs.String("as-of", "", "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	if *out == "" && len(rest) == 1 {
		*out = rest[0]
	} else if len(rest) > 0 {
		return &usageError{p.T("cli.unexpected_args", "args", fmt.Sprint(rest), "command", "demo")}
	}
	if *out == "" {
		return &usageError{p.T("demo.need_out")}
	}
	if *format != csvio.FormatCSV && *format != csvio.FormatJSON {
		return &usageError{p.T("cli.bad_format", "value", *format, "allowed", "csv, json")}
	}
	if *clients < 0 || *events < 0 || (*events > 0 && *clients == 0) || *deals < 0 || *signals < 0 || (*signals > 0 && *deals == 0) {
		return &usageError{p.T("demo.bad_size")}
	}
	asOf, err := parseDay(a, *asOfS, demo.Location)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return cartera.NewError(cartera.EINVALID, "export.cannot_write", "path", *out, "reason", err.Error())
	}
	style := csvio.Style{Spanish: a.lang == i18n.ES}
	var files []*os.File
	w, err := csvio.NewWriter(func(e cartera.Entity) (io.Writer, error) {
		f, err := os.Create(filepath.Join(*out, csvio.FileName(e, *format, style)))
		if err != nil {
			return nil, cartera.NewError(cartera.EINVALID, "export.cannot_write", "path", *out, "reason", err.Error())
		}
		files = append(files, f)
		return f, nil
	}, *format, style)
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	if err != nil {
		return err
	}
	start := a.now()
	switch {
	case *clients == 0 && *deals == 0:
		err = demo.Generate(asOf, w)
	case *clients == 0:
	default:
		ev := *events
		if ev == 0 {
			ev = *clients * 100
		}
		err = demo.Scale(asOf, *clients, ev, *seed, w)
	}
	if err == nil && *deals > 0 {
		sig := *signals
		if sig == 0 {
			sig = *deals * 10
		}
		err = demo.ScalePipeline(asOf, *deals, sig, *seed, w)
	}
	if err == nil {
		err = w.Flush()
	}
	for _, f := range files {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	files = nil
	if err != nil {
		return err
	}
	var total int64
	for _, n := range w.Rows() {
		total += n
	}
	fmt.Fprintln(a.stdout, p.T("demo.done", "n", total, "dir", *out, "seconds", a.now().Sub(start).Round(10*time.Millisecond).String()))
	for _, e := range cartera.Entities {
		fmt.Fprintln(a.stdout, "  "+p.T("export.file_line", "path", filepath.Join(*out, csvio.FileName(e, *format, style)), "n", w.Rows()[e]))
	}
	return nil
}
