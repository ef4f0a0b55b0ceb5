package cartera

import (
	"strings"
	"time"
	"unicode"
)

// Limits on user-given text, the same for imports, forms and the API.
const (
	MaxIDLength   = 200
	MaxTextLength = 10000
)

// The Validate methods check one record's own fields — what the API, the
// forms and (after parsing) the importer all require. References to other
// records (the client exists, the currency is the client's, the contact
// belongs to the client) are checked by the store when writing.

func validID(field, id string) error {
	switch {
	case id == "":
		return FieldError(field, "value.required")
	case len(id) > MaxIDLength:
		return FieldError(field, "value.too_long", "max", MaxIDLength)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return FieldError(field, "value.control_chars")
	}
	return nil
}

func validText(field, s string) error {
	if len(s) > MaxTextLength {
		return FieldError(field, "value.too_long", "max", MaxTextLength)
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
	if strings.TrimSpace(c.Name) == "" {
		return FieldError("name", "value.required")
	}
	if !c.Currency.Valid() {
		return FieldError("currency", "value.unknown_currency", "value", string(c.Currency))
	}
	return firstError(validID("id", c.ID), validText("name", c.Name), validText("owner", c.Owner),
		validText("service", c.Service), validText("email", c.Email), validText("phone", c.Phone), validText("notes", c.Notes))
}

// Validate checks a contact.
func (c Contact) Validate() error {
	if strings.TrimSpace(c.Name) == "" {
		return FieldError("name", "value.required")
	}
	if c.Seniority < SeniorityStaff || c.Seniority > SeniorityExecutive {
		return FieldError("seniority", "value.bad_seniority", "value", itoa(int(c.Seniority)))
	}
	return firstError(validID("id", c.ID), validID("client_id", c.ClientID), validText("name", c.Name),
		validText("role", c.Role), validText("email", c.Email), validText("phone", c.Phone))
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
	return firstError(validID("id", v.ID), validID("client_id", v.ClientID), validText("number", v.Number))
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
	case e.Hours > 24*100*366:
		return FieldError("hours", "value.too_large", "value", e.Hours.String())
	}
	return firstError(validID("id", e.ID), validID("client_id", e.ClientID), validText("note", e.Note))
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
	return firstError(validID("id", c.ID), validID("client_id", c.ClientID), validText("note", c.Note))
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
	return firstError(validID("id", i.ID), validID("client_id", i.ClientID), validText("note", i.Note))
}

func itoa(n int) string { return FormatDecimal(int64(n), 0, '.') }
