package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testdata(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

// A user's own spreadsheet, read with a mapping file: the real binary,
// the documented example files.
func TestImportWithAMappingFile(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	r := runBin(t, nil, "import", "--db", db, "--map", testdata("mappings", "hoja-comercial.json"),
		testdata("import", "es", "clientes.csv"), testdata("mappings", "hoja-comercial.csv"))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Importado: 2 ficheros", "hoja-comercial.csv → oportunidades: 6 filas",
		"leído como hoja-comercial; fechas día/mes/año", "Columnas que cartera no usa y ha ignorado: Notas"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runBin(t, nil, "deal", "show", "--db", db, "hoja-OP-01")
	if r.code != 0 || !strings.Contains(r.stdout, "Talleres Ruiz") {
		t.Errorf("deal show: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The same mapping reused on the next export changes nothing.
	r = runBin(t, nil, "import", "--db", db, "--format", "json", "--map", testdata("mappings", "hoja-comercial.json"),
		testdata("mappings", "hoja-comercial.csv"))
	var rep struct {
		Files []struct {
			Mapping string   `json:"mapping"`
			Rows    int      `json:"rows"`
			Ignored []string `json:"ignored_columns"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Files) != 1 || rep.Files[0].Mapping != "hoja-comercial" ||
		rep.Files[0].Rows != 6 || len(rep.Files[0].Ignored) != 1 {
		t.Errorf("json report: %v %+v\n%s", err, rep, r.stderr)
	}
}

func TestImportVendorExportsFromTheCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	r := runBin(t, []string{"CARTERA_LANG=en"}, "import", "--db", db, testdata("import", "en", "clients.csv"),
		testdata("vendors", "salesforce-en.csv"))
	for _, want := range []string{"salesforce-en.csv → deals: 9 rows", "read as salesforce-en; dates month/day/year",
		"2 closing lines of the report skipped (from line 12)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	// A stage the mapping does not know: where, which, and what is known.
	bad := filepath.Join(dir, "negocios.csv")
	b, _ := os.ReadFile(testdata("vendors", "hubspot-es.csv"))
	os.WriteFile(bad, []byte(strings.Replace(string(b), `"Contrato enviado"`, `"Firma pendiente"`, 1)), 0o644)
	r = runBin(t, nil, "import", "--db", db, bad)
	if r.code != 1 || !strings.Contains(r.stderr, "negocios.csv:4:3: Etapa del negocio: la etapa «Firma pendiente» no está en el mapa hubspot-es") ||
		!strings.Contains(r.stderr, "no se ha importado nada") {
		t.Errorf("unknown stage: exit %d\n%s", r.code, r.stderr)
	}
	// The fix: a mapping file that extends the built-in one.
	fix := filepath.Join(dir, "mapa.json")
	os.WriteFile(fix, []byte(`{"extends": "hubspot-es", "stages": {"Firma pendiente": "negotiation"}}`), 0o644)
	if r = runBin(t, nil, "import", "--db", db, "--map", fix, bad); r.code != 0 || !strings.Contains(r.stdout, "leído como mapa") {
		t.Errorf("with the mapping: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestBadMappingFilesSayWhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	csv := testdata("mappings", "hoja-comercial.csv")
	tests := []struct{ name, text, want string }{
		{"bad.json", "{\n  \"columns\": {\"Ref\": \"id\",}\n}", "bad.json:2:27: El mapa no es JSON válido"},
		{"target.json", "{\"columns\": {\"Ref\": \"id\", \"Fase\": \"stage\", \"Alta\": \"created\", \"Importe (€)\": \"importe_bruto\",\n \"Oportunidad\": \"title\"}, \"stages\": {\"Firmado\": \"won\"}}",
			"target.json:1:78: la columna «Importe (€)» apunta a «importe_bruto», que no es un campo de oportunidad"},
		{"stage.json", "{\"extends\": \"hubspot-es\",\n \"stages\": {\"Firmado\": \"firmado\"}}",
			"stage.json:2:24: la etapa «Firmado» apunta a «firmado», que no está en tu embudo"},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, tc.name)
		os.WriteFile(path, []byte(tc.text), 0o644)
		r := runBin(t, nil, "import", "--db", db, "--map", path, csv)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, want %q in\n%s", tc.name, r.code, tc.want, r.stderr)
		}
	}
	r := runBin(t, nil, "import", "--db", db, "--map", filepath.Join(dir, "missing.json"), csv)
	if r.code != 2 || !strings.Contains(r.stderr, "No se puede leer el mapa") {
		t.Errorf("missing mapping: exit %d %s", r.code, r.stderr)
	}
	if r := runBin(t, nil, "help", "import"); !strings.Contains(r.stdout, "--map MAPA.json") {
		t.Errorf("help lacks --map:\n%s", r.stdout)
	}
}
