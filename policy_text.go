package cartera

import (
	"strconv"
	"strings"
	"time"
)

// PolicyKeys lists the settable keys of a policy in display order. Kind
// weights are set as weight.<kind> (for example weight.yelling).
var PolicyKeys = []string{
	"max_discount", "max_free_hours_per_month", "max_days_late", "grace_days", "off_limits", "min_margin",
	"max_severity", "hourly_cost", "currency", "window_months", "late_share_warn", "late_share_high",
	"overdue_high", "half_life_days", "escalation_days", "escalation_factor", "relational_medium",
	"relational_high", "time_zone", "contact_kinds", "abuse_severity", "abuse_repeat", "abuse_window_days",
	"watch_notes", "watch_repeat", "slower_days", "slower_min_invoices", "align_overrides",
}

// Set changes one policy value from text, as typed at the command line or
// in a form: percentages as "15" or "15 %", hours as "4,5", amounts as
// "35,00 €", "€35.00" or "EUR 35,00", protected hours as "lun-vie 21:00-08:00, sáb-dom". Both
// decimal comma and point are accepted. The caller validates the whole
// policy afterwards.
func (p *Policy) Set(key, value string) error {
	key = strings.ToLower(strings.TrimSpace(key))
	value = strings.TrimSpace(value)
	num := func(exp int) (int64, error) {
		v, err := ParseDecimal(strings.TrimSpace(strings.TrimSuffix(value, "%")), exp, DecimalAutoComma)
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Field = key
			}
		}
		return v, err
	}
	integer := func(dst *int) error {
		n, err := strconv.Atoi(value)
		if err != nil {
			return FieldError(key, "value.not_integer", "value", value)
		}
		*dst = n
		return nil
	}
	percent := func(dst *BasisPoints) error {
		v, err := num(2)
		*dst = BasisPoints(v)
		return err
	}
	float := func(dst *float64) error {
		v, err := num(2)
		*dst = float64(v) / 100
		return err
	}
	if line, ok := strings.CutPrefix(key, "half_life."); ok {
		known := false
		for _, l := range BreachLines {
			known = known || l == line
		}
		if !known {
			return FieldError(key, "policy.unknown_line", "value", line)
		}
		n, err := strconv.Atoi(value)
		if err != nil {
			return FieldError(key, "value.not_integer", "value", value)
		}
		m := map[string]int{}
		for l, d := range p.BreachHalfLife {
			m[l] = d
		}
		m[line] = n
		p.BreachHalfLife = m
		return nil
	}
	if k, ok := strings.CutPrefix(key, "weight."); ok {
		kind := IncidentKind(k)
		if !kind.Valid() {
			return FieldError(key, "policy.unknown_kind", "value", k)
		}
		n, err := strconv.Atoi(value)
		if err != nil {
			return FieldError(key, "value.not_integer", "value", value)
		}
		if p.KindWeights == nil {
			p.KindWeights = map[IncidentKind]int{}
		}
		p.KindWeights[kind] = n
		return nil
	}
	switch key {
	case "max_discount":
		return percent(&p.MaxDiscount)
	case "max_free_hours_per_month":
		v, err := num(2)
		p.MaxFreeHoursPerMonth = Hours(v)
		return err
	case "max_days_late":
		return integer(&p.MaxDaysLate)
	case "grace_days":
		return integer(&p.GraceDays)
	case "off_limits":
		slots, err := ParseSlots(value)
		if err != nil {
			return err
		}
		p.OffLimits = slots
		return nil
	case "min_margin":
		return percent(&p.MinMargin)
	case "max_severity":
		return integer(&p.MaxSeverity)
	case "hourly_cost":
		return p.setHourlyCost(value)
	case "currency":
		c, err := ParseCurrency(value)
		if err != nil {
			return FieldError(key, "value.unknown_currency", "value", value)
		}
		p.Currency = c
		return nil
	case "window_months":
		return integer(&p.WindowMonths)
	case "late_share_warn":
		return percent(&p.LateShareWarn)
	case "late_share_high":
		return percent(&p.LateShareHigh)
	case "overdue_high":
		return percent(&p.OverdueHigh)
	case "contact_kinds":
		var kinds []IncidentKind
		for _, f := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			k := IncidentKind(strings.ToLower(f))
			if !k.Valid() {
				return FieldError(key, "policy.unknown_kind", "value", f)
			}
			kinds = append(kinds, k)
		}
		p.ContactKinds = kinds
		return nil
	case "abuse_severity":
		return integer(&p.AbuseSeverity)
	case "abuse_repeat":
		return integer(&p.AbuseRepeat)
	case "abuse_window_days":
		return integer(&p.AbuseWindowDays)
	case "watch_notes":
		return integer(&p.WatchNotes)
	case "watch_repeat":
		return integer(&p.WatchRepeat)
	case "slower_days":
		return integer(&p.SlowerDays)
	case "slower_min_invoices":
		return integer(&p.SlowerMinInvoices)
	case "align_overrides":
		return integer(&p.AlignOverrides)
	case "half_life_days":
		return integer(&p.HalfLifeDays)
	case "escalation_days":
		return integer(&p.EscalationDays)
	case "escalation_factor":
		return float(&p.EscalationFactor)
	case "relational_medium":
		return float(&p.RelationalMedium)
	case "relational_high":
		return float(&p.RelationalHigh)
	case "time_zone":
		if _, err := time.LoadLocation(value); err != nil || value == "" {
			return FieldError(key, "policy.time_zone", "value", value)
		}
		p.TimeZone = value
		return nil
	}
	return FieldError(key, "policy.unknown_key", "value", key)
}

// setHourlyCost sets the cost in one currency: "EUR 35", "35,50 EUR", or a
// bare amount in the policy's currency.
func (p *Policy) setHourlyCost(value string) error {
	cur := p.Currency
	amount := value
	for _, f := range strings.Fields(value) {
		if c, err := ParseCurrency(f); err == nil {
			cur = c
			amount = strings.TrimSpace(strings.Replace(value, f, "", 1))
		}
	}
	// The pages write amounts as people read them ("35,00 €", "€35.00"):
	// the symbol names the currency too.
	for _, sy := range []struct {
		sym string
		cur Currency
	}{{"US$", "USD"}, {"€", "EUR"}, {"£", "GBP"}, {"$", "USD"}, {"¥", "JPY"}} {
		if strings.Contains(amount, sy.sym) {
			cur, amount = sy.cur, strings.TrimSpace(strings.Replace(amount, sy.sym, "", 1))
			break
		}
	}
	v, err := ParseDecimal(amount, cur.Exponent(), DecimalAutoComma)
	if err != nil || v < 0 {
		return FieldError("hourly_cost", "policy.hourly_cost")
	}
	for i, m := range p.HourlyCost {
		if m.Currency == cur {
			p.HourlyCost[i].Amount = v
			return nil
		}
	}
	p.HourlyCost = append(p.HourlyCost, Money{v, cur})
	return nil
}

var dayNames = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
	"lun": time.Monday, "mar": time.Tuesday, "mie": time.Wednesday, "jue": time.Thursday,
	"vie": time.Friday, "sab": time.Saturday, "dom": time.Sunday,
}

// ParseSlots reads protected hours: slots separated by commas or
// semicolons, each a day or day range in Spanish or English and an
// optional time range ("lun-vie 21:00-08:00, sáb-dom", "sun 18:00-24:00").
// A slot without times covers the whole day. "none" or "ninguno" clears.
func ParseSlots(s string) ([]TimeSlot, error) {
	bad := FieldError("off_limits", "policy.off_limits")
	s = strings.TrimSpace(s)
	if f := Fold(s); f == "none" || f == "ninguno" || f == "ninguna" || f == "" {
		return []TimeSlot{}, nil
	}
	var out []TimeSlot
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		fields := strings.Fields(part)
		if len(fields) == 0 || len(fields) > 2 {
			return nil, bad
		}
		days, ok := parseDays(fields[0])
		if !ok {
			return nil, bad
		}
		slot := TimeSlot{Days: days, From: 0, To: 24 * 60}
		if len(fields) == 2 {
			from, to, ok := strings.Cut(fields[1], "-")
			f, ok1 := ParseClock(from)
			t, ok2 := ParseClock(to)
			if !ok || !ok1 || !ok2 || f == t {
				return nil, bad
			}
			slot.From, slot.To = f, t
		}
		out = append(out, slot)
	}
	return out, nil
}

func parseDays(s string) ([]time.Weekday, bool) {
	day := func(x string) (time.Weekday, bool) {
		x = Fold(x)
		if len(x) > 3 {
			x = x[:3]
		}
		d, ok := dayNames[x]
		return d, ok
	}
	from, to, isRange := strings.Cut(s, "-")
	a, ok := day(from)
	if !ok {
		return nil, false
	}
	if !isRange {
		return []time.Weekday{a}, true
	}
	b, ok := day(to)
	if !ok {
		return nil, false
	}
	var out []time.Weekday
	// Weeks start on Monday: "vie-lun" wraps over the weekend.
	for d := a; ; d = (d + 1) % 7 {
		out = append(out, d)
		if d == b {
			break
		}
	}
	return out, true
}
