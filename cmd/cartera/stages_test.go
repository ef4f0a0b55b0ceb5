package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A CRM's stage history goes in with `cartera import`, beside the deals
// it belongs to: checked whole (a dry run says what it would read, a bad
// row stops everything, deals included), then imported once however often
// it is given, and readings of a past day take their stage from it.
// `cartera stage-history` reads the same files the same way.
func TestStageHistoryThroughImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	deals := write("oportunidades.csv", "id;prospecto;importe;etapa;en_etapa_desde;creada\nD-1;Acme;12.000,00;negotiation;2026-10-20;2026-09-01\n")
	bad := write("etapas-mal.csv", "oportunidad;fecha;etapa\nD-1;2026-09-01;lead\nD-2;2026-09-10;qualified\nD-1;2026-10-01;propuesta\n")
	r := runBin(t, nil, "import", "--db", db, bad, deals)
	if r.code != 1 {
		t.Fatalf("bad history: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"etapas-mal.csv:3:1: oportunidad:", "etapas-mal.csv:4:3: etapa:", "no se ha importado nada"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r := runBin(t, nil, "deals", "--db", db, "--format", "json"); !strings.Contains(r.stdout, `"total": 0`) {
		t.Errorf("the failed import left deals behind:\n%s", r.stdout)
	}

	good := write("etapas.csv", "oportunidad;fecha;etapa\nD-1;2026-09-01;lead\nD-1;2026-09-15;proposal\nD-1;2026-10-20;negotiation\n")
	r = runBin(t, []string{"CARTERA_LANG=en"}, "import", "--db", db, "--dry-run", good, deals)
	if r.code != 0 || !strings.Contains(r.stdout, "etapas.csv → stage history: 3 rows") {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for i := 0; i < 2; i++ {
		if r := runBin(t, nil, "import", "--db", db, good, deals); r.code != 0 {
			t.Fatalf("import %d: exit %d\n%s%s", i+1, r.code, r.stdout, r.stderr)
		}
	}
	stage := func(asOf string) string {
		t.Helper()
		r := runBin(t, nil, "deal", "show", "--db", db, "D-1", "--as-of", asOf, "--format", "json")
		var d struct {
			Assessment struct {
				Deal struct {
					Stage      string `json:"stage"`
					StageSince string `json:"stage_since"`
				} `json:"deal"`
			} `json:"assessment"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
			t.Fatalf("deal show: %v\n%s%s", err, r.stdout, r.stderr)
		}
		return d.Assessment.Deal.Stage + " " + d.Assessment.Deal.StageSince
	}
	if got := stage("2026-09-20"); got != "proposal 2026-09-15" {
		t.Errorf("as of 20 September: %s", got)
	}

	// The command of its own: the same reading, and stage histories only.
	more := write("mas-etapas.csv", "deal_id,date,stage\nD-1,2026-09-08,qualified\n")
	r = runBin(t, nil, "stage-history", "--db", db, more)
	if r.code != 0 || !strings.Contains(r.stdout, "1 cambio de etapa") {
		t.Fatalf("stage-history: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := stage("2026-09-10"); got != "qualified 2026-09-08" {
		t.Errorf("as of 10 September: %s", got)
	}
	r = runBin(t, nil, "stage-history", "--db", db, deals)
	if r.code != 1 || !strings.Contains(r.stderr, "oportunidades.csv:1:1:") || !strings.Contains(r.stderr, "historial de etapas") {
		t.Errorf("stage-history given deals: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A Salesforce OpportunityHistory export goes in through a mapping file,
// given as a path or saved by name, with the opportunities report it
// belongs to.
func TestStageHistoryThroughAMappingFile(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	root := filepath.Join("..", "..", "testdata")
	mapping := filepath.Join(root, "mappings", "salesforce-historial-etapas.json")
	history := filepath.Join(root, "mappings", "salesforce-historial-etapas.csv")
	deals := filepath.Join(root, "vendors", "salesforce-en.csv")
	r := runBin(t, nil, "import", "--db", db, "--dry-run", "--map", mapping, history, deals)
	for _, want := range []string{"salesforce-historial-etapas.csv → historial de etapas: 13 filas", "leído como salesforce-historial-etapas",
		"1 fila cierra la oportunidad"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q: exit %d\n%s%s", want, r.code, r.stdout, r.stderr)
		}
	}
	if r := runBin(t, nil, "mappings", "save", "--db", db, "sf-etapas", mapping); r.code != 0 {
		t.Fatalf("save: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, []string{"CARTERA_LANG=en"}, "import", "--db", db, "--map", "sf-etapas", history, deals); r.code != 0 ||
		!strings.Contains(r.stdout, "1 row closes its deal") {
		t.Fatalf("import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// cartera stage-history takes the same mapping, saved or as a file.
	for _, m := range []string{"sf-etapas", mapping} {
		if r := runBin(t, nil, "stage-history", "--db", db, "--map", m, history); r.code != 0 || !strings.Contains(r.stdout, "12 cambios de etapa") {
			t.Errorf("stage-history --map %s: exit %d\n%s%s", m, r.code, r.stdout, r.stderr)
		}
	}
	r = runBin(t, nil, "deal", "show", "--db", db, "salesforce-0065800000Kq1aD", "--as-of", "2026-10-10", "--format", "json")
	if !strings.Contains(r.stdout, `"stage": "proposal"`) || !strings.Contains(r.stdout, `"stage_since": "2026-10-01"`) {
		t.Errorf("as of 10 October:\n%s%s", r.stdout, r.stderr)
	}
}
