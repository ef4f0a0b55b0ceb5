package demo_test

import (
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/demo"
)

// ledgers collects the demo's records into one ledger per client, as the
// stores keep them, and remembers the clients by name.
type ledgers struct {
	byID    map[string]*cartera.Ledger
	clients map[string]cartera.Client
}

func (s *ledgers) of(id string) *cartera.Ledger {
	if s.byID[id] == nil {
		s.byID[id] = new(cartera.Ledger)
	}
	return s.byID[id]
}

func (s *ledgers) Client(c cartera.Client) error { s.clients[c.Name] = c; return nil }
func (s *ledgers) Contact(cartera.Contact) error { return nil }
func (s *ledgers) Invoice(v cartera.Invoice) error {
	s.of(v.ClientID).AddInvoice(v.Issued, v.Due, v.Paid, v.Amount.Amount)
	return nil
}
func (s *ledgers) TimeEntry(e cartera.TimeEntry) error {
	billable := cartera.Hours(0)
	if e.Billable {
		billable = e.Hours
	}
	s.of(e.ClientID).AddDay(e.Day, e.Hours, billable)
	return nil
}
func (s *ledgers) Concession(c cartera.Concession) error {
	s.of(c.ClientID).AddConcession(c.Day, c.Kind, c.Amount.Amount, c.Hours, c.Percent)
	return nil
}
func (s *ledgers) Incident(in cartera.Incident) error {
	s.of(in.ClientID).AddIncident(cartera.IncidentFact{ID: in.ID, At: in.At, Kind: in.Kind, Severity: in.Severity, ContactID: in.ContactID})
	return nil
}
func (s *ledgers) Deal(cartera.Deal) error     { return nil }
func (s *ledgers) Signal(cartera.Signal) error { return nil }

// TestDemoTrendsOnAnyDay: the demo is anchored on the day it is opened, so
// the clients that show a breach easing and payments slowing down must show
// them whatever the day of the month.
func TestDemoTrendsOnAnyDay(t *testing.T) {
	t.Parallel()
	p := cartera.DefaultPolicy()
	for day := 0; day < 90; day += 3 {
		anchor := cartera.DateOf(2027, 1, 1).AddDays(day)
		s := &ledgers{byID: map[string]*cartera.Ledger{}, clients: map[string]cartera.Client{}}
		if err := demo.Generate(anchor, s); err != nil {
			t.Fatal(err)
		}
		q := assess.Query(anchor, p)
		judge := func(name string) assess.Assessment {
			c := s.clients[name]
			l := s.of(c.ID)
			if err := l.Finish(); err != nil {
				t.Fatal(err)
			}
			f := cartera.ClientFacts{Client: c}
			if err := l.Facts(q, &f); err != nil {
				t.Fatal(err)
			}
			return assess.Assess(&f, p, q)
		}
		watch := func(a assess.Assessment, key string) bool {
			for _, m := range a.Watch {
				if m.Key == key {
					return true
				}
			}
			return false
		}
		if a := judge("Agencia de Viajes Brújula"); a.Verdict != cartera.VerdictKeep || !watch(a, "watch.slower") {
			t.Errorf("%s: slower payer %s, watch %v", anchor, a.Verdict, a.Watch)
		}
		a := judge("Cerámicas Levante")
		if b, ok := findLine(a, "days_late"); a.Verdict != cartera.VerdictBoundaries || !ok || b.Trend != assess.TrendEasing {
			t.Errorf("%s: easing late payer %s, %+v", anchor, a.Verdict, a.Lines)
		}
	}
}

func findLine(a assess.Assessment, line string) (assess.Breach, bool) {
	for _, b := range a.Lines {
		if b.Line == line {
			return b, true
		}
	}
	return assess.Breach{}, false
}
