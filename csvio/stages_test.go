package csvio_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

// historyOf writes a deal's stored stage history as "day stage, …".
func historyOf(t *testing.T, st cartera.Store, id string) string {
	t.Helper()
	h, err := st.StageHistory(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, m := range h {
		parts = append(parts, m.Day.String()+" "+string(m.Stage))
	}
	return strings.Join(parts, ", ")
}

// A stage history is one more kind of file, told by its header in either
// language: imported after the deals of the same run, whatever the order
// the files are given in, and once however often it is imported.
func TestStageHistoryImportsWithTheDeals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
	}{
		{"Spanish, columns in any order", "etapa,oportunidad,fecha\nlead,D1,2026-01-01\nproposal,D1,15/02/2026\nproposal,D2,2026-01-10\n"},
		{"English", "deal_id,date,stage\nD1,2026-01-01,lead\nD1,2026-02-15,proposal\nD2,2026-01-10,proposal\n"},
		{"aliases, semicolons", "Deal;Día;Fase\nD1;01/01/2026;lead\nD1;15/02/2026;proposal\nD2;10/01/2026;proposal\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			for i := 0; i < 2; i++ {
				rep, err := csvio.Import(ctx, st, sources("etapas.csv", tc.file, "oportunidades.csv", deals), opts())
				if err != nil {
					t.Fatal(short(err))
				}
				if e := rep.Files[1].Entity; e != cartera.EntityStageHistory || rep.Files[1].Rows != 3 {
					t.Fatalf("read as %s, %d rows", e, rep.Files[1].Rows)
				}
			}
			if got := historyOf(t, st, "D1"); got != "2026-01-01 lead, 2026-02-15 proposal" {
				t.Errorf("D1: %s", got)
			}
			// D2's one move is the stage its deal row gives: recorded once.
			if got := historyOf(t, st, "D2"); got != "2026-01-10 proposal" {
				t.Errorf("D2: %s", got)
			}
		})
	}
}

// Every mistake of a stage history is reported at its line and column,
// with the other files' problems, and nothing is written — the deals of
// the same run neither.
func TestStageHistoryProblemsStopTheWholeImport(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	bad := "deal_id,date,stage\nD9,2026-09-01,lead\nD1,2027-01-01,lead\nD1,2026-09-01,won\nD1,2026-31-01,lead\n,2026-01-01,lead\n"
	_, err := csvio.Import(ctx, st, sources("oportunidades.csv", deals, "stages.csv", bad), opts())
	want := []string{"stages.csv:2:1 signal.unknown_deal", "stages.csv:3:2 value.future_date", "stages.csv:4:3 deal.unknown_stage",
		"stages.csv:5:2 value.no_such_date", "stages.csv:6:1 value.required"}
	if got := short(err); !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
	if n, _ := st.Counts(ctx); n[cartera.EntityDeals] != 0 {
		t.Errorf("deals were written: %v", n)
	}
	// A dry run checks a good one and writes nothing.
	o := opts()
	o.DryRun = true
	rep, err := csvio.Import(ctx, st, sources("oportunidades.csv", deals, "stages.csv", "deal_id,date,stage\nD1,2026-01-01,lead\n"), o)
	if err != nil || !rep.DryRun || rep.Files[1].Entity != cartera.EntityStageHistory || rep.Files[1].Rows != 1 {
		t.Fatalf("dry run: %+v %v", rep, short(err))
	}
	if got := historyOf(t, st, "D1"); got != "" {
		t.Errorf("a dry run wrote %q", got)
	}
}

// Only limits an import to one kind of file (cartera stage-history).
func TestOnlyRefusesOtherKinds(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	o := opts()
	o.Only = cartera.EntityStageHistory
	_, err := csvio.Import(ctx, st, sources("oportunidades.csv", deals), o)
	if got := short(err); !slices.Equal(got, []string{"oportunidades.csv:1:1 import.not_kind"}) {
		t.Errorf("%q", got)
	}
}

// A CRM's own stage history export is read through a mapping that names
// its deal, date and stage columns and maps its stage labels: here
// Salesforce's OpportunityHistory as its documented fields come out of an
// export, next to the Salesforce opportunities report of the same deals.
// A row logged for a change of amount or close date is no move; the row
// that closes a deal is counted and left out (the report says won or
// lost); times in UTC fall on the user's day.
func TestStageHistoryThroughAMapping(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	m := readMapping(t, "salesforce-historial-etapas.json")
	o := opts()
	o.Mappings = []*csvio.Mapping{m}
	var err error
	if o.Location, err = time.LoadLocation("Europe/Madrid"); err != nil {
		t.Fatal(err)
	}
	srcs := []csvio.Source{csvio.FileSource(filepath.Join("..", "testdata", "mappings", "salesforce-historial-etapas.csv")),
		csvio.FileSource(filepath.Join("..", "testdata", "vendors", "salesforce-en.csv"))}
	for i := 0; i < 2; i++ {
		rep, err := csvio.Import(ctx, st, srcs, o)
		if err != nil {
			t.Fatal(short(err))
		}
		f := rep.Files[1]
		if f.Entity != cartera.EntityStageHistory || f.Mapping != "salesforce-historial-etapas" || f.Rows != 13 || f.Closing != 1 {
			t.Fatalf("import %d: %+v", i+1, f)
		}
	}
	for id, want := range map[string]string{
		"salesforce-0065800000Kq1aB": "2026-01-12 lead, 2026-01-20 qualified, 2026-02-10 proposal",
		"salesforce-0065800000Kq1aD": "2026-09-08 lead, 2026-09-15 qualified, 2026-10-01 proposal, 2026-10-29 negotiation",
		"salesforce-0065800000Kq1aI": "2026-10-27 lead",
	} {
		if got := historyOf(t, st, id); got != want {
			t.Errorf("%s:\n got %s\nwant %s", id, got, want)
		}
	}

	// A label the mapping does not know, and a deal of another CRM, are
	// reported where they are; nothing is written.
	st2 := newStore(t)
	bad := "OpportunityId,CreatedDate,StageName\n0065800000Kq1aD,2026-09-08T10:00:00.000Z,Discovery\n006XX,2026-09-08T10:00:00.000Z,Prospecting\n"
	_, err = csvio.Import(ctx, st2, append(srcs[1:], csvio.BytesSource("history.csv", []byte(bad))), o)
	if got := short(err); !slices.Equal(got, []string{"history.csv:2:3 import.unknown_vendor_stage", "history.csv:3:1 signal.unknown_deal"}) {
		t.Errorf("%q", got)
	}
	if n, _ := st2.Counts(ctx); n[cartera.EntityDeals] != 0 {
		t.Errorf("deals written: %v", n)
	}
}

// A stage-history mapping must name the three columns and its stages.
func TestStageHistoryMappingNeedsItsColumns(t *testing.T) {
	t.Parallel()
	_, err := csvio.LoadMapping("h.json", []byte(`{"entity": "stage_history", "columns": {"Opp": "deal_id", "Etapa": "stage", "Importe": "value"}}`))
	want := []string{"h.json:1:88 mapping.unknown_target_of", "h.json:1:40 mapping.missing_targets_of", "h.json:1:1 mapping.no_stages"}
	if got := short(err); !slices.Equal(got, want) {
		t.Errorf("%q", got)
	}
}
