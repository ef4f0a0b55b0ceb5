package cartera

import (
	"testing"
	"time"
)

func TestDefaultPolicyIsValid(t *testing.T) {
	t.Parallel()
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestTimeSlotContains(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy() // weekdays 21:00–08:00, weekends all day
	at := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		when string
		want bool
	}{
		{"2026-11-23 10:00", false}, // Monday morning
		{"2026-11-23 20:59", false},
		{"2026-11-23 21:00", true}, // Monday night
		{"2026-11-24 07:59", true}, // Tuesday early: the slot started Monday
		{"2026-11-24 08:00", false},
		{"2026-11-29 12:00", true},  // Sunday
		{"2026-11-28 23:59", true},  // Saturday night
		{"2026-11-28 00:00", true},  // Saturday, just after Friday night
		{"2026-11-27 07:30", true},  // Friday early: Thursday night
		{"2026-11-27 21:30", true},  // Friday night
		{"2026-11-27 12:00", false}, // Friday noon
	}
	for _, tc := range tests {
		if got := p.InSlot(at(tc.when)); got != tc.want {
			t.Errorf("%s (%s): got %v, want %v", tc.when, at(tc.when).Weekday(), got, tc.want)
		}
	}
	// Monday 07:00 is not protected by default: the weekend slot ends at
	// midnight and the weekday slot that crosses midnight starts Monday
	// evening.
	if p.InSlot(at("2026-11-30 07:00")) {
		t.Errorf("Monday 07:00 should be free")
	}
}

func TestPolicySet(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	sets := map[string]string{
		"max_discount": "12,5 %", "max_free_hours_per_month": "2,5", "max_days_late": "45",
		"off_limits": "lun-vie 20:00-08:00, sáb-dom", "min_margin": "-5", "hourly_cost": "USD 40,00",
		"weight.yelling": "5", "time_zone": "America/Mexico_City", "escalation_factor": "2,5",
		"align_overrides": "4", "slower_days": "10", "slower_min_invoices": "4",
		"half_life.days_late": "150", "contact_kinds": "out_of_hours, not_listening", "abuse_severity": "5",
		"abuse_repeat": "2", "abuse_window_days": "90", "watch_notes": "5", "watch_repeat": "4",
	}
	for k, v := range sets {
		if err := p.Set(k, v); err != nil {
			t.Fatalf("Set(%s, %s): %v", k, v, err)
		}
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.MaxDiscount != 1250 || p.MaxFreeHoursPerMonth != 250 || p.MaxDaysLate != 45 || p.MinMargin != -500 {
		t.Errorf("numbers: %+v", p)
	}
	if m, ok := p.CostPerHour("USD"); !ok || m.Amount != 4000 {
		t.Errorf("USD cost: %v %v", m, ok)
	}
	if m, _ := p.CostPerHour("EUR"); m.Amount != 3500 {
		t.Errorf("EUR cost must stay: %v", m)
	}
	// Amounts as the pages write them: the symbol names the currency.
	for _, tc := range []struct {
		in   string
		cur  Currency
		want int64
	}{{"37,50\u00a0€", "EUR", 3750}, {"€38.25", "EUR", 3825}, {"£30.00", "GBP", 3000}, {"US$ 41,00", "USD", 4100}} {
		if err := p.Set("hourly_cost", tc.in); err != nil {
			t.Fatalf("hourly_cost %q: %v", tc.in, err)
		}
		if m, _ := p.CostPerHour(tc.cur); m.Amount != tc.want {
			t.Errorf("hourly_cost %q: %v", tc.in, m)
		}
	}
	if p.BreachHalfLifeDays("days_late") != 150 || p.BreachHalfLifeDays("discount") != 120 || !p.IsContact(KindNotListening) || p.IsContact(KindScopeCreep) {
		t.Errorf("half-life %v, contact kinds %v", p.BreachHalfLife, p.ContactKinds)
	}
	if p.AbuseSeverity != 5 || p.AbuseRepeat != 2 || p.AbuseWindowDays != 90 || p.WatchNotes != 5 || p.WatchRepeat != 4 {
		t.Errorf("abuse %d %d %d, watch %d %d", p.AbuseSeverity, p.AbuseRepeat, p.AbuseWindowDays, p.WatchNotes, p.WatchRepeat)
	}
	if p.SlowerDays != 10 || p.SlowerMinInvoices != 4 {
		t.Errorf("slower payments: %d days, %d invoices", p.SlowerDays, p.SlowerMinInvoices)
	}
	if p.AlignOverrides != 4 {
		t.Errorf("align_overrides: %d", p.AlignOverrides)
	}
	if p.Weight(KindYelling) != 5 || p.EscalationFactor != 2.5 {
		t.Errorf("weight %d factor %v", p.Weight(KindYelling), p.EscalationFactor)
	}
	if len(p.OffLimits) != 2 || len(p.OffLimits[0].Days) != 5 || p.OffLimits[0].From != 20*60 {
		t.Errorf("off limits: %+v", p.OffLimits)
	}
	for k, v := range map[string]string{
		"max_discount": "mucho", "max_days_late": "3.5", "off_limits": "lunes a viernes", "hourly_cost": "EUR -3",
		"nope": "1", "weight.shouting": "2", "align_overrides": "tres", "slower_days": "una semana", "slower_min_invoices": "2,5", "half_life.margin": "90", "contact_kinds": "llamadas", "time_zone": "Mars/Olympus", "currency": "EURO",
	} {
		q := DefaultPolicy()
		if err := q.Set(k, v); err == nil {
			t.Errorf("Set(%s, %s) should fail", k, v)
		} else if ErrorCode(err) != EINVALID {
			t.Errorf("Set(%s, %s): want EINVALID, got %v", k, v, err)
		}
	}
}

func TestPolicyValidateRejectsNonsense(t *testing.T) {
	t.Parallel()
	tests := map[string]func(*Policy){
		"max_severity":    func(p *Policy) { p.MaxSeverity = 6 },
		"late_share_high": func(p *Policy) { p.LateShareHigh = p.LateShareWarn - 1 },
		"grace_days":      func(p *Policy) { p.GraceDays = p.MaxDaysLate + 1 },
		"relational_high": func(p *Policy) { p.RelationalHigh = p.RelationalMedium - 1 },
		"window_months":   func(p *Policy) { p.WindowMonths = 0 },
		"half_life_days":  func(p *Policy) { p.HalfLifeDays = 0 },
		// One override is the exception a verdict is for, never a pattern.
		"align_overrides":  func(p *Policy) { p.AlignOverrides = 1 },
		"slower_days":      func(p *Policy) { p.SlowerDays = 0 },
		"abuse_repeat":     func(p *Policy) { p.AbuseRepeat = 0 },
		"watch_repeat":     func(p *Policy) { p.WatchRepeat = 1 },
		"breach_half_life": func(p *Policy) { p.BreachHalfLife = map[string]int{"off_limits": 0} },
		// One invoice a half is a date, not an average.
		"slower_min_invoices": func(p *Policy) { p.SlowerMinInvoices = 1 },
	}
	for field, mutate := range tests {
		p := DefaultPolicy()
		mutate(&p)
		err := p.Validate()
		e, ok := err.(*Error)
		if !ok || e.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestUnmarshalPolicyFillsNewFieldsWithDefaults(t *testing.T) {
	t.Parallel()
	p, err := UnmarshalPolicy([]byte(`{"max_days_late": 60}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.MaxDaysLate != 60 || p.MinMargin != DefaultPolicy().MinMargin || p.AlignOverrides != 3 ||
		p.SlowerDays != 7 || p.SlowerMinInvoices != 3 {
		t.Errorf("got %+v", p)
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Gestión": "gestion", "MUÑOZ": "munoz", "Àçëñtø": "acento", "Straße": "strasse", "plain": "plain",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// AppendFold is Fold into a reused buffer: the same bytes for any text,
// invalid UTF-8 and letters whose lower case is ASCII (the Kelvin sign)
// included.
func FuzzAppendFold(f *testing.F) {
	for _, s := range []string{"Gestión", "MUÑOZ ya que ESTÁS", "Straße", "\u212a", "\xff\xfe a", "İstanbul", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendFold([]byte("x"), s)), "x"+Fold(s); got != want {
			t.Fatalf("AppendFold(%q) = %q, want %q", s, got, want)
		}
	})
}
