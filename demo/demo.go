// Package demo generates cartera's demo portfolio: about forty Spanish
// clients with two years of history that between them show every verdict
// and every pattern cartera looks for, and, for benchmarks, portfolios of
// any size with the same kinds of data.
//
// Everything is deterministic: the same anchor date and size always give
// the same records. The history ends on the anchor date, so the demo looks
// current whenever it runs.
package demo

import (
	"math/rand/v2"
	"time"

	"github.com/cartera/cartera"
)

// Sink receives generated records.
type Sink interface {
	Client(cartera.Client) error
	Contact(cartera.Contact) error
	Invoice(cartera.Invoice) error
	TimeEntry(cartera.TimeEntry) error
	Concession(cartera.Concession) error
	Incident(cartera.Incident) error
	Deal(cartera.Deal) error
	Signal(cartera.Signal) error
}

// Location is the time zone the demo business works in.
var Location = mustLoad("Europe/Madrid")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}

// Owners are the demo sellers.
var Owners = []string{"Lucía Ferrer", "Andrés Molina", "Carmen Ortega"}

// pay describes how a client pays: days late drawn around a mean, and how
// many of the most recent invoices are still unpaid.
type pay struct {
	meanLate, spread int
	unpaidRecent     int
}

var (
	payOnTime  = pay{meanLate: 0, spread: 4}
	paySlow    = pay{meanLate: 12, spread: 8}
	payChronic = pay{meanLate: 62, spread: 20, unpaidRecent: 2}
)

// scripted is one incident placed by hand: days before the anchor, local
// time, kind and severity.
type scripted struct {
	daysAgo   int
	at        string // "15:04"
	kind      cartera.IncidentKind
	severity  int
	note      string
	contactIx int
	// on pins the incident to the closest earlier Saturday or Sunday ("sat",
	// "sun"); otherwise weekends move to the Friday before.
	on string
}

// profile is the recipe of one client's history.
type profile struct {
	name, owner, service string
	family               bool
	months               int     // months of history (≤ 24)
	idleMonths           int     // months without activity before the anchor
	fee                  int64   // monthly invoice, whole euros
	hours                float64 // hours logged a month
	unbilled             float64 // share of hours not billed
	pay                  pay
	discounts            []discount
	freeHours            []freeHour
	incidents            []scripted
	noise                float64 // chance a month has a minor incident
	contacts             int
	entries              int // time entries a month; 0 draws 3–7
	extraEntries         int // added to the last month, to meet an event budget
}

type discount struct {
	monthsAgo int
	pct       int64 // percent
}

type freeHour struct {
	monthsAgo int
	hours     float64
}

// Generate writes the curated demo portfolio, anchored on the given day.
func Generate(anchor cartera.Date, s Sink) error {
	g := newGen(anchor, 20261125, s)
	clients := portfolio()
	for i, p := range clients {
		if err := g.client(i, p); err != nil {
			return err
		}
	}
	return g.pipeline(demoDeals, len(clients), 0)
}

// demoDeals is the size of the demo pipeline.
const demoDeals = 150

type gen struct {
	anchor cartera.Date
	rng    *rand.Rand
	sink   Sink
	seq    struct{ contact, invoice, time, concession, incident, signal int }
}

func newGen(anchor cartera.Date, seed uint64, s Sink) *gen {
	return &gen{anchor: anchor, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), sink: s}
}
