package web

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// historyText writes a deal's stored stage history as "day stage, …".
func historyText(t *testing.T, f *fixture, id string) string {
	t.Helper()
	h, err := f.st.StageHistory(bg, id)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, m := range h {
		parts = append(parts, m.Day.String()+" "+string(m.Stage))
	}
	return strings.Join(parts, ", ")
}

// The import page takes a stage history beside the deals it belongs to,
// recognised by its header as the command line does: a bad row stops
// everything at its file:line:column, a dry run says what it would read,
// and the import records the moves.
func TestImportPageTakesAStageHistory(t *testing.T) {
	f := newFixture(t)
	m := f.signIn("manager")
	csrf := m.csrf("/import")
	deals := "id;prospecto;importe;etapa;en_etapa_desde;creada\nO-H1;Acme;12.000,00;proposal;2026-10-01;2026-09-01\n"
	bad := "oportunidad;fecha;etapa\nO-H1;2026-09-01;lead\nO-NADA;2026-09-10;qualified\n"
	res, page := m.pageUpload(csrf, map[string]string{"oportunidades.csv": deals, "etapas.csv": bad}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "etapas.csv:3:1") {
		t.Fatalf("bad history: %d\n%s", res.StatusCode, page)
	}
	if _, err := f.st.Deal(bg, "O-H1"); err == nil {
		t.Fatal("the deal of a failed import was written")
	}
	good := "oportunidad;fecha;etapa\nO-H1;2026-09-01;lead\nO-H1;2026-10-01;proposal\n"
	res, page = m.pageUpload(csrf, map[string]string{"oportunidades.csv": deals, "etapas.csv": good}, map[string]string{"dry_run": "1"})
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "etapas.csv → historial de etapas: 2 filas") {
		t.Fatalf("dry run: %d\n%s", res.StatusCode, page)
	}
	if _, err := f.st.Deal(bg, "O-H1"); err == nil {
		t.Fatal("a dry run wrote the deal")
	}
	if res, page = m.pageUpload(csrf, map[string]string{"oportunidades.csv": deals, "etapas.csv": good}, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("import: %d\n%s", res.StatusCode, page)
	}
	if got := historyText(t, f, "O-H1"); got != "2026-09-01 lead, 2026-10-01 proposal" {
		t.Errorf("history: %s", got)
	}
}

// The API reads a CRM's history export through a mapping sent with it,
// and says which rows closed a deal.
func TestImportAPITakesAMappedStageHistory(t *testing.T) {
	f := newFixture(t)
	read := func(parts ...string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(append([]string{"..", "testdata"}, parts...)...))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	res, body := f.apiUpload("manager", "/api/v1/import", map[string]string{
		"OpportunityHistory.csv": read("mappings", "salesforce-historial-etapas.csv"),
		"salesforce-en.csv":      read("vendors", "salesforce-en.csv"),
	}, map[string]string{"mapping": read("mappings", "salesforce-historial-etapas.json")})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"entity":"stage_history"`) || !strings.Contains(body, `"closing_rows":1`) {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	if got := historyText(t, f, "salesforce-0065800000Kq1aE"); got != "2026-05-19 lead, 2026-06-02 proposal" {
		t.Errorf("history: %s", got)
	}
}
