package i18n

import (
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// separators returns the grouping and decimal separators of the language:
// 1.234,56 in Spanish, 1,234.56 in English. Spanish groups four-digit
// numbers too, as accounting software and Excel in Spain do.
func (p *Printer) separators() (group, point byte) {
	if p.Lang == EN {
		return ',', '.'
	}
	return '.', ','
}

// Int formats an integer with grouping: 12.345 / 12,345.
func (p *Printer) Int(n int64) string { return p.Decimal(n, 0) }

// Decimal formats v, a number scaled by 10^exp, with exp decimals.
func (p *Printer) Decimal(v int64, exp int) string {
	group, point := p.separators()
	s := cartera.FormatDecimal(v, exp, point)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, string(point))
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(group)
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte(point)
		b.WriteString(frac)
	}
	return b.String()
}

// trimmed formats v/10^exp dropping trailing zero decimals: 12,5 rather than
// 12,50, and 12 rather than 12,00.
func (p *Printer) trimmed(v int64, exp int) string {
	s := p.Decimal(v, exp)
	_, point := p.separators()
	if exp > 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, string(point))
	}
	return s
}

var symbols = map[cartera.Currency]string{"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥"}

// Money formats an amount with its currency: 1.234,56 € / €1,234.56.
// Currencies without a well-known symbol show their code.
func (p *Printer) Money(m cartera.Money) string {
	return p.withSymbol(p.Decimal(m.Amount, m.Currency.Exponent()), m.Currency)
}

// MoneyShort formats an amount in whole units, compacting large ones for
// tight columns: 950 €, 12 k€, 1,2 M€ / €950, €12k, €1.2M.
func (p *Printer) MoneyShort(m cartera.Money) string {
	whole := m.Amount
	for i := 0; i < m.Currency.Exponent(); i++ {
		whole = cartera.MulDivRound(whole, 1, 10)
	}
	abs := whole
	if abs < 0 {
		abs = -abs
	}
	var num, unit string
	switch {
	case abs >= 1_000_000:
		num, unit = p.trimmed(cartera.MulDivRound(whole, 10, 1_000_000), 1), "M"
	case abs >= 10_000:
		num, unit = p.Int(cartera.MulDivRound(whole, 1, 1000)), "k"
	default:
		return p.withSymbol(p.Int(whole), m.Currency)
	}
	sym, ok := symbols[m.Currency]
	if !ok {
		sym = string(m.Currency)
	}
	if p.Lang == EN {
		if ok {
			if strings.HasPrefix(num, "-") {
				return "-" + sym + num[1:] + unit
			}
			return sym + num + unit
		}
		return num + unit + nbsp + sym
	}
	if m.Currency == "USD" {
		sym = "US$"
	}
	return num + nbsp + unit + sym
}

// MoneyWhole formats an amount rounded to whole units, without
// compacting: 283.832 € / €283,832. It is the form of sums of
// probabilities (a forecast has no cents) and of money columns in tables,
// where every row must read the same way (docs/design.md).
func (p *Printer) MoneyWhole(m cartera.Money) string {
	whole := m.Amount
	for i := 0; i < m.Currency.Exponent(); i++ {
		whole = cartera.MulDivRound(whole, 1, 10)
	}
	return p.withSymbol(p.Int(whole), m.Currency)
}

// Points formats a difference of two percentages as percentage points,
// signed, with at most one decimal: +12,5 puntos / +12.5 points.
func (p *Printer) Points(b cartera.BasisPoints) string {
	s := p.trimmed(cartera.MulDivRound(int64(b), 1, 10), 1)
	if b > 0 {
		s = "+" + s
	}
	return p.T("unit.points", "n", s)
}

// withSymbol places the currency symbol as the language does: after the
// number with a space in Spanish, before it in English.
func (p *Printer) withSymbol(num string, c cartera.Currency) string {
	sign := ""
	if strings.HasPrefix(num, "-") {
		sign, num = "-", num[1:]
	}
	sym, ok := symbols[c]
	if p.Lang == EN {
		if ok {
			return sign + sym + num
		}
		return sign + string(c) + nbsp + num
	}
	if c == "USD" {
		sym = "US$"
	} else if !ok {
		sym = string(c)
	}
	return sign + num + nbsp + sym
}

// Percent formats basis points as a percentage with at most one decimal:
// 15 %, 33,5 % / 15%, 33.5%.
func (p *Printer) Percent(b cartera.BasisPoints) string {
	s := p.trimmed(cartera.MulDivRound(int64(b), 1, 10), 1)
	if p.Lang == EN {
		return s + "%"
	}
	return s + nbsp + "%"
}

// Hours formats a duration of work: 12,5 h / 12.5 h.
func (p *Printer) Hours(h cartera.Hours) string { return p.trimmed(int64(h), 2) + nbsp + "h" }

// nbsp keeps a number and its unit on the same line.
const nbsp = "\u00a0"

var monthsES = [...]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}
var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Date formats a day: 25 nov 2026 / Nov 25, 2026.
func (p *Printer) Date(d cartera.Date) string {
	if d.IsZero() {
		return "—"
	}
	y, m, dd := d.YMD()
	if p.Lang == EN {
		return monthsEN[m-1] + " " + itoa(dd) + ", " + itoa(y)
	}
	return itoa(dd) + " " + monthsES[m-1] + " " + itoa(y)
}

// Month formats a month: nov 2026 / Nov 2026.
func (p *Printer) Month(d cartera.Date) string {
	y, m, _ := d.YMD()
	if p.Lang == EN {
		return monthsEN[m-1] + " " + itoa(y)
	}
	return monthsES[m-1] + " " + itoa(y)
}

// DateTime formats an instant in the printer's zone: 25 nov 2026, 21:30.
func (p *Printer) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	l := t.In(p.Loc)
	return p.Date(cartera.DateFromTime(l)) + ", " + l.Format("15:04")
}

// Weekday names a day of the week.
func (p *Printer) Weekday(d time.Weekday) string {
	return p.T("weekday." + strings.ToLower(d.String()[:3]))
}

func itoa(n int) string {
	if n < 10 && n >= 0 {
		return string(rune('0' + n))
	}
	return strings.TrimSpace(cartera.FormatDecimal(int64(n), 0, '.'))
}

var daysES = [...]string{"dom", "lun", "mar", "mié", "jue", "vie", "sáb"}
var daysEN = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Slots formats protected hours the way ParseSlots reads them back:
// "lun-vie 21:00-08:00, sáb-dom".
func (p *Printer) Slots(slots []cartera.TimeSlot) string {
	if len(slots) == 0 {
		return p.T("policy.none")
	}
	names := daysES
	if p.Lang == EN {
		names = daysEN
	}
	var parts []string
	for _, s := range slots {
		days := names[s.Days[0]]
		if n := len(s.Days); n > 1 {
			days += "-" + names[s.Days[n-1]]
		}
		if s.From != 0 || s.To != 24*60 {
			days += " " + cartera.FormatClock(s.From) + "-" + cartera.FormatClock(s.To)
		}
		parts = append(parts, days)
	}
	return strings.Join(parts, ", ")
}
