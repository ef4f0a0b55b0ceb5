package csvio_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
)

// fakeStore knows two clients and one contact and accepts every write: it
// lets the fuzzer exercise the reader and the validator quickly.
type fakeStore struct{ cartera.Store }

func (fakeStore) ClientKeys(_ context.Context, fn func(string, cartera.Currency) error) error {
	fn("C-001", "EUR")
	return fn("C-002", "EUR")
}

func (fakeStore) EachClient(_ context.Context, fn func(cartera.Client) error) error {
	if err := fn(cartera.Client{ID: "C-001", Name: "Talleres Ruiz", Currency: "EUR"}); err != nil {
		return err
	}
	return fn(cartera.Client{ID: "C-002", Name: "Panadería Hermanos Gil", Currency: "EUR"})
}

func (fakeStore) ContactKeys(_ context.Context, fn func(string, string) error) error {
	return fn("P-001", "C-001")
}

func (fakeStore) DealKeys(_ context.Context, fn func(string, cartera.Currency) error) error {
	return fn("D-001", "EUR")
}

func (fakeStore) MatchRules(context.Context) ([]cartera.MatchRule, error) {
	return []cartera.MatchRule{{Kind: cartera.MatchProject, Value: "web talleres", Role: cartera.RoleClient, ClientID: "C-001"}}, nil
}

func (fakeStore) Pipeline(context.Context) (cartera.Pipeline, error) {
	return cartera.DefaultPipeline(), nil
}

func (fakeStore) BeginImport(context.Context) (cartera.ImportTx, error) { return &fakeTx{}, nil }

type fakeTx struct{ seen map[string]int64 }

func (t *fakeTx) put(ids []string, pos []int64) []cartera.Duplicate {
	if t.seen == nil {
		t.seen = map[string]int64{}
	}
	var out []cartera.Duplicate
	for i, id := range ids {
		if p, ok := t.seen[id]; ok {
			out = append(out, cartera.Duplicate{Index: i, FirstPos: p})
			continue
		}
		t.seen[id] = pos[i]
	}
	return out
}

func idsOf[T any](rows []T, id func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

func (t *fakeTx) PutClients(_ context.Context, r []cartera.Client, p []int64) ([]cartera.Duplicate, error) {
	return t.put(idsOf(r, func(x cartera.Client) string { return "c/" + x.ID }), p), nil
}
func (t *fakeTx) PutContacts(_ context.Context, r []cartera.Contact, p []int64) ([]cartera.Duplicate, error) {
	return t.put(idsOf(r, func(x cartera.Contact) string { return "p/" + x.ID }), p), nil
}
func (t *fakeTx) PutInvoices(_ context.Context, r []cartera.Invoice, p []int64) ([]cartera.Duplicate, error) {
	return t.put(idsOf(r, func(x cartera.Invoice) string { return "f/" + x.ID }), p), nil
}
func (t *fakeTx) PutTimeEntries(_ context.Context, r []cartera.TimeEntry, p []int64) ([]cartera.Duplicate, error) {
	return t.put(idsOf(r, func(x cartera.TimeEntry) string { return "h/" + x.ID }), p), nil
}
func (t *fakeTx) PutConcessions(_ context.Context, r []cartera.Concession, p []int64) ([]cartera.Duplicate, error) {
	return t.put(idsOf(r, func(x cartera.Concession) string { return "d/" + x.ID }), p), nil
}
func (t *fakeTx) PutIncidents(_ context.Context, r []cartera.Incident, p []int64) ([]cartera.Duplicate, error) {
	return t.put(idsOf(r, func(x cartera.Incident) string { return "i/" + x.ID }), p), nil
}
func (t *fakeTx) PutDeals(_ context.Context, r []cartera.Deal, p []int64) ([]cartera.Duplicate, error) {
	return t.put(idsOf(r, func(x cartera.Deal) string { return "o/" + x.ID }), p), nil
}
func (t *fakeTx) PutSignals(_ context.Context, r []cartera.Signal, p []int64) ([]cartera.Duplicate, error) {
	return t.put(idsOf(r, func(x cartera.Signal) string { return "s/" + x.ID }), p), nil
}
func (t *fakeTx) PutStageHistory(context.Context, []cartera.StageMove) error   { return nil }
func (t *fakeTx) PutProvenance(context.Context, []cartera.Provenance) error    { return nil }
func (t *fakeTx) PutUnmatched(context.Context, []cartera.Unmatched) error      { return nil }
func (t *fakeTx) PutMailMessages(context.Context, []cartera.MailMessage) error { return nil }
func (t *fakeTx) PutCandidates(context.Context, []cartera.Candidate) error     { return nil }
func (t *fakeTx) PutArchive(context.Context, *cartera.Archive) error           { return nil }
func (t *fakeTx) Commit(context.Context) error                                 { return nil }
func (t *fakeTx) Rollback() error                                              { return nil }

// seedFiles returns the documented example files, the fuzzer's seeds.
func seedFiles(f *testing.F) [][]byte {
	var out [][]byte
	for _, dir := range []string{"es", "en"} {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", "import", dir, "*"))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	if len(out) < 12 {
		f.Fatalf("seed files missing: %d", len(out))
	}
	return out
}

// FuzzImport feeds arbitrary bytes to the importer as one file. Whatever
// the input, the importer must not panic, must return either success or a
// ProblemsError, and every problem must carry a position and a message
// that renders in both languages.
func FuzzImport(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Add([]byte("{\"id\":\"C-009\",\"name\":\"Json\"}\n{\"id\":1}\n"))
	f.Add([]byte("\xff\xfei\x00d\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := csvio.Import(ctx, fakeStore{}, sources("f.csv", string(data)), opts())
		if err == nil {
			return
		}
		var pe *csvio.ProblemsError
		if !errors.As(err, &pe) {
			t.Fatalf("not a ProblemsError: %v", err)
		}
		for _, l := range i18n.Langs {
			p := i18n.New(l, nil)
			for _, pr := range pe.Problems {
				if pr.Line < 1 || pr.Column < 1 {
					t.Fatalf("bad position %d:%d", pr.Line, pr.Column)
				}
				if text := p.Msg(pr.Msg); text == "" || strings.Contains(text, pr.Msg.Key) {
					t.Fatalf("message %s does not render: %q", pr.Msg, text)
				}
			}
		}
	})
}

// vendorSeeds returns the example vendor exports and a user's sheet, copied
// under testdata/vendors as the fuzzer's seeds.
func vendorSeeds(f *testing.F) [][]byte {
	paths, _ := filepath.Glob(filepath.Join("testdata", "vendors", "*.csv"))
	if len(paths) < 7 {
		f.Fatalf("vendor seed files missing: %d", len(paths))
	}
	// The time trackers' exports are vendor files too.
	trackers, _ := filepath.Glob(filepath.Join("..", "testdata", "trackers", "*.csv"))
	paths = append(paths, trackers...)
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// fuzzMapping is the documented mapping file, extended with a few entries
// so that the fuzzer also meets its paths (fraction probabilities, month
// first dates, flags, won and lost times).
const fuzzMapping = `{
  "name": "hoja-comercial",
  "columns": {"Ref": "id", "Cliente": "company", "Oportunidad": "title", "Comercial": "owner", "Importe (€)": "value",
    "Fase": "stage", "Estado": "outcome", "Prob.": "claimed", "Alta": "created", "Cierre": "close_date",
    "Motivo": "lost_reason", "Competidor": "competitor", "Cerrada": "is_closed", "Ganada": "is_won",
    "Ganada el": "won_time", "Perdida el": "lost_time", "Categoría": "category", "Moneda": "currency"},
  "stages": {"Primera visita": "lead", "Necesidad confirmada": "qualified", "Propuesta enviada": "proposal",
    "Negociando": "negotiation", "Firmado": "won", "Descartado": "lost"},
  "outcomes": {"Abierta": "open", "Ganada": "won", "Perdida": "lost"},
  "categories": {"Segura": "commit", "Quizá": "best_case", "Omitida": ""},
  "probability_scale": "fraction",
  "id_prefix": "hoja-"
}`

// FuzzVendorImport feeds arbitrary bytes to the importer as a vendor export
// or a sheet read with a user mapping. The seeds are real-looking HubSpot,
// Pipedrive and Salesforce exports; the fuzzer mutates headers, stages,
// dates, amounts and footers. Whatever the input: no panic, success or a
// ProblemsError whose every problem has a position and renders in both
// languages, and Preview agrees that nothing panics either.
func FuzzVendorImport(f *testing.F) {
	for _, b := range vendorSeeds(f) {
		f.Add(b)
	}
	f.Add([]byte("\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Amount\",\"Create Date\",\"Deal probability\",\"Is Deal Closed?\",\"Is Closed Won\"\n\"1\",\"Web\",\"Closed Won\",\"EUR 1.000,50\",\"2026-01-05T10:00:00Z\",\"0.5\",\"true\",\"true\"\n"))
	f.Add([]byte("Ref;Cliente;Fase;Alta;Importe (€);Ganada el;Perdida el;Cerrada;Ganada\nA;X;Negociando;3/4/2026 9:15 PM;1,5;;4/5/2026;sí;no\n\n\"Total\"\n"))
	m, err := csvio.LoadMapping("fuzz.json", []byte(fuzzMapping))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, o := range []csvio.Options{opts(), func() csvio.Options { o := opts(); o.Mappings = []*csvio.Mapping{m}; return o }()} {
			_, err := csvio.Import(ctx, fakeStore{}, sources("f.csv", string(data)), o)
			checkProblems(t, err)
		}
		res, err := csvio.Preview(ctx, fakeStore{}, csvio.BytesSource("f.csv", data), m, 5, opts())
		checkProblems(t, err)
		if res != nil {
			for _, r := range res.Rows {
				checkProblems(t, &csvio.ProblemsError{Problems: r.Problems})
			}
		}
	})
}

// FuzzLoadMapping feeds arbitrary bytes to the mapping loader: a mapping
// or a ProblemsError with positions inside the file, never a panic.
func FuzzLoadMapping(f *testing.F) {
	f.Add([]byte(fuzzMapping))
	b, _ := os.ReadFile(filepath.Join("..", "testdata", "mappings", "hubspot-etapas-propias.json"))
	f.Add(b)
	f.Add([]byte(`{"extends": "salesforce-es", "columns": {"Oportunidad: Propietario": "owner", "Importe": ""}, "date_order": "mdy"}`))
	f.Add([]byte(`{"entity": "senales", "columns": {"Activity": "id", "Opportunity": "deal_id", "Date": "date", "Type": "kind"},
 "values": {"kind": {"Meeting": "meeting_held"}, "date": 3}, "skip_where": {"kind": ["Email", 4], "owner": "x"}}`))
	f.Add([]byte(`{"entity": "accounts", "columns": {"Id": "id"}, "skip_where": {"stage": "Prospecting"}, "values": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := csvio.LoadMapping("m.json", data)
		if err == nil {
			if m == nil {
				t.Fatal("no mapping and no error")
			}
			return
		}
		checkProblems(t, err)
		var pe *csvio.ProblemsError
		errors.As(err, &pe)
		lines := strings.Count(string(data), "\n") + 1
		for _, p := range pe.Problems {
			if p.Line > lines {
				t.Fatalf("line %d past the end (%d lines)", p.Line, lines)
			}
		}
	})
}

// checkProblems fails unless err is nil or a ProblemsError whose problems
// have positions and messages that render in both languages.
func checkProblems(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *csvio.ProblemsError
	if !errors.As(err, &pe) {
		t.Fatalf("not a ProblemsError: %v", err)
	}
	for _, l := range i18n.Langs {
		p := i18n.New(l, nil)
		for _, pr := range pe.Problems {
			if pr.Line < 1 || pr.Column < 1 {
				t.Fatalf("bad position %d:%d", pr.Line, pr.Column)
			}
			if text := p.Msg(pr.Msg); text == "" || strings.Contains(text, pr.Msg.Key) {
				t.Fatalf("message %s does not render: %q", pr.Msg, text)
			}
		}
	}
}
