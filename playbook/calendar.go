package playbook

import (
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// Calendar knows which days are working days: not a weekend day, not one
// of the user's holidays. Follow-ups with clients land only on working
// days.
type Calendar struct {
	weekend  [7]bool
	holidays map[cartera.Date]string
}

// NewCalendar builds a calendar from the weekend days and the holidays.
func NewCalendar(weekend []time.Weekday, holidays []cartera.Holiday) *Calendar {
	c := &Calendar{holidays: make(map[cartera.Date]string, len(holidays))}
	for _, d := range weekend {
		if d >= time.Sunday && d <= time.Saturday {
			c.weekend[d] = true
		}
	}
	for _, h := range holidays {
		c.holidays[h.Day] = h.Name
	}
	return c
}

// Working reports whether d is a working day.
func (c *Calendar) Working(d cartera.Date) bool {
	if c.weekend[d.Weekday()] {
		return false
	}
	_, off := c.holidays[d]
	return !off
}

// Next returns d when it is a working day, else the first working day
// after it. A calendar with every day off returns d (Validate forbids
// it, but nothing here loops forever).
func (c *Calendar) Next(d cartera.Date) cartera.Date {
	for i := 0; i < 3660; i++ {
		if c.Working(d.AddDays(i)) {
			return d.AddDays(i)
		}
	}
	return d
}

// Add returns the day n working days after d (n ≥ 0; with n = 0, the
// first working day on or after d). The result is always a working day.
func (c *Calendar) Add(d cartera.Date, n int) cartera.Date {
	if n <= 0 {
		return c.Next(d)
	}
	for i := 0; i < n; i++ {
		d = c.Next(d.AddDays(1))
	}
	return d
}

// Check refuses a day that is not a working day, naming the holiday or the
// weekend and proposing the next working day.
func (c *Calendar) Check(field string, d cartera.Date) error {
	if c.Working(d) {
		return nil
	}
	if name, ok := c.holidays[d]; ok {
		if name == "" {
			name = "—"
		}
		return cartera.FieldError(field, "calendar.holiday", "day", d, "name", name, "next", c.Next(d))
	}
	return cartera.FieldError(field, "calendar.weekend", "day", d, "weekday", strings.ToLower(d.Weekday().String()[:3]), "next", c.Next(d))
}
