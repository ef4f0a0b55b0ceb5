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
	// lateAt pays the invoice issued a number of months ago that many
	// days late (months ago → days), the others as drawn.
	lateAt map[int]int
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
	// discountAll takes this percent off every invoice, recorded as a
	// discount on the invoice's day with its amount only (no percentage),
	// as an accounting export carries it.
	discountAll int64
}

type discount struct {
	monthsAgo int
	pct       int64 // percent
}

// verdictCases are the clients that exercise the rules of issue 15: a
// breach that faded, abuse that outweighs a good margin, abuse from one
// person, a pattern under the threshold, a discount known only by its
// amount, a breach easing, payments slowing down. The comment on each is
// the verdict it should earn.
func verdictCases() []profile {
	lf, am, co := Owners[0], Owners[1], Owners[2]
	return []profile{
		// One severity-1 call at 21:15 ten months ago, 67 % margin, paid on time → keep, with a watch note.
		{name: "Clínica Veterinaria Alba", owner: lf, service: "posicionamiento SEO", months: 24, fee: 1500, hours: 11,
			pay: payOnTime, contacts: 2, incidents: []scripted{
				{daysAgo: 300, at: "21:15", kind: cartera.KindOutOfHours, severity: 1, note: "Llamada a las nueve y cuarto de la noche"},
			}},
		// One invoice paid 36 days late ten months ago, a clean year otherwise → keep, with a watch note.
		{name: "Papelería Trazo", owner: am, service: "mantenimiento web", months: 24, fee: 900, hours: 6,
			pay: pay{meanLate: 0, spread: 4, lateAt: map[int]int{11: 36}}, contacts: 1},
		// Four severity-4 insults in seven months on a 75 % margin, from two people → end.
		{name: "Náutica Poniente", owner: co, service: "consultoría digital", months: 24, fee: 1300, hours: 9,
			pay: payOnTime, contacts: 3, incidents: []scripted{
				{daysAgo: 205, at: "12:00", kind: cartera.KindInsult, severity: 4, note: "Llama «inútil» al equipo en la reunión", contactIx: 0},
				{daysAgo: 140, at: "10:30", kind: cartera.KindInsult, severity: 4, note: "Insultos por correo tras un cambio de fecha", contactIx: 1},
				{daysAgo: 70, at: "16:45", kind: cartera.KindInsult, severity: 4, note: "Vuelve a insultar a nuestra consultora", contactIx: 0},
				{daysAgo: 18, at: "11:15", kind: cartera.KindInsult, severity: 4, note: "Insulto directo por teléfono", contactIx: 1},
			}},
		// One severity-4 threat on a healthy account → end.
		{name: "Logística Meridiano", owner: lf, service: "desarrollo a medida", months: 24, fee: 1000, hours: 7,
			pay: payOnTime, contacts: 2, incidents: []scripted{
				{daysAgo: 26, at: "18:20", kind: cartera.KindThreat, severity: 4, note: "Amenaza con una reseña falsa si no rehacemos gratis la web"},
			}},
		// Three severity-4 yelling episodes, all from the same person → change the interlocutor first.
		{name: "Gimnasio Vértice", owner: am, service: "campañas de publicidad", months: 24, fee: 800, hours: 6,
			pay: payOnTime, contacts: 3, incidents: []scripted{
				{daysAgo: 150, at: "17:30", kind: cartera.KindYelling, severity: 4, note: "Grita al técnico por una campaña pausada", contactIx: 2},
				{daysAgo: 80, at: "12:10", kind: cartera.KindYelling, severity: 4, note: "Gritos en la revisión mensual", contactIx: 2},
				{daysAgo: 14, at: "10:05", kind: cartera.KindYelling, severity: 4, note: "Vuelve a gritar por teléfono", contactIx: 2},
			}},
		// Four competitor comparisons in a year, one on a Sunday morning → keep, with a watch note; no "request" anywhere.
		{name: "Heladería Polo Norte", owner: co, service: "redes sociales", months: 24, fee: 700, hours: 5,
			pay: payOnTime, contacts: 1, incidents: []scripted{
				{daysAgo: 330, at: "11:00", kind: cartera.KindCompetitorTaunt, severity: 1, note: "«La heladería del puerto tiene más seguidores»"},
				{daysAgo: 240, at: "10:30", kind: cartera.KindCompetitorTaunt, severity: 2, note: "Compara las fotos con las de otra marca", on: "sun"},
				{daysAgo: 150, at: "13:00", kind: cartera.KindCompetitorTaunt, severity: 1, note: "Envía la oferta de otra agencia"},
				{daysAgo: 60, at: "12:30", kind: cartera.KindCompetitorTaunt, severity: 1, note: "«Otros lo harían por menos»"},
			}},
		// 30 % off every invoice, imported as amounts only → set boundaries (the percentage is derived).
		{name: "Catering Las Encinas", owner: lf, service: "identidad corporativa", months: 24, fee: 1400, hours: 8,
			pay: payOnTime, contacts: 1, discountAll: 30},
		// Three invoices paid 40–50 days late nine to eleven months ago, on time since → set boundaries, the breach easing.
		{name: "Cerámicas Levante", owner: co, service: "diseño web", months: 24, fee: 1100, hours: 8,
			pay: pay{meanLate: 0, spread: 4, lateAt: map[int]int{11: 45, 10: 40, 9: 50}}, contacts: 2},
		// On time for half a year, then later and later, still under the line and mostly within the grace days → keep,
		// watching the slower payments. (The latest invoice is drawn on time: it may not be due yet, whatever the day.)
		{name: "Agencia de Viajes Brújula", owner: lf, service: "campañas de publicidad", months: 24, fee: 1200, hours: 9,
			pay: pay{meanLate: 0, spread: 2, lateAt: map[int]int{6: 5, 5: 5, 4: 5, 3: 16, 2: 25}}, contacts: 2},
	}
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
	if err := g.pipeline(demoDeals, len(clients), 0); err != nil {
		return err
	}
	// The clients that exercise the verdict's newer rules come last, from
	// their own random stream, so that every earlier client and deal stays
	// exactly as it was.
	g2 := newGen(anchor, 20261204, s)
	g2.seq = g.seq
	for i, p := range verdictCases() {
		if err := g2.client(len(clients)+i, p); err != nil {
			return err
		}
	}
	return nil
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
