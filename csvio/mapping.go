package csvio

import (
	"sort"
	"strings"

	"github.com/cartera/cartera"
)

// Mapping says how a CSV file that is not in cartera's own format becomes
// deals: which header feeds which deal column, which of the file's stage
// labels is which pipeline stage (or a won/lost close), how outcomes and
// forecast categories are spelled, and how dates and numbers are written.
//
// The exports of HubSpot, Pipedrive and Salesforce are built-in Mappings
// (see Builtins), recognised by their header row; a user's own mapping file
// (cartera import --map) is the same type read from JSON by LoadMapping.
// The JSON shape is documented in docs/import.md.
type Mapping struct {
	// Name identifies the mapping in reports ("hubspot-en").
	Name string `json:"name"`
	// Entity is what the file holds: deals (the default), time, the
	// entries of a time tracker (see TimeTargets), stage_history, a CRM's
	// stage history (targets deal_id, date and stage; the stage labels map
	// to pipeline stages, and to won or lost for closing rows, which are
	// counted and left out), or any other record kind (clients, contacts,
	// invoices, concessions, incidents, signals), whose targets are the
	// columns of cartera's own file of that kind. Spanish file names
	// (clientes, senales…) are accepted too.
	Entity string `json:"entity,omitempty"`
	// Extends names a built-in mapping whose entries this one adds to or
	// overrides: a renamed stage needs one line, not a whole mapping.
	Extends string `json:"extends,omitempty"`
	// Prefixes are entity prefixes a header may carry before " - "
	// ("Deal - Title"); they are ignored when matching.
	Prefixes []string `json:"prefixes,omitempty"`
	// Columns maps a header (matched ignoring case, accents, spacing and a
	// trailing *) to a target: a deal column (see Targets) or "" to ignore
	// a column that Extends would map.
	Columns map[string]string `json:"columns"`
	// Stages maps a stage label of the file to a pipeline stage id, or to
	// "won" or "lost" for a closing stage.
	Stages map[string]string `json:"stages"`
	// Outcomes maps status values ("Won", "Ganado") to open, won or lost.
	Outcomes map[string]string `json:"outcomes,omitempty"`
	// Categories maps forecast categories to commit, best_case, pipeline,
	// or "" for none.
	Categories map[string]string `json:"categories,omitempty"`
	// DateOrder is how slashed dates are read: "dmy" (15/03/2026) or "mdy"
	// (3/15/2026). ISO dates are always read as such.
	DateOrder string `json:"date_order,omitempty"`
	// Decimal is auto, point or comma.
	Decimal string `json:"decimal,omitempty"`
	// ProbabilityScale is "percent" (0–100, the default) or "fraction"
	// (0–1).
	ProbabilityScale string `json:"probability_scale,omitempty"`
	// IDPrefix is put before every id of the file, so that two sources
	// numbering their deals 1, 2, 3… do not overwrite each other.
	IDPrefix string `json:"id_prefix,omitempty"`
	// Defaults gives a target a value for empty cells and for files
	// without its column ({"currency": "USD", "created": "2017-06-01"}).
	Defaults map[string]string `json:"defaults,omitempty"`
	// SkipEmpty lists targets whose empty value leaves the row out (an
	// early prospect without a created date, say); the import report
	// counts them.
	SkipEmpty []string `json:"skip_empty,omitempty"`
	// Values translates the export's words for a target's values into
	// cartera's: {"kind": {"Meeting": "meeting_held", "Call": "reply"}}
	// (matched ignoring case, accents and spacing; others pass as written).
	Values map[string]map[string]string `json:"values,omitempty"`
	// SkipWhere leaves out the rows whose value of a target is one of the
	// values given (matched ignoring case, accents and spacing):
	// {"stage": ["Duplicate", "Test"]}; the import report counts them.
	SkipWhere map[string][]string `json:"skip_where,omitempty"`

	// file and pos locate the entries of a loaded mapping, for errors.
	file string
	pos  map[string]int64
	text []byte
	// colOrder and stageOrder keep the order the entries were written in.
	colOrder, stageOrder []string
	// detectDates lets the file's own dates settle DateOrder (built-in
	// mappings, whose export locale is a guess).
	detectDates bool
	c           *compiled
}

// Targets are the deal columns a mapping may feed: the columns of
// cartera's own deals file, and the vendor-only columns below.
//
//   - company: the organisation or account; a deal is linked to the client
//     of that name (ignoring case, accents, punctuation and a legal form
//     such as "S.L."), or else the name becomes the deal's prospect.
//   - close_date: the close date of a closed deal, or the expected close
//     of an open one (HubSpot and Salesforce use one field for both).
//   - is_closed, is_won: yes/no flags that set the outcome.
//   - won_time, lost_time: when the deal was won or lost; they date the
//     close and, when nothing else says, set the outcome.
//   - last_stage: the last open stage a closed deal was in, as a stage
//     label of the export; without it a closed deal's stage is unknown.
func Targets() []string {
	out := make([]string, len(mappedSchema.cols))
	for i, c := range mappedSchema.cols {
		out[i] = c.key
	}
	return out
}

// virtualColumns are the targets that are not columns of cartera's deals
// file, with a Spanish name accepted in mapping files.
var virtualColumns = []column{
	{key: "company", es: "empresa"},
	{key: "close_date", es: "fecha_cierre"},
	{key: "is_closed", es: "esta_cerrada"},
	{key: "is_won", es: "esta_ganada"},
	{key: "won_time", es: "fecha_ganada"},
	{key: "lost_time", es: "fecha_perdida"},
	{key: "last_stage", es: "ultima_etapa"},
}

// mappedSchema is the layout every mapped file is read into: the deal
// columns and the virtual ones.
var mappedSchema = func() *schema {
	s := &schema{entity: cartera.EntityDeals, fileES: "oportunidades"}
	for _, c := range schemaOf(cartera.EntityDeals).cols {
		s.cols = append(s.cols, column{key: c.key, es: c.es})
	}
	s.cols = append(s.cols, virtualColumns...)
	return s
}()

// requiredTargets must be fed by some column of a mapped file; besides,
// a deal needs a name: title, company, prospect or client_id.
var (
	requiredTargets = []string{"id", "stage", "created", "value"}
	nameTargets     = []string{"title", "company", "prospect", "client_id"}
)

// mappedKind is what a mapping reads into: its schema, the targets a file
// must feed, the targets one of which it must feed, and whether stages
// are part of it.
type mappedKind struct {
	schema   *schema
	required []string
	oneOf    []string
	stages   bool
}

var (
	dealKind = &mappedKind{schema: mappedSchema, required: requiredTargets, oneOf: nameTargets, stages: true}
	// stageHistoryKind reads a CRM's stage history: which columns are the
	// deal, the day and the stage, and what each of the CRM's stage labels
	// is in the pipeline.
	stageHistoryKind = &mappedKind{schema: stageHistoryMappedSchema, required: []string{"deal_id", "date", "stage"}, stages: true}
	timeKind         = &mappedKind{schema: timeMappedSchema, required: []string{"date", "hours"},
		oneOf: []string{"project", "client", "client_id"}}
)

// timeMappedSchema is the layout a time tracker's export is read into:
// cartera's time columns and what trackers add.
//
//   - project, client: the tracker's project and client names; the entry
//     goes to the client a match rule gives the project (cartera match),
//     or else to the client whose name is the tracker's client.
//   - task, user, start_time: they tell one entry from another when the
//     export has no id of its own.
var timeMappedSchema = func() *schema {
	s := &schema{entity: cartera.EntityTime, fileES: "horas"}
	for _, c := range schemaOf(cartera.EntityTime).cols {
		s.cols = append(s.cols, column{key: c.key, es: c.es})
	}
	return appendCols(s, column{key: "project", es: "proyecto"}, column{key: "client", es: "cliente_del_proyecto"},
		column{key: "task", es: "tarea"}, column{key: "user", es: "usuario"}, column{key: "start_time", es: "hora_inicio"})
}()

func appendCols(s *schema, cols ...column) *schema {
	s.cols = append(s.cols, cols...)
	return s
}

// stageHistoryMappedSchema is the layout a mapped stage history is read
// into: the columns of cartera's own file.
var stageHistoryMappedSchema = func() *schema {
	s := &schema{entity: cartera.EntityStageHistory, fileES: "etapas"}
	for _, c := range schemaOf(cartera.EntityStageHistory).cols {
		s.cols = append(s.cols, column{key: c.key, es: c.es})
	}
	return s
}()

// targets lists the columns a mapping of this kind may feed.
func (k *mappedKind) targets() []string {
	out := make([]string, len(k.schema.cols))
	for i, c := range k.schema.cols {
		out[i] = c.key
	}
	return out
}

// TimeTargets are the columns a time mapping may feed.
func TimeTargets() []string {
	out := make([]string, len(timeMappedSchema.cols))
	for i, c := range timeMappedSchema.cols {
		out[i] = c.key
	}
	return out
}

// kind returns what the mapping reads into, nil for an entity that is
// not a record kind.
func (m *Mapping) kind() *mappedKind {
	e, ok := mappedEntity(m.Entity)
	switch {
	case !ok:
		return nil
	case e == cartera.EntityDeals:
		return dealKind
	case e == cartera.EntityTime:
		return timeKind
	case e == cartera.EntityStageHistory:
		return stageHistoryKind
	}
	return plainKinds[e]
}

// mappedEntity reads a mapping's entity: a record kind by its English or
// Spanish name; deals when empty.
func mappedEntity(s string) (cartera.Entity, bool) {
	k := headerKey(s)
	if k == "" {
		return cartera.EntityDeals, true
	}
	for _, sc := range schemas {
		if k == string(sc.entity) || k == sc.fileES || k == headerKey(string(sc.entity)) {
			return sc.entity, true
		}
	}
	return "", false
}

// plainKinds read the other record kinds with the columns of cartera's
// own files: a mapping renames headers and gives defaults and filters.
var plainKinds = func() map[cartera.Entity]*mappedKind {
	out := map[cartera.Entity]*mappedKind{}
	for _, sc := range schemas {
		switch sc.entity {
		case cartera.EntityDeals, cartera.EntityTime, cartera.EntityStageHistory:
			continue
		}
		k := &mappedKind{schema: sc}
		for _, c := range sc.cols {
			if c.required {
				k.required = append(k.required, c.key)
			}
		}
		out[sc.entity] = k
	}
	return out
}()

// dateOrder says how a slashed date is read.
type dateOrder byte

const (
	orderDMY dateOrder = iota
	orderMDY
)

func (o dateOrder) String() string {
	if o == orderMDY {
		return "mdy"
	}
	return "dmy"
}

// stageRule is what a vendor stage label becomes.
type stageRule struct {
	stage   cartera.Stage   // the pipeline stage, for an open stage
	outcome cartera.Outcome // won or lost for a closing stage
}

// compiled is a Mapping ready to match headers and read values.
type compiled struct {
	cols        map[string]int  // normalised header → index in mappedSchema
	display     map[int]string  // target → a header that feeds it
	prefixes    map[string]bool // folded prefixes
	stages      map[string]stageRule
	stageLabels []string // in order, for messages
	outcomes    map[string]cartera.Outcome
	categories  map[string]cartera.ForecastCategory
	order       dateOrder
	decimal     decimalMode
	autoDecimal bool
	fraction    bool
	defaults    map[string]string // target key → value for empty cells
	skipEmpty   []string          // target keys whose empty value skips the row
	skipWhere   []skipRule        // values that leave a row out
	// values maps a target key to the export's words (mapKey'd) for its
	// values and what they are in cartera.
	values map[string]map[string]string
}

// skipRule leaves out the rows whose target holds one of the values
// (mapKey'd).
type skipRule struct {
	target string
	values map[string]bool
}

// entityNames lists the record kinds a mapping may read, for errors.
func entityNames() []string {
	out := make([]string, len(schemas))
	for i, sc := range schemas {
		out[i] = string(sc.entity)
	}
	return out
}

// sortedKeys returns a map's keys in order, for stable reports.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// headerOf strips an entity prefix ("Deal - ") from a header cell and
// normalises it for matching.
func (c *compiled) headerOf(cell string) string {
	cell = strings.TrimSpace(cell)
	if before, after, ok := strings.Cut(cell, " - "); ok && c.prefixes[cartera.Fold(strings.TrimSpace(before))] {
		cell = after
	}
	return mapKey(cell)
}

// mapKey normalises a header or a value label: headerKey, also without
// question marks and percent signs ("Is Deal Closed?", "Probability (%)").
func mapKey(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '?', '¿', '%':
			return -1
		}
		return r
	}, s)
	return headerKey(s)
}

// targetIndex resolves a target name (English key or Spanish column name)
// to its index in mappedSchema.
func targetIndex(name string) int { return mappedSchema.target(name) }

// target resolves a target name (English key or Spanish column name) to
// its index in a mapped schema.
func (s *schema) target(name string) int {
	k := headerKey(name)
	for i, c := range s.cols {
		if k == c.key || k == c.es {
			return i
		}
	}
	return -1
}

// position is where a mapping entry was written, for errors.
func (m *Mapping) position(key string) (string, int, int) {
	file := m.file
	if file == "" {
		file = m.Name
	}
	if file == "" {
		file = "mapping"
	}
	off, ok := m.pos[key]
	if !ok {
		return file, 1, 1
	}
	line, col := lineCol(m.text, off)
	return file, line, col
}

func (m *Mapping) problem(key, msg string, kv ...any) Problem {
	file, line, col := m.position(key)
	return Problem{File: file, Line: line, Column: col, Msg: cartera.M(msg, kv...)}
}

// compile checks the mapping and prepares it for matching. Every problem
// is returned, each at the entry it concerns.
func (m *Mapping) compile() []Problem {
	var probs []Problem
	kind := m.kind()
	if kind == nil {
		return []Problem{m.problem("entity", "mapping.bad_entity", "value", m.Entity, "entities", entityNames())}
	}
	// The messages name the kind of record; deals keep their own words.
	unknown := func(key, header, value string) Problem {
		if kind == dealKind {
			return m.problem(key, "mapping.unknown_target", "header", header, "value", value, "targets", kind.targets())
		}
		return m.problem(key, "mapping.unknown_target_of", "header", header, "value", value,
			"entity", cartera.M("entity."+string(kind.schema.entity)), "targets", kind.targets())
	}
	c := &compiled{cols: map[string]int{}, display: map[int]string{}, prefixes: map[string]bool{},
		stages: map[string]stageRule{}, outcomes: map[string]cartera.Outcome{}, categories: map[string]cartera.ForecastCategory{}}
	for _, p := range m.Prefixes {
		if p = cartera.Fold(strings.TrimSpace(p)); p != "" {
			c.prefixes[p] = true
		}
	}
	for _, h := range ordered(m.Columns, m.colOrder) {
		target := m.Columns[h]
		k := c.headerOf(h)
		if k == "" {
			probs = append(probs, m.problem("columns/"+h, "mapping.empty_header"))
			continue
		}
		if strings.TrimSpace(target) == "" {
			continue // ignored on purpose (over an extended mapping)
		}
		j := kind.schema.target(target)
		if j < 0 {
			probs = append(probs, unknown("columns/"+h, h, target))
			continue
		}
		if old, ok := c.cols[k]; ok && old != j {
			probs = append(probs, m.problem("columns/"+h, "mapping.header_twice", "header", h))
			continue
		}
		c.cols[k] = j
		if _, ok := c.display[j]; !ok {
			c.display[j] = h
		}
	}
	fed := map[string]bool{}
	for _, j := range c.cols {
		fed[kind.schema.cols[j].key] = true
	}
	c.defaults = map[string]string{}
	for t, v := range m.Defaults {
		j := kind.schema.target(t)
		if j < 0 {
			probs = append(probs, unknown("defaults", "defaults", t))
			continue
		}
		key := kind.schema.cols[j].key
		c.defaults[key] = strings.TrimSpace(v)
		fed[key] = true
	}
	for _, t := range m.SkipEmpty {
		j := kind.schema.target(t)
		if j < 0 {
			probs = append(probs, unknown("skip_empty", "skip_empty", t))
			continue
		}
		c.skipEmpty = append(c.skipEmpty, kind.schema.cols[j].key)
	}
	for _, t := range sortedKeys(m.Values) {
		j := kind.schema.target(t)
		if j < 0 {
			probs = append(probs, unknown("values/"+t, "values", t))
			continue
		}
		if c.values == nil {
			c.values = map[string]map[string]string{}
		}
		key := kind.schema.cols[j].key
		c.values[key] = map[string]string{}
		for from, to := range m.Values[t] {
			c.values[key][mapKey(from)] = strings.TrimSpace(to)
		}
	}
	for _, t := range sortedKeys(m.SkipWhere) {
		j := kind.schema.target(t)
		if j < 0 {
			probs = append(probs, unknown("skip_where/"+t, "skip_where", t))
			continue
		}
		w := skipRule{target: kind.schema.cols[j].key, values: map[string]bool{}}
		for _, v := range m.SkipWhere[t] {
			w.values[mapKey(v)] = true
		}
		c.skipWhere = append(c.skipWhere, w)
	}
	var missing []string
	for _, t := range kind.required {
		if !fed[t] {
			missing = append(missing, t)
		}
	}
	named := len(kind.oneOf) == 0
	for _, t := range kind.oneOf {
		named = named || fed[t]
	}
	if !named {
		missing = append(missing, strings.Join(kind.oneOf, "/"))
	}
	if len(missing) > 0 {
		if kind == dealKind {
			probs = append(probs, m.problem("columns", "mapping.missing_targets", "columns", missing))
		} else {
			probs = append(probs, m.problem("columns", "mapping.missing_targets_of", "columns", missing,
				"entity", cartera.M("entity."+string(kind.schema.entity))))
		}
	}
	for _, label := range ordered(m.Stages, m.stageOrder) {
		target := strings.TrimSpace(m.Stages[label])
		k := mapKey(label)
		var r stageRule
		switch {
		case k == "":
			probs = append(probs, m.problem("stages/"+label, "mapping.empty_header"))
			continue
		case target == "won" || target == "lost":
			r.outcome = cartera.Outcome(target)
		case target == "" || len(target) > 40 || strings.ContainsAny(target, " \t\r\n"):
			probs = append(probs, m.problem("stages/"+label, "mapping.bad_stage_target", "stage", label, "value", target))
			continue
		default:
			r.stage = cartera.Stage(target)
		}
		if _, dup := c.stages[k]; !dup {
			c.stageLabels = append(c.stageLabels, label)
		}
		c.stages[k] = r
	}
	if len(c.stages) == 0 && kind.stages {
		probs = append(probs, m.problem("stages", "mapping.no_stages"))
	}
	for _, v := range ordered(m.Outcomes, nil) {
		o, bad := outcomeEnum.parse(m.Outcomes[v])
		if bad != nil || mapKey(v) == "" {
			probs = append(probs, m.problem("outcomes/"+v, "mapping.bad_outcome", "value", m.Outcomes[v]))
			continue
		}
		c.outcomes[mapKey(v)] = cartera.Outcome(o)
	}
	for _, v := range ordered(m.Categories, nil) {
		var cat string
		if t := strings.TrimSpace(m.Categories[v]); t != "" {
			var bad *cartera.Message
			if cat, bad = categoryEnum.parse(t); bad != nil {
				probs = append(probs, m.problem("categories/"+v, "mapping.bad_category", "value", t))
				continue
			}
		}
		c.categories[mapKey(v)] = cartera.ForecastCategory(cat)
	}
	if strings.TrimSpace(m.DateOrder) == "" {
		m.detectDates = true // nobody said: the file's dates decide, day first by default
	}
	switch strings.ToLower(strings.TrimSpace(m.DateOrder)) {
	case "", "dmy", "d/m/y", "dma":
		c.order = orderDMY
	case "mdy", "m/d/y":
		c.order = orderMDY
	default:
		probs = append(probs, m.problem("date_order", "mapping.bad_date_order", "value", m.DateOrder))
	}
	if strings.TrimSpace(m.Decimal) == "" || strings.EqualFold(strings.TrimSpace(m.Decimal), "auto") {
		c.autoDecimal = true
	} else if mode, ok := ParseDecimalMode(m.Decimal); ok {
		c.decimal = mode
	} else {
		probs = append(probs, m.problem("decimal", "mapping.bad_decimal", "value", m.Decimal))
	}
	switch strings.ToLower(strings.TrimSpace(m.ProbabilityScale)) {
	case "", "percent", "porcentaje":
	case "fraction", "fraccion", "fracción":
		c.fraction = true
	default:
		probs = append(probs, m.problem("probability_scale", "mapping.bad_scale", "value", m.ProbabilityScale))
	}
	if len(m.IDPrefix) > 40 {
		probs = append(probs, m.problem("id_prefix", "value.too_long", "max", 40))
	}
	if len(probs) == 0 {
		m.c = c
	}
	return probs
}

// checkPipeline reports stage targets that are not stages of p.
func (m *Mapping) checkPipeline(p cartera.Pipeline) []Problem {
	var probs []Problem
	if !m.kind().stages {
		return nil
	}
	for _, label := range ordered(m.Stages, m.stageOrder) {
		t := strings.TrimSpace(m.Stages[label])
		if t == "won" || t == "lost" || p.Has(cartera.Stage(t)) {
			continue
		}
		probs = append(probs, m.problem("stages/"+label, "mapping.unknown_stage_target", "stage", label, "value", t,
			"stages", append(p.StageIDs(), "won", "lost")))
	}
	return probs
}

// ordered returns the keys of a map in the order they were written when
// known, then the others sorted.
func ordered(m map[string]string, order []string) []string {
	out := make([]string, 0, len(m))
	seen := map[string]bool{}
	for _, k := range order {
		if _, ok := m[k]; ok && !seen[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// fit matches a header row against the mapping: it returns the layout and,
// when some required target is not fed, the headers that would feed the
// missing ones (the file does not fit then).
func (m *Mapping) fit(header []string) (*layout, []string) {
	c := m.c
	kind := m.kind()
	l := &layout{schema: kind.schema, fields: make([]int, len(header)), mapping: m,
		header: append([]string(nil), header...), order: c.order}
	seen := map[int]bool{}
	for i, cell := range header {
		j, ok := c.cols[c.headerOf(cell)]
		if !ok || seen[j] {
			l.fields[i] = -1
			if strings.TrimSpace(cell) != "" {
				l.unknown = append(l.unknown, cell)
			}
			continue
		}
		l.fields[i] = j
		seen[j] = true
		l.score++
	}
	var missing []string
	for _, t := range kind.required {
		j := kind.schema.index(t)
		if _, def := c.defaults[t]; !seen[j] && !def {
			missing = append(missing, c.display[j])
		}
	}
	named := len(kind.oneOf) == 0
	var names []string
	for _, t := range kind.oneOf {
		j := kind.schema.index(t)
		named = named || seen[j]
		if h, ok := c.display[j]; ok {
			names = append(names, h)
		}
	}
	if !named {
		missing = append(missing, strings.Join(names, " / "))
	}
	return l, missing
}

// stage looks a stage label up.
func (c *compiled) stage(label string) (stageRule, bool) {
	r, ok := c.stages[mapKey(label)]
	return r, ok
}

// outcome reads a status value: the mapping's spellings first, then
// cartera's own (open, ganada…).
func (c *compiled) outcome(s string) (cartera.Outcome, *cartera.Message) {
	if o, ok := c.outcomes[mapKey(s)]; ok {
		return o, nil
	}
	o, bad := outcomeEnum.parse(s)
	return cartera.Outcome(o), bad
}

// category reads a forecast category the same way; a category the
// mapping sends to "" (Salesforce's Closed, Omitted) is none.
func (c *compiled) category(s string) (cartera.ForecastCategory, *cartera.Message) {
	if v, ok := c.categories[mapKey(s)]; ok {
		return v, nil
	}
	v, bad := categoryEnum.parse(s)
	return cartera.ForecastCategory(v), bad
}

// clone copies a mapping deeply enough to extend it.
func (m *Mapping) clone() *Mapping {
	cp := func(in map[string]string) map[string]string {
		out := make(map[string]string, len(in))
		for k, v := range in {
			out[k] = v
		}
		return out
	}
	x := *m
	x.Columns, x.Stages, x.Outcomes, x.Categories = cp(m.Columns), cp(m.Stages), cp(m.Outcomes), cp(m.Categories)
	x.Defaults, x.SkipEmpty = cp(m.Defaults), append([]string(nil), m.SkipEmpty...)
	x.Prefixes = append([]string(nil), m.Prefixes...)
	x.colOrder = append([]string(nil), m.colOrder...)
	x.stageOrder = append([]string(nil), m.stageOrder...)
	x.pos, x.c = nil, nil
	return &x
}

// Compile checks a mapping built in Go (the web app's, say) and prepares
// it for Import and Preview. Loaded and built-in mappings are compiled
// already. Problems are returned as a *ProblemsError.
func (m *Mapping) Compile() error {
	if m.c != nil {
		return nil
	}
	if probs := m.compile(); len(probs) > 0 {
		return &ProblemsError{Problems: probs}
	}
	return nil
}

// lineCol turns a byte offset into a 1-based line and character column.
func lineCol(text []byte, off int64) (int, int) {
	if off > int64(len(text)) {
		off = int64(len(text))
	}
	if off < 0 {
		off = 0
	}
	line, start := 1, 0
	for i := 0; i < int(off); i++ {
		if text[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, len([]rune(string(text[start:off]))) + 1
}
