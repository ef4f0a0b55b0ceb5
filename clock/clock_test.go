package clock_test

import (
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/clock"
)

func TestFromEnv(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == clock.Env {
				return v
			}
			return ""
		}
	}
	t.Run("unset is the wall clock", func(t *testing.T) {
		now, err := clock.FromEnv(env(""))
		if err != nil {
			t.Fatal(err)
		}
		// The wall clock's reading is at least the test's own start.
		if a, b := time.Now(), now(); b.Before(a) {
			t.Errorf("wall clock went back: %v then %v", a, b)
		}
	})
	t.Run("CARTERA_NOW starts the clock there and it runs on", func(t *testing.T) {
		now, err := clock.FromEnv(env("2031-03-01T10:00:00+01:00"))
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)
		first, second := now(), now()
		if first.Before(want) || first.Sub(want) > time.Minute {
			t.Errorf("first reading %v, want %v (plus the test's own time)", first, want)
		}
		if second.Before(first) {
			t.Errorf("the moved clock went back: %v then %v", first, second)
		}
		if got := cartera.DateFromTime(first.In(time.FixedZone("CET", 3600))); got != cartera.DateOf(2031, 3, 1) {
			t.Errorf("day = %v", got)
		}
	})
	for _, bad := range []string{"2031-03-01", "mañana", "2031-13-01T10:00:00Z", "2031-03-01 10:00:00"} {
		t.Run("refused: "+bad, func(t *testing.T) {
			_, err := clock.FromEnv(env(bad))
			if cartera.ErrorCode(err) != cartera.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if m := cartera.ErrorMessage(err); m.Key != "cli.bad_now" {
				t.Errorf("message %v", m)
			}
		})
	}
}

func TestLatestDay(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		want cartera.Date
	}{
		{time.Date(2026, 11, 25, 9, 59, 0, 0, time.UTC), cartera.DateOf(2026, 11, 25)},
		{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), cartera.DateOf(2026, 11, 26)},                        // Kiribati's midnight
		{time.Date(2026, 11, 25, 23, 0, 0, 0, time.FixedZone("HST", -10*3600)), cartera.DateOf(2026, 11, 26)}, // 23:00 in Honolulu
	} {
		if got := cartera.LatestDay(tc.now); got != tc.want {
			t.Errorf("LatestDay(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
}
