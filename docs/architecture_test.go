package docs

import (
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

const module = "github.com/cartera/cartera"

// The package graph in architecture.md is the code's: every package of
// the module, with the module's packages its non-test files import.
func TestArchitectureGraphMatchesTheCode(t *testing.T) {
	doc, err := os.ReadFile("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(doc), "<!-- package graph -->\n```\n")
	if !ok {
		t.Fatal("architecture.md: no package graph block")
	}
	block, _, _ = strings.Cut(block, "```")
	written := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		f := strings.Fields(line)
		imports := f[1:]
		if len(imports) == 1 && strings.HasPrefix(imports[0], "(") || len(imports) == 3 && imports[0] == "(standard" {
			imports = nil
		}
		sort.Strings(imports)
		written[f[0]] = strings.Join(imports, " ")
	}
	code := graph(t, "..")
	for pkg, imports := range code {
		if w, ok := written[pkg]; !ok {
			t.Errorf("architecture.md leaves out package %s (imports: %s)", pkg, imports)
		} else if w != imports {
			t.Errorf("architecture.md: %s imports %q, the code %q", pkg, w, imports)
		}
	}
	for pkg := range written {
		if _, ok := code[pkg]; !ok {
			t.Errorf("architecture.md names %s, which is no package", pkg)
		}
	}
}

// graph reads the import clauses of every non-test Go file under root
// (the module's own packages only; bench's stand-alone programs, testdata
// and hidden folders left out).
func graph(t *testing.T, root string) map[string]string {
	t.Helper()
	deps := map[string]map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bench") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		if pkg == "." {
			pkg = "cartera"
		}
		if deps[pkg] == nil {
			deps[pkg] = map[string]bool{}
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			switch {
			case p == module:
				deps[pkg]["cartera"] = true
			case strings.HasPrefix(p, module+"/"):
				deps[pkg][strings.TrimPrefix(p, module+"/")] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for pkg, set := range deps {
		var list []string
		for p := range set {
			list = append(list, p)
		}
		sort.Strings(list)
		out[pkg] = strings.Join(list, " ")
	}
	return out
}
