package cartera

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day with no time of day and no time zone, counted as
// days since 0001-01-01 in the proleptic Gregorian calendar. The zero Date
// means "no date" (an unpaid invoice has a zero Paid date).
type Date int32

// unixEpochDay is the Date of 1970-01-01.
const unixEpochDay = 719162

// DateOf returns the Date for a year, month and day. Out-of-range values are
// normalised as time.Date does.
func DateOf(year int, month time.Month, day int) Date {
	return DateFromTime(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateFromTime returns the calendar day of t in t's own location.
func DateFromTime(t time.Time) Date {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return Date(floorDiv(u, 86400) + unixEpochDay)
}

// DateFromUnixDay converts a count of days since 1970-01-01 (the storage
// representation) to a Date.
func DateFromUnixDay(n int64) Date { return Date(n + unixEpochDay) }

// UnixDay returns the number of days since 1970-01-01.
func (d Date) UnixDay() int64 { return int64(d) - unixEpochDay }

// IsZero reports whether d is the "no date" value.
func (d Date) IsZero() bool { return d == 0 }

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// YMD returns the year, month and day of d.
func (d Date) YMD() (int, time.Month, int) {
	return time.Unix(d.UnixDay()*86400, 0).UTC().Date()
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// AddMonths returns d moved by n calendar months, clamping the day to the end
// of the target month (31 January + 1 month = 28 or 29 February).
func (d Date) AddMonths(n int) Date {
	y, m, dd := d.YMD()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if dd > last {
		dd = last
	}
	return DateOf(first.Year(), first.Month(), dd)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Weekday(floorMod(d.UnixDay()+4, 7)) // 1970-01-01 was a Thursday
}

// Month returns the first day of d's month, the key of monthly figures.
func (d Date) Month() Date {
	y, m, _ := d.YMD()
	return DateOf(y, m, 1)
}

// String formats d as ISO 8601 (2006-01-02), or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	y, m, dd := d.YMD()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText implements encoding.TextMarshaler (ISO 8601).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (ISO 8601 or empty).
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = 0
		return nil
	}
	v, err := ParseISODate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseISODate parses a YYYY-MM-DD date strictly: the day must exist.
func ParseISODate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date (expected YYYY-MM-DD)", s)
	}
	return DateFromTime(t), nil
}

// ParseDate reads a date the way people write them: ISO 8601 (2026-03-15)
// or day first (15/03/2026, 15-03-2026, 15.03.2026), as Spanish
// spreadsheets do. A day that does not exist (31/02/2026, often day and
// month swapped) is an error of its own. Errors are *Error values with the
// keys value.not_date and value.no_such_date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	var y, m, d string
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, m, d = s[:4], s[5:7], s[8:]
	} else {
		for _, sep := range []string{"/", "-", "."} {
			if parts := strings.Split(s, sep); len(parts) == 3 {
				d, m, y = parts[0], parts[1], parts[2]
				break
			}
		}
	}
	if len(y) != 4 || len(m) < 1 || len(m) > 2 || len(d) < 1 || len(d) > 2 || !isDigits(y) || !isDigits(m) || !isDigits(d) {
		return 0, NewError(EINVALID, "value.not_date", "value", s)
	}
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	date := DateOf(yy, time.Month(mm), dd)
	if y2, m2, d2 := date.YMD(); y2 != yy || int(m2) != mm || d2 != dd || yy < 1900 || yy > 2200 {
		return 0, NewError(EINVALID, "value.no_such_date", "value", s)
	}
	return date, nil
}

// DaysBetween returns b - a in days.
func DaysBetween(a, b Date) int { return int(b - a) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
