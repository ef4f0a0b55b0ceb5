package csvio_test

import (
	"slices"
	"strings"
	"testing"

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
