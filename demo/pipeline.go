package demo

import (
	"fmt"
	"math"

	"github.com/cartera/cartera"
)

// habit is how a seller works their pipeline.
type habit struct {
	name string
	// skill is the seller's underlying win rate; bias is how far their
	// claims run above what the evidence supports.
	skill, bias float64
	// checkEvery is how often they check where a deal stands, in days
	// (0: they do not).
	checkEvery int
	// verbal is how readily they log a prospect's "yes" as a signal;
	// numbers is the share of deals they give a probability (the rest only
	// a category).
	verbal, numbers float64
	// unknowns is the chance a qualification question stays unanswered.
	unknowns float64
}

// Sellers are the demo sales team, each with a habit the reports bring
// out: Andrés is chronically over-optimistic, Carmen cautious, Marcos
// stops checking on his deals, Lucía is close to calibrated.
var sellers = []habit{
	{name: "Lucía Ferrer", skill: 0.45, bias: 0.05, checkEvery: 12, verbal: 0.3, numbers: 0.9, unknowns: 0.15},
	{name: "Andrés Molina", skill: 0.28, bias: 0.45, checkEvery: 45, verbal: 0.9, numbers: 0.8, unknowns: 0.5},
	{name: "Carmen Ortega", skill: 0.5, bias: -0.12, checkEvery: 14, verbal: 0.2, numbers: 0.6, unknowns: 0.1},
	{name: "Marcos Vidal", skill: 0.35, bias: 0.15, checkEvery: 0, verbal: 0.5, numbers: 0.5, unknowns: 0.35},
}

var pipelineStages = []cartera.Stage{"lead", "qualified", "proposal", "negotiation"}

var (
	projects = []string{"Web nueva", "Tienda online", "Mantenimiento anual", "Campaña de primavera", "App de reservas",
		"Rediseño de marca", "Intranet", "Auditoría SEO", "Formación del equipo", "Catálogo digital", "CRM a medida",
		"Migración a la nube", "Vídeo corporativo", "Plan de redes", "Portal de clientes"}
	lostReasons = []string{"precio", "eligieron a otro proveedor", "sin presupuesto este año", "lo hacen internamente",
		"el proyecto se canceló", "no hubo respuesta"}
	competitors = []string{"Agencia Norte", "Estudio Pixel", "Digitalia", "Grupo Cima"}
)

// dealGen draws one deal and its signals.
type dealGen struct {
	g       *gen
	clients int // curated client ids to link upsells to (C-001…)
	// extraChecks, when positive, pads each deal with status checks up to
	// this many signals (scale runs); negative trims.
	signalBudget int
}

// pipeline writes the demo pipeline: n deals over two years.
func (g *gen) pipeline(n, clients, signalBudget int) error {
	dg := &dealGen{g: g, clients: clients, signalBudget: signalBudget}
	for i := 0; i < n; i++ {
		if err := dg.deal(i, sellers[i%len(sellers)]); err != nil {
			return err
		}
	}
	return nil
}

func (dg *dealGen) deal(i int, h habit) error {
	g, r := dg.g, dg.g.rng
	id := fmt.Sprintf("O-%04d", i+1)
	if dg.signalBudget > 0 {
		id = fmt.Sprintf("O-%07d", i+1)
	}
	// A third of the deals are recent enough to be still open.
	created := g.anchor.AddDays(-r.IntN(720))
	if r.IntN(3) == 0 {
		created = g.anchor.AddDays(-r.IntN(110))
	}
	length := 20 + r.IntN(100)
	end := created.AddDays(length)
	// The deal's true chance: the seller's skill with some luck.
	q := math.Min(math.Max(h.skill+r.NormFloat64()*0.15, 0.03), 0.95)
	won := r.Float64() < q
	d := cartera.Deal{ID: id, Owner: h.name, Created: created,
		Value:         cartera.Money{Amount: int64(20+r.IntN(580)) * 10000, Currency: "EUR"},
		ExpectedClose: created.AddDays(length + r.IntN(15) - 7), Outcome: cartera.OutcomeOpen}
	project := projects[r.IntN(len(projects))]
	if dg.clients > 0 && r.IntN(4) == 0 {
		d.ClientID = fmt.Sprintf("C-%03d", 1+r.IntN(dg.clients))
		d.Title = project
	} else {
		d.Prospect = trades[r.IntN(len(trades))] + " " + surnames[r.IntN(len(surnames))] + suffixes[r.IntN(len(suffixes))]
		d.Title = project + " · " + d.Prospect
	}
	closed := end < g.anchor
	// Some deals nobody closes: they linger in the pipeline unchecked.
	if closed && !won && h.checkEvery != 12 && r.IntN(8) == 0 {
		closed = false
	}
	last := g.anchor
	stage := 0
	switch {
	case closed && won:
		d.Outcome, d.Closed = cartera.OutcomeWon, end
		stage = 2 + min(r.IntN(3), 1)
		last = end
	case closed:
		d.Outcome, d.Closed = cartera.OutcomeLost, end
		stage = r.IntN(4)
		d.LostReason = lostReasons[r.IntN(len(lostReasons))]
		if r.IntN(2) == 0 {
			d.Competitor = competitors[r.IntN(len(competitors))]
		}
		last = end
	default:
		// Open: further along the longer it has run.
		frac := float64(cartera.DaysBetween(created, g.anchor)) / float64(length)
		stage = min(int(frac*3.2), 3)
		if stage < 3 && r.IntN(3) == 0 {
			stage++
		}
	}
	d.Stage = pipelineStages[stage]
	span := max(cartera.DaysBetween(created, last), 1)
	d.StageSince = created.AddDays(span * stage / 4)
	if !d.Closed.IsZero() && d.StageSince > d.Closed {
		d.StageSince = d.Closed
	}

	// Qualification: winners are usually qualified; unknowns follow the
	// seller's habit.
	ans := func(no float64) cartera.Answer {
		switch x := r.Float64(); {
		case x < h.unknowns:
			return cartera.Unknown
		case x < h.unknowns+no:
			return cartera.No
		}
		return cartera.Yes
	}
	no := 0.06
	if won {
		no = 0.005
	}
	d.Qualification = cartera.Qualification{Need: ans(no), Capacity: ans(no), DecisionMaker: ans(no)}

	// The claim: what the seller believes, through their bias.
	believed := q
	if stage >= 2 {
		believed += 0.1
	}
	claim := math.Min(math.Max(believed+h.bias+r.NormFloat64()*0.08, 0.05), 0.95)
	if r.Float64() < h.numbers {
		d.Claimed = cartera.BasisPoints(math.Round(claim*20) * 500)
	}
	switch {
	case claim >= 0.7:
		d.Category = cartera.CategoryCommit
	case claim >= 0.4:
		d.Category = cartera.CategoryBestCase
	default:
		d.Category = cartera.CategoryPipeline
	}
	if err := g.sink.Deal(d); err != nil {
		return err
	}
	return dg.signals(d, h, stage, won, last)
}

// signals writes the evidence a deal gathers from creation to its end.
func (dg *dealGen) signals(d cartera.Deal, h habit, stage int, won bool, last cartera.Date) error {
	g, r := dg.g, dg.g.rng
	span := max(cartera.DaysBetween(d.Created, last), 1)
	var out []cartera.Signal
	at := func(frac float64) cartera.Date {
		day := d.Created.AddDays(int(frac * float64(span)))
		return min(day, last, g.anchor)
	}
	add := func(kind cartera.SignalKind, day cartera.Date, source, note string, days int) {
		out = append(out, cartera.Signal{DealID: d.ID, Kind: kind, Day: day, Source: source, Note: note, Days: days})
	}
	chance := func(ifWon, ifLost float64) bool {
		if won {
			return r.Float64() < ifWon
		}
		return r.Float64() < ifLost
	}
	if chance(0.9, 0.7) {
		add(cartera.SignalMeetingHeld, at(0.1+r.Float64()*0.1), "meeting", "Primera reunión", 0)
	}
	if stage >= 1 && chance(0.75, 0.3) {
		add(cartera.SignalDecisionMakerMet, at(0.3+r.Float64()*0.2), "meeting", "Conocimos a quien firma", 0)
	}
	if stage >= 1 && chance(0.7, 0.25) {
		add(cartera.SignalBudgetConfirmed, at(0.35+r.Float64()*0.2), "email", "Presupuesto aprobado por dirección", 0)
	}
	if stage >= 2 && chance(0.9, 0.7) {
		add(cartera.SignalProposalRequested, at(0.5+r.Float64()*0.2), "email", "Piden propuesta detallada", 0)
	}
	if r.Float64() < h.verbal*0.8 {
		add(cartera.SignalVerbalIntent, at(0.55+r.Float64()*0.3), "call", "«Lo vemos claro, adelante»", 0)
	}
	if chance(0.15, 0.6) {
		day := at(0.7 + r.Float64()*0.3)
		add(cartera.SignalNoReply, day, "email", "Segundo correo sin contestar", 7+r.IntN(25))
		if won {
			add(cartera.SignalMeetingHeld, min(day.AddDays(5+r.IntN(10)), last, g.anchor), "call", "Retomamos la conversación", 0)
		}
	}
	if chance(0.1, 0.4) {
		add(cartera.SignalPostponed, at(0.6+r.Float64()*0.3), "call", "Lo dejan para el próximo trimestre", 0)
	}
	if chance(0.1, 0.35) {
		add(cartera.SignalCompetitorMentioned, at(0.5+r.Float64()*0.4), "meeting", "Tienen otra oferta encima de la mesa", 0)
	}
	if chance(0.02, 0.1) {
		add(cartera.SignalChampionLeft, at(0.6+r.Float64()*0.3), "email", "Nuestra persona de contacto deja la empresa", 0)
	}
	if d.Outcome == cartera.OutcomeWon {
		kind := cartera.SignalContractSigned
		if r.IntN(3) == 0 {
			kind = cartera.SignalPurchaseOrder
		}
		add(kind, d.Closed.AddDays(-r.IntN(4)), "document", "Firmado y recibido", 0)
		if pay := d.Closed.AddDays(10 + r.IntN(30)); pay <= g.anchor {
			add(cartera.SignalPaymentReceived, pay, "document", "Primer pago recibido", 0)
		}
	}
	// Status checks, as often as the seller's habit.
	if h.checkEvery > 0 {
		for day := d.Created.AddDays(h.checkEvery); day <= min(last, g.anchor); day = day.AddDays(h.checkEvery + r.IntN(5) - 2) {
			add(cartera.SignalStatusCheck, day, "call", "Comprobamos cómo lo ven ahora", 0)
		}
	}
	if dg.signalBudget > 0 {
		out = dg.fit(out, d, last)
	}
	for i := range out {
		if out[i].Day < d.Created {
			out[i].Day = d.Created
		}
		g.seq.signal++
		if dg.signalBudget > 0 {
			out[i].ID = fmt.Sprintf("S-%08d", g.seq.signal)
		} else {
			out[i].ID = fmt.Sprintf("S-%05d", g.seq.signal)
		}
		if err := g.sink.Signal(out[i]); err != nil {
			return err
		}
	}
	return nil
}

// fit pads (with status checks) or trims a deal's signals to the scale
// run's budget, keeping the verified evidence of won deals.
func (dg *dealGen) fit(out []cartera.Signal, d cartera.Deal, last cartera.Date) []cartera.Signal {
	r := dg.g.rng
	for len(out) < dg.signalBudget {
		day := d.Created.AddDays(r.IntN(max(cartera.DaysBetween(d.Created, last), 1)))
		out = append(out, cartera.Signal{DealID: d.ID, Kind: cartera.SignalStatusCheck, Day: min(day, dg.g.anchor), Source: "crm"})
	}
	for len(out) > dg.signalBudget {
		i := r.IntN(len(out))
		if out[i].Kind.Verified() {
			i = 0
			if out[0].Kind.Verified() {
				break
			}
		}
		out = append(out[:i], out[i+1:]...)
	}
	return out
}

// ScalePipeline writes n deals with about signals signals in total, for
// benchmarks; deals are not linked to clients.
func ScalePipeline(anchor cartera.Date, n, signals int, seed uint64, s Sink) error {
	if n <= 0 {
		return fmt.Errorf("demo: need at least one deal")
	}
	g := newGen(anchor, seed, s)
	return g.pipeline(n, 0, max(signals/n, 1))
}
