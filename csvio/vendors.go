package csvio

import (
	"fmt"
	"sync"
)

// The built-in mappings read the deal exports of HubSpot, Pipedrive and
// Salesforce, with the interface in English or Spanish. Which header names
// are confirmed and which are inferred is recorded in
// testdata/vendors/README.md and docs/import.md; every alias listed there
// is accepted.
//
// Stage labels are account data, not interface text: a portal set up in
// Spanish shows Spanish stage names to an English interface. So each
// vendor has one stage table, in both languages, shared by its two
// mappings; only the column names and the default date order differ.
//
// Closing stages whose last open stage the export does not keep (HubSpot's
// Closed Won/Lost, Salesforce's Closed Won/Lost) map to "won" or "lost":
// the deal goes to the pipeline's first stage with that outcome. Learned
// stage rates then count it only as having reached the first stage, the
// honest reading when nobody recorded how far it got. Pipedrive keeps the
// stage and reports the outcome in its own Status column.

// col is one target with the headers that feed it, first the one seen in
// exports.
type col struct {
	target  string
	headers []string
}

// stageSpec is one cartera stage (or won/lost) with the vendor labels
// that mean it, in both languages.
type stageSpec struct {
	target string
	labels []string
}

type vendorSpec struct {
	name        string
	entity      string
	prefixes    []string
	cols        []col
	stages      []stageSpec
	outcomes    map[string]string
	categories  map[string]string
	dateOrder   string
	decimal     string
	probability string
	idPrefix    string
}

func (v vendorSpec) mapping() *Mapping {
	m := &Mapping{Name: v.name, Entity: v.entity, Prefixes: v.prefixes, Columns: map[string]string{}, Stages: map[string]string{},
		Outcomes: v.outcomes, Categories: v.categories, DateOrder: v.dateOrder, Decimal: v.decimal,
		ProbabilityScale: v.probability, IDPrefix: v.idPrefix, detectDates: true}
	for _, c := range v.cols {
		for _, h := range c.headers {
			m.Columns[h] = c.target
			m.colOrder = append(m.colOrder, h)
		}
	}
	for _, s := range v.stages {
		for _, l := range s.labels {
			m.Stages[l] = s.target
			m.stageOrder = append(m.stageOrder, l)
		}
	}
	if probs := m.compile(); len(probs) > 0 {
		panic(fmt.Sprintf("built-in mapping %s: %v", v.name, probs)) // a bug in the table below, caught by every test
	}
	return m
}

var (
	hubspotStages = []stageSpec{
		{"lead", []string{"Appointment Scheduled", "Cita programada", "appointmentscheduled"}},
		{"qualified", []string{"Qualified To Buy", "Calificado para comprar", "Cualificado para comprar", "qualifiedtobuy"}},
		{"proposal", []string{"Presentation Scheduled", "Presentación programada", "presentationscheduled"}},
		{"negotiation", []string{"Decision Maker Bought-In", "Propuesta aceptada", "decisionmakerboughtin",
			"Contract Sent", "Contrato enviado", "contractsent"}},
		{"won", []string{"Closed Won", "Cierre ganado", "Cerrado ganado", "closedwon"}},
		{"lost", []string{"Closed Lost", "Cierre perdido", "Cerrado perdido", "closedlost"}},
	}
	pipedriveStages = []stageSpec{
		{"lead", []string{"Lead In", "Lead entrante"}},
		{"qualified", []string{"Qualified", "Calificado", "Cualificado", "Contact Made", "Contacto realizado",
			"Demo Scheduled", "Demostración programada", "Demo programada"}},
		{"proposal", []string{"Proposal Made", "Propuesta realizada", "Propuesta hecha"}},
		{"negotiation", []string{"Negotiations Started", "Negociaciones iniciadas", "Negociación iniciada"}},
	}
	pipedriveOutcomes = map[string]string{"Open": "open", "Won": "won", "Lost": "lost",
		"Abierto": "open", "Ganado": "won", "Perdido": "lost"}
	salesforceStages = []stageSpec{
		{"lead", []string{"Prospecting", "Prospección"}},
		{"qualified", []string{"Qualification", "Cualificación", "Calificación", "Needs Analysis", "Análisis de necesidades"}},
		{"proposal", []string{"Value Proposition", "Propuesta de valor", "Id. Decision Makers", "Identificar responsables de la toma de decisiones",
			"Perception Analysis", "Análisis de percepción", "Proposal/Price Quote", "Propuesta/Presupuesto"}},
		{"negotiation", []string{"Negotiation/Review", "Negociación/Revisión"}},
		{"won", []string{"Closed Won", "Cerrada ganada"}},
		{"lost", []string{"Closed Lost", "Cerrada perdida"}},
	}
	// Salesforce's Closed and Omitted categories are not forecast
	// categories in cartera: a closed deal has its outcome, and an omitted
	// one is simply not committed to.
	salesforceCategories = map[string]string{"Pipeline": "pipeline", "Best Case": "best_case", "Commit": "commit",
		"Closed": "", "Omitted": "", "Mejor caso": "best_case", "Compromiso": "commit", "Cerrada": "", "Omitida": ""}
)

var crmSpecs = []vendorSpec{
	{name: "hubspot-en", idPrefix: "hubspot-", dateOrder: "mdy", probability: "fraction", stages: hubspotStages, cols: []col{
		{"id", []string{"Record ID"}},
		{"title", []string{"Deal Name"}},
		{"stage", []string{"Deal Stage"}},
		{"close_date", []string{"Close Date"}},
		{"owner", []string{"Deal owner"}},
		{"value", []string{"Amount"}},
		{"currency", []string{"Currency"}},
		{"created", []string{"Create Date"}},
		{"company", []string{"Associated Company"}},
		{"lost_reason", []string{"Closed Lost Reason"}},
		{"claimed", []string{"Deal probability"}},
		{"is_won", []string{"Is Closed Won"}},
		{"is_closed", []string{"Is Deal Closed?"}},
	}},
	{name: "hubspot-es", idPrefix: "hubspot-", dateOrder: "dmy", probability: "fraction", stages: hubspotStages, cols: []col{
		{"id", []string{"ID de registro"}},
		{"title", []string{"Nombre del negocio"}},
		{"stage", []string{"Etapa del negocio"}},
		{"close_date", []string{"Fecha de cierre"}},
		{"owner", []string{"Propietario del negocio", "Propietario del registro de negocio"}},
		{"value", []string{"Importe", "Valor", "Cantidad"}},
		{"currency", []string{"Moneda"}},
		{"created", []string{"Fecha de creación"}},
		{"company", []string{"Empresa asociada"}},
		{"lost_reason", []string{"Motivo de cierre perdido"}},
		{"claimed", []string{"Probabilidad del negocio"}},
	}},
	{name: "pipedrive-en", idPrefix: "pipedrive-", dateOrder: "mdy", prefixes: []string{"Deal"}, outcomes: pipedriveOutcomes,
		stages: pipedriveStages, cols: []col{
			{"id", []string{"ID"}},
			{"title", []string{"Title"}},
			{"owner", []string{"Owner"}},
			{"value", []string{"Value"}},
			{"currency", []string{"Currency of Value", "Currency"}},
			{"company", []string{"Organization", "Organization - Name"}},
			{"stage", []string{"Stage"}},
			{"outcome", []string{"Status"}},
			{"claimed", []string{"Probability"}},
			{"expected_close", []string{"Expected close date"}},
			{"created", []string{"Deal created", "Add time"}},
			{"won_time", []string{"Won time"}},
			{"lost_time", []string{"Lost time"}},
			{"closed", []string{"Deal closed on", "Closed on", "Close time"}},
			{"lost_reason", []string{"Lost reason"}},
			{"stage_since", []string{"Last stage change"}},
		}},
	{name: "pipedrive-es", idPrefix: "pipedrive-", dateOrder: "dmy", prefixes: []string{"Trato"}, outcomes: pipedriveOutcomes,
		stages: pipedriveStages, cols: []col{
			{"id", []string{"ID"}},
			{"title", []string{"Título"}},
			{"owner", []string{"Propietario"}},
			{"value", []string{"Valor"}},
			{"currency", []string{"Moneda de Valor", "Moneda"}},
			{"company", []string{"Organización", "Organización - Nombre"}},
			{"stage", []string{"Etapa"}},
			{"outcome", []string{"Estado"}},
			{"claimed", []string{"Probabilidad"}},
			{"expected_close", []string{"Fecha de cierre prevista"}},
			{"created", []string{"Trato creado"}},
			{"won_time", []string{"Fecha de ganado"}},
			{"lost_time", []string{"Fecha de perdido"}},
			{"closed", []string{"Trato cerrado el"}},
			{"lost_reason", []string{"Motivo de pérdida"}},
			{"stage_since", []string{"Último cambio de etapa"}},
		}},
	{name: "salesforce-en", idPrefix: "salesforce-", dateOrder: "mdy", categories: salesforceCategories, stages: salesforceStages,
		cols: []col{
			{"id", []string{"Opportunity ID"}},
			{"title", []string{"Opportunity Name"}},
			{"company", []string{"Account Name"}},
			{"owner", []string{"Opportunity Owner", "Opportunity: Opportunity Owner: Full Name"}},
			{"stage", []string{"Stage"}},
			{"value", []string{"Amount"}},
			{"currency", []string{"Opportunity Currency", "Amount Currency"}},
			{"claimed", []string{"Probability (%)"}},
			{"close_date", []string{"Close Date"}},
			{"created", []string{"Created Date"}},
			{"category", []string{"Forecast Category"}},
			{"is_closed", []string{"Closed"}},
			{"is_won", []string{"Won"}},
			{"lost_reason", []string{"Loss Reason"}},
		}},
	{name: "salesforce-es", idPrefix: "salesforce-", dateOrder: "dmy", decimal: "comma", categories: salesforceCategories,
		stages: salesforceStages, cols: []col{
			{"id", []string{"ID de la oportunidad", "Identificador de la oportunidad"}},
			{"title", []string{"Nombre de la oportunidad"}},
			{"company", []string{"Nombre de la cuenta", "Nombre de cuenta"}},
			{"owner", []string{"Propietario de oportunidad", "Propietario de la oportunidad",
				"Oportunidad: Propietario de oportunidad: Nombre completo"}},
			{"stage", []string{"Etapa"}},
			{"value", []string{"Importe"}},
			{"currency", []string{"Divisa de la oportunidad"}},
			{"claimed", []string{"Probabilidad (%)"}},
			{"close_date", []string{"Fecha de cierre"}},
			{"created", []string{"Fecha de creación"}},
			{"category", []string{"Categoría de previsión"}},
			{"is_closed", []string{"Cerrada"}},
			{"is_won", []string{"Ganada"}},
			{"lost_reason", []string{"Motivo de pérdida"}},
		}},
}

// The time trackers' detailed reports, exported as CSV: one row per time
// entry, no id of its own (an entry's id is made from who, when and on
// what; see docs/import.md), its project and the tracker's client. Where
// each header comes from and how sure we are of it is in
// testdata/trackers/README.md.
var trackerSpecs = []vendorSpec{
	{name: "toggl", entity: "time", idPrefix: "toggl-", dateOrder: "mdy", decimal: "point", cols: []col{
		{"user", []string{"User", "Member"}},
		{"client", []string{"Client"}},
		{"project", []string{"Project"}},
		{"task", []string{"Task"}},
		{"note", []string{"Description"}},
		{"billable", []string{"Billable"}},
		{"date", []string{"Start date", "Start Date"}},
		{"start_time", []string{"Start time", "Start Time"}},
		{"hours", []string{"Duration"}},
	}},
	{name: "clockify", entity: "time", idPrefix: "clockify-", dateOrder: "mdy", decimal: "point", cols: []col{
		{"project", []string{"Project", "Proyecto"}},
		{"client", []string{"Client", "Cliente"}},
		{"note", []string{"Description", "Descripción"}},
		{"task", []string{"Task", "Tarea"}},
		{"user", []string{"User", "Usuario"}},
		{"billable", []string{"Billable", "Facturable"}},
		{"date", []string{"Start Date", "Fecha de inicio"}},
		{"start_time", []string{"Start Time", "Hora de inicio"}},
		{"hours", []string{"Duration (decimal)", "Duración (decimal)"}},
	}},
	{name: "harvest", entity: "time", idPrefix: "harvest-", dateOrder: "mdy", decimal: "point", cols: []col{
		{"date", []string{"Date"}},
		{"client", []string{"Client"}},
		{"project", []string{"Project"}},
		{"task", []string{"Task"}},
		{"note", []string{"Notes"}},
		{"hours", []string{"Hours"}},
		{"billable", []string{"Billable?"}},
		{"user", []string{"First Name"}},
	}},
}

// vendorSpecs are every built-in mapping: the CRMs' deals, the trackers'
// time.
var vendorSpecs = append(crmSpecs[:len(crmSpecs):len(crmSpecs)], trackerSpecs...)

// builtins compiles the vendor tables once.
var builtins = sync.OnceValue(func() []*Mapping {
	out := make([]*Mapping, len(vendorSpecs))
	for i, v := range vendorSpecs {
		out[i] = v.mapping()
	}
	return out
})

// Builtins returns the built-in vendor mappings. They are shared: use
// them as they are, or load a mapping file that extends one.
func Builtins() []*Mapping { return builtins() }

// BuiltinNames lists the names of the built-in mappings.
func BuiltinNames() []string {
	var out []string
	for _, v := range vendorSpecs {
		out = append(out, v.name)
	}
	return out
}

// Builtin returns the built-in mapping with the given name, or nil.
func Builtin(name string) *Mapping {
	k := headerKey(name)
	for _, m := range builtins() {
		if headerKey(m.Name) == k {
			return m
		}
	}
	return nil
}
