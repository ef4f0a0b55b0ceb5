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

func (fakeStore) ContactKeys(_ context.Context, fn func(string, string) error) error {
	return fn("P-001", "C-001")
}

func (fakeStore) DealKeys(_ context.Context, fn func(string, cartera.Currency) error) error {
	return fn("D-001", "EUR")
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
func (t *fakeTx) Commit(context.Context) error { return nil }
func (t *fakeTx) Rollback() error              { return nil }

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
