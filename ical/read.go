package ical

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Reading: calendars exported by calendar apps (an .ics file, a
// subscription address, a CalDAV collection). The reader is lenient where
// apps differ (LF or CRLF, long lines, unknown properties and components)
// and strict where a mistake would change the meaning (a date that does
// not exist, a component left open): such problems come back as a
// *ParseError at the line they are on.

// Limits against hostile input.
const (
	maxReadLine = 1 << 20 // one unfolded content line
	maxDepth    = 8       // nested components
	maxOccur    = 2000    // occurrences expanded from one recurrence rule
)

// ParseError is a problem at a line of the document (1-based, the
// physical line where the content line starts).
type ParseError struct {
	Line int
	// Key and Args describe the problem for the i18n catalogs
	// ("ical.bad_date", "value" …).
	Key  string
	Args []any
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s %v", e.Line, e.Key, e.Args) }

// Property is a content line as read: its name in upper case, its
// parameters (names in upper case) and its raw value.
type Property struct {
	Name   string
	Params map[string]string
	Value  string
	Line   int
}

// Node is a component as read, with its properties and sub-components.
type Node struct {
	Name  string
	Props []Property
	Subs  []*Node
	Line  int
}

// Get returns the first property with the name.
func (n *Node) Get(name string) (Property, bool) {
	for _, p := range n.Props {
		if p.Name == name {
			return p, true
		}
	}
	return Property{}, false
}

// Read parses every VCALENDAR of a document.
func Read(r io.Reader) ([]*Node, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var stack []*Node
	var out []*Node
	line, next := 0, 0
	var cur strings.Builder
	curLine := 0
	flush := func() error {
		if cur.Len() == 0 {
			return nil
		}
		text := cur.String()
		cur.Reset()
		if !utf8.ValidString(text) {
			return &ParseError{Line: curLine, Key: "ical.bad_utf8"}
		}
		p, err := parseLine(text, curLine)
		if err != nil {
			return err
		}
		switch p.Name {
		case "BEGIN":
			if len(stack) >= maxDepth {
				return &ParseError{Line: curLine, Key: "ical.too_deep"}
			}
			n := &Node{Name: strings.ToUpper(p.Value), Line: curLine}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.Subs = append(top.Subs, n)
			} else if n.Name != "VCALENDAR" {
				return &ParseError{Line: curLine, Key: "ical.not_calendar", Args: []any{"value", p.Value}}
			}
			stack = append(stack, n)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Name != strings.ToUpper(p.Value) {
				return &ParseError{Line: curLine, Key: "ical.unbalanced", Args: []any{"value", p.Value}}
			}
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				out = append(out, n)
			}
		default:
			if len(stack) == 0 {
				return &ParseError{Line: curLine, Key: "ical.outside_calendar"}
			}
			top := stack[len(stack)-1]
			top.Props = append(top.Props, p)
		}
		return nil
	}
	for {
		raw, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A physical line longer than the buffer: keep reading it.
			buf := append([]byte(nil), raw...)
			for errors.Is(err, bufio.ErrBufferFull) {
				raw, err = br.ReadSlice('\n')
				buf = append(buf, raw...)
				if len(buf) > maxReadLine {
					return nil, &ParseError{Line: next + 1, Key: "ical.line_too_long", Args: []any{"max", maxReadLine}}
				}
			}
			raw = buf
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if len(raw) == 0 && err == io.EOF {
			break
		}
		next++
		line = next
		s := strings.TrimRight(string(raw), "\r\n")
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		if len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
			// A folded continuation.
			if cur.Len()+len(s) > maxReadLine {
				return nil, &ParseError{Line: curLine, Key: "ical.line_too_long", Args: []any{"max", maxReadLine}}
			}
			cur.WriteString(s[1:])
		} else {
			if err := flush(); err != nil {
				return nil, err
			}
			if strings.TrimSpace(s) != "" {
				cur.WriteString(s)
				curLine = line
			}
		}
		if err == io.EOF {
			break
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(stack) > 0 {
		return nil, &ParseError{Line: stack[len(stack)-1].Line, Key: "ical.unclosed", Args: []any{"value", stack[len(stack)-1].Name}}
	}
	if len(out) == 0 {
		return nil, &ParseError{Line: 1, Key: "ical.no_calendar"}
	}
	return out, nil
}

// parseLine splits "NAME;PARAM=VALUE;P2="quoted":value".
func parseLine(s string, line int) (Property, error) {
	p := Property{Line: line}
	i := strings.IndexAny(s, ";:")
	if i <= 0 {
		return p, &ParseError{Line: line, Key: "ical.bad_line"}
	}
	p.Name = strings.ToUpper(s[:i])
	for s[i] == ';' {
		s = s[i+1:]
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return p, &ParseError{Line: line, Key: "ical.bad_line"}
		}
		name := strings.ToUpper(s[:eq])
		s = s[eq+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return p, &ParseError{Line: line, Key: "ical.bad_line"}
			}
			val, s = s[1:end+1], s[end+2:]
		} else {
			end := strings.IndexAny(s, ";:")
			if end < 0 {
				return p, &ParseError{Line: line, Key: "ical.bad_line"}
			}
			val, s = s[:end], s[end:]
		}
		if p.Params == nil {
			p.Params = map[string]string{}
		}
		p.Params[name] = val
		if len(s) == 0 {
			return p, &ParseError{Line: line, Key: "ical.bad_line"}
		}
		i = 0
	}
	if s[i] != ':' {
		return p, &ParseError{Line: line, Key: "ical.bad_line"}
	}
	p.Value = s[i+1:]
	return p, nil
}

// Unescape reads a TEXT value.
func Unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Person is an organizer or an attendee.
type Person struct {
	Email string
	Name  string
	// PartStat is the attendee's answer: ACCEPTED, DECLINED, TENTATIVE,
	// NEEDS-ACTION (empty for the organizer).
	PartStat string
}

// Event is a VEVENT, with its times resolved.
type Event struct {
	UID string
	// RecurrenceID is set on an event that replaces one occurrence of a
	// recurring event.
	RecurrenceID time.Time
	Start, End   time.Time
	AllDay       bool
	// Status is CONFIRMED, TENTATIVE or CANCELLED (empty when not said).
	Status    string
	Summary   string
	Organizer Person
	Attendees []Person
	// Changed is when the event was last changed (LAST-MODIFIED, else
	// DTSTAMP); zero when neither is given.
	Changed time.Time
	// Line is where the event starts in its document.
	Line    int
	rrule   string
	exdates map[int64]bool
}

// Events reads the events of a calendar. Times without a zone, and zones
// the system does not know, are read in loc.
func Events(cal *Node, loc *time.Location) ([]Event, error) {
	var out []Event
	for _, n := range cal.Subs {
		if n.Name != "VEVENT" {
			continue
		}
		e, err := event(n, loc)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func event(n *Node, loc *time.Location) (Event, error) {
	e := Event{Line: n.Line, exdates: map[int64]bool{}}
	uid, ok := n.Get("UID")
	if !ok || strings.TrimSpace(uid.Value) == "" {
		return e, &ParseError{Line: n.Line, Key: "ical.no_uid"}
	}
	e.UID = strings.TrimSpace(uid.Value)
	start, ok := n.Get("DTSTART")
	if !ok {
		return e, &ParseError{Line: n.Line, Key: "ical.no_start"}
	}
	var err error
	if e.Start, e.AllDay, err = parseTime(start, loc); err != nil {
		return e, err
	}
	switch {
	case has(n, "DTEND"):
		end, _ := n.Get("DTEND")
		if e.End, _, err = parseTime(end, loc); err != nil {
			return e, err
		}
	case has(n, "DURATION"):
		d, _ := n.Get("DURATION")
		dur, ok := parseDuration(d.Value)
		if !ok {
			return e, &ParseError{Line: d.Line, Key: "ical.bad_duration", Args: []any{"value", d.Value}}
		}
		e.End = e.Start.Add(dur)
	case e.AllDay:
		e.End = e.Start.AddDate(0, 0, 1)
	default:
		e.End = e.Start
	}
	if e.End.Before(e.Start) {
		return e, &ParseError{Line: n.Line, Key: "ical.ends_before_start"}
	}
	for _, p := range n.Props {
		switch p.Name {
		case "STATUS":
			e.Status = strings.ToUpper(strings.TrimSpace(p.Value))
		case "SUMMARY":
			e.Summary = Unescape(p.Value)
		case "ORGANIZER":
			e.Organizer = person(p)
		case "ATTENDEE":
			e.Attendees = append(e.Attendees, person(p))
		case "LAST-MODIFIED":
			if t, _, err := parseTime(p, loc); err == nil {
				e.Changed = t
			}
		case "DTSTAMP":
			if t, _, err := parseTime(p, loc); err == nil && e.Changed.IsZero() {
				e.Changed = t
			}
		case "RECURRENCE-ID":
			if e.RecurrenceID, _, err = parseTime(p, loc); err != nil {
				return e, err
			}
		case "RRULE":
			e.rrule = p.Value
		case "EXDATE":
			for _, v := range strings.Split(p.Value, ",") {
				q := p
				q.Value = v
				t, _, err := parseTime(q, loc)
				if err != nil {
					return e, err
				}
				e.exdates[t.Unix()] = true
			}
		}
	}
	return e, nil
}

func has(n *Node, name string) bool { _, ok := n.Get(name); return ok }

// person reads a CAL-ADDRESS with its CN and PARTSTAT.
func person(p Property) Person {
	v := strings.TrimSpace(p.Value)
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	return Person{Email: strings.ToLower(strings.TrimSpace(v)), Name: p.Params["CN"],
		PartStat: strings.ToUpper(p.Params["PARTSTAT"])}
}

// parseTime reads a DATE or DATE-TIME value: UTC ("…Z"), in its TZID, or
// floating (in loc).
func parseTime(p Property, loc *time.Location) (time.Time, bool, error) {
	v := strings.TrimSpace(p.Value)
	bad := &ParseError{Line: p.Line, Key: "ical.bad_date", Args: []any{"value", v}}
	if len(v) == 8 || strings.EqualFold(p.Params["VALUE"], "DATE") {
		t, err := time.ParseInLocation("20060102", v, loc)
		if err != nil {
			return t, true, bad
		}
		return t, true, nil
	}
	if strings.HasSuffix(v, "Z") {
		t, err := time.Parse("20060102T150405Z", v)
		if err != nil {
			return t, false, bad
		}
		return t, false, nil
	}
	in := loc
	if tz := p.Params["TZID"]; tz != "" {
		if l, ok := zone(tz); ok {
			in = l
		}
	}
	t, err := time.ParseInLocation("20060102T150405", v, in)
	if err != nil {
		return t, false, bad
	}
	return t, false, nil
}

// zone loads a TZID: an IANA name, possibly behind a prefix some apps
// write ("/mozilla.org/20050126_1/Europe/Madrid").
func zone(tz string) (*time.Location, bool) {
	tz = strings.Trim(tz, `"`)
	if l, ok := zones.Load(tz); ok {
		return l.(*time.Location), true
	}
	l, ok := loadZone(tz)
	if ok {
		zones.Store(tz, l)
	}
	return l, ok
}

// zones caches what zone found: loading a zone reads a file, and a
// calendar names the same few zones thousands of times.
var zones sync.Map

func loadZone(tz string) (*time.Location, bool) {
	for {
		if len(tz) > 100 {
			return nil, false
		}
		if l, err := time.LoadLocation(tz); err == nil {
			return l, true
		}
		i := strings.IndexByte(tz, '/')
		if i < 0 {
			return nil, false
		}
		tz = tz[i+1:]
	}
}

// parseDuration reads an RFC 5545 duration ("PT1H30M", "P1D", "P2W").
func parseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, false
	}
	s = s[1:]
	var d time.Duration
	inTime := false
	num := ""
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			num += string(r)
		case r == 'T':
			inTime = true
		default:
			n, err := strconv.Atoi(num)
			if err != nil || n > 100000 {
				return 0, false
			}
			num = ""
			switch {
			case r == 'W' && !inTime:
				d += time.Duration(n) * 7 * 24 * time.Hour
			case r == 'D' && !inTime:
				d += time.Duration(n) * 24 * time.Hour
			case r == 'H' && inTime:
				d += time.Duration(n) * time.Hour
			case r == 'M' && inTime:
				d += time.Duration(n) * time.Minute
			case r == 'S' && inTime:
				d += time.Duration(n) * time.Second
			default:
				return 0, false
			}
		}
	}
	if num != "" {
		return 0, false
	}
	if neg {
		d = -d
	}
	return d, true
}

// Occurrence is one instance of an event.
type Occurrence struct {
	Event
	// Instant identifies the occurrence within its event (its original
	// start); zero for an event that does not recur.
	Instant time.Time
}

// Occurrences expands recurring events (RRULE with FREQ DAILY, WEEKLY,
// MONTHLY or YEARLY, INTERVAL, COUNT, UNTIL, BYDAY on weekly rules, and
// EXDATE), applies the occurrences that were moved or cancelled on their
// own (RECURRENCE-ID), and returns every occurrence that starts before
// until, by start. A rule with parts it does not read yields its first
// occurrence only, and its line is returned in partial.
func Occurrences(events []Event, until time.Time) (out []Occurrence, partial []int) {
	overrides := map[string]map[int64]Event{}
	for _, e := range events {
		if !e.RecurrenceID.IsZero() {
			if overrides[e.UID] == nil {
				overrides[e.UID] = map[int64]Event{}
			}
			overrides[e.UID][e.RecurrenceID.Unix()] = e
		}
	}
	for _, e := range events {
		if !e.RecurrenceID.IsZero() {
			continue
		}
		if e.rrule == "" {
			if e.Start.Before(until) {
				out = append(out, Occurrence{Event: e})
			}
			continue
		}
		starts, ok := expand(e, until)
		if !ok {
			partial = append(partial, e.Line)
		}
		dur := e.End.Sub(e.Start)
		for _, s := range starts {
			if e.exdates[s.Unix()] {
				continue
			}
			if o, ok := overrides[e.UID][s.Unix()]; ok {
				if o.Start.Before(until) {
					out = append(out, Occurrence{Event: o, Instant: s})
				}
				continue
			}
			x := e
			x.Start, x.End = s, s.Add(dur)
			out = append(out, Occurrence{Event: x, Instant: s})
		}
	}
	// An override whose master is not in the document still happened.
	masters := map[string]bool{}
	for _, e := range events {
		if e.RecurrenceID.IsZero() {
			masters[e.UID] = true
		}
	}
	for uid, m := range overrides {
		if masters[uid] {
			continue
		}
		for inst, o := range m {
			if o.Start.Before(until) {
				out = append(out, Occurrence{Event: o, Instant: time.Unix(inst, 0).UTC()})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].UID < out[j].UID
	})
	return out, partial
}

var weekdays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// expand returns the starts of a recurring event before until; false when
// the rule has parts it does not read (then only the first start).
func expand(e Event, until time.Time) ([]time.Time, bool) {
	rule := map[string]string{}
	for _, part := range strings.Split(e.rrule, ";") {
		k, v, _ := strings.Cut(part, "=")
		rule[strings.ToUpper(strings.TrimSpace(k))] = strings.ToUpper(strings.TrimSpace(v))
	}
	first := []time.Time{e.Start}
	for k := range rule {
		switch k {
		case "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST":
		default:
			return first, false
		}
	}
	interval := 1
	if v, ok := rule["INTERVAL"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return first, false
		}
		interval = n
	}
	count := maxOccur
	if v, ok := rule["COUNT"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return first, false
		}
		count = min(n, maxOccur)
	}
	end := until
	if v, ok := rule["UNTIL"]; ok {
		t, _, err := parseTime(Property{Value: v}, e.Start.Location())
		if err != nil {
			return first, false
		}
		if t.Add(time.Second).Before(end) {
			end = t.Add(time.Second)
		}
	}
	var days []time.Weekday
	if v, ok := rule["BYDAY"]; ok {
		if rule["FREQ"] != "WEEKLY" {
			return first, false
		}
		for _, d := range strings.Split(v, ",") {
			w, ok := weekdays[d]
			if !ok {
				return first, false
			}
			days = append(days, w)
		}
	}
	var out []time.Time
	add := func(t time.Time) bool {
		if !t.Before(end) || len(out) >= count {
			return false
		}
		if !t.Before(e.Start) {
			out = append(out, t)
		}
		return true
	}
	y, mo, d := e.Start.Date()
	h, mi, s := e.Start.Clock()
	at := func(y int, mo time.Month, d int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, e.Start.Location())
	}
	switch rule["FREQ"] {
	case "DAILY":
		for i := 0; add(at(y, mo, d+i*interval)); i++ {
		}
	case "WEEKLY":
		if len(days) == 0 {
			days = []time.Weekday{e.Start.Weekday()}
		}
		sort.Slice(days, func(i, j int) bool { return (days[i]+6)%7 < (days[j]+6)%7 })
		// Weeks start on Monday (WKST's default).
		monday := d - int((e.Start.Weekday()+6)%7)
		for w := 0; ; w += interval {
			more := true
			for _, wd := range days {
				if !add(at(y, mo, monday+w*7+int((wd+6)%7))) {
					more = false
					break
				}
			}
			if !more {
				break
			}
		}
	case "MONTHLY":
		for i := 0; ; i++ {
			t := at(y, mo+time.Month(i*interval), d)
			if t.Day() != d { // no 31st this month
				if !t.Before(end) {
					break
				}
				continue
			}
			if !add(t) {
				break
			}
		}
	case "YEARLY":
		for i := 0; ; i++ {
			t := at(y+i*interval, mo, d)
			if t.Day() != d {
				continue
			}
			if !add(t) {
				break
			}
		}
	default:
		return first, false
	}
	return out, true
}
