package demo_test

import (
	"bytes"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/demo"
)

var anchor = cartera.DateOf(2026, 11, 25)

func render(t *testing.T, gen func(demo.Sink) error) ([]byte, cartera.Counts) {
	t.Helper()
	w, mem, err := csvio.NewMemoryWriter(csvio.FormatCSV, csvio.Style{Spanish: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := gen(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for _, s := range mem.Sources() {
		rc, _ := s.Open()
		io.Copy(&all, rc)
	}
	return all.Bytes(), w.Rows()
}

func TestDemoIsDeterministic(t *testing.T) {
	t.Parallel()
	a, n := render(t, func(s demo.Sink) error { return demo.Generate(anchor, s) })
	b, _ := render(t, func(s demo.Sink) error { return demo.Generate(anchor, s) })
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same anchor differ")
	}
	if n[cartera.EntityClients] != 49 || n[cartera.EntityInvoices] < 700 || n[cartera.EntityIncidents] < 40 {
		t.Errorf("demo size %v", n)
	}
}

func TestScaleMeetsItsEventBudget(t *testing.T) {
	t.Parallel()
	for _, size := range []struct{ clients, events int }{{100, 10000}, {37, 5000}} {
		_, n := render(t, func(s demo.Sink) error { return demo.Scale(anchor, size.clients, size.events, 7, s) })
		events := n[cartera.EntityInvoices] + n[cartera.EntityTime] + n[cartera.EntityConcessions] + n[cartera.EntityIncidents]
		if n[cartera.EntityClients] != int64(size.clients) {
			t.Errorf("clients %d", n[cartera.EntityClients])
		}
		// Incidents are drawn at random: allow 2 % either way.
		if d := events - int64(size.events); d < -int64(size.events)/50 || d > int64(size.events)/50 {
			t.Errorf("%d clients: %d events, want about %d", size.clients, events, size.events)
		}
	}
	a, _ := render(t, func(s demo.Sink) error { return demo.Scale(anchor, 20, 2000, 1, s) })
	b, _ := render(t, func(s demo.Sink) error { return demo.Scale(anchor, 20, 2000, 2, s) })
	if bytes.Equal(a, b) {
		t.Errorf("different seeds should give different portfolios")
	}
}

// The demo is anchored on whatever day it is run: on no day of the year
// may a record fall after it (the first of a month on a weekend once put
// hours on the Monday after).
func TestNothingAfterTheAnchor(t *testing.T) {
	t.Parallel()
	w := &checker{t: t, anchor: anchor}
	if err := demo.Scale(anchor, 50, 5000, 3, w); err != nil {
		t.Fatal(err)
	}
	if err := demo.ScalePipeline(anchor, 200, 2000, 3, w); err != nil {
		t.Fatal(err)
	}
	for day := cartera.DateOf(2027, 1, 1); day < cartera.DateOf(2028, 1, 1); day++ {
		w := &checker{t: t, anchor: day}
		if err := demo.Generate(day, w); err != nil {
			t.Fatal(err)
		}
		if day.Weekday() == time.Saturday && day == day.Month() {
			if err := demo.Scale(day, 50, 5000, 3, w); err != nil {
				t.Fatal(err)
			}
			if err := demo.ScalePipeline(day, 200, 2000, 3, w); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checker fails on any record dated after the anchor, which an import
// would refuse.
type checker struct {
	t      *testing.T
	anchor cartera.Date
}

func (c *checker) Client(cartera.Client) error   { return nil }
func (c *checker) Contact(cartera.Contact) error { return nil }
func (c *checker) Invoice(v cartera.Invoice) error {
	if v.Issued > c.anchor || v.Paid > c.anchor || v.Due < v.Issued {
		c.t.Errorf("anchor %v: invoice %+v", c.anchor, v)
	}
	return nil
}
func (c *checker) TimeEntry(e cartera.TimeEntry) error {
	if e.Day > c.anchor {
		c.t.Errorf("anchor %v: time entry %+v", c.anchor, e)
	}
	return nil
}
func (c *checker) Concession(x cartera.Concession) error {
	if x.Day > c.anchor {
		c.t.Errorf("anchor %v: concession %+v", c.anchor, x)
	}
	return nil
}
func (c *checker) Incident(in cartera.Incident) error {
	if in.At.After(c.anchor.AddDays(1).Time(demo.Location)) {
		c.t.Errorf("anchor %v: incident %+v", c.anchor, in)
	}
	return nil
}

func (c *checker) Deal(d cartera.Deal) error {
	if err := d.Validate(cartera.DefaultPipeline(), c.anchor); err != nil {
		c.t.Errorf("anchor %v: deal %+v: %v", c.anchor, d, err)
	}
	return nil
}

func (c *checker) Signal(s cartera.Signal) error {
	if err := s.Validate(c.anchor); err != nil {
		c.t.Errorf("anchor %v: signal %+v: %v", c.anchor, s, err)
	}
	return nil
}

func TestPlaybooksAreDeterministicAndValid(t *testing.T) {
	t.Parallel()
	a, err := demo.NewPlaybooks(anchor)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := demo.NewPlaybooks(anchor)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs differ")
	}
	if len(a.Referrals) < 8 || len(a.Holidays) != 30 || len(a.Reconnects) != 3 || len(a.Debriefs) != 3 {
		t.Errorf("referrals %d, holidays %d, reconnects %d, debriefs %d", len(a.Referrals), len(a.Holidays), len(a.Reconnects), len(a.Debriefs))
	}
	kinds := map[cartera.TaskKind]int{}
	for _, task := range a.Tasks {
		kinds[task.Kind]++
		if err := task.Validate(); err != nil {
			t.Errorf("%s: %v", task.ID, err)
		}
	}
	if kinds[cartera.TaskReconnect] != 4 || kinds[cartera.TaskFollowUp] != 1 || kinds[cartera.TaskBoundaryReview] != 1 {
		t.Errorf("tasks by kind %v", kinds)
	}
	for _, r := range a.Referrals {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
	}
	for _, r := range a.Reconnects {
		if err := r.Validate(anchor); err != nil {
			t.Errorf("%s: %v", r.DealID, err)
		}
	}
	for _, d := range a.Debriefs {
		if err := d.Validate(anchor); err != nil {
			t.Errorf("%s: %v", d.DealID, err)
		}
	}
	// Good Friday moves with Easter: 3 April 2026, 18 April 2025.
	var fridays []string
	for _, h := range a.Holidays {
		if h.Name == "Viernes Santo" {
			fridays = append(fridays, h.Day.String())
		}
	}
	if len(fridays) != 3 || fridays[0] != "2025-04-18" || fridays[1] != "2026-04-03" || fridays[2] != "2027-03-26" {
		t.Errorf("Good Fridays %v", fridays)
	}
}
