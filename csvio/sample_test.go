package csvio_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

// A spreadsheet nobody has mapped: the columns of a small team's own
// tracker, in Spanish, with its own stage names.
const trackerCSV = "Ref;Cuenta;Asunto;Vendedor;Euros;Situación;Fecha alta;Comentario;Cierre\n" +
	"T-1;Talleres Ruiz;Mantenimiento 2027;Lucía Ferrer;1.200,00;Hablando;12/01/2026;;\n" +
	"T-2;Óptica Miramar;Web nueva;Andrés Molina;3.500,00;Oferta enviada;02/09/2026;urgente;\n" +
	"T-3;Panadería Gil;Tienda online;Lucía Ferrer;2.100,50;Cerrado OK;05/03/2026;;20/04/2026\n" +
	"T-4;Asesoría Prieto;Facturas;Carmen Ortega;4.800,00;oferta enviada ;14/07/2026;;\n"

func TestInspectShowsAnUnknownSpreadsheetAsItIs(t *testing.T) {
	t.Parallel()
	s, err := csvio.Inspect(csvio.BytesSource("tracker.csv", []byte(trackerCSV)), 2, opts())
	if err != nil {
		t.Fatal(err)
	}
	if s.Entity != "" || s.Problem == nil || !csvio.IsUnrecognised(&csvio.ProblemsError{Problems: []csvio.Problem{*s.Problem}}) {
		t.Fatalf("recognised as %q, problem %+v", s.Entity, s.Problem)
	}
	if s.Separator != ";" || len(s.Header) != 9 || len(s.Rows) != 2 || s.Rows[1][4] != "3.500,00" || s.Lines[1] != 3 {
		t.Errorf("%+v", s)
	}
	// Suggestions: the id, the company; the person does the rest.
	if s.Targets[0] != "id" || s.Targets[1] != "company" {
		t.Errorf("suggested %q", s.Targets)
	}
	vals, more, err := csvio.ColumnValues(csvio.BytesSource("tracker.csv", []byte(trackerCSV)), opts(), 5, 10)
	if err != nil || more {
		t.Fatal(err, more)
	}
	var got []string
	for _, v := range vals {
		got = append(got, v.Text+"×"+itoa(v.Count))
	}
	if strings.Join(got, ",") != "Hablando×1,Oferta enviada×2,Cerrado OK×1" {
		t.Errorf("stage values: %v", got)
	}
	if _, more, _ := csvio.ColumnValues(csvio.BytesSource("tracker.csv", []byte(trackerCSV)), opts(), 5, 2); !more {
		t.Errorf("a third value should be reported as more")
	}
}

// A workbook is looked at like a CSV file: the sheet asked for, its rows
// with their row numbers, cells as the reader gives them (date cells in
// ISO), and the distinct values of a column over the whole sheet.
func TestInspectShowsASpreadsheetAsItIs(t *testing.T) {
	t.Parallel()
	o := opts()
	o.Sheet = "oportunidades"
	s, err := csvio.Inspect(fixture(t, "equipo.xlsx"), 2, o)
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != "xlsx" || s.Sheet != "Oportunidades" || s.Entity != "" || s.Problem == nil ||
		!csvio.IsUnrecognised(&csvio.ProblemsError{Problems: []csvio.Problem{*s.Problem}}) || s.Problem.File != "equipo.xlsx:Oportunidades" {
		t.Fatalf("%+v, problem %+v", s, s.Problem)
	}
	if len(s.Header) != 8 || s.Header[5] != "Situación" || len(s.Rows) != 2 || s.Rows[1][4] != "3500" || s.Rows[1][7] != "2026-12-15" ||
		s.Lines[0] != 2 || s.Lines[1] != 3 {
		t.Errorf("%+v", s)
	}
	if s.Targets[0] != "id" || s.Targets[1] != "company" {
		t.Errorf("suggested %q", s.Targets)
	}
	vals, more, err := csvio.ColumnValues(fixture(t, "equipo.xlsx"), o, 5, 10)
	if err != nil || more {
		t.Fatal(err, more)
	}
	var got []string
	for _, v := range vals {
		got = append(got, v.Text+"×"+itoa(v.Count)+"@"+itoa(v.Line))
	}
	if strings.Join(got, ",") != "Hablando×1@2,Oferta enviada×1@3,Cerrado OK×1@4" {
		t.Errorf("stage values: %v", got)
	}
	// Without a sheet named, the first: here a cover page, and the list of
	// sheets says where the rows are.
	s, err = csvio.Inspect(fixture(t, "equipo.xlsx"), 2, opts())
	if err != nil || s.Sheet != "Portada" || len(s.Rows) != 0 || strings.Join(s.Sheets, ",") != "Portada,Oportunidades" {
		t.Errorf("first sheet: %+v %v", s, err)
	}
	o.Sheet = "Horas"
	if _, err := csvio.Inspect(fixture(t, "equipo.xlsx"), 2, o); !strings.Contains(fmtErr(err), "import.no_sheet") {
		t.Errorf("no such sheet: %v", err)
	}
}

func fmtErr(err error) string {
	var pe *csvio.ProblemsError
	if errors.As(err, &pe) && len(pe.Problems) > 0 {
		return pe.Problems[0].Msg.Key
	}
	return fmt.Sprint(err)
}

func itoa(n int) string { return strings.TrimSpace(cartera.FormatDecimal(int64(n), 0, '.')) }

func TestInspectShowsWhatARecognisedFileIs(t *testing.T) {
	t.Parallel()
	s, err := csvio.Inspect(csvio.BytesSource("sf.csv", []byte(edit(t, "salesforce-en.csv", "", ""))), 3, opts())
	if err != nil {
		t.Fatal(err)
	}
	if s.Entity != cartera.EntityDeals || s.Mapping != "salesforce-en" || s.Problem != nil || s.Targets[2] != "company" || len(s.Rows) != 3 {
		t.Errorf("%+v", s)
	}
}

func TestSuggestions(t *testing.T) {
	t.Parallel()
	got := csvio.SuggestTargets([]string{"Deal Name", "Amount", "Importe", "Fase", "Alta", "Nada"})
	if strings.Join(got, ",") != "title,value,,stage,created," {
		t.Errorf("targets %q (one target is proposed once)", got)
	}
	p := cartera.DefaultPipeline()
	for label, want := range map[string]string{"Closed Won": "won", "Propuesta enviada": "proposal", "Negociando": "negotiation",
		"Descartado": "lost", "lead": "lead", "Hablando": "", "Proposal/Price Quote": "proposal"} {
		if got := csvio.SuggestStage(label, p); got != want {
			t.Errorf("%q → %q, want %q", label, got, want)
		}
	}
}

// A draft written as JSON is a mapping file: it loads, and a mistake is
// reported at its line and column in that text.
func TestDraftJSONRoundTrip(t *testing.T) {
	t.Parallel()
	d := csvio.Draft{Name: "tracker", Columns: []csvio.Entry{{"Ref", "id"}, {"Cuenta", "company"}, {"Comentario", ""},
		{"Euros", "value"}, {"Situación", "stage"}, {"Fecha alta", "created"}, {"Cierre", "close_date"}},
		Stages:    []csvio.Entry{{"Hablando", "qualified"}, {"Oferta enviada", "proposal"}, {"Cerrado OK", "won"}},
		DateOrder: "dmy", Decimal: "comma", IDPrefix: "t-"}
	m, err := csvio.LoadMapping("tracker.json", d.JSON())
	if err != nil {
		t.Fatalf("%v\n%s", err, d.JSON())
	}
	back := m.Draft()
	if len(back.Columns) != 6 || back.Columns[1] != (csvio.Entry{"Cuenta", "company"}) || back.Stages[2].To != "won" || back.IDPrefix != "t-" {
		t.Errorf("%+v", back)
	}
	if m.TargetOf("  cuenta ") != "company" || m.TargetOf("Comentario") != "" {
		t.Errorf("TargetOf")
	}
	if s, ok := m.StageOf("oferta ENVIADA"); !ok || s != "proposal" {
		t.Errorf("StageOf: %q %v", s, ok)
	}
	// The real import with it.
	st := newStore(t)
	o := opts()
	o.Mappings = []*csvio.Mapping{m}
	rep, err := csvio.Import(ctx, st, []csvio.Source{csvio.BytesSource("tracker.csv", []byte(trackerCSV))}, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 4 || rep.Files[0].Mapping != "tracker" {
		t.Errorf("%+v", rep.Files[0])
	}
	// A stage sent nowhere: the problem is at the stage's line in the text.
	d.Stages[1].To = "oferta"
	d.Columns[3].To = "importe_bruto"
	_, err = csvio.LoadMapping("tracker.json", d.JSON())
	if got := posKeys(err); !strings.HasPrefix(got, "tracker.json:6:14 mapping.unknown_target\n") {
		t.Errorf("%s\n%s", got, d.JSON())
	}
	m, err = csvio.LoadMapping("tracker.json", func() []byte { d.Columns[3].To = "value"; return d.JSON() }())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.CheckPipeline(cartera.DefaultPipeline()); posKeys(err) != "tracker.json:13:23 mapping.unknown_stage_target" {
		t.Errorf("%s\n%s", posKeys(err), d.JSON())
	}
}

func TestSavedMappings(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	p := cartera.DefaultPipeline()
	text := []byte(`{"extends": "hubspot-es", "stages": {"Demo hecha": "proposal"}}`)
	if _, err := csvio.SaveMapping(ctx, st, p, "agencia", text); err != nil {
		t.Fatal(err)
	}
	if _, err := csvio.SaveMapping(ctx, st, p, "hoja.2026", []byte(`{"extends": "pipedrive-en"}`)); err != nil {
		t.Fatal(err)
	}
	names, err := csvio.SavedMappingNames(ctx, st)
	if err != nil || strings.Join(names, ",") != "agencia,hoja.2026" {
		t.Errorf("%v %v", names, err)
	}
	m, got, err := csvio.SavedMapping(ctx, st, "agencia")
	if err != nil || string(got) != string(text) || m.Name != "agencia" {
		t.Fatalf("%v %s", err, got)
	}
	if s, _ := m.StageOf("Demo hecha"); s != "proposal" {
		t.Errorf("stage %q", s)
	}
	// Refused: bad names, bad mappings (with the position), stages not in
	// the pipeline.
	for _, name := range []string{"", "../x", "a b", ".hidden", strings.Repeat("x", 61)} {
		if _, err := csvio.SaveMapping(ctx, st, p, name, text); cartera.ErrorCode(err) != cartera.EINVALID {
			t.Errorf("name %q: %v", name, err)
		}
	}
	if _, err := csvio.SaveMapping(ctx, st, p, "mal", []byte("{\n  \"columns\": {\"A\": \"nope\"}}")); !strings.HasPrefix(posKeys(err), "mal.json:2:20 mapping.unknown_target\n") {
		t.Errorf("%s", posKeys(err))
	}
	if _, err := csvio.SaveMapping(ctx, st, p, "mal", []byte(`{"extends": "hubspot-es", "stages": {"X": "demo"}}`)); posKeys(err) != "mal.json:1:43 mapping.unknown_stage_target" {
		t.Errorf("%s", posKeys(err))
	}
	if err := csvio.DeleteSavedMapping(ctx, st, "agencia"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := csvio.SavedMapping(ctx, st, "agencia"); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
	if err := csvio.DeleteSavedMapping(ctx, st, "agencia"); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("second delete: %v", err)
	}
	if names, _ := csvio.SavedMappingNames(ctx, st); strings.Join(names, ",") != "hoja.2026" {
		t.Errorf("%v", names)
	}
}

func TestIsUnrecognised(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	_, err := csvio.Import(ctx, st, []csvio.Source{csvio.BytesSource("tracker.csv", []byte(trackerCSV))}, opts())
	if !csvio.IsUnrecognised(err) {
		t.Errorf("%v", err)
	}
	_, err = csvio.Import(ctx, st, []csvio.Source{csvio.BytesSource("c.csv", []byte("id;nombre\nC-1;\n"))}, opts())
	if err == nil || csvio.IsUnrecognised(err) {
		t.Errorf("a bad value in a known file: %v", err)
	}
}
