package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
)

// tracker is a small team's own deals spreadsheet: no format cartera
// knows, its own stage names.
const tracker = "Ref;Cuenta;Asunto;Vendedor;Euros;Situación;Fecha alta;Cierre\n" +
	"T-1;Talleres Ruiz;Mantenimiento 2027;Lucía Ferrer;1.200,00;Hablando;12/01/2026;\n" +
	"T-2;Óptica Nueva;Web nueva;Andrés Molina;3.500,00;Oferta enviada;02/09/2026;15/12/2026\n" +
	"T-3;Panadería Gil;Tienda online;Lucía Ferrer;2.100,50;Cerrado OK;05/03/2026;20/04/2026\n"

// trackerColumns is what a person picks for it.
var trackerColumns = []string{"id", "company", "title", "owner", "value", "stage", "created", "close_date"}

// upload posts a multipart form: files under "files", and fields.
func upload(t *testing.T, files map[string]string, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		w, _ := mw.CreateFormFile("files", name)
		io.WriteString(w, content)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// pageUpload posts files to the import page as a signed-in browser.
func (c *client) pageUpload(csrf string, files, fields map[string]string) (*http.Response, string) {
	c.f.t.Helper()
	body, ct := upload(c.f.t.(*testing.T), files, fields)
	req, _ := http.NewRequest("POST", c.f.ts.URL+"/import?csrf="+url.QueryEscape(csrf), body)
	req.Header.Set("Content-Type", ct)
	res, err := c.http.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// mapForm is the mapping step's form as a person fills it in.
func mapForm(csrf, action string, cols []string, stages map[string]string) url.Values {
	v := url.Values{"csrf": {csrf}, "action": {action}}
	for i, t := range cols {
		v.Set("col."+itoa64(int64(i)), t)
	}
	i := 0
	for label, target := range stages {
		v.Set("label."+itoa64(int64(i)), label)
		v.Set("stage."+itoa64(int64(i)), target)
		i++
	}
	return v
}

var mapAction = regexp.MustCompile(`action="/import/map/([A-Za-z0-9_-]+)`)

func TestMappingStepOnTheImportPage(t *testing.T) {
	f := newFixture(t)
	m := f.signIn("manager")
	csrf := m.csrf("/import")
	before := demoDeals(t, f)

	// An unknown spreadsheet goes to the mapping step, kept on the server.
	res, _ := m.pageUpload(csrf, map[string]string{"mi-hoja.csv": tracker}, nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/import/map/") {
		t.Fatalf("unknown file: %d %q", res.StatusCode, loc)
	}
	if f.srv.uploads.count() != 1 {
		t.Fatalf("%d files kept", f.srv.uploads.count())
	}
	res, page := m.get(loc)
	if res.StatusCode != 200 || !strings.Contains(page, "no reconoce este fichero") || !strings.Contains(page, "Óptica Nueva") {
		t.Fatalf("mapping step: %d\n%s", res.StatusCode, page)
	}
	// Suggested: the reference is the id, the account the company.
	for _, want := range []string{`<option value="id" selected>`, `<option value="company" selected>`, `<option value="close_date" selected>`} {
		if !strings.Contains(page, want) {
			t.Errorf("suggestion %s missing", want)
		}
	}
	action := mapAction.FindStringSubmatch(page)
	if action == nil {
		t.Fatal("no form")
	}
	path := "/import/map/" + action[1]

	// Another person cannot reach the kept file.
	if res, _ := f.signIn("owner").get(path); res.StatusCode != http.StatusNotFound {
		t.Errorf("someone else's upload: %d", res.StatusCode)
	}

	// Columns chosen: the stage column's values appear, with suggestions
	// where they are clear; the rest must be chosen.
	res, page = m.postBody(path, mapForm(csrf, "preview", trackerColumns, nil))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Oferta enviada") || !strings.Contains(page, "Hablando") {
		t.Fatalf("stages: %d", res.StatusCode)
	}
	if !regexp.MustCompile(`mi-hoja\.json:\d+:\d+`).MatchString(page) || !strings.Contains(page, "la etapa «Hablando» apunta a «»") {
		t.Errorf("the incomplete mapping's problems, with their position in the JSON")
	}
	if strings.Contains(page, `value="import"`) {
		t.Errorf("import offered before the mapping is complete")
	}

	// Stages chosen: the first rows as they will be imported.
	stages := map[string]string{"Hablando": "qualified", "Oferta enviada": "proposal", "Cerrado OK": "won"}
	res, page = m.postBody(path, mapForm(csrf, "preview", trackerColumns, stages))
	if res.StatusCode != 200 || !strings.Contains(page, `id="preview-rows"`) || !strings.Contains(page, `value="import"`) {
		t.Fatalf("preview: %d\n%s", res.StatusCode, page)
	}
	for _, want := range []string{"cliente C-001", "Óptica Nueva (aún no es cliente)", "ganada<", "3.500,00", "línea 4"} {
		if !strings.Contains(page, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if demoDeals(t, f) != before {
		t.Errorf("the preview wrote deals")
	}

	// A row with a bad value shows the cell's problem, line:column.
	// (The won deal without its close date.)
	res, page = m.postBody(path, mapForm(csrf, "preview", append(trackerColumns[:7:7], ""), stages))
	if res.StatusCode != 200 || !strings.Contains(page, "mi-hoja.csv:4:") || !strings.Contains(page, "1 fila tiene problemas") {
		t.Errorf("a bad row: %d", res.StatusCode)
	}

	// Saved for next time.
	form := mapForm(csrf, "save", trackerColumns, stages)
	form.Set("name", "hoja-equipo")
	res, page = m.postBody(path, form)
	if res.StatusCode != 200 || !strings.Contains(page, "Mapa guardado como «hoja-equipo»") {
		t.Fatalf("save: %d", res.StatusCode)
	}
	form.Set("name", "mal nombre")
	if res, _ := m.postBody(path, form); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bad name: %d", res.StatusCode)
	}

	// Import: all the file, with that mapping (the form carries its name
	// after saving).
	form = mapForm(csrf, "import", trackerColumns, stages)
	form.Set("from", "hoja-equipo")
	res, page = m.postBody(path, form)
	if res.StatusCode != 200 || !strings.Contains(page, "3 filas") || !strings.Contains(page, "leído como hoja-equipo") {
		t.Fatalf("import: %d\n%s", res.StatusCode, page)
	}
	d, err := f.st.Deal(bg, "T-3")
	if err != nil || d.Outcome != cartera.OutcomeWon || d.Value.Amount != 210050 || d.Closed.String() != "2026-04-20" {
		t.Errorf("T-3: %+v %v", d, err)
	}
	if d, _ := f.st.Deal(bg, "T-1"); d.ClientID != "C-001" || d.Stage != "qualified" {
		t.Errorf("T-1: %+v", d)
	}
	if f.srv.uploads.count() != 0 {
		t.Errorf("the kept file was not removed after the import")
	}
	if res, _ := m.get(path); res.StatusCode != http.StatusNotFound {
		t.Errorf("after the import the step is gone: %d", res.StatusCode)
	}

	// Next time: the saved mapping from the import page's select.
	_, page = m.get("/import")
	if !strings.Contains(page, `<option value="hoja-equipo"`) {
		t.Errorf("the saved mapping is not offered")
	}
	next := strings.ReplaceAll(tracker, "T-", "N-")
	res, page = m.pageUpload(csrf, map[string]string{"hoja.csv": next}, map[string]string{"mapping": "hoja-equipo"})
	if res.StatusCode != 200 || !strings.Contains(page, "3 filas") {
		t.Errorf("import with a saved mapping: %d", res.StatusCode)
	}
	// And a mapping step started from it is filled in.
	res, _ = m.pageUpload(csrf, map[string]string{"hoja.csv": next}, map[string]string{"mapping": "hoja-equipo", "step": "map"})
	res, page = m.get(res.Header.Get("Location"))
	if res.StatusCode != 200 || !strings.Contains(page, `<option value="won" selected>`) || !strings.Contains(page, `id="preview-rows"`) {
		t.Errorf("a step from a saved mapping: %d", res.StatusCode)
	}
	// Cancel removes the file.
	action = mapAction.FindStringSubmatch(page)
	if res := m.post("/import/map/"+action[1], url.Values{"csrf": {csrf}, "action": {"discard"}}); res.StatusCode != http.StatusSeeOther || f.srv.uploads.count() != 0 {
		t.Errorf("cancel: %d, %d kept", res.StatusCode, f.srv.uploads.count())
	}
	// Deleting a saved mapping.
	if res := m.post("/import/mappings/hoja-equipo/delete", url.Values{"csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", res.StatusCode)
	}
	if names, _ := csvio.SavedMappingNames(bg, f.st); len(names) != 0 {
		t.Errorf("left: %v", names)
	}
	// Sellers do not import.
	if res, _ := f.signIn("seller").get("/import"); res.StatusCode != http.StatusForbidden {
		t.Errorf("seller: %d", res.StatusCode)
	}
}

// A workbook goes through the same step: the sheet chosen on the import
// page, or another one picked in the form, read with its date cells and
// numbers; the import reads that sheet.
func TestMappingStepForASpreadsheet(t *testing.T) {
	f := newFixture(t)
	m := f.signIn("manager")
	csrf := m.csrf("/import")
	book, err := os.ReadFile("../testdata/capture/equipo.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	before := demoDeals(t, f)

	// Uploaded without a sheet: the first one, a cover page. The form
	// lists the others.
	res, _ := m.pageUpload(csrf, map[string]string{"equipo.xlsx": string(book)}, nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/import/map/") {
		t.Fatalf("unknown workbook: %d %q", res.StatusCode, loc)
	}
	res, page := m.get(loc)
	if res.StatusCode != 200 || !strings.Contains(page, "Cartera comercial 2026") ||
		!strings.Contains(page, `<option value="Oportunidades" >Oportunidades</option>`) || !strings.Contains(page, `<option value="Portada" selected>`) {
		t.Fatalf("mapping step of the cover sheet: %d\n%s", res.StatusCode, page)
	}
	path := "/import/map/" + mapAction.FindStringSubmatch(page)[1]

	// Another sheet picked, even with "import" pressed: its columns are
	// shown first, and nothing is written.
	form := mapForm(csrf, "import", []string{"title"}, nil)
	form.Set("sheet", "Oportunidades")
	form.Set("shown_sheet", "Portada")
	res, page = m.postBody(path, form)
	if res.StatusCode == http.StatusSeeOther || !strings.Contains(page, `id="sheet-changed"`) || !strings.Contains(page, "Óptica Nueva") ||
		!strings.Contains(page, `<option value="company" selected>`) || strings.Contains(page, "filas importadas") {
		t.Fatalf("another sheet: %d\n%s", res.StatusCode, page)
	}
	if demoDeals(t, f) != before {
		t.Fatal("a changed sheet was imported unseen")
	}

	// Columns and stages chosen: the rows as they will be imported, the
	// amounts and dates read from number and date cells.
	stages := map[string]string{"Hablando": "qualified", "Oferta enviada": "proposal", "Cerrado OK": "won"}
	form = mapForm(csrf, "preview", trackerColumns, stages)
	form.Set("sheet", "Oportunidades")
	form.Set("shown_sheet", "Oportunidades")
	res, page = m.postBody(path, form)
	if res.StatusCode != 200 || !strings.Contains(page, `id="preview-rows"`) || !strings.Contains(page, `value="import"`) {
		t.Fatalf("preview: %d\n%s", res.StatusCode, page)
	}
	for _, want := range []string{"cliente C-001", "Óptica Nueva (aún no es cliente)", "3.500,00", "2.100,50", "línea 4"} {
		if !strings.Contains(page, want) {
			t.Errorf("preview lacks %q", want)
		}
	}

	// Imported from that sheet.
	form.Set("action", "import")
	res, page = m.postBody(path, form)
	if res.StatusCode != 200 || !strings.Contains(page, "3 filas") {
		t.Fatalf("import: %d\n%s", res.StatusCode, page)
	}
	d, err := f.st.Deal(bg, "T-3")
	if err != nil || d.Outcome != cartera.OutcomeWon || d.Value.Amount != 210050 || d.Closed.String() != "2026-04-20" || d.Created.String() != "2026-03-05" {
		t.Errorf("T-3: %+v %v", d, err)
	}
	if d, _ := f.st.Deal(bg, "T-1"); d.ClientID != "C-001" || d.Stage != "qualified" || d.Value.Amount != 120000 {
		t.Errorf("T-1: %+v", d)
	}

	// The sheet named on the import page goes straight to its columns.
	res, _ = m.pageUpload(csrf, map[string]string{"equipo.xlsx": string(book)}, map[string]string{"sheet": "2"})
	res, page = m.get(res.Header.Get("Location"))
	if res.StatusCode != 200 || !strings.Contains(page, `<option value="Oportunidades" selected>`) || !strings.Contains(page, "Oferta enviada") {
		t.Errorf("a sheet named on upload: %d", res.StatusCode)
	}
}

func demoDeals(t *testing.T, f *fixture) int64 {
	t.Helper()
	n, err := f.st.Counts(bg)
	if err != nil {
		t.Fatal(err)
	}
	return n[cartera.EntityDeals]
}

func TestUploadsKeptForAWhileOnly(t *testing.T) {
	t.Parallel()
	clock := now
	st := newStash(t.TempDir(), 30*60e9, 100, func() time.Time { return clock })
	src := csvio.BytesSource("a.csv", []byte("a;b\n1;2\n"))
	it, err := st.put("s1", "a.csv", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.get("s2", it.id); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("another session: %v", err)
	}
	clock = clock.Add(29 * time.Minute)
	if _, err := st.get("s1", it.id); err != nil {
		t.Errorf("within the time: %v", err)
	}
	clock = clock.Add(31 * time.Minute)
	if _, err := st.get("s1", it.id); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("expired: %v", err)
	}
	if _, err := os.Stat(it.path); !os.IsNotExist(err) {
		t.Errorf("the expired file is still on disk")
	}
	// Too large for the room there is; a session keeps three at most.
	if _, err := st.put("s1", "big.csv", csvio.BytesSource("big.csv", bytes.Repeat([]byte("x"), 101))); cartera.ErrorCode(err) != "too_large" {
		t.Errorf("too large: %v", err)
	}
	for i := 0; i < 5; i++ {
		clock = clock.Add(time.Second)
		if _, err := st.put("s1", "a.csv", src); err != nil {
			t.Fatal(err)
		}
	}
	if st.count() != 3 {
		t.Errorf("%d kept for one session", st.count())
	}
	dir := st.dir
	st.removeAll()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the folder outlives the server")
	}
}

// apiUpload posts a multipart body with a role's token.
func (f *fixture) apiUpload(role, path string, files, fields map[string]string) (*http.Response, string) {
	f.t.Helper()
	body, ct := upload(f.t.(*testing.T), files, fields)
	req, _ := http.NewRequest("POST", f.ts.URL+path, body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

const trackerMapping = `{
  "name": "equipo",
  "columns": {"Ref": "id", "Cuenta": "company", "Asunto": "title", "Vendedor": "owner", "Euros": "value",
    "Situación": "stage", "Fecha alta": "created", "Cierre": "close_date"},
  "stages": {"Hablando": "qualified", "Oferta enviada": "proposal", "Cerrado OK": "won"},
  "decimal": "comma"
}`

func TestPreviewAndMappingsThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	files := map[string]string{"hoja.csv": tracker}
	before := demoDeals(t, f)

	// An unknown spreadsheet: shown as it is, with suggestions.
	res, body := f.apiUpload("manager", "/api/v1/import/preview?rows=2", files, nil)
	var p previewBody
	if err := json.Unmarshal([]byte(body), &p); err != nil || res.StatusCode != 200 {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	if p.Recognised || p.Problem == nil || p.Problem.Line != 1 || len(p.Rows) != 2 || p.Rows[1].Cells[1] != "Óptica Nueva" ||
		p.Columns[0].Suggested != "id" || p.Columns[1].Suggested != "company" {
		t.Errorf("%+v", p)
	}

	// With a mapping: records, the stage mapping applied.
	res, body = f.apiUpload("manager", "/api/v1/import/preview", files, map[string]string{"mapping": trackerMapping})
	p = previewBody{}
	json.Unmarshal([]byte(body), &p)
	if res.StatusCode != 200 || !p.Recognised || p.File.Mapping != "equipo" || len(p.Rows) != 3 || p.Columns[5].Target != "stage" {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	var stages []string
	for _, r := range p.Rows {
		rec, _ := r.Record.(map[string]any)
		stages = append(stages, rec["stage"].(string)+"/"+rec["outcome"].(string))
	}
	if strings.Join(stages, ",") != "qualified/open,proposal/open,/won" {
		t.Errorf("stages %v", stages)
	}
	if demoDeals(t, f) != before {
		t.Errorf("the preview wrote")
	}

	// A bad mapping: 422, every problem at its line and column.
	bad := strings.Replace(trackerMapping, `"Euros": "value"`, `"Euros": "importe_bruto"`, 1)
	res, body = f.apiUpload("manager", "/api/v1/import/preview", files, map[string]string{"mapping": bad})
	pr := problemOf(t, res, body)
	if res.StatusCode != 422 || len(pr.Errors) == 0 || pr.Errors[0].File != "mapping.json" || pr.Errors[0].Line != 3 || pr.Errors[0].Column != 98 ||
		!strings.Contains(pr.Errors[0].Detail, "importe_bruto") {
		t.Errorf("bad mapping: %d %+v", res.StatusCode, pr.Errors)
	}
	// A stage sent to no stage of the pipeline, likewise.
	bad = strings.Replace(trackerMapping, `"Hablando": "qualified"`, `"Hablando": "charla"`, 1)
	res, body = f.apiUpload("manager", "/api/v1/import/preview", files, map[string]string{"mapping": bad})
	if pr := problemOf(t, res, body); res.StatusCode != 422 || pr.Errors[0].Line != 5 || !strings.Contains(pr.Errors[0].Detail, "charla") {
		t.Errorf("bad stage: %d %+v", res.StatusCode, pr.Errors)
	}

	// Saved mappings: round trip.
	res, body = f.api("manager", "PUT", "/api/v1/mappings/equipo", trackerMapping)
	if res.StatusCode != 200 || body != trackerMapping {
		t.Fatalf("put: %d %s", res.StatusCode, body)
	}
	res, body = f.api("owner", "GET", "/api/v1/mappings", "")
	if res.StatusCode != 200 || !strings.Contains(body, `{"name":"equipo"}`) {
		t.Errorf("list: %d %s", res.StatusCode, body)
	}
	res, body = f.api("owner", "GET", "/api/v1/mappings/equipo", "")
	if res.StatusCode != 200 || body != trackerMapping || res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("get: %d %s", res.StatusCode, body)
	}
	// Replacing a saved mapping names the version read (its ETag).
	version := res.Header.Get("ETag")
	if res, _ := f.api("manager", "PUT", "/api/v1/mappings/equipo", trackerMapping); res.StatusCode != http.StatusPreconditionRequired {
		t.Errorf("replacing without a version: %d, want 428", res.StatusCode)
	}
	if res, _ := f.api("manager", "PUT", "/api/v1/mappings/equipo", trackerMapping, "If-Match", `"99"`); res.StatusCode != http.StatusConflict {
		t.Errorf("replacing with a stale version: %d, want 409", res.StatusCode)
	}
	res, body = f.api("manager", "PUT", "/api/v1/mappings/equipo", "{\n  \"columns\": {\"A\": 3}\n}", "If-Match", version)
	if pr := problemOf(t, res, body); res.StatusCode != 422 || pr.Errors[0].File != "equipo.json" || pr.Errors[0].Line != 2 {
		t.Errorf("bad put: %d %+v", res.StatusCode, pr.Errors)
	}
	if res, _ := f.api("manager", "PUT", "/api/v1/mappings/mal%20nombre", trackerMapping); res.StatusCode != 422 {
		t.Errorf("bad name: %d", res.StatusCode)
	}
	// Used by name, for a preview and for the import itself.
	res, body = f.apiUpload("manager", "/api/v1/import/preview", files, map[string]string{"mapping_name": "equipo"})
	if res.StatusCode != 200 || !strings.Contains(body, `"mapping":"equipo"`) {
		t.Errorf("preview by name: %d %s", res.StatusCode, body)
	}
	res, body = f.apiUpload("manager", "/api/v1/import", files, map[string]string{"mapping_name": "equipo"})
	if res.StatusCode != 200 || !strings.Contains(body, `"rows":3`) {
		t.Errorf("import by name: %d %s", res.StatusCode, body)
	}
	if d, err := f.st.Deal(bg, "T-2"); err != nil || d.Prospect != "Óptica Nueva" {
		t.Errorf("T-2: %+v %v", d, err)
	}
	res, body = f.apiUpload("manager", "/api/v1/import", map[string]string{"otra.csv": tracker}, map[string]string{"mapping": bad})
	if pr := problemOf(t, res, body); res.StatusCode != 422 || pr.Errors[0].File != "mapping.json" {
		t.Errorf("import with a bad mapping: %d %s", res.StatusCode, body)
	}
	if res, _ := f.apiUpload("manager", "/api/v1/import/preview", files, map[string]string{"mapping_name": "nadie"}); res.StatusCode != 422 {
		t.Errorf("unknown saved mapping: %d", res.StatusCode)
	}
	if res, _ := f.apiUpload("manager", "/api/v1/import/preview", map[string]string{"a.csv": tracker, "b.csv": tracker}, nil); res.StatusCode != 422 {
		t.Errorf("two files to preview: %d", res.StatusCode)
	}
	if res, _ := f.apiUpload("manager", "/api/v1/import/preview?rows=0", files, nil); res.StatusCode != 422 {
		t.Errorf("rows=0: %d", res.StatusCode)
	}

	// Sellers are refused, everywhere.
	if res, _ := f.apiUpload("seller", "/api/v1/import/preview", files, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("seller preview: %d", res.StatusCode)
	}
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		if res, _ := f.api("seller", m, "/api/v1/mappings/equipo", trackerMapping); res.StatusCode != http.StatusForbidden {
			t.Errorf("seller %s: %d", m, res.StatusCode)
		}
	}

	res, _ = f.api("manager", "DELETE", "/api/v1/mappings/equipo", "")
	if res.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d", res.StatusCode)
	}
	if res, _ := f.api("manager", "GET", "/api/v1/mappings/equipo", ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("after delete: %d", res.StatusCode)
	}
}

func TestHostileSheetIsEscapedInTheMappingStep(t *testing.T) {
	f := newFixture(t)
	m := f.signIn("owner")
	csrf := m.csrf("/import")
	evil := "<script>alert(1)</script>;\"><img src=x onerror=alert(2)>\n<b>uno</b>;dos\n"
	res, _ := m.pageUpload(csrf, map[string]string{"<i>x</i>.csv": evil}, map[string]string{"step": "map"})
	res, page := m.get(res.Header.Get("Location"))
	if res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
	for _, raw := range []string{"<script>alert", "<img src=x", "<b>uno</b>", "<i>x</i>"} {
		if strings.Contains(page, raw) {
			t.Errorf("unescaped %q in the page", raw)
		}
	}
	if !strings.Contains(page, "&lt;b&gt;uno&lt;/b&gt;") {
		t.Errorf("the sample value is not shown escaped")
	}
}

func TestEveryMappingTargetHasALabel(t *testing.T) {
	t.Parallel()
	for _, lang := range []i18n.Lang{i18n.ES, i18n.EN} {
		p := i18n.New(lang, nil)
		for _, target := range csvio.Targets() {
			if !p.Has("target." + target) {
				t.Errorf("%s: no label for target %s", lang, target)
			}
		}
	}
}
