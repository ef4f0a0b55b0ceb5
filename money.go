package cartera

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
)

// Currency is an ISO 4217 alphabetic code such as "EUR".
type Currency string

// Money is an amount in the minor units of its currency (cents for EUR): no
// floating point is ever used for money. 1.234,56 € is Money{123456, "EUR"}.
type Money struct {
	Amount   int64    `json:"amount"`
	Currency Currency `json:"currency"`
}

// ParseCurrency validates an ISO 4217 code, accepting lower case.
func ParseCurrency(s string) (Currency, error) {
	c := Currency(strings.ToUpper(strings.TrimSpace(s)))
	code, ok := currencyCodes[c]
	if !ok {
		return "", fmt.Errorf("%q is not an ISO 4217 currency code", s)
	}
	// The table's own string, not c: c may share the memory of a whole
	// input line, which would then stay alive as long as the code does.
	return code, nil
}

// currencyCodes maps each code to itself, to hand out one string per code.
var currencyCodes = func() map[Currency]Currency {
	m := make(map[Currency]Currency, len(minorUnits))
	for c := range minorUnits {
		m[c] = c
	}
	return m
}()

// Valid reports whether c is a known ISO 4217 code.
func (c Currency) Valid() bool { _, ok := minorUnits[c]; return ok }

// Exponent is the number of decimal digits of c's minor unit (2 for EUR, 0
// for JPY, 3 for KWD).
func (c Currency) Exponent() int {
	if e, ok := minorUnits[c]; ok {
		return e
	}
	return 2
}

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.Amount == 0 }

// Add returns m + o. Adding different currencies is a programming error in
// the caller; it panics rather than silently mixing them.
func (m Money) Add(o Money) Money {
	if m.Currency == "" {
		m.Currency = o.Currency
	}
	if o.Currency != "" && o.Currency != m.Currency {
		panic(fmt.Sprintf("cartera: adding %s to %s", o.Currency, m.Currency))
	}
	return Money{satAdd(m.Amount, o.Amount), m.Currency}
}

// Sub returns m - o (same currency rule as Add).
func (m Money) Sub(o Money) Money { return m.Add(Money{-o.Amount, o.Currency}) }

// MulDiv returns m × num / den rounded half away from zero, computed without
// overflow. It is the one place where money is scaled (hours × rate, shares).
func (m Money) MulDiv(num, den int64) Money {
	return Money{MulDivRound(m.Amount, num, den), m.Currency}
}

// ForHours is what h hours come to at m per hour (free hours at cost,
// time at a rate), rounded as MulDiv rounds.
func (m Money) ForHours(h Hours) Money { return m.MulDiv(int64(h), 100) }

// MulDivRound returns a×b/c rounded half away from zero, saturating at the
// int64 range. c must not be zero.
func MulDivRound(a, b, c int64) int64 {
	if c == 0 {
		panic("cartera: MulDivRound by zero")
	}
	// The product of two int64 needs 128 bits: it is formed and divided on
	// the magnitudes, and the sign put back at the end. Every client's
	// shares and rates go through here, so no big.Int is allocated.
	neg := (a < 0) != (b < 0) != (c < 0)
	uc := abs64(c)
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi >= uc {
		return saturated(neg)
	}
	q, r := bits.Div64(hi, lo, uc)
	// Round half away from zero: 2r >= c, written without overflowing.
	if r >= uc-r {
		q++
		if q == 0 {
			return saturated(neg)
		}
	}
	if neg {
		if q > 1<<63 {
			return math.MinInt64
		}
		return int64(-q) // q == 1<<63 wraps to MinInt64, which is exact
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// abs64 is the magnitude of v as an unsigned number, exact for MinInt64.
func abs64(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

func saturated(neg bool) int64 {
	if neg {
		return math.MinInt64
	}
	return math.MaxInt64
}

func satAdd(a, b int64) int64 {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		if a > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

// String formats m plainly ("1234.56 EUR") for logs and errors; user-facing
// text is formatted per locale by package i18n.
func (m Money) String() string {
	return FormatDecimal(m.Amount, m.Currency.Exponent(), '.') + " " + string(m.Currency)
}

// FormatDecimal renders a scaled integer with exp decimals and no grouping:
// FormatDecimal(-12345, 2, ',') = "-123,45".
func FormatDecimal(v int64, exp int, point byte) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	s := fmt.Sprintf("%0*d", exp+1, u)
	if exp > 0 {
		s = s[:len(s)-exp] + string(point) + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// minorUnits lists the active ISO 4217 codes and their minor-unit exponents.
var minorUnits = map[Currency]int{
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "ANG": 2, "AOA": 2, "ARS": 2, "AUD": 2, "AWG": 2, "AZN": 2,
	"BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0, "BMD": 2, "BND": 2, "BOB": 2, "BOV": 2,
	"BRL": 2, "BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2, "BZD": 2, "CAD": 2, "CDF": 2, "CHE": 2, "CHF": 2,
	"CHW": 2, "CLF": 4, "CLP": 0, "CNY": 2, "COP": 2, "COU": 2, "CRC": 2, "CUP": 2, "CVE": 2,
	"CZK": 2, "DJF": 0, "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2, "ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2,
	"FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2, "GNF": 0, "GTQ": 2, "GYD": 2, "HKD": 2,
	"HNL": 2, "HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "IQD": 3, "IRR": 2, "ISK": 0,
	"JMD": 2, "JOD": 3, "JPY": 0, "KES": 2, "KGS": 2, "KHR": 2, "KMF": 0, "KPW": 2, "KRW": 0, "KWD": 3,
	"KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2, "LYD": 3, "MAD": 2, "MDL": 2,
	"MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2, "MVR": 2, "MWK": 2, "MXN": 2,
	"MXV": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2, "NOK": 2, "NPR": 2, "NZD": 2, "OMR": 3,
	"PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0, "QAR": 2, "RON": 2, "RSD": 2,
	"RUB": 2, "RWF": 0, "SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2, "SHP": 2, "SLE": 2,
	"SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2, "SZL": 2, "THB": 2, "TJS": 2,
	"TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2, "TZS": 2, "UAH": 2, "UGX": 0, "USD": 2,
	"USN": 2, "UYI": 0, "UYU": 2, "UYW": 4, "UZS": 2, "VED": 2, "VES": 2, "VND": 0, "VUV": 0, "WST": 2,
	"XAF": 0, "XCD": 2, "XCG": 2, "XOF": 0, "XPF": 0, "YER": 2, "ZAR": 2, "ZMW": 2, "ZWG": 2,
}

// GoString helps test failure messages.
func (m Money) GoString() string { return fmt.Sprintf("Money{%d, %q}", m.Amount, m.Currency) }
