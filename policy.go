package cartera

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Policy holds the user's red lines and every threshold the assessment uses.
// Each field has a documented default (DefaultPolicy, docs/assessment.md);
// users change them with `cartera policy set` or the settings page.
type Policy struct {
	// Version counts the saves of the stored policy (0: the defaults, never
	// saved). A save must name the version it was read at, as with records:
	// two owners editing at once do not overwrite each other.
	Version int64 `json:"version"`

	// Red lines.

	// MaxDiscount is the largest discount given on any one occasion.
	MaxDiscount BasisPoints `json:"max_discount"`
	// MaxFreeHoursPerMonth caps the hours given away to a client in a month.
	MaxFreeHoursPerMonth Hours `json:"max_free_hours_per_month"`
	// MaxDaysLate is how late past its due date an invoice may be paid.
	MaxDaysLate int `json:"max_days_late"`
	// GraceDays is how late a payment can be before it counts as late at
	// all: a transfer that lands two days after the due date is not a
	// pattern.
	GraceDays int `json:"grace_days"`
	// OffLimits are the times when clients should not demand anything.
	OffLimits []TimeSlot `json:"off_limits"`
	// MinMargin is the lowest acceptable margin over revenue.
	MinMargin BasisPoints `json:"min_margin"`
	// MaxSeverity is the highest incident severity tolerated; anything above
	// crosses the red line.
	MaxSeverity int `json:"max_severity"`

	// Economics.

	// HourlyCost is what an hour of our work costs us, in each currency that
	// clients are invoiced in.
	HourlyCost []Money `json:"hourly_cost"`
	// Currency is the default currency for new clients and totals.
	Currency Currency `json:"currency"`
	// WindowMonths is the trailing period economic figures cover.
	WindowMonths int `json:"window_months"`
	// LateShareWarn and LateShareHigh are the shares of invoices paid late
	// that make collection risk medium and high.
	LateShareWarn BasisPoints `json:"late_share_warn"`
	LateShareHigh BasisPoints `json:"late_share_high"`
	// OverdueHigh is the overdue amount, as a share of revenue, that makes
	// collection risk high.
	OverdueHigh BasisPoints `json:"overdue_high"`

	// Relationship.

	// HalfLifeDays is how fast an incident's weight fades: after this many
	// days it counts half.
	HalfLifeDays int `json:"half_life_days"`
	// KindWeights weighs each incident kind; points = weight × severity ×
	// decay.
	KindWeights map[IncidentKind]int `json:"kind_weights"`
	// EscalationDays is the length of the recent period compared with the
	// one before it to detect escalation.
	EscalationDays int `json:"escalation_days"`
	// EscalationFactor multiplies the score of an escalating relationship.
	EscalationFactor float64 `json:"escalation_factor"`
	// RelationalMedium and RelationalHigh are the score thresholds of the
	// relational cost levels.
	RelationalMedium float64 `json:"relational_medium"`
	RelationalHigh   float64 `json:"relational_high"`

	// TimeZone is the IANA zone in which off-limits times are judged and
	// dates are shown.
	TimeZone string `json:"time_zone"`

	// ContactKinds are the incident kinds that count against protected
	// hours: being contacted or asked for work then. Any other kind that
	// happens at such a time keeps its own name and its own rules.
	ContactKinds []IncidentKind `json:"contact_kinds"`
	// BreachHalfLife is, per red line (discount, free_hours, days_late,
	// off_limits, severity), how many days a breach takes to weigh half.
	// A line missing here uses HalfLifeDays.
	BreachHalfLife map[string]int `json:"breach_half_life"`

	// Abuse.

	// AbuseSeverity is the severity from which a threat ends the
	// relationship on its own, and from which insults and yelling count
	// towards AbuseRepeat.
	AbuseSeverity int `json:"abuse_severity"`
	// AbuseRepeat insults or yelling at AbuseSeverity or above within
	// AbuseWindowDays end the relationship whatever the margin.
	AbuseRepeat     int `json:"abuse_repeat"`
	AbuseWindowDays int `json:"abuse_window_days"`

	// WatchNotes caps the "watch" notes listed per client; WatchRepeat is
	// how many incidents of one kind in the window make a pattern worth a
	// note even when they score under every threshold.
	WatchNotes  int `json:"watch_notes"`
	WatchRepeat int `json:"watch_repeat"`
	// SlowerDays and SlowerMinInvoices make the "slower payments" watch
	// note: the invoices due in the window's recent half were paid, on
	// average, at least SlowerDays later than those of its earlier half,
	// with at least SlowerMinInvoices due in each half.
	SlowerDays        int `json:"slower_days"`
	SlowerMinInvoices int `json:"slower_min_invoices"`

	// AlignOverrides is how many of the user's decisions must override the
	// policy the same way (it says one verdict, the user keeps taking
	// another) before cartera proposes the threshold change that would
	// align them: fewer are the exceptions a verdict is for.
	AlignOverrides int `json:"align_overrides"`
}

// BreachLines are the red lines that happen on a date and fade with time.
var BreachLines = []string{"discount", "free_hours", "days_late", "off_limits", "severity"}

// BreachHalfLifeDays returns the half-life of a red line's breaches.
func (p Policy) BreachHalfLifeDays(line string) int {
	if d, ok := p.BreachHalfLife[line]; ok && d > 0 {
		return d
	}
	if p.HalfLifeDays > 0 {
		return p.HalfLifeDays
	}
	return 90
}

// IsContact reports whether incidents of kind k count against protected
// hours.
func (p Policy) IsContact(k IncidentKind) bool {
	for _, c := range p.ContactKinds {
		if c == k {
			return true
		}
	}
	return false
}

// TimeSlot is a weekly period: on each of Days, from From to To (minutes
// after midnight). When To <= From the slot runs past midnight into the next
// day, so "21:00–08:00" on weekdays covers weeknights.
type TimeSlot struct {
	Days []time.Weekday `json:"days"`
	From int            `json:"from"`
	To   int            `json:"to"`
}

// DefaultPolicy returns the documented defaults (see docs/assessment.md for
// the reasoning behind each one).
func DefaultPolicy() Policy {
	return Policy{
		MaxDiscount:          1500,
		MaxFreeHoursPerMonth: HoursOf(4),
		MaxDaysLate:          30,
		GraceDays:            5,
		OffLimits: []TimeSlot{
			{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, From: 21 * 60, To: 8 * 60},
			{Days: []time.Weekday{time.Saturday, time.Sunday}, From: 0, To: 24 * 60},
		},
		MinMargin:      2000,
		MaxSeverity:    3,
		HourlyCost:     []Money{{3500, "EUR"}},
		Currency:       "EUR",
		WindowMonths:   12,
		LateShareWarn:  3000,
		LateShareHigh:  5000,
		OverdueHigh:    2500,
		HalfLifeDays:   90,
		EscalationDays: 90,
		KindWeights: map[IncidentKind]int{
			KindThreat: 4, KindInsult: 3, KindYelling: 3, KindBelittling: 2,
			KindNotListening: 2, KindCompetitorTaunt: 1, KindOutOfHours: 1,
			KindScopeCreep: 1, KindPaymentExcuse: 1,
		},
		EscalationFactor: 1.5,
		RelationalMedium: 4,
		RelationalHigh:   12,
		TimeZone:         "Europe/Madrid",
		ContactKinds:     []IncidentKind{KindOutOfHours, KindScopeCreep},
		BreachHalfLife: map[string]int{
			"discount": 120, "free_hours": 90, "days_late": 120, "off_limits": 60, "severity": 180,
		},
		AbuseSeverity:     4,
		AbuseRepeat:       3,
		AbuseWindowDays:   180,
		WatchNotes:        3,
		WatchRepeat:       3,
		SlowerDays:        7,
		SlowerMinInvoices: 3,
		AlignOverrides:    3,
	}
}

// CostPerHour returns the internal hourly cost in currency c.
func (p Policy) CostPerHour(c Currency) (Money, bool) {
	for _, m := range p.HourlyCost {
		if m.Currency == c {
			return m, true
		}
	}
	return Money{}, false
}

// Weight returns the weight of an incident kind (1 when unset).
func (p Policy) Weight(k IncidentKind) int {
	if w, ok := p.KindWeights[k]; ok {
		return w
	}
	return 1
}

// Location loads the policy's time zone, falling back to UTC.
func (p Policy) Location() *time.Location {
	if p.TimeZone == "" {
		return time.UTC
	}
	if loc, ok := zones.Load(p.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return time.UTC
	}
	zones.Store(p.TimeZone, loc)
	return loc
}

// zones caches loaded time zones: time.LoadLocation reads the zone file
// from disk on every call, and a web request needs the zone several times.
// The cached data never changes, so sharing it is safe.
var zones sync.Map

// InSlot reports whether local time t falls inside any off-limits slot.
func (p Policy) InSlot(t time.Time) bool {
	for _, s := range p.OffLimits {
		if s.Contains(t) {
			return true
		}
	}
	return false
}

// Contains reports whether local time t falls inside the slot.
func (s TimeSlot) Contains(t time.Time) bool {
	minute := t.Hour()*60 + t.Minute()
	day := t.Weekday()
	has := func(d time.Weekday) bool {
		for _, x := range s.Days {
			if x == d {
				return true
			}
		}
		return false
	}
	if s.From < s.To {
		return has(day) && minute >= s.From && minute < s.To
	}
	// Past midnight: the evening part belongs to today, the early-morning
	// part to the slot that started yesterday.
	if has(day) && minute >= s.From {
		return true
	}
	return has((day+6)%7) && minute < s.To
}

// Validate checks that every threshold is usable.
func (p Policy) Validate() error {
	switch {
	case p.MaxDiscount < 0 || p.MaxDiscount > 10000:
		return FieldError("max_discount", "policy.range", "min", "0", "max", "100")
	case p.MaxFreeHoursPerMonth < 0:
		return FieldError("max_free_hours_per_month", "policy.negative")
	case p.MaxFreeHoursPerMonth > MaxHours:
		return FieldError("max_free_hours_per_month", "value.too_large", "value", p.MaxFreeHoursPerMonth.String())
	case p.MaxDaysLate < 0 || p.MaxDaysLate > 3650:
		return FieldError("max_days_late", "policy.range", "min", "0", "max", "3650")
	case p.GraceDays < 0 || p.GraceDays > p.MaxDaysLate:
		return FieldError("grace_days", "policy.order", "low", "grace_days", "high", "max_days_late")
	case p.MinMargin < -10000 || p.MinMargin > 10000:
		return FieldError("min_margin", "policy.range", "min", "-100", "max", "100")
	case p.MaxSeverity < 1 || p.MaxSeverity > MaxSeverity:
		return FieldError("max_severity", "policy.range", "min", "1", "max", "5")
	case !p.Currency.Valid():
		return FieldError("currency", "policy.currency")
	case p.WindowMonths < 1 || p.WindowMonths > 60:
		return FieldError("window_months", "policy.range", "min", "1", "max", "60")
	case p.LateShareWarn < 0 || p.LateShareHigh < p.LateShareWarn || p.LateShareHigh > 10000:
		return FieldError("late_share_high", "policy.order", "low", "late_share_warn", "high", "late_share_high")
	case p.OverdueHigh < 0:
		return FieldError("overdue_high", "policy.negative")
	case p.OverdueHigh > 100000:
		return FieldError("overdue_high", "policy.range", "min", "0", "max", "1000")
	case p.HalfLifeDays < 1 || p.HalfLifeDays > 3650:
		return FieldError("half_life_days", "policy.range", "min", "1", "max", "3650")
	case p.EscalationDays < 7 || p.EscalationDays > 730:
		return FieldError("escalation_days", "policy.range", "min", "7", "max", "730")
	case p.EscalationFactor < 1 || p.EscalationFactor > 10:
		return FieldError("escalation_factor", "policy.range", "min", "1", "max", "10")
	case p.RelationalMedium <= 0 || p.RelationalHigh < p.RelationalMedium:
		return FieldError("relational_high", "policy.order", "low", "relational_medium", "high", "relational_high")
	}
	switch {
	case p.AbuseSeverity < 1 || p.AbuseSeverity > MaxSeverity:
		return FieldError("abuse_severity", "policy.range", "min", "1", "max", "5")
	case p.AbuseRepeat < 1 || p.AbuseRepeat > 100:
		return FieldError("abuse_repeat", "policy.range", "min", "1", "max", "100")
	case p.AbuseWindowDays < 1 || p.AbuseWindowDays > 3650:
		return FieldError("abuse_window_days", "policy.range", "min", "1", "max", "3650")
	case p.WatchNotes < 0 || p.WatchNotes > 20:
		return FieldError("watch_notes", "policy.range", "min", "0", "max", "20")
	case p.WatchRepeat < 2 || p.WatchRepeat > 100:
		return FieldError("watch_repeat", "policy.range", "min", "2", "max", "100")
	case p.SlowerDays < 1 || p.SlowerDays > 365:
		return FieldError("slower_days", "policy.range", "min", "1", "max", "365")
	// One invoice a half is a date, not an average.
	case p.SlowerMinInvoices < 2 || p.SlowerMinInvoices > 100:
		return FieldError("slower_min_invoices", "policy.range", "min", "2", "max", "100")
	case p.AlignOverrides < 2 || p.AlignOverrides > 100:
		return FieldError("align_overrides", "policy.range", "min", "2", "max", "100")
	}
	for _, k := range p.ContactKinds {
		if !k.Valid() {
			return FieldError("contact_kinds", "policy.unknown_kind", "value", string(k))
		}
	}
	for line, d := range p.BreachHalfLife {
		known := false
		for _, l := range BreachLines {
			known = known || l == line
		}
		if !known || d < 1 || d > 3650 {
			return FieldError("breach_half_life", "policy.range", "min", "1", "max", "3650")
		}
	}
	for _, m := range p.HourlyCost {
		if !m.Currency.Valid() || m.Amount < 0 || m.Amount > MaxAmount {
			return FieldError("hourly_cost", "policy.hourly_cost")
		}
	}
	for _, s := range p.OffLimits {
		if len(s.Days) == 0 || s.From < 0 || s.From > 1440 || s.To < 0 || s.To > 1440 {
			return FieldError("off_limits", "policy.off_limits")
		}
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "" {
		return FieldError("time_zone", "policy.time_zone", "value", p.TimeZone)
	}
	for k, w := range p.KindWeights {
		if !k.Valid() || w < 0 || w > 100 {
			return FieldError("kind_weights", "policy.kind_weights")
		}
	}
	return nil
}

// MarshalPolicy encodes a policy for storage.
func MarshalPolicy(p Policy) ([]byte, error) { return json.Marshal(p) }

// UnmarshalPolicy decodes a stored policy on top of the defaults, so that a
// policy saved by an older version gains the thresholds added since.
func UnmarshalPolicy(b []byte) (Policy, error) {
	p := DefaultPolicy()
	if len(b) == 0 {
		return p, nil
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("decode policy: %w", err)
	}
	return p, nil
}

// FormatClock renders minutes after midnight as HH:MM.
func FormatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// ParseClock parses HH:MM (00:00–24:00) into minutes after midnight.
func ParseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	var hh, mm int
	if _, err := fmt.Sscanf(h+" "+m, "%d %d", &hh, &mm); err != nil {
		return 0, false
	}
	if hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}
