package playbook

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/i18n"
)

func TestBothLanguagesHaveTheSameScripts(t *testing.T) {
	t.Parallel()
	es, en := ScriptNames(i18n.ES), ScriptNames(i18n.EN)
	if !reflect.DeepEqual(es, en) {
		t.Fatalf("Spanish %v, English %v", es, en)
	}
	want := append(names(Archetypes), BoundariesScript)
	for _, n := range want {
		found := false
		for _, x := range es {
			found = found || x == n
		}
		if !found {
			t.Errorf("no script %s", n)
		}
	}
	if len(es) != len(want) {
		t.Errorf("scripts %v, want %v", es, want)
	}
}

// leftover matches what an unfilled template or a formatting slip leaves.
var leftover = regexp.MustCompile(`\{\{|\}\}|<no value>|%!|\{[a-z_]+\}|\bnil\b|\bfalse\b|\btrue\b|0001`)

func TestScriptsRenderWithoutPlaceholders(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy()
	cfg := DefaultConfig()
	cal := NewCalendar(cfg.Weekend, holidays)
	shapes := map[string]Input{}

	full := base()
	full.Client.FamilyFriend, full.Client.Since = true, day(2021, 3, 1)
	full.Verdict = cartera.VerdictEnd
	full.Economic.Revenue, full.Economic.Hours, full.Economic.BillableHours = eur(780000), cartera.HoursOf(456), cartera.HoursOf(296)
	full.Economic.FreeHours, full.Economic.Concessions = cartera.HoursOf(12), eur(45000)
	full.Payment = assessPayment(5, 12, 48, 90, 2, 240000, asOf.AddDays(-70))
	full.Relational.ByKind = map[cartera.IncidentKind]int{cartera.KindYelling: 3, cartera.KindInsult: 1,
		cartera.KindNotListening: 2, cartera.KindScopeCreep: 2, cartera.KindOutOfHours: 4, cartera.KindPaymentExcuse: 3}
	full.Relational.Abuse, full.Relational.Incidents, full.Relational.Escalating = 4, 15, true
	full.Relational.Last = cartera.IncidentFact{At: asOf.Time(time.UTC), Kind: cartera.KindInsult, Severity: 4}
	shapes["everything, ending"] = Input{Assessment: full,
		Contacts: []cartera.Contact{{ID: "P1", Name: "Ana Gil", Role: "Gerente", Seniority: 5}}}

	bare := base()
	bare.Verdict = cartera.VerdictBoundaries
	bare.Client.Owner = ""
	bare.Economic.CostKnown = false
	bare.Payment = assessPayment(0, 0, 0, 0, 1, 50000, asOf.AddDays(-45))
	bare.Relational.ByKind = map[cartera.IncidentKind]int{cartera.KindNotListening: 1, cartera.KindThreat: 1}
	bare.Relational.Abuse = 1
	shapes["nothing optional, boundaries"] = Input{Assessment: bare}

	renegotiate := base()
	renegotiate.Verdict = cartera.VerdictRenegotiate
	renegotiate.Payment = assessPayment(1, 12, 20, 20, 0, 0, 0)
	shapes["one of each, renegotiate"] = Input{Assessment: renegotiate}

	for shape, in := range shapes {
		d := Detect(in, p, cfg)
		refs := []cartera.Referral{{ID: "R1", Service: "diseño", Name: "Estudio Norte", Email: "hola@norte.es"}}
		f := NewFacts(in, d, p, cfg, refs)
		fu, _ := FollowUp(in.Assessment.Client, "I-1", asOf, 0, cal, cfg)
		f = f.WithListenPlan(ListenPlan{FollowUp: fu, Offer: IntermediateOffer(in, nil, p), Interlocutor: SuggestInterlocutor(in, "")})
		if len(f.Referrals) != 1 {
			t.Errorf("%s: referral for %q not matched", shape, f.Service)
		}
		for _, lang := range i18n.Langs {
			pr := i18n.New(lang, time.UTC)
			for _, name := range ScriptNames(lang) {
				blocks, err := RenderScript(name, f, pr)
				if err != nil {
					t.Fatalf("%s %s %s: %v", shape, lang, name, err)
				}
				kinds := map[string]int{}
				for _, b := range blocks {
					kinds[b.Kind]++
					if m := leftover.FindString(b.Text); m != "" {
						t.Errorf("%s %s %s: %q left in %q", shape, lang, name, m, b.Text)
					}
					if strings.Contains(b.Text, "  ") || strings.HasSuffix(b.Text, " .") || strings.Contains(b.Text, " ,") ||
						strings.Contains(b.Text, "..") || strings.Contains(b.Text, ",.") {
						t.Errorf("%s %s %s: stray spacing or punctuation in %q", shape, lang, name, b.Text)
					}
				}
				if kinds["title"] != 1 {
					t.Errorf("%s %s %s: %d titles", shape, lang, name, kinds["title"])
				}
				if name != BoundariesScript && (kinds["tempted"] == 0 || kinds["tempted"] != kinds["instead"] || kinds["reply"] != kinds["answer"] || kinds["reply"] == 0) {
					t.Errorf("%s %s %s: every script pairs tempted/instead and reply/answer: %v", shape, lang, name, kinds)
				}
				if name == BoundariesScript && kinds["msg"] < 5 {
					t.Errorf("%s %s: the boundaries message is too short: %v", shape, lang, kinds)
				}
			}
		}
	}
}

func assessPayment(late, due, avg, worst, overdue int, amount int64, since cartera.Date) (pm assess.Payment) {
	pm.InvoicesDue, pm.Late, pm.AvgDaysLate, pm.WorstDaysLate = due, late, avg, worst
	pm.OverdueCount, pm.OverdueAmount, pm.OldestOverdue = overdue, eur(amount), since
	return pm
}

func TestScriptFactsAreTheClients(t *testing.T) {
	t.Parallel()
	a := base()
	a.Economic.Revenue, a.Economic.Hours = eur(780000), cartera.HoursOf(456)
	f := NewFacts(Input{Assessment: a}, Detection{}, cartera.DefaultPolicy(), DefaultConfig(), nil)
	// 7 800 € pays 222,86 h at 35 €/h (about 223 h), 233 h fewer than worked;
	// 650 € a month, 80 % of it at 35 €/h is 14,86 h → a cap of 14 h.
	if f.PaidHours != 22300 || f.ExtraHours != 23300 || f.MonthlyHours != 3800 || f.MonthlyRevenue.Amount != 65000 || f.HoursCap != cartera.HoursOf(14) {
		t.Errorf("paid %s, extra %s, monthly %v, cap %s", f.PaidHours, f.ExtraHours, f.MonthlyRevenue, f.HoursCap)
	}
	if _, err := RenderScript("nope", f, i18n.New(i18n.ES, nil)); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("unknown script: %v", err)
	}
}

func TestParseBlocksRefusesStrayLines(t *testing.T) {
	t.Parallel()
	if _, err := parseBlocks("x", "title: A\nplain text\n"); err == nil {
		t.Error("a line without a kind")
	}
	if _, err := parseBlocks("x", "shout: A\n"); err == nil {
		t.Error("an unknown kind")
	}
	b, err := parseBlocks("x", "  say:   uno   dos\u00a0€ \n\n")
	if err != nil || len(b) != 1 || b[0].Text != "uno dos\u00a0€" {
		t.Errorf("%q %v", b, err)
	}
}

func TestHostileNamesDoNotBreakScripts(t *testing.T) {
	t.Parallel()
	a := base()
	a.Client.Name = "Hostil\n{{.Revenue}} | *x*\r\nsay: fake\u2028line"
	a.Client.Owner = "Ana\tLópez"
	a.Client.FamilyFriend = true
	in := Input{Assessment: a, Contacts: []cartera.Contact{{ID: "P", Name: "Eva\nRuiz", Role: "Jefa\x00", Seniority: 5}}}
	d := Detect(in, cartera.DefaultPolicy(), DefaultConfig())
	f := NewFacts(in, d, cartera.DefaultPolicy(), DefaultConfig(), nil)
	for _, lang := range i18n.Langs {
		blocks, err := RenderScript(string(FamilyFriend), f, i18n.New(lang, nil))
		if err != nil {
			t.Fatal(err)
		}
		if blocks[0].Kind != "title" || !strings.Contains(blocks[0].Text, "{{.Revenue}}") || strings.ContainsAny(blocks[0].Text, "\n\r\u2028") {
			t.Errorf("%s: title %q", lang, blocks[0].Text)
		}
		for _, b := range blocks {
			if b.Kind == "say" {
				t.Errorf("a name injected a block: %q", b.Text)
			}
		}
		if _, err := RenderScript(BoundariesScript, f, i18n.New(lang, nil)); err != nil {
			t.Fatal(err)
		}
	}
}
