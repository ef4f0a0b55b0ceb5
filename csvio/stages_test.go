package csvio_test

import (
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

// A stage history is read whole or not at all, each mistake at its line
// and column; moves of a deal are numbered in the file's order.
func TestReadStageHistory(t *testing.T) {
	known := func(id string) bool { return id == "D1" || id == "D2" }
	p, today := cartera.DefaultPipeline(), cartera.DateOf(2026, 11, 25)
	moves, err := csvio.ReadStageHistory(strings.NewReader("etapa,oportunidad,fecha\nlead,D1,2026-09-01\nproposal,D1,2026-09-01\nqualified,D2,2026-10-02\n"),
		"etapas.csv", p, known, today)
	if err != nil || len(moves) != 3 || moves[1].Seq != 2 || moves[1].Stage != "proposal" || moves[2].Seq != 1 ||
		moves[2].Day != cartera.DateOf(2026, 10, 2) {
		t.Fatalf("%+v %v", moves, err)
	}
	_, err = csvio.ReadStageHistory(strings.NewReader("deal_id,date,stage\nD9,2026-09-01,lead\nD1,2027-01-01,lead\nD1,2026-09-01,won\n"),
		"stages.csv", p, known, today)
	pe, ok := err.(*csvio.ProblemsError)
	if !ok || len(pe.Problems) != 3 {
		t.Fatalf("%v", err)
	}
	for i, want := range [][2]int{{2, 1}, {3, 2}, {4, 3}} {
		if g := pe.Problems[i]; g.Line != want[0] || g.Column != want[1] {
			t.Errorf("problem %d at %d:%d, want %v", i, g.Line, g.Column, want)
		}
	}
	if _, err := csvio.ReadStageHistory(strings.NewReader("deal_id,stage\nD1,lead\n"), "x.csv", p, known, today); err == nil {
		t.Error("a file without dates was read")
	}
}
