package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
)

// The import summary counts files and rows each in its own grammatical
// number ("1 fichero, 2 filas"), and says what a mapping left out.
func TestImportSummaryCountsFilesAndRowsApart(t *testing.T) {
	t.Parallel()
	one := &csvio.Report{Rows: 2, Files: []csvio.FileReport{{Name: "cuentas.csv", Entity: cartera.EntityClients, Format: "csv",
		Encoding: "utf-8", Rows: 2, Filtered: 1, FilteredBy: []string{"owner = Test User"}}}}
	two := &csvio.Report{Rows: 1, DryRun: true, Files: []csvio.FileReport{
		{Name: "a.csv", Entity: cartera.EntityClients, Format: "csv", Encoding: "utf-8", Rows: 1},
		{Name: "b.csv", Entity: cartera.EntityInvoices, Format: "csv", Encoding: "utf-8"}}}
	// A sheet has no encoding to name.
	sheet := &csvio.Report{Rows: 2, Files: []csvio.FileReport{{Name: "hoja.xlsx:Clientes", Entity: cartera.EntityClients, Format: "xlsx", Rows: 2}}}
	tests := []struct {
		lang      i18n.Lang
		rep       *csvio.Report
		want, not []string
	}{
		{i18n.ES, one, []string{"Importado: 1 fichero, 2 filas en 1s.", "1 fila omitida, como pide el mapeo, por cumplir: owner = Test User"}, []string{"ficheros"}},
		{i18n.EN, one, []string{"Imported: 1 file, 2 rows in 1s.", "1 row left out, as the mapping asks, for matching: owner = Test User"}, []string{"files"}},
		{i18n.ES, two, []string{"Comprobado sin escribir nada: 2 ficheros, 1 fila, todo correcto"}, []string{"filas,"}},
		{i18n.EN, two, []string{"Checked without writing anything: 2 files, 1 row, all valid", "a.csv → clients: 1 row (CSV, UTF-8)"}, []string{"rows,"}},
		{i18n.ES, sheet, []string{"hoja.xlsx:Clientes → clientes: 2 filas (XLSX)"}, []string{", )"}},
		{i18n.EN, sheet, []string{"hoja.xlsx:Clientes → clients: 2 rows (XLSX)"}, []string{", )"}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := report.WriteImport(&b, tt.rep, nil, time.Second, "EUR", i18n.New(tt.lang, nil)); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: no %q in\n%s", tt.lang, w, b.String())
			}
		}
		for _, n := range tt.not {
			if strings.Contains(b.String(), n) {
				t.Errorf("%s: %q in\n%s", tt.lang, n, b.String())
			}
		}
	}
}

// A tracker's project that no rule places is named with the tracker's own
// client when the export has one, and without empty brackets when not;
// candidates say their state in the reader's language.
func TestTrackerProjectsAndCandidateStates(t *testing.T) {
	t.Parallel()
	rep := &csvio.Report{Rows: 3, Files: []csvio.FileReport{{Name: "toggl.csv", Entity: cartera.EntityTime, Format: "csv", Encoding: "utf-8", Rows: 3,
		Unmatched: []csvio.TrackerMatch{{Project: "Formación interna", Rows: 1}, {Project: "Web", Client: "Talleres", Rows: 2}}}}}
	cands := []cartera.Candidate{{ID: "c1", ClientID: "C-002", Kind: cartera.KindScopeCreep, Status: cartera.CandidatePending,
		Reason: cartera.M("candidate.protected_hours", "at", time.Date(2026, 11, 15, 21, 40, 0, 0, time.UTC))}}
	for _, tt := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.ES, []string{"proyecto «Formación interna» sin cliente: 1 fila", "proyecto «Web» (Talleres) sin cliente: 2 filas", "c1 · C-002 · Trabajo fuera del alcance · pendiente"}},
		{i18n.EN, []string{"project \"Formación interna\" has no client: 1 row", "project \"Web\" (Talleres) has no client: 2 rows", "c1 · C-002 · Scope creep · pending"}},
	} {
		var b bytes.Buffer
		if err := report.WriteImport(&b, rep, nil, time.Second, "EUR", i18n.New(tt.lang, nil)); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteCandidates(&b, cands, i18n.New(tt.lang, nil)); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: no %q in\n%s", tt.lang, w, b.String())
			}
		}
		if strings.Contains(b.String(), "()") {
			t.Errorf("%s: empty brackets in\n%s", tt.lang, b.String())
		}
	}
}
