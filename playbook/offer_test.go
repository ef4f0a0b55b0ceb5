package playbook

import (
	"testing"

	"github.com/cartera/cartera"
)

func TestIntermediateOfferBudget(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy() // 15 % discount, 4 h free a month, 35 €/h, 20 % minimum margin
	thisMonth, lastMonth := day(2026, 11, 3), day(2026, 10, 28)
	disc := func(d cartera.Date, pct cartera.BasisPoints, amount int64) cartera.Concession {
		return cartera.Concession{ClientID: "C-1", Day: d, Kind: cartera.ConcessionDiscount, Percent: pct, Amount: eur(amount)}
	}
	free := func(d cartera.Date, h cartera.Hours) cartera.Concession {
		return cartera.Concession{ClientID: "C-1", Day: d, Kind: cartera.ConcessionFreeHours, Hours: h, Amount: eur(0)}
	}
	tests := []struct {
		name        string
		concessions []cartera.Concession
		discRoom    cartera.BasisPoints
		hoursRoom   cartera.Hours
		cost        int64 // cents
		exhausted   bool
	}{
		// A typical invoice is 12 000 € / 12 = 1 000 €: 15 % is 150 €; 4 h at 35 € is 140 €.
		{"nothing given this month: the whole budget", nil, 1500, 400, 15000 + 14000, false},
		{"last month's concessions do not count", []cartera.Concession{disc(lastMonth, 1500, 15000), free(lastMonth, 400)},
			1500, 400, 29000, false},
		{"a 10 % discount this month leaves 5 %", []cartera.Concession{disc(thisMonth, 1000, 10000)}, 500, 400, 5000 + 14000, false},
		{"a discount known only as 50 € counts as 5 % of a typical invoice", []cartera.Concession{disc(thisMonth, 0, 5000)},
			1000, 400, 10000 + 14000, false},
		{"3 free hours given leave 1", []cartera.Concession{free(thisMonth, 300)}, 1500, 100, 15000 + 3500, false},
		{"over the limit never goes negative", []cartera.Concession{disc(thisMonth, 2000, 20000), free(thisMonth, 650)}, 0, 0, 0, true},
		{"another client's concessions do not count", []cartera.Concession{{ClientID: "C-2", Day: thisMonth,
			Kind: cartera.ConcessionFreeHours, Hours: 400}}, 1500, 400, 29000, false},
		{"a concession after the as-of day does not count", []cartera.Concession{free(day(2026, 11, 28), 400)}, 1500, 400, 29000, false},
	}
	for _, tc := range tests {
		a := base()
		o := IntermediateOffer(Input{Assessment: a, InvoicesIssued: 12}, tc.concessions, p)
		if o.DiscountRoom != tc.discRoom || o.FreeHoursRoom != tc.hoursRoom || o.TotalCost.Amount != tc.cost || o.Exhausted != tc.exhausted {
			t.Errorf("%s: room %s and %s, cost %d, exhausted %v; want %s, %s, %d, %v", tc.name, o.DiscountRoom, o.FreeHoursRoom,
				o.TotalCost.Amount, o.Exhausted, tc.discRoom, tc.hoursRoom, tc.cost, tc.exhausted)
		}
		if o.Month != day(2026, 11, 1) || o.DiscountBase.Amount != 100000 {
			t.Errorf("%s: month %s, base %v", tc.name, o.Month, o.DiscountBase)
		}
		// 7 800 € margin over 12 months is 650 € a month.
		if o.MonthlyMargin.Amount != 65000 || o.MarginAfter.Amount != 65000-tc.cost {
			t.Errorf("%s: monthly margin %v, after %v", tc.name, o.MonthlyMargin, o.MarginAfter)
		}
	}
}

func TestOfferMarginAndNewClients(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy()
	a := base()
	a.Economic.Margin = eur(300000) // 250 € a month on 1 000 €: 25 %
	o := IntermediateOffer(Input{Assessment: a}, nil, p)
	// 250 − 290 = −40 €: below the 20 % minimum.
	if o.MarginAfter.Amount != -4000 || !o.BelowMin || o.MarginPctAfter != -400 {
		t.Errorf("after %v (%s), below %v", o.MarginAfter, o.MarginPctAfter, o.BelowMin)
	}
	// A client for three months averages over three months, not twelve.
	a = base()
	a.Client.Since = day(2026, 9, 10)
	o = IntermediateOffer(Input{Assessment: a}, nil, p)
	if o.Months != 3 || o.MonthlyRevenue.Amount != 400000 {
		t.Errorf("months %d, monthly revenue %v", o.Months, o.MonthlyRevenue)
	}
	// Without an hourly cost in the currency free hours cost nothing known.
	a = base()
	a.Economic.CostKnown = false
	if o := IntermediateOffer(Input{Assessment: a}, nil, p); o.FreeHoursCost.Amount != 0 || o.CostKnown {
		t.Errorf("unknown cost: %+v", o)
	}
}

func TestSuggestInterlocutor(t *testing.T) {
	t.Parallel()
	contacts := []cartera.Contact{
		{ID: "P1", Name: "Ana", Role: "Directora", Seniority: 4},
		{ID: "P2", Name: "Beto", Role: "Técnico", Seniority: 1},
		{ID: "P3", Name: "Carla", Role: "Jefa de proyecto", Seniority: 3},
	}
	tests := []struct {
		name     string
		contacts []cartera.Contact
		blocker  string
		contact  string
		manager  string
		key      string
	}{
		{"the blocker is junior: the most senior above them", contacts, "P2", "Ana", "", "interlocutor.senior"},
		{"the blocker is a manager: the director", contacts, "P3", "Ana", "", "interlocutor.senior"},
		{"the blocker is the top: our account manager", contacts, "P1", "", "Lucía", "interlocutor.owner_top"},
		{"no blocker known: their most senior manager or above", contacts, "", "Ana", "", "interlocutor.senior_only"},
		{"no contacts at all: our account manager", nil, "", "", "Lucía", "interlocutor.owner"},
	}
	for _, tc := range tests {
		a := base()
		it := SuggestInterlocutor(Input{Assessment: a, Contacts: tc.contacts}, tc.blocker)
		got := ""
		if it.Contact != nil {
			got = it.Contact.Name
		}
		if got != tc.contact || it.AccountManager != tc.manager || it.Reason.Key != tc.key {
			t.Errorf("%s: %q %q %s", tc.name, got, it.AccountManager, it.Reason.Key)
		}
	}
	a := base()
	a.Client.Owner = ""
	if it := SuggestInterlocutor(Input{Assessment: a}, ""); it.Reason.Key != "interlocutor.colleague" {
		t.Errorf("no owner: %s", it.Reason.Key)
	}
}

func TestFrameLeansWithTheFigures(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy()
	a := base()
	if f := Frame(Input{Assessment: a}, IntermediateOffer(Input{Assessment: a}, nil, p), p); f.Lean.Key != "framing.lean.keep" ||
		len(f.Keep) == 0 || len(f.Hold) == 0 {
		t.Errorf("healthy margin: %+v", f)
	}
	a.Economic.Margin = eur(300000)
	if f := Frame(Input{Assessment: a}, IntermediateOffer(Input{Assessment: a}, nil, p), p); f.Lean.Key != "framing.lean.hold_margin" {
		t.Errorf("thin margin: %s", f.Lean.Key)
	}
}
