package main_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// Time trackers from the command line: what a project went to, what is
// left unmatched, and a rule that brings it in on the next import.
func TestImportTrackersAndMatchTable(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	r := runBin(t, nil, "import", "--db", db, testdata("import", "es", "clientes.csv"), testdata("trackers", "toggl.csv"),
		testdata("trackers", "harvest.csv"))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"toggl.csv → horas: 4 filas", "proyecto «Web Talleres» → cliente C-001 (por el nombre del cliente): 2 filas",
		"proyecto «Catálogo otoño» (Óptica Sol S.L.) sin cliente: 1 fila sin importar"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runBin(t, nil, "match", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "project catalogo otono (Óptica Sol S.L.) — control de horas, 1 en la última importación") {
		t.Fatalf("match list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "match", "add", "--db", db, "project", "Catálogo otoño", "C-002")
	if r.code != 0 || !strings.Contains(r.stdout, "Guardado: project catalogo otono → client C-002") {
		t.Fatalf("match add: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "import", "--db", db, testdata("trackers", "toggl.csv"))
	if r.code != 0 || !strings.Contains(r.stdout, "proyecto «Catálogo otoño» → cliente C-002 (por la tabla de coincidencias): 1 fila") {
		t.Fatalf("re-import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "match", "add", "--db", db, "project", "x", "NOPE")
	if r.code != 1 || !strings.Contains(r.stderr, "NOPE") {
		t.Fatalf("unknown client: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
