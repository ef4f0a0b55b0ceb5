package csvio

import (
	"errors"
	"strings"
	"unicode"

	"github.com/cartera/cartera"
)

// The field checks of one row: ids, text, dates, clients, currencies,
// money and enums, each failure a Problem at the value's column.

// checker validates one record.
type checker struct {
	v   *validator
	f   *opened
	rec *record
	s   *schema
	// m is the mapping reading the file, nil for cartera's own files.
	m *compiled
	// from says, in a mapped file, which column a deal field came from
	// when it is not the field's own ("closed" from "close_date"), so
	// that a problem points at the column the user can fix.
	from map[string]string
	bad  bool
}

func newChecker(v *validator, f *opened, rec *record) *checker {
	c := &checker{v: v, f: f, rec: rec, s: f.lay.schema}
	if f.lay.mapping != nil {
		c.m = f.lay.mapping.c
	}
	return c
}

// note records that a deal field came from another column of the file.
func (c *checker) note(field, col string) {
	if c.from == nil {
		c.from = map[string]string{}
	}
	c.from[field] = col
}

func (c *checker) fail(col string, m *cartera.Message) {
	c.bad = true
	if src, ok := c.from[col]; ok {
		col = src
	}
	j := c.s.index(col)
	column := 1
	if j >= 0 && c.rec.cols[j] > 0 {
		column = c.rec.cols[j]
	}
	name := col
	switch {
	case j >= 0 && c.m != nil && c.rec.cols[j] > 0 && column <= len(c.f.lay.header):
		name = strings.TrimSpace(c.f.lay.header[column-1]) // the file's own name for it
	case j >= 0:
		name = c.s.cols[j].es
	}
	c.v.probs.add(Problem{File: c.f.src.Name, Line: c.rec.line, Column: column,
		Msg: cartera.M("import.bad_value", "column", name, "problem", *m)})
}

func (c *checker) val(col string) string {
	if j := c.s.index(col); j >= 0 && c.rec.vals[j] != "" {
		if c.m != nil && c.m.values[col] != nil {
			// The export's own word for a value ("Meeting" for meeting_held).
			if v, ok := c.m.values[col][mapKey(c.rec.vals[j])]; ok {
				return v
			}
		}
		return c.rec.vals[j]
	}
	if c.m != nil {
		// A mapping may give a column a default, for empty cells and for
		// files without the column.
		if d, ok := c.m.defaults[col]; ok {
			return d
		}
	}
	return ""
}

// skipped returns the target whose empty value makes the mapping skip this
// row, or "".
func (c *checker) skipped() string {
	if c.m == nil {
		return ""
	}
	for _, t := range c.m.skipEmpty {
		if j := c.s.index(t); j < 0 || strings.TrimSpace(c.rec.vals[j]) == "" {
			return t
		}
	}
	return ""
}

// filtered returns the condition ("stage = Test") of the mapping's
// skip_where that leaves this row out, or "".
func (c *checker) filtered() string {
	if c.m == nil {
		return ""
	}
	for _, w := range c.m.skipWhere {
		if v := strings.TrimSpace(c.val(w.target)); w.values[mapKey(v)] {
			return w.target + " = " + v
		}
	}
	return ""
}

// maxText caps free-text fields; maxID caps identifiers.
const (
	maxText = 10000
	maxID   = 200
)

func (c *checker) id() string {
	id := c.val("id")
	if c.m != nil && id != "" && c.s.entity != cartera.EntityDeals {
		id = c.f.lay.mapping.IDPrefix + id // deals add theirs when checked
	}
	switch {
	case id == "":
		c.fail("id", problem("value.required"))
		return ""
	case len(id) > maxID:
		c.fail("id", problem("value.too_long", "max", maxID))
		return ""
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		c.fail("id", problem("value.control_chars"))
		return ""
	}
	return id
}

func (c *checker) text(col string, required bool) string {
	s := c.val(col)
	if required && s == "" {
		c.fail(col, problem("value.required"))
	}
	if len(s) > maxText {
		c.fail(col, problem("value.too_long", "max", maxText))
	}
	return s
}

// date reads a date column: as cartera's own files write dates, or, in a
// mapped file, as the export does (with times, in its date order).
func (c *checker) date(col string, required bool) cartera.Date {
	s := c.val(col)
	if s == "" {
		if required {
			c.fail(col, problem("value.required"))
		}
		return 0
	}
	var d cartera.Date
	var bad *cartera.Message
	if c.m != nil {
		// A mapped export writes dates its own way (3/15/2026, with a time).
		d, bad = parseMappedDate(s, c.f.lay.order, c.v.o.Location)
	} else {
		d, bad = parseDate(s)
	}
	if bad != nil {
		c.fail(col, bad)
	}
	return d
}

// client checks a client reference and returns its currency.
func (c *checker) client() (string, cartera.Currency) {
	id := c.val("client_id")
	if id == "" {
		c.fail("client_id", problem("value.required"))
		return "", ""
	}
	cur, ok := c.v.clients[id]
	if !ok {
		c.fail("client_id", problem("value.unknown_client", "value", id))
	}
	return id, cur
}

// currency checks an optional currency column against the client's.
func (c *checker) currency(clientCur cartera.Currency) cartera.Currency {
	s := c.val("currency")
	if s == "" {
		return clientCur
	}
	cur, err := cartera.ParseCurrency(s)
	if err != nil {
		c.fail("currency", problem("value.unknown_currency", "value", s))
		return clientCur
	}
	if clientCur != "" && cur != clientCur {
		c.fail("currency", problem("value.currency_mismatch", "value", string(cur), "client", string(clientCur)))
	}
	return cur
}

func (c *checker) money(col string, cur cartera.Currency, required bool) cartera.Money {
	s := c.val(col)
	if s == "" {
		if required {
			c.fail(col, problem("value.required"))
		}
		return cartera.Money{Currency: cur}
	}
	if cur == "" {
		return cartera.Money{} // the client is unknown: already reported
	}
	n, bad := parseScaled(s, cur.Exponent(), c.mode())
	if bad != nil {
		c.fail(col, bad)
	}
	return cartera.Money{Amount: n, Currency: cur}
}

// mode is the decimal mode of this file: explicit, or guessed from its
// separator (semicolon files come from Spanish-locale spreadsheets).
func (c *checker) mode() decimalMode {
	if c.v.o.Decimal != decimalAutoPoint {
		return c.v.o.Decimal
	}
	if c.m != nil && !c.m.autoDecimal {
		return c.m.decimal
	}
	if cr, ok := c.f.rows.(*csvRows); ok && cr.r.Comma == ';' {
		return decimalAutoComma
	}
	return decimalAutoPoint
}

// today is the current day where the user is.
func (c *checker) today() cartera.Date { return cartera.DateFromTime(c.v.o.Now.In(c.v.o.Location)) }

// check reports a record's own validation error (the rules the API and the
// forms share), unless parsing already found a problem in the row.
func (c *checker) check(err error) {
	if err == nil || c.bad {
		return
	}
	var e *cartera.Error
	if errors.As(err, &e) {
		c.fail(e.Field, &e.Msg)
		return
	}
	c.fail("id", problem("error.internal"))
}

// appendTo validates the record as its entity and appends it to the batch.
func (c *checker) appendTo(b *batch, id string) bool {
	switch rows := b.rows.(type) {
	case []cartera.Client:
		x := cartera.Client{ID: id, Name: c.text("name", true), Owner: c.text("owner", false),
			Service: c.text("service", false), Email: c.text("email", false), Phone: c.text("phone", false),
			Notes: c.text("notes", false), Since: c.date("since", false)}
		var bad *cartera.Message
		if x.FamilyFriend, bad = parseBool(c.val("family_friend")); bad != nil {
			c.fail("family_friend", bad)
		}
		x.Currency = c.v.o.Currency
		if s := c.val("currency"); s != "" {
			cur, err := cartera.ParseCurrency(s)
			if err != nil {
				c.fail("currency", problem("value.unknown_currency", "value", s))
			}
			x.Currency = cur
		}
		c.check(x.Validate())
		if old, ok := c.v.clients[id]; ok && old != x.Currency && !c.bad {
			c.fail("currency", problem("value.currency_change", "value", string(x.Currency), "old", string(old)))
		}
		if c.bad {
			return false
		}
		id = strings.Clone(id) // a field shares its whole line's memory
		c.v.clients[id] = x.Currency
		if c.v.names != nil {
			c.v.names.add(strings.Clone(x.Name), id)
		}
		b.rows = append(rows, x)
		c.observe(x)
	case []cartera.Contact:
		client, _ := c.client()
		x := cartera.Contact{ID: id, ClientID: client, Name: c.text("name", true), Role: c.text("role", false),
			Email: c.text("email", false), Phone: c.text("phone", false)}
		var bad *cartera.Message
		if x.Seniority, bad = parseSeniority(c.val("seniority")); bad != nil {
			c.fail("seniority", bad)
		}
		c.check(x.Validate())
		if c.bad {
			return false
		}
		c.v.contacts[strings.Clone(id)] = strings.Clone(client)
		b.rows = append(rows, x)
		c.observe(x)
	case []cartera.Invoice:
		client, cur := c.client()
		cur = c.currency(cur)
		x := cartera.Invoice{ID: id, ClientID: client, Number: c.text("number", false),
			Issued: c.date("issued", true), Due: c.date("due", true), Paid: c.date("paid", false)}
		x.Amount = c.money("amount", cur, true)
		c.check(x.Validate(c.today()))
		if c.bad {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.TimeEntry:
		client, _ := c.client()
		x := cartera.TimeEntry{ID: id, ClientID: client, Day: c.date("date", true), Note: c.text("note", false), Billable: true}
		var bad *cartera.Message
		if s := c.val("hours"); s == "" {
			c.fail("hours", problem("value.required"))
		} else if x.Hours, bad = parseHours(s, c.mode()); bad != nil {
			c.fail("hours", bad)
		}
		if s := c.val("billable"); s != "" {
			if x.Billable, bad = parseBool(s); bad != nil {
				c.fail("billable", bad)
			}
		}
		c.check(x.Validate(c.today()))
		if c.bad {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.Concession:
		client, cur := c.client()
		cur = c.currency(cur)
		x := cartera.Concession{ID: id, ClientID: client, Day: c.date("date", true), Note: c.text("note", false)}
		var bad *cartera.Message
		if x.Kind, bad = parseConcessionKind(c.val("kind")); bad != nil {
			c.fail("kind", bad)
		}
		x.Amount = c.money("amount", cur, false)
		if s := c.val("hours"); s != "" {
			if x.Hours, bad = parseHours(s, c.mode()); bad != nil {
				c.fail("hours", bad)
			}
		}
		if s := c.val("percent"); s != "" {
			if x.Percent, bad = parsePercent(s, c.mode()); bad != nil {
				c.fail("percent", bad)
			}
		}
		if x.Amount.Currency == "" {
			x.Amount.Currency = cur
		}
		c.check(x.Validate(c.today()))
		if c.bad {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.Incident:
		client, _ := c.client()
		x := cartera.Incident{ID: id, ClientID: client, ContactID: c.val("contact_id"), Note: c.text("note", false)}
		var bad *cartera.Message
		if s := c.val("at"); s == "" {
			c.fail("at", problem("value.required"))
		} else if x.At, bad = parseDateTime(s, c.v.o.Location); bad != nil {
			c.fail("at", bad)
		}
		if s := c.val("kind"); s == "" {
			c.fail("kind", problem("value.required"))
		} else if x.Kind, bad = parseKind(s); bad != nil {
			c.fail("kind", bad)
		}
		if s := c.val("severity"); s == "" {
			c.fail("severity", problem("value.required"))
		} else if x.Severity, bad = parseSeverity(s); bad != nil {
			c.fail("severity", bad)
		}
		c.check(x.Validate(c.v.o.Now))
		if x.ContactID != "" {
			owner, ok := c.v.contacts[x.ContactID]
			switch {
			case !ok:
				c.fail("contact_id", problem("value.unknown_contact", "value", x.ContactID))
			case client != "" && owner != client:
				c.fail("contact_id", problem("value.contact_other_client", "value", x.ContactID, "client", owner))
			}
		}
		if c.bad {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.Deal:
		x, ok := c.deal(id)
		if !ok {
			return false
		}
		b.rows = append(rows, x)
		c.observe(x)
	case []cartera.Signal:
		x, ok := c.signal(id)
		if !ok {
			return false
		}
		b.rows = append(rows, x)
	case []cartera.StageMove:
		x, ok := c.stageMove()
		if !ok {
			return false
		}
		b.rows = append(rows, x)
	}
	return true
}

// idAndAppend reads the record's id and appends the record to the batch.
func (c *checker) idAndAppend(b *batch) bool {
	id := c.id()
	return id != "" && c.appendTo(b, id)
}

// observe tells Options.Observe of a valid record.
func (c *checker) observe(x any) {
	if c.v.o.Observe != nil {
		c.v.o.Observe(x)
	}
}

// enum reads an optional closed-set column.
func (c *checker) enum(col string, e enum) string {
	s := c.val(col)
	if s == "" {
		return ""
	}
	v, bad := e.parse(s)
	if bad != nil {
		c.fail(col, bad)
	}
	return v
}

// columnName is how a problem names a column of the file.
func (c *checker) columnName(col string) string {
	j := c.s.index(col)
	if j >= 0 && c.rec.cols[j] > 0 && c.rec.cols[j] <= len(c.f.lay.header) {
		return strings.TrimSpace(c.f.lay.header[c.rec.cols[j]-1])
	}
	return col
}
