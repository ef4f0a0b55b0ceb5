package assess

import (
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// The window's middle (25 May 2026) is 184 days before the as-of date: a
// crossing 183 days ago is in the recent half, one 184 days ago in the
// earlier one.
const midAge = 184

// late sets invoices over the days-late line, each given as its age in
// days and how late it was.
func late(ages ...[2]int) func(*cartera.ClientFacts) {
	return func(f *cartera.ClientFacts) {
		f.LateOver, f.OverLimit, f.LateInvoices, f.DaysLateSum, f.WorstDaysLate = nil, 0, 0, 0, 0
		for _, a := range ages {
			day := asOf.AddDays(-a[0])
			f.LateOver = append(f.LateOver, cartera.DayValue{Day: day, Value: int64(a[1])})
			f.OverLimit++
			f.LateInvoices++
			f.DaysLateSum += a[1]
			f.WorstDaysLate = max(f.WorstDaysLate, a[1])
			f.LastOverLimit = max(f.LastOverLimit, day)
		}
	}
}

// discounts sets discounts over the line, as age in days and percentage.
func discounts(ages ...[2]int) func(*cartera.ClientFacts) {
	return func(f *cartera.ClientFacts) {
		for _, a := range ages {
			day := asOf.AddDays(-a[0])
			f.DiscountsOverAt = append(f.DiscountsOverAt, cartera.DayValue{Day: day, Value: int64(a[1])})
			f.DiscountsOver++
			f.DiscountCount++
			f.Discounts += 10000
			f.MaxDiscount = max(f.MaxDiscount, cartera.BasisPoints(a[1]))
			f.LastDiscountOver = max(f.LastDiscountOver, day)
		}
	}
}

func TestBreachTrend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		facts   *cartera.ClientFacts
		line    string
		trend   string // "" for none
		msg     string // the trend's message key
		active  bool
		verdict cartera.Verdict
	}{
		{"two late invoices recently, one before → rising", facts(late([2]int{250, 40}, [2]int{60, 40}, [2]int{30, 40})),
			"days_late", TrendRising, "trend.more_often", true, cartera.VerdictBoundaries},
		{"the second recent one exactly at the middle is earlier → no trend", facts(late([2]int{250, 40}, [2]int{midAge, 40}, [2]int{30, 40})),
			"days_late", "", "", true, cartera.VerdictBoundaries},
		{"a day after the middle is recent → rising", facts(late([2]int{250, 40}, [2]int{midAge - 1, 40}, [2]int{30, 40})),
			"days_late", TrendRising, "trend.more_often", true, cartera.VerdictBoundaries},
		{"as many recently as before, no worse → no trend", facts(late([2]int{300, 40}, [2]int{250, 40}, [2]int{60, 40}, [2]int{30, 40})),
			"days_late", "", "", true, cartera.VerdictBoundaries},
		{"one recent, later than any before → rising, more severely", facts(late([2]int{250, 35}, [2]int{30, 60})),
			"days_late", TrendRising, "trend.worse", true, cartera.VerdictBoundaries},
		{"40 days late, then exactly a quarter more (50) → rising", facts(late([2]int{250, 40}, [2]int{30, 50})),
			"days_late", TrendRising, "trend.worse", true, cartera.VerdictBoundaries},
		{"40 days late, then 49 → under a quarter more, no trend", facts(late([2]int{250, 40}, [2]int{30, 49})),
			"days_late", "", "", true, cartera.VerdictBoundaries},
		{"averages, not the worst: 40 and 80 before, 70 and 70 now → no trend", facts(late([2]int{300, 40}, [2]int{250, 80}, [2]int{60, 70}, [2]int{30, 70})),
			"days_late", "", "", true, cartera.VerdictBoundaries},
		{"one alone recently → no trend (one is not a trend)", facts(late([2]int{30, 40})),
			"days_late", "", "", true, cartera.VerdictBoundaries},
		{"three late invoices, none in the last six months → easing, still counts", facts(late([2]int{300, 40}, [2]int{250, 40}, [2]int{200, 40})),
			"days_late", TrendEasing, "trend.easing", true, cartera.VerdictBoundaries},
		{"a single old one → no trend, faded", facts(late([2]int{250, 40})),
			"days_late", "", "", false, cartera.VerdictKeep},
		{"20 % then 25 % → rising", facts(discounts([2]int{200, 2000}, [2]int{20, 2500})),
			"discount", TrendRising, "trend.worse", true, cartera.VerdictBoundaries},
		{"20 % then 24 % → under a quarter more, no trend", facts(discounts([2]int{200, 2000}, [2]int{20, 2400})),
			"discount", "", "", true, cartera.VerdictBoundaries},
		{"free hours over the limit in two recent months → rising", facts(func(f *cartera.ClientFacts) {
			f.FreeHoursMonth = []cartera.MonthHours{{Month: asOf.AddMonths(-3).Month(), Hours: cartera.HoursOf(6)},
				{Month: asOf.AddMonths(-1).Month(), Hours: cartera.HoursOf(5)}}
			f.FreeHours = cartera.HoursOf(11)
		}), "free_hours", TrendRising, "trend.more_often", true, cartera.VerdictBoundaries},
		{"two Sunday calls recently → rising", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{{ID: "a", At: sunday(5), Kind: cartera.KindOutOfHours, Severity: 1},
				{ID: "b", At: sunday(2), Kind: cartera.KindOutOfHours, Severity: 1}}
		}), "off_limits", TrendRising, "trend.more_often", true, cartera.VerdictBoundaries},
		{"serious belittling before, worse now → rising", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(250, cartera.KindBelittling, 4), incident(20, cartera.KindBelittling, 5)}
		}), "severity", TrendRising, "trend.worse", true, cartera.VerdictBoundaries},
		{"serious belittling twice, long ago → easing", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(300, cartera.KindBelittling, 4), incident(250, cartera.KindBelittling, 4)}
		}), "severity", TrendEasing, "trend.easing", true, cartera.VerdictBoundaries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := run(tt.facts)
			b, ok := a.line(tt.line)
			if !ok {
				t.Fatalf("no %s breach: %+v", tt.line, a.Lines)
			}
			if b.Trend != tt.trend || b.Active != tt.active {
				t.Errorf("trend %q active %v, want %q %v (%d recent, %d earlier)", b.Trend, b.Active, tt.trend, tt.active, b.Recent, b.Earlier)
			}
			tr, _ := b.Msg.Get("trend")
			if m, _ := tr.(cartera.Message); m.Key != tt.msg {
				t.Errorf("trend message %v, want %q", tr, tt.msg)
			}
			if a.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s (%s)", a.Verdict, tt.verdict, keys(a.Reasons))
			}
		})
	}
}

// TestRisingBreachIsAReason: a rising red line is said among the reasons
// even when money decides the verdict, with its numbers in es and en; the
// payments over the line say their own trend.
func TestRisingBreachIsAReason(t *testing.T) {
	t.Parallel()
	reason := func(a Assessment, key string) cartera.Message {
		t.Helper()
		for _, r := range a.Reasons {
			if r.Key == key {
				return r
			}
		}
		t.Fatalf("no %s among the reasons: %s", key, keys(a.Reasons))
		return cartera.Message{}
	}
	lowMargin := func(f *cartera.ClientFacts) {
		f.Hours = cartera.HoursOf(300) // 10.500 € of hours on 12.000 €: margin 12,5 %
	}
	free := run(facts(lowMargin, func(f *cartera.ClientFacts) {
		f.FreeHoursMonth = []cartera.MonthHours{{Month: asOf.AddMonths(-8).Month(), Hours: cartera.HoursOf(6)},
			{Month: asOf.AddMonths(-3).Month(), Hours: cartera.HoursOf(6)}, {Month: asOf.AddMonths(-1).Month(), Hours: cartera.HoursOf(5)}}
		f.FreeHours = cartera.HoursOf(17)
	}))
	paid := run(facts(lowMargin, late([2]int{250, 40}, [2]int{60, 40}, [2]int{30, 45})))
	for _, a := range []Assessment{free, paid} {
		if a.Verdict != cartera.VerdictRenegotiate {
			t.Fatalf("verdict %s (%s)", a.Verdict, keys(a.Reasons))
		}
	}
	for _, m := range []cartera.Message{reason(free, "breach.free_hours"), reason(paid, "reason.late_payments")} {
		for lang, want := range map[i18n.Lang]string{
			i18n.ES: "en aumento: 2 en los últimos 6 meses frente a 1 en los 6 anteriores",
			i18n.EN: "rising: 2 in the last 6 months against 1 in the 6 before",
		} {
			if got := i18n.New(lang, time.UTC).Msg(m); !strings.Contains(got, want) {
				t.Errorf("%s: %q lacks %q", lang, got, want)
			}
		}
	}
	if has(paid.Reasons, "breach.days_late") {
		t.Errorf("the payments over the line are said twice: %s", keys(paid.Reasons))
	}
	// Easing and "worse" read in both languages too.
	eased := run(facts(late([2]int{300, 40}, [2]int{250, 40})))
	worse := run(facts(late([2]int{250, 35}, [2]int{30, 60})))
	for _, tc := range []struct {
		a    Assessment
		lang i18n.Lang
		want string
	}{
		{eased, i18n.ES, "remitiendo: ninguna vez en los últimos 6 meses"},
		{eased, i18n.EN, "easing: none in the last 6 months"},
		{worse, i18n.ES, "a peor: 60 días como máximo en los últimos 6 meses, frente a 35 días antes"},
		{worse, i18n.EN, "getting worse: at worst 60 days in the last 6 months, against 35 days before"},
	} {
		b, _ := tc.a.line("days_late")
		if got := i18n.New(tc.lang, time.UTC).Msg(b.Msg); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q lacks %q", tc.lang, got, tc.want)
		}
	}
}

func TestSlowerPaymentsWatch(t *testing.T) {
	t.Parallel()
	delay := func(e, r cartera.DelayHalf) func(*cartera.ClientFacts) {
		return func(f *cartera.ClientFacts) { f.Delay = [2]cartera.DelayHalf{e, r} }
	}
	// policy sets slower_days and slower_min_invoices (0: the defaults, 7
	// and 3).
	policy := func(days, min int) func(*cartera.Policy) {
		return func(p *cartera.Policy) {
			if days > 0 {
				p.SlowerDays = days
			}
			if min > 0 {
				p.SlowerMinInvoices = min
			}
		}
	}
	tests := []struct {
		name   string
		policy func(*cartera.Policy)
		facts  *cartera.ClientFacts
		want   bool
	}{
		{"from 2 to 9 days on average: exactly a week more → noted", nil, facts(delay(cartera.DelayHalf{Invoices: 6, Days: 12}, cartera.DelayHalf{Invoices: 6, Days: 54})), true},
		{"from 2 to 8 days → under a week, not noted", nil, facts(delay(cartera.DelayHalf{Invoices: 6, Days: 12}, cartera.DelayHalf{Invoices: 6, Days: 48})), false},
		{"three invoices in each half are enough", nil, facts(delay(cartera.DelayHalf{Invoices: 3, Days: 0}, cartera.DelayHalf{Invoices: 3, Days: 30})), true},
		{"two recently are too few", nil, facts(delay(cartera.DelayHalf{Invoices: 6, Days: 0}, cartera.DelayHalf{Invoices: 2, Days: 30})), false},
		{"two before are too few", nil, facts(delay(cartera.DelayHalf{Invoices: 2, Days: 0}, cartera.DelayHalf{Invoices: 6, Days: 60})), false},
		{"exactly at the days-late line on average → still noted", nil, facts(delay(cartera.DelayHalf{Invoices: 3, Days: 0}, cartera.DelayHalf{Invoices: 3, Days: 90})), true},
		{"past the line on average → not a watch note", nil, facts(delay(cartera.DelayHalf{Invoices: 3, Days: 0}, cartera.DelayHalf{Invoices: 3, Days: 93})), false},
		{"the days-late line counts → the breach says it", nil, facts(delay(cartera.DelayHalf{Invoices: 6, Days: 0}, cartera.DelayHalf{Invoices: 6, Days: 90}),
			late([2]int{30, 40})), false},
		{"paying faster → nothing", nil, facts(delay(cartera.DelayHalf{Invoices: 6, Days: 54}, cartera.DelayHalf{Invoices: 6, Days: 12})), false},
		// The settings move the outcome, each at its own boundary.
		{"slower_days=10: a week more is no longer enough", policy(10, 0), facts(delay(cartera.DelayHalf{Invoices: 6, Days: 12}, cartera.DelayHalf{Invoices: 6, Days: 54})), false},
		{"slower_days=10: exactly ten days more → noted", policy(10, 0), facts(delay(cartera.DelayHalf{Invoices: 6, Days: 12}, cartera.DelayHalf{Invoices: 6, Days: 72})), true},
		{"slower_days=5: from 2 to 7 days → noted", policy(5, 0), facts(delay(cartera.DelayHalf{Invoices: 6, Days: 12}, cartera.DelayHalf{Invoices: 6, Days: 42})), true},
		{"slower_days=5: from 2 to 6 days → not noted", policy(5, 0), facts(delay(cartera.DelayHalf{Invoices: 6, Days: 12}, cartera.DelayHalf{Invoices: 6, Days: 36})), false},
		{"slower_min_invoices=2: two in each half are enough", policy(0, 2), facts(delay(cartera.DelayHalf{Invoices: 2, Days: 0}, cartera.DelayHalf{Invoices: 2, Days: 20})), true},
		{"slower_min_invoices=4: three in a half are too few", policy(0, 4), facts(delay(cartera.DelayHalf{Invoices: 3, Days: 0}, cartera.DelayHalf{Invoices: 4, Days: 40})), false},
		{"slower_min_invoices=4: exactly four in each half → noted", policy(0, 4), facts(delay(cartera.DelayHalf{Invoices: 4, Days: 0}, cartera.DelayHalf{Invoices: 4, Days: 40})), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := cartera.DefaultPolicy()
			p.TimeZone = "UTC"
			if tt.policy != nil {
				tt.policy(&p)
			}
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			a := Assess(tt.facts, p, Query(asOf, p))
			if got := has(a.Watch, "watch.slower"); got != tt.want {
				t.Errorf("slower note %v, want %v (watch %s)", got, tt.want, keys(a.Watch))
			}
			if tt.want && a.Verdict != cartera.VerdictKeep {
				t.Errorf("a watch note changed the verdict: %s", a.Verdict)
			}
		})
	}
	a := run(facts(delay(cartera.DelayHalf{Invoices: 6, Days: 12}, cartera.DelayHalf{Invoices: 6, Days: 54})))
	for lang, want := range map[i18n.Lang]string{
		i18n.ES: "Paga cada vez más tarde: 9 días después del vencimiento de media en los últimos 6 meses, frente a 2 antes; aún por debajo de la línea de 30 días",
		i18n.EN: "Paying more slowly: 9 days after the due date on average in the last 6 months, against 2 before; still under the line of 30 days",
	} {
		if got := i18n.New(lang, time.UTC).Msg(a.Watch[0]); got != want {
			t.Errorf("%s:\n got %q\nwant %q", lang, got, want)
		}
	}
}

func TestDelayAverage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		h    cartera.DelayHalf
		want int
	}{{cartera.DelayHalf{}, 0}, {cartera.DelayHalf{Invoices: 2, Days: 3}, 2}, {cartera.DelayHalf{Invoices: 3, Days: 4}, 1}, {cartera.DelayHalf{Invoices: 4, Days: 2}, 1}} {
		if got := tc.h.AvgDays(); got != tc.want {
			t.Errorf("%+v: %d, want %d", tc.h, got, tc.want)
		}
	}
}

// TestTrendsInWhatWouldChangeIt: a line crossed on known dates says, with
// its trend, the day from which — with no new crossing — it no longer holds
// the verdict, and the engine has checked that the verdict moves then and
// not a day before.
func TestTrendsInWhatWouldChangeIt(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy()
	p.TimeZone = "UTC"
	x := New(p, Query(asOf, p))
	from := x.q.From
	tests := []struct {
		name    string
		facts   *cartera.ClientFacts
		line    string
		key     string // "" when no claim about the line is due
		verdict cartera.Verdict
		date    cartera.Date
	}{
		// Two recent late invoices (30 and 60 days ago), one before:
		// rising. The oldest leaves the window first, then the one due
		// 60 days ago leaves (on the day it is a year old), and the last
		// alone is past its half-life by then.
		{"rising days late → keep once only one remains and it has faded",
			facts(late([2]int{250, 40}, [2]int{60, 40}, [2]int{30, 40})), "days_late", "change.rising_quiet",
			cartera.VerdictKeep, asOf.AddDays(-60).AddMonths(12)},
		// Easing: three old ones; the verdict eases when the second
		// latest leaves the window.
		{"easing days late → keep when the second latest leaves the window",
			facts(late([2]int{300, 40}, [2]int{250, 40}, [2]int{200, 40})), "days_late", "change.easing_quiet",
			cartera.VerdictKeep, asOf.AddDays(-250).AddMonths(12)},
		{"rising discounts (20 % then 25 %) → keep when the older leaves; the later has faded by then",
			facts(discounts([2]int{200, 2000}, [2]int{20, 2500})), "discount", "change.rising_quiet",
			cartera.VerdictKeep, asOf.AddDays(-200).AddMonths(12)},
		{"a single recent discount → it fades a day after its half-life",
			facts(discounts([2]int{20, 2500})), "discount", "change.line_quiet",
			cartera.VerdictKeep, asOf.AddDays(-20).AddDays(p.BreachHalfLifeDays("discount") + 1)},
		// The margin holds the verdict whatever the days late do: no
		// claim about the line.
		{"rising days late under a low margin → no claim, the margin decides",
			facts(func(f *cartera.ClientFacts) { f.Hours = cartera.HoursOf(300) }, late([2]int{250, 40}, [2]int{60, 40}, [2]int{30, 45})),
			"days_late", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := x.Assess(tt.facts)
			var got []cartera.Message
			for _, m := range a.Change {
				if l, ok := m.Get("line"); ok && l.(cartera.Message).Key == "line."+tt.line {
					got = append(got, m)
				}
			}
			if tt.key == "" {
				if len(got) != 0 {
					t.Errorf("claims %s, want none", keys(got))
				}
				return
			}
			if len(got) != 1 || got[0].Key != tt.key {
				t.Fatalf("claims %s, want one %s (all: %s)", keys(got), tt.key, keys(a.Change))
			}
			d, _ := got[0].Get("date")
			v, _ := got[0].Get("verdict")
			if d != tt.date || v != tt.verdict {
				t.Errorf("%s on %s, want %s on %s", v, d, tt.verdict, tt.date)
			}
			// The engine agrees: on that day, with no new crossing, the
			// verdict is milder; the day before, it is not.
			days := cartera.DaysBetween(asOf, tt.date)
			on, _ := quiet(tt.facts, tt.line, days, from)
			before, _ := quiet(tt.facts, tt.line, days-1, from)
			if x.Judge(on).Verdict != tt.verdict || x.Judge(before).Verdict != a.Verdict {
				t.Errorf("on the day %s, the day before %s; want %s then %s", x.Judge(on).Verdict, x.Judge(before).Verdict, tt.verdict, a.Verdict)
			}
		})
	}
	// In both languages, with the trend.
	a := x.Assess(facts(late([2]int{250, 40}, [2]int{60, 40}, [2]int{30, 40})))
	for lang, want := range map[i18n.Lang]string{
		i18n.ES: "Días de retraso, en aumento: pasa a «Mantener» el 26 sept 2027 si no se vuelve a cruzar",
		i18n.EN: "Days late, now rising: moves to \"Keep\" on Sep 26, 2027 if it is not crossed again",
	} {
		if got := i18n.New(lang, time.UTC).Msg(a.Change[0]); got != want {
			t.Errorf("%s:\n got %q\nwant %q", lang, got, want)
		}
	}
}
