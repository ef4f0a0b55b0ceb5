package playbook

import (
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

func eur(cents int64) cartera.Money { return cartera.Money{Amount: cents, Currency: "EUR"} }

var asOf = day(2026, 11, 25)

// base is a healthy client: pays on time, hours well covered, no incidents.
func base() *assess.Assessment {
	return &assess.Assessment{
		Client: cartera.Client{ID: "C-1", Name: "Cliente Sano", Owner: "Lucía", Currency: "EUR", Service: "diseño web"},
		AsOf:   asOf, From: asOf.AddMonths(-12),
		Economic: assess.Economic{Revenue: eur(1200000), Hours: cartera.HoursOf(120), BillableHours: cartera.HoursOf(115),
			EffectiveRate: eur(10000), CostPerHour: eur(3500), CostKnown: true, HasRevenue: true,
			Margin: eur(780000), MarginPct: 6500},
		Payment:    assess.Payment{InvoicesDue: 12},
		Relational: assess.Relational{ByKind: map[cartera.IncidentKind]int{}},
		Verdict:    cartera.VerdictKeep,
	}
}

func TestDetectArchetypes(t *testing.T) {
	t.Parallel()
	p, cfg := cartera.DefaultPolicy(), DefaultConfig()
	tests := []struct {
		name  string
		edit  func(a *assess.Assessment)
		want  []Archetype
		facts []string // message keys among the reasons
	}{
		{"a healthy client matches nothing", func(*assess.Assessment) {}, nil, nil},
		{"3 of 12 invoices 40 days late → late payer", func(a *assess.Assessment) {
			a.Payment.Late, a.Payment.AvgDaysLate, a.Payment.WorstDaysLate = 3, 40, 62
		}, []Archetype{LatePayer}, []string{"archetype.why.late"}},
		{"late but only a few days on average → not a late payer", func(a *assess.Assessment) {
			a.Payment.Late, a.Payment.AvgDaysLate = 4, 9
		}, nil, nil},
		{"one invoice overdue for 45 days → late payer", func(a *assess.Assessment) {
			a.Payment.OverdueCount, a.Payment.OverdueAmount, a.Payment.OldestOverdue = 1, eur(90000), asOf.AddDays(-45)
		}, []Archetype{LatePayer}, []string{"archetype.why.overdue"}},
		{"overdue for exactly the 30-day limit → not yet", func(a *assess.Assessment) {
			a.Payment.OverdueCount, a.Payment.OverdueAmount, a.Payment.OldestOverdue = 1, eur(90000), asOf.AddDays(-30)
		}, nil, nil},
		{"twice the hours the fee pays for at cost → diva", func(a *assess.Assessment) {
			a.Economic.Revenue, a.Economic.Hours, a.Economic.BillableHours = eur(780000), cartera.HoursOf(456), cartera.HoursOf(296)
			a.Economic.EffectiveRate = eur(1711)
			a.Relational.ByKind[cartera.KindOutOfHours] = 4
		}, []Archetype{Diva}, []string{"archetype.why.hours", "archetype.why.unbilled", "archetype.why.out_of_hours"}},
		{"hours at 120 % of what is paid → not a diva (limit 125 %)", func(a *assess.Assessment) {
			a.Economic.Revenue, a.Economic.Hours, a.Economic.BillableHours = eur(350000), cartera.HoursOf(120), cartera.HoursOf(120)
		}, nil, nil},
		{"hours at 125 % of what is paid → diva", func(a *assess.Assessment) {
			a.Economic.Revenue, a.Economic.Hours, a.Economic.BillableHours = eur(350000), cartera.HoursOf(125), cartera.HoursOf(125)
		}, []Archetype{Diva}, nil},
		{"out-of-hours demands with a third of hours unbilled → diva even with a margin", func(a *assess.Assessment) {
			a.Economic.BillableHours = cartera.HoursOf(80)
			a.Relational.ByKind[cartera.KindOutOfHours] = 3
		}, []Archetype{Diva}, []string{"archetype.why.unbilled"}},
		{"no hourly cost in the currency and no demands → not a diva, and says why", func(a *assess.Assessment) {
			a.Economic.CostKnown = false
		}, nil, nil},
		{"family flag → family friend", func(a *assess.Assessment) { a.Client.FamilyFriend = true },
			[]Archetype{FamilyFriend}, []string{"archetype.why.family"}},
		{"two yelling incidents → yeller", func(a *assess.Assessment) {
			a.Relational.ByKind[cartera.KindYelling] = 2
			a.Relational.Abuse = 2
		}, []Archetype{Yeller}, []string{"archetype.why.abuse", "archetype.why.kind"}},
		{"one insult of severity 4 → yeller", func(a *assess.Assessment) {
			a.Relational.ByKind[cartera.KindInsult] = 1
			a.Relational.Abuse = 1
			a.Relational.Last = cartera.IncidentFact{Kind: cartera.KindInsult, Severity: 4}
		}, []Archetype{Yeller}, nil},
		{"one belittling remark of severity 2 → not a yeller", func(a *assess.Assessment) {
			a.Relational.ByKind[cartera.KindBelittling] = 1
			a.Relational.Abuse = 1
			a.Relational.Last = cartera.IncidentFact{Kind: cartera.KindBelittling, Severity: 2}
		}, nil, nil},
		{"two ignored agreements → non-listener", func(a *assess.Assessment) {
			a.Relational.ByKind[cartera.KindNotListening] = 2
		}, []Archetype{NonListener}, []string{"archetype.why.not_listening"}},
		{"one ignored agreement and two scope creeps → non-listener", func(a *assess.Assessment) {
			a.Relational.ByKind[cartera.KindNotListening] = 1
			a.Relational.ByKind[cartera.KindScopeCreep] = 2
		}, []Archetype{NonListener}, []string{"archetype.why.scope"}},
		{"scope creep alone → not a non-listener", func(a *assess.Assessment) {
			a.Relational.ByKind[cartera.KindScopeCreep] = 5
		}, nil, nil},
		{"a late-paying family friend who yells matches three", func(a *assess.Assessment) {
			a.Client.FamilyFriend = true
			a.Payment.Late, a.Payment.AvgDaysLate = 5, 50
			a.Relational.ByKind[cartera.KindYelling] = 3
			a.Relational.Abuse = 3
		}, []Archetype{LatePayer, FamilyFriend, Yeller}, nil},
	}
	for _, tc := range tests {
		a := base()
		tc.edit(a)
		d := Detect(Input{Assessment: a}, p, cfg)
		var got []Archetype
		for _, m := range d.Matches {
			got = append(got, m.Archetype)
			if len(m.Reasons) == 0 {
				t.Errorf("%s: %s matched without reasons", tc.name, m.Archetype)
			}
		}
		if strings.Join(names(got), ",") != strings.Join(names(tc.want), ",") {
			t.Errorf("%s: matched %v, want %v", tc.name, got, tc.want)
		}
		if len(d.Matches)+len(d.Misses) != len(Archetypes) {
			t.Errorf("%s: every archetype is either a match or a miss", tc.name)
		}
		for _, m := range d.Misses {
			if len(m.Reasons) == 0 || !strings.HasPrefix(m.Reasons[0].Key, "archetype.not.") {
				t.Errorf("%s: %s missed without saying why: %v", tc.name, m.Archetype, m.Reasons)
			}
		}
		for _, key := range tc.facts {
			found := false
			for _, m := range d.Matches {
				for _, r := range m.Reasons {
					found = found || r.Key == key
				}
			}
			if !found {
				t.Errorf("%s: no %s among the reasons", tc.name, key)
			}
		}
	}
}

func names(as []Archetype) []string {
	var out []string
	for _, a := range as {
		out = append(out, string(a))
	}
	return out
}

func TestDetectNamesTheContactMostInvolved(t *testing.T) {
	t.Parallel()
	a := base()
	a.Relational.ByKind[cartera.KindYelling] = 3
	a.Relational.Abuse = 3
	at := func(days int) time.Time { return asOf.AddDays(-days).Time(time.UTC).Add(10 * time.Hour) }
	in := Input{Assessment: a,
		Contacts: []cartera.Contact{{ID: "P1", Name: "Ana", Role: "Gerente", Seniority: 5}, {ID: "P2", Name: "Beto", Role: "Compras", Seniority: 2}},
		Incidents: []cartera.IncidentFact{
			{At: at(10), Kind: cartera.KindYelling, Severity: 3, ContactID: "P2"},
			{At: at(40), Kind: cartera.KindYelling, Severity: 2, ContactID: "P2"},
			{At: at(80), Kind: cartera.KindYelling, Severity: 2, ContactID: "P1"},
			{At: at(500), Kind: cartera.KindYelling, Severity: 2, ContactID: "P1"}, // outside the window
			{At: at(500), Kind: cartera.KindYelling, Severity: 2, ContactID: "P1"},
		}}
	d := Detect(in, cartera.DefaultPolicy(), DefaultConfig())
	var contact cartera.Message
	for _, r := range d.Matches[0].Reasons {
		if r.Key == "archetype.why.contact" {
			contact = r
		}
	}
	if name, _ := contact.Get("name"); name != "Beto" {
		t.Errorf("most involved: %v", contact)
	}
}
