// Package icaltest is a strict, independent reader of iCalendar (RFC 5545)
// for tests: written from the RFC rather than from package ical's writer,
// it refuses what a lenient calendar app would let pass (bare LF, lines
// over 75 octets, unescaped commas in TEXT, missing UID or DTSTAMP,
// components left open) so that tests can parse what cartera writes and
// compare it with what went in.
package icaltest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Prop is a property as read: its name in upper case, its parameters,
// and its raw value.
type Prop struct {
	Name   string
	Params map[string]string
	Value  string // raw, as on the line
}

// Component is a component with its properties and sub-components.
type Component struct {
	Name  string
	Props []Prop
	Subs  []*Component
}

// All returns every property with the name.
func (c *Component) All(name string) []Prop {
	var out []Prop
	for _, p := range c.Props {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// Get returns the first property with the name.
func (c *Component) Get(name string) (Prop, bool) {
	ps := c.All(name)
	if len(ps) == 0 {
		return Prop{}, false
	}
	return ps[0], true
}

var (
	nameRe  = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	dateRe  = regexp.MustCompile(`^\d{8}$`)
	stampRe = regexp.MustCompile(`^\d{8}T\d{6}Z$`)
)

// unfoldStrict splits a document into content lines, enforcing CRLF line
// ends, the 75-octet limit and valid UTF-8 after unfolding.
func unfoldStrict(doc string) ([]string, error) {
	if !strings.HasSuffix(doc, "\r\n") {
		return nil, errors.New("the document does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(doc, "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			return nil, fmt.Errorf("line %d: bare CR or LF", i+1)
		}
		if len(l) > 75 {
			return nil, fmt.Errorf("line %d: %d octets (max 75)", i+1, len(l))
		}
		if l == "" {
			return nil, fmt.Errorf("line %d: empty line", i+1)
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(lines) == 0 {
				return nil, fmt.Errorf("line %d: continuation without a line", i+1)
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	for i, l := range lines {
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("content line %d: invalid UTF-8 (a fold split a character?)", i+1)
		}
	}
	return lines, nil
}

// parseLine reads name *(";" param) ":" value.
func parseLine(l string) (Prop, error) {
	p := Prop{Params: map[string]string{}}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		return p, fmt.Errorf("no name in %q", l)
	}
	p.Name = strings.ToUpper(l[:i])
	if !nameRe.MatchString(p.Name) {
		return p, fmt.Errorf("bad name %q", p.Name)
	}
	rest := l[i:]
	for strings.HasPrefix(rest, ";") {
		rest = rest[1:]
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 || !nameRe.MatchString(rest[:eq]) {
			return p, fmt.Errorf("bad parameter in %q", l)
		}
		pname := strings.ToUpper(rest[:eq])
		rest = rest[eq+1:]
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return p, fmt.Errorf("unterminated quoted parameter in %q", l)
			}
			val, rest = rest[1:1+end], rest[2+end:]
		} else {
			end := strings.IndexAny(rest, ";:")
			if end < 0 {
				return p, fmt.Errorf("parameter without value end in %q", l)
			}
			val, rest = rest[:end], rest[end:]
			if strings.ContainsAny(val, `",`) {
				return p, fmt.Errorf("unquoted special character in parameter %q", val)
			}
		}
		p.Params[pname] = val
	}
	if !strings.HasPrefix(rest, ":") {
		return p, fmt.Errorf("no value in %q", l)
	}
	p.Value = rest[1:]
	for _, r := range p.Value {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return p, fmt.Errorf("control character %U in the value of %s", r, p.Name)
		}
	}
	return p, nil
}

// UnescapeText decodes a single-valued TEXT value strictly: a bare comma or
// semicolon, or an unknown escape, is an error.
func UnescapeText(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case '\\':
			if i+1 == len(v) {
				return "", errors.New("trailing backslash")
			}
			i++
			switch v[i] {
			case '\\', ';', ',':
				b.WriteByte(v[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return "", fmt.Errorf("unknown escape \\%c", v[i])
			}
		case ';', ',':
			return "", fmt.Errorf("unescaped %q", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// Parse reads a whole document and checks the structure cartera's
// calendars must have.
func Parse(doc string) (*Component, error) {
	lines, err := unfoldStrict(doc)
	if err != nil {
		return nil, err
	}
	var stack []*Component
	var root *Component
	for i, l := range lines {
		p, err := parseLine(l)
		if err != nil {
			return nil, fmt.Errorf("content line %d: %w", i+1, err)
		}
		switch p.Name {
		case "BEGIN":
			c := &Component{Name: strings.ToUpper(p.Value)}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one top-level object")
				}
				root = c
			} else {
				top := stack[len(stack)-1]
				top.Subs = append(top.Subs, c)
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Name != strings.ToUpper(p.Value) {
				return nil, fmt.Errorf("content line %d: END:%s does not close the open component", i+1, p.Value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, fmt.Errorf("content line %d: property outside any component", i+1)
			}
			top := stack[len(stack)-1]
			top.Props = append(top.Props, p)
		}
	}
	if len(stack) != 0 || root == nil || root.Name != "VCALENDAR" {
		return nil, errors.New("not one complete VCALENDAR")
	}
	return root, validate(root)
}

// once lists the properties that may appear at most once per component.
var once = []string{"UID", "DTSTAMP", "DTSTART", "DTEND", "DUE", "SUMMARY", "DESCRIPTION", "STATUS", "SEQUENCE",
	"COMPLETED", "PERCENT-COMPLETE", "CLASS", "PRIORITY"}

func validate(cal *Component) error {
	if v, ok := cal.Get("VERSION"); !ok || v.Value != "2.0" {
		return errors.New("VCALENDAR needs VERSION:2.0")
	}
	if _, ok := cal.Get("PRODID"); !ok {
		return errors.New("VCALENDAR needs PRODID")
	}
	uids := map[string]bool{}
	for _, c := range cal.Subs {
		if c.Name != "VEVENT" && c.Name != "VTODO" {
			return fmt.Errorf("unexpected component %s", c.Name)
		}
		for _, name := range once {
			if len(c.All(name)) > 1 {
				return fmt.Errorf("%s: %s more than once", c.Name, name)
			}
		}
		uid, ok := c.Get("UID")
		if !ok || uid.Value == "" {
			return fmt.Errorf("%s without UID", c.Name)
		}
		if uids[uid.Value] {
			return fmt.Errorf("UID %s repeated", uid.Value)
		}
		uids[uid.Value] = true
		stamp, ok := c.Get("DTSTAMP")
		if !ok || !stampRe.MatchString(stamp.Value) {
			return fmt.Errorf("%s %s: DTSTAMP must be a UTC date-time", c.Name, uid.Value)
		}
		for _, name := range []string{"DTSTART", "DTEND", "DUE"} {
			p, ok := c.Get(name)
			if !ok {
				continue
			}
			if p.Params["VALUE"] != "DATE" || !dateRe.MatchString(p.Value) {
				return fmt.Errorf("%s %s: %s must be a DATE", c.Name, uid.Value, name)
			}
			if _, err := time.Parse("20060102", p.Value); err != nil {
				return fmt.Errorf("%s %s: %s is not a day: %s", c.Name, uid.Value, name, p.Value)
			}
		}
		switch c.Name {
		case "VEVENT":
			start, ok := c.Get("DTSTART")
			if !ok {
				return fmt.Errorf("VEVENT %s without DTSTART", uid.Value)
			}
			if end, ok := c.Get("DTEND"); ok && end.Value <= start.Value {
				return fmt.Errorf("VEVENT %s ends before it starts", uid.Value)
			}
		case "VTODO":
			if st, ok := c.Get("STATUS"); ok && st.Value == "COMPLETED" {
				if p, ok := c.Get("COMPLETED"); !ok || !stampRe.MatchString(p.Value) {
					return fmt.Errorf("VTODO %s completed without COMPLETED", uid.Value)
				}
			}
		}
		for _, name := range []string{"SUMMARY", "DESCRIPTION", "UID", "CATEGORIES"} {
			for _, p := range c.All(name) {
				if name == "CATEGORIES" {
					continue // a list: commas separate values
				}
				if _, err := UnescapeText(p.Value); err != nil {
					return fmt.Errorf("%s %s: %s: %w", c.Name, uid.Value, name, err)
				}
			}
		}
	}
	return nil
}

// Text returns a component's TEXT property, decoded.
func (c *Component) Text(name string) string {
	p, _ := c.Get(name)
	s, err := UnescapeText(p.Value)
	if err != nil {
		return "!" + err.Error()
	}
	return s
}
