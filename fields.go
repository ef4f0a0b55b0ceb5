package cartera

import (
	"strings"
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

func itoa(n int) string { return FormatDecimal(int64(n), 0, '.') }
