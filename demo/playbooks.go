package demo

import (
	"context"
	"sort"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/playbook"
)

// Playbooks is the demo's playbook data, written after the portfolio is
// imported: providers to recommend for every service the demo sells,
// Spain's national holidays, the plans of the four most recent lost deals
// at different stages (with the calls' answers, debriefs and lessons),
// the follow-up with the client who does not listen, and a boundary review.
type Playbooks struct {
	Referrals  []cartera.Referral
	Holidays   []cartera.Holiday
	Tasks      []cartera.Task
	Reconnects []cartera.Reconnect
	Debriefs   []cartera.Debrief
}

// collector keeps the records the playbooks refer to.
type collector struct {
	clients   []cartera.Client
	deals     []cartera.Deal
	incidents []cartera.Incident
}

func (c *collector) Client(x cartera.Client) error       { c.clients = append(c.clients, x); return nil }
func (c *collector) Contact(cartera.Contact) error       { return nil }
func (c *collector) Invoice(cartera.Invoice) error       { return nil }
func (c *collector) TimeEntry(cartera.TimeEntry) error   { return nil }
func (c *collector) Concession(cartera.Concession) error { return nil }
func (c *collector) Incident(x cartera.Incident) error {
	c.incidents = append(c.incidents, x)
	return nil
}
func (c *collector) Deal(x cartera.Deal) error   { c.deals = append(c.deals, x); return nil }
func (c *collector) Signal(cartera.Signal) error { return nil }
func (c *collector) client(name string) (cartera.Client, bool) {
	for _, x := range c.clients {
		if x.Name == name {
			return x, true
		}
	}
	return cartera.Client{}, false
}

// lessons are what the demo team learned, by topic; "presupuesto" and
// "seguimiento" come back on several deals, as real lessons do.
var lessons = [][]cartera.Lesson{
	{
		{Topic: "presupuesto", Text: "Confirmar el presupuesto disponible en la primera reunión, no después de la propuesta",
			Change: "Añadir la pregunta del presupuesto al guion de la primera llamada"},
		{Topic: "decisor", Text: "Nunca hablamos con la persona que firmaba; la propuesta llegó filtrada por compras"},
	},
	{
		{Topic: "seguimiento", Text: "Tras enviar la propuesta pasaron tres semanas sin una llamada: la gestión del seguimiento falló",
			Change: "Fijar la fecha de seguimiento antes de salir de cada reunión"},
		{Topic: "presupuesto", Text: "El cliente comparó precios sin ver el alcance: presentar el precio junto a lo que incluye"},
	},
	{
		{Topic: "propuesta", Text: "Una propuesta de veinte páginas no se lee; la ganadora cabía en dos",
			Change: "Propuestas de dos páginas con un anexo técnico aparte"},
		{Topic: "seguimiento", Text: "Supimos del competidor demasiado tarde; preguntar antes si comparan opciones"},
	},
}

// reconnectAnswers are what the demo calls heard.
var reconnectAnswers = []cartera.Reconnect{
	{ReallyNo: cartera.Yes, Respected: true, CompetitorWon: cartera.Yes, Suggestions: "Más rapidez al responder y un precio cerrado", DoorOpen: true},
	{ReallyNo: cartera.Yes, Respected: true, CompetitorWon: cartera.No, Suggestions: "Que el presupuesto llegue antes de la reunión con dirección", DoorOpen: true},
	{ReallyNo: cartera.Unknown, Respected: true, CompetitorWon: cartera.Unknown, Suggestions: "Volver a hablar en primavera", DoorOpen: true},
}

// NewPlaybooks builds the playbook data for the demo anchored on a day.
func NewPlaybooks(anchor cartera.Date) (*Playbooks, error) {
	var c collector
	if err := Generate(anchor, &c); err != nil {
		return nil, err
	}
	pb := &Playbooks{Referrals: referrals(), Holidays: SpanishHolidays(anchor)}
	cfg := playbook.DefaultConfig()
	cal := playbook.NewCalendar(cfg.Weekend, pb.Holidays)

	// The four most recently lost deals, the newest first.
	var lost []cartera.Deal
	for _, d := range c.deals {
		if d.Outcome == cartera.OutcomeLost {
			lost = append(lost, d)
		}
	}
	sort.SliceStable(lost, func(i, j int) bool {
		if lost[i].Closed != lost[j].Closed {
			return lost[i].Closed > lost[j].Closed
		}
		return lost[i].ID < lost[j].ID
	})
	for i, d := range lost[:min(4, len(lost))] {
		plan := playbook.LostPlan(d, d.Closed, cal, cfg)
		plan[0], _ = playbook.Complete(plan[0], d.Closed) // everyone took their day
		if i == 0 {
			// The newest: the call is still to make.
			pb.Tasks = append(pb.Tasks, plan...)
			continue
		}
		r := reconnectAnswers[(i-1)%len(reconnectAnswers)]
		r.DealID, r.Day = d.ID, min(plan[1].Due, anchor)
		switch {
		case d.Competitor != "": // the call confirms who won
			r.CompetitorWon, r.Competitor = cartera.Yes, d.Competitor
		case r.CompetitorWon == cartera.Yes:
			r.Competitor = competitors[i%len(competitors)]
		}
		pb.Reconnects = append(pb.Reconnects, r)
		if i >= 2 {
			// Older ones were debriefed too; the oldest started again.
			pb.Debriefs = append(pb.Debriefs, cartera.Debrief{DealID: d.ID, Day: min(plan[2].Due, anchor),
				Happened: "Se perdió por «" + d.LostReason + "» tras " + itoa(cartera.DaysBetween(d.Created, d.Closed)) + " días abierta",
				Better:   "Cualificar antes: necesidad, presupuesto y quién decide", Lessons: lessons[(i-2)%len(lessons)]})
			if i == 3 {
				plan[3], _ = playbook.Complete(plan[3], min(plan[3].Due, anchor))
			}
		}
		pb.Tasks = append(pb.Tasks, plan...)
	}
	// One more debrief on an older lost deal, so that lessons recur.
	if len(lost) > 4 {
		d := lost[4]
		pb.Debriefs = append(pb.Debriefs, cartera.Debrief{DealID: d.ID, Day: min(d.Closed.AddDays(3), anchor),
			Happened: "Eligieron a otro proveedor con un plazo más corto", Lessons: lessons[2]})
	}

	// The client who does not listen: the second conversation is due.
	if cl, ok := c.client("Inmobiliaria Costa Dorada"); ok {
		var last cartera.Incident
		for _, in := range c.incidents {
			if in.ClientID == cl.ID && in.Kind == cartera.KindNotListening && in.At.After(last.At) {
				last = in
			}
		}
		from := cartera.DateFromTime(last.At.In(Location))
		if last.ID == "" {
			from = anchor.AddDays(-1)
		}
		fu, err := playbook.FollowUp(cl, last.ID, max(from, anchor.AddDays(-1)), 0, cal, cfg)
		if err != nil {
			return nil, err
		}
		pb.Tasks = append(pb.Tasks, fu)
	}
	// Boundaries sent to the weekend client three weeks ago.
	if cl, ok := c.client("Hostal Las Dunas"); ok {
		pb.Tasks = append(pb.Tasks, playbook.BoundaryReview(cl, anchor.AddDays(-21), cal, cfg))
	}
	return pb, nil
}

// Save writes the playbook data to a store: referrals, holidays, tasks,
// then the calls' answers and debriefs (which close their tasks).
func (pb *Playbooks) Save(ctx context.Context, st cartera.Store) error {
	for _, r := range pb.Referrals {
		if _, err := st.SaveReferral(ctx, r); err != nil {
			return err
		}
	}
	for _, h := range pb.Holidays {
		if err := st.SaveHoliday(ctx, h); err != nil {
			return err
		}
	}
	if err := st.SaveTasks(ctx, pb.Tasks); err != nil {
		return err
	}
	for _, r := range pb.Reconnects {
		if _, err := st.CompleteReconnect(ctx, r); err != nil {
			return err
		}
	}
	for _, d := range pb.Debriefs {
		if _, err := st.SaveDebrief(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// referrals are providers for each service the demo sells.
func referrals() []cartera.Referral {
	return []cartera.Referral{
		{ID: "REF-01", Service: "mantenimiento web", Name: "Soporte Web Levante", Contact: "Irene Vidal",
			Email: "irene@soportelevante.example", Phone: "+34 961 000 101", Note: "Planes mensuales para pymes"},
		{ID: "REF-02", Service: "diseño web", Name: "Estudio Alba Diseño", Contact: "Tomás Alba",
			Email: "tomas@estudioalba.example", URL: "https://estudioalba.example"},
		{ID: "REF-03", Service: "diseño web", Name: "Taller de Webs Sur", Phone: "+34 954 000 202",
			Note: "Trabajan bien con arquitectos y estudios"},
		{ID: "REF-04", Service: "redes sociales", Name: "Comunica Cercano", Contact: "Nuria Páez",
			Email: "nuria@comunicacercano.example", Note: "Comercio local y hostelería"},
		{ID: "REF-05", Service: "campañas de publicidad", Name: "Agencia Faro", Contact: "Rubén Soler",
			Email: "ruben@agenciafaro.example", Phone: "+34 963 000 303"},
		{ID: "REF-06", Service: "desarrollo a medida", Name: "Código Claro Cooperativa", Email: "hola@codigoclaro.example",
			URL: "https://codigoclaro.example"},
		{ID: "REF-07", Service: "posicionamiento SEO", Name: "Buscadores Norte", Contact: "Eva Marín",
			Phone: "+34 944 000 404"},
		{ID: "REF-08", Service: "consultoría digital", Name: "Rumbo Digital", Contact: "Jaime Ortiz",
			Email: "jaime@rumbodigital.example"},
		{ID: "REF-09", Service: "identidad corporativa", Name: "Marca y Trazo", Email: "estudio@marcaytrazo.example",
			Note: "Identidades para comercio y restauración"},
	}
}

// SpanishHolidays returns Spain's national holidays for the year before,
// of and after the anchor: the fixed ones and Good Friday.
func SpanishHolidays(anchor cartera.Date) []cartera.Holiday {
	y, _, _ := anchor.YMD()
	var out []cartera.Holiday
	for year := y - 1; year <= y+1; year++ {
		d := func(m time.Month, day int) cartera.Date { return cartera.DateOf(year, m, day) }
		out = append(out,
			cartera.Holiday{Day: d(1, 1), Name: "Año Nuevo"}, cartera.Holiday{Day: d(1, 6), Name: "Epifanía del Señor"},
			cartera.Holiday{Day: easter(year).AddDays(-2), Name: "Viernes Santo"},
			cartera.Holiday{Day: d(5, 1), Name: "Fiesta del Trabajo"}, cartera.Holiday{Day: d(8, 15), Name: "Asunción de la Virgen"},
			cartera.Holiday{Day: d(10, 12), Name: "Fiesta Nacional de España"}, cartera.Holiday{Day: d(11, 1), Name: "Todos los Santos"},
			cartera.Holiday{Day: d(12, 6), Name: "Día de la Constitución"}, cartera.Holiday{Day: d(12, 8), Name: "Inmaculada Concepción"},
			cartera.Holiday{Day: d(12, 25), Name: "Navidad"})
	}
	return out
}

// easter returns Easter Sunday of a year (the anonymous Gregorian
// algorithm).
func easter(y int) cartera.Date {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return cartera.DateOf(y, time.Month(month), day)
}

func itoa(n int) string { return cartera.FormatDecimal(int64(n), 0, '.') }
