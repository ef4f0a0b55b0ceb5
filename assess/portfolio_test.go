package assess

import (
	"testing"

	"github.com/cartera/cartera"
)

func client(id string, revenue int64, hours cartera.Hours, discounts int64, incidents ...cartera.IncidentFact) *cartera.ClientFacts {
	return facts(func(f *cartera.ClientFacts) {
		f.Client.ID, f.Client.Name = id, id
		f.Revenue, f.Hours, f.BillableHours = revenue, hours, hours
		f.Discounts, f.DiscountCount = discounts, 1
		f.Incidents = incidents
	})
}

func portfolioOf(fs ...*cartera.ClientFacts) *Portfolio {
	p := cartera.DefaultPolicy()
	p.TimeZone = "UTC"
	q := Query(asOf, p)
	pf := NewPortfolio(asOf)
	for _, f := range fs {
		a := Assess(f, p, q)
		pf.Add(&a)
	}
	pf.Finish(p)
	return pf
}

func TestLoudClientsGetTheConcessions(t *testing.T) {
	t.Parallel()
	loud := []cartera.IncidentFact{incident(10, cartera.KindCompetitorTaunt, 3), incident(40, cartera.KindBelittling, 3),
		incident(70, cartera.KindCompetitorTaunt, 3)}
	var fs []*cartera.ClientFacts
	fs = append(fs, client("ruidoso", 600000, cartera.HoursOf(100), 150000, loud...))
	fs = append(fs, client("valioso", 6000000, cartera.HoursOf(20), 0))
	for _, id := range []string{"a", "b", "c"} {
		fs = append(fs, client(id, 1200000, cartera.HoursOf(100), 10000))
	}
	pf := portfolioOf(fs...)
	at := pf.Attention
	if at.Finding.Key != "attention.loud_win" {
		t.Fatalf("finding %s", at.Finding)
	}
	if len(at.Loud) != 1 || at.Loud[0].ClientID != "ruidoso" {
		t.Errorf("loud: %+v", at.Loud)
	}
	if len(at.Pampered) != 1 || at.Pampered[0].ClientID != "ruidoso" {
		t.Errorf("pampered: %+v", at.Pampered)
	}
	if len(at.Neglected) != 1 || at.Neglected[0].ClientID != "valioso" {
		t.Errorf("neglected: %+v", at.Neglected)
	}
	// ruidoso gets 150.000 of 180.000 in concessions.
	if at.LoudConcessions != 8333 {
		t.Errorf("loud concessions share %d", at.LoudConcessions)
	}
}

func TestQuietPortfolioHasNoLoudClients(t *testing.T) {
	t.Parallel()
	pf := portfolioOf(client("a", 100000, cartera.HoursOf(10), 0), client("b", 200000, cartera.HoursOf(10), 0))
	if pf.Attention.Finding.Key != "attention.no_loud" {
		t.Errorf("finding %s", pf.Attention.Finding)
	}
	if pf.Clients != 2 || pf.ByVerdict[cartera.VerdictKeep] != 2 {
		t.Errorf("counts %+v", pf)
	}
	if len(pf.Totals) != 1 || pf.Totals[0].Revenue.Amount != 300000 {
		t.Errorf("totals %+v", pf.Totals)
	}
}

func TestTotalsPerCurrency(t *testing.T) {
	t.Parallel()
	usd := client("us", 500000, cartera.HoursOf(10), 0)
	usd.Client.Currency = "USD"
	pf := portfolioOf(client("a", 100000, cartera.HoursOf(10), 0), client("b", 100000, cartera.HoursOf(10), 0), usd)
	if len(pf.Totals) != 2 || pf.Totals[0].Currency != "EUR" || pf.Totals[1].Currency != "USD" {
		t.Fatalf("totals %+v", pf.Totals)
	}
	if pf.Totals[1].Revenue.Amount != 500000 || pf.Attention.Excluded != 1 {
		t.Errorf("USD kept apart: %+v, excluded %d", pf.Totals[1], pf.Attention.Excluded)
	}
}

func TestAttentionListsAreCapped(t *testing.T) {
	t.Parallel()
	var fs []*cartera.ClientFacts
	for i := 0; i < 200; i++ {
		fs = append(fs, client(string(rune('A'+i%26))+string(rune('a'+i/26)), int64(100000+i*1000), cartera.HoursOf(1), 0))
	}
	pf := portfolioOf(fs...)
	if pf.Attention.ValuableCount != 40 || len(pf.Attention.Valuable) != ListLimit {
		t.Errorf("valuable %d listed of %d", len(pf.Attention.Valuable), pf.Attention.ValuableCount)
	}
}
