package csvio_test

import (
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

func tracker(name string) csvio.Source {
	return csvio.FileSource(filepath.Join("..", "testdata", "trackers", name))
}

func timeEntries(t *testing.T, st cartera.Store) map[string]cartera.TimeEntry {
	t.Helper()
	out := map[string]cartera.TimeEntry{}
	if err := st.EachTimeEntry(ctx, func(e cartera.TimeEntry) error {
		if old, ok := out[e.Note]; ok { // the same work twice: add up
			e.Hours += old.Hours
		}
		out[e.Note] = e
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// The three trackers' exports are recognised by their headers; each
// project reaches a client by a rule of the match table or by the
// tracker's client name, and the rest are listed, not guessed.
func TestTrackerExportsBecomeTimeEntries(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	if _, err := csvio.Import(ctx, st, sources("c.csv", clients), opts()); err != nil {
		t.Fatal(err)
	}
	srcs := []csvio.Source{tracker("toggl.csv"), tracker("clockify.csv"), tracker("harvest.csv")}
	rep, err := csvio.Import(ctx, st, srcs, opts())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Files {
		got = append(got, f.Mapping+" "+string(f.Entity))
	}
	if want := []string{"toggl time", "clockify time", "harvest time"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("recognised as %v", got)
	}
	toggl := rep.Files[0]
	if len(toggl.Matched) != 2 || toggl.Matched[1].ClientID != "C2" || toggl.Matched[1].By != "name" {
		t.Fatalf("toggl matched %+v", toggl.Matched)
	}
	if len(toggl.Unmatched) != 1 || toggl.Unmatched[0].Project != "Formación interna" || toggl.Unmatched[0].Rows != 1 {
		t.Fatalf("toggl unmatched %+v", toggl.Unmatched)
	}
	e := timeEntries(t, st)
	want := map[string]cartera.TimeEntry{
		"Maquetación de la portada":                      {ClientID: "C1", Day: cartera.DateOf(2026, 11, 2), Hours: 250, Billable: true},
		"Reunión de seguimiento":                         {ClientID: "C1", Day: cartera.DateOf(2026, 11, 3), Hours: 75},
		"Fotos de producto, primera tanda":               {ClientID: "C2", Day: cartera.DateOf(2026, 11, 4), Hours: 133, Billable: true},
		"Desarrollo: Ajustes del formulario de contacto": {ClientID: "C1", Day: cartera.DateOf(2026, 11, 9), Hours: 250, Billable: true},
		"Diseño: Banners para redes":                     {ClientID: "C2", Day: cartera.DateOf(2026, 11, 10), Hours: 150, Billable: true},
		"Diseño: Cambios pedidos por teléfono":           {ClientID: "C2", Day: cartera.DateOf(2026, 11, 13), Hours: 67},
		"Soporte: Copia de seguridad y actualizaciones":  {ClientID: "C1", Day: cartera.DateOf(2026, 11, 16), Hours: 175, Billable: true},
	}
	if len(e) != len(want) {
		t.Fatalf("entries: %d, want %d: %+v", len(e), len(want), e)
	}
	for note, w := range want {
		g := e[note]
		if g.ClientID != w.ClientID || g.Day != w.Day || g.Hours != w.Hours || g.Billable != w.Billable {
			t.Errorf("%s: got %+v, want %+v", note, g, w)
		}
	}
	un, _ := st.UnmatchedItems(ctx)
	var names []string
	for _, u := range un {
		names = append(names, u.Value+"/"+u.Hint)
	}
	sort.Strings(names)
	if want := []string{"auditoria web/Gestoría Ríos", "formacion interna/"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("unmatched %v", names)
	}

	// Importing again changes nothing; a rule for the project brings its
	// rows in, and it stays remembered for the next import.
	n := len(e)
	if _, err := csvio.Import(ctx, st, srcs, opts()); err != nil {
		t.Fatal(err)
	}
	if got := len(timeEntries(t, st)); got != n {
		t.Fatalf("re-import: %d entries, want %d", got, n)
	}
	if _, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchProject, Value: "auditoria web",
		Role: cartera.RoleClient, ClientID: "C2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchProject, Value: "formacion interna",
		Role: cartera.RoleIgnore}); err != nil {
		t.Fatal(err)
	}
	rep, err = csvio.Import(ctx, st, srcs, opts())
	if err != nil {
		t.Fatal(err)
	}
	if e = timeEntries(t, st); len(e) != n+1 || e["Análisis: Informe de velocidad"].ClientID != "C2" {
		t.Fatalf("after the rule: %+v", e)
	}
	if rep.Files[2].Matched[1].By != "rule" || len(rep.Files[0].Unmatched)+len(rep.Files[2].Unmatched) != 0 {
		t.Fatalf("report after the rules: %+v", rep.Files)
	}
	if un, _ := st.UnmatchedItems(ctx); len(un) != 0 {
		t.Fatalf("still unmatched: %+v", un)
	}
	// Every entry says where it came from.
	for _, x := range e {
		p, err := st.Provenance(ctx, cartera.EntityTime, x.ID)
		if err != nil || p.Origin == "" || p.OriginalID == "" {
			t.Fatalf("provenance of %s: %+v %v", x.ID, p, err)
		}
	}
}

// Two identical entries on the same day (Harvest has no start time) are
// two entries, and stay two on a re-import.
func TestTrackerRepeatsAreNumbered(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	csvio.Import(ctx, st, sources("c.csv", clients), opts())
	h := "Date,Client,Project,Task,Notes,Hours,Billable?,First Name\n" +
		"2026-11-16,Talleres Ruiz,Web,Soporte,Llamada,0.25,Yes,Lucía\n" +
		"2026-11-16,Talleres Ruiz,Web,Soporte,Llamada,0.25,Yes,Lucía\n"
	for i := 0; i < 2; i++ {
		if _, err := csvio.Import(ctx, st, sources("harvest.csv", h), opts()); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	st.EachTimeEntry(ctx, func(cartera.TimeEntry) error { n++; return nil })
	if n != 2 {
		t.Fatalf("%d entries, want 2", n)
	}
	// A bad duration is reported where it is.
	bad := "Date,Client,Project,Task,Notes,Hours,Billable?,First Name\n2026-11-16,Talleres Ruiz,Web,Soporte,Llamada,1:75,Yes,Lucía\n"
	_, err := csvio.Import(ctx, st, sources("harvest.csv", bad), opts())
	if got := short(err); !reflect.DeepEqual(got, []string{"harvest.csv:2:6 value.not_hours"}) {
		t.Fatalf("bad hours: %v", got)
	}
}
