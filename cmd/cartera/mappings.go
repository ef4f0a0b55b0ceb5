package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

// runMappings manages the column mappings saved in the database (from the
// web app's mapping step, the API, or here):
//
//	cartera mappings                      list them
//	cartera mappings show NAME            print one (the JSON of a --map file)
//	cartera mappings export NAME FILE     write one to a file
//	cartera mappings save NAME FILE       save a mapping file under a name
//	cartera mappings delete NAME          delete one
func runMappings(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "mappings")
	var c common
	c.register(fs, false)
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	action := "list"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	want := map[string]int{"list": 0, "show": 1, "export": 2, "save": 2, "delete": 1}
	n, ok := want[action]
	if !ok || len(rest) != n {
		return &usageError{p.T("usage.mappings")}
	}
	st, done, err := a.openStore(ctx, c, 0)
	if err != nil {
		return err
	}
	defer done()
	switch action {
	case "list":
		names, err := csvio.SavedMappingNames(ctx, st)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(a.stdout, p.T("mappings.none"))
		}
		for _, n := range names {
			fmt.Fprintln(a.stdout, n)
		}
	case "show", "export":
		_, text, err := csvio.SavedMapping(ctx, st, rest[0])
		if err != nil {
			return err
		}
		if action == "show" {
			_, err = a.stdout.Write(text)
			return err
		}
		if err := os.WriteFile(rest[1], text, 0o644); err != nil {
			return cartera.NewError(cartera.EINVALID, "mappings.cannot_write", "path", rest[1], "reason", err.Error())
		}
		fmt.Fprintln(a.stdout, p.T("mappings.exported", "name", rest[0], "path", rest[1]))
	case "save":
		text, err := readMappingFile(rest[1])
		if err != nil {
			return &usageError{p.T("cli.cannot_read_mapping", "path", rest[1])}
		}
		pl, err := st.Pipeline(ctx)
		if err != nil {
			return err
		}
		// Checked first under the file's own name, so that a problem
		// points into the file the user is editing.
		m, err := csvio.LoadMapping(filepath.Base(rest[1]), text)
		if err == nil {
			err = m.CheckPipeline(pl)
		}
		if err != nil {
			return err
		}
		if _, err := csvio.SaveMapping(ctx, st, pl, rest[0], text); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("mappings.saved", "name", rest[0]))
	case "delete":
		if err := csvio.DeleteSavedMapping(ctx, st, rest[0]); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("mappings.deleted", "name", rest[0]))
	}
	return nil
}

// readMappingFile reads a mapping file, one byte past the limit so that
// LoadMapping can report a file too large.
func readMappingFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<20+1))
}

// isMappingName tells a --map value that names a saved mapping from a
// path: there is no such file, it is a valid name, and it does not end
// in .json (a mistyped path is reported as a path).
func isMappingName(v string) bool {
	if _, err := os.Stat(v); err == nil {
		return false
	}
	return csvio.CheckMappingName(v) == nil && !strings.ContainsRune(v, filepath.Separator) &&
		!strings.HasSuffix(strings.ToLower(v), ".json")
}
