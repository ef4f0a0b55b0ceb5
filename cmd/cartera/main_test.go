package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/clock"
)

// binary is the cartera binary built once for the end-to-end tests, the
// way a user builds it: CGO_ENABLED=0.
var binary string

// testClock is the tests' one clock, read as the binary reads its own:
// the wall clock, or CARTERA_NOW's when it is set (CI runs the suite again
// with the clock moved years ahead). baseEnv passes it to the binary.
var testClock cartera.Clock

func TestMain(m *testing.M) {
	touchSources()
	var err error
	if testClock, err = clock.FromEnv(os.Getenv); err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "cartera-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "cartera")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// touchSources reads every source file of the module. Go's test cache
// remembers the files a test opens, so a change anywhere in the code the
// binary is built from reruns these tests instead of reusing a result.
func touchSources() {
	filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && d.Name() != ".." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		switch filepath.Ext(path) {
		case ".go", ".sql", ".json", ".html", ".css", ".js":
			os.ReadFile(path)
		}
		return nil
	})
}

type result struct {
	stdout, stderr string
	code           int
}

// baseEnv is the environment every run of the binary starts from: a
// home of its own, the PATH, and the moved clock when there is one.
func baseEnv(home string) []string {
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	if v := os.Getenv(clock.Env); v != "" {
		env = append(env, clock.Env+"="+v)
	}
	return env
}

// cartera runs the binary with a clean environment: no user database, no
// colour, Spanish unless asked.
func runBin(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), binary, args...)
	home := t.TempDir()
	cmd.Env = append(append(baseEnv(home), "XDG_DATA_HOME="+filepath.Join(home, "data")), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

type reviewDoc struct {
	AsOf    string `json:"as_of"`
	Clients []struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Verdict string `json:"verdict"`
		Reasons []struct {
			Code string `json:"code"`
			Text string `json:"text"`
		} `json:"reasons"`
	} `json:"clients"`
	Portfolio struct {
		Clients   int            `json:"clients"`
		ByVerdict map[string]int `json:"by_verdict"`
		Attention struct {
			Neglected []struct{ Name string } `json:"neglected"`
			Pampered  []struct{ Name string } `json:"pampered"`
		} `json:"attention"`
	} `json:"portfolio"`
}

func decodeReview(t *testing.T, r result) reviewDoc {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc reviewDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, r.stdout)
	}
	return doc
}

// The demo portfolio's named clients each show one pattern and must earn
// their verdicts.
var demoVerdicts = map[string]string{
	"Talleres Ruiz":              "renegotiate", // chronic late payer
	"Estudio Vidal Arquitectos":  "renegotiate", // the diva
	"Panadería Hermanos Gil":     "boundaries",  // family friend, free hours and discounts
	"Grupo Cárnico Salazar":      "end",         // escalating yeller
	"Inmobiliaria Costa Dorada":  "boundaries",  // does not listen
	"Laboratorios Miralles":      "keep",        // valuable, neglected
	"Hoteles Brisa Mediterránea": "keep",
	"Distribuciones Peña":        "renegotiate", // loud and pampered
	"Óptica Lumen":               "boundaries",
	"Construcciones Benítez":     "end", // a threat
	"Reformas Castillo":          "end", // loses money and pays late
	"Asesoría Navarro":           "keep",
	"Autoescuela Rápida":         "renegotiate", // thin margin
	"Hostal Las Dunas":           "boundaries",  // weekend demands
	"Transportes Iglesias":       "boundaries",  // slow payer
	"Clínica Dental Arenal":      "keep",
}

func TestDemoVerdicts(t *testing.T) {
	t.Parallel()
	doc := decodeReview(t, runBin(t, nil, "review", "--demo", "--as-of", "2026-11-25", "--format", "json"))
	if doc.AsOf != "2026-11-25" || doc.Portfolio.Clients != 49 || len(doc.Clients) != 49 {
		t.Fatalf("as of %s, %d clients", doc.AsOf, len(doc.Clients))
	}
	got := map[string]string{}
	for _, c := range doc.Clients {
		got[c.Name] = c.Verdict
		if len(c.Reasons) == 0 {
			t.Errorf("%s has a verdict without reasons", c.Name)
		}
	}
	for name, want := range demoVerdicts {
		if got[name] != want {
			t.Errorf("%s: verdict %q, want %q", name, got[name], want)
		}
	}
	for _, v := range []string{"end", "renegotiate", "boundaries", "keep"} {
		if doc.Portfolio.ByVerdict[v] == 0 {
			t.Errorf("the demo must show every verdict; none is %s", v)
		}
	}
	names := func(xs []struct{ Name string }) string {
		var out []string
		for _, x := range xs {
			out = append(out, x.Name)
		}
		return strings.Join(out, ", ")
	}
	if n := names(doc.Portfolio.Attention.Neglected); !strings.Contains(n, "Laboratorios Miralles") || !strings.Contains(n, "Hoteles Brisa Mediterránea") {
		t.Errorf("neglected valuable clients: %s", n)
	}
	if n := names(doc.Portfolio.Attention.Pampered); !strings.Contains(n, "Distribuciones Peña") || !strings.Contains(n, "Óptica Lumen") {
		t.Errorf("loud pampered clients: %s", n)
	}
}

func TestOneClientInEnglish(t *testing.T) {
	t.Parallel()
	r := runBin(t, nil, "review", "--demo", "--as-of", "2026-11-25", "--client", "Talleres Ruiz", "--lang", "en", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var c struct {
		Name        string `json:"name"`
		Verdict     string `json:"verdict"`
		VerdictText string `json:"verdict_text"`
		Reasons     []struct {
			Code string `json:"code"`
			Text string `json:"text"`
		} `json:"reasons"`
		Contacts []struct{ Name string } `json:"contacts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatal(err)
	}
	if c.Verdict != "renegotiate" || c.VerdictText != "Renegotiate" || len(c.Contacts) == 0 {
		t.Errorf("%+v", c)
	}
	if c.Reasons[0].Code != "reason.late_payments" || !strings.Contains(c.Reasons[0].Text, "invoices paid") {
		t.Errorf("first reason %+v", c.Reasons[0])
	}
	// Part of a name works too, ignoring accents.
	r = runBin(t, nil, "review", "--demo", "--as-of", "2026-11-25", "--client", "carnico")
	if r.code != 0 || !strings.Contains(r.stdout, "Grupo Cárnico Salazar") || !strings.Contains(r.stdout, "Terminar la relación") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "review", "--demo", "--client", "nadie así")
	if r.code != 1 || !strings.Contains(r.stderr, "Ningún cliente") {
		t.Errorf("unknown client: exit %d, %s", r.code, r.stderr)
	}
}

func TestTextReportIsPlainWithoutATerminal(t *testing.T) {
	t.Parallel()
	r := runBin(t, nil, "review", "--demo", "--as-of", "2026-11-25")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("escape codes written to a pipe")
	}
	for _, want := range []string{"Revisión de la cartera a 25 nov 2026", "TERMINAR LA RELACIÓN (5)", "LÍNEAS ROJAS CRUZADAS", "LOS MÁS RUIDOSOS"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestImportReviewExportRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := filepath.Join(dir, "demo")
	db := filepath.Join(dir, "cartera.db")
	if r := runBin(t, nil, "demo", "--out", files, "--as-of", "2026-11-25"); r.code != 0 {
		t.Fatalf("demo: %s", r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	if len(csvs) != 8 {
		t.Fatalf("demo wrote %v", csvs)
	}
	args := append([]string{"import", "--db", db}, csvs...)
	r := runBin(t, nil, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "Importado: 8 ficheros") {
		t.Fatalf("import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Importing the same files again changes nothing.
	if r := runBin(t, nil, args...); r.code != 0 {
		t.Fatalf("re-import: %s", r.stderr)
	}
	// CARTERA_DB selects the database as --db does.
	doc := decodeReview(t, runBin(t, []string{"CARTERA_DB=" + db}, "review", "--as-of", "2026-11-25", "--format", "json"))
	for _, c := range doc.Clients {
		if want, ok := demoVerdicts[c.Name]; ok && c.Verdict != want {
			t.Errorf("%s: %s after import, want %s", c.Name, c.Verdict, want)
		}
	}
	// Export, import the export elsewhere, export again: identical files.
	for _, format := range []string{"csv", "json"} {
		out1, out2, db2 := filepath.Join(dir, format+"1"), filepath.Join(dir, format+"2"), filepath.Join(dir, format+".db")
		if r := runBin(t, nil, "export", "--db", db, "--format", format, out1); r.code != 0 {
			t.Fatalf("export: %s", r.stderr)
		}
		exported, _ := filepath.Glob(filepath.Join(out1, "*"))
		if r := runBin(t, nil, append([]string{"import", "--db", db2}, exported...)...); r.code != 0 {
			t.Fatalf("import export: %s", r.stderr)
		}
		if r := runBin(t, nil, "export", "--db", db2, "--format", format, out2); r.code != 0 {
			t.Fatalf("export again: %s", r.stderr)
		}
		for _, f := range exported {
			a, _ := os.ReadFile(f)
			b, err := os.ReadFile(filepath.Join(out2, filepath.Base(f)))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s: export → import → export is not identical", filepath.Base(f))
			}
		}
	}
}

func TestBadImportWritesNothingAndSaysWhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	good := filepath.Join(dir, "clientes.csv")
	bad := filepath.Join(dir, "facturas.csv")
	os.WriteFile(good, []byte("id;nombre\nC1;Talleres Ruiz\n"), 0o644)
	os.WriteFile(bad, []byte("id;cliente;emitida;vence;importe\nF1;C1;05/01/2026;04/02/2026;1.210,00\nF2;C2;05/02/2026;31/02/2026;12\n"), 0o644)
	r := runBin(t, nil, "import", "--db", db, good, bad)
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{"facturas.csv:3:2: cliente:", "facturas.csv:3:4: vence:", "2 problemas: no se ha importado nada"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	r = runBin(t, nil, "review", "--db", db)
	if !strings.Contains(r.stdout, "La cartera está vacía") {
		t.Errorf("the failed import left data behind:\n%s", r.stdout)
	}
	r = runBin(t, []string{"CARTERA_LANG=en"}, "import", "--db", db, "--dry-run", good)
	if r.code != 0 || !strings.Contains(r.stdout, "Checked without writing anything") {
		t.Errorf("dry run: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestPolicyCommand(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	r := runBin(t, nil, "policy", "--db", db, "set", "max_days_late=45", "off_limits=dom 18:00-24:00", "slower_days=10")
	if r.code != 0 || !strings.Contains(r.stdout, "Política guardada") || !strings.Contains(r.stdout, "dom 18:00-24:00") {
		t.Fatalf("set: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "policy", "--db", db, "--format", "json")
	if !strings.Contains(r.stdout, `"max_days_late": 45`) || !strings.Contains(r.stdout, `"slower_days": 10`) {
		t.Errorf("json: %s", r.stdout)
	}
	for _, bad := range []string{"max_severity=9", "slower_min_invoices=1"} {
		r = runBin(t, nil, "policy", "--db", db, "set", bad)
		if key, _, _ := strings.Cut(bad, "="); r.code != 1 || !strings.Contains(r.stderr, key) {
			t.Errorf("invalid value %s: %d %s", bad, r.code, r.stderr)
		}
	}
	r = runBin(t, nil, "policy", "--db", db, "reset", "max_days_late")
	if r.code != 0 || !strings.Contains(r.stdout, "max_days_late              30") {
		t.Errorf("reset: %s %s", r.stdout, r.stderr)
	}
	// The demo's policy: the demo is built as of today, not as of day zero.
	r = runBin(t, nil, "policy", "--demo")
	if r.code != 0 || !strings.Contains(r.stdout, "max_days_late") {
		t.Errorf("demo: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Uso: cartera <orden>"},
		{[]string{"help"}, 0, "Órdenes:"},
		{[]string{"help", "review", "--lang=en"}, 0, "Usage: cartera review"},
		{[]string{"frobnicate"}, 2, "Orden desconocida"},
		{[]string{"review", "--nope"}, 2, "cartera help review"},
		{[]string{"review", "--demo", "--as-of", "31/02/2026"}, 2, "Fecha no válida"},
		{[]string{"review", "--demo", "--lang", "fr"}, 2, "Idioma no disponible"},
		{[]string{"review", "--demo", "--format", "xml"}, 2, "Formato no válido"},
		{[]string{"import"}, 2, "Indica los ficheros"},
		{[]string{"import", "/no/such/file.csv"}, 2, "No se puede leer"},
		{[]string{"review", "-h"}, 0, "--as-of FECHA"},
		{[]string{"version"}, 0, "cartera "},
		{[]string{"serve", "--demo", "--trusted-proxies", "127.0.0.1,10.0.0.0/33"}, 2, "10.0.0.0/33 no es una dirección"},
		{[]string{"migrate-store", "--to", "x.db"}, 2, "Uso: cartera migrate-store"},
	}
	for _, tc := range tests {
		r := runBin(t, nil, tc.args...)
		out := r.stdout + r.stderr
		if r.code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("cartera %v: exit %d (want %d), output lacks %q:\n%s", tc.args, r.code, tc.code, tc.want, out)
		}
		if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
			t.Errorf("cartera %v printed a stack trace", tc.args)
		}
	}
}

// CARTERA_NOW replays a run on another day: the demo is anchored on it and
// the report says so; a value that is not RFC 3339 is refused, in words.
func TestCarteraNowMovesTheClock(t *testing.T) {
	t.Parallel()
	r := runBin(t, []string{"CARTERA_NOW=2031-03-01T10:00:00+01:00"}, "review", "--demo")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if first, _, _ := strings.Cut(r.stdout, "\n"); first != "Revisión de la cartera a 1 mar 2031" {
		t.Errorf("header %q", first)
	}
	doc := decodeReview(t, runBin(t, []string{"CARTERA_NOW=2031-03-01T10:00:00+01:00"}, "review", "--demo", "--format", "json"))
	if doc.AsOf != "2031-03-01" {
		t.Errorf("as_of = %q", doc.AsOf)
	}
	r = runBin(t, []string{"CARTERA_NOW=mañana", "CARTERA_LANG=en"}, "review", "--demo")
	if r.code == 0 || !strings.Contains(r.stderr, `CARTERA_NOW: "mañana" is not a time in RFC 3339 form`) {
		t.Errorf("bad CARTERA_NOW: exit %d, %q", r.code, r.stderr)
	}
}
