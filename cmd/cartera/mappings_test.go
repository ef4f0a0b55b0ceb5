package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A mapping saved in the database (as the web app's mapping step saves
// it) is used by name, shown, exported and deleted from the command line.
func TestSavedMappingsFromTheCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	if r := runBin(t, nil, "mappings", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "No hay mapas guardados") {
		t.Fatalf("empty list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, nil, "mappings", "save", "hoja", testdata("mappings", "hoja-comercial.json"), "--db", db); r.code != 0 {
		t.Fatalf("save: exit %d\n%s", r.code, r.stderr)
	}
	r := runBin(t, nil, "import", "--db", db, "--map", "hoja", testdata("import", "es", "clientes.csv"), testdata("mappings", "hoja-comercial.csv"))
	if r.code != 0 || !strings.Contains(r.stdout, "hoja-comercial.csv → oportunidades: 6 filas") {
		t.Errorf("import --map NAME: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, nil, "mappings", "--db", db); r.stdout != "hoja\n" {
		t.Errorf("list: %q", r.stdout)
	}
	orig, _ := os.ReadFile(testdata("mappings", "hoja-comercial.json"))
	if r := runBin(t, nil, "mappings", "show", "hoja", "--db", db); r.stdout != string(orig) {
		t.Errorf("show is not the file as saved:\n%s", r.stdout)
	}
	out := filepath.Join(dir, "copia.json")
	if r := runBin(t, nil, "mappings", "export", "hoja", out, "--db", db); r.code != 0 {
		t.Errorf("export: %s", r.stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != string(orig) {
		t.Errorf("exported: %s", b)
	}
	// Mistakes: an unknown name, a bad mapping (at its line and column),
	// a mistyped path stays a path.
	if r := runBin(t, nil, "import", "--db", db, "--map", "nadie", testdata("mappings", "hoja-comercial.csv")); r.code != 1 ||
		!strings.Contains(r.stderr, "No hay ningún mapa guardado con el nombre «nadie»") {
		t.Errorf("unknown name: exit %d %s", r.code, r.stderr)
	}
	bad := filepath.Join(dir, "mal.json")
	os.WriteFile(bad, []byte("{\n  \"columns\": {\"A\": \"nope\"}}"), 0o644)
	if r := runBin(t, nil, "mappings", "save", "otro", bad, "--db", db); r.code != 1 || !strings.Contains(r.stderr, "mal.json:2:20:") {
		t.Errorf("bad mapping: exit %d %s", r.code, r.stderr)
	}
	if r := runBin(t, nil, "import", "--db", db, "--map", "noexiste.json", testdata("mappings", "hoja-comercial.csv")); r.code != 2 {
		t.Errorf("a missing file: exit %d %s", r.code, r.stderr)
	}
	if r := runBin(t, nil, "mappings", "delete", "hoja", "--db", db); r.code != 0 {
		t.Errorf("delete: %s", r.stderr)
	}
	if r := runBin(t, nil, "mappings", "show", "hoja", "--db", db); r.code != 1 {
		t.Errorf("after delete: exit %d", r.code)
	}
	if r := runBin(t, nil, "mappings", "frobnicate", "--db", db); r.code != 2 {
		t.Errorf("unknown action: exit %d", r.code)
	}
}
