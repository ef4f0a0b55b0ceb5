package cartera

import (
	"strconv"
	"strings"
)

// DecimalMode says how to read "1.234" and "1,5": Spanish writes a decimal
// comma and groups thousands with points, English the other way round.
type DecimalMode byte

// Decimal modes. The auto modes decide from the value itself when it is
// unambiguous and otherwise lean towards the file's convention.
const (
	DecimalAutoPoint DecimalMode = iota // lean to 1,234.56
	DecimalAutoComma                    // lean to 1.234,56
	DecimalPoint                        // always a decimal point
	DecimalComma                        // always a decimal comma
)

// ParseDecimal reads a decimal number into an integer scaled by 10^exp:
// ParseDecimal("1.234,5", 2, DecimalAutoComma) = 123450. It accepts
// grouping separators, spaces, a leading sign or accounting parentheses, and
// a currency symbol; it rejects more decimals than exp. Errors are *Error
// values with the message keys value.not_number, value.too_many_decimals and
// value.too_large.
func ParseDecimal(s string, exp int, mode DecimalMode) (int64, error) {
	raw := s
	bad := func(key string, kv ...any) (int64, error) {
		return 0, NewError(EINVALID, key, append([]any{"value", raw}, kv...)...)
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\'', '€', '$', '£':
			return -1
		}
		return r
	}, s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "−"):
		neg = true
		s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−")
	case strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")"):
		neg = true
		s = s[1 : len(s)-1]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if s == "" {
		return bad("value.not_number")
	}
	lastComma, lastPoint := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	var point byte // the decimal separator, 0 for none
	switch {
	case lastComma >= 0 && lastPoint >= 0:
		point = ','
		if lastPoint > lastComma {
			point = '.'
		}
	case lastComma >= 0:
		point = pickPoint(s, ',', mode)
	case lastPoint >= 0:
		point = pickPoint(s, '.', mode)
	}
	intPart, frac := s, ""
	if point != 0 {
		i := strings.LastIndexByte(s, point)
		intPart, frac = s[:i], s[i+1:]
	}
	// The other separator may only group thousands, in threes.
	if i := strings.IndexAny(intPart, ".,"); i >= 0 {
		groups := strings.Split(intPart, string(intPart[i]))
		for j, g := range groups {
			if (j == 0 && (len(g) < 1 || len(g) > 3)) || (j > 0 && len(g) != 3) || strings.ContainsAny(g, ".,") {
				return bad("value.not_number")
			}
		}
		intPart = strings.Join(groups, "")
	}
	if intPart == "" {
		intPart = "0"
	}
	if !isDigits(intPart) || (frac != "" && !isDigits(frac)) || (point != 0 && frac == "") {
		return bad("value.not_number")
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > exp {
		return bad("value.too_many_decimals", "max", exp)
	}
	frac += strings.Repeat("0", exp-len(frac))
	v, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil || len(intPart) > 15 {
		return bad("value.too_large")
	}
	if neg {
		v = -v
	}
	return v, nil
}

// pickPoint decides whether a lone separator is a decimal point or groups
// thousands.
func pickPoint(s string, sep byte, mode DecimalMode) byte {
	grouped := looksGrouped(s, sep)
	switch mode {
	case DecimalComma:
		if sep == ',' {
			return ','
		}
		return 0
	case DecimalPoint:
		if sep == '.' {
			return '.'
		}
		return 0
	case DecimalAutoComma:
		if sep == ',' || !grouped {
			return sep
		}
		return 0
	default:
		if sep == '.' || !grouped {
			return sep
		}
		return 0
	}
}

// looksGrouped reports whether s is digits grouped by sep in threes
// ("1.234", "12,345,678").
func looksGrouped(s string, sep byte) bool {
	parts := strings.Split(s, string(sep))
	if len(parts) < 2 || len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || !isDigits(p) {
			return false
		}
	}
	return isDigits(parts[0])
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
