package cartera

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on user-given text, the same for imports, forms and the API.
const (
	MaxIDLength   = 200
	MaxTextLength = 10000
)

// Bounds on numbers, the same for imports, forms and the API. They are
// chosen so that no sum cartera takes can overflow an int64 at the scale it
// is built for (100,000 clients, ten years, ten million events), whatever
// the records hold (docs/security.md, "Bounds"):
//
//   - MaxAmount caps one amount, in minor units: 10^11, which is
//     1.000.000.000,00 in a currency with cents. Ten million amounts at the
//     cap add up to 10^18, under 2^63 ≈ 9.2 × 10^18 with ninefold room.
//   - MaxHours caps the hours of one record (a time entry, free hours): a
//     year of whole days, in hundredths.
const (
	MaxAmount int64 = 100_000_000_000
	MaxHours  Hours = 24 * 100 * 366
)

// The Validate methods check one record's own fields — what the API, the
// forms and (after parsing) the importer all require. References to other
// records (the client exists, the currency is the client's, the contact
// belongs to the client) are checked by the store when writing.
//
// Text is checked where it enters (callers normalise it to NFC first):
// valid UTF-8, no control characters (tabs and line breaks only in
// free-text notes), no bidirectional overrides or isolates (they make a
// list row read backwards), and names that show at least one visible
// character. An id is a code: letters and digits (any script), with
// '-', '_', '.', ':', '@' and '+' after the first (IDAlphabet).

// IDAlphabet describes the characters an id may hold, for messages and docs.
const IDAlphabet = "letters, digits and - _ . : @ + (starting with a letter or digit)"

// validID checks a record's own id: required, not too long, and in the
// safe alphabet, so that it fits in a path segment, a file and a command
// line as it is.
func validID(field, id string) error {
	if err := validRef(field, id); err != nil {
		return err
	}
	for i, r := range id {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case i > 0 && strings.ContainsRune("-_.:@+", r):
		default:
			return FieldError(field, "value.bad_id", "value", id)
		}
	}
	return nil
}

// validRef checks an id that names another record: required, not too
// long, clean text. It is looser than validID so that records imported
// before the alphabet was enforced can still be referred to; the store
// checks that the record exists.
func validRef(field, id string) error {
	switch {
	case id == "":
		return FieldError(field, "value.required")
	case len(id) > MaxIDLength:
		return FieldError(field, "value.too_long", "max", MaxIDLength)
	}
	return validLine(field, id)
}

// validLine checks one line of text: valid UTF-8, not too long, no control
// or direction-override characters.
func validLine(field, s string) error { return checkText(field, s, false) }

// validText checks a free-text note, which may hold tabs and line breaks.
func validText(field, s string) error { return checkText(field, s, true) }

func checkText(field, s string, multiline bool) error {
	if len(s) > MaxTextLength {
		return FieldError(field, "value.too_long", "max", MaxTextLength)
	}
	if !utf8.ValidString(s) {
		return FieldError(field, "value.bad_utf8")
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t' || r == '\r'):
		case unicode.IsControl(r):
			return FieldError(field, "value.control_chars")
		case bidiControl(r):
			return FieldError(field, "value.bidi_chars")
		}
	}
	return nil
}

// bidiControl reports the characters that change the direction text is
// shown in: embeddings, overrides, isolates and the invisible marks.
func bidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') ||
		r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// validName checks a name that must be there and be seen: one line with
// at least one letter, digit, punctuation mark or symbol (spaces,
// zero-width and other invisible characters alone are no name).
func validName(field, s string) error {
	if err := validLine(field, s); err != nil {
		return err
	}
	if !Visible(s) {
		return FieldError(field, "value.required")
	}
	return nil
}

// Visible reports whether s shows anything: a letter, digit, punctuation
// mark or symbol.
func Visible(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return true
		}
	}
	return false
}

// validAmount checks an amount against MaxAmount, either way.
func validAmount(field string, m Money) error {
	if m.Amount > MaxAmount || m.Amount < -MaxAmount {
		return FieldError(field, "value.amount_range", "max", Money{Amount: MaxAmount, Currency: m.Currency})
	}
	return nil
}

// validHours checks hours against MaxHours (negative hours are refused by
// each record's own rule).
func validHours(field string, h Hours) error {
	if h > MaxHours || h < -MaxHours {
		return FieldError(field, "value.too_large", "value", h.String())
	}
	return nil
}

func firstError(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Validate checks a client.
func (c Client) Validate() error {
	if err := validName("name", c.Name); err != nil {
		return err
	}
	if !c.Currency.Valid() {
		return FieldError("currency", "value.unknown_currency", "value", string(c.Currency))
	}
	return firstError(validID("id", c.ID), validLine("owner", c.Owner),
		validLine("service", c.Service), validLine("email", c.Email), validLine("phone", c.Phone), validText("notes", c.Notes))
}

// Validate checks a contact.
func (c Contact) Validate() error {
	if err := validName("name", c.Name); err != nil {
		return err
	}
	if c.Seniority < SeniorityStaff || c.Seniority > SeniorityExecutive {
		return FieldError("seniority", "value.bad_seniority", "value", itoa(int(c.Seniority)))
	}
	return firstError(validID("id", c.ID), validRef("client_id", c.ClientID),
		validLine("role", c.Role), validLine("email", c.Email), validLine("phone", c.Phone))
}

// Validate checks an invoice; now is the current day (no payment in the
// future).
func (v Invoice) Validate(today Date) error {
	switch {
	case v.Issued.IsZero():
		return FieldError("issued", "value.required")
	case v.Due.IsZero():
		return FieldError("due", "value.required")
	case v.Due < v.Issued:
		return FieldError("due", "value.due_before_issued", "due", v.Due, "issued", v.Issued)
	case !v.Paid.IsZero() && v.Paid > today:
		return FieldError("paid", "value.future_date", "value", v.Paid)
	case !v.Amount.Currency.Valid():
		return FieldError("currency", "value.unknown_currency", "value", string(v.Amount.Currency))
	}
	return firstError(validAmount("amount", v.Amount), validID("id", v.ID), validRef("client_id", v.ClientID),
		validLine("number", v.Number))
}

// Validate checks a time entry.
func (e TimeEntry) Validate(today Date) error {
	switch {
	case e.Day.IsZero():
		return FieldError("date", "value.required")
	case e.Day > today:
		return FieldError("date", "value.future_date", "value", e.Day)
	case e.Hours < 0:
		return FieldError("hours", "value.negative_hours", "value", e.Hours.String())
	}
	return firstError(validHours("hours", e.Hours), validID("id", e.ID), validRef("client_id", e.ClientID),
		validText("note", e.Note))
}

// Validate checks a concession.
func (c Concession) Validate(today Date) error {
	switch {
	case c.Day.IsZero():
		return FieldError("date", "value.required")
	case c.Day > today:
		return FieldError("date", "value.future_date", "value", c.Day)
	case c.Kind != ConcessionDiscount && c.Kind != ConcessionFreeHours:
		return FieldError("kind", "value.unknown_concession", "value", string(c.Kind))
	case c.Amount.Amount < 0:
		return FieldError("amount", "value.negative")
	case c.Hours < 0:
		return FieldError("hours", "value.negative_hours", "value", c.Hours.String())
	case c.Percent < 0 || c.Percent > 10000:
		return FieldError("percent", "value.percent_range", "value", c.Percent.String())
	case c.Kind == ConcessionDiscount && c.Amount.Amount == 0 && c.Percent == 0:
		return FieldError("amount", "value.discount_empty")
	case c.Kind == ConcessionFreeHours && c.Hours == 0:
		return FieldError("hours", "value.free_hours_empty")
	case !c.Amount.Currency.Valid():
		return FieldError("currency", "value.unknown_currency", "value", string(c.Amount.Currency))
	}
	return firstError(validAmount("amount", c.Amount), validHours("hours", c.Hours), validID("id", c.ID),
		validRef("client_id", c.ClientID), validText("note", c.Note))
}

// Validate checks an incident; now is the current instant (no incident in
// the future, with five minutes of tolerance for clocks).
func (i Incident) Validate(now time.Time) error {
	switch {
	case i.At.IsZero():
		return FieldError("at", "value.required")
	case i.At.After(now.Add(5 * time.Minute)):
		return FieldError("at", "value.future_time", "value", i.At)
	case !i.Kind.Valid():
		return FieldError("kind", "value.unknown_kind", "value", string(i.Kind))
	case i.Severity < MinSeverity || i.Severity > MaxSeverity:
		return FieldError("severity", "value.severity_range", "value", i.Severity, "min", MinSeverity, "max", MaxSeverity)
	}
	return firstError(validID("id", i.ID), validRef("client_id", i.ClientID), validLine("contact_id", i.ContactID),
		validText("note", i.Note))
}

func itoa(n int) string { return FormatDecimal(int64(n), 0, '.') }
