package csvio

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cartera/cartera"
)

// dateTargets are the mapped columns that hold dates.
var dateTargets = []string{"date", "created", "closed", "expected_close", "stage_since", "close_date", "won_time", "lost_time"}

// parseMappedDate reads a date as CRM exports write them: ISO 8601 with or
// without a time ("2026-01-12 09:15:32"), a slashed date in the file's
// order ("1/12/2026", "12/01/2026") with or without a time ("1/12/2026
// 9:15 AM"). A time with a zone is first moved to loc; any other time is
// dropped, since it is already the exporting user's local time.
func parseMappedDate(s string, order dateOrder, loc *time.Location) (cartera.Date, *cartera.Message) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return cartera.DateFromTime(t.In(loc)), nil
		}
	}
	day, clock := s, ""
	if i := strings.IndexAny(s, " T"); i > 0 {
		day, clock = s[:i], strings.TrimSpace(s[i+1:])
	}
	if clock != "" && !looksLikeClock(clock) {
		return 0, problem("value.not_date", "value", s)
	}
	sep := strings.IndexAny(day, "/-.")
	if sep < 0 {
		return 0, problem("value.not_date", "value", s)
	}
	parts := strings.Split(day, day[sep:sep+1])
	if len(parts) != 3 {
		return 0, problem("value.not_date", "value", s)
	}
	y, m, d := parts[2], parts[1], parts[0]
	switch {
	case len(parts[0]) == 4:
		y, m, d = parts[0], parts[1], parts[2]
	case order == orderMDY:
		m, d = parts[0], parts[1]
	}
	date, err := cartera.ParseDate(d + "/" + m + "/" + y)
	if err != nil {
		key := cartera.ErrorMessage(err).Key
		return 0, problem(key, "value", s)
	}
	return date, nil
}

// looksLikeClock accepts the time part of a timestamp: digits, colons,
// points, spaces and AM/PM.
func looksLikeClock(s string) bool {
	digits := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r == ':' || r == '.' || r == ' ' || strings.ContainsRune("AaPpMm", r):
		default:
			return false
		}
	}
	return digits && len(s) <= 16
}

// slashedParts returns the first two numbers of a day-first or month-first
// date ("27/02/2026 10:00" → 27, 2).
func slashedParts(s string) (int, int, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return 0, 0, false
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	return a, b, err1 == nil && err2 == nil
}

// detectDateOrder reads the dates in the first rows of a mapped file: a
// first number above 12 can only be a day, a second number above 12 only
// a day too. When the rows agree, that settles the order; otherwise the
// mapping's order stands and impossible dates are reported row by row.
// seen says whether any slashed date was found at all.
func detectDateOrder(sample []byte, sep rune, l *layout) (order dateOrder, seen bool) {
	var cols []int
	for i, j := range l.fields {
		if j < 0 {
			continue
		}
		for _, t := range dateTargets {
			if l.schema.cols[j].key == t {
				cols = append(cols, i)
			}
		}
	}
	if len(cols) == 0 {
		return l.order, false
	}
	r := csv.NewReader(bytes.NewReader(sample))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	dayFirst, monthFirst := 0, 0
	for n := 0; n < 2000; n++ {
		rec, err := r.Read()
		if err != nil {
			break
		}
		for _, i := range cols {
			if i >= len(rec) {
				continue
			}
			a, b, ok := slashedParts(rec[i])
			seen = seen || ok
			switch {
			case !ok:
			case a > 12 && b <= 12:
				dayFirst++
			case b > 12 && a <= 12:
				monthFirst++
			}
		}
	}
	switch {
	case dayFirst > 0 && monthFirst == 0:
		return orderDMY, true
	case monthFirst > 0 && dayFirst == 0:
		return orderMDY, true
	}
	return l.order, seen
}

// splitCurrencyCode takes an ISO currency code off an amount written with
// one ("EUR 4.800,00", "4800.00 USD").
func splitCurrencyCode(s string) (cartera.Currency, string) {
	s = strings.TrimSpace(s)
	isCode := func(t string) (cartera.Currency, bool) {
		if len(t) != 3 || strings.IndexFunc(t, func(r rune) bool { return r < 'A' || r > 'z' || !unicode.IsLetter(r) }) >= 0 {
			return "", false
		}
		c, err := cartera.ParseCurrency(t)
		return c, err == nil
	}
	if len(s) > 4 {
		if c, ok := isCode(s[:3]); ok && (s[3] == ' ' || unicode.IsDigit(rune(s[3])) || s[3] == '-') {
			return c, strings.TrimSpace(s[3:])
		}
		if c, ok := isCode(s[len(s)-3:]); ok && (s[len(s)-4] == ' ' || unicode.IsDigit(rune(s[len(s)-4]))) {
			return c, strings.TrimSpace(s[:len(s)-3])
		}
	}
	return "", s
}

// clientNames finds clients by name, for deals that name their company:
// first by the whole folded name ("Talleres Ruiz S.L." = "talleres ruiz s
// l"), then without a trailing legal form ("talleres ruiz"). A name that
// fits several clients links to none: the deal keeps it as its prospect.
type clientNames struct {
	exact, loose map[string][]string
}

func newClientNames() *clientNames {
	return &clientNames{exact: map[string][]string{}, loose: map[string][]string{}}
}

// nameKey folds a company name and turns punctuation into single spaces.
func nameKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		if r == '&' {
			return r
		}
		return ' '
	}, cartera.Fold(s))
	return strings.Join(strings.Fields(s), " ")
}

// legalForms are company-type suffixes, as folded words.
var legalForms = [][]string{
	{"s", "l"}, {"s", "l", "u"}, {"s", "l", "p"}, {"s", "a"}, {"s", "a", "u"}, {"s", "c"}, {"s", "coop"},
	{"s", "a", "s"}, {"s", "r", "l"}, {"s", "l", "l"}, {"c", "b"},
	{"sl"}, {"slu"}, {"slp"}, {"sa"}, {"sau"}, {"sc"}, {"scoop"}, {"sas"}, {"srl"}, {"sll"}, {"cb"},
	{"sociedad", "limitada"}, {"sociedad", "anonima"},
	{"inc"}, {"llc"}, {"ltd"}, {"limited"}, {"gmbh"}, {"plc"}, {"corp"},
}

// looseKey drops a trailing legal form from a name key.
func looseKey(k string) string {
	words := strings.Fields(k)
	for _, f := range legalForms {
		if len(words) > len(f) {
			tail := words[len(words)-len(f):]
			if strings.Join(tail, " ") == strings.Join(f, " ") {
				return strings.Join(words[:len(words)-len(f)], " ")
			}
		}
	}
	return k
}

func addUnique(m map[string][]string, k, id string) {
	for _, x := range m[k] {
		if x == id {
			return
		}
	}
	m[k] = append(m[k], id)
}

func (n *clientNames) add(name, id string) {
	k := nameKey(name)
	if k == "" {
		return
	}
	addUnique(n.exact, k, id)
	addUnique(n.loose, looseKey(k), id)
}

// find returns the one client a company name means.
func (n *clientNames) find(name string) (string, bool) {
	if n == nil {
		return "", false
	}
	k := nameKey(name)
	if ids := n.exact[k]; len(ids) == 1 {
		return ids[0], true
	} else if len(ids) > 1 {
		return "", false
	}
	if ids := n.loose[looseKey(k)]; len(ids) == 1 {
		return ids[0], true
	}
	return "", false
}
