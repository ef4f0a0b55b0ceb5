package main_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
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

// The end-to-end case, on the real binary: a mailbox (mbox and
// Maildir), a calendar and e-invoices imported in one command turn into
// signals, unanswered-outreach flags, time entries, invoices and a review
// and forecast whose reasons cite them; the candidates wait for review.
func TestCaptureMailCalendarAndInvoicesEndToEnd(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	env := []string{"CARTERA_NOW=2026-12-02T12:00:00Z"}
	c := func(f string) string { return testdata("capture", f) }
	run := func(args ...string) result {
		t.Helper()
		r := runBin(t, env, append(args, "--db", db)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r
	}
	run("import", c("clientes.csv"), c("contactos.csv"), c("oportunidades.csv"))
	run("match", "self", "domain", "agencia.example")
	run("match", "add", "tax_id", "ES-B12345674", "C-001")
	run("match", "meetings", "*", "non_billable")
	files := []string{c("correo.mbox"), c("maildir"), c("agenda.ics"), c("facturae-2026-017.xml"), c("ubl-F-2026-042.xml"),
		c("ubl-abono-AB-2026-003.xml")}
	// A dry run says what it would do, and does nothing.
	r := run(append([]string{"import", "--dry-run"}, files...)...)
	for _, want := range []string{"se crearían: 14 señales", "se crearían: 4 facturas", "se crearían: 3 horas",
		"+ Sin respuesta · D-003 · 12 nov 2026 · correo.mbox", "+ Reunión celebrada · D-001 · 3 nov 2026 · agenda.ics"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := run("deal", "show", "D-003"); strings.Contains(r.stdout, "Sin respuesta") {
		t.Fatalf("the dry run wrote signals:\n%s", r.stdout)
	}
	r = run(append([]string{"import"}, files...)...)
	for _, want := range []string{"creados: 14 señales", "creados: 4 facturas", "creados: 3 horas", "creados: 2 concesiones",
		"C-003: 1 mensaje · sin respuesta desde hace 20 días", "2 posibles incidentes esperan tu revisión"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("import lacks %q:\n%s", want, r.stdout)
		}
	}
	// Again: nothing changes.
	if r = run(append([]string{"import"}, files...)...); strings.Contains(r.stdout, "creados:") || !strings.Contains(r.stdout, "sin cambios: 14 señales") {
		t.Errorf("re-import:\n%s", r.stdout)
	}
	// The forecast's reasons cite the unanswered outreach and the meetings.
	var deal struct {
		Assessment struct {
			Unanswered int `json:"unanswered_days"`
			Factors    []struct {
				Reason struct {
					Code string `json:"code"`
					Text string `json:"text"`
				} `json:"reason"`
			} `json:"factors"`
		} `json:"assessment"`
	}
	// In this order: the check after the loop reads D-001's answer.
	for _, c := range []struct {
		id   string
		want []string
	}{{"D-003", []string{"forecast.f.no_reply", "Aplazada"}}, {"D-001", []string{"Reunión celebrada", "Reunión con quien decide"}}} {
		id, want := c.id, c.want
		r = run("deal", "show", id, "--format", "json")
		if err := json.Unmarshal([]byte(r.stdout), &deal); err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, f := range deal.Assessment.Factors {
			all = append(all, f.Reason.Code+" "+f.Reason.Text)
		}
		for _, w := range want {
			if !strings.Contains(strings.Join(all, "\n"), w) {
				t.Errorf("%s: reasons lack %q:\n%s", id, w, strings.Join(all, "\n"))
			}
		}
	}
	if deal.Assessment.Unanswered != 14 { // D-001: the contract sent on 18 November
		t.Errorf("D-001 unanswered days = %d", deal.Assessment.Unanswered)
	}
	// The review's reasons cite the invoices; a confirmed candidate becomes
	// an incident it cites too.
	var q []struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	}
	r = run("candidates", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &q); err != nil || len(q) != 2 {
		t.Fatalf("candidates: %v\n%s", err, r.stdout)
	}
	for _, cand := range q {
		if cand.Kind == "out_of_hours" {
			run("candidates", "confirm", cand.ID, "--severity", "2")
		} else {
			run("candidates", "dismiss", cand.ID)
		}
	}
	var doc struct {
		Clients []struct {
			ID       string `json:"id"`
			Reasons  []struct{ Code, Text string }
			Breaches []struct{ Code, Text string }
		} `json:"clients"`
	}
	if err := json.Unmarshal([]byte(run("review", "--format", "json").stdout), &doc); err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, cl := range doc.Clients {
		for _, rs := range append(cl.Reasons, cl.Breaches...) {
			reasons[cl.ID] += rs.Code + " " + rs.Text + "\n"
		}
	}
	for id, want := range map[string][]string{
		"C-001": {"reason.overdue", "1.080,00", "15 oct 2026"},
		"C-002": {"breach.off_limits", "horario protegido: Exigencias fuera de horario, 15 nov 2026, 22:40"},
	} {
		for _, w := range want {
			if !strings.Contains(reasons[id], w) {
				t.Errorf("%s: review reasons lack %q:\n%s", id, w, reasons[id])
			}
		}
	}
}

// A calendar subscription from the command line: its address is sealed
// with a key next to the database, and a refresh captures it.
func TestSubscribeAndRefreshACalendar(t *testing.T) {
	t.Parallel()
	ics, err := os.ReadFile(testdata("capture", "agenda.ics"))
	if err != nil {
		t.Fatal(err)
	}
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(ics) }))
	defer feed.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	env := []string{"CARTERA_NOW=2026-11-25T12:00:00Z"}
	c := func(f string) string { return testdata("capture", f) }
	for _, args := range [][]string{
		{"import", c("clientes.csv"), c("contactos.csv"), c("oportunidades.csv")},
		{"match", "self", "domain", "agencia.example"},
		{"subscribe", "add", "agenda", "--ics", feed.URL + "/privado-9f2c/basic.ics", "--every", "30m"},
	} {
		if r := runBin(t, env, append(args, "--db", db)...); r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	if b, err := os.ReadFile(db + ".key"); err != nil || len(b) < 40 {
		t.Fatalf("key file: %v", err)
	}
	r := runBin(t, env, "subscribe", "refresh", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "agenda: actualizada") || !strings.Contains(r.stdout, "creados: 6 señales") {
		t.Fatalf("refresh: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, env, "subscribe", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "agenda · ics · 127.0.0.1") || strings.Contains(r.stdout, "privado-9f2c") {
		t.Fatalf("list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
