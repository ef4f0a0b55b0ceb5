package csvio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/sqlite"
	"github.com/cartera/cartera/storetest"
)

var ctx = context.Background()

// now is the import's clock: incidents after it are in the future.
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func newStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), cartera.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func sources(files ...string) []csvio.Source {
	var out []csvio.Source
	for i := 0; i+1 < len(files); i += 2 {
		out = append(out, csvio.BytesSource(files[i], []byte(files[i+1])))
	}
	return out
}

func opts() csvio.Options {
	return csvio.Options{Now: now, Location: time.UTC, Currency: "EUR"}
}

// short renders problems as "file:line:column key", using the inner
// problem's key for bad values.
func short(err error) []string {
	var pe *csvio.ProblemsError
	if !errors.As(err, &pe) {
		return []string{"not a ProblemsError: " + fmt.Sprint(err)}
	}
	var out []string
	for _, p := range pe.Problems {
		key := p.Msg.Key
		if inner, ok := p.Msg.Get("problem"); ok {
			key = inner.(cartera.Message).Key
		}
		out = append(out, fmt.Sprintf("%s:%d:%d %s", p.File, p.Line, p.Column, key))
	}
	return out
}

const clients = "id,nombre,responsable,moneda\nC1,Talleres Ruiz,Lucía,EUR\nC2,Óptica Sol,Andrés,EUR\n"

const deals = "id,titulo,importe,etapa,creada,cerrada,resultado\nD1,Web,100,lead,2026-01-01,,\nD2,App,250,proposal,2026-01-10,2026-03-01,ganada\n"

func TestImportReportsEachBadValueAtItsPosition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files []string
		want  []string
	}{
		{"unknown header", []string{"x.csv", "foo,bar\n1,2\n"}, []string{"x.csv:1:1 import.unknown_header"}},
		{"missing required column", []string{"facturas.csv", "id,cliente,emitida,vence\nF1,C1,2026-01-01,2026-01-31\n"},
			[]string{"facturas.csv:1:1 import.missing_columns"}},
		{"date that does not exist", []string{"c.csv", clients, "f.csv", "id,cliente,emitida,vence,importe\nF1,C1,31/02/2026,2026-03-31,100\n"},
			[]string{"f.csv:2:3 value.no_such_date"}},
		{"date in no known format", []string{"c.csv", clients, "f.csv", "id,cliente,emitida,vence,importe\nF1,C1,2026-01-01,Feb 3 2026,100\n"},
			[]string{"f.csv:2:4 value.not_date"}},
		{"negative hours", []string{"c.csv", clients, "h.csv", "id,cliente,fecha,horas\nH1,C1,2026-01-05,2\nH2,C1,2026-01-06,-3\n"},
			[]string{"h.csv:3:4 value.negative_hours"}},
		{"severity 7", []string{"c.csv", clients, "i.csv", "id,cliente,fecha_hora,tipo,gravedad\nI1,C1,2026-01-05 10:00,gritos,7\n"},
			[]string{"i.csv:2:5 value.severity_range"}},
		{"unknown currency", []string{"c.csv", "id,nombre,moneda\nC1,Talleres,EURO\n"},
			[]string{"c.csv:2:3 value.unknown_currency"}},
		{"incident dated in the future", []string{"c.csv", clients, "i.csv", "id,cliente,fecha_hora,tipo,gravedad\nI1,C1,2027-01-05 10:00,gritos,3\n"},
			[]string{"i.csv:2:3 value.future_time"}},
		{"duplicate id within a file", []string{"c.csv", clients + "C1,Otro,X,EUR\n"},
			[]string{"c.csv:4:1 import.duplicate_id"}},
		{"not CSV at all", []string{"logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"}, []string{"logo.png:1:1 import.binary"}},
		{"empty file", []string{"vacio.csv", ""}, []string{"vacio.csv:1:1 import.empty_file"}},
		{"only blank lines", []string{"vacio.csv", "\n\n  \n"}, []string{"vacio.csv:1:1 import.empty_file"}},
		{"invoice for an unknown client", []string{"c.csv", clients, "f.csv", "id,cliente,emitida,vence,importe\nF1,C9,2026-01-01,2026-01-31,100\n"},
			[]string{"f.csv:2:2 value.unknown_client"}},
		// A row that cannot be split into fields reports the character position.
		{"bare quote", []string{"c.csv", "id,nombre\nC1,Talleres \"Ruiz\n"}, []string{"c.csv:2:13 import.csv_quote"}},
		{"wrong number of fields", []string{"c.csv", "id,nombre,moneda\nC1,Talleres\n"}, []string{"c.csv:2:3 import.field_count"}},
		{"currency that is not the client's", []string{"c.csv", clients, "f.csv", "id,cliente,emitida,vence,importe,moneda\nF1,C1,2026-01-01,2026-01-31,100,USD\n"},
			[]string{"f.csv:2:6 value.currency_mismatch"}},
		{"too many decimals for the currency", []string{"c.csv", clients, "f.csv", "id,cliente,emitida,vence,importe\nF1,C1,2026-01-01,2026-01-31,100.123\n"},
			[]string{"f.csv:2:5 value.too_many_decimals"}},
		{"due before issued", []string{"c.csv", clients, "f.csv", "id,cliente,emitida,vence,importe\nF1,C1,2026-02-01,2026-01-31,100\n"},
			[]string{"f.csv:2:4 value.due_before_issued"}},
		{"contact of another client", []string{"c.csv", clients, "p.csv", "id,cliente,nombre\nP1,C1,Ana\n",
			"i.csv", "id,cliente,contacto,fecha_hora,tipo,gravedad\nI1,C2,P1,2026-01-05 10:00,gritos,3\n"},
			[]string{"i.csv:2:3 value.contact_other_client"}},
		{"unknown incident kind", []string{"c.csv", clients, "i.csv", "id,cliente,fecha_hora,tipo,gravedad\nI1,C1,2026-01-05 10:00,bostezo,3\n"},
			[]string{"i.csv:2:4 value.unknown_kind"}},
		{"missing id", []string{"c.csv", "id,nombre\n,Talleres\n"}, []string{"c.csv:2:1 value.required"}},
		// Text is checked as in the API and the forms (issue 12).
		{"id with a slash", []string{"c.csv", "id,nombre\nC/1,Talleres\n"}, []string{"c.csv:2:1 value.bad_id"}},
		{"name of zero-width spaces", []string{"c.csv", "id,nombre\nC1,\u200b\u200b\n"}, []string{"c.csv:2:2 value.required"}},
		{"right-to-left override in a name", []string{"c.csv", "id,nombre\nC1,Talleres \u202eoiraM\n"}, []string{"c.csv:2:2 value.bidi_chars"}},
		{"amount beyond the bound", []string{"c.csv", clients, "f.csv", "id,cliente,emitida,vence,importe\nF1,C1,2026-01-01,2026-01-31,2000000000.00\n"},
			[]string{"f.csv:2:5 value.amount_range"}},
		{"deal closed before it was created", []string{"o.csv", deals + "D9,Web,90,lead,2026-05-01,2026-04-01,perdida\n"},
			[]string{"o.csv:4:6 deal.closed_before_created"}},
		{"probability of 140", []string{"o.csv", "id,titulo,importe,etapa,creada,probabilidad\nD1,Web,100,lead,2026-01-01,140\n"},
			[]string{"o.csv:2:6 value.percent_range"}},
		{"probability that is a word", []string{"o.csv", "id,titulo,importe,etapa,creada,probabilidad\nD1,Web,100,lead,2026-01-01,alta\n"},
			[]string{"o.csv:2:6 value.not_number"}},
		{"unknown stage", []string{"o.csv", "id,titulo,importe,etapa,creada\nD1,Web,100,firmado,2026-01-01\n"},
			[]string{"o.csv:2:4 deal.unknown_stage"}},
		{"deal in another currency than its client", []string{"c.csv", clients, "o.csv", "id,cliente,titulo,importe,moneda,etapa,creada\nD1,C1,Web,100,USD,lead,2026-01-01\n"},
			[]string{"o.csv:2:5 value.currency_mismatch"}},
		{"signal on an unknown deal", []string{"o.csv", deals, "s.csv", "id,oportunidad,tipo,fecha\nS1,D7,reunion_celebrada,2026-02-01\n"},
			[]string{"s.csv:2:2 signal.unknown_deal"}},
		// A deal is looked up once per run of its signals; every signal of
		// the run is still checked and reported.
		{"signals on unknown deals, in runs", []string{"o.csv", deals, "s.csv", "id,oportunidad,tipo,fecha\n" +
			"S1,D7,reunion_celebrada,2026-02-01\nS2,D7,reunion_celebrada,2026-02-02\nS3,D1,reunion_celebrada,2026-02-02\n" +
			"S4,D1,reunion_celebrada,2026-02-03\nS5,D7,reunion_celebrada,2026-02-03\nS6,D8,reunion_celebrada,2026-02-03\n"},
			[]string{"s.csv:2:2 signal.unknown_deal", "s.csv:3:2 signal.unknown_deal", "s.csv:6:2 signal.unknown_deal", "s.csv:7:2 signal.unknown_deal"}},
		{"unknown signal kind", []string{"o.csv", deals, "s.csv", "id,oportunidad,tipo,fecha\nS1,D1,rumor,2026-02-01\n"},
			[]string{"s.csv:2:3 signal.unknown_kind"}},
		{"every problem of several files, in order", []string{
			"c.csv", "id,nombre,moneda\nC1,Uno,EUR\nC2,,EUR\n",
			"h.csv", "id,cliente,fecha,horas\nH1,C1,2026-13-01,2\nH2,C3,2026-01-01,x\n"},
			[]string{"c.csv:3:2 value.required", "h.csv:2:3 value.no_such_date", "h.csv:3:2 value.unknown_client", "h.csv:3:4 value.not_hours"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			_, err := csvio.Import(ctx, st, sources(tc.files...), opts())
			if got := short(err); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			assertEmpty(t, st)
		})
	}
}

func assertEmpty(t *testing.T, st cartera.Store) {
	t.Helper()
	n, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for e, c := range n {
		if c != 0 {
			t.Errorf("%s: %d records written despite the problems", e, c)
		}
	}
}

// endless is an io.Reader of one line that never ends.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestAOneGigabyteLineIsRefusedWithoutReadingItWhole(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	r := &endless{}
	src := csvio.Source{Name: "grande.csv", Size: 1 << 30, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.MultiReader(strings.NewReader("id,nombre\nC1,"), io.LimitReader(r, 1<<30))), nil
	}}
	_, err := csvio.Import(ctx, st, []csvio.Source{src}, opts())
	if got := short(err); len(got) != 1 || got[0] != "grande.csv:2:1 import.line_too_long" {
		t.Fatalf("got %v", got)
	}
	if r.n > 8<<20 {
		t.Errorf("read %d bytes of the line: it should stop past the 1 MiB limit", r.n)
	}
	// The same with the header itself never ending.
	r2 := &endless{}
	src.Open = func() (io.ReadCloser, error) { return io.NopCloser(io.LimitReader(r2, 1<<30)), nil }
	_, err = csvio.Import(ctx, st, []csvio.Source{src}, opts())
	if got := short(err); len(got) != 1 || got[0] != "grande.csv:1:1 import.line_too_long" {
		t.Fatalf("header: got %v", got)
	}
}

func TestProblemsAreCappedAndCounted(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("id,nombre,moneda\n")
	for i := 0; i < 80; i++ {
		fmt.Fprintf(&b, "C%d,Cliente,EURO\n", i)
	}
	_, err := csvio.Import(ctx, newStore(t), sources("c.csv", b.String()), opts())
	var pe *csvio.ProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) != 50 || pe.More != 30 || pe.Total() != 80 {
		t.Fatalf("got %v", err)
	}
}

func TestSpanishExcelFile(t *testing.T) {
	t.Parallel()
	// What Excel in a Spanish locale writes: semicolons, decimal commas,
	// thousands points, day-first dates, Windows-1252 bytes.
	cp1252 := func(s string) string {
		var out []byte
		for _, r := range s {
			out = append(out, byte(r)) // the test text only uses Latin-1 letters
		}
		return string(out)
	}
	st := newStore(t)
	files := sources(
		"Clientes.csv", cp1252("Id;Nombre;Responsable;¿Familia o amistad?;Moneda\r\nC1;Peña y Cía;Lucía;sí;EUR\r\n"),
		"Facturas.csv", cp1252("Id;Cliente;Número;Emitida;Vence;Pagada;Importe\r\nF1;C1;2026/1;05/01/2026;04/02/2026;;1.234,56\r\n"),
		"Horas.csv", cp1252("Id;Cliente;Fecha;Horas;Facturable;Descripción\r\nH1;C1;07/01/2026;1,5;Sí;Diseño\r\nH2;C1;08/01/2026;1:45;no;Reunión\r\n"),
	)
	rep, err := csvio.Import(ctx, st, files, opts())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Files {
		if f.Encoding != csvio.Encoding1252 {
			t.Errorf("%s: encoding %s, want windows-1252 detected", f.Name, f.Encoding)
		}
	}
	if len(rep.Files[0].Ignored) != 1 || !strings.Contains(rep.Files[0].Ignored[0], "Familia") {
		// "¿Familia o amistad?" is not a known header: it must be reported.
		t.Errorf("ignored columns: %v", rep.Files[0].Ignored)
	}
	got := storetest.Dump(t, st)
	if c := got.Clients[0]; c.Name != "Peña y Cía" || c.Owner != "Lucía" {
		t.Errorf("client %+v", c)
	}
	if v := got.Invoices[0]; v.Amount.Amount != 123456 || v.Issued != cartera.DateOf(2026, 1, 5) || !v.Paid.IsZero() {
		t.Errorf("invoice %+v", v)
	}
	if h := got.Time; h[0].Hours != 150 || !h[0].Billable || h[1].Hours != 175 || h[1].Billable || h[1].Note != "Reunión" {
		t.Errorf("time %+v", h)
	}
}

func TestUTF8WithBOMAndCommas(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	_, err := csvio.Import(ctx, st, sources(
		"clients.csv", "\ufeffid,name,owner,currency\nC1,\"Smith, Jones & Co\",Ann,usd\n",
		"invoices.csv", "id,client_id,issued,due,paid,amount\nF1,C1,2026-01-05,2026-02-04,2026-02-10,\"1,234.50\"\n",
	), opts())
	if err != nil {
		t.Fatal(err)
	}
	got := storetest.Dump(t, st)
	if got.Clients[0].Name != "Smith, Jones & Co" || got.Clients[0].Currency != "USD" {
		t.Errorf("%+v", got.Clients[0])
	}
	if got.Invoices[0].Amount != (cartera.Money{Amount: 123450, Currency: "USD"}) {
		t.Errorf("%+v", got.Invoices[0])
	}
}

// Text is stored in Unicode NFC, whichever way the file composed its
// accents: a name typed with combining marks is the same name.
func TestTextIsStoredComposed(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	_, err := csvio.Import(ctx, st, sources("clients.csv", "id,name,owner,currency\nC1,O\u0301ptica Mun\u0303oz,Luci\u0301a,EUR\n"), opts())
	if err != nil {
		t.Fatal(err)
	}
	if c := storetest.Dump(t, st).Clients[0]; c.Name != "\u00d3ptica Mu\u00f1oz" || c.Owner != "Luc\u00eda" {
		t.Errorf("stored %+q / %+q, want NFC", c.Name, c.Owner)
	}
}

func TestFilesInAnyOrderAndIdempotentReimport(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	files := sources(
		"i.csv", "id,cliente,contacto,fecha_hora,tipo,gravedad,nota\nI1,C1,P1,2026-01-05T10:00:00+01:00,gritos,3,\"Gritó, mucho\"\n",
		"p.csv", "id,cliente,nombre,nivel\nP1,C1,Ana,gerente\n",
		"c.csv", clients,
	)
	for i := 0; i < 2; i++ {
		if _, err := csvio.Import(ctx, st, files, opts()); err != nil {
			t.Fatal(err)
		}
	}
	n, _ := st.Counts(ctx)
	if n[cartera.EntityClients] != 2 || n[cartera.EntityIncidents] != 1 || n[cartera.EntityContacts] != 1 {
		t.Errorf("counts after two imports: %v", n)
	}
	got := storetest.Dump(t, st)
	if in := got.Incidents[0]; !in.At.Equal(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)) || in.Kind != cartera.KindYelling || in.Note != "Gritó, mucho" {
		t.Errorf("incident %+v", in)
	}
	if got.Contacts[0].Seniority != cartera.SeniorityManager {
		t.Errorf("seniority %v", got.Contacts[0].Seniority)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	o := opts()
	o.DryRun = true
	rep, err := csvio.Import(ctx, st, sources("c.csv", clients), o)
	if err != nil || rep.Rows != 2 || !rep.DryRun {
		t.Fatalf("%+v %v", rep, err)
	}
	assertEmpty(t, st)
}

func TestIncidentTimesWithoutZoneUseTheLocation(t *testing.T) {
	t.Parallel()
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Skip("no tzdata")
	}
	st := newStore(t)
	o := opts()
	o.Location = madrid
	_, err = csvio.Import(ctx, st, sources("c.csv", clients,
		"i.csv", "id,cliente,fecha_hora,tipo,gravedad\nI1,C1,15/07/2026 21:30,fuera_de_horario,2\n"), o)
	if err != nil {
		t.Fatal(err)
	}
	in := storetest.Dump(t, st).Incidents[0]
	if !in.At.Equal(time.Date(2026, 7, 15, 19, 30, 0, 0, time.UTC)) {
		t.Errorf("21:30 in Madrid in July is 19:30 UTC, got %v", in.At.UTC())
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format string
		style  csvio.Style
	}{
		{csvio.FormatCSV, csvio.Style{Spanish: true}},
		{csvio.FormatCSV, csvio.Style{}},
		{csvio.FormatJSON, csvio.Style{}},
	} {
		t.Run(fmt.Sprintf("%s-es=%v", tc.format, tc.style.Spanish), func(t *testing.T) {
			t.Parallel()
			src := newStore(t)
			fx := storetest.NewFixture()
			storetest.Load(t, src, fx)
			dir := t.TempDir()
			res, err := csvio.Export(ctx, src, dir, tc.format, tc.style)
			if err != nil {
				t.Fatal(err)
			}
			var files []csvio.Source
			for _, f := range res.Files {
				files = append(files, csvio.FileSource(f.Path))
			}
			dst := newStore(t)
			o := opts()
			o.Now = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			if _, err := csvio.Import(ctx, dst, files, o); err != nil {
				t.Fatal(err)
			}
			if diff := storetest.Compare(storetest.Dump(t, src), storetest.Dump(t, dst)); diff != "" {
				t.Error(diff)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(cartera.Entities) {
				t.Errorf("export left %d files (temporary files must be gone)", len(entries))
			}
		})
	}
}

func TestEveryProblemRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	_, err := csvio.Import(ctx, newStore(t), sources("c.csv", clients, "h.csv", "id,cliente,fecha,horas\nH1,C1,2026-02-30,-1\n"), opts())
	var pe *csvio.ProblemsError
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	for _, l := range i18n.Langs {
		p := i18n.New(l, nil)
		for _, pr := range pe.Problems {
			text := p.Msg(pr.Msg)
			if strings.Contains(text, "{") || strings.Contains(text, "value.") || text == "" {
				t.Errorf("%s: unrendered message %q", l, text)
			}
		}
	}
	if !strings.HasPrefix(i18n.New(i18n.ES, nil).Msg(pe.Problems[0].Msg), "fecha: ") {
		t.Errorf("the column name leads the message: %q", i18n.New(i18n.ES, nil).Msg(pe.Problems[0].Msg))
	}
}

func TestWriterMatchesExport(t *testing.T) {
	t.Parallel()
	w, mem, err := csvio.NewMemoryWriter(csvio.FormatCSV, csvio.Style{Spanish: true})
	if err != nil {
		t.Fatal(err)
	}
	fx := storetest.NewFixture()
	for _, c := range fx.Clients {
		w.Client(c)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	srcs := mem.Sources()
	rc, _ := srcs[0].Open()
	b, _ := io.ReadAll(rc)
	if !bytes.HasPrefix(b, []byte("\ufeffid;nombre;responsable")) {
		t.Errorf("Spanish CSV starts with a BOM and Spanish headers: %q", b[:40])
	}
}

// The example files of docs/import.md import cleanly, in both languages.
func TestDocumentedExamplesImport(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"es", "en"} {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", "import", lang, "*.csv"))
		var srcs []csvio.Source
		for _, p := range paths {
			srcs = append(srcs, csvio.FileSource(p))
		}
		st := newStore(t)
		rep, err := csvio.Import(ctx, st, srcs, opts())
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if len(rep.Files) != 6 {
			t.Errorf("%s: %d files recognised", lang, len(rep.Files))
		}
		for _, f := range rep.Files {
			if len(f.Ignored) > 0 {
				t.Errorf("%s/%s: ignored %v", lang, f.Name, f.Ignored)
			}
		}
	}
}
