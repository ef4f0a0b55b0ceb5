package assess

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// sunday returns an instant on a Sunday morning n weeks before the as-of
// date (a Wednesday): inside the default protected hours.
func sunday(weeks int) time.Time {
	return asOf.AddDays(-3 - 7*weeks).Time(time.UTC).Add(10 * time.Hour)
}

func has(ms []cartera.Message, key string) bool {
	for _, m := range ms {
		if m.Key == key {
			return true
		}
	}
	return false
}

func TestBreachesFade(t *testing.T) {
	t.Parallel()
	half := cartera.DefaultPolicy().BreachHalfLifeDays("severity") // 180
	tests := []struct {
		name    string
		facts   *cartera.ClientFacts
		verdict cartera.Verdict
		breach  bool   // the breach still counts
		watch   string // a key among the watch notes
	}{
		{"severity-4 insult exactly at the half-life → still counts", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(half, cartera.KindInsult, 4)}
		}), cartera.VerdictBoundaries, true, ""},
		{"severity-4 insult a day past the half-life → a watch note", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(half+1, cartera.KindInsult, 4)}
		}), cartera.VerdictKeep, false, "watch.old_breach"},
		{"two old severity-4 incidents → repeated, still counts", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(300, cartera.KindBelittling, 4), incident(250, cartera.KindBelittling, 4)}
		}), cartera.VerdictBoundaries, true, ""},
		{"one invoice 36 days late ten months ago → payment stays low, keep", facts(func(f *cartera.ClientFacts) {
			late([2]int{300, 36})(f)
		}), cartera.VerdictKeep, false, "watch.old_breach"},
		{"one invoice 36 days late last month → boundaries", facts(func(f *cartera.ClientFacts) {
			late([2]int{30, 36})(f)
		}), cartera.VerdictBoundaries, true, ""},
		{"days late exactly at its half-life (120) → counts", facts(func(f *cartera.ClientFacts) {
			late([2]int{120, 36})(f)
		}), cartera.VerdictBoundaries, true, ""},
		{"one launch month of free hours nine months ago → keep, watch", facts(func(f *cartera.ClientFacts) {
			m := asOf.AddMonths(-9).Month()
			f.FreeHours = cartera.HoursOf(10)
			f.FreeHoursMonth = []cartera.MonthHours{{Month: m, Hours: cartera.HoursOf(10)}}
		}), cartera.VerdictKeep, false, "watch.old_breach"},
		{"one Sunday call of severity 1 ten months ago → keep, watch", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{{ID: "I", At: sunday(43), Kind: cartera.KindOutOfHours, Severity: 1}}
		}), cartera.VerdictKeep, false, "watch.old_breach"},
		{"a Sunday call last week → boundaries", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{{ID: "I", At: sunday(1), Kind: cartera.KindOutOfHours, Severity: 1}}
		}), cartera.VerdictBoundaries, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := run(tt.facts)
			if a.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s; reasons %s; breaches %s; watch %s", a.Verdict, tt.verdict, keys(a.Reasons), keys(a.Breaches), keys(a.Watch))
			}
			if got := len(a.Breaches) > 0; got != tt.breach {
				t.Errorf("breach counts: %v, want %v (%+v)", got, tt.breach, a.Lines)
			}
			if tt.watch != "" && !has(a.Watch, tt.watch) {
				t.Errorf("watch %s, want %s", keys(a.Watch), tt.watch)
			}
			if len(a.Change) == 0 {
				t.Errorf("no change listed for %s", a.Verdict)
			}
		})
	}
}

func TestAbuseOutweighsMoney(t *testing.T) {
	t.Parallel()
	from := func(c string, in cartera.IncidentFact) cartera.IncidentFact { in.ContactID = c; return in }
	tests := []struct {
		name    string
		facts   *cartera.ClientFacts
		verdict cartera.Verdict
		reason  string
		change  string
	}{
		{"one severity-4 threat on a 65 % margin → end", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(40, cartera.KindThreat, 4)}
		}), cartera.VerdictEnd, "reason.abuse_threat", "change.abuse_final"},
		{"a severity-3 threat → not abuse that ends", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(40, cartera.KindThreat, 3)}
		}), cartera.VerdictBoundaries, "reason.incidents", "change.threat_next"},
		{"four severity-4 insults in seven months → end", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(210, cartera.KindInsult, 4), incident(150, cartera.KindInsult, 4),
				incident(90, cartera.KindInsult, 4), incident(20, cartera.KindInsult, 4)}
		}), cartera.VerdictEnd, "reason.abuse_repeated", "change.abuse_final"},
		{"three serious at the window's edge (180 days) → end", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(179, cartera.KindYelling, 4), incident(100, cartera.KindInsult, 5),
				incident(10, cartera.KindYelling, 4)}
		}), cartera.VerdictEnd, "reason.abuse_repeated_mixed", ""},
		{"the first of three just outside the window → boundaries, one more ends it", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(181, cartera.KindYelling, 4), incident(100, cartera.KindInsult, 4),
				incident(10, cartera.KindYelling, 4)}
		}), cartera.VerdictBoundaries, "breach.severity", "change.abuse_next"},
		{"all the abuse from one contact → change the interlocutor first", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{from("K1", incident(120, cartera.KindInsult, 4)), from("K1", incident(60, cartera.KindInsult, 4)),
				from("K1", incident(10, cartera.KindYelling, 4))}
		}), cartera.VerdictBoundaries, "reason.abuse_one_contact", "change.one_contact_continues"},
		{"abuse from two contacts → end", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{from("K1", incident(120, cartera.KindInsult, 4)), from("K2", incident(60, cartera.KindInsult, 4)),
				from("K1", incident(10, cartera.KindYelling, 4))}
		}), cartera.VerdictEnd, "reason.abuse_outweighs_money", ""},
		{"a severity-4 threat from one contact → end anyway", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{from("K1", incident(10, cartera.KindThreat, 4))}
		}), cartera.VerdictEnd, "reason.abuse_threat", "change.abuse_final"},
		{"one contact's serious yelling plus a threat → end", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{from("K1", incident(120, cartera.KindYelling, 4)), from("K1", incident(60, cartera.KindYelling, 4)),
				from("K1", incident(30, cartera.KindYelling, 4)), from("K1", incident(10, cartera.KindThreat, 4))}
		}), cartera.VerdictEnd, "reason.abuse_outweighs_money", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := run(tt.facts)
			if a.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s; reasons %s", a.Verdict, tt.verdict, keys(a.Reasons))
			}
			if !has(a.Reasons, tt.reason) {
				t.Errorf("reasons %s, want %s", keys(a.Reasons), tt.reason)
			}
			if tt.change != "" && !has(a.Change, tt.change) {
				t.Errorf("change %s, want %s", keys(a.Change), tt.change)
			}
		})
	}
}

func TestWatchNotes(t *testing.T) {
	t.Parallel()
	taunts := func(n int) *cartera.ClientFacts {
		return facts(func(f *cartera.ClientFacts) {
			for i := 0; i < n; i++ {
				f.Incidents = append(f.Incidents, incident(300-70*i, cartera.KindCompetitorTaunt, 1))
			}
		})
	}
	if a := run(taunts(3)); a.Verdict != cartera.VerdictKeep || !has(a.Watch, "watch.kind") {
		t.Errorf("3 taunts (the threshold): verdict %s, watch %s; want keep with watch.kind", a.Verdict, keys(a.Watch))
	}
	if a := run(taunts(2)); has(a.Watch, "watch.kind") {
		t.Errorf("2 taunts: watch %s, want none", keys(a.Watch))
	}
	// Many patterns: ranked and limited.
	a := run(facts(func(f *cartera.ClientFacts) {
		for i := 0; i < 4; i++ {
			f.Incidents = append(f.Incidents, incident(300-70*i, cartera.KindCompetitorTaunt, 1),
				incident(301-70*i, cartera.KindPaymentExcuse, 1), incident(302-70*i, cartera.KindScopeCreep, 1))
		}
		f.LateInvoices, f.DaysLateSum = 2, 20
		f.FreeHoursMonth = []cartera.MonthHours{{Month: asOf.AddMonths(-3).Month(), Hours: 100}, {Month: asOf.AddMonths(-2).Month(), Hours: 100}, {Month: asOf.AddMonths(-1).Month(), Hours: 100}}
	}))
	if len(a.Watch) != cartera.DefaultPolicy().WatchNotes {
		t.Errorf("watch %s: want %d notes", keys(a.Watch), cartera.DefaultPolicy().WatchNotes)
	}
}

// TestProtectedHoursNameWhatHappened checks, for every kind of incident
// against every red line — those it can cross itself (protected hours,
// severity) and, crossed alongside, every other — that no reason, breach,
// watch note or change names it by another kind's name, in Spanish and
// English.
func TestProtectedHoursNameWhatHappened(t *testing.T) {
	t.Parallel()
	for _, lang := range []i18n.Lang{i18n.ES, i18n.EN} {
		pr := i18n.New(lang, time.UTC)
		names := kindNames(pr)
		for _, k := range cartera.IncidentKinds {
			for _, c := range []struct {
				sev   int  // under (1) and over (4) the severity line
				lines bool // every other red line crossed too
			}{{1, false}, {4, false}, {1, true}, {4, true}} {
				sev := c.sev
				other := func(*cartera.ClientFacts) {}
				if c.lines {
					other = func(f *cartera.ClientFacts) {
						discounts([2]int{200, 2000}, [2]int{20, 2500})(f)
						late([2]int{250, 40}, [2]int{60, 40}, [2]int{30, 40})(f)
						f.FreeHours = cartera.HoursOf(11)
						f.FreeHoursMonth = []cartera.MonthHours{{Month: asOf.AddMonths(-3).Month(), Hours: cartera.HoursOf(6)},
							{Month: asOf.AddMonths(-1).Month(), Hours: cartera.HoursOf(5)}}
						f.Hours = cartera.HoursOf(300) // margin 12,5 %
					}
				}
				a := run(facts(other, func(f *cartera.ClientFacts) {
					for w := 0; w < 3; w++ {
						f.Incidents = append(f.Incidents, cartera.IncidentFact{ID: "I", At: sunday(w), Kind: k, Severity: sev})
					}
				}))
				if c.lines && len(a.Lines) < 4 { // discount, free hours, days late, margin; the incident lines as the kind and severity cross them
					t.Errorf("%s: lines %+v, want every line crossed", k, a.Lines)
				}
				if cartera.DefaultPolicy().IsContact(k) != has(a.Breaches, "breach.off_limits") {
					t.Errorf("%s: protected-hours breach %v, want %v", k, !cartera.DefaultPolicy().IsContact(k), cartera.DefaultPolicy().IsContact(k))
				}
				var all []cartera.Message
				all = append(append(append(append(all, a.Reasons...), a.Breaches...), a.Watch...), a.Change...)
				for _, m := range all {
					text := strings.ToLower(pr.Msg(m))
					for other, words := range names {
						if other == k {
							continue
						}
						for _, w := range words {
							if strings.Contains(text, w) {
								t.Errorf("%s %s severity %d: %q names %s (%q)", lang, k, sev, text, other, w)
							}
						}
					}
				}
			}
		}
	}
}

// kindNames are the words that name each kind of incident: its label, and
// for out-of-hours demands the words that used to stand for every kind.
func kindNames(pr *i18n.Printer) map[cartera.IncidentKind][]string {
	out := map[cartera.IncidentKind][]string{}
	for _, k := range cartera.IncidentKinds {
		out[k] = []string{strings.ToLower(pr.T("kind." + string(k)))}
	}
	out[cartera.KindOutOfHours] = append(out[cartera.KindOutOfHours], "request", "petici", "demand", "exigencia")
	return out
}

// TestOldBreachSaysWhen: a breach that still counts (it recurred) but whose
// latest crossing is months old says how long ago, in the breach itself.
func TestOldBreachSaysWhen(t *testing.T) {
	t.Parallel()
	a := run(facts(func(f *cartera.ClientFacts) {
		f.LateInvoices, f.OverLimit, f.WorstDaysLate, f.DaysLateSum = 2, 2, 40, 78
		f.LastOverLimit = asOf.AddDays(-150)
	}))
	es, en := i18n.New(i18n.ES, time.UTC), i18n.New(i18n.EN, time.UTC)
	if len(a.Breaches) != 1 || !strings.Contains(es.Msg(a.Breaches[0]), "la última vencía hace 5 meses") ||
		!strings.Contains(en.Msg(a.Breaches[0]), "the latest was due 5 months ago") {
		t.Errorf("breaches: %v", a.Breaches)
	}
	recent := run(facts(func(f *cartera.ClientFacts) {
		f.LateInvoices, f.OverLimit, f.WorstDaysLate, f.DaysLateSum = 2, 2, 40, 78
		f.LastOverLimit = asOf.AddDays(-20)
	}))
	if len(recent.Breaches) != 1 || strings.Contains(en.Msg(recent.Breaches[0]), "latest") {
		t.Errorf("a recent breach: %v", en.Msg(recent.Breaches[0]))
	}
}

// Judge is Assess without what would change the verdict: everything else
// is the same.
func TestJudgeIsAssessWithoutChange(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy()
	p.TimeZone = "UTC"
	x := New(p, Query(asOf, p))
	for _, f := range []*cartera.ClientFacts{
		facts(func(*cartera.ClientFacts) {}),
		facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(10, cartera.KindThreat, 5)}
		}),
		facts(func(f *cartera.ClientFacts) {
			late([2]int{30, 36})(f)
		}),
	} {
		full, judged := x.Assess(f), x.Judge(f)
		if len(full.Change) == 0 || len(judged.Change) != 0 {
			t.Errorf("change: assess %d, judge %d", len(full.Change), len(judged.Change))
		}
		full.Change = nil
		if !reflect.DeepEqual(full, judged) {
			t.Errorf("judge differs from assess beyond Change:\n%+v\n%+v", judged, full)
		}
	}
}

// TestEveryLineAtItsHalfLife: for every red line that happens on a date,
// one crossing exactly at the line's half-life still counts (boundaries),
// and a day later it has faded into a watch note (keep).
func TestEveryLineAtItsHalfLife(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy()
	p.TimeZone = "UTC"
	// No month ends 90 days before 25 Nov 2026: the free-hours line is
	// tested with a half-life that a month's end meets (31 Jul, 117 days).
	p.BreachHalfLife = map[string]int{"discount": 120, "free_hours": 117, "days_late": 120, "off_limits": 60, "severity": 180}
	// cross gives one crossing of the line, age days ago.
	cross := map[string]func(age int) func(*cartera.ClientFacts){
		"discount": func(age int) func(*cartera.ClientFacts) { return discounts([2]int{age, 2500}) },
		"free_hours": func(age int) func(*cartera.ClientFacts) {
			return func(f *cartera.ClientFacts) {
				f.FreeHours = cartera.HoursOf(6)
				f.FreeHoursMonth = []cartera.MonthHours{{Month: asOf.AddDays(-age).Month(), Hours: cartera.HoursOf(6)}}
			}
		},
		"days_late": func(age int) func(*cartera.ClientFacts) { return late([2]int{age, 40}) },
		"off_limits": func(age int) func(*cartera.ClientFacts) {
			return func(f *cartera.ClientFacts) {
				// 22:00 is protected on every day of the week.
				at := asOf.AddDays(-age).Time(time.UTC).Add(22 * time.Hour)
				f.Incidents = []cartera.IncidentFact{{ID: "I", At: at, Kind: cartera.KindOutOfHours, Severity: 1}}
			}
		},
		"severity": func(age int) func(*cartera.ClientFacts) {
			return func(f *cartera.ClientFacts) {
				f.Incidents = []cartera.IncidentFact{incident(age, cartera.KindBelittling, 4)}
			}
		},
	}
	for _, line := range cartera.BreachLines {
		half := p.BreachHalfLifeDays(line)
		for _, tc := range []struct {
			age     int
			active  bool
			verdict cartera.Verdict
		}{{half, true, cartera.VerdictBoundaries}, {half + 1, false, cartera.VerdictKeep}} {
			q := p
			if line == "free_hours" && !tc.active {
				// A month is dated at its end: the same month a day
				// older is a half-life a day shorter.
				tc.age = half
				q.BreachHalfLife = map[string]int{"free_hours": half - 1}
			}
			a := Assess(facts(cross[line](tc.age)), q, Query(asOf, q))
			b, ok := a.line(line)
			if !ok {
				t.Fatalf("%s at %d days: not crossed (%+v)", line, tc.age, a.Lines)
			}
			if b.AgeDays != tc.age || b.Active != tc.active || a.Verdict != tc.verdict {
				t.Errorf("%s at %d days (half-life %d): age %d, active %v, %s; want active %v, %s (%s)",
					line, tc.age, half, b.AgeDays, b.Active, a.Verdict, tc.active, tc.verdict, keys(a.Reasons))
			}
			if !tc.active && !has(a.Watch, "watch.old_breach") {
				t.Errorf("%s faded: watch %s, want watch.old_breach", line, keys(a.Watch))
			}
		}
	}
}

// TestWhatWouldChangeIt: each claim in "what would change it" is there
// when its facts apply, and says the verdict the engine found on the
// altered facts.
func TestWhatWouldChangeIt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		facts   *cartera.ClientFacts
		verdict cartera.Verdict // the client's
		key     string
		to      cartera.Verdict // the claim's verdict ("" when it has none)
	}{
		{"a large old overdue debt → paying it", facts(func(f *cartera.ClientFacts) {
			f.Overdue, f.OverdueCount, f.OldestOverdue = 500000, 3, asOf.AddDays(-60)
		}), cartera.VerdictRenegotiate, "change.pay_overdue", cartera.VerdictKeep},
		{"3 of 4 invoices over the line → 3 more paid within it", facts(late([2]int{90, 40}, [2]int{60, 40}, [2]int{30, 40}), func(f *cartera.ClientFacts) {
			f.InvoicesDue = 4
		}), cartera.VerdictRenegotiate, "change.pay_next", cartera.VerdictBoundaries},
		{"4 of 10 invoices a little late → enough more paid on time", facts(func(f *cartera.ClientFacts) {
			f.InvoicesDue, f.LateInvoices, f.DaysLateSum, f.WorstDaysLate = 10, 4, 40, 10
		}), cartera.VerdictBoundaries, "change.pay_on_time", cartera.VerdictKeep},
		{"a 12,5 % margin → the growth that reaches 20 %", facts(func(f *cartera.ClientFacts) { f.Hours = cartera.HoursOf(300) }),
			cartera.VerdictRenegotiate, "change.margin", cartera.VerdictKeep},
		{"two recent moderate scope creeps → time without incidents", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{incident(14, cartera.KindScopeCreep, 3), incident(7, cartera.KindScopeCreep, 3)}
		}), cartera.VerdictBoundaries, "change.calm", cartera.VerdictKeep},
		{"a single Sunday call → when it stops weighing", facts(func(f *cartera.ClientFacts) {
			f.Incidents = []cartera.IncidentFact{{ID: "I", At: sunday(1), Kind: cartera.KindOutOfHours, Severity: 1}}
		}), cartera.VerdictBoundaries, "change.breach_fades", ""},
		{"a healthy client → how far the margin can fall", facts(), cartera.VerdictKeep, "change.margin_cushion", ""},
		{"a healthy client → the severity that crosses the line", facts(), cartera.VerdictKeep, "change.severity_next", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := run(tt.facts)
			if a.Verdict != tt.verdict {
				t.Fatalf("verdict %s, want %s (%s)", a.Verdict, tt.verdict, keys(a.Reasons))
			}
			for _, m := range a.Change {
				if m.Key != tt.key {
					continue
				}
				if v, _ := m.Get("verdict"); tt.to != "" && v != tt.to {
					t.Errorf("%s moves to %v, want %s", tt.key, v, tt.to)
				}
				return
			}
			t.Errorf("change %s, want %s", keys(a.Change), tt.key)
		})
	}
}

// TestOnTimeShareNeeded: the fewest invoices paid on time that bring the
// share of late ones under the warning, at and around the line.
func TestOnTimeShareNeeded(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy() // warning at 30 %
	for _, tc := range []struct{ late, due, want int }{
		{4, 10, 4}, // 4/14 = 28.6 %; 4/13 = 30.8 % is not enough
		{3, 10, 1}, // exactly at the warning: one more takes it under
		{2, 10, 0}, // already under
		{0, 0, 0},
		{12, 12, 29}, // 12/41 = 29.3 %
	} {
		f := &cartera.ClientFacts{InvoicesDue: tc.due, LateInvoices: tc.late}
		if got := onTimeShareNeeded(f, p); got != tc.want {
			t.Errorf("%d late of %d: %d, want %d", tc.late, tc.due, got, tc.want)
		}
	}
}

// TestContactKindsAreThePolicys: a kind the user marks as contact crosses
// protected hours and is named as itself; unmarked, the same incidents
// cross nothing.
func TestContactKindsAreThePolicys(t *testing.T) {
	t.Parallel()
	f := facts(func(f *cartera.ClientFacts) {
		for w := 0; w < 2; w++ {
			f.Incidents = append(f.Incidents, cartera.IncidentFact{ID: "I", At: sunday(w), Kind: cartera.KindNotListening, Severity: 1})
		}
	})
	p := cartera.DefaultPolicy()
	p.TimeZone = "UTC"
	if a := Assess(f, p, Query(asOf, p)); has(a.Breaches, "breach.off_limits") || a.Verdict != cartera.VerdictKeep {
		t.Errorf("by default: %s, breaches %s; want keep, none", a.Verdict, keys(a.Breaches))
	}
	if err := p.Set("contact_kinds", "out_of_hours, scope_creep, not_listening"); err != nil {
		t.Fatal(err)
	}
	a := Assess(f, p, Query(asOf, p))
	if !has(a.Breaches, "breach.off_limits") || a.Verdict != cartera.VerdictBoundaries {
		t.Fatalf("marked as contact: %s, breaches %s; want boundaries, off_limits", a.Verdict, keys(a.Breaches))
	}
	for _, lang := range []i18n.Lang{i18n.ES, i18n.EN} {
		pr := i18n.New(lang, time.UTC)
		want := pr.T("kind.not_listening")
		for _, m := range a.Breaches {
			if got := pr.Msg(m); m.Key == "breach.off_limits" && !strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
				t.Errorf("%s: %q does not name %q", lang, got, want)
			}
		}
	}
}

// TestFadingClaimOnlyWhenItMovesTheVerdict: a single Sunday call says when
// it stops weighing only when nothing else holds the verdict.
func TestFadingClaimOnlyWhenItMovesTheVerdict(t *testing.T) {
	t.Parallel()
	call := func(f *cartera.ClientFacts) {
		f.Incidents = []cartera.IncidentFact{{ID: "I", At: sunday(1), Kind: cartera.KindOutOfHours, Severity: 1}}
	}
	if a := run(facts(call)); !has(a.Change, "change.breach_fades") {
		t.Errorf("alone: change %s, want change.breach_fades", keys(a.Change))
	}
	// Two recent discounts over the line hold boundaries for months.
	if a := run(facts(call, discounts([2]int{40, 2500}, [2]int{20, 2500}))); a.Verdict != cartera.VerdictBoundaries || has(a.Change, "change.breach_fades") {
		t.Errorf("with discounts: %s, change %s; want boundaries without change.breach_fades", a.Verdict, keys(a.Change))
	}
}
