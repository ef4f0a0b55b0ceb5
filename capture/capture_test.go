package capture_test

import (
	"context"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/sqlite"
)

var ctx = context.Background()

// now is the runs' clock: the Thursday meeting of 26 November is still to
// come, every other one has happened.
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

var madrid, _ = time.LoadLocation("Europe/Madrid")

func fixture(name string) string { return filepath.Join("..", "testdata", "capture", name) }

// world is a store with the fixture's clients, contacts and deals, and
// our own domain in the match table.
func world(t *testing.T) *sqlite.DB {
	t.Helper()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), cartera.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var srcs []csvio.Source
	for _, f := range []string{"clientes.csv", "contactos.csv", "oportunidades.csv"} {
		srcs = append(srcs, csvio.FileSource(fixture(f)))
	}
	if _, err := csvio.Import(ctx, st, srcs, csvio.Options{Now: now, Location: madrid, Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchDomain, Value: "agencia.example", Role: cartera.RoleSelf}); err != nil {
		t.Fatal(err)
	}
	return st
}

func opts() capture.Options { return capture.Options{Now: now, Location: madrid} }

func signals(t *testing.T, st cartera.Store) []string {
	t.Helper()
	var out []string
	st.EachSignal(ctx, func(s cartera.Signal) error {
		out = append(out, s.DealID+" "+string(s.Kind)+" "+s.Day.String())
		return nil
	})
	sort.Strings(out)
	return out
}

func TestCalendarBecomesMeetingSignalsAndTime(t *testing.T) {
	t.Parallel()
	st := world(t)
	if err := capture.SaveConfig(ctx, st, capture.Config{MeetingTime: map[string]string{"*": "non_billable", "C-002": "billable"}}); err != nil {
		t.Fatal(err)
	}
	src := capture.FileSource(fixture("agenda.ics"))
	// A dry run says what it would do and writes nothing.
	o := opts()
	o.DryRun = true
	rep, err := capture.Import(ctx, st, []capture.Source{src}, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created[cartera.EntitySignals] != 6 || rep.Created[cartera.EntityTime] != 2 || len(rep.Changes) != 8 {
		t.Fatalf("dry run plan: %+v", rep)
	}
	if got := signals(t, st); len(got) != 0 {
		t.Fatalf("a dry run wrote %v", got)
	}
	rep, err = capture.Import(ctx, st, []capture.Source{src}, opts())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"D-001 decision_maker_met 2026-11-03",
		"D-001 meeting_held 2026-11-03",
		"D-002 decision_maker_met 2026-11-05",
		"D-002 meeting_held 2026-11-05",
		"D-002 postponed 2026-11-18", // the moved Thursday, declined by the client
		"D-003 postponed 2026-11-16", // cancelled two days before
	}
	if got := signals(t, st); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("signals:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var times []string
	st.EachTimeEntry(ctx, func(e cartera.TimeEntry) error {
		times = append(times, e.ClientID+" "+e.Day.String()+" "+e.Hours.String()+" "+map[bool]string{true: "billable", false: "not"}[e.Billable])
		return nil
	})
	sort.Strings(times)
	if strings.Join(times, ",") != "C-001 2026-11-03 1.50 not,C-002 2026-11-05 0.50 billable" {
		t.Fatalf("time entries: %v", times)
	}
	if len(rep.Unmatched) != 1 || rep.Unmatched[0].Value != "sara@panaderiamartin.es" || rep.Unmatched[0].Hint != "Sara Martín" {
		t.Fatalf("unmatched: %+v", rep.Unmatched)
	}
	if s := rep.Sources[0]; s.Items != 6 || s.Matched != 4 {
		t.Fatalf("source report: %+v", s)
	}
	// Provenance leads back to the event.
	var sig cartera.Signal
	st.EachSignal(ctx, func(s cartera.Signal) error {
		if s.Kind == cartera.SignalPostponed && s.DealID == "D-002" {
			sig = s
		}
		return nil
	})
	p, err := st.Provenance(ctx, cartera.EntitySignals, sig.ID)
	if err != nil || p.Source != "ics" || p.Origin != "agenda.ics" || p.OriginalID != "9pq1seguimiento@google.com 20261119T160000Z" {
		t.Fatalf("provenance %+v %v", p, err)
	}
	// Importing again changes nothing.
	rep, err = capture.Import(ctx, st, []capture.Source{src}, opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 0 || rep.Unchanged[cartera.EntitySignals] != 6 || len(signals(t, st)) != 6 {
		t.Fatalf("re-import: %+v", rep)
	}
}

func TestCalendarProblemsAreAtTheirLine(t *testing.T) {
	t.Parallel()
	st := world(t)
	for _, tc := range []struct{ name, doc, want string }{
		{"bad date", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20261331T100000Z\nEND:VEVENT\nEND:VCALENDAR\n", "x.ics:4:1 ical.bad_date"},
		{"no uid", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n", "x.ics:2:1 ical.no_uid"},
		{"left open", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\n", "x.ics:2:1 ical.unclosed"},
		{"ends first", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20261101T100000Z\nDTEND:20261101T090000Z\nEND:VEVENT\nEND:VCALENDAR\n", "x.ics:2:1 ical.ends_before_start"},
	} {
		_, err := capture.Import(ctx, st, []capture.Source{capture.BytesSource("x.ics", []byte(tc.doc))}, opts())
		pe, ok := err.(*csvio.ProblemsError)
		if !ok || len(pe.Problems) != 1 {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		p := pe.Problems[0]
		if got := p.File + ":" + itoa(p.Line) + ":" + itoa(p.Column) + " " + p.Msg.Key; got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
