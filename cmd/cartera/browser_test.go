package main_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serveProcess runs the real binary: cartera serve on a loopback port.
type serveProcess struct {
	url   string
	setup string // the first-run link, if printed
}

func startServe(t *testing.T, args ...string) *serveProcess {
	t.Helper()
	port := freePort(t)
	home := t.TempDir()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port)}, args...)...)
	cmd.Env = append(baseEnv(home), "XDG_DATA_HOME="+filepath.Join(home, "data"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM) // graceful, as systemd would stop it
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("cartera serve did not stop on SIGTERM")
		}
	})
	p := &serveProcess{url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("cartera serve exited")
			}
			if i := strings.Index(l, "/setup?token="); i >= 0 {
				p.setup = strings.TrimSpace(l)
			}
			if strings.Contains(l, "127.0.0.1") && (strings.Contains(l, "escucha") || strings.Contains(l, "listening")) && len(args) > 0 && args[0] == "--demo" {
				go func() {
					for range lines {
					}
				}()
				return p
			}
			if p.setup != "" {
				go func() {
					for range lines {
					}
				}()
				return p
			}
		case <-timeout:
			t.Fatal("cartera serve printed no setup link")
		}
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserFirstRunImportReviewAndIncident walks through the app as a
// new owner would: create the account from the setup link, sign in, import
// a file with an error (nothing is written), import the real files, read a
// client's verdict, log an incident from a phone and see the verdict
// change, and switch to English.
func TestBrowserFirstRunImportReviewAndIncident(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	d := startDriver(t)
	srv := startServe(t, "--db", filepath.Join(t.TempDir(), "c.db"))
	if srv.setup == "" {
		t.Fatal("no setup link")
	}

	// First run: the owner account.
	d.open(srv.setup)
	d.typeInto("#name", "Marta Ferrer")
	d.typeInto("#email", "marta@ejemplo.es")
	d.typeInto("#password", "una clave bien larga")
	d.typeInto("#password2", "una clave bien larga")
	auditPage(t, d, "es", "setup", 1440)
	d.screenshot("setup-1440")
	d.click("main button[type=submit]")
	d.waitText("h1", "Tu cartera")
	d.waitText(".flash", "Bienvenida")

	// Sign out and back in.
	d.click("header form button")
	d.waitText("h1", "Entrar")
	auditPage(t, d, "es", "login", 1440)
	d.screenshot("login-1440")
	d.resize(375, 812)
	auditPage(t, d, "es", "login", 375)
	d.screenshot("login-375")
	d.resize(1440, 1000)
	d.typeInto("#email", "MARTA@ejemplo.es")
	d.typeInto("#password", "una clave bien larga")
	d.click("main button[type=submit]")
	d.waitText("h1", "Tu cartera")
	// A signed-in user's navigation, name and sign-out button fit on one
	// line at 1440 px (the demo has no sign-out button).
	if h, _ := d.eval(`return document.querySelector("header.top .bar").getBoundingClientRect().height`).(float64); h > 64 {
		t.Errorf("the top bar wraps at 1440 px: %v px tall", h)
	}

	// An import with an error writes nothing and says where.
	files := t.TempDir()
	demoDir := filepath.Join(files, "demo")
	if r := runBin(t, nil, "demo", "--out", demoDir, "--as-of", testClock().Format("2006-01-02")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	bad := writeFile(t, files, "facturas.csv", "id;cliente;emitida;vence;importe\nF-1;C-001;05/01/2026;04/02/2026;10\nF-2;C-001;05/13/2026;04/02/2026;10\n")
	d.open(srv.url + "/import")
	d.typeInto("#files", filepath.Join(demoDir, "clientes.csv")+"\n"+bad)
	d.click("form[enctype] button[type=submit]")
	got := d.waitText("table", "facturas.csv:3:3")
	if !strings.Contains(got, "emitida") {
		t.Errorf("the problem names the column: %q", got)
	}
	d.screenshot("import-error-1440")
	d.open(srv.url + "/clients")
	d.waitText("main", "Ningún cliente")

	// The real files.
	d.open(srv.url + "/import")
	var all []string
	for _, n := range []string{"clientes", "contactos", "facturas", "horas", "concesiones", "incidencias"} {
		all = append(all, filepath.Join(demoDir, n+".csv"))
	}
	d.typeInto("#files", strings.Join(all, "\n"))
	d.click("form[enctype] button[type=submit]")
	d.waitText("#ok-title", "Importado: 6 ficheros")
	d.screenshot("import-ok-1440")

	// The dashboard, the list, and a client's reasons.
	d.open(srv.url + "/dashboard")
	d.waitText("main", "Qué hacer hoy")
	d.find("svg.chart circle")
	d.screenshot("dashboard-1440")
	d.open(srv.url + "/clients?q=talleres")
	d.screenshot("clients-1440")
	d.click("td.main a")
	d.waitText("h1", "Talleres Ruiz")
	reasons := d.text("#verdict")
	if !strings.Contains(reasons, "Renegociar") || !strings.Contains(reasons, "facturas") {
		t.Errorf("verdict and reasons: %q", reasons)
	}
	d.screenshot("client-1440")
	clientURL := d.url()

	// On a phone: log a threat, and the verdict turns.
	d.resize(375, 812)
	d.open(clientURL)
	d.screenshot("client-375")
	d.click("#log-incident")
	d.waitText("h1", "Registrar un incidente")
	d.screenshot("incident-375")
	d.click("label[for=k-threat]")
	d.click("label[for=s-5]")
	d.typeInto("#note", "Amenaza con no pagar y hundirnos en redes")
	d.click("main form button[type=submit]")
	d.waitText(".flash", "Incidente registrado")
	if v := d.text("#verdict"); !strings.Contains(v, "Terminar la relación") {
		t.Errorf("after the threat: %q", v)
	}
	d.screenshot("client-after-incident-375")
	d.open(srv.url + "/dashboard")
	d.screenshot("dashboard-375")
	d.open(srv.url + "/settings")
	d.screenshot("settings-375")

	// Switch to English from the footer.
	d.resize(1440, 1000)
	d.open(clientURL)
	d.eval(`document.getElementById("lang").value = "en"`)
	d.click("footer button")
	d.waitText("#verdict", "End the relationship")
	if h := d.text("h1"); h != "Talleres Ruiz" {
		t.Errorf("the same page after switching: %q", h)
	}
	d.open(srv.url + "/settings")
	d.screenshot("settings-1440")
}

// TestBrowserPipelineBoard opens the demo's pipeline board on a desktop
// and a phone: the stages side by side, then stacked; deals nobody has
// checked carry the badge; the list of deals to check is there; nothing
// scrolls sideways.
func TestBrowserPipelineBoard(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	d := startDriver(t)
	srv := startServe(t, "--demo")
	for _, w := range []int{1440, 375} {
		d.resize(w, 900)
		d.open(srv.url + "/pipeline")
		d.waitText("h1", "Ventas en curso")
		if n, _ := d.eval("return document.querySelectorAll('.board .column').length").(float64); n != 4 {
			t.Errorf("%d px: %v columns, want the 4 stages", w, n)
		}
		if got := d.text(".board .column:first-child h2"); !strings.Contains(strings.ToLower(got), "contacto inicial") {
			t.Errorf("%d px: the first column is %q", w, got)
		}
		if got := d.text(".board .deal-card.is-stale .badge.stale"); got != "sin comprobar" {
			t.Errorf("%d px: stale badge %q", w, got)
		}
		if got := d.text("#checks"); !strings.Contains(got, "Comprobar cómo está ahora") || !strings.Contains(got, "días sin noticias") {
			t.Errorf("%d px: deals to check: %q", w, got)
		}
		// Side by side on a desktop, one under the other on a phone.
		stacked, _ := d.eval(`var c = document.querySelectorAll('.board .column');
			return c[1].getBoundingClientRect().top >= c[0].getBoundingClientRect().bottom`).(bool)
		if stacked != (w < 600) {
			t.Errorf("%d px: columns stacked = %v", w, stacked)
		}
		over, _ := d.eval("return document.documentElement.scrollWidth - window.innerWidth").(float64)
		if over > 1 {
			t.Errorf("%d px: the board scrolls sideways by %v px", w, over)
		}
		d.screenshot(fmt.Sprintf("pipeline-board-%d", w))
	}
	// A card leads to its deal.
	d.resize(1440, 900)
	d.open(srv.url + "/pipeline")
	d.click(".board .deal-card h3 a")
	d.waitText("#why", "fundado")
}

// TestBrowserWonNeedsEvidence tries to close a demo deal as won with only
// promises on it: the explanation appears in the form and the deal stays
// open. Then, from a phone, a signed contract is recorded and the deal
// closes as won.
func TestBrowserWonNeedsEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	d := startDriver(t)
	srv := startServe(t, "--demo")
	deal := srv.url + "/pipeline/deals/O-0002"
	d.open(deal)
	d.waitText("h1", "Portal de clientes")
	d.click("label[for=out-won]")
	d.click("#close button[type=submit]")
	got := d.waitText("#close-error", "no se puede dar por ganada sin una prueba")
	if !strings.Contains(got, "intención verbal") {
		t.Errorf("the refusal suggests recording the yes as a signal: %q", got)
	}
	if s := d.text("#status"); !strings.Contains(s, "abierta") {
		t.Errorf("after the refusal the deal is %q", s)
	}
	d.screenshot("deal-won-refused-1440")
	// The offer to save the yes as a signal preselects it.
	d.click("#close-error a")
	d.find("#signal")
	if on, _ := d.eval(`return document.getElementById("sk-verbal_intent").checked`).(bool); !on {
		t.Errorf("verbal intent is not preselected")
	}

	d.resize(375, 812)
	d.open(deal)
	d.click("label[for=sk-contract_signed]")
	d.eval(`document.getElementById("sig-source").value = "document"`)
	d.typeInto("#sig-note", "Contrato firmado por la gerente")
	d.click("#signal button[type=submit]")
	d.waitText(".flash", "Señal registrada")
	if ev := d.text("#evidence"); !strings.Contains(ev, "Contrato firmado") {
		t.Errorf("evidence: %q", ev)
	}
	d.click("label[for=out-won]")
	d.click("#close button[type=submit]")
	d.waitText(".flash", "Oportunidad cerrada")
	if s := d.text("#status"); !strings.Contains(s, "ganada") {
		t.Errorf("after the contract the deal is %q", s)
	}
	d.screenshot("deal-won-375")
}

// TestBrowserMappingStep imports a deals spreadsheet cartera does not
// know: the import page sends it to the mapping step, where its columns
// and its stages are chosen in the form; the first rows appear as they
// will be imported; the import runs; the deals are on the pipeline board.
// The step is also checked on a phone.
func TestBrowserMappingStep(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	d := startDriver(t)
	srv := startServe(t, "--demo")
	sheet := writeFile(t, t.TempDir(), "seguimiento-ventas.csv",
		"Ref;Cuenta;Asunto;Vendedor;Euros;Situación;Fecha alta;Cierre\n"+
			"SV-1;Talleres Ruiz;Renovación flota tracker;Lucía Ferrer;480.000,00;Hablando;12/01/2026;\n"+
			"SV-2;Óptica Nueva;Migración ERP tracker;Andrés Molina;950.000,00;Oferta enviada;02/09/2026;15/12/2026\n"+
			"SV-3;Panadería Gil;Tienda online tracker;Lucía Ferrer;2.100,50;Cerrado OK;05/03/2026;20/04/2026\n"+
			"SV-4;Asesoría Prieto;Facturas tracker;Carmen Ortega;4.800,00;oferta enviada;14/07/2026;\n")

	// The plain import does not know the file: the mapping step opens.
	d.open(srv.url + "/import")
	d.typeInto("#files", sheet)
	d.click("form[enctype] button[type=submit]")
	d.waitText("h1", "Qué es cada columna")
	if why := d.text("#why"); !strings.Contains(why, "no reconoce") {
		t.Errorf("the reason: %q", why)
	}
	// The reference and the account were guessed; the rest is chosen.
	if v, _ := d.eval(`return document.getElementById("col-0").value + "," + document.getElementById("col-1").value`).(string); v != "id,company" {
		t.Errorf("suggested %q", v)
	}
	d.eval(`var set = function (id, v) { document.getElementById(id).value = v; };
		set("col-2", "title"); set("col-3", "owner"); set("col-4", "value"); set("col-5", "stage"); set("col-6", "created");`)
	d.screenshot("import-map-columns-1440")
	d.click("button[name=action][value=preview]")
	// The stage column's values, each to a stage; one suggested.
	d.waitText("#stages", "Oferta enviada")
	if v, _ := d.eval(`return document.getElementById("stage-1").value`).(string); v != "proposal" {
		t.Errorf("suggested stage for «Oferta enviada»: %q", v)
	}
	if got := d.text("#preview"); !strings.Contains(got, "Hablando") {
		t.Errorf("the unmapped stage is named: %q", got)
	}
	d.eval(`document.getElementById("stage-0").value = "qualified"; document.getElementById("stage-2").value = "won";`)
	d.click("button[name=action][value=preview]")
	rows := d.waitText("#preview-rows", "Migración ERP tracker")
	for _, want := range []string{"cliente C-001", "Óptica Nueva (aún no es cliente)", "950.000,00", "ganada"} {
		if !strings.Contains(rows, want) {
			t.Errorf("preview lacks %q: %q", want, rows)
		}
	}
	d.screenshot("import-map-preview-1440")

	// On a phone the same page stacks, nothing scrolls sideways.
	d.resize(375, 812)
	if over, _ := d.eval("return document.documentElement.scrollWidth - window.innerWidth").(float64); over > 1 {
		t.Errorf("the mapping step scrolls sideways by %v px on a phone", over)
	}
	d.screenshot("import-map-preview-375")
	d.resize(1440, 1000)

	// Save it for next time, then import.
	d.typeInto("#map-name", "seguimiento")
	d.click("button[name=action][value=save]")
	d.waitText(".flash", "Mapa guardado como «seguimiento»")
	d.click("#map-import")
	d.waitText("#ok-title", "4 filas")
	if got := d.text("main"); !strings.Contains(got, "leído como seguimiento") {
		t.Errorf("the summary names the mapping: %q", got)
	}
	d.screenshot("import-map-done-1440")

	// The open deals are on the board, in the stages chosen.
	d.open(srv.url + "/pipeline")
	board := d.waitText(".board", "Migración ERP tracker")
	if !strings.Contains(board, "Renovación flota tracker") {
		t.Errorf("the qualified deal is not on the board")
	}
	if got := d.eval(`var a = Array.from(document.querySelectorAll(".board .column")).find(function (c) {
			return c.textContent.indexOf("Migración ERP tracker") >= 0; });
		return a ? a.querySelector("h2").textContent : "";`); !strings.Contains(strings.ToLower(got.(string)), "propuesta") {
		t.Errorf("the deal is in column %q", got)
	}

	// The saved mapping is offered on the import page.
	d.open(srv.url + "/import")
	if got := d.text("#mapping"); !strings.Contains(got, "seguimiento") {
		t.Errorf("saved mappings: %q", got)
	}
}

// TestBrowserGuidedIncidentOnAPhone walks the guided flow on a phone held
// in one hand (390×844) with taps only: rate the incident, read the lines
// to separate the remark from the person and to take the reins back,
// answer that the proposal cannot be steered, close politely — and the
// incident is on the client's history.
func TestBrowserGuidedIncidentOnAPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	d := startDriver(t)
	srv := startServe(t, "--demo")
	d.resize(390, 844)
	// The scripts page: the copy button appears once the small script
	// runs under the page's CSP, and copies the plain script.
	d.open(srv.url + "/clients/C-005/script")
	d.waitText("h1", "Guion para")
	if shown, _ := d.eval(`return !document.querySelector("button[data-copy]").hidden`).(bool); !shown {
		t.Errorf("the copy button stays hidden: the script did not run")
	}
	d.open(srv.url + "/clients/C-008")
	d.click("#log-incident")
	d.waitText("h1", "Registrar un incidente")
	d.click("label[for=k-belittling]")
	d.click("label[for=s-4]")
	d.click("main form button[type=submit]")
	d.waitText(".flash", "Incidente registrado")
	d.waitText("#step", "Paso 1 de")
	d.screenshot("flow-1-triage-390")
	over, _ := d.eval("return document.documentElement.scrollWidth - window.innerWidth").(float64)
	if over > 1 {
		t.Errorf("the flow scrolls sideways by %v px", over)
	}
	// Every answer is a full-width button at least 48 px tall.
	if h, _ := d.eval(`return document.querySelector(".flow-choices a").getBoundingClientRect().height`).(float64); h < 48 {
		t.Errorf("the answer button is %v px tall", h)
	}
	d.click(".flow-choices a[data-step=separate]")
	d.waitText("#step", "Separa el comentario")
	if s := d.text("#step"); !strings.Contains(s, "«") {
		t.Errorf("no line to say: %q", s)
	}
	d.screenshot("flow-2-separate-390")
	d.click(".flow-choices a[data-step=refocus]")
	d.waitText("#step", "Paso 3 de")
	d.click(".flow-choices a[data-step=reins]")
	d.waitText("#step", "Recupera el control")
	d.click(".flow-choices a[data-step=redirect]")
	d.waitText("#step", "¿Se puede reconducir")
	d.screenshot("flow-5-redirect-390")
	d.click(".flow-choices a[data-step=close]")
	d.waitText("#step", "Cierra con educación")
	d.screenshot("flow-7-close-390")
	d.click(".flow-choices a[data-step=end]")
	d.waitText("h1", "Distribuciones Peña")
	if h := d.text("main"); !strings.Contains(h, "Menosprecio") {
		t.Errorf("the incident is not on the client's history")
	}
}

// TestBrowserLostDealChecklist closes a deal as lost from its page, opens
// the plan that starts with it, fills in the reconnect call's checklist
// and saves it; opened again, the plan shows the answers as recorded.
func TestBrowserLostDealChecklist(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	d := startDriver(t)
	srv := startServe(t, "--demo")
	d.open(srv.url + "/pipeline/deals/O-0002")
	d.waitText("h1", "Portal de clientes")
	d.click("label[for=out-lost]")
	d.typeInto("#lost-reason", "precio")
	d.typeInto("#competitor", "Agencia Norte")
	d.click("#close button[type=submit]")
	d.waitText(".flash", "Oportunidad cerrada")
	d.click("#plan-link")
	d.waitText("h1", "Plan tras el «no»")
	if tasks := d.text("#tasks"); !strings.Contains(tasks, "Recuperarse") || !strings.Contains(tasks, "Llamada tras el «no»") {
		t.Errorf("tasks: %q", tasks)
	}
	d.click("label[for=really_no-yes]")
	d.click("label[for=respected-yes]")
	d.click("label[for=competitor_won-yes]")
	d.typeInto("#rc-competitor", "Agencia Norte")
	d.typeInto("#rc-suggestions", "Enseñar antes un caso parecido")
	d.click("label[for=door_open-yes]")
	d.screenshot("plan-checklist-1440")
	d.click("#reconnect button[type=submit]")
	d.waitText(".flash", "Respuestas de la llamada guardadas")
	// Opened afresh, the answers are those recorded.
	d.open(d.url())
	d.waitText("#reconnect-saved", "Llamada registrada")
	for _, id := range []string{"really_no-yes", "respected-yes", "competitor_won-yes", "door_open-yes"} {
		if on, _ := d.eval(`return document.getElementById(arguments[0]).checked`, id).(bool); !on {
			t.Errorf("%s is not recorded", id)
		}
	}
	if v, _ := d.eval(`return document.getElementById("rc-suggestions").value`).(string); v != "Enseñar antes un caso parecido" {
		t.Errorf("suggestions: %q", v)
	}
	if s := d.text("#tasks"); !strings.Contains(s, "hecha el") {
		t.Errorf("the call's task is not done: %q", s)
	}
	d.resize(390, 844)
	d.open(d.url())
	d.find("#reconnect")
	over, _ := d.eval("return document.documentElement.scrollWidth - window.innerWidth").(float64)
	if over > 1 {
		t.Errorf("the plan scrolls sideways by %v px on a phone", over)
	}
	d.screenshot("plan-390")
}
