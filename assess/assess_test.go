package assess

import (
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

var asOf = cartera.DateOf(2026, 11, 25)

// facts builds a healthy client: 12 invoices of 1.000 € paid on time, 10
// hours a month, no incidents. Tests change what they need.
func facts(mutate ...func(*cartera.ClientFacts)) *cartera.ClientFacts {
	f := &cartera.ClientFacts{
		Client:         cartera.Client{ID: "C1", Name: "Cliente", Currency: "EUR"},
		Revenue:        1200000,
		InvoicesIssued: 12,
		Hours:          cartera.HoursOf(120),
		BillableHours:  cartera.HoursOf(110),
		InvoicesDue:    12,
	}
	for _, m := range mutate {
		m(f)
	}
	return f
}

// daysAgo returns an instant at noon, n days before the as-of date (a
// Wednesday: n a multiple of 7 is a Wednesday too).
func daysAgo(n int) time.Time {
	return asOf.AddDays(-n).Time(time.UTC).Add(12 * time.Hour)
}

func incident(days int, kind cartera.IncidentKind, sev int) cartera.IncidentFact {
	return cartera.IncidentFact{ID: "I", At: daysAgo(days), Kind: kind, Severity: sev}
}

func run(f *cartera.ClientFacts) Assessment {
	p := cartera.DefaultPolicy()
	p.TimeZone = "UTC"
	return Assess(f, p, Query(asOf, p))
}

func keys(ms []cartera.Message) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key)
	}
	return strings.Join(out, " ")
}

func TestEconomicFigures(t *testing.T) {
	t.Parallel()
	a := run(facts(func(f *cartera.ClientFacts) { f.Discounts = 50000; f.DiscountCount = 1 }))
	e := a.Economic
	// 120 h × 35 € = 4.200 €; cost = 4.200 + 500 = 4.700; margin = 7.300.
	if e.HoursCost.Amount != 420000 || e.CostToServe.Amount != 470000 || e.Margin.Amount != 730000 {
		t.Errorf("costs: %+v", e)
	}
	if e.MarginPct != 6083 {
		t.Errorf("margin pct %d, want 6083 (60,83 %%)", e.MarginPct)
	}
	if e.EffectiveRate.Amount != 10000 {
		t.Errorf("rate %d, want 100,00 € an hour", e.EffectiveRate.Amount)
	}
}

func TestVerdicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		facts   *cartera.ClientFacts
		verdict cartera.Verdict
		reason  string // a key that must be among the reasons
	}{
		{"healthy client → keep", facts(), cartera.VerdictKeep, "reason.healthy_margin"},
		{"no activity in the window → keep, saying so", facts(func(f *cartera.ClientFacts) {
			*f = cartera.ClientFacts{Client: f.Client}
		}), cartera.VerdictKeep, "reason.no_activity"},
		{"margin below the 20 % minimum → renegotiate", facts(func(f *cartera.ClientFacts) {
			f.Hours = cartera.HoursOf(280) // cost 9.800 of 12.000: 18 %
		}), cartera.VerdictRenegotiate, "reason.margin_low"},
		{"margin exactly at the minimum → keep", facts(func(f *cartera.ClientFacts) {
			f.Hours = cartera.Hours(27428) // 274,28 h × 35 € = 9.599,80 € → margin 20,0 %
		}), cartera.VerdictKeep, "reason.healthy_margin"},
		{"diva: hours far beyond what the invoices pay → renegotiate", facts(func(f *cartera.ClientFacts) {
			f.Revenue = 600000
			f.Hours = cartera.HoursOf(400)
		}), cartera.VerdictRenegotiate, "reason.hours_exceed_pay"},
		{"late payer with 3 of 4 invoices over 30 days → renegotiate", facts(func(f *cartera.ClientFacts) {
			f.InvoicesDue, f.LateInvoices, f.OverLimit, f.DaysLateSum, f.WorstDaysLate = 4, 3, 3, 150, 60
		}), cartera.VerdictRenegotiate, "reason.late_payments"},
		{"slow payer: half the invoices a little late → boundaries", facts(func(f *cartera.ClientFacts) {
			f.LateInvoices, f.DaysLateSum, f.WorstDaysLate = 6, 72, 15
		}), cartera.VerdictBoundaries, "reason.late_share"},
		{"one late payment in twelve → keep", facts(func(f *cartera.ClientFacts) {
			f.LateInvoices, f.DaysLateSum, f.WorstDaysLate = 1, 9, 9
		}), cartera.VerdictKeep, "reason.pays_mostly_on_time"},
		{"old overdue debt worth a quarter of revenue → renegotiate", facts(func(f *cartera.ClientFacts) {
			f.Overdue, f.OverdueCount, f.OldestOverdue = 300000, 3, asOf.AddDays(-70)
			f.LateInvoices, f.OverLimit, f.WorstDaysLate, f.DaysLateSum = 3, 3, 70, 150
		}), cartera.VerdictRenegotiate, "reason.overdue"},
		{"losing money and paying late → end", facts(func(f *cartera.ClientFacts) {
			f.Hours = cartera.HoursOf(500)
			f.InvoicesDue, f.LateInvoices, f.OverLimit, f.DaysLateSum, f.WorstDaysLate = 12, 10, 10, 600, 80
		}), cartera.VerdictEnd, "reason.margin_negative"},
		{"escalating yeller → end", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{
				incident(170, cartera.KindYelling, 2), incident(80, cartera.KindYelling, 3),
				incident(50, cartera.KindYelling, 3), incident(20, cartera.KindYelling, 4), incident(5, cartera.KindInsult, 4),
			}
		}), cartera.VerdictEnd, "escalation.frequency"},
		{"the same yelling, flat over a year → boundaries, not end", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{
				incident(330, cartera.KindYelling, 3), incident(250, cartera.KindYelling, 3),
				incident(170, cartera.KindYelling, 3), incident(90, cartera.KindYelling, 3), incident(10, cartera.KindYelling, 3),
			}
		}), cartera.VerdictBoundaries, "reason.incidents"},
		{"a severity-5 threat → end", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(40, cartera.KindThreat, 5)}
		}), cartera.VerdictEnd, "breach.severity"},
		{"a severity-4 insult, isolated, five months ago → boundaries", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(150, cartera.KindInsult, 4)}
		}), cartera.VerdictBoundaries, "breach.severity"},
		{"minor friction → keep", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(100, cartera.KindScopeCreep, 1), incident(203, cartera.KindPaymentExcuse, 1)} // Monday, Wednesday
		}), cartera.VerdictKeep, "reason.healthy_margin"},
		{"free hours over the monthly cap → boundaries", facts(func(f *cartera.ClientFacts) {
			f.FreeHours = cartera.HoursOf(6)
			f.FreeHoursMonth = []cartera.MonthHours{{Month: asOf.Month(), Hours: cartera.HoursOf(6)}}
		}), cartera.VerdictBoundaries, "breach.free_hours"},
		{"discounts over the maximum → boundaries", facts(func(f *cartera.ClientFacts) {
			f.Discounts, f.DiscountCount, f.DiscountsOver, f.MaxDiscount = 30000, 1, 1, 2500
		}), cartera.VerdictBoundaries, "breach.discount"},
		{"family friend gets the flag among the reasons", facts(func(f *cartera.ClientFacts) {
			f.Client.FamilyFriend = true
		}), cartera.VerdictKeep, "reason.family_friend"},
		{"hours without any invoice → renegotiate", facts(func(f *cartera.ClientFacts) {
			f.Revenue, f.InvoicesIssued, f.InvoicesDue = 0, 0, 0
		}), cartera.VerdictRenegotiate, "reason.cost_without_revenue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := run(tc.facts)
			if a.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s; reasons: %s; breaches: %s", a.Verdict, tc.verdict, keys(a.Reasons), keys(a.Breaches))
			}
			all := keys(a.Reasons) + " " + keys(a.Breaches) + " " + keys(a.Relational.Escalation)
			if !strings.Contains(all, tc.reason) {
				t.Errorf("missing %s in %s", tc.reason, all)
			}
			if len(a.Reasons) == 0 {
				t.Errorf("a verdict always carries reasons")
			}
		})
	}
}

func TestCostUnknownInForeignCurrency(t *testing.T) {
	t.Parallel()
	a := run(facts(func(f *cartera.ClientFacts) { f.Client.Currency = "USD"; f.Hours = cartera.HoursOf(900) }))
	if a.Economic.CostKnown || a.Economic.HoursCost.Amount != 0 {
		t.Errorf("no USD cost in the default policy: %+v", a.Economic)
	}
	if a.Verdict != cartera.VerdictKeep {
		t.Errorf("unknown cost must not invent a loss: %s", a.Verdict)
	}
}

func TestRelationalScoreDecays(t *testing.T) {
	t.Parallel()
	score := func(days int) float64 {
		return run(facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(days, cartera.KindYelling, 4)}
		})).Relational.Score
	}
	// weight 3 × severity 4 = 12 points, halved every 90 days.
	fresh, half, quarter := score(0), score(90), score(180)
	if fresh < 11.5 || fresh > 12 {
		t.Errorf("fresh incident: %v", fresh)
	}
	if half < 5.8 || half > 6.1 {
		t.Errorf("after one half-life: %v", half)
	}
	if quarter < 2.9 || quarter > 3.1 {
		t.Errorf("after two half-lives: %v", quarter)
	}
}

func TestEscalationDetector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		incidents []cartera.IncidentFact
		want      string // escalation keys, space separated
	}{
		{"nothing", nil, ""},
		{"two recent, none before: too few to call a trend", []cartera.IncidentFact{
			incident(10, cartera.KindYelling, 2), incident(20, cartera.KindYelling, 2)}, ""},
		{"three recent, none before: frequency rising", []cartera.IncidentFact{
			incident(10, cartera.KindYelling, 2), incident(20, cartera.KindYelling, 2), incident(30, cartera.KindYelling, 2)}, "escalation.frequency"},
		{"three recent against two before: exactly 1.5×, not rising", []cartera.IncidentFact{
			incident(10, cartera.KindScopeCreep, 2), incident(20, cartera.KindScopeCreep, 2), incident(30, cartera.KindScopeCreep, 2),
			incident(100, cartera.KindScopeCreep, 2), incident(120, cartera.KindScopeCreep, 2)}, ""},
		{"mean severity up a full point", []cartera.IncidentFact{
			incident(10, cartera.KindYelling, 3), incident(120, cartera.KindYelling, 2)}, "escalation.severity"},
		{"mean severity up less than a point", []cartera.IncidentFact{
			incident(10, cartera.KindYelling, 3), incident(120, cartera.KindYelling, 2), incident(130, cartera.KindYelling, 3)}, ""},
		{"three in a row, each worse, ending at 3", []cartera.IncidentFact{
			incident(150, cartera.KindBelittling, 1), incident(100, cartera.KindBelittling, 2), incident(95, cartera.KindBelittling, 3)}, "escalation.sequence"},
		{"rising sequence that ends low is not alarming", []cartera.IncidentFact{
			incident(150, cartera.KindScopeCreep, 1), incident(120, cartera.KindScopeCreep, 1), incident(100, cartera.KindScopeCreep, 2)}, ""},
		{"rising sequence too spread out", []cartera.IncidentFact{
			incident(300, cartera.KindYelling, 1), incident(200, cartera.KindYelling, 2), incident(95, cartera.KindYelling, 3)}, ""},
	}
	for _, tc := range tests {
		a := run(facts(func(f *cartera.ClientFacts) { f.Incidents = tc.incidents }))
		if got := keys(a.Relational.Escalation); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
		if a.Relational.Escalating != (tc.want != "") {
			t.Errorf("%s: Escalating = %v", tc.name, a.Relational.Escalating)
		}
	}
}

func TestEscalationMultipliesTheScore(t *testing.T) {
	t.Parallel()
	in := []cartera.IncidentFact{incident(10, cartera.KindYelling, 3), incident(120, cartera.KindYelling, 2)}
	p := cartera.DefaultPolicy()
	p.TimeZone = "UTC"
	q := Query(asOf, p)
	with := Assess(facts(func(f *cartera.ClientFacts) { f.Incidents = in }), p, q).Relational.Score
	p.EscalationFactor = 1
	without := Assess(facts(func(f *cartera.ClientFacts) { f.Incidents = in }), p, q).Relational.Score
	if with < without*1.45 || with > without*1.55 {
		t.Errorf("escalating score %v should be 1.5 × %v", with, without)
	}
}

func TestRedLines(t *testing.T) {
	t.Parallel()
	sunday := time.Date(2026, 11, 22, 19, 0, 0, 0, time.UTC)
	a := run(facts(func(f *cartera.ClientFacts) {
		f.InvoicesDue, f.LateInvoices, f.OverLimit, f.WorstDaysLate = 12, 2, 2, 45
		f.Incidents = []cartera.IncidentFact{
			{At: sunday, Kind: cartera.KindOutOfHours, Severity: 2},
			{At: daysAgo(400), Kind: cartera.KindOutOfHours, Severity: 2}, // outside the window
		}
	}))
	got := keys(a.Breaches)
	if got != "breach.days_late breach.off_limits" {
		t.Errorf("breaches: %s", got)
	}
	b := a.Breaches[1]
	if n, _ := b.Get("n"); n != 1 {
		t.Errorf("only the incident inside the window counts: %v", n)
	}
}

func TestFutureIncidentsAreIgnored(t *testing.T) {
	t.Parallel()
	a := run(facts(func(f *cartera.ClientFacts) {
		f.Incidents = []cartera.IncidentFact{{At: asOf.AddDays(3).Time(time.UTC), Kind: cartera.KindThreat, Severity: 5}}
	}))
	if a.Verdict != cartera.VerdictKeep || a.Relational.Score != 0 {
		t.Errorf("an incident after the as-of date must not count: %s %v", a.Verdict, a.Relational.Score)
	}
}
