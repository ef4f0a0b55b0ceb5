// Package i18n renders cartera's messages in Spanish (the default) or
// English, and formats numbers, money, dates and durations per locale.
//
// Messages live in JSON catalogs (catalog/es.json, catalog/en.json), one
// entry per key. An entry is a string, or an object with "one" and "other"
// forms chosen by the argument named n. Placeholders:
//
//	{name}          the argument, formatted by its type (money, date, …)
//	{name:prefix}   the argument's value looked up as the key prefix.value
//	{name?text}     text, only when the argument is true
//	{name|month}    a date argument shown as its month
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cartera/cartera"
)

// Lang is a supported language.
type Lang string

// Supported languages; Spanish is the default.
const (
	ES Lang = "es"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{ES, EN}

//go:embed catalog/*.json
var catalogFS embed.FS

type entry struct {
	one, other string
}

// catalogs holds each language's catalog, parsed the first time it is
// needed (a command prints in one language: parsing both when the program
// starts cost every command about 8 ms). The catalogs are embedded; a
// malformed one is a build defect caught by the package tests, so loading
// them cannot fail at run time for users.
var catalogs = func() map[Lang]func() map[string]entry {
	m := map[Lang]func() map[string]entry{}
	for _, l := range Langs {
		m[l] = sync.OnceValue(func() map[string]entry {
			c, err := parseCatalog(l)
			if err != nil {
				panic(err)
			}
			return c
		})
	}
	return m
}()

func catalog(l Lang) map[string]entry {
	c, ok := catalogs[l]
	if !ok {
		panic(fmt.Sprintf("i18n: no catalog for %q", l))
	}
	return c()
}

func parseCatalog(l Lang) (map[string]entry, error) {
	b, err := catalogFS.ReadFile("catalog/" + string(l) + ".json")
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("catalog %s: %w", l, err)
	}
	out := make(map[string]entry, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = entry{s, s}
			continue
		}
		var pl struct{ One, Other string }
		if err := json.Unmarshal(v, &pl); err != nil || pl.Other == "" {
			return nil, fmt.Errorf("catalog %s: key %s: want a string or {one, other}", l, k)
		}
		if pl.One == "" {
			pl.One = pl.Other
		}
		out[k] = entry{pl.One, pl.Other}
	}
	return out, nil
}

// Parse returns the language named by s ("es", "en", "en-GB", "ES_es"),
// and false when it is not supported.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_."); i >= 0 {
		s = s[:i]
	}
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return ES, false
}

// Match picks the best supported language for an HTTP Accept-Language
// header, defaulting to Spanish.
func Match(accept string) Lang {
	best, bestQ := ES, -1.0
	for _, part := range strings.Split(accept, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l, ok := Parse(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// Printer renders messages and values in one language and time zone.
type Printer struct {
	Lang Lang
	Loc  *time.Location
	cat  map[string]entry
}

// New returns a printer for lang in loc (UTC when nil).
func New(lang Lang, loc *time.Location) *Printer {
	if loc == nil {
		loc = time.UTC
	}
	if _, ok := Parse(string(lang)); !ok {
		lang = ES
	}
	return &Printer{Lang: lang, Loc: loc, cat: catalog(lang)}
}

// Has reports whether the catalog has key.
func (p *Printer) Has(key string) bool { _, ok := p.cat[key]; return ok }

// T renders the catalog entry key with alternating argument names and
// values. A missing key renders as the key itself, so that a gap shows
// instead of vanishing (the tests check that none is missing).
func (p *Printer) T(key string, kv ...any) string { return p.Msg(cartera.M(key, kv...)) }

// Msg renders a message.
func (p *Printer) Msg(m cartera.Message) string {
	e, ok := p.cat[m.Key]
	if !ok {
		return m.String()
	}
	tmpl := e.other
	if v, ok := m.Get("n"); ok && isOne(v) {
		tmpl = e.one
	}
	return p.expand(tmpl, m)
}

func isOne(v any) bool {
	switch n := v.(type) {
	case int:
		return n == 1
	case int64:
		return n == 1
	}
	return false
}

func (p *Printer) expand(tmpl string, m cartera.Message) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		b.WriteString(p.placeholder(tmpl[i+1:i+j], m))
		tmpl = tmpl[i+j+1:]
	}
}

func (p *Printer) placeholder(ph string, m cartera.Message) string {
	if name, text, ok := strings.Cut(ph, "?"); ok {
		if v, _ := m.Get(name); v == true {
			return p.expand(text, m)
		}
		return ""
	}
	if name, mod, ok := strings.Cut(ph, "|"); ok {
		v, found := m.Get(name)
		if d, isDate := v.(cartera.Date); found && isDate && mod == "month" {
			return p.Month(d)
		}
		return p.Value(v)
	}
	name, prefix, lookup := strings.Cut(ph, ":")
	v, ok := m.Get(name)
	if !ok {
		return "{" + ph + "}"
	}
	if lookup {
		return p.T(prefix + "." + fmt.Sprint(v))
	}
	return p.Value(v)
}

// Value formats one argument by its type.
func (p *Printer) Value(v any) string {
	switch x := v.(type) {
	case int:
		return p.Int(int64(x))
	case int64:
		return p.Int(x)
	case float64:
		return p.Decimal(int64(x*10+0.5*sign(x)), 1)
	case cartera.Money:
		return p.Money(x)
	case cartera.Date:
		return p.Date(x)
	case time.Time:
		return p.DateTime(x)
	case cartera.Hours:
		return p.Hours(x)
	case cartera.BasisPoints:
		return p.Percent(x)
	case cartera.Tenths:
		return p.Decimal(int64(x), 1)
	case cartera.Multiplier:
		return "×" + p.Decimal(int64(x), 2)
	case cartera.Label:
		return p.T(string(x))
	case cartera.Hundredths:
		return p.Decimal(int64(x), 2)
	case cartera.SignalKind:
		return p.T("signal." + string(x))
	case cartera.Stage:
		if x == "" {
			return p.T("stage.unknown") // a closed deal whose source did not say how far it got
		}
		if p.Has("stage." + string(x)) {
			return p.T("stage." + string(x))
		}
		return string(x)
	case cartera.IncidentKind:
		return p.T("kind." + string(x))
	case cartera.CandidateStatus:
		return p.T("candidate.status." + string(x))
	case cartera.Verdict:
		return p.T("verdict." + string(x))
	case []string:
		return p.List(x)
	case cartera.Message:
		return p.Msg(x)
	case string:
		return x
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// List joins names as "A, B y C" / "A, B and C".
func (p *Printer) List(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + p.T("list.and") + " " + items[len(items)-1]
}

// Keys returns every key of the language's catalog, sorted (for tests and
// tooling).
func Keys(l Lang) []string {
	c := catalog(l)
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Forms returns the one and other forms of a key, for tests.
func Forms(l Lang, key string) (one, other string, ok bool) {
	e, ok := catalog(l)[key]
	return e.one, e.other, ok
}
