package csvio

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"

	"github.com/cartera/cartera"
)

// maxMappingSize caps a mapping file: a real one is a few kilobytes.
const maxMappingSize = 1 << 20

// mappingFields are the keys of a mapping file, in documentation order.
var mappingFields = []string{"name", "entity", "extends", "prefixes", "columns", "stages", "outcomes", "categories",
	"date_order", "decimal", "probability_scale", "id_prefix", "defaults", "values", "skip_empty", "skip_where"}

// LoadMapping reads a mapping file (JSON, see docs/import.md). name is what
// errors call the file. Every problem is reported at its line and column as
// a *ProblemsError: bad JSON, unknown fields, unknown target columns, stage
// targets that are not a stage id or won/lost, and so on. Stage targets are
// checked against the pipeline when the mapping is used.
func LoadMapping(name string, data []byte) (*Mapping, error) {
	if len(data) > maxMappingSize {
		return nil, &ProblemsError{Problems: []Problem{{File: name, Line: 1, Column: 1,
			Msg: cartera.M("mapping.too_large", "max", maxMappingSize)}}}
	}
	p := &mappingParser{name: name, data: data, dec: json.NewDecoder(bytes.NewReader(data)),
		m: &Mapping{file: name, text: data, pos: map[string]int64{}}}
	// The decoder's streaming errors count offsets differently depending
	// on where they arise; a whole-document check first gives one rule:
	// the offset is just past the character at fault.
	var whole any
	if err := json.Unmarshal(data, &whole); err != nil {
		p.syntax(err)
		return nil, &ProblemsError{Problems: p.probs}
	}
	p.parse()
	if len(p.probs) > 0 {
		return nil, &ProblemsError{Problems: p.probs}
	}
	m := p.m
	if m.Name == "" {
		m.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	if m.Extends != "" {
		base := Builtin(m.Extends)
		if base == nil {
			file, line, col := m.position("extends")
			return nil, &ProblemsError{Problems: []Problem{{File: file, Line: line, Column: col,
				Msg: cartera.M("mapping.unknown_base", "value", m.Extends, "names", BuiltinNames())}}}
		}
		m = extend(base, m)
	}
	if probs := m.compile(); len(probs) > 0 {
		return nil, &ProblemsError{Problems: probs}
	}
	return m, nil
}

// extend lays the entries of m over a copy of base: an entry of m replaces
// the base's entry for the same header or label.
func extend(base, m *Mapping) *Mapping {
	x := base.clone()
	x.Name, x.Extends, x.file, x.text, x.pos = m.Name, m.Extends, m.file, m.text, m.pos
	if m.Entity != "" {
		x.Entity = m.Entity
	}
	if len(m.Prefixes) > 0 {
		x.Prefixes = m.Prefixes
	}
	over := func(dst map[string]string, src map[string]string, norm func(string) string) {
		for k, v := range src {
			for old := range dst {
				if norm(old) == norm(k) {
					delete(dst, old)
				}
			}
			dst[k] = v
		}
	}
	tmp := &compiled{prefixes: map[string]bool{}}
	for _, p := range x.Prefixes {
		tmp.prefixes[cartera.Fold(strings.TrimSpace(p))] = true
	}
	over(x.Columns, m.Columns, tmp.headerOf)
	over(x.Stages, m.Stages, mapKey)
	over(x.Outcomes, m.Outcomes, mapKey)
	over(x.Categories, m.Categories, mapKey)
	x.colOrder = append(x.colOrder, m.colOrder...)
	x.stageOrder = append(x.stageOrder, m.stageOrder...)
	if m.DateOrder != "" {
		x.DateOrder, x.detectDates = m.DateOrder, false
	}
	if m.Decimal != "" {
		x.Decimal = m.Decimal
	}
	if m.ProbabilityScale != "" {
		x.ProbabilityScale = m.ProbabilityScale
	}
	if _, ok := m.pos["id_prefix"]; ok {
		x.IDPrefix = m.IDPrefix
	}
	for k, v := range m.Defaults {
		if x.Defaults == nil {
			x.Defaults = map[string]string{}
		}
		x.Defaults[k] = v
	}
	x.SkipEmpty = append(x.SkipEmpty, m.SkipEmpty...)
	for k, v := range m.Values {
		if x.Values == nil {
			x.Values = map[string]map[string]string{}
		}
		x.Values[k] = v
	}
	for k, v := range m.SkipWhere {
		if x.SkipWhere == nil {
			x.SkipWhere = map[string][]string{}
		}
		x.SkipWhere[k] = v
	}
	return x
}

// mappingParser reads a mapping file token by token, remembering where
// each entry was written.
type mappingParser struct {
	name  string
	data  []byte
	dec   *json.Decoder
	probs []Problem
	m     *Mapping
}

func (p *mappingParser) fail(off int64, key string, kv ...any) {
	line, col := lineCol(p.data, off)
	p.probs = append(p.probs, Problem{File: p.name, Line: line, Column: col, Msg: cartera.M(key, kv...)})
}

// syntax reports a JSON syntax error at the character at fault.
func (p *mappingParser) syntax(err error) {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &se) && se.Error() == "unexpected end of JSON input":
		p.fail(int64(len(p.data)), "mapping.json_ends")
	case se != nil:
		p.fail(se.Offset-1, "mapping.bad_json")
	default:
		p.fail(p.dec.InputOffset(), "mapping.bad_json")
	}
}

// next returns the offset where the next token starts.
func (p *mappingParser) next() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (p *mappingParser) parse() {
	t, err := p.dec.Token()
	if err != nil {
		p.syntax(err)
		return
	}
	if t != json.Delim('{') {
		p.fail(0, "mapping.not_object")
		return
	}
	for p.dec.More() {
		off := p.next()
		t, err := p.dec.Token()
		if err != nil {
			p.syntax(err)
			return
		}
		key, _ := t.(string)
		voff := p.next()
		p.m.pos[key] = voff
		var ok bool
		switch key {
		case "name":
			ok = p.text(voff, key, &p.m.Name)
		case "extends":
			ok = p.text(voff, key, &p.m.Extends)
		case "entity":
			ok = p.text(voff, key, &p.m.Entity)
		case "date_order":
			ok = p.text(voff, key, &p.m.DateOrder)
		case "decimal":
			ok = p.text(voff, key, &p.m.Decimal)
		case "probability_scale":
			ok = p.text(voff, key, &p.m.ProbabilityScale)
		case "id_prefix":
			ok = p.text(voff, key, &p.m.IDPrefix)
		case "prefixes":
			ok = p.list(voff, key, &p.m.Prefixes)
		case "skip_empty":
			ok = p.list(voff, key, &p.m.SkipEmpty)
		case "values":
			p.m.Values = map[string]map[string]string{}
			ok = p.entries(voff, key, func(k string, off int64, raw json.RawMessage) {
				var words map[string]string
				if err := json.Unmarshal(raw, &words); err != nil {
					p.fail(off, "mapping.not_object_field", "field", key+" → "+k)
					return
				}
				p.m.Values[k] = words
				p.m.pos[key+"/"+k] = off
			})
		case "skip_where":
			p.m.SkipWhere = map[string][]string{}
			ok = p.lists(voff, key, p.m.SkipWhere)
		case "defaults":
			p.m.Defaults = map[string]string{}
			ok = p.object(voff, key, p.m.Defaults, nil)
		case "columns":
			p.m.Columns = map[string]string{}
			ok = p.object(voff, key, p.m.Columns, &p.m.colOrder)
		case "stages":
			p.m.Stages = map[string]string{}
			ok = p.object(voff, key, p.m.Stages, &p.m.stageOrder)
		case "outcomes":
			p.m.Outcomes = map[string]string{}
			ok = p.object(voff, key, p.m.Outcomes, nil)
		case "categories":
			p.m.Categories = map[string]string{}
			ok = p.object(voff, key, p.m.Categories, nil)
		default:
			p.fail(off, "mapping.unknown_field", "field", key, "fields", mappingFields)
			var raw json.RawMessage
			if err := p.dec.Decode(&raw); err != nil {
				p.syntax(err)
				return
			}
			ok = true
		}
		if !ok {
			return
		}
	}
	if _, err := p.dec.Token(); err != nil {
		p.syntax(err)
	}
}

// text reads a string value; false stops the parse.
func (p *mappingParser) text(off int64, field string, dst *string) bool {
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		p.syntax(err)
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		p.fail(off, "mapping.not_text", "field", field)
	}
	return true
}

func (p *mappingParser) list(off int64, field string, dst *[]string) bool {
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		p.syntax(err)
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		p.fail(off, "mapping.not_list", "field", field)
	}
	return true
}

// object reads {"text": "text", …}, remembering each entry's position
// (of its value: the target is what a problem is about) and order.
func (p *mappingParser) object(off int64, field string, dst map[string]string, order *[]string) bool {
	return p.entries(off, field, func(k string, voff int64, raw json.RawMessage) {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			p.fail(voff, "mapping.not_text", "field", field+" → "+k)
			return
		}
		if _, dup := dst[k]; dup {
			p.fail(voff, "mapping.duplicate_entry", "field", field, "value", k)
			return
		}
		dst[k] = v
		p.m.pos[field+"/"+k] = voff
		if order != nil {
			*order = append(*order, k)
		}
	})
}

// lists reads {"text": "text" or ["text", …], …} (skip_where).
func (p *mappingParser) lists(off int64, field string, dst map[string][]string) bool {
	return p.entries(off, field, func(k string, voff int64, raw json.RawMessage) {
		var one string
		var many []string
		if err := json.Unmarshal(raw, &one); err == nil {
			many = []string{one}
		} else if err := json.Unmarshal(raw, &many); err != nil {
			p.fail(voff, "mapping.not_list", "field", field+" → "+k)
			return
		}
		if _, dup := dst[k]; dup {
			p.fail(voff, "mapping.duplicate_entry", "field", field, "value", k)
			return
		}
		dst[k] = many
		p.m.pos[field+"/"+k] = voff
	})
}

// entries reads a JSON object, handing each entry's key, the offset of
// its value and the value to add.
func (p *mappingParser) entries(off int64, field string, add func(k string, voff int64, raw json.RawMessage)) bool {
	t, err := p.dec.Token()
	if err != nil {
		p.syntax(err)
		return false
	}
	if t != json.Delim('{') {
		p.fail(off, "mapping.not_object_field", "field", field)
		if d, ok := t.(json.Delim); ok && d == '[' {
			for p.dec.More() {
				var raw json.RawMessage
				if err := p.dec.Decode(&raw); err != nil {
					p.syntax(err)
					return false
				}
			}
			if _, err := p.dec.Token(); err != nil {
				p.syntax(err)
				return false
			}
		}
		return true
	}
	for p.dec.More() {
		t, err := p.dec.Token()
		if err != nil {
			p.syntax(err)
			return false
		}
		k, _ := t.(string)
		voff := p.next()
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			p.syntax(err)
			return false
		}
		add(k, voff, raw)
	}
	if _, err := p.dec.Token(); err != nil {
		p.syntax(err)
		return false
	}
	return true
}
