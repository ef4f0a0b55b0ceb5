package cartera

import (
	"testing"
	"time"
)

func TestDateRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"1970-01-01", "2000-02-29", "2026-11-25", "1899-12-31", "2199-12-31"} {
		d, err := ParseISODate(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if d.String() != s {
			t.Errorf("ParseISODate(%s).String() = %s", s, d)
		}
		if DateFromUnixDay(d.UnixDay()) != d {
			t.Errorf("%s: unix day round trip failed", s)
		}
	}
	if DateOf(1970, 1, 1).UnixDay() != 0 {
		t.Errorf("1970-01-01 should be unix day 0")
	}
	var zero Date
	if !zero.IsZero() || zero.String() != "" {
		t.Errorf("zero Date should be empty")
	}
}

func TestDateArithmetic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		got    Date
		expect string
	}{
		{"31 January plus a month clamps to February", DateOf(2026, 1, 31).AddMonths(1), "2026-02-28"},
		{"leap years keep 29 February", DateOf(2024, 1, 31).AddMonths(1), "2024-02-29"},
		{"twelve months back", DateOf(2026, 11, 25).AddMonths(-12), "2025-11-25"},
		{"month start", DateOf(2026, 11, 25).Month(), "2026-11-01"},
		{"add days over a year end", DateOf(2026, 12, 30).AddDays(3), "2027-01-02"},
	}
	for _, tc := range tests {
		if tc.got.String() != tc.expect {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.expect)
		}
	}
	for d := DateOf(2026, 1, 1); d < DateOf(2026, 1, 15); d++ {
		if want := d.Time(time.UTC).Weekday(); d.Weekday() != want {
			t.Errorf("%s: weekday %v, want %v", d, d.Weekday(), want)
		}
	}
	if DaysBetween(DateOf(2026, 1, 1), DateOf(2026, 3, 1)) != 59 {
		t.Errorf("days between wrong")
	}
}

func TestDateFromTimeUsesItsZone(t *testing.T) {
	t.Parallel()
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Skip("no tzdata")
	}
	// 23:30 UTC on 31 Dec is already New Year's Day in Madrid.
	instant := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	if got := DateFromTime(instant.In(madrid)); got.String() != "2027-01-01" {
		t.Errorf("got %s, want 2027-01-01", got)
	}
	if got := DateFromTime(instant); got.String() != "2026-12-31" {
		t.Errorf("got %s, want 2026-12-31", got)
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"2026-03-15": "2026-03-15", "15/03/2026": "2026-03-15", "5/3/2026": "2026-03-05", "15-03-2026": "2026-03-15",
		"15.03.2026": "2026-03-15", " 29/02/2024 ": "2024-02-29",
	} {
		if d, err := ParseDate(in); err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %s, %v; want %s", in, d, err, want)
		}
	}
	for in, key := range map[string]string{
		"31/02/2026": "value.no_such_date", "15/13/2026": "value.no_such_date", "2026-02-30": "value.no_such_date",
		"29/02/2026": "value.no_such_date", "1/1/26": "value.not_date", "March 3": "value.not_date", "": "value.not_date",
		"2026/03/15": "value.not_date", "01/01/1850": "value.no_such_date",
	} {
		if _, err := ParseDate(in); ErrorMessage(err).Key != key {
			t.Errorf("ParseDate(%q): %v, want %s", in, err, key)
		}
	}
}
