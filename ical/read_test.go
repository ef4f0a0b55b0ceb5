package ical

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadUnfoldsAndUnescapes(t *testing.T) {
	doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u1\nDTSTART:20261102T090000Z\nDURATION:PT1H30M\nSUMMARY:Revisión\\, con\n  precios\\nlínea 2\nATTENDEE;CN=\"Ruiz, Ramón\";PARTSTAT=DECLINED:MAILTO:Ramon@Talleres.es\nEND:VEVENT\nEND:VCALENDAR\n"
	cals, err := Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Events(cals[0], time.UTC)
	if err != nil || len(evs) != 1 {
		t.Fatalf("%v %v", evs, err)
	}
	e := evs[0]
	if e.Summary != "Revisión, con precios\nlínea 2" || e.End.Sub(e.Start) != 90*time.Minute {
		t.Fatalf("event %+v", e)
	}
	if a := e.Attendees[0]; a.Email != "ramon@talleres.es" || a.Name != "Ruiz, Ramón" || a.PartStat != "DECLINED" {
		t.Fatalf("attendee %+v", a)
	}
}

func TestOccurrences(t *testing.T) {
	mad, _ := time.LoadLocation("Europe/Madrid")
	tests := []struct {
		name  string
		rule  string
		until time.Time
		want  []string
	}{
		{"weekly on two days", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
			[]string{"2026-10-26", "2026-10-28", "2026-11-02", "2026-11-04", "2026-11-09"}},
		{"daily until", "FREQ=DAILY;INTERVAL=2;UNTIL=20261101T000000Z", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
			[]string{"2026-10-26", "2026-10-28", "2026-10-30"}},
		{"monthly up to now", "FREQ=MONTHLY", time.Date(2027, 1, 27, 0, 0, 0, 0, time.UTC),
			[]string{"2026-10-26", "2026-11-26", "2026-12-26", "2027-01-26"}},
		{"unread part: first only", "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
			[]string{"2026-10-26"}},
	}
	for _, tc := range tests {
		e := Event{UID: "x", Start: time.Date(2026, 10, 26, 10, 0, 0, 0, mad), End: time.Date(2026, 10, 26, 11, 0, 0, 0, mad), rrule: tc.rule,
			exdates: map[int64]bool{}}
		occ, _ := Occurrences([]Event{e}, tc.until)
		var got []string
		for _, o := range occ {
			got = append(got, o.Start.Format("2006-01-02"))
			if o.Start.Hour() != 10 {
				t.Errorf("%s: %v is not at 10:00 Madrid time", tc.name, o.Start)
			}
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "capture", "agenda.ics")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20261101\nRRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cals, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, c := range cals {
			evs, err := Events(c, time.UTC)
			if err != nil {
				continue
			}
			Occurrences(evs, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		}
	})
}
