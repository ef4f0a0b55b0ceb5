// Package ical writes iCalendar documents (RFC 5545): the agenda as a file
// to import and as the feed calendar apps subscribe to.
//
// It writes what cartera needs and nothing more: a VCALENDAR of VEVENT and
// VTODO components with TEXT, DATE and UTC DATE-TIME values. Lines end in
// CRLF and are folded at 75 octets without splitting a UTF-8 sequence;
// TEXT values are escaped (backslash, semicolon, comma, newline) after
// removing the control characters the format forbids. All-day tasks use
// DATE values, which calendar apps read as the day in the viewer's own
// time zone, and timestamps are in UTC, so no VTIMEZONE is needed.
package ical

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cartera/cartera"
)

// Calendar is a VCALENDAR object.
type Calendar struct {
	// ProdID identifies the product that wrote the calendar (required).
	ProdID string
	// Name is shown by calendar apps as the calendar's name
	// (X-WR-CALNAME); optional.
	Name string
	// Refresh, when positive, asks subscribers to poll at this interval
	// (REFRESH-INTERVAL, RFC 7986, and X-PUBLISHED-TTL).
	Refresh    time.Duration
	Components []Component
}

// Component is a VEVENT, a VTODO or any other component.
type Component struct {
	Name  string
	Props []Prop
}

// Prop is one property: a name, parameters, and a value already in its
// iCalendar form (use Text, Date and UTC to build them).
type Prop struct {
	Name   string
	Params []Param
	Value  string
}

// Param is a property parameter such as VALUE=DATE.
type Param struct{ Name, Value string }

// Text returns a TEXT property, cleaned and escaped.
func Text(name, s string) Prop { return Prop{Name: name, Value: EscapeText(s)} }

// Date returns a DATE property (VALUE=DATE:20261125).
func Date(name string, d cartera.Date) Prop {
	y, m, dd := d.YMD()
	return Prop{Name: name, Params: []Param{{"VALUE", "DATE"}}, Value: fmt.Sprintf("%04d%02d%02d", y, int(m), dd)}
}

// UTC returns a DATE-TIME property in UTC (20261125T093000Z).
func UTC(name string, t time.Time) Prop {
	return Prop{Name: name, Value: t.UTC().Format("20060102T150405Z")}
}

// Raw returns a property whose value is written as given (for values such
// as VERSION:2.0 or STATUS:COMPLETED that need no escaping).
func Raw(name, value string) Prop { return Prop{Name: name, Value: value} }

// CleanText returns what a TEXT value can carry of s: valid UTF-8 (invalid
// bytes become U+FFFD), line breaks (CRLF, CR or LF) as LF, and no other
// control character but the tab.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// EscapeText cleans s and escapes it as a TEXT value (RFC 5545 §3.3.11).
func EscapeText(s string) string {
	var b strings.Builder
	for _, r := range CleanText(s) {
		switch r {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxLine is the longest a content line may be, in octets, before CRLF.
const maxLine = 75

// Fold breaks a content line into lines of at most 75 octets, each
// continuation starting with a space, never inside a UTF-8 sequence. The
// result has no trailing CRLF.
func Fold(line string) string {
	if len(line) <= maxLine {
		return line
	}
	var b strings.Builder
	limit := maxLine
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	b.WriteString(line)
	return b.String()
}

// paramValue quotes a parameter value when it holds a separator.
func paramValue(v string) string {
	v = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(v, "\uFFFD"))
	if strings.ContainsAny(v, ";:,") {
		return `"` + v + `"`
	}
	return v
}

func (p Prop) line() string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(p.Name))
	for _, x := range p.Params {
		b.WriteByte(';')
		b.WriteString(strings.ToUpper(x.Name))
		b.WriteByte('=')
		b.WriteString(paramValue(x.Value))
	}
	b.WriteByte(':')
	b.WriteString(p.Value)
	return b.String()
}

// Encode writes the calendar.
func (c *Calendar) Encode(w io.Writer) error {
	bw := bufio.NewWriter(w)
	put := func(p Prop) { bw.WriteString(Fold(p.line())); bw.WriteString("\r\n") }
	put(Raw("BEGIN", "VCALENDAR"))
	put(Raw("VERSION", "2.0"))
	put(Text("PRODID", c.ProdID))
	put(Raw("CALSCALE", "GREGORIAN"))
	put(Raw("METHOD", "PUBLISH"))
	if c.Name != "" {
		put(Text("X-WR-CALNAME", c.Name))
	}
	if c.Refresh > 0 {
		d := fmt.Sprintf("PT%dM", int(c.Refresh.Minutes()))
		put(Prop{Name: "REFRESH-INTERVAL", Params: []Param{{"VALUE", "DURATION"}}, Value: d})
		put(Raw("X-PUBLISHED-TTL", d))
	}
	for _, comp := range c.Components {
		put(Raw("BEGIN", strings.ToUpper(comp.Name)))
		for _, p := range comp.Props {
			put(p)
		}
		put(Raw("END", strings.ToUpper(comp.Name)))
	}
	put(Raw("END", "VCALENDAR"))
	return bw.Flush()
}
