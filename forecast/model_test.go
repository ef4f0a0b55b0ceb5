package forecast

import (
	"testing"

	"github.com/cartera/cartera"
)

var asOf = cartera.DateOf(2026, 11, 25)

func day(n int) cartera.Date { return asOf.AddDays(-n) }

// deal is an open deal in proposal, created 20 days ago, fully qualified,
// checked yesterday, expected to close next month.
func deal() cartera.DealFacts {
	f := cartera.DealFacts{Deal: cartera.Deal{ID: "D1", Title: "Web", Owner: "Lucía",
		Value: cartera.Money{Amount: 1000000, Currency: "EUR"}, Stage: "proposal", StageSince: day(20), Created: day(20),
		ExpectedClose: asOf.AddDays(30), Outcome: cartera.OutcomeOpen,
		Qualification: cartera.Qualification{Need: cartera.Yes, Capacity: cartera.Yes, DecisionMaker: cartera.Yes}}}
	f.Evidence.Add(cartera.SignalStatusCheck, day(1), 0)
	f.Evidence.Add(cartera.SignalMeetingHeld, day(10), 0)
	return f
}

func keys(g Grounded) []string {
	var out []string
	for _, f := range g.Factors {
		out = append(out, f.Reason.Key)
	}
	return out
}

func has(g Grounded, key string) bool {
	for _, k := range keys(g) {
		if k == key {
			return true
		}
	}
	return false
}

func TestEachFactorMovesTheProbabilityItsWay(t *testing.T) {
	m := New(cartera.DefaultPipeline(), nil)
	base := m.Ground(ptr(deal()), asOf)
	if base.P <= 4000 || base.P > 5000 || !has(base, "forecast.f.signal") || base.Stale {
		t.Fatalf("baseline: %v %v stale=%v", base.P, keys(base), base.Stale)
	}
	tests := []struct {
		name string
		edit func(*cartera.DealFacts)
		key  string
		// want: -1 lower, +1 higher than the baseline; 0 exactly cap.
		want int
		cap  cartera.BasisPoints
	}{
		{"budget confirmed raises", func(f *cartera.DealFacts) { f.Evidence.Add(cartera.SignalBudgetConfirmed, day(2), 0) }, "forecast.f.signal", +1, 0},
		{"a verbal yes raises a little", func(f *cartera.DealFacts) { f.Evidence.Add(cartera.SignalVerbalIntent, day(2), 0) }, "forecast.f.signal", +1, 0},
		{"postponed lowers", func(f *cartera.DealFacts) { f.Evidence.Add(cartera.SignalPostponed, day(2), 0) }, "forecast.f.signal", -1, 0},
		{"champion left lowers", func(f *cartera.DealFacts) { f.Evidence.Add(cartera.SignalChampionLeft, day(2), 0) }, "forecast.f.signal", -1, 0},
		{"three weeks without reply lowers", func(f *cartera.DealFacts) { f.Evidence.Add(cartera.SignalNoReply, day(0), 21) }, "forecast.f.no_reply", -1, 0},
		{"silence since creation lowers", func(f *cartera.DealFacts) {
			f.Evidence = cartera.Evidence{}
			f.Evidence.Add(cartera.SignalStatusCheck, day(5), 0) // the source records activity
			f.Deal.Created, f.Deal.StageSince = day(70), day(5)
		}, "forecast.f.silence", -1, 0},
		{"no activity recorded moves nothing", func(f *cartera.DealFacts) {
			f.Evidence = cartera.Evidence{}
			f.Deal.Created, f.Deal.StageSince = day(200), day(200)
			f.Deal.Qualification = cartera.Qualification{}
		}, "forecast.f.no_activity", 0, 4000},
		{"unchecked past the stage limit lowers", func(f *cartera.DealFacts) {
			f.Evidence = cartera.Evidence{}
			f.Evidence.Add(cartera.SignalMeetingHeld, day(20), 0)
		}, "forecast.f.stale", -1, 0},
		{"a passed close date lowers", func(f *cartera.DealFacts) { f.Deal.ExpectedClose = day(3) }, "forecast.f.slipped", -1, 0},
		{"unknown need caps", func(f *cartera.DealFacts) {
			f.Evidence.Add(cartera.SignalBudgetConfirmed, day(2), 0)
			f.Deal.Qualification.Need = cartera.Unknown
		}, "forecast.f.cap_need", 0, 3000},
		{"unknown decision maker caps", func(f *cartera.DealFacts) {
			f.Evidence.Add(cartera.SignalBudgetConfirmed, day(2), 0)
			f.Evidence.Add(cartera.SignalProposalRequested, day(2), 0)
			f.Deal.Qualification.DecisionMaker = cartera.Unknown
		}, "forecast.f.cap_decision", 0, 5000},
		{"any no caps hard", func(f *cartera.DealFacts) { f.Deal.Qualification.Capacity = cartera.No }, "forecast.f.cap_no", 0, 500},
		{"a purchase order floors", func(f *cartera.DealFacts) {
			f.Evidence.Add(cartera.SignalPurchaseOrder, day(1), 0)
			f.Deal.Qualification.Need = cartera.Unknown
		}, "forecast.f.verified", 0, 9000},
		{"a payment floors higher", func(f *cartera.DealFacts) { f.Evidence.Add(cartera.SignalPaymentReceived, day(1), 0) }, "forecast.f.verified", 0, 9900},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := deal()
			tc.edit(&f)
			g := m.Ground(&f, asOf)
			if !has(g, tc.key) {
				t.Fatalf("no %s among %v", tc.key, keys(g))
			}
			switch {
			case tc.want < 0 && g.P >= base.P, tc.want > 0 && g.P <= base.P:
				t.Errorf("%v → %v, want %+d", base.P, g.P, tc.want)
			case tc.want == 0 && g.P != tc.cap:
				t.Errorf("got %v, want exactly %v", g.P, tc.cap)
			}
			// The factors chain: each starts where the previous ended,
			// and the last ends at the result.
			for i := 1; i < len(g.Factors); i++ {
				if g.Factors[i].Before != g.Factors[i-1].After {
					t.Errorf("factor %d starts at %v, previous ended at %v", i, g.Factors[i].Before, g.Factors[i-1].After)
				}
			}
			if last := g.Factors[len(g.Factors)-1]; last.After != g.P {
				t.Errorf("last factor ends at %v, result %v", last.After, g.P)
			}
		})
	}
}

func ptr[T any](x T) *T { return &x }

func TestEvidenceFadesWithAge(t *testing.T) {
	m := New(cartera.DefaultPipeline(), nil)
	fresh, old := deal(), deal()
	fresh.Evidence.Add(cartera.SignalBudgetConfirmed, day(1), 0)
	old.Evidence.Add(cartera.SignalBudgetConfirmed, day(300), 0)
	f, o := m.Ground(&fresh, asOf), m.Ground(&old, asOf)
	if f.P <= o.P {
		t.Errorf("a budget confirmed yesterday (%v) should weigh more than one 300 days ago (%v)", f.P, o.P)
	}
}

func TestAnsweringReplyClearsNoReply(t *testing.T) {
	m := New(cartera.DefaultPipeline(), nil)
	f := deal()
	f.Evidence.Add(cartera.SignalNoReply, day(10), 20)
	f.Evidence.Add(cartera.SignalMeetingHeld, day(2), 0) // they answered after
	if g := m.Ground(&f, asOf); has(g, "forecast.f.no_reply") || g.Unanswered != 0 {
		t.Errorf("a reply after the outreach still counts as unanswered: %v", keys(g))
	}
}

func TestSignalsAfterTheCutOffAreIgnored(t *testing.T) {
	m := New(cartera.DefaultPipeline(), nil)
	f := deal()
	f.Evidence.Add(cartera.SignalContractSigned, asOf.AddDays(3), 0)
	if g := m.Ground(&f, asOf); g.Verified || g.P >= 9500 {
		t.Errorf("a contract dated after the day counted: %v", g.P)
	}
}

func TestClaims(t *testing.T) {
	m := New(cartera.DefaultPipeline(), nil)
	tests := []struct {
		claimed cartera.BasisPoints
		cat     cartera.ForecastCategory
		want    cartera.BasisPoints
		from    string
	}{
		{8000, cartera.CategoryPipeline, 8000, ClaimSeller},
		{0, cartera.CategoryCommit, 9000, ClaimCategory},
		{0, "", 4000, ClaimStage},
	}
	for _, tc := range tests {
		d := cartera.Deal{Stage: "proposal", Claimed: tc.claimed, Category: tc.cat}
		if p, from := m.Claim(&d); p != tc.want || from != tc.from {
			t.Errorf("claim %v/%s = %v %s, want %v %s", tc.claimed, tc.cat, p, from, tc.want, tc.from)
		}
	}
}

func TestLearnedRatesShrinkTowardPriors(t *testing.T) {
	p := cartera.DefaultPipeline()
	// No history: the priors.
	for i, r := range LearnRates(p, nil) {
		if r.Rate != p.Stages[i].Prior {
			t.Errorf("%s without history: %v, want prior %v", r.Stage, r.Rate, p.Stages[i].Prior)
		}
	}
	// 30 deals lost in lead, 10 won in negotiation: of the 40 that
	// reached lead, 10 were won (25 %); all 10 that reached negotiation
	// were won.
	rates := LearnRates(p, []cartera.StageTally{{Stage: "lead", Lost: 30}, {Stage: "negotiation", Won: 10}})
	lead, neg := rates[0], rates[3]
	if lead.Reached != 40 || lead.Won != 10 || neg.Reached != 10 || neg.Won != 10 {
		t.Fatalf("counts: %+v %+v", lead, neg)
	}
	// (10 + 10×10%) / (40 + 10) = 22 %; (10 + 10×60%) / 20 = 80 %.
	if lead.Rate != 2200 || neg.Rate != 8000 {
		t.Errorf("rates: lead %v, negotiation %v", lead.Rate, neg.Rate)
	}
	// A deal whose last stage is unknown (or from an old pipeline) reached
	// the first stage, and no later one is learned from it.
	if r := LearnRates(p, []cartera.StageTally{{Stage: "", Won: 99}}); r[0].Reached != 99 || r[1].Reached != 0 {
		t.Errorf("unknown stage: %+v %+v", r[0], r[1])
	}
}

func TestWonNeedsVerifiedEvidence(t *testing.T) {
	tests := []struct {
		name  string
		kinds []cartera.SignalKind
		days  []int
		close int
		want  bool
	}{
		{"nothing", nil, nil, 0, false},
		{"only words", []cartera.SignalKind{cartera.SignalVerbalIntent, cartera.SignalBudgetConfirmed}, []int{5, 4}, 0, false},
		{"a purchase order", []cartera.SignalKind{cartera.SignalPurchaseOrder}, []int{3}, 0, true},
		{"a signed contract", []cartera.SignalKind{cartera.SignalContractSigned}, []int{3}, 0, true},
		{"a payment", []cartera.SignalKind{cartera.SignalPaymentReceived}, []int{3}, 0, true},
		{"a contract after the close day", []cartera.SignalKind{cartera.SignalContractSigned}, []int{1}, 2, false},
	}
	for _, tc := range tests {
		var sigs []cartera.Signal
		for i, k := range tc.kinds {
			sigs = append(sigs, cartera.Signal{Kind: k, Day: day(tc.days[i])})
		}
		if _, ok := cartera.WonEvidence(sigs, day(tc.close)); ok != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, ok, tc.want)
		}
	}
}
