package csvio

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// Entry is one entry of a mapping's columns or stages: a header or a
// label of the file, and its target.
type Entry struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Draft is a mapping as a form or a program builds it, with its entries
// in the order a person sees them. Its JSON is a mapping file: LoadMapping
// reads it back and reports each problem at its line and column in that
// text, so a form can show the text with the problems.
type Draft struct {
	Name             string
	Extends          string
	Prefixes         []string
	Columns          []Entry
	Stages           []Entry
	Outcomes         map[string]string
	Categories       map[string]string
	DateOrder        string
	Decimal          string
	ProbabilityScale string
	IDPrefix         string
}

// JSON writes the draft as a mapping file, indented, entries in order.
// A column entry without a target is left out, unless the draft extends
// a built-in mapping (where "" ignores a column the base would read).
// columns and stages are always written, so that a problem about them
// has a place.
func (d Draft) JSON() []byte {
	var b bytes.Buffer
	first := true
	field := func(name string) {
		if !first {
			b.WriteString(",\n")
		}
		first = false
		b.WriteString("  ")
		b.Write(quote(name))
		b.WriteString(": ")
	}
	text := func(name, v string, always bool) {
		if v == "" && !always {
			return
		}
		field(name)
		b.Write(quote(v))
	}
	object := func(name string, entries []Entry, keepEmpty bool) {
		field(name)
		b.WriteString("{")
		n := 0
		for _, e := range entries {
			if strings.TrimSpace(e.To) == "" && !keepEmpty {
				continue
			}
			if n > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n    ")
			b.Write(quote(e.From))
			b.WriteString(": ")
			b.Write(quote(e.To))
			n++
		}
		if n > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString("}")
	}
	sorted := func(m map[string]string) []Entry {
		out := make([]Entry, 0, len(m))
		for k, v := range m {
			out = append(out, Entry{k, v})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].From < out[j].From })
		return out
	}
	b.WriteString("{\n")
	text("name", d.Name, false)
	text("extends", d.Extends, false)
	if len(d.Prefixes) > 0 {
		field("prefixes")
		p, _ := json.Marshal(d.Prefixes)
		b.Write(p)
	}
	object("columns", d.Columns, d.Extends != "")
	object("stages", d.Stages, true)
	if len(d.Outcomes) > 0 {
		object("outcomes", sorted(d.Outcomes), true)
	}
	if len(d.Categories) > 0 {
		object("categories", sorted(d.Categories), true)
	}
	text("date_order", d.DateOrder, false)
	text("decimal", d.Decimal, false)
	text("probability_scale", d.ProbabilityScale, false)
	text("id_prefix", d.IDPrefix, false)
	b.WriteString("\n}\n")
	return b.Bytes()
}

// quote writes a JSON string without escaping <, > and & (the text is
// shown in pages through html/template, which escapes it there).
func quote(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Draft returns the mapping's entries in the order they were written.
func (m *Mapping) Draft() Draft {
	d := Draft{Name: m.Name, Extends: m.Extends, Prefixes: append([]string(nil), m.Prefixes...),
		DateOrder: m.DateOrder, Decimal: m.Decimal, ProbabilityScale: m.ProbabilityScale, IDPrefix: m.IDPrefix}
	if m.detectDates {
		d.DateOrder = "" // a guess of a built-in mapping, not the user's word
	}
	for _, k := range ordered(m.Columns, m.colOrder) {
		d.Columns = append(d.Columns, Entry{k, m.Columns[k]})
	}
	for _, k := range ordered(m.Stages, m.stageOrder) {
		d.Stages = append(d.Stages, Entry{k, m.Stages[k]})
	}
	if len(m.Outcomes) > 0 {
		d.Outcomes = map[string]string{}
		for k, v := range m.Outcomes {
			d.Outcomes[k] = v
		}
	}
	if len(m.Categories) > 0 {
		d.Categories = map[string]string{}
		for k, v := range m.Categories {
			d.Categories[k] = v
		}
	}
	return d
}

// TargetOf says which field a header cell of a file feeds under this
// mapping ("" for none), matching as an import does.
func (m *Mapping) TargetOf(header string) string {
	if m.Compile() != nil {
		return ""
	}
	if j, ok := m.c.cols[m.c.headerOf(header)]; ok {
		return mappedSchema.cols[j].key
	}
	return ""
}

// StageOf says what a stage label becomes under this mapping: a stage
// id, won or lost; false when the mapping does not know the label.
func (m *Mapping) StageOf(label string) (string, bool) {
	if m.Compile() != nil {
		return "", false
	}
	r, ok := m.c.stage(label)
	if !ok {
		return "", false
	}
	if r.outcome != "" {
		return string(r.outcome), true
	}
	return string(r.stage), true
}
