package demo

import (
	"fmt"
	"math"
	"time"

	"github.com/cartera/cartera"
)

// client writes one client and its whole history.
func (g *gen) client(i int, p profile) error {
	id := fmt.Sprintf("C-%03d", i+1)
	c := cartera.Client{
		ID: id, Name: p.name, Owner: p.owner, FamilyFriend: p.family, Currency: "EUR", Service: p.service,
		Since: g.anchor.Month().AddMonths(-p.months),
		Email: "hola@" + slug(p.name) + ".es", Phone: g.phone(),
	}
	if err := g.sink.Client(c); err != nil {
		return err
	}
	contacts, err := g.contacts(id, max(p.contacts, 1))
	if err != nil {
		return err
	}
	var invoices []cartera.Invoice
	for m := p.months - 1; m >= p.idleMonths; m-- {
		start := g.anchor.Month().AddMonths(-m)
		if v, ok := g.invoice(id, start, p); ok {
			if p.discountAll > 0 {
				list := v.Amount.Amount
				v.Amount.Amount = list * (100 - p.discountAll) / 100
				g.seq.concession++
				if err := g.sink.Concession(cartera.Concession{
					ID: fmt.Sprintf("D-%05d", g.seq.concession), ClientID: id, Day: v.Issued, Kind: cartera.ConcessionDiscount,
					Amount: cartera.Money{Amount: list - v.Amount.Amount, Currency: "EUR"}, Note: "Descuento en factura",
				}); err != nil {
					return err
				}
			}
			invoices = append(invoices, v)
		}
		if err := g.timeEntries(id, start, m, p); err != nil {
			return err
		}
		if err := g.concessions(id, start, m, p); err != nil {
			return err
		}
		if p.noise > 0 && g.rng.Float64() < p.noise {
			if err := g.noiseIncident(id, start); err != nil {
				return err
			}
		}
	}
	if err := g.settle(invoices, p.pay); err != nil {
		return err
	}
	for _, s := range p.incidents {
		if s.daysAgo > (p.months-p.idleMonths)*30 {
			continue
		}
		day := g.anchor.AddDays(-s.daysAgo)
		switch s.on {
		case "sat", "sun":
			want := map[string]time.Weekday{"sat": time.Saturday, "sun": time.Sunday}[s.on]
			for day.Weekday() != want {
				day--
			}
		default:
			for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
				day--
			}
		}
		h, _ := cartera.ParseClock(s.at)
		at := day.Time(Location).Add(time.Duration(h) * time.Minute)
		contact := ""
		if s.contactIx < len(contacts) {
			contact = contacts[s.contactIx].ID
		}
		g.seq.incident++
		if err := g.sink.Incident(cartera.Incident{
			ID: fmt.Sprintf("I-%05d", g.seq.incident), ClientID: id, ContactID: contact,
			At: at.UTC(), Kind: s.kind, Severity: s.severity, Note: s.note,
		}); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) contacts(clientID string, n int) ([]cartera.Contact, error) {
	var out []cartera.Contact
	for k := 0; k < n; k++ {
		r := roles[g.rng.IntN(len(roles))]
		if k == 0 {
			r = roles[g.rng.IntN(2)] // the first contact runs the business
		}
		first, last := firstNames[g.rng.IntN(len(firstNames))], surnames[g.rng.IntN(len(surnames))]
		g.seq.contact++
		c := cartera.Contact{
			ID: fmt.Sprintf("P-%05d", g.seq.contact), ClientID: clientID, Name: first + " " + last,
			Role: r.role, Seniority: cartera.Seniority(r.seniority),
			Email: slug(first) + "." + slug(last) + "@" + "correo.es", Phone: g.phone(),
		}
		if err := g.sink.Contact(c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// invoice issues the month's invoice, due 30 days later; payment is
// settled afterwards.
func (g *gen) invoice(clientID string, month cartera.Date, p profile) (cartera.Invoice, bool) {
	issued := month.AddDays(g.rng.IntN(4))
	if issued > g.anchor {
		return cartera.Invoice{}, false
	}
	amount := float64(p.fee) * (0.9 + 0.2*g.rng.Float64())
	g.seq.invoice++
	y, _, _ := issued.YMD()
	return cartera.Invoice{
		ID: fmt.Sprintf("F-%06d", g.seq.invoice), ClientID: clientID,
		Number: fmt.Sprintf("%d/%04d", y, g.seq.invoice),
		Issued: issued, Due: issued.AddDays(30),
		Amount: cartera.Money{Amount: int64(math.Round(amount)) * 100, Currency: "EUR"},
	}, true
}

// settle decides when each invoice was paid and writes them.
func (g *gen) settle(invoices []cartera.Invoice, pp pay) error {
	unpaid := 0
	for k := len(invoices) - 1; k >= 0; k-- {
		v := &invoices[k]
		if pp.unpaidRecent > 0 && unpaid < pp.unpaidRecent && v.Due < g.anchor.AddDays(-pp.meanLate/2) {
			unpaid++
			continue
		}
		late := pp.meanLate + int(math.Round(g.rng.NormFloat64()*float64(pp.spread)/2))
		late = max(late, -3)
		late = min(late, pp.meanLate+pp.spread)
		for ago, days := range pp.lateAt {
			if v.Issued.Month() == g.anchor.Month().AddMonths(-ago) {
				late = days
			}
		}
		if paid := v.Due.AddDays(late); paid <= g.anchor {
			v.Paid = paid
		}
	}
	for _, v := range invoices {
		if err := g.sink.Invoice(v); err != nil {
			return err
		}
	}
	return nil
}

// timeEntries spreads a month's hours over working days up to the anchor.
func (g *gen) timeEntries(clientID string, month cartera.Date, monthsAgo int, p profile) error {
	total := p.hours * (0.85 + 0.3*g.rng.Float64())
	n := p.entries
	if n == 0 {
		n = 3 + g.rng.IntN(5)
	}
	if monthsAgo == p.idleMonths {
		n += p.extraEntries // the remainder of the event budget
	}
	span := min(28, cartera.DaysBetween(month, g.anchor)+1)
	for k := 0; k < n; k++ {
		day := g.workday(month, span)
		h := cartera.Hours(math.Round(total/float64(n)*4)) * 25 // quarter hours
		if h <= 0 {
			h = 25
		}
		g.seq.time++
		e := cartera.TimeEntry{
			ID: fmt.Sprintf("H-%07d", g.seq.time), ClientID: clientID, Day: day, Hours: h,
			Billable: g.rng.Float64() >= p.unbilled, Note: notes[g.rng.IntN(len(notes))],
		}
		if err := g.sink.TimeEntry(e); err != nil {
			return err
		}
	}
	return nil
}

// workday draws a day among the first span days of month, moving weekends
// to the Friday before (or the Monday after, at the start of a month). It
// is never after the anchor: when a month has begun on a weekend the
// anchor falls in, the anchor itself is the day (weekend work happens).
func (g *gen) workday(month cartera.Date, span int) cartera.Date {
	day := month.AddDays(g.rng.IntN(span))
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day--
	}
	for day < month {
		day += 3
	}
	return min(day, g.anchor)
}

func (g *gen) concessions(clientID string, month cartera.Date, monthsAgo int, p profile) error {
	for _, d := range p.discounts {
		if d.monthsAgo != monthsAgo {
			continue
		}
		day := month.AddDays(5)
		if day > g.anchor {
			continue
		}
		g.seq.concession++
		if err := g.sink.Concession(cartera.Concession{
			ID: fmt.Sprintf("D-%05d", g.seq.concession), ClientID: clientID, Day: day, Kind: cartera.ConcessionDiscount,
			Amount:  cartera.Money{Amount: p.fee * d.pct, Currency: "EUR"}, // fee × pct / 100, in cents
			Percent: cartera.BasisPoints(d.pct * 100), Note: "Descuento sobre la factura del mes",
		}); err != nil {
			return err
		}
	}
	for _, f := range p.freeHours {
		if f.monthsAgo != monthsAgo {
			continue
		}
		day := month.AddDays(12)
		if day > g.anchor {
			continue
		}
		h := cartera.Hours(math.Round(f.hours * 100))
		g.seq.concession++
		if err := g.sink.Concession(cartera.Concession{
			ID: fmt.Sprintf("D-%05d", g.seq.concession), ClientID: clientID, Day: day, Kind: cartera.ConcessionFreeHours,
			Hours: h, Amount: cartera.Money{Currency: "EUR"}, Note: "Horas regaladas para cerrar la campaña",
		}); err != nil {
			return err
		}
		// The free work was done: it is logged, unbilled.
		g.seq.time++
		if err := g.sink.TimeEntry(cartera.TimeEntry{
			ID: fmt.Sprintf("H-%07d", g.seq.time), ClientID: clientID, Day: day, Hours: h, Billable: false,
			Note: "Trabajo sin coste para el cliente",
		}); err != nil {
			return err
		}
	}
	return nil
}

var noiseKinds = []cartera.IncidentKind{cartera.KindScopeCreep, cartera.KindPaymentExcuse, cartera.KindNotListening}

func (g *gen) noiseIncident(clientID string, month cartera.Date) error {
	day := g.workday(month, min(28, cartera.DaysBetween(month, g.anchor)+1))
	if day >= g.anchor {
		return nil
	}
	at := day.Time(Location).Add(time.Duration(9*60+g.rng.IntN(9*60)) * time.Minute)
	g.seq.incident++
	return g.sink.Incident(cartera.Incident{
		ID: fmt.Sprintf("I-%05d", g.seq.incident), ClientID: clientID, At: at.UTC(),
		Kind: noiseKinds[g.rng.IntN(len(noiseKinds))], Severity: 1, Note: "Roce menor, resuelto en la misma llamada",
	})
}

func (g *gen) phone() string {
	return fmt.Sprintf("+34 6%02d %03d %03d", g.rng.IntN(100), g.rng.IntN(1000), g.rng.IntN(1000))
}

// slug turns a name into an e-mail friendly word.
func slug(s string) string {
	f := cartera.Fold(s)
	out := make([]byte, 0, len(f))
	for i := 0; i < len(f); i++ {
		if c := f[i]; (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			out = append(out, c)
		}
	}
	return string(out)
}
