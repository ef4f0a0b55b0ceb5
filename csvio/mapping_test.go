package csvio_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/storetest"
)

func readMapping(t *testing.T, name string) *csvio.Mapping {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "mappings", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := csvio.LoadMapping(name, b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The documented example: a sales spreadsheet of one's own, read with a
// mapping file.
func TestUserMappingImportsASpreadsheet(t *testing.T) {
	t.Parallel()
	m := readMapping(t, "hoja-comercial.json")
	st := newStore(t)
	o := opts()
	o.Mappings = []*csvio.Mapping{m}
	files := []csvio.Source{csvio.FileSource(filepath.Join("..", "testdata", "import", "es", "clientes.csv")),
		csvio.FileSource(filepath.Join("..", "testdata", "mappings", "hoja-comercial.csv"))}
	rep, err := csvio.Import(ctx, st, files, o)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[1]
	if f.Mapping != "hoja-comercial" || f.Rows != 6 || strings.Join(f.Ignored, ",") != "Notas" || f.DateOrder != "dmy" {
		t.Errorf("%+v", f)
	}
	// Cartera's own clients file is still recognised with --map.
	if rep.Files[0].Entity != cartera.EntityClients || rep.Files[0].Mapping != "" {
		t.Errorf("%+v", rep.Files[0])
	}
	d := storetest.Dump(t, st).Deals
	by := map[string]cartera.Deal{}
	for _, x := range d {
		by[x.ID] = x
	}
	checks := []struct {
		id   string
		ok   bool
		what string
	}{
		{"hoja-OP-01", by["hoja-OP-01"].ClientID == "C-001" && by["hoja-OP-01"].Outcome == cartera.OutcomeWon &&
			by["hoja-OP-01"].Stage == "" && by["hoja-OP-01"].Closed == cartera.DateOf(2026, 2, 20) &&
			by["hoja-OP-01"].Value.Amount == 120000, "won by its stage (stage unknown), linked to Talleres Ruiz"},
		{"hoja-OP-02", by["hoja-OP-02"].Prospect == "Óptica Miramar" && by["hoja-OP-02"].Claimed == 6000 &&
			by["hoja-OP-02"].ExpectedClose == cartera.DateOf(2026, 12, 15) && by["hoja-OP-02"].Stage == "proposal", "open prospect"},
		{"hoja-OP-03", by["hoja-OP-03"].Outcome == cartera.OutcomeLost && by["hoja-OP-03"].Stage == "proposal" &&
			by["hoja-OP-03"].Competitor == "Wix" && by["hoja-OP-03"].Value.Amount == 210050, "lost from its status, stage kept"},
		{"hoja-OP-05", by["hoja-OP-05"].ClientID == "C-001" && by["hoja-OP-05"].ExpectedClose.IsZero(), "open without a close date"},
		{"hoja-OP-06", by["hoja-OP-06"].Outcome == cartera.OutcomeLost && by["hoja-OP-06"].Stage == "" &&
			by["hoja-OP-06"].LostReason == "Eligieron a la competencia", "lost by its stage: stage unknown"},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s (%s): %+v", c.id, c.what, by[c.id])
		}
	}
	if len(d) != 6 {
		t.Errorf("%d deals", len(d))
	}
}

func TestMappingExtendsABuiltIn(t *testing.T) {
	t.Parallel()
	m := readMapping(t, "hubspot-etapas-propias.json")
	s := edit(t, "hubspot-es.csv", `"Cita programada"`, `"Briefing recibido"`)
	s = strings.Replace(s, `"Propietario del negocio"`, `"Comercial asignado"`, 1)
	st := newStore(t)
	o := opts()
	o.Mappings = []*csvio.Mapping{m}
	rep, err := csvio.Import(ctx, st, sources("hs.csv", s), o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files[0].Mapping != "hubspot-agencia" || len(rep.Files[0].Ignored) != 1 {
		t.Errorf("%+v", rep.Files[0])
	}
	d := dealsByTitle(storetest.Dump(t, st).Deals)["Ferretería La Llave"]
	if d.Stage != "qualified" || d.Owner != "Andrés Molina" || d.ID != "hubspot-21907750387" {
		t.Errorf("%+v", d)
	}
}

func TestMappingOverridesDateOrder(t *testing.T) {
	t.Parallel()
	// Every date of this file fits both orders; the mapping says which.
	mapping := `{"extends": "salesforce-en", "date_order": "dmy"}`
	m, err := csvio.LoadMapping("m.json", []byte(mapping))
	if err != nil {
		t.Fatal(err)
	}
	s := "\"Opportunity ID\",\"Opportunity Name\",\"Stage\",\"Amount\",\"Created Date\"\n\"1\",\"Uno\",\"Prospecting\",\"1\",\"3/4/2026\"\n"
	st := newStore(t)
	o := opts()
	o.Mappings = []*csvio.Mapping{m}
	if _, err := csvio.Import(ctx, st, sources("sf.csv", s), o); err != nil {
		t.Fatal(err)
	}
	if d := storetest.Dump(t, st).Deals[0]; d.Created != cartera.DateOf(2026, 4, 3) {
		t.Errorf("created %s, want 3 April", d.Created)
	}
	// Without the mapping, the English export reads month first.
	st = newStore(t)
	if _, err := csvio.Import(ctx, st, sources("sf.csv", s), opts()); err != nil {
		t.Fatal(err)
	}
	if d := storetest.Dump(t, st).Deals[0]; d.Created != cartera.DateOf(2026, 3, 4) {
		t.Errorf("created %s, want 4 March", d.Created)
	}
}

var unrendered = regexp.MustCompile(`\{[a-z_]+(:[a-z_]+)?\}`)

// posKeys renders problems as "file:line:column key".
func posKeys(err error) string {
	var out []string
	for _, s := range short(err) {
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

func TestBadMappingFiles(t *testing.T) {
	t.Parallel()
	good := `"columns": {"Ref": "id", "Fase": "stage", "Alta": "created", "Importe": "value", "Nombre": "title"}`
	tests := []struct {
		name, text, want string
	}{
		{"not JSON at all", "columns: Ref", "m.json:1:1 mapping.bad_json"},
		{"a missing comma, at its line and column", "{\n  \"name\": \"x\"\n  \"columns\": {}\n}", "m.json:3:3 mapping.bad_json"},
		{"cut short", `{"name": "x", "columns": {"Ref": "id"`, "m.json:1:38 mapping.json_ends"},
		{"an array", `["Ref", "id"]`, "m.json:1:1 mapping.not_object"},
		{"a misspelt field", "{\n  \"colums\": {}\n}", "m.json:2:3 mapping.unknown_field"},
		{"an unknown target column", "{" + good + ",\n \"stages\": {\"A\": \"lead\"},\n \"x\": 1}",
			"m.json:3:2 mapping.unknown_field"},
		{"a target that is not a deal column", "{\"columns\": {\"Ref\": \"id\", \"Fase\": \"stage\", \"Alta\": \"created\",\n \"Importe\": \"amount_eur\"}, \"stages\": {\"A\": \"lead\"}}",
			"m.json:2:13 mapping.unknown_target\nm.json:1:13 mapping.missing_targets"},
		{"a stage target with spaces", "{" + good + ", \"stages\": {\"Firmado\": \"closed won\"}}",
			"m.json:1:125 mapping.bad_stage_target\nm.json:1:113 mapping.no_stages"},
		{"no stages", "{" + good + "}", "m.json:1:1 mapping.no_stages"},
		{"an outcome that is not one", "{" + good + `, "stages": {"A": "lead"}, "outcomes": {"Hecho": "done"}}`,
			"m.json:1:150 mapping.bad_outcome"},
		{"a date order that is not one", "{" + good + `, "stages": {"A": "lead"}, "date_order": "ymd"}`,
			"m.json:1:142 mapping.bad_date_order"},
		{"a number where text goes", "{" + good + `, "stages": {"A": 3}}`, "m.json:1:119 mapping.not_text"},
		{"extends something unknown", `{"extends": "zoho"}`, "m.json:1:13 mapping.unknown_base"},
		{"the same header twice", `{"columns": {"Ref": "id", "Ref": "title"}}`, "m.json:1:34 mapping.duplicate_entry"},
		{"an entity that is not a kind of record", `{"entity": "accounts", "columns": {"Ref": "id"}}`, "m.json:1:12 mapping.bad_entity"},
		{"a clients mapping without a name column", `{"entity": "clientes", "columns": {"Account ID": "id", "Rep": "owner"}}`,
			"m.json:1:35 mapping.missing_targets_of"},
		{"a signals target that is not a signal column", `{"entity": "signals", "columns": {"Id": "id", "Deal": "deal_id", "When": "date", "Type": "kind", "Subject": "title"}}`,
			"m.json:1:109 mapping.unknown_target_of"},
		{"a filter on no column", "{" + good + `, "stages": {"A": "lead"}, "skip_where": {"pipeline": "Renewals"}}`,
			"m.json:1:155 mapping.unknown_target"},
		{"a filter value that is a number", "{" + good + `, "stages": {"A": "lead"}, "skip_where": {"stage": 3}}`,
			"m.json:1:152 mapping.not_list"},
		{"text after the end", "{" + good + `, "stages": {"A": "lead"}} {}`, "m.json:1:128 mapping.bad_json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := csvio.LoadMapping("m.json", []byte(tc.text))
			if got := posKeys(err); got != tc.want {
				t.Errorf("got\n  %s\nwant\n  %s", strings.ReplaceAll(got, "\n", "\n  "), strings.ReplaceAll(tc.want, "\n", "\n  "))
			}
			var pe *csvio.ProblemsError
			if errors.As(err, &pe) {
				for _, l := range i18n.Langs {
					for _, p := range pe.Problems {
						if text := i18n.New(l, nil).Msg(p.Msg); strings.Contains(text, "mapping.") || unrendered.MatchString(text) {
							t.Errorf("%s: unrendered %q", l, text)
						}
					}
				}
			}
		})
	}
}

// A stage target must be a stage of the user's pipeline: checked when the
// mapping is used, at the entry's position, before any file is read.
func TestMappingStageTargetsMustBeInThePipeline(t *testing.T) {
	t.Parallel()
	text := "{\n \"columns\": {\"Ref\": \"id\", \"Fase\": \"stage\", \"Alta\": \"created\", \"Importe\": \"value\", \"Nombre\": \"title\"},\n" +
		" \"stages\": {\"Visita\": \"lead\",\n   \"Firmado\": \"signed\"}\n}"
	m, err := csvio.LoadMapping("m.json", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	o := opts()
	o.Mappings = []*csvio.Mapping{m}
	st := newStore(t)
	_, err = csvio.Import(ctx, st, sources("d.csv", "Ref;Nombre;Fase;Alta;Importe\n1;Web;Visita;01/02/2026;10\n"), o)
	if got := posKeys(err); got != "m.json:4:15 mapping.unknown_stage_target" {
		t.Errorf("got %s", got)
	}
	assertEmpty(t, st)
}

func TestAFileThatDoesNotFitTheMapping(t *testing.T) {
	t.Parallel()
	m := readMapping(t, "hoja-comercial.json")
	o := opts()
	o.Mappings = []*csvio.Mapping{m}
	_, err := csvio.Import(ctx, newStore(t), sources("d.csv", "Ref;Cliente;Fase\n1;X;Firmado\n"), o)
	if got := posKeys(err); got != "d.csv:1:1 mapping.missing_columns" {
		t.Errorf("got %s", got)
	}
	var pe *csvio.ProblemsError
	errors.As(err, &pe)
	if text := i18n.New(i18n.EN, nil).Msg(pe.Problems[0].Msg); !strings.Contains(text, "Alta") || !strings.Contains(text, "hoja-comercial") {
		t.Errorf("%q", text)
	}
}

func TestPreviewShowsTheMappingAndTheFirstRows(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	if _, err := csvio.Import(ctx, st, sources("clientes.csv", spanishClients(t)), opts()); err != nil {
		t.Fatal(err)
	}
	s := edit(t, "salesforce-en.csv", `"Value Proposition","18900.00","50"`, `"Value Proposition","18900.00","140"`)
	res, err := csvio.Preview(ctx, st, csvio.BytesSource("sf.csv", []byte(s)), nil, 4, opts())
	if err != nil {
		t.Fatal(err)
	}
	if res.File.Mapping != "salesforce-en" || res.File.Entity != cartera.EntityDeals || len(res.Header) != 12 || len(res.Rows) != 4 {
		t.Fatalf("%+v", res)
	}
	if c := res.Columns[2]; c.Header != "Account Name" || c.Target != "company" || c.Index != 3 {
		t.Errorf("column 3: %+v", c)
	}
	first, ok := res.Rows[0].Record.(cartera.Deal)
	if !ok || first.ClientID != "C-001" || first.Outcome != cartera.OutcomeWon || res.Rows[0].Line != 2 || res.Rows[0].Cells[4] != "Closed Won" {
		t.Errorf("row 1: %+v", res.Rows[0])
	}
	bad := res.Rows[3]
	if bad.Record != nil || len(bad.Problems) != 1 || bad.Problems[0].Line != 5 || bad.Problems[0].Column != 7 {
		t.Errorf("row 4: %+v", bad)
	}
	if n, _ := st.Counts(ctx); n[cartera.EntityDeals] != 0 {
		t.Errorf("the preview wrote %d deals", n[cartera.EntityDeals])
	}
	// A user mapping passed to Preview is tried first; an ignored column
	// has no target.
	m := readMapping(t, "hoja-comercial.json")
	res, err = csvio.Preview(ctx, st, csvio.FileSource(filepath.Join("..", "testdata", "mappings", "hoja-comercial.csv")), m, 10, opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 6 || res.Columns[12].Header != "Notas" || res.Columns[12].Target != "" || res.Columns[4].Target != "value" {
		t.Errorf("%+v", res.Columns)
	}
	for _, r := range res.Rows {
		if len(r.Problems) > 0 {
			t.Errorf("line %d: %v", r.Line, r.Problems)
		}
	}
	// A header nothing reads is a problem, as on import.
	if _, err := csvio.Preview(ctx, st, csvio.BytesSource("x.csv", []byte("a,b\n1,2\n")), nil, 3, opts()); posKeys(err) != "x.csv:1:1 import.unknown_header" {
		t.Errorf("%v", err)
	}
}

// An export of early prospects and closed deals: a mapping gives a
// currency and a created date where the file has none, skips rows with no
// title, keeps a closed deal's last open stage when the file gives it, and
// the report says how many deals are in a currency other than the user's.
func TestMappingDefaultsSkipsAndLastStage(t *testing.T) {
	t.Parallel()
	m, err := csvio.LoadMapping("export.json", []byte(`{
  "columns": {"Ref": "id", "Name": "title", "Stage": "stage", "Before": "last_stage", "Created": "created",
    "Closed": "close_date", "Amount": "value"},
  "stages": {"Talking": "qualified", "Offer": "proposal", "Won": "won", "Lost": "lost"},
  "defaults": {"currency": "USD", "created": "2026-01-05"},
  "skip_empty": ["title"],
  "date_order": "dmy"
}`))
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(t)
	o := opts()
	o.Mappings = []*csvio.Mapping{m}
	csv := "Ref,Name,Stage,Before,Created,Closed,Amount\n" +
		"1,Alpha,Talking,,,,100\n" + // no created date: the default
		"2,,Offer,,10/01/2026,,200\n" + // no title: skipped
		"3,Gamma,Won,Offer,10/01/2026,20/02/2026,300\n" + // closed, last stage given
		"4,Delta,Lost,,10/01/2026,20/02/2026,400\n" // closed, stage unknown
	rep, err := csvio.Import(ctx, st, []csvio.Source{csvio.BytesSource("export.csv", []byte(csv))}, o)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[0]
	if f.Skipped != 1 || strings.Join(f.SkippedFor, ",") != "title" || f.OtherCurrencies["USD"] != 3 {
		t.Errorf("report: %+v", f)
	}
	by := map[string]cartera.Deal{}
	for _, x := range storetest.Dump(t, st).Deals {
		by[x.ID] = x
	}
	if d := by["1"]; d.Created != cartera.DateOf(2026, 1, 5) || d.Value.Currency != "USD" || d.Stage != "qualified" {
		t.Errorf("defaults: %+v", d)
	}
	if _, ok := by["2"]; ok || len(by) != 3 {
		t.Errorf("row without a title was imported: %v", by)
	}
	if d := by["3"]; d.Outcome != cartera.OutcomeWon || d.Stage != "proposal" {
		t.Errorf("last stage kept: %+v", d)
	}
	if d := by["4"]; d.Outcome != cartera.OutcomeLost || d.Stage != "" {
		t.Errorf("stage unknown: %+v", d)
	}
}

// Every record kind can be read through a mapping: a CRM's accounts as
// clients, its activities as signals on the deals of the same export (the
// id prefix on both), with defaults and rows left out by a filter.
func TestMappingsForEveryRecordKind(t *testing.T) {
	t.Parallel()
	load := func(name, text string) *csvio.Mapping {
		m, err := csvio.LoadMapping(name, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	accounts := load("accounts.json", `{"entity": "clients",
  "columns": {"Account ID": "id", "Account Name": "name", "Account Owner": "owner", "Customer Since": "since"},
  "defaults": {"currency": "USD"},
  "skip_where": {"owner": ["Test User", "Integration"]},
  "date_order": "mdy"}`)
	deals := load("deals.json", `{"columns": {"Opp": "id", "Account": "company", "Product": "title", "Team": "owner",
    "Stage": "stage", "Created": "created", "Amount": "value"},
  "stages": {"Prospecting": "lead", "Proposal": "proposal"},
  "skip_where": {"stage": "Prospecting"},
  "id_prefix": "crm-", "date_order": "mdy"}`)
	activities := load("activities.json", `{"entity": "senales",
  "columns": {"Activity": "id", "Opportunity": "deal_id", "Date": "date", "Type": "kind", "Subject": "note"},
  "values": {"kind": {"Meeting": "meeting_held", "Call": "reply"}},
  "id_prefix": "crm-", "date_order": "mdy"}`)
	st := newStore(t)
	o := opts()
	o.Mappings = []*csvio.Mapping{accounts, deals, activities}
	files := []csvio.Source{
		csvio.BytesSource("accounts.csv", []byte("Account ID,Account Name,Account Owner,Customer Since\n"+
			"A1,Acme Ltd,Ana,3/15/2024\n"+
			"A2,Test Account,Test User,3/16/2024\n"+
			"A3,Beta Inc,Ben,\n")),
		csvio.BytesSource("deals.csv", []byte("Opp,Account,Product,Team,Stage,Created,Amount\n"+
			"7,Acme Ltd,Support plan,Enterprise,Proposal,1/10/2026,1200\n"+
			"8,Beta Inc,Audit,SMB,Prospecting,1/11/2026,300\n")),
		csvio.BytesSource("activities.csv", []byte("Activity,Opportunity,Date,Type,Subject\n"+
			"90,7,1/12/2026,MEETING,Kick-off call\n")),
	}
	rep, err := csvio.Import(ctx, st, files, o)
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Files[0]; f.Entity != cartera.EntityClients || f.Mapping != "accounts" || f.Filtered != 1 ||
		strings.Join(f.FilteredBy, ",") != "owner = Test User" {
		t.Errorf("accounts: %+v", f)
	}
	if f := rep.Files[1]; f.Filtered != 1 || strings.Join(f.FilteredBy, ",") != "stage = Prospecting" {
		t.Errorf("deals: %+v", f)
	}
	d := storetest.Dump(t, st)
	if len(d.Clients) != 2 || d.Clients[0].ID != "A1" || d.Clients[0].Name != "Acme Ltd" || d.Clients[0].Owner != "Ana" ||
		d.Clients[0].Since != cartera.DateOf(2024, 3, 15) || d.Clients[0].Currency != "USD" {
		t.Errorf("clients: %+v", d.Clients)
	}
	if len(d.Deals) != 1 || d.Deals[0].ID != "crm-7" || d.Deals[0].ClientID != "A1" || d.Deals[0].Title != "Support plan" ||
		d.Deals[0].Owner != "Enterprise" {
		t.Errorf("deals: %+v", d.Deals)
	}
	if len(d.Signals) != 1 || d.Signals[0].ID != "crm-90" || d.Signals[0].DealID != "crm-7" ||
		d.Signals[0].Day != cartera.DateOf(2026, 1, 12) || d.Signals[0].Note != "Kick-off call" ||
		d.Signals[0].Kind != cartera.SignalMeetingHeld {
		t.Errorf("signals: %+v", d.Signals)
	}
	// The reports say what was left out, in both languages.
	for _, l := range i18n.Langs {
		if text := i18n.New(l, nil).T("import.rows_filtered", "n", 1, "conditions", []string{"owner = Test User"}); !strings.Contains(text, "owner = Test User") {
			t.Errorf("%s: %q", l, text)
		}
	}
}
