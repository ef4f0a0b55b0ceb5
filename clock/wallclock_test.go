package clock_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// measured lists the only places below the entry points that may read the
// wall clock, each to measure a duration for a log line, a metric or a
// progress report: none of them decides what a record means. The key is
// "file:function" (the function that encloses the call), relative to the
// module root.
var measured = map[string]string{
	"web/middleware.go:wrap":               "how long a request took, for the access log and the metrics",
	"web/metrics.go:newMetrics":            "when the process started, for process_uptime_seconds",
	"web/metrics.go:write":                 "the uptime reported on /metrics",
	"web/summaries.go:refreshInBackground": "how long the background refresh took, for the log",
	"web/summaries.go:refitNightly":        "how long the scheduled refit took, for the log",
	"web/summaries.go:refitAfterImport":    "how long the refit after a web import took, for the log",
	"web/import_progress.go:startImport":   "how long an import took, shown under its report",
	"web/import_map.go:importMapSubmit":    "how long a mapped import took, shown under its report",
	"csvio/read.go:readFile":               "how often an import reports its progress",
}

// wallReads are the functions of package time that read the wall clock.
var wallReads = map[string]bool{"Now": true, "Since": true, "Until": true}

// TestNoWallClockBelowTheEntryPoints parses every non-test Go file of the
// module and fails, naming file:line, where a package other than an entry
// point (a package main, or this one) reads the wall clock outside the
// allow-list above. "Today" enters at the edges and is passed down.
func TestNoWallClockBelowTheEntryPoints(t *testing.T) {
	reads := wallClockReads(t, filepath.Join("..", ""))
	used := map[string]bool{}
	var bad []string
	for _, r := range reads {
		if r.main {
			continue
		}
		if _, ok := measured[r.key]; ok {
			used[r.key] = true
			continue
		}
		bad = append(bad, fmt.Sprintf("%s: time.%s in %s: pass the clock or the day down from the entry point instead", r.pos, r.fn, r.key))
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
	for key := range measured {
		if !used[key] {
			t.Errorf("allow-list entry %q matches no wall-clock read: remove it", key)
		}
	}
}

// TestTheCheckFindsAWallClockRead proves the check is not vacuous: a store
// method that reads time.Now is reported with its file and line.
func TestTheCheckFindsAWallClockRead(t *testing.T) {
	dir := t.TempDir()
	src := `package sqlite

import clk "time"

func (db *DB) today() int { return clk.Now().Day() }
`
	writeFile(t, filepath.Join(dir, "sqlite", "records.go"), src)
	writeFile(t, filepath.Join(dir, "sqlite", "records_test.go"), "package sqlite\n\nimport \"time\"\n\nvar _ = time.Now()\n")
	reads := wallClockReads(t, dir)
	if len(reads) != 1 || reads[0].key != "sqlite/records.go:today" || reads[0].main ||
		!strings.HasSuffix(reads[0].pos, filepath.Join("sqlite", "records.go")+":5:40") {
		t.Fatalf("reads = %+v, want one in sqlite/records.go:5:40 (today)", reads)
	}
}

type wallRead struct {
	pos  string // file:line:column
	key  string // file:function, relative to the root
	fn   string // Now, Since or Until
	main bool   // in an entry point
}

func wallClockReads(t *testing.T, root string) []wallRead {
	t.Helper()
	var out []wallRead
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		entry := f.Name.Name == "main" || strings.HasPrefix(rel, "clock/")
		timeName := ""
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
				timeName = "time"
				if imp.Name != nil {
					timeName = imp.Name.Name
				}
			}
		}
		if timeName == "" {
			return nil
		}
		for _, decl := range f.Decls {
			fnName := "(package)"
			if fd, ok := decl.(*ast.FuncDecl); ok {
				fnName = fd.Name.Name
			}
			ast.Inspect(decl, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok || !wallReads[sel.Sel.Name] {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == timeName {
					out = append(out, wallRead{pos: fset.Position(sel.Sel.Pos()).String(), key: rel + ":" + fnName,
						fn: sel.Sel.Name, main: entry})
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
