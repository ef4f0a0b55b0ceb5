package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cartera/cartera"
	. "github.com/cartera/cartera/ical"
	"github.com/cartera/cartera/ical/icaltest"
)

var stamp = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

func event(uid, summary, desc string) Component {
	d := cartera.DateOf(2026, 11, 27)
	return Component{Name: "VEVENT", Props: []Prop{Text("UID", uid), UTC("DTSTAMP", stamp), Date("DTSTART", d),
		Date("DTEND", d.AddDays(1)), Text("SUMMARY", summary), Text("DESCRIPTION", desc)}}
}

func encode(t *testing.T, c *Calendar) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Llamar a Inmobiliaria Costa Dorada ñ€ — ", 12)
	tricky := "Precio; plazos, y «dudas»\\ nuevas\nsegunda línea\r\ntercera\rcuarta\x00\x07 fin\ttab"
	cal := &Calendar{ProdID: "-//cartera//agenda//ES", Name: "Agenda, de Lucía; 2026", Refresh: time.Hour,
		Components: []Component{
			event("reconnect:O-0001@cartera", "Llamar a Hotel Sol tras el «no»", tricky),
			event("restart:O-0002@cartera", long, long),
			{Name: "VTODO", Props: []Prop{Text("UID", "follow_up:C-005:I-1@cartera"), UTC("DTSTAMP", stamp),
				Date("DUE", cartera.DateOf(2026, 12, 1)), Text("SUMMARY", "Segunda conversación"), Raw("STATUS", "COMPLETED"),
				UTC("COMPLETED", stamp), Raw("PERCENT-COMPLETE", "100")}},
		}}
	doc := encode(t, cal)
	root, err := icaltest.Parse(doc)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if got := root.Text("X-WR-CALNAME"); got != "Agenda, de Lucía; 2026" {
		t.Errorf("calendar name %q", got)
	}
	if p, _ := root.Get("REFRESH-INTERVAL"); p.Value != "PT60M" || p.Params["VALUE"] != "DURATION" {
		t.Errorf("refresh %+v", p)
	}
	if len(root.Subs) != 3 {
		t.Fatalf("%d components", len(root.Subs))
	}
	ev := root.Subs[0]
	want := "Precio; plazos, y «dudas»\\ nuevas\nsegunda línea\ntercera\ncuarta fin\ttab"
	if got := ev.Text("DESCRIPTION"); got != want {
		t.Errorf("description %q, want %q", got, want)
	}
	if got := root.Subs[1].Text("SUMMARY"); got != long {
		t.Errorf("a folded line does not unfold to the original")
	}
	if p, _ := root.Subs[0].Get("DTSTART"); p.Value != "20261127" || p.Params["VALUE"] != "DATE" {
		t.Errorf("dtstart %+v", p)
	}
	if p, _ := root.Subs[2].Get("DTSTAMP"); p.Value != "20261125T093000Z" {
		t.Errorf("dtstamp %+v", p)
	}
	// Byte-level rules the parser enforces are also checked here directly.
	for i, line := range strings.Split(strings.TrimSuffix(doc, "\r\n"), "\r\n") {
		if len(line) > 75 || !utf8.ValidString(line) {
			t.Errorf("line %d: %d octets, valid UTF-8 %v", i+1, len(line), utf8.ValidString(line))
		}
	}
	if strings.Count(doc, "\n") != strings.Count(doc, "\r\n") {
		t.Error("a bare LF")
	}
}

func TestFoldNeverSplitsACharacter(t *testing.T) {
	t.Parallel()
	for n := 60; n < 90; n++ {
		s := "SUMMARY:" + strings.Repeat("a", n%7) + strings.Repeat("€", n)
		folded := Fold(s)
		for _, l := range strings.Split(folded, "\r\n") {
			if len(l) > 75 || !utf8.ValidString(l) {
				t.Fatalf("n=%d: %q", n, l)
			}
		}
		if strings.ReplaceAll(folded, "\r\n ", "") != s {
			t.Fatalf("n=%d: unfolding changes the line", n)
		}
	}
}

func TestStrictParserRejectsBrokenDocuments(t *testing.T) {
	t.Parallel()
	good := encode(t, &Calendar{ProdID: "x", Components: []Component{event("u1", "a", "b")}})
	if _, err := icaltest.Parse(good); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"bare LF":          strings.ReplaceAll(good, "\r\n", "\n"),
		"long line":        strings.Replace(good, "SUMMARY:a", "SUMMARY:"+strings.Repeat("a", 80), 1),
		"unescaped comma":  strings.Replace(good, "SUMMARY:a", "SUMMARY:a,b", 1),
		"unknown escape":   strings.Replace(good, "SUMMARY:a", `SUMMARY:a\q`, 1),
		"no UID":           strings.Replace(good, "UID:u1\r\n", "", 1),
		"unbalanced":       strings.Replace(good, "END:VEVENT\r\n", "", 1),
		"no version":       strings.Replace(good, "VERSION:2.0\r\n", "", 1),
		"datetime stamp":   strings.Replace(good, "DTSTAMP:20261125T093000Z", "DTSTAMP:20261125T093000", 1),
		"repeated summary": strings.Replace(good, "SUMMARY:a\r\n", "SUMMARY:a\r\nSUMMARY:c\r\n", 1),
		"split character":  "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-A:\xe2\x82\r\n \xac\r\nEND:VCALENDAR\r\n",
	}
	for name, doc := range bad {
		if name == "split character" {
			// Each physical line is invalid, but unfolding restores "€":
			// the rule is about content lines, so this one is fine.
			if _, err := icaltest.Parse(doc); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if _, err := icaltest.Parse(doc); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzEscapeText(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d", "línea\r\notra\rmás\n", "\x00\x1f\x7f", "€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€", "\xff\xfe", `\n\,`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		cal := &Calendar{ProdID: "fuzz", Components: []Component{event("u", s, s+s)}}
		if err := cal.Encode(&b); err != nil {
			t.Fatal(err)
		}
		root, err := icaltest.Parse(b.String())
		if err != nil {
			t.Fatalf("%q: %v\n%q", s, err, b.String())
		}
		if got, want := root.Subs[0].Text("SUMMARY"), CleanText(s); got != want {
			t.Fatalf("%q: summary %q, want %q", s, got, want)
		}
		if got, want := root.Subs[0].Text("DESCRIPTION"), CleanText(s+s); got != want {
			t.Fatalf("%q: description %q, want %q", s, got, want)
		}
	})
}
