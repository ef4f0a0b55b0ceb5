package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/demo"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/internal/demostore"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
	"github.com/cartera/cartera/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var ctx = context.Background()

// asOf fixes the demo's anchor so that the reports never change.
var asOf = cartera.DateOf(2026, 11, 25)

func demoStore(t *testing.T) *sqlite.DB { return demostore.Open(t, asOf) }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./report -update\n--- got ---\n%s", name, got)
	}
}

func TestPortfolioReportGolden(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	for _, l := range i18n.Langs {
		res, err := review.Run(ctx, st, review.Options{AsOf: asOf, PerVerdict: 5})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := report.WriteText(&b, res, i18n.New(l, demo.Location), report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(b.String(), "\n") {
			if n := len([]rune(line)); n > 80 {
				t.Errorf("%s line %d is %d columns wide: %q", l, i+1, n, line)
			}
		}
		if strings.Contains(b.String(), "\x1b[") {
			t.Errorf("no colour unless asked")
		}
		golden(t, "review_"+string(l)+".golden", b.Bytes())
	}
}

func TestClientReportGolden(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	for _, name := range []string{"Talleres Ruiz", "Grupo Cárnico Salazar", "Panadería Hermanos Gil", "Gimnasio Vértice"} {
		found, err := st.FindClients(ctx, name, 1)
		if err != nil || len(found) != 1 {
			t.Fatalf("%s: %v %v", name, found, err)
		}
		res, err := review.Run(ctx, st, review.Options{AsOf: asOf, ClientIDs: []string{found[0].ID}, PerVerdict: 1})
		if err != nil {
			t.Fatal(err)
		}
		var a *assess.Assessment
		for i := range res.Groups {
			if len(res.Groups[i].Clients) == 1 {
				a = &res.Groups[i].Clients[0]
			}
		}
		contacts, _ := st.Contacts(ctx, found[0].ID)
		for _, l := range i18n.Langs {
			var b bytes.Buffer
			if err := report.WriteClient(&b, a, contacts, i18n.New(l, demo.Location), report.TextOptions{}); err != nil {
				t.Fatal(err)
			}
			golden(t, "client_"+found[0].ID+"_"+string(l)+".golden", b.Bytes())
		}
	}
}

func TestStreamedJSONIsOneValidDocument(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	var b bytes.Buffer
	p := i18n.New(i18n.EN, time.UTC)
	pol, _ := st.Policy(ctx)
	s := report.NewStreamJSON(&b, p, report.Header{AsOf: asOf, From: asOf.AddMonths(-12), Lang: i18n.EN, Policy: pol})
	res, err := review.Run(ctx, st, review.Options{AsOf: asOf, Each: s.Client})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(res.Portfolio); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version int    `json:"version"`
		AsOf    string `json:"as_of"`
		Clients []struct {
			ID      string `json:"id"`
			Verdict string `json:"verdict"`
			Reasons []struct {
				Code  string         `json:"code"`
				Facts map[string]any `json:"facts"`
				Text  string         `json:"text"`
			} `json:"reasons"`
		} `json:"clients"`
		Portfolio struct {
			Clients int `json:"clients"`
			Finding struct {
				Code string `json:"code"`
				Text string `json:"text"`
			} `json:"finding"`
		} `json:"portfolio"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	if doc.Version != 1 || doc.AsOf != "2026-11-25" || len(doc.Clients) != 49 || doc.Portfolio.Clients != 49 {
		t.Errorf("header: %+v", doc.Version)
	}
	for _, c := range doc.Clients {
		if len(c.Reasons) == 0 {
			t.Errorf("%s: no reasons", c.ID)
		}
		for _, r := range c.Reasons {
			if r.Code == "" || r.Text == "" || strings.Contains(r.Text, "{") {
				t.Errorf("%s: bad reason %+v", c.ID, r)
			}
		}
	}
	if doc.Portfolio.Finding.Code != "attention.loud_win" || doc.Portfolio.Finding.Text == "" {
		t.Errorf("finding %+v", doc.Portfolio.Finding)
	}
}

// Every client of the demo, whatever its verdict, is told what would
// change it: issue 15 asks it of each verdict.
func TestEveryDemoVerdictSaysWhatWouldChangeIt(t *testing.T) {
	t.Parallel()
	res, err := review.Run(ctx, demoStore(t), review.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range res.Groups {
		for _, a := range g.Clients {
			n++
			if len(a.Change) == 0 {
				t.Errorf("%s (%s): nothing would change it; reasons %v", a.Client.Name, a.Verdict, a.Reasons)
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d clients reviewed", n)
	}
}
